/**
 * The active-deployment choices (release/active.ts) and what a failed deployment prints
 * (release/failure.ts): pure rules, one toEqual each.
 */
import { classifyAwsError } from '../hook-lambda/aws-errors';
import { decideActive, decideCreateRetry, MAX_CREATE_ATTEMPTS } from '../release/active';
import { failureLines } from '../release/failure';
import { progressFrom } from '../release/progress';
import { inlineRevision, releaseInput, TEST_TASK_DEFINITION_ARN } from '../test-support/release-input';

const fresh = { stopped: false, endedBefore: false };
const active = { id: 'd-OLD', status: 'InProgress' };

describe('decideActive', () => {
  test('nothing active: create', () => {
    expect(decideActive(undefined, 'fail', fresh)).toEqual({ kind: 'create' });
  });

  test('by default another active deployment fails the release (exit 4)', () => {
    expect(decideActive(active, 'fail', fresh)).toEqual({ kind: 'fail' });
  });

  test('--wait-for-active waits; --stop-active stops once, then waits', () => {
    expect(decideActive(active, 'wait', fresh)).toEqual({ kind: 'wait' });
    expect(decideActive(active, 'stop', fresh)).toEqual({ kind: 'stop-and-wait' });
    expect(decideActive(active, 'stop', { ...fresh, stopped: true })).toEqual({ kind: 'wait' });
  });

  test('a rollback is never stopped, only waited for', () => {
    expect(decideActive({ ...active, creator: 'codeDeployRollback' }, 'stop', fresh)).toEqual({ kind: 'wait' });
  });

  test('one the list shows but that has ended is looked at once more, then ignored', () => {
    expect(decideActive({ id: 'd-OLD', status: 'Succeeded' }, 'fail', fresh)).toEqual({ kind: 'look-again' });
    expect(decideActive({ id: 'd-OLD', status: 'Succeeded' }, 'fail', { ...fresh, endedBefore: true })).toEqual({ kind: 'create' });
  });
});

describe('decideCreateRetry', () => {
  const err = (name: string) => classifyAwsError(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } }));
  test('a release that created first sends us back to the active-deployment check, a few times', () => {
    expect(decideCreateRetry(err('DeploymentLimitExceededException'), 1)).toEqual({ kind: 'check-again' });
    expect(decideCreateRetry(err('DeploymentLimitExceededException'), MAX_CREATE_ATTEMPTS)).toEqual({ kind: 'busy' });
  });

  test('throttling is retried; anything else is not', () => {
    expect(decideCreateRetry(err('ThrottlingException'), 1)).toEqual({ kind: 'retry' });
    expect(decideCreateRetry(err('AccessDeniedException'), 1)).toEqual({ kind: 'give-up' });
  });
});

describe('failureLines', () => {
  const target = (lifecycle: Array<[string, string, { errorCode?: string; message?: string; logTail?: string }?]>) => ({
    deploymentTargetType: 'ECSTarget' as const,
    ecsTarget: { lifecycleEvents: lifecycle.map(([lifecycleEventName, status, diagnostics]) => ({ lifecycleEventName, status: status as 'Failed', ...(diagnostics ? { diagnostics: diagnostics as never } : {}) })) },
  });

  test('errorInformation, each failed event with its diagnostics and log tail, and the hook\'s log group', () => {
    const p = progressFrom(
      { deploymentId: 'd-1', status: 'Failed', errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'hook failed' } },
      target([['AfterAllowTestTraffic', 'Failed', { errorCode: 'ScriptFailed', message: 'status 503', logTail: 'a\n\nb\n' }]]),
    );
    expect(failureLines(p, releaseInput(), false)).toEqual([
      { kind: 'error', text: 'HEALTH_CONSTRAINTS: hook failed' },
      { kind: 'failed', text: 'AfterAllowTestTraffic ScriptFailed: status 503' },
      { kind: 'failed', text: 'AfterAllowTestTraffic log a' },
      { kind: 'failed', text: 'AfterAllowTestTraffic log b' },
      { kind: 'hook', text: 'CodeDeployHook_web logs /aws/lambda/CodeDeployHook_web' },
    ]);
  });

  test('no hook line when the failed event does not run the hook', () => {
    const p = progressFrom({ deploymentId: 'd-1', status: 'Failed' }, target([['Install', 'Failed']]));
    const input = releaseInput({ revision: inlineRevision({ taskDefinitionArn: TEST_TASK_DEFINITION_ARN, containerName: 'web', containerPort: 8080, hooks: { AfterAllowTestTraffic: 'CodeDeployHook_web' } }) });
    expect(failureLines(p, input, false)).toEqual([{ kind: 'failed', text: 'Install Failed: no diagnostics' }]);
    // Events could not be read: the hook may be why, so its logs are named.
    expect(failureLines(p, input, true)).toContainEqual({ kind: 'hook', text: 'CodeDeployHook_web logs /aws/lambda/CodeDeployHook_web' });
  });
});
