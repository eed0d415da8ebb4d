/**
 * Pure decisions of the hook: time budget, backoff, whether one response passes a check, the verdict,
 * and which CodeDeploy errors are worth retrying. No I/O, no clock: everything is a parameter.
 */
import { classifyAwsError } from './aws-errors';
import { ResolvedCheck, statusMatches } from './resolve-config';

/** Lifecycle hook status reported to CodeDeploy. */
export type HookStatus = 'Succeeded' | 'Failed';

/** Exponential backoff: attempt 1 waits `initialDelayInMs`, each next one `multiplier` times longer, capped. */
export interface BackoffPolicy {
  readonly initialDelayInMs: number;
  readonly multiplier: number;
  readonly maxDelayInMs: number;
}

/** How checks are retried. */
export interface CheckRetryPolicy {
  /** Backoff after a failed attempt (counted in failures in a row). */
  readonly failureBackoff: BackoffPolicy;
  /** Pause between two passing attempts, so consecutive passes are not the same instant. */
  readonly passIntervalInMs: number;
  /** An attempt is not started with less time than this left in the budget. */
  readonly minAttemptTimeInMs: number;
}

/** Default check retry policy: 250 ms, 500 ms, 1 s, 2 s, 4 s, 4 s ... after failures; 500 ms between passes. */
export const DEFAULT_CHECK_RETRY_POLICY: CheckRetryPolicy = {
  failureBackoff: { initialDelayInMs: 250, multiplier: 2, maxDelayInMs: 4000 },
  passIntervalInMs: 500,
  minAttemptTimeInMs: 50,
};

/** Default backoff of the report call: 200 ms, 400 ms, 800 ms, 1.6 s, 2 s ... */
export const DEFAULT_REPORT_BACKOFF: BackoffPolicy = { initialDelayInMs: 200, multiplier: 2, maxDelayInMs: 2000 };

/** Delay before retry number `attempt` (1-based) under `policy`. */
export function nextDelayInMs(attempt: number, policy: BackoffPolicy): number {
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(policy.maxDelayInMs, Math.round(policy.initialDelayInMs * policy.multiplier ** (n - 1)));
}

/** Time budget of one invocation, in ms relative to its start. */
export interface TimeBudget {
  /** Time the checks may use. */
  readonly checkBudgetInMs: number;
  /** Time kept back for reporting to CodeDeploy (Lambda time left minus the check budget, at least). */
  readonly reportReserveInMs: number;
  /** The report call (with its retries) must be over by this time, which is shortly before the Lambda's deadline. */
  readonly reportDeadlineInMs: number;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/**
 * Splits the Lambda's remaining time: 20% (at least 1 s, at most 10 s) is reserved for the report call,
 * the checks get the rest capped by `checkBudgetInSeconds`, and report retries stop 5% (50 ms to 1 s)
 * before the Lambda's own deadline so the last attempt is not cut off mid-call.
 */
export function computeTimeBudget(remainingTimeInMs: number, checkBudgetInSeconds: number): TimeBudget {
  const remaining = Math.max(0, Math.floor(remainingTimeInMs));
  const reportReserveInMs = Math.min(remaining, clamp(Math.round(remaining * 0.2), 1000, 10_000));
  const checkBudgetInMs = Math.max(0, Math.min(Math.round(checkBudgetInSeconds * 1000), remaining - reportReserveInMs));
  const finalMarginInMs = Math.min(remaining, clamp(Math.round(remaining * 0.05), 50, 1000));
  return { checkBudgetInMs, reportReserveInMs, reportDeadlineInMs: remaining - finalMarginInMs };
}

/** What one request observed. Either `status` (a response arrived in full) or `error` (none did). */
export interface ObservedResponse {
  readonly status?: number;
  readonly body?: string;
  /** `Location` header of a 3xx response. */
  readonly location?: string;
  /** Why no response was received: timeout, refused, DNS, TLS, reset... */
  readonly error?: string;
  /** The request ran out of time (its timeout, not another network error). */
  readonly timedOut?: boolean;
}

/** Whether one attempt passed, and why not. */
export interface AttemptEvaluation {
  readonly pass: boolean;
  /** Why the attempt failed. */
  readonly reason?: string;
}

/** Decides whether one observed response passes `check`. Redirects are not followed: a 3xx is the status seen. */
export function evaluateResponse(check: ResolvedCheck, observed: ObservedResponse): AttemptEvaluation {
  if (observed.status === undefined) return { pass: false, reason: observed.error ?? 'no response' };
  if (!statusMatches(observed.status, check.expectedStatus)) {
    const redirect =
      observed.status >= 300 && observed.status < 400
        ? `; redirect${observed.location ? ` to ${observed.location}` : ''} not followed`
        : '';
    return { pass: false, reason: `status ${observed.status} (expected ${check.expectedStatusText})${redirect}` };
  }
  if (check.bodyContains !== undefined && !(observed.body ?? '').includes(check.bodyContains)) {
    return { pass: false, reason: `body does not contain ${JSON.stringify(check.bodyContains)}` };
  }
  return { pass: true };
}

/** Result of running one check until it settled or the budget ran out. */
export interface CheckOutcome {
  readonly check: Pick<ResolvedCheck, 'index' | 'name' | 'url'>;
  readonly attempts: number;
  /** Passes in a row at the end (0 when the last attempt failed). */
  readonly consecutivePasses: number;
  /** Why the last failing attempt failed, when the check did not settle. */
  readonly lastFailure?: string;
}

/** What the verdict depends on besides the outcomes. */
export interface VerdictPolicy {
  readonly requiredConsecutivePasses: number;
  /** Check budget that applied, for the reason text. */
  readonly checkBudgetInMs: number;
}

/** The hook's verdict. */
export interface HookVerdict {
  readonly status: HookStatus;
  readonly reason: string;
}

/**
 * The verdict: Succeeded when every check passed `requiredConsecutivePasses` times in a row, otherwise
 * Failed naming each check that did not, with its attempts and last failure.
 */
export function decideHookStatus(outcomes: readonly CheckOutcome[], policy: VerdictPolicy): HookVerdict {
  if (outcomes.length === 0) return { status: 'Failed', reason: 'no checks were run' };
  const n = policy.requiredConsecutivePasses;
  const failing = outcomes.filter((o) => o.consecutivePasses < n);
  if (failing.length === 0) {
    const detail = outcomes.map((o) => `${o.check.name} in ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}`).join(', ');
    return { status: 'Succeeded', reason: `all ${outcomes.length} check${outcomes.length === 1 ? '' : 's'} passed ${n} time${n === 1 ? '' : 's'} in a row (${detail})` };
  }
  const budget = `${(policy.checkBudgetInMs / 1000).toFixed(1)} s`;
  const detail = failing
    .map((o) => {
      if (o.attempts === 0) return `${o.check.name}: not attempted, no time left in the ${budget} check budget`;
      const last = o.lastFailure !== undefined && o.consecutivePasses === 0 ? `, last: ${o.lastFailure}` : `, ${o.consecutivePasses} pass${o.consecutivePasses === 1 ? '' : 'es'} in a row at the end`;
      return `${o.check.name}: did not pass ${n} time${n === 1 ? '' : 's'} in a row within the ${budget} check budget (${o.attempts} attempt${o.attempts === 1 ? '' : 's'}${last})`;
    })
    .join('; ');
  return { status: 'Failed', reason: detail };
}

/** The verdict when the checks did not settle by the watchdog (a socket that ignored its deadline). */
export function stuckVerdict(checkBudgetInMs: number): HookVerdict {
  return { status: 'Failed', reason: `checks did not finish within the ${(checkBudgetInMs / 1000).toFixed(1)} s check budget` };
}

/** How a failed `PutLifecycleEventHookExecutionStatus` call is handled. */
export type ReportErrorKind = 'already-completed' | 'transient' | 'permanent';

/**
 * Classifies an error of the report call: `LifecycleEventAlreadyCompleted` means done; throttling,
 * 5xx, 429, timeouts and network errors (no HTTP response at all) are transient; other 4xx are permanent.
 */
export function classifyReportError(err: unknown): ReportErrorKind {
  const { kind, httpStatusCode } = classifyAwsError(err);
  if (kind === 'already-completed') return 'already-completed';
  if (kind === 'throttling' || kind === 'transient' || httpStatusCode === undefined) return 'transient';
  return 'permanent';
}
