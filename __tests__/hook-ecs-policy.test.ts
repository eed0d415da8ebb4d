/** The ECS contract's pure decisions (hook-lambda/ecs-policy.ts): stages, slices, answers, carried progress. */
import type { ResumableCheckOutcome } from '../hook-lambda/checks';
import type { EcsHookEvent } from '../hook-lambda/events';
import { decideEcsResponse, ECS_PROGRESS_KEY, EcsInvocationPlan, isRollback, planEcsInvocation, readEcsProgress } from '../hook-lambda/ecs-policy';
import { DEFAULT_CHECK_RETRY_POLICY } from '../hook-lambda/policy';

const GREEN = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/s/2';
const BLUE = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/s/1';
const event = (over: Partial<EcsHookEvent> = {}): EcsHookEvent => ({
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/c/s',
  targetServiceRevisionArn: GREEN,
  testTrafficWeights: {},
  productionTrafficWeights: {},
  hookDetails: {},
  ...over,
});
const plan = (over: Partial<Parameters<typeof planEcsInvocation>[0]> = {}) =>
  planEcsInvocation({ event: event(), progress: undefined, nowMs: 1_000_000, remainingTimeInMs: 300_000, checkBudgetInSeconds: 240, checkNames: ['GET /health'], ...over });
const outcome = (over: Partial<ResumableCheckOutcome> = {}): ResumableCheckOutcome => ({
  check: { index: 0, name: 'GET /health', url: 'http://g/health' },
  attempts: 3,
  consecutivePasses: 0,
  failuresInRow: 3,
  lastFailure: 'status 503 (expected 200)',
  ...over,
});

describe('planEcsInvocation', () => {
  test('the first invocation starts the budget now and checks for at most 60 s', () => {
    expect(plan()).toEqual({ action: 'check', startedAtMs: 1_000_000, invocation: 1, sliceInMs: 60_000, budgetLeftInMs: 240_000, resumeFrom: [undefined] });
  });

  test('a later invocation goes on from the carried progress; the budget counts the time between invocations', () => {
    const progress = { startedAtMs: 1_000_000, invocations: 2, checks: [{ name: 'GET /health', attempts: 7, consecutivePasses: 1, failuresInRow: 0 }] };
    expect(plan({ progress, nowMs: 1_000_000 + 200_000 })).toEqual({
      action: 'check',
      startedAtMs: 1_000_000,
      invocation: 3,
      sliceInMs: 40_000,
      budgetLeftInMs: 40_000,
      resumeFrom: [{ attempts: 7, consecutivePasses: 1, failuresInRow: 0 }],
    });
  });

  test("a short Lambda timeout keeps each slice inside it, with a margin to answer and the watchdog's grace", () => {
    expect(plan({ remainingTimeInMs: 3000 })).toMatchObject({ sliceInMs: 3000 - 150 - 250 });
    expect(plan({ remainingTimeInMs: 30 })).toMatchObject({ sliceInMs: 0 });
  });

  test('progress of a different set of checks is not resumed (the configuration changed in between)', () => {
    const progress = { startedAtMs: 1_000_000, invocations: 1, checks: [{ name: 'GET /old', attempts: 7, consecutivePasses: 1, failuresInRow: 0 }] };
    expect(plan({ progress })).toMatchObject({ invocation: 2, resumeFrom: [undefined] });
  });

  test('a rollback is answered SUCCEEDED at once: green is being abandoned, not checked', () => {
    for (const e of [event({ lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', productionTrafficWeights: { [GREEN]: 0, [BLUE]: 100 } }), event({ lifecycleStage: 'TEST_TRAFFIC_SHIFT', testTrafficWeights: { [GREEN]: 0, [BLUE]: 100 } })]) {
      expect(isRollback(e)).toBe(true);
      expect(plan({ event: e })).toMatchObject({ action: 'answer', response: { hookStatus: 'SUCCEEDED' }, reason: expect.stringMatching(/rolling back/) });
    }
    // Before the first production step green has 0% too: that is no rollback.
    expect(isRollback(event({ lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', productionTrafficWeights: { [GREEN]: 0, [BLUE]: 100 } }))).toBe(false);
    expect(isRollback(event({ lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', productionTrafficWeights: { [GREEN]: 100, [BLUE]: 0 } }))).toBe(false);
  });

  test.each(['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP'] as const)('at %s the test route does not lead to green: FAILED, saying where to configure it', (stage) => {
    expect(plan({ event: event({ lifecycleStage: stage }) })).toEqual({
      action: 'answer',
      response: { hookStatus: 'FAILED' },
      reason: `the hook checks green through the test route, which at ${stage} does not lead to green yet (it would check blue); configure it at POST_TEST_TRAFFIC_SHIFT or a later stage`,
    });
  });
});

describe('decideEcsResponse', () => {
  const checkPlan = plan() as Extract<EcsInvocationPlan, { action: 'check' }>;
  const decide = (outcomes: ResumableCheckOutcome[] | 'stuck', nowMs = 1_000_000 + 60_000) =>
    decideEcsResponse({ plan: checkPlan, outcomes, nowMs, requiredConsecutivePasses: 2, checkBudgetInSeconds: 240, retryPolicy: DEFAULT_CHECK_RETRY_POLICY, minAttemptTimeInMs: 50 });

  test('SUCCEEDED when every check has its passes in a row', () => {
    expect(decide([outcome({ consecutivePasses: 2, failuresInRow: 0, lastFailure: undefined })])).toEqual({
      response: { hookStatus: 'SUCCEEDED' },
      reason: 'all 1 check passed 2 times in a row (GET /health in 3 attempts)',
    });
  });

  test('IN_PROGRESS with the next backoff as callBackDelay and the progress to carry, while budget is left', () => {
    expect(decide([outcome()])).toEqual({
      response: {
        hookStatus: 'IN_PROGRESS',
        callBackDelay: 1,
        hookDetails: { [ECS_PROGRESS_KEY]: { startedAtMs: 1_000_000, invocations: 1, checks: [{ name: 'GET /health', attempts: 3, consecutivePasses: 0, failuresInRow: 3, lastFailure: 'status 503 (expected 200)' }] } },
      },
      reason: 'not settled after invocation 1, 180.0 s of the 240 s check budget left: GET /health: 0 of 2 passes in a row after 3 attempts (last: status 503 (expected 200))',
    });
    expect(decide([outcome({ failuresInRow: 6 })]).response.callBackDelay).toBe(4);
    // The wait is cut to what leaves the next invocation time for an attempt.
    expect(decide([outcome({ failuresInRow: 6 })], 1_000_000 + 237_500).response.callBackDelay).toBe(2);
    expect(decide([outcome({ consecutivePasses: 1, failuresInRow: 0, lastFailure: undefined })]).response.callBackDelay).toBe(1);
  });

  test('FAILED naming the check when the budget leaves no room for another invocation', () => {
    expect(decide([outcome()], 1_000_000 + 239_000).response.hookStatus).toBe('FAILED');
    expect(decide([outcome()], 1_000_000 + 239_500)).toEqual({
      response: { hookStatus: 'FAILED' },
      reason: 'GET /health: did not pass 2 times in a row within the 240.0 s check budget (3 attempts, last: status 503 (expected 200))',
    });
  });

  test('FAILED when the checks did not finish by the watchdog', () => {
    expect(decide('stuck')).toEqual({ response: { hookStatus: 'FAILED' }, reason: "checks did not finish within this invocation's 60.0 s" });
  });

  test('the carried progress reads back as written', () => {
    const written = decide([outcome()]).response.hookDetails!;
    expect(readEcsProgress({ other: 1, ...written })).toEqual({ progress: written[ECS_PROGRESS_KEY] });
  });
});

describe('readEcsProgress', () => {
  test('absent on the first invocation', () => {
    expect(readEcsProgress({ S3_BUCKET_NAME: 'b' })).toEqual({});
  });

  test.each([
    ['not an object', 'x'],
    ['a negative count', { startedAtMs: 1, invocations: -1, checks: [] }],
    ['checks not a list', { startedAtMs: 1, invocations: 1, checks: {} }],
    ['a check without a name', { startedAtMs: 1, invocations: 1, checks: [{ attempts: 1, consecutivePasses: 0, failuresInRow: 1 }] }],
  ])('a record this hook did not write (%s) is a problem, not a fresh start', (_name, value) => {
    expect(readEcsProgress({ [ECS_PROGRESS_KEY]: value })).toEqual({ problem: expect.stringMatching(new RegExp(`^hookDetails\\.${ECS_PROGRESS_KEY} is not a progress record this hook wrote`)) });
  });
});
