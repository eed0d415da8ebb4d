/**
 * Reports the verdict to CodeDeploy with `PutLifecycleEventHookExecutionStatus`, retrying transient
 * errors within the time left. Without a report CodeDeploy waits an hour before giving up.
 */
import { PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import type { CodeDeploySender } from './aws-errors';
import { BackoffPolicy, classifyReportError, DEFAULT_REPORT_BACKOFF, HookStatus, nextDelayInMs } from './policy';

export type { CodeDeploySender } from './aws-errors';

/** Log entry of one report attempt. */
export interface ReportRecord {
  readonly event: 'hook.report';
  readonly attempt: number;
  readonly status: HookStatus;
  /** `reported`, `already-completed`, `retrying`, or `gave-up`. */
  readonly outcome: 'reported' | 'already-completed' | 'retrying' | 'gave-up';
  readonly latencyMs: number;
  readonly error?: string;
}

/** Options of {@link reportHookStatus}. */
export interface ReportOptions {
  readonly deploymentId: string;
  readonly lifecycleEventHookExecutionId: string;
  readonly status: HookStatus;
  /** Absolute time (in `now()` units) by which the last attempt must be over. */
  readonly deadline: number;
  /**
   * Cap of one attempt.
   * @default 5000
   */
  readonly attemptTimeoutInMs?: number;
  /** @default DEFAULT_REPORT_BACKOFF */
  readonly backoff?: BackoffPolicy;
}

/** I/O of the report. */
export interface ReportDeps {
  readonly codedeploy: CodeDeploySender;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onAttempt: (record: ReportRecord) => void;
}

/** How the report ended. */
export interface ReportResult {
  readonly outcome: 'reported' | 'already-completed' | 'gave-up';
  readonly attempts: number;
  /** Last error, when the report gave up. */
  readonly error?: string;
}

function errorText(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return `${name}: ${message}`;
}

/** Shortest attempt worth starting: below this, a call cannot complete anyway. */
const MIN_ATTEMPT_TIME_IN_MS = 100;

/**
 * Sends the status once; retries throttling, 5xx and network errors with backoff while time is left.
 * `LifecycleEventAlreadyCompleted` counts as done. Never throws: the result says how it ended.
 */
export async function reportHookStatus(options: ReportOptions, deps: ReportDeps): Promise<ReportResult> {
  const cap = options.attemptTimeoutInMs ?? 5000;
  const backoff = options.backoff ?? DEFAULT_REPORT_BACKOFF;
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const started = deps.now();
    // The first attempt always goes out, even late: a late report still beats an hour-long wait.
    const timeoutInMs = Math.max(MIN_ATTEMPT_TIME_IN_MS, Math.min(cap, options.deadline - started));
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Rejects at the attempt's deadline even if a sender ignores the abort signal.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(Object.assign(new Error(`no answer within ${timeoutInMs} ms`), { name: 'TimeoutError' }));
      }, timeoutInMs);
    });
    try {
      await Promise.race([
        deps.codedeploy.send(
          new PutLifecycleEventHookExecutionStatusCommand({
            deploymentId: options.deploymentId,
            lifecycleEventHookExecutionId: options.lifecycleEventHookExecutionId,
            status: options.status,
          }),
          { abortSignal: abort.signal },
        ),
        timedOut,
      ]);
      deps.onAttempt({ event: 'hook.report', attempt, status: options.status, outcome: 'reported', latencyMs: deps.now() - started });
      return { outcome: 'reported', attempts: attempt };
    } catch (err) {
      const latencyMs = deps.now() - started;
      const kind = classifyReportError(err);
      const error = abort.signal.aborted ? `timed out after ${timeoutInMs} ms (${errorText(err)})` : errorText(err);
      if (kind === 'already-completed') {
        deps.onAttempt({ event: 'hook.report', attempt, status: options.status, outcome: 'already-completed', latencyMs, error });
        return { outcome: 'already-completed', attempts: attempt };
      }
      const delay = nextDelayInMs(attempt, backoff);
      const canRetry = kind === 'transient' && options.deadline - deps.now() - delay >= MIN_ATTEMPT_TIME_IN_MS;
      deps.onAttempt({ event: 'hook.report', attempt, status: options.status, outcome: canRetry ? 'retrying' : 'gave-up', latencyMs, error });
      if (!canRetry) return { outcome: 'gave-up', attempts: attempt, error };
      await deps.sleep(delay);
    } finally {
      clearTimeout(timer);
    }
  }
}
