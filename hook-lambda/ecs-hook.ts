/**
 * The hook on the ECS contract: ECS invokes it synchronously at the configured lifecycle stages and
 * reads the returned `hookStatus` ("Lambda hooks for Amazon ECS service deployments", Amazon ECS
 * Developer Guide). The same checks as on the CodeDeploy contract run for at most one slice per
 * invocation; progress travels in `hookDetails` (ecs-policy.ts decides everything). It never throws:
 * a malformed event, an invalid configuration or a bug in the hook answer FAILED, logged.
 */
import { runResumableChecks, withinDeadline } from './checks';
import { DEFAULT_CHECK_RETRY_POLICY } from './policy';
import type { EcsHookEvent, EcsHookResponse } from './events';
import { decideEcsResponse, planEcsInvocation, readEcsProgress } from './ecs-policy';
import { errorMessage, HookDeps } from './invocation';
import { HookConfigError, ResolvedHookConfig } from './resolve-config';

/** What an ECS invocation answered, and why (the reason is logged; ECS reads only the response). */
export interface EcsHookOutcome {
  readonly response: EcsHookResponse;
  readonly reason: string;
}

async function checkSlice(event: EcsHookEvent, config: ResolvedHookConfig, remainingTimeInMs: number, deps: HookDeps): Promise<EcsHookOutcome> {
  const read = readEcsProgress(event.hookDetails);
  if ('problem' in read) return { response: { hookStatus: 'FAILED' }, reason: read.problem };
  const plan = planEcsInvocation({
    event,
    progress: read.progress,
    nowMs: deps.now(),
    remainingTimeInMs,
    checkBudgetInSeconds: config.checkBudgetInSeconds,
    checkNames: config.checks.map((c) => c.name),
  });
  if (plan.action === 'answer') return { response: plan.response, reason: plan.reason };
  deps.log({ level: 'info', event: 'hook.slice', invocation: plan.invocation, checkSliceInMs: plan.sliceInMs, checkBudgetLeftInMs: plan.budgetLeftInMs });
  const retryPolicy = deps.checkRetryPolicy ?? DEFAULT_CHECK_RETRY_POLICY;
  const deadline = deps.now() + plan.sliceInMs;
  const outcomes = await withinDeadline(
    runResumableChecks(config, { deadline, retryPolicy, resumeFrom: plan.resumeFrom }, { httpGet: deps.httpGet, now: deps.now, sleep: deps.sleep, onAttempt: (r) => deps.log({ level: 'info', ...r }) }),
    deadline,
    deps.now,
  );
  return decideEcsResponse({
    plan,
    outcomes,
    nowMs: deps.now(),
    requiredConsecutivePasses: config.requiredConsecutivePasses,
    checkBudgetInSeconds: config.checkBudgetInSeconds,
    retryPolicy,
    minAttemptTimeInMs: retryPolicy.minAttemptTimeInMs,
  });
}

/** One ECS invocation: answers SUCCEEDED, FAILED or IN_PROGRESS (with a callBackDelay and the progress). */
export async function runEcsHook(event: EcsHookEvent, config: ResolvedHookConfig | HookConfigError, remainingTimeInMs: number, deps: HookDeps): Promise<EcsHookOutcome> {
  const ids = {
    ...(event.executionId !== undefined ? { executionId: event.executionId } : {}),
    ...(event.lifecycleStage !== undefined ? { lifecycleStage: event.lifecycleStage } : {}),
    ...(event.resourceArn !== undefined ? { serviceDeploymentArn: event.resourceArn } : {}),
    serviceArn: event.serviceArn,
    targetServiceRevisionArn: event.targetServiceRevisionArn,
  };
  deps.log({ level: 'info', event: 'hook.start', contract: 'ecs', ...ids, remainingTimeInMs });
  let outcome: EcsHookOutcome;
  if (config instanceof HookConfigError) {
    deps.log({ level: 'error', event: 'hook.config-error', problems: config.problems });
    outcome = { response: { hookStatus: 'FAILED' }, reason: config.message };
  } else {
    try {
      outcome = await checkSlice(event, config, remainingTimeInMs, deps);
    } catch (err) {
      deps.log({ level: 'error', event: 'hook.internal-error', error: errorMessage(err) });
      outcome = { response: { hookStatus: 'FAILED' }, reason: `internal error in the hook: ${errorMessage(err)}` };
    }
  }
  const status = outcome.response.hookStatus;
  deps.log({
    level: status === 'FAILED' ? 'warn' : 'info',
    event: 'hook.verdict',
    ...ids,
    hookStatus: status,
    ...(outcome.response.callBackDelay !== undefined ? { callBackDelay: outcome.response.callBackDelay } : {}),
    reason: outcome.reason,
  });
  return outcome;
}
