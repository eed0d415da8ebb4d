/**
 * Runs the configured checks against green until each passes N times in a row or the budget runs out.
 * Shared by the Lambda handler and the `hook:check` CLI, so a user tries exactly what the hook does.
 */
import { HttpGet, HttpGetError } from './http-get';
import { CheckOutcome, CheckRetryPolicy, DEFAULT_CHECK_RETRY_POLICY, evaluateResponse, nextDelayInMs, ObservedResponse } from './policy';
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
}

async function observe(check: ResolvedCheck, timeoutInMs: number, httpGet: HttpGet): Promise<ObservedResponse> {
  try {
    const res = await httpGet({ url: check.url, headers: check.headers, timeoutInMs });
    return { status: res.status, body: res.body, ...(res.location !== undefined ? { location: res.location } : {}) };
  } catch (err) {
    return { error: err instanceof HttpGetError ? err.message : `request failed: ${(err as Error)?.message ?? String(err)}` };
  }
}

async function runOneCheck(
  check: ResolvedCheck,
  requiredConsecutivePasses: number,
  options: Required<RunChecksOptions>,
  deps: CheckDeps,
): Promise<CheckOutcome> {
  const policy = options.retryPolicy;
  let attempts = 0;
  let consecutivePasses = 0;
  let failuresInRow = 0;
  let lastFailure: string | undefined;
  for (;;) {
    const left = options.deadline - deps.now();
    if (left < policy.minAttemptTimeInMs) break;
    attempts += 1;
    const started = deps.now();
    const observed = await observe(check, Math.min(check.timeoutInMs, left), deps.httpGet);
    const latencyMs = deps.now() - started;
    const verdict = evaluateResponse(check, observed);
    if (verdict.pass) {
      consecutivePasses += 1;
      failuresInRow = 0;
    } else {
      consecutivePasses = 0;
      failuresInRow += 1;
      lastFailure = verdict.reason;
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
  };
}

/** Runs every check concurrently (they share the deadline) and returns their outcomes in configured order. */
export function runChecks(config: ResolvedHookConfig, options: RunChecksOptions, deps: CheckDeps): Promise<CheckOutcome[]> {
  const resolved: Required<RunChecksOptions> = { deadline: options.deadline, retryPolicy: options.retryPolicy ?? DEFAULT_CHECK_RETRY_POLICY };
  return Promise.all(config.checks.map((check) => runOneCheck(check, config.requiredConsecutivePasses, resolved, deps)));
}
