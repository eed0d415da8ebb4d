/**
 * Every CodeDeploy call of the release goes through {@link CodeDeployCalls}:
 * - one retry policy ({@link decideRetry}): throttling is waited out with growing, jittered back-off;
 *   5xx and network errors are retried a few times, but only for calls that are safe to repeat;
 *   anything else is not retried;
 * - one place that builds the options of every request ({@link CodeDeployCalls.requestOptions}):
 *   connection/request timeouts and the abort signal belong there;
 * - one mapping of an error that is left over to the release's outcome ({@link abortFor}).
 */
import { StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { classifyAwsError, type ClassifiedAwsError, type CodeDeploySender, describeAwsError } from './aws-errors';
import { HardExit, ReleaseAbort } from './abort';
import { nextPollDelay } from './poll';

/** Throttling errors in a row one call tolerates before giving up (with back-off: minutes). */
export const MAX_THROTTLE_RETRIES = 12;
/** Transient (5xx, network) errors in a row one call tolerates (calls safe to repeat only). */
export const MAX_TRANSIENT_RETRIES = 5;

/** Retries of one call so far. */
export interface RetryTally {
  readonly throttles: number;
  readonly transient: number;
}

/** What the retry policy needs to know besides the error. */
export interface RetryPolicy {
  /**
   * True when sending the request twice cannot do harm (reads, and writes CodeDeploy deduplicates).
   * A throttled request was not executed, so throttling is retried either way; a 5xx or a network
   * error may hide a request that was executed, so only idempotent calls are retried after one.
   */
  readonly idempotent: boolean;
  readonly minIntervalInMs: number;
  readonly maxIntervalInMs: number;
}

/** What to do after a failed call. */
export type RetryStep =
  | { readonly kind: 'give-up' }
  | { readonly kind: 'retry'; readonly reason: 'throttling' | 'transient'; readonly tally: RetryTally; readonly delayInMs: number };

/** The back-off before retry number `n` (1-based): the poll back-off of {@link nextPollDelay} under `n` throttles in a row. */
export function retryDelayInMs(n: number, intervals: { readonly minIntervalInMs: number; readonly maxIntervalInMs: number }, random: number): number {
  return nextPollDelay({ nowInMs: 0, lastChangeAtInMs: 0, consecutiveThrottles: n, minIntervalInMs: intervals.minIntervalInMs, maxIntervalInMs: intervals.maxIntervalInMs, random });
}

/**
 * The release's one retry policy. Pure: `random` in [0, 1) is the jitter. The back-off is the poll
 * back-off of {@link nextPollDelay} under throttling: the fastest interval doubling per retry, capped
 * at 4× the slowest, with equal jitter.
 */
export function decideRetry(error: ClassifiedAwsError, tally: RetryTally, policy: RetryPolicy, random: number): RetryStep {
  const delay = (n: number): number => retryDelayInMs(n, policy, random);
  if (error.kind === 'throttling' && tally.throttles < MAX_THROTTLE_RETRIES) {
    const next = { ...tally, throttles: tally.throttles + 1 };
    return { kind: 'retry', reason: 'throttling', tally: next, delayInMs: delay(next.throttles) };
  }
  if (error.kind === 'transient' && policy.idempotent && tally.transient < MAX_TRANSIENT_RETRIES) {
    const next = { ...tally, transient: tally.transient + 1 };
    return { kind: 'retry', reason: 'transient', tally: next, delayInMs: delay(next.transient) };
  }
  return { kind: 'give-up' };
}

/** Maps an error no retry cured to the release's outcome and message. */
export function abortFor(action: string, c: ClassifiedAwsError, region: string): ReleaseAbort {
  if (c.kind === 'not-found') {
    return new ReleaseAbort(
      { kind: 'invalid-input' },
      `AWS rejected the input of ${action}: ${c.code}: ${c.message}. Check --application/--deployment-group/--deployment-config (or RELEASE_* variables and the outputs file) and --region ${region}.`,
      c.code,
    );
  }
  if (c.kind === 'deployment-limit') return new ReleaseAbort({ kind: 'active-deployment', activeDeploymentId: '' }, `${c.code}: ${c.message}`, c.code);
  return new ReleaseAbort({ kind: 'aws-error' }, describeAwsError(action, c), c.code);
}

/** The result of a call that the caller handles itself ({@link CodeDeployCalls.callOnce}). */
export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ClassifiedAwsError };

/** Options of one request, as the SDK's `send(command, options)` takes them. */
export interface RequestOptions {
  readonly abortSignal?: AbortSignal;
}

/** What {@link CodeDeployCalls} does I/O with. */
export interface AwsCallsDeps {
  readonly sender: CodeDeploySender;
  /** For messages (`--region …`). */
  readonly region: string;
  readonly minIntervalInMs: number;
  readonly maxIntervalInMs: number;
  /** A random number in [0, 1) (the back-off's jitter). */
  readonly random: () => number;
  /** Waits between retries; may resolve early (the first signal). */
  readonly pause: (ms: number) => Promise<void>;
  /** Races a call against the second signal, which rejects with {@link HardExit}. */
  readonly guard: <T>(p: Promise<T>) => Promise<T>;
  /** Prints a progress line (`throttled …`, `retry …`). */
  readonly notify: (keyword: string, text: string) => void;
}

/** The release's CodeDeploy calls. */
export class CodeDeployCalls {
  constructor(private readonly deps: AwsCallsDeps) {}

  /**
   * The options of every request the release sends: the one place where per-request settings
   * (timeouts, the abort signal) are decided.
   */
  requestOptions(_action: string): RequestOptions {
    return {};
  }

  /**
   * One call under the retry policy. What no retry cures unwinds as a {@link ReleaseAbort}; the second
   * signal as {@link HardExit}. An empty answer counts as an empty object, as the SDK deserializes it.
   * @param idempotent see {@link RetryPolicy.idempotent}
   */
  async call<T>(action: string, command: { readonly input: object }, idempotent = true): Promise<T> {
    let tally: RetryTally = { throttles: 0, transient: 0 };
    for (;;) {
      const result = await this.callOnce<T>(action, command);
      if (result.ok) return result.value;
      const c = result.error;
      const step = decideRetry(c, tally, { idempotent, minIntervalInMs: this.deps.minIntervalInMs, maxIntervalInMs: this.deps.maxIntervalInMs }, this.deps.random());
      if (step.kind === 'give-up') throw abortFor(action, c, this.deps.region);
      tally = step.tally;
      if (step.reason === 'transient') this.deps.notify('retry', `${action} ${c.code}: ${c.message}`);
      else if (tally.throttles === 1 || tally.throttles % 4 === 0) this.deps.notify('throttled', `${action} ${c.code}; retrying in ${Math.round(step.delayInMs / 100) / 10} s`);
      await this.deps.pause(step.delayInMs);
    }
  }

  /** One attempt, no retry: the caller decides what each error means. The second signal still unwinds. */
  async callOnce<T>(action: string, command: { readonly input: object }): Promise<CallResult<T>> {
    try {
      const value = (await this.deps.guard(this.deps.sender.send(command, this.requestOptions(action)))) ?? {};
      return { ok: true, value: value as T };
    } catch (err) {
      if (err instanceof HardExit) throw err;
      return { ok: false, error: classifyAwsError(err) };
    }
  }

  /**
   * StopDeployment with `autoRollbackEnabled`. A deployment that ended on its own between the last
   * poll and the stop has nothing to stop: that is not an error.
   */
  async stopWithRollback(deploymentId: string): Promise<void> {
    const result = await this.callOnce('StopDeployment', new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    if (result.ok || result.error.kind === 'already-completed') return;
    throw this.abortFor('StopDeployment', result.error);
  }

  /** {@link abortFor} with this release's region. */
  abortFor(action: string, c: ClassifiedAwsError): ReleaseAbort {
    return abortFor(action, c, this.deps.region);
  }
}
