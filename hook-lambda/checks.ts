/**
 * Runs the configured checks against green until each passes N times in a row or the budget runs out.
 * Shared by the Lambda handler and the `hook:check` CLI, so a user tries exactly what the hook does.
 */
import { HttpGet, HttpGetError } from './http-get';
import { CheckOutcome, CheckRetryPolicy, decideHookStatus, DEFAULT_CHECK_RETRY_POLICY, evaluateResponse, HookVerdict, nextDelayInMs, ObservedResponse, stuckVerdict } from './policy';
import { ResolvedCheck, ResolvedHookConfig } from './resolve-config';

/** One attempt, as logged. */
export interface AttemptRecord {
  readonly event: 'hook.attempt';
  readonly check: string;
  readonly url: string;
  readonly attempt: number;
  readonly pass: boolean;
  readonly status?: number;
  readonly latencyMs: number;
  readonly error?: string;
  readonly consecutivePasses: number;
}

/** I/O the checks need. */
export interface CheckDeps {
  readonly httpGet: HttpGet;
  /** Milliseconds, monotonic enough for budgets. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called once per attempt. */
  readonly onAttempt: (record: AttemptRecord) => void;
}

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  /** Absolute time (in `deps.now()` units) after which no attempt starts and every request is cut. */
  readonly deadline: number;
  /** @default DEFAULT_CHECK_RETRY_POLICY */
  readonly retryPolicy?: CheckRetryPolicy;
  /**
   * Where each check stood at the end of an earlier run, by check index (an ECS hook carries it from
   * one invocation to the next). A check that already has its passes in a row makes no attempt.
   * @default - every check starts from nothing
   */
  readonly resumeFrom?: readonly (CheckProgress | undefined)[];
}

/** Where one check stands, enough to go on with it later. */
export interface CheckProgress {
  readonly attempts: number;
  readonly consecutivePasses: number;
  /** Failures in a row at the end: the backoff goes on from there. */
  readonly failuresInRow: number;
  readonly lastFailure?: string;
}

/** A check's outcome with what a later run needs to resume it. */
export type ResumableCheckOutcome = CheckOutcome & { readonly failuresInRow: number };

async function observe(check: ResolvedCheck, timeoutInMs: number, httpGet: HttpGet): Promise<ObservedResponse> {
  try {
    const res = await httpGet({ url: check.url, headers: check.headers, timeoutInMs });
    return { status: res.status, body: res.body, ...(res.location !== undefined ? { location: res.location } : {}) };
  } catch (err) {
    if (err instanceof HttpGetError) return { error: err.message, ...(err.code === 'TIMEOUT' ? { timedOut: true } : {}) };
    return { error: `request failed: ${(err as Error)?.message ?? String(err)}` };
  }
}

async function runOneCheck(
  check: ResolvedCheck,
  requiredConsecutivePasses: number,
  options: Required<Omit<RunChecksOptions, 'resumeFrom'>> & { readonly from?: CheckProgress },
  deps: CheckDeps,
): Promise<ResumableCheckOutcome> {
  const policy = options.retryPolicy;
  let attempts = options.from?.attempts ?? 0;
  let consecutivePasses = options.from?.consecutivePasses ?? 0;
  let failuresInRow = options.from?.failuresInRow ?? 0;
  let lastFailure = options.from?.lastFailure;
  while (consecutivePasses < requiredConsecutivePasses) {
    const left = options.deadline - deps.now();
    if (left < policy.minAttemptTimeInMs) break;
    attempts += 1;
    const started = deps.now();
    const timeoutInMs = Math.min(check.timeoutInMs, left);
    const observed = await observe(check, timeoutInMs, deps.httpGet);
    const latencyMs = deps.now() - started;
    const verdict = evaluateResponse(check, observed);
    if (verdict.pass) {
      consecutivePasses += 1;
      failuresInRow = 0;
    } else {
      consecutivePasses = 0;
      failuresInRow += 1;
      // An attempt the check budget cut short (its timeout was what was left of the budget, below the
      // check's own) says only that the budget ran out: a failure before it says more about green
      // (a 301, a wrong body), so that one stays the reported reason. The attempt is still logged.
      const cutByBudget = observed.timedOut === true && timeoutInMs < check.timeoutInMs;
      if (!(cutByBudget && lastFailure !== undefined)) lastFailure = verdict.reason;
    }
    deps.onAttempt({
      event: 'hook.attempt',
      check: check.name,
      url: check.url,
      attempt: attempts,
      pass: verdict.pass,
      ...(observed.status !== undefined ? { status: observed.status } : {}),
      latencyMs,
      ...(verdict.reason !== undefined ? { error: verdict.reason } : {}),
      consecutivePasses,
    });
    if (consecutivePasses >= requiredConsecutivePasses) break;
    const delay = verdict.pass ? policy.passIntervalInMs : nextDelayInMs(failuresInRow, policy.failureBackoff);
    const leftAfter = options.deadline - deps.now();
    // Sleeping past the deadline would only delay the verdict.
    if (leftAfter - delay < policy.minAttemptTimeInMs) break;
    await deps.sleep(delay);
  }
  return {
    check: { index: check.index, name: check.name, url: check.url },
    attempts,
    consecutivePasses,
    ...(lastFailure !== undefined && consecutivePasses === 0 ? { lastFailure } : {}),
    failuresInRow,
  };
}

/**
 * Runs every check concurrently (they share the deadline) and returns their outcomes in configured
 * order, each with what a later run needs to resume it.
 */
export function runResumableChecks(config: ResolvedHookConfig, options: RunChecksOptions, deps: CheckDeps): Promise<ResumableCheckOutcome[]> {
  const retryPolicy = options.retryPolicy ?? DEFAULT_CHECK_RETRY_POLICY;
  return Promise.all(
    config.checks.map((check, i) => {
      const from = options.resumeFrom?.[i];
      return runOneCheck(check, config.requiredConsecutivePasses, { deadline: options.deadline, retryPolicy, ...(from ? { from } : {}) }, deps);
    }),
  );
}

/** Runs every check concurrently (they share the deadline) and returns their outcomes in configured order. */
export async function runChecks(config: ResolvedHookConfig, options: RunChecksOptions, deps: CheckDeps): Promise<CheckOutcome[]> {
  const outcomes = await runResumableChecks(config, options, deps);
  return outcomes.map(({ failuresInRow: _, ...outcome }) => outcome);
}

/** Grace after the deadline before {@link withinDeadline} gives up on work that ignored it. */
export const WATCHDOG_GRACE_IN_MS = 250;

/**
 * Resolves with `work`, or with `'stuck'` when it has not settled {@link WATCHDOG_GRACE_IN_MS} after
 * `deadline` (in `now()` units). Every request already has its own deadline; this makes sure nothing
 * in the checks, whatever happens to a socket, can hold the hook or `hook:check` past its budget.
 */
export async function withinDeadline<T>(work: Promise<T>, deadline: number, now: () => number): Promise<T | 'stuck'> {
  let watchdog: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((resolve) => {
    watchdog = setTimeout(() => resolve('stuck'), Math.max(0, deadline - now()) + WATCHDOG_GRACE_IN_MS);
  });
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(watchdog);
  }
}

/** Options of {@link checkVerdict}. */
export interface CheckVerdictOptions {
  readonly checkBudgetInMs: number;
  /** @default DEFAULT_CHECK_RETRY_POLICY */
  readonly retryPolicy?: CheckRetryPolicy;
}

/** Runs the checks within the budget (watchdog included) and decides the verdict: what the CodeDeploy hook and `hook:check` report. */
export async function checkVerdict(config: ResolvedHookConfig, options: CheckVerdictOptions, deps: CheckDeps): Promise<HookVerdict> {
  const deadline = deps.now() + options.checkBudgetInMs;
  const outcomes = await withinDeadline(runChecks(config, { deadline, ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}) }, deps), deadline, deps.now);
  if (outcomes === 'stuck') return stuckVerdict(options.checkBudgetInMs);
  return decideHookStatus(outcomes, { requiredConsecutivePasses: config.requiredConsecutivePasses, checkBudgetInMs: options.checkBudgetInMs });
}
