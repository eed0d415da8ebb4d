/** The report call's retry rules, with aws-sdk-client-mock and a fake clock. */
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { reportHookStatus, ReportRecord } from '../hook-lambda/report';

const cd = mockClient(CodeDeployClient);

function awsError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode } });
}

function world() {
  let t = 0;
  const sleeps: number[] = [];
  const records: ReportRecord[] = [];
  return {
    sleeps,
    records,
    deps: {
      codedeploy: new CodeDeployClient({ region: 'us-east-1' }),
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        t += ms;
      },
      onAttempt: (r: ReportRecord) => records.push(r),
    },
  };
}

const ids = { deploymentId: 'd-1', lifecycleEventHookExecutionId: 'h-1' };

beforeEach(() => cd.reset());

describe('reportHookStatus', () => {
  test('sends the ids and status once when CodeDeploy accepts it', async () => {
    cd.on(PutLifecycleEventHookExecutionStatusCommand).resolves({ lifecycleEventHookExecutionId: 'h-1' });
    const w = world();
    expect(await reportHookStatus({ ...ids, status: 'Failed', deadline: 10_000 }, w.deps)).toEqual({ outcome: 'reported', attempts: 1 });
    expect(cd.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((c) => c.args[0].input)).toEqual([{ ...ids, status: 'Failed' }]);
  });

  test('retries throttling and 5xx with growing delays', async () => {
    cd.on(PutLifecycleEventHookExecutionStatusCommand)
      .rejectsOnce(awsError('ThrottlingException', 400))
      .rejectsOnce(awsError('InternalFailure', 500))
      .resolves({});
    const w = world();
    expect(await reportHookStatus({ ...ids, status: 'Succeeded', deadline: 10_000 }, w.deps)).toEqual({ outcome: 'reported', attempts: 3 });
    expect(w.sleeps).toEqual([200, 400]);
    expect(w.records.map((r) => r.outcome)).toEqual(['retrying', 'retrying', 'reported']);
  });

  test('stops retrying when the next delay would pass the deadline', async () => {
    cd.on(PutLifecycleEventHookExecutionStatusCommand).rejects(awsError('ThrottlingException', 400));
    const w = world();
    const result = await reportHookStatus({ ...ids, status: 'Succeeded', deadline: 1000 }, w.deps);
    // 200 + 400 = 600 ms slept; an 800 ms delay would leave less than 100 ms before the deadline.
    expect(result).toEqual({ outcome: 'gave-up', attempts: 3, error: 'ThrottlingException: ThrottlingException happened' });
    expect(w.sleeps).toEqual([200, 400]);
  });

  test('gives up at once on a permanent error', async () => {
    cd.on(PutLifecycleEventHookExecutionStatusCommand).rejects(awsError('InvalidDeploymentIdException', 400));
    const w = world();
    expect(await reportHookStatus({ ...ids, status: 'Failed', deadline: 10_000 }, w.deps)).toEqual({
      outcome: 'gave-up',
      attempts: 1,
      error: 'InvalidDeploymentIdException: InvalidDeploymentIdException happened',
    });
    expect(w.sleeps).toEqual([]);
  });

  test('counts LifecycleEventAlreadyCompletedException as done', async () => {
    cd.on(PutLifecycleEventHookExecutionStatusCommand).rejects(awsError('LifecycleEventAlreadyCompletedException', 400));
    const w = world();
    expect(await reportHookStatus({ ...ids, status: 'Succeeded', deadline: 10_000 }, w.deps)).toEqual({ outcome: 'already-completed', attempts: 1 });
    expect(w.records.map((r) => r.outcome)).toEqual(['already-completed']);
  });

  test('still makes one attempt when the deadline has already passed', async () => {
    cd.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
    const w = world();
    expect(await reportHookStatus({ ...ids, status: 'Failed', deadline: -50 }, w.deps)).toEqual({ outcome: 'reported', attempts: 1 });
  });

  test('gives up at the deadline even when the client ignores the abort signal', async () => {
    const w = world();
    const hanging = { send: () => new Promise<never>(() => undefined) };
    const result = await reportHookStatus({ ...ids, status: 'Failed', deadline: 300 }, { ...w.deps, codedeploy: hanging });
    expect(result).toEqual({ outcome: 'gave-up', attempts: 2, error: 'timed out after 100 ms (TimeoutError: no answer within 100 ms)' });
    expect(w.sleeps).toEqual([200]);
  });
});
