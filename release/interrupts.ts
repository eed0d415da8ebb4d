/**
 * Signals as the release sees them: the first one wakes any wait (so the release can stop the
 * deployment at once), the second one unwinds everything (a {@link HardExit} races every call).
 */
import { HardExit } from './abort';

/** Counts signals, and makes waits and calls interruptible. */
export class Interrupts {
  private count = 0;
  private wakeUp: (() => void) | undefined;
  private rejectHardExit: ((err: Error) => void) | undefined;
  private readonly hardExit: Promise<never>;
  private controller = new AbortController();

  /**
   * @param sleep the real (or a test's fake) sleep
   * @param tickEveryInMs while waiting, call `onTick` this often (a terminal's elapsed time); undefined: once at the end
   */
  constructor(
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly tickEveryInMs: number | undefined,
    private readonly onTick: () => void,
  ) {
    this.hardExit = new Promise<never>((_, reject) => {
      this.rejectHardExit = reject;
    });
    // Nobody may be awaiting it when it fires; the race in guard() is what reports it.
    this.hardExit.catch(() => undefined);
  }

  /** Signals received so far. */
  get received(): number {
    return this.count;
  }

  /**
   * Aborted by the next signal: the reads in flight when it comes end at once (release/aws-calls.ts),
   * so the release acts on the signal whatever call is hanging.
   */
  get abortSignal(): AbortSignal {
    return this.controller.signal;
  }

  /** Registers a signal and returns how many there were: the first wakes any wait, the second unwinds. */
  signal(): number {
    this.count++;
    const controller = this.controller;
    this.controller = new AbortController();
    controller.abort(new Error('signal received'));
    if (this.count === 1) this.wakeUp?.();
    else this.rejectHardExit?.(new HardExit());
    return this.count;
  }

  /** Races a promise against a second signal. */
  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.hardExit]);
  }

  /** Sleeps, waking early on the first signal. */
  async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    const interrupted = new Promise<void>((resolve) => {
      this.wakeUp = resolve;
    });
    const before = this.count;
    const sleeping = (async () => {
      const step = this.tickEveryInMs ?? ms;
      for (let left = ms; left > 0 && this.count === before; left -= step) {
        await this.sleep(Math.min(step, left));
        this.onTick();
      }
    })();
    await this.guard(Promise.race([sleeping, interrupted]));
    this.wakeUp = undefined;
  }
}
