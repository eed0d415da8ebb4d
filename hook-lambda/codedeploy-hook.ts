/**
 * The hook on the CodeDeploy contract: CodeDeploy invokes it asynchronously with
 * `{ DeploymentId, LifecycleEventHookExecutionId }`; it checks green and reports Succeeded or Failed
 * with `PutLifecycleEventHookExecutionStatus`, exactly once, before the Lambda's deadline.
 */
import { checkVerdict } from './checks';
import type { CodeDeployHookEvent } from './events';
import { errorMessage, HookDeps } from './invocation';
import { computeTimeBudget, HookStatus, HookVerdict } from './policy';
import { reportHookStatus } from './report';
import { HookConfigError, ResolvedHookConfig } from './resolve-config';

/** What an invocation did; CodeDeploy ignores it, tests and the stand-in read it. */
export interface HookResult {
  readonly status: HookStatus;
  readonly reason: string;
  /**
   * `reported` or `already-completed`; `not-reported` for a malformed event (nothing to report to). An
   * invocation whose report gave up throws instead.
   */
  readonly report: 'reported' | 'already-completed' | 'not-reported';
  readonly reportAttempts: number;
}

/** Thrown when the verdict could not be reported (permanent error, or no time left for retries). */
export class HookReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HookReportError';
  }
}

/** Checks green within the budget and decides; invalid configuration and any exception mean Failed. */
async function decide(config: ResolvedHookConfig | HookConfigError, checkBudgetInMs: number, deps: HookDeps): Promise<HookVerdict> {
  if (config instanceof HookConfigError) {
    deps.log({ level: 'error', event: 'hook.config-error', problems: config.problems });
    return { status: 'Failed', reason: config.message };
  }
  try {
    return await checkVerdict(
      config,
      { checkBudgetInMs, ...(deps.checkRetryPolicy ? { retryPolicy: deps.checkRetryPolicy } : {}) },
      { httpGet: deps.httpGet, now: deps.now, sleep: deps.sleep, onAttempt: (r) => deps.log({ level: 'info', ...r }) },
    );
  } catch (err) {
    deps.log({ level: 'error', event: 'hook.internal-error', error: errorMessage(err) });
    return { status: 'Failed', reason: `internal error in the hook: ${errorMessage(err)}` };
  }
}

/** One CodeDeploy invocation: decides the verdict, then reports it exactly once within the Lambda's time. */
export async function runCodeDeployHook(event: CodeDeployHookEvent, config: ResolvedHookConfig | HookConfigError, remainingTimeInMs: number, deps: HookDeps): Promise<HookResult> {
  const start = deps.now();
  const ids = { deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId };
  const budget = computeTimeBudget(remainingTimeInMs, config instanceof HookConfigError ? 0 : config.checkBudgetInSeconds);
  deps.log({ level: 'info', event: 'hook.start', contract: 'codedeploy', ...ids, remainingTimeInMs, ...budget });
  const verdict = await decide(config, budget.checkBudgetInMs, deps);
  deps.log({ level: verdict.status === 'Succeeded' ? 'info' : 'warn', event: 'hook.verdict', ...ids, status: verdict.status, reason: verdict.reason });
  const report = await reportHookStatus(
    { ...ids, status: verdict.status, deadline: start + budget.reportDeadlineInMs },
    { codedeploy: deps.codedeploy, now: deps.now, sleep: deps.sleep, onAttempt: (r) => deps.log({ level: r.outcome === 'reported' || r.outcome === 'already-completed' ? 'info' : 'warn', ...r }) },
  );
  if (report.outcome === 'gave-up') {
    throw new HookReportError(`could not report ${verdict.status} to CodeDeploy after ${report.attempts} attempt(s): ${report.error}`);
  }
  return { status: verdict.status, reason: verdict.reason, report: report.outcome, reportAttempts: report.attempts };
}
