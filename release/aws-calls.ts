/**
 * Every AWS call of the release goes through {@link AwsCalls} (CodeDeploy's through
 * {@link CodeDeployCalls}, ECS's through release/ecs-calls.ts), so both controllers share:
 * - one retry policy ({@link decideRetry}): throttling is waited out with growing, jittered back-off;
 *   5xx and network errors are retried within a total time budget ({@link CALL_TIME_LIMITS}), only for
 *   calls that are safe to repeat, and only once CodeDeploy has answered this release at all (a
 *   mistyped `--endpoint-url` or region fails at once); anything else is not retried;
 * - one place that bounds every request: the client's connection and request timeouts
 *   ({@link codeDeployClientSettings}) and, per request, an abort signal ({@link CodeDeployCalls.requestOptions})
 *   that fires at the attempt timeout, at the release's deadline and at the first Ctrl-C/SIGTERM. The
 *   call is also raced against that signal, so no endpoint (silent, late, stalling mid-body) holds
 *   the release past it, whatever the HTTP stack does;
 * - one mapping of an error that is left over to the release's outcome ({@link abortFor});
 * - one budget of calls per process, service and Region ({@link CallBudget}, release/call-budget.ts):
 *   every call takes a token first, and a throttling answer slows every sharer of the budget down.
 *
 * Reads (Get…, List…, Describe…) are cut short by the deadline and by the first signal: the release then
 * decides anew (stops the deployment, reports the timeout). Writes (CreateDeployment, StopDeployment,
 * ContinueDeployment) are bounded by their attempt timeout only: cutting one short would leave unknown
 * whether AWS acted on it (a deployment created that nobody follows).
 */
import { StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { classifyAwsError, type ClassifiedAwsError, type CodeDeploySender, describeAwsError } from './aws-errors';
import { CallInterrupted, DeadlineReached, HardExit, ReleaseAbort } from './abort';
import type { CallBudget } from './call-budget';
import { nextPollDelay } from './poll';

/** What messages say about the AWS service a set of calls goes to. */
export interface AwsServiceProfile {
  /** IAM action prefix, e.g. `codedeploy` (`codedeploy:CreateDeployment`). */
  readonly iamPrefix: string;
  /** The service's name in messages, e.g. `CodeDeploy`. */
  readonly name: string;
  /** The SDK's endpoint variable of the service, e.g. `AWS_ENDPOINT_URL_CODEDEPLOY`. */
  readonly endpointVariable: string;
  /** The flags that name what AWS says does not exist, e.g. `--application/--deployment-group/--deployment-config`. */
  readonly inputFlags: string;
}

/** CodeDeploy, as messages name it. */
export const CODEDEPLOY_PROFILE: AwsServiceProfile = {
  iamPrefix: 'codedeploy',
  name: 'CodeDeploy',
  endpointVariable: 'AWS_ENDPOINT_URL_CODEDEPLOY',
  inputFlags: '--application/--deployment-group/--deployment-config',
};

/** Throttling errors in a row one call tolerates before giving up (with back-off: minutes). */
export const MAX_THROTTLE_RETRIES = 12;

/**
 * Time limits of every CodeDeploy call. CodeDeploy's API answers in well under a second; these only
 * matter when the network or the endpoint does not work.
 */
export const CALL_TIME_LIMITS = {
  /** Setting up the TCP connection (the SDK NodeHttpHandler's `connectionTimeout`). */
  connectionTimeoutInMs: 5_000,
  /**
   * One attempt, from sending the request to the last byte of the answer (NodeHttpHandler's
   * `requestTimeout` with `throwOnRequestTimeout`, its `socketTimeout` for a silent socket, and the
   * request's abort signal for an answer that trickles in).
   */
  attemptTimeoutInMs: 10_000,
  /** All retries of network errors and 5xx answers of one call, counted from its first attempt. */
  networkRetryBudgetInMs: 60_000,
} as const;

/**
 * Client settings that bound every request: the SDK's own retries are off (`maxAttempts: 1`) so that
 * {@link decideRetry} is the one retry policy, and the HTTP handler has a connection and a request
 * timeout (NodeHttpHandlerOptions of @smithy/node-http-handler).
 */
export function codeDeployClientSettings(): {
  readonly maxAttempts: 1;
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number; readonly socketTimeout: number; readonly throwOnRequestTimeout: true };
} {
  return {
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: CALL_TIME_LIMITS.connectionTimeoutInMs,
      requestTimeout: CALL_TIME_LIMITS.attemptTimeoutInMs,
      socketTimeout: CALL_TIME_LIMITS.attemptTimeoutInMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** The time limits and the retry budget as `--help` states them (lines of at most 100 characters). */
export function timeLimitsHelp(): string {
  const s = (ms: number): string => `${ms / 1000} s`;
  return [
    `Time limits of every CodeDeploy call: connection ${s(CALL_TIME_LIMITS.connectionTimeoutInMs)}, complete answer ${s(CALL_TIME_LIMITS.attemptTimeoutInMs)}.`,
    `Network errors and 5xx answers are retried for at most ${s(CALL_TIME_LIMITS.networkRetryBudgetInMs)} per call in all, and only once`,
    `CodeDeploy has answered (a wrong --endpoint-url or region fails at once); throttling up to ${MAX_THROTTLE_RETRIES} times`,
    'with back-off. A read in flight ends at the timeout (exit 3) and at the first Ctrl-C/SIGTERM, which',
    'stops the deployment at once.',
  ].join('\n');
}

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
  /** Milliseconds since the call's first attempt began. @default 0 */
  readonly elapsedInMs?: number;
  /** How long network errors and 5xx answers of one call may be retried, in all. @default CALL_TIME_LIMITS.networkRetryBudgetInMs */
  readonly budgetInMs?: number;
  /** CodeDeploy has answered this release at least once (any HTTP answer). @default true */
  readonly contacted?: boolean;
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
  if (error.kind === 'transient' && policy.idempotent && policy.contacted !== false) {
    const next = { ...tally, transient: tally.transient + 1 };
    const delayInMs = delay(next.transient);
    // The budget covers the wait before the next attempt and that attempt itself.
    if ((policy.elapsedInMs ?? 0) + delayInMs + CALL_TIME_LIMITS.attemptTimeoutInMs <= (policy.budgetInMs ?? CALL_TIME_LIMITS.networkRetryBudgetInMs)) {
      return { kind: 'retry', reason: 'transient', tally: next, delayInMs };
    }
  }
  return { kind: 'give-up' };
}

/**
 * Maps an error no retry cured to the release's outcome and message.
 * @param endpoint the endpoint URL the caller gave, named when no answer came
 * @param service the service called @default CodeDeploy
 */
export function abortFor(action: string, c: ClassifiedAwsError, region: string, endpoint?: string, service: AwsServiceProfile = CODEDEPLOY_PROFILE): ReleaseAbort {
  if (c.kind === 'not-found') {
    return new ReleaseAbort(
      { kind: 'invalid-input' },
      `AWS rejected the input of ${action}: ${c.code}: ${c.message}. Check ${service.inputFlags} (or RELEASE_* variables and the outputs file) and --region ${region}.`,
      c.code,
    );
  }
  if (c.kind === 'deployment-limit') return new ReleaseAbort({ kind: 'active-deployment', activeDeploymentId: '' }, `${c.code}: ${c.message}`, c.code);
  if (c.kind === 'transient' && c.httpStatusCode === undefined) {
    // No answer at all: say where we tried, and what a write that got no answer may have done.
    const where = endpoint ?? `the ${service.name} endpoint of ${region}`;
    const created =
      action === 'CreateDeployment'
        ? ' The deployment may have been created: look for it with aws deploy list-deployments (or in the console) before starting another.'
        : action === 'UpdateService'
          ? ' The service deployment may have started: look for it with aws ecs list-service-deployments (or in the console) before starting another.'
          : '';
    return new ReleaseAbort(
      { kind: 'aws-error' },
      `${service.iamPrefix}:${action} got no answer from ${where} (${c.code}: ${c.message}). Check --endpoint-url (or ${service.endpointVariable}), --region and the network.${created}`,
      c.code,
    );
  }
  return new ReleaseAbort({ kind: 'aws-error' }, describeAwsError(action, c, service.iamPrefix), c.code);
}

/** The result of a call that the caller handles itself ({@link AwsCalls.callOnce}). */
export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ClassifiedAwsError };

/** Options of one request, as the SDK's `send(command, options)` takes them. */
export interface RequestOptions {
  readonly abortSignal?: AbortSignal;
  /** Milliseconds (the SDK's per-request `requestTimeout`). */
  readonly requestTimeout?: number;
}

/** True for calls that only read, which the deadline and the first signal may cut short. */
export const isReadAction = (action: string): boolean => /^(Get|List|BatchGet|Describe)/.test(action);

/** What may end one attempt early. */
interface AttemptSignals {
  readonly attempt: AbortSignal;
  readonly deadline?: AbortSignal;
  readonly interrupt?: AbortSignal;
}

/** What {@link AwsCalls} does I/O with. */
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
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
  /**
   * Signals received so far, and the signal that the next one aborts (reads in flight end at once).
   * @default - no signal cuts a call short
   */
  readonly interruption?: () => { readonly count: number; readonly signal: AbortSignal };
  /** The endpoint URL given (`--endpoint-url`), named when no answer came. @default - the region's */
  readonly endpoint?: string;
  /** The service called, as messages name it. @default CodeDeploy */
  readonly service?: AwsServiceProfile;
  /** The process's budget of calls to this service and Region. @default - unlimited */
  readonly budget?: CallBudget;
}

/** The release's calls to one AWS service (the sender's). */
export class AwsCalls {
  /** The service has answered at least once (network errors are retried only from then on). */
  private contacted = false;
  /** When the release's current wait ends (ms since the epoch); reads in flight end then. */
  private deadlineInMs: number | undefined;

  constructor(protected readonly deps: AwsCallsDeps) {}

  /**
   * Sets (or clears) the deadline of the wait the release is in: following a deployment, waiting for an
   * active one, looking for a rollback. Reads in flight then end at it ({@link DeadlineReached}).
   */
  setDeadline(deadlineInMs: number | undefined): void {
    this.deadlineInMs = deadlineInMs;
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }

  private signals(action: string): AttemptSignals {
    const read = isReadAction(action);
    const deadlineAt = read ? this.deadlineInMs : undefined;
    const interrupt = read ? this.deps.interruption?.().signal : undefined;
    return {
      attempt: AbortSignal.timeout(CALL_TIME_LIMITS.attemptTimeoutInMs),
      ...(deadlineAt !== undefined ? { deadline: AbortSignal.timeout(Math.max(0, deadlineAt - this.now())) } : {}),
      ...(interrupt ? { interrupt } : {}),
    };
  }

  /**
   * The options of every request the release sends: the one place where per-request settings
   * (timeouts, the abort signal) are decided.
   */
  requestOptions(action: string, signals: AttemptSignals = this.signals(action)): RequestOptions {
    const all = [signals.attempt, signals.deadline, signals.interrupt].filter((x): x is AbortSignal => x !== undefined);
    return { abortSignal: AbortSignal.any(all), requestTimeout: CALL_TIME_LIMITS.attemptTimeoutInMs };
  }

  /**
   * One call under the retry policy. What no retry cures unwinds as a {@link ReleaseAbort}; the second
   * signal as {@link HardExit}; a read cut short by the first signal as {@link CallInterrupted}, by the
   * deadline as {@link DeadlineReached}. An empty answer counts as an empty object, as the SDK
   * deserializes it.
   * @param idempotent see {@link RetryPolicy.idempotent}
   */
  async call<T>(action: string, command: { readonly input: object }, idempotent = true): Promise<T> {
    let tally: RetryTally = { throttles: 0, transient: 0 };
    const startedAt = this.now();
    const interruptsBefore = this.deps.interruption?.().count ?? 0;
    const deadline = isReadAction(action) ? this.deadlineInMs : undefined;
    // A deadline that comes before the budget is spent decides instead: the release then reports a
    // timeout at the last state it saw (exit 3), which is what happened, rather than an AWS error.
    const budgetInMs = deadline !== undefined && deadline <= startedAt + CALL_TIME_LIMITS.networkRetryBudgetInMs ? Infinity : CALL_TIME_LIMITS.networkRetryBudgetInMs;
    for (;;) {
      const result = await this.callOnce<T>(action, command);
      if (result.ok) return result.value;
      const c = result.error;
      const policy = { idempotent, minIntervalInMs: this.deps.minIntervalInMs, maxIntervalInMs: this.deps.maxIntervalInMs, elapsedInMs: this.now() - startedAt, budgetInMs, contacted: this.contacted };
      const step = decideRetry(c, tally, policy, this.deps.random());
      if (step.kind === 'give-up') throw this.abortFor(action, c);
      if (deadline !== undefined && this.now() + step.delayInMs >= deadline) throw new DeadlineReached(action);
      tally = step.tally;
      if (step.reason === 'transient') this.deps.notify('retry', `${action} ${c.code}: ${c.message}`);
      else if (tally.throttles === 1 || tally.throttles % 4 === 0) this.deps.notify('throttled', `${action} ${c.code}; retrying in ${Math.round(step.delayInMs / 100) / 10} s`);
      await this.deps.pause(step.delayInMs);
      if (isReadAction(action) && (this.deps.interruption?.().count ?? 0) !== interruptsBefore) throw new CallInterrupted(action);
    }
  }

  /**
   * One attempt, no retry: the caller decides what each error means. The second signal still
   * unwinds, and a read cut short by the first signal or the deadline too (see {@link call}).
   */
  async callOnce<T>(action: string, command: { readonly input: object }): Promise<CallResult<T>> {
    await this.waitForBudget(action);
    const signals = this.signals(action);
    const options = this.requestOptions(action, signals);
    try {
      // (async: a sender that answers synchronously, or throws, is handled like one that answers later)
      const sent = (async () => this.deps.sender.send(command, options))();
      const value = (await this.deps.guard(raceAbort(sent, options.abortSignal!))) ?? {};
      this.contacted = true;
      return { ok: true, value: value as T };
    } catch (err) {
      if (err instanceof HardExit) throw err;
      if (signals.interrupt?.aborted) throw new CallInterrupted(action);
      if (signals.deadline?.aborted) throw new DeadlineReached(action);
      if (signals.attempt.aborted) {
        return { ok: false, error: { kind: 'transient', code: 'TimeoutError', message: `no complete answer within ${CALL_TIME_LIMITS.attemptTimeoutInMs / 1000} s` } };
      }
      const error = classifyAwsError(err);
      if (error.httpStatusCode !== undefined) this.contacted = true;
      if (error.kind === 'throttling') this.deps.budget?.throttled(this.now());
      return { ok: false, error };
    }
  }

  /**
   * Takes a token of the budget, waiting for it when the process's releases have spent theirs. A read
   * that the first signal or the deadline would end ends here too (as in {@link call}).
   */
  private async waitForBudget(action: string): Promise<void> {
    const waitInMs = this.deps.budget?.reserve(this.now()) ?? 0;
    if (waitInMs <= 0) return;
    const read = isReadAction(action);
    if (read && this.deadlineInMs !== undefined && this.now() + waitInMs >= this.deadlineInMs) throw new DeadlineReached(action);
    const interruptsBefore = this.deps.interruption?.().count ?? 0;
    await this.deps.pause(waitInMs);
    if (read && (this.deps.interruption?.().count ?? 0) !== interruptsBefore) throw new CallInterrupted(action);
  }

  /** {@link abortFor} with this release's region, endpoint and service. */
  abortFor(action: string, c: ClassifiedAwsError): ReleaseAbort {
    return abortFor(action, c, this.deps.region, this.deps.endpoint, this.deps.service);
  }
}

/** The release's CodeDeploy calls. */
export class CodeDeployCalls extends AwsCalls {
  /**
   * StopDeployment with `autoRollbackEnabled`. A deployment that ended on its own between the last
   * poll and the stop has nothing to stop: that is not an error.
   */
  async stopWithRollback(deploymentId: string): Promise<void> {
    try {
      // Stopping twice is harmless, so a network error is retried like a read's.
      await this.call('StopDeployment', new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    } catch (err) {
      if (err instanceof ReleaseAbort && err.code === 'DeploymentAlreadyCompletedException') return;
      throw err;
    }
  }
}

/** `p`, or a rejection as soon as `signal` aborts (whether or not whatever runs `p` listens to it). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
