/**
 * Pure decisions of the hook on the ECS contract: whether a stage is one to check at, how long this
 * invocation may check, what to answer (`SUCCEEDED`, `FAILED`, or `IN_PROGRESS` with a `callBackDelay`
 * and the progress to carry), and how that progress is written into and read from `hookDetails`.
 *
 * Why IN_PROGRESS: ECS invokes the function synchronously and waits for its answer; `IN_PROGRESS` makes
 * it invoke the function again after `callBackDelay` seconds, passing back the `hookDetails` the answer
 * returned ("Lambda hooks for Amazon ECS service deployments", Amazon ECS Developer Guide). So each
 * invocation checks for at most {@link ECS_MAX_CHECK_SLICE_IN_MS} and the check budget spans
 * invocations: it starts at the first invocation of the hook execution and is wall-clock time (the
 * waits between invocations count). No invocation needs a long Lambda timeout, and a slow green costs
 * a few short invocations instead of one held for minutes.
 */
import { type CheckProgress, type ResumableCheckOutcome, WATCHDOG_GRACE_IN_MS } from './checks';
import type { EcsHookEvent, EcsHookResponse, EcsHookStage } from './events';
import { CheckRetryPolicy, decideHookStatus, nextDelayInMs } from './policy';

/** The `hookDetails` key under which the hook carries its progress from one invocation to the next. */
export const ECS_PROGRESS_KEY = 'bluegreenHookProgress';

/**
 * Longest time one invocation spends checking: long enough for a healthy green to pass in the first
 * invocation, short enough that a slow start is a few short invocations.
 */
export const ECS_MAX_CHECK_SLICE_IN_MS = 60_000;

/** ECS's own delay when an answer gives none (the Developer Guide's documented default). */
export const ECS_DEFAULT_CALLBACK_DELAY_IN_SECONDS = 30;

/** Stages at which the test route does not lead to green yet: checking there would check blue. */
export const BEFORE_TEST_TRAFFIC: readonly EcsHookStage[] = ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP'];

/** What the hook carries between invocations of one hook execution. */
export interface EcsProgress {
  /** Epoch ms of the first invocation: the check budget counts from here. */
  readonly startedAtMs: number;
  /** Invocations so far, this one excluded. */
  readonly invocations: number;
  /** Per configured check, by position; `name` guards against a configuration changed in between. */
  readonly checks: readonly (CheckProgress & { readonly name: string })[];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Reads the progress an earlier IN_PROGRESS answer left in `hookDetails`; absent on the first invocation. */
export function readEcsProgress(hookDetails: Readonly<Record<string, unknown>>): { progress?: EcsProgress } | { problem: string } {
  const raw = hookDetails[ECS_PROGRESS_KEY];
  if (raw === undefined) return {};
  const p = raw as Partial<EcsProgress> | null;
  const checksOk =
    Array.isArray(p?.checks) &&
    p!.checks.every((c) => typeof c === 'object' && c !== null && typeof c.name === 'string' && isCount(c.attempts) && isCount(c.consecutivePasses) && isCount(c.failuresInRow) && (c.lastFailure === undefined || typeof c.lastFailure === 'string'));
  if (typeof p !== 'object' || p === null || typeof p.startedAtMs !== 'number' || !Number.isFinite(p.startedAtMs) || !isCount(p.invocations) || !checksOk) {
    const shown = JSON.stringify(raw)?.slice(0, 200);
    return { problem: `hookDetails.${ECS_PROGRESS_KEY} is not a progress record this hook wrote (startedAtMs, invocations, checks): ${shown}` };
  }
  return { progress: p as EcsProgress };
}

/** Writes the progress into the answer's `hookDetails`. */
export function progressDetails(progress: EcsProgress): Record<string, unknown> {
  return { [ECS_PROGRESS_KEY]: progress };
}

/**
 * Whether the deployment is rolling back: at the recurring stages ECS re-invokes hooks during a
 * rollback, with the target (green) revision at 0% and another at 100% ("Lifecycle hooks during
 * rollback", Amazon ECS Developer Guide).
 */
export function isRollback(event: EcsHookEvent): boolean {
  const weights = event.lifecycleStage === 'TEST_TRAFFIC_SHIFT' ? event.testTrafficWeights : event.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT' ? event.productionTrafficWeights : undefined;
  if (!weights || weights[event.targetServiceRevisionArn] !== 0) return false;
  return Object.entries(weights).some(([arn, w]) => arn !== event.targetServiceRevisionArn && w === 100);
}

/** What one invocation does. */
export type EcsInvocationPlan =
  | { readonly action: 'answer'; readonly response: EcsHookResponse; readonly reason: string }
  | {
      readonly action: 'check';
      readonly startedAtMs: number;
      readonly invocation: number;
      /** Time this invocation may check. */
      readonly sliceInMs: number;
      /** Time left in the whole check budget, at the start of this invocation. */
      readonly budgetLeftInMs: number;
      /** Where each configured check stands (undefined: from nothing). */
      readonly resumeFrom: readonly (CheckProgress | undefined)[];
    };

/** Inputs of {@link planEcsInvocation}. */
export interface EcsPlanInput {
  readonly event: EcsHookEvent;
  readonly progress: EcsProgress | undefined;
  readonly nowMs: number;
  /** The Lambda's remaining time at the start of the invocation. */
  readonly remainingTimeInMs: number;
  readonly checkBudgetInSeconds: number;
  /** Names of the configured checks, in order. */
  readonly checkNames: readonly string[];
  /** @default ECS_MAX_CHECK_SLICE_IN_MS */
  readonly maxSliceInMs?: number;
}

/** Margin kept before the Lambda's deadline so the answer is returned in time: 5% of it, 50 ms to 1 s. */
export function answerMarginInMs(remainingTimeInMs: number): number {
  return Math.min(1000, Math.max(50, Math.round(remainingTimeInMs * 0.05)));
}

/** Decides what an invocation does before any check runs. */
export function planEcsInvocation(input: EcsPlanInput): EcsInvocationPlan {
  const stage = input.event.lifecycleStage;
  if (isRollback(input.event)) {
    return { action: 'answer', response: { hookStatus: 'SUCCEEDED' }, reason: `the deployment is rolling back (${stage}: the target revision has 0% of the traffic); green is not checked` };
  }
  if (stage !== undefined && BEFORE_TEST_TRAFFIC.includes(stage)) {
    return {
      action: 'answer',
      response: { hookStatus: 'FAILED' },
      reason: `the hook checks green through the test route, which at ${stage} does not lead to green yet (it would check blue); configure it at POST_TEST_TRAFFIC_SHIFT or a later stage`,
    };
  }
  const startedAtMs = input.progress?.startedAtMs ?? input.nowMs;
  const budgetLeftInMs = Math.max(0, Math.round(startedAtMs + input.checkBudgetInSeconds * 1000 - input.nowMs));
  const sameChecks = input.progress !== undefined && input.progress.checks.length === input.checkNames.length && input.progress.checks.every((c, i) => c.name === input.checkNames[i]);
  const resumeFrom = input.checkNames.map((_, i) => {
    const c = sameChecks ? input.progress!.checks[i] : undefined;
    return c ? { attempts: c.attempts, consecutivePasses: c.consecutivePasses, failuresInRow: c.failuresInRow, ...(c.lastFailure !== undefined ? { lastFailure: c.lastFailure } : {}) } : undefined;
  });
  // The watchdog may end a slice its grace late: that too must fit before the answer's margin.
  const room = Math.max(0, input.remainingTimeInMs - answerMarginInMs(input.remainingTimeInMs) - WATCHDOG_GRACE_IN_MS);
  const sliceInMs = Math.min(input.maxSliceInMs ?? ECS_MAX_CHECK_SLICE_IN_MS, budgetLeftInMs, room);
  return { action: 'check', startedAtMs, invocation: (input.progress?.invocations ?? 0) + 1, sliceInMs, budgetLeftInMs, resumeFrom };
}

/** Inputs of {@link decideEcsResponse}. */
export interface EcsDecisionInput {
  readonly plan: Extract<EcsInvocationPlan, { action: 'check' }>;
  /** Outcomes of this invocation's checks (carried progress included), or `'stuck'` (the watchdog fired). */
  readonly outcomes: readonly ResumableCheckOutcome[] | 'stuck';
  readonly nowMs: number;
  readonly requiredConsecutivePasses: number;
  readonly checkBudgetInSeconds: number;
  readonly retryPolicy: CheckRetryPolicy;
  readonly minAttemptTimeInMs: number;
}

/**
 * The answer after this invocation's checks: SUCCEEDED when every check has its passes in a row;
 * IN_PROGRESS (with the progress and the delay the next attempt would wait, in whole seconds, at
 * least 1 and cut to the budget) while the budget leaves room for another invocation; FAILED
 * otherwise, with the reason naming each failing check.
 */
export function decideEcsResponse(input: EcsDecisionInput): { response: EcsHookResponse; reason: string } {
  const budgetInMs = Math.round(input.checkBudgetInSeconds * 1000);
  if (input.outcomes === 'stuck') {
    return { response: { hookStatus: 'FAILED' }, reason: `checks did not finish within this invocation's ${(input.plan.sliceInMs / 1000).toFixed(1)} s` };
  }
  const outcomes = input.outcomes;
  const verdict = decideHookStatus(outcomes, { requiredConsecutivePasses: input.requiredConsecutivePasses, checkBudgetInMs: budgetInMs });
  if (verdict.status === 'Succeeded') return { response: { hookStatus: 'SUCCEEDED' }, reason: verdict.reason };
  const unsettled = outcomes.filter((o) => o.consecutivePasses < input.requiredConsecutivePasses);
  const delayInMs = Math.min(...unsettled.map((o) => (o.consecutivePasses > 0 ? input.retryPolicy.passIntervalInMs : nextDelayInMs(Math.max(1, o.failuresInRow), input.retryPolicy.failureBackoff))));
  const budgetLeftInMs = input.plan.startedAtMs + budgetInMs - input.nowMs;
  // Whole seconds only; the wait is cut to what leaves the next invocation time for an attempt.
  const longestDelay = Math.floor((budgetLeftInMs - input.minAttemptTimeInMs) / 1000);
  if (longestDelay < 1) return { response: { hookStatus: 'FAILED' }, reason: verdict.reason };
  const callBackDelay = Math.min(longestDelay, Math.max(1, Math.ceil(delayInMs / 1000)));
  const progress: EcsProgress = {
    startedAtMs: input.plan.startedAtMs,
    invocations: input.plan.invocation,
    checks: outcomes.map((o) => ({
      name: o.check.name,
      attempts: o.attempts,
      consecutivePasses: o.consecutivePasses,
      failuresInRow: o.failuresInRow,
      ...(o.lastFailure !== undefined ? { lastFailure: o.lastFailure } : {}),
    })),
  };
  const waiting = unsettled.map((o) => `${o.check.name}: ${o.consecutivePasses} of ${input.requiredConsecutivePasses} passes in a row after ${o.attempts} attempts${o.lastFailure ? ` (last: ${o.lastFailure})` : ''}`).join('; ');
  return {
    response: { hookStatus: 'IN_PROGRESS', callBackDelay, hookDetails: progressDetails(progress) },
    reason: `not settled after invocation ${input.plan.invocation}, ${(budgetLeftInMs / 1000).toFixed(1)} s of the ${input.checkBudgetInSeconds} s check budget left: ${waiting}`,
  };
}
