/**
 * The harness's default way for Terraform to reach the stand-in provider: sets of shared provider
 * processes (shared-providers.ts) reused command after command, one command at a time per set.
 *
 * Why: Terraform starts a provider once per phase of a command (twice for `validate`, three times for
 * `plan` and `apply`, once for `show`), and each start of the Node provider costs about 0.2 s of CPU:
 * in the test suite, more than Terraform's own work. Reattached providers cost nothing per command.
 *
 * Why one command per set: a provider remembers the last `ConfigureProvider` (region, default tags)
 * for its whole life, so two commands configuring it differently must not overlap on one set. A
 * command takes an idle set (a new one is started when none is idle) and gives it back when it ends:
 * commands in sequence reuse the processes, concurrent ones get their own, up to `maxSets`. Beyond
 * that a command waits for a set to come free (an idle set of another key is stopped to make room):
 * a set costs about as much CPU to start as a plan of a small stack, and a command's wall time is
 * mostly waiting, so a few sets give most of the overlap of many concurrent commands.
 *
 * What fixes a set when it starts is its key: the fake account and the name mark (process
 * settings). Drift is not part of the key: every set reads its own drift file, which the provider
 * reads again on every refresh of a resource, and the pool writes each command's drift (or none)
 * into it before the command starts, so a command never sees another's drift.
 */
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DriftPatch } from './behaviour';
import type { SharedProviders } from './shared-providers';

/** What a command asks the pool for. */
export interface PoolRequest {
  /** Drift patches the provider applies when this command refreshes resources. @default - none */
  readonly drift?: readonly DriftPatch[];
  /** The fake account of ARNs and ids. @default - the provider's (123456789012) */
  readonly accountId?: string;
  /** A word put into names the provider makes up. @default - none */
  readonly nameMark?: string;
  /** How long to wait for a set to come free when `maxSets` are busy. @default 120000 */
  readonly waitInMs?: number;
}

/** A set lent to one command: reattach to it, then call `release` once the command has ended. */
export interface PoolLease {
  /** The value of `TF_REATTACH_PROVIDERS` for this set. */
  readonly reattach: string;
  /** Gives the set back (idempotent). */
  release(): void;
}

/** Starts one set of shared providers reading drift from `driftFile`. */
export type StartSet = (options: { readonly driftFile: string; readonly accountId?: string; readonly nameMark?: string }) => Promise<SharedProviders>;

interface PooledSet {
  readonly key: string;
  readonly providers: SharedProviders;
  readonly driftFile: string;
  busy: boolean;
}

/** What fixes a set when it starts: the fake account and the name mark. */
function keyOf(request: PoolRequest): string {
  return JSON.stringify([request.accountId ?? '', request.nameMark ?? '']);
}

/** Writes `drift` to `file` through a temporary name: the provider may read the file at any moment. */
function writeDrift(file: string, drift: readonly DriftPatch[]): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(drift));
  renameSync(`${file}.tmp`, file);
}

/** Idle and busy provider sets of one harness, by key. */
export class ProviderPool {
  private readonly sets: PooledSet[] = [];
  private started = 0;
  /** Sets being started: they count towards `maxSets`. */
  private starting = 0;
  private stopped = false;
  /** Commands waiting for a set to come free, woken on every release (and on stop). */
  private waiters: (() => void)[] = [];
  /** Keys of sets started by {@link warm} that have not started yet: a command of that key waits for it. */
  private readonly warming = new Set<string>();

  /**
   * @param dir where the sets' drift files live (the harness's private home)
   * @param maxSets how many sets may run at once (busy or idle)
   */
  constructor(
    private readonly dir: string,
    private readonly startSet: StartSet,
    private readonly maxSets = Number.POSITIVE_INFINITY,
  ) {
    if (!(maxSets >= 1)) throw new Error(`maxSets must be at least 1, not ${maxSets}`);
  }

  /** How many sets were started so far (each is one process per provider). */
  get setsStarted(): number {
    return this.started;
  }

  /**
   * An idle set with the request's key, started when there is none (while fewer than `maxSets` run;
   * else once one comes free), holding the request's drift.
   * @throws when the pool was stopped, when a new set does not start (the message says why), or when
   * no set came free within `waitInMs`
   */
  async acquire(request: PoolRequest = {}): Promise<PoolLease> {
    const key = keyOf(request);
    const waitUntil = Date.now() + (request.waitInMs ?? 120000);
    let set: PooledSet | undefined;
    while (!set) {
      if (this.stopped) throw new Error('the offline Terraform harness was disposed: no provider for another command');
      this.dropExited();
      set = this.sets.find((s) => !s.busy && s.key === key);
      if (set) break;
      if (this.warming.has(key)) {
        await this.setFreed(waitUntil);
        continue;
      }
      if (this.sets.length + this.starting < this.maxSets) {
        set = await this.startNew(key, request);
        break;
      }
      const idle = this.sets.findIndex((s) => !s.busy);
      if (idle >= 0) {
        // Room for a set of this key: an idle one of another key goes.
        void this.sets.splice(idle, 1)[0]!.providers.stop();
        continue;
      }
      await this.setFreed(waitUntil);
    }
    set.busy = true;
    const lent = set;
    try {
      writeDrift(lent.driftFile, request.drift ?? []);
    } catch (err) {
      this.giveBack(lent);
      throw err;
    }
    let released = false;
    return {
      reattach: lent.providers.reattach,
      release: () => {
        if (released) return;
        released = true;
        this.giveBack(lent);
      },
    };
  }

  /**
   * Starts a set of the request's key in the background, unless one runs or there is no room: the
   * first command then finds it started (a set starts in about the time `terraform init` takes, which
   * needs none). A set that fails to start is forgotten; the next command starts one and says why.
   */
  warm(request: PoolRequest = {}): void {
    const key = keyOf(request);
    if (this.stopped || this.warming.has(key) || this.sets.some((s) => s.key === key) || this.sets.length + this.starting >= this.maxSets) return;
    this.warming.add(key);
    this.startNew(key, request).then(
      (set) => {
        this.warming.delete(key);
        this.giveBack(set);
      },
      () => {
        this.warming.delete(key);
        this.wake();
      },
    );
  }

  private giveBack(set: PooledSet): void {
    set.busy = false;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when a set is given back or the pool stops; throws once `waitUntil` has passed. */
  private setFreed(waitUntil: number): Promise<void> {
    const left = waitUntil - Date.now();
    const busy = this.sets.length + this.starting;
    const tooLate = () => new Error(`no provider set came free in time: all ${busy} (at most ${this.maxSets}) were busy with other terraform commands`);
    if (left <= 0) return Promise.reject(tooLate());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== woken);
        reject(tooLate());
      }, left);
      const woken = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(woken);
    });
  }

  /** Stops every set; a set still starting stops once it has started. */
  stop(): void {
    this.stopped = true;
    for (const s of this.sets.splice(0)) void s.providers.stop();
    this.wake();
  }

  /** Starts a set for the caller: busy from the start, so no other command takes it first. */
  private async startNew(key: string, request: PoolRequest): Promise<PooledSet> {
    this.started += 1;
    this.starting += 1;
    let providers: SharedProviders;
    const driftFile = path.join(this.dir, `drift-pool-${this.started}.json`);
    try {
      writeDrift(driftFile, []);
      providers = await this.startSet({ driftFile, accountId: request.accountId, nameMark: request.nameMark });
    } finally {
      this.starting -= 1;
      // A set that did not start leaves room for a waiting command's.
      this.wake();
    }
    if (this.stopped) {
      void providers.stop();
      throw new Error('the offline Terraform harness was disposed while its providers started');
    }
    const set: PooledSet = { key, providers, driftFile, busy: true };
    this.sets.push(set);
    return set;
  }

  /** Forgets idle sets whose processes have exited (a crash): the next command starts a new one. */
  private dropExited(): void {
    for (let i = this.sets.length - 1; i >= 0; i--) {
      const s = this.sets[i]!;
      if (!s.busy && s.providers.exited()) {
        this.sets.splice(i, 1);
        void s.providers.stop();
      }
    }
  }
}
