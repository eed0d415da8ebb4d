/**
 * The CodeDeploy stand-in itself, exercised with the real CodeDeployClient over HTTP: the shapes
 * it answers, the ECS blue/green state machine, and fault injection.
 */
import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { join } from 'node:path';
import { createHandler } from '../hook-lambda/index';
import { appSpecSha256, renderAppSpecJson, renderAppSpecYaml } from '../lib/appspec';
import {
  CodeDeployStandIn,
  DeploymentGroupSpec,
  HookEvent,
  inProcessHookInvoker,
  shiftDurationInMinutes,
  startCodeDeployStandIn,
  startGreenApp,
  startHookRuntime,
  trafficSchedule,
} from '../test-support/codedeploy';

const APP = 'bluegreen-dev';
const GROUP = 'bluegreen-dev-dg';
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7';

function appSpec(hooks: Record<string, string> = {}): { content: string; sha256: string } {
  const content = renderAppSpecJson({ taskDefinitionArn: TASK_DEF, containerName: 'web', containerPort: 8080, hooks });
  return { content, sha256: appSpecSha256(content) };
}

function clientFor(standIn: CodeDeployStandIn, maxAttempts = 3): CodeDeployClient {
  return new CodeDeployClient({
    endpoint: standIn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts,
  });
}

/** A fake hook (this file tests the stand-in, not the project's hook): reports `status` via the SDK. */
function reportingHook(client: () => CodeDeployClient, status: () => 'Succeeded' | 'Failed' | 'none'): (e: HookEvent) => Promise<void> {
  return async (event) => {
    const s = status();
    if (s === 'none') return;
    await client().send(
      new PutLifecycleEventHookExecutionStatusCommand({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: s }),
    );
  };
}

describe('traffic schedules of the predefined ECS configs', () => {
  test('canary moves the canary percentage first, the rest after the interval', () => {
    expect(trafficSchedule({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } })).toEqual([
      { atMinute: 0, greenPercent: 10 },
      { atMinute: 5, greenPercent: 100 },
    ]);
  });
  test('linear moves the percentage every interval and never beyond 100', () => {
    const steps = trafficSchedule({ type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 30, linearInterval: 3 } });
    expect(steps).toEqual([
      { atMinute: 0, greenPercent: 30 },
      { atMinute: 3, greenPercent: 60 },
      { atMinute: 6, greenPercent: 90 },
      { atMinute: 9, greenPercent: 100 },
    ]);
    expect(shiftDurationInMinutes({ type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 1 } })).toBe(9);
  });
  test('all-at-once moves everything at once', () => {
    expect(trafficSchedule({ type: 'AllAtOnce' })).toEqual([{ atMinute: 0, greenPercent: 100 }]);
  });
});

/** How a test's stand-in is set up. */
interface StandInSetup {
  readonly groups?: Partial<DeploymentGroupSpec>[];
  /** @default 40 */
  readonly msPerMinute?: number;
  /** @default 100 */
  readonly startDelayInMs?: number;
  /** What the fake hook reports. @default 'Succeeded' */
  readonly hookStatus?: 'Succeeded' | 'Failed' | 'none';
  /**
   * @default 60, CodeDeploy's: 2.4 s at 40 ms a minute. The hook's report is an HTTP round trip to the
   * stand-in from the same loaded jest worker; at 5 minutes (200 ms) it once came too late and the
   * event timed out (the success test then waited 30 s for a deployment that had failed).
   */
  readonly hookTimeoutInMinutes?: number;
}

/** A test's own stand-in and client, and its shorthands. */
interface StandInUnderTest {
  readonly standIn: CodeDeployStandIn;
  readonly client: CodeDeployClient;
  create(hooks?: Record<string, string>, extra?: Record<string, unknown>): Promise<string>;
  status(id: string): string | undefined;
}

async function startStandIn(setup: StandInSetup): Promise<StandInUnderTest> {
  let client: CodeDeployClient | undefined;
  const standIn = await startCodeDeployStandIn({
    customDeploymentConfigs: [
      { deploymentConfigName: 'Custom.ECSLinear25PercentEvery2Minutes', trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 25, linearInterval: 2 } } },
    ],
    msPerMinute: setup.msPerMinute ?? 40,
    eventDurationInMs: 10,
    startDelayInMs: setup.startDelayInMs ?? 100,
    hookTimeoutInMinutes: setup.hookTimeoutInMinutes ?? 60,
    groups: (setup.groups ?? [{}]).map((g, i) => ({ applicationName: APP, deploymentGroupName: i === 0 ? GROUP : `${GROUP}-${i}`, ...g })),
    hookInvoker: inProcessHookInvoker(reportingHook(() => client!, () => setup.hookStatus ?? 'Succeeded')),
  });
  const c = (client = clientFor(standIn));
  const create = async (hooks: Record<string, string> = { BeforeAllowTraffic: 'hook-fn' }, extra: Record<string, unknown> = {}): Promise<string> => {
    const out = await c.send(
      new CreateDeploymentCommand({
        applicationName: APP,
        deploymentGroupName: GROUP,
        revision: { revisionType: 'AppSpecContent', appSpecContent: appSpec(hooks) },
        description: 'test release',
        ...extra,
      }),
    );
    return out.deploymentId!;
  };
  return { standIn, client: c, create, status: (id) => standIn.deployment(id)?.status };
}

/**
 * A test with a stand-in of its own, settled (nothing left active) and closed at its end. Such tests
 * share nothing, so they run concurrently: most of their time is the stand-in's compressed minutes.
 */
function standInTest(name: string, setup: StandInSetup, body: (t: StandInUnderTest) => Promise<void>): void {
  test.concurrent(name, async () => {
    const t = await startStandIn(setup);
    try {
      await body(t);
      await t.standIn.settle(5000);
    } finally {
      await t.standIn.close();
    }
  });
}

// One describe block: jest runs a block's concurrent tests 5 at a time in the order written, so the
// longest come first.
describe('CodeDeploy stand-in over HTTP with the real SDK client', () => {
  standInTest('a deployment runs every ECS lifecycle event in order, invokes the AppSpec hook, and moves all traffic to green', { startDelayInMs: 1500 }, async ({ standIn, client, create, status }) => {
    // Long enough for two round trips on a loaded machine to meet the deployment before it starts.
    const id = await create({ BeforeAllowTraffic: 'hook-fn', AfterAllowTestTraffic: 'hook-fn' });
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    // Until it starts, a deployment has no readable targets.
    await expect(client.send(new ListDeploymentTargetsCommand({ deploymentId: id }))).rejects.toMatchObject({ name: 'DeploymentNotStartedException' });
    expect(standIn.calls[standIn.calls.length - 1]).toMatchObject({ operation: 'ListDeploymentTargets', errorType: 'DeploymentNotStartedException' });
    await standIn.waitUntil(() => status(id) === 'Succeeded', 'success');

    const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo).toMatchObject({
      deploymentId: id,
      applicationName: APP,
      deploymentGroupName: GROUP,
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      status: 'Succeeded',
      creator: 'user',
      description: 'test release',
      computePlatform: 'ECS',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      revision: { revisionType: 'AppSpecContent' },
    });
    // JSON 1.1 timestamps are epoch seconds; the SDK turns them into Dates.
    expect(deploymentInfo!.createTime).toBeInstanceOf(Date);
    expect(deploymentInfo!.completeTime!.getTime()).toBeGreaterThanOrEqual(deploymentInfo!.createTime!.getTime());

    const { targetIds } = await client.send(new ListDeploymentTargetsCommand({ deploymentId: id }));
    expect(targetIds).toEqual(['bluegreen-cluster:bluegreen-service']);
    const { deploymentTarget } = await client.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: targetIds![0] }));
    expect(deploymentTarget!.deploymentTargetType).toBe('ECSTarget');
    const target = deploymentTarget!.ecsTarget!;
    expect(target.lifecycleEvents!.map((e) => [e.lifecycleEventName, e.status])).toEqual([
      ['BeforeInstall', 'Succeeded'],
      ['Install', 'Succeeded'],
      ['AfterInstall', 'Succeeded'],
      ['AllowTestTraffic', 'Succeeded'],
      ['AfterAllowTestTraffic', 'Succeeded'],
      ['BeforeAllowTraffic', 'Succeeded'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded'],
    ]);
    const starts = target.lifecycleEvents!.map((e) => e.startTime!.getTime());
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    const green = target.taskSetsInfo!.find((t) => t.taskSetLabel === 'Green')!;
    const blue = target.taskSetsInfo!.find((t) => t.taskSetLabel === 'Blue')!;
    expect(green).toMatchObject({ trafficWeight: 100, status: 'PRIMARY', runningCount: 2, targetGroup: { name: 'bluegreen-service-green' } });
    expect(blue).toMatchObject({ trafficWeight: 0, targetGroup: { name: 'bluegreen-service-blue' } });
    expect(green.identifer).toMatch(/^ecs-svc\/\d+$/);
    expect(standIn.model.hookInvocations.map((h) => [h.lifecycleEvent, h.functionName, h.reported])).toEqual([
      ['AfterAllowTestTraffic', 'hook-fn', 'Succeeded'],
      ['BeforeAllowTraffic', 'hook-fn', 'Succeeded'],
    ]);
  });

  standInTest('a canary shift holds the canary weight for the interval, then moves the rest', { groups: [{ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' }], msPerMinute: 200 }, async ({ standIn, client, create, status }) => {
    // 1 s of canary (5 minutes at 200 ms): room for the reads below on a loaded machine.
    const id = await create({});
    await standIn.waitUntil(() => standIn.deployment(id)!.greenWeight === 10, 'canary weight');
    const { deploymentTarget } = await client.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: 'bluegreen-cluster:bluegreen-service' }));
    const weights = Object.fromEntries(deploymentTarget!.ecsTarget!.taskSetsInfo!.map((t) => [t.taskSetLabel!, t.trafficWeight]));
    expect(weights).toEqual({ Blue: 90, Green: 10 });
    expect(deploymentTarget!.ecsTarget!.lifecycleEvents!.find((e) => e.lifecycleEventName === 'AllowTraffic')!.status).toBe('InProgress');
    await standIn.waitUntil(() => status(id) === 'Succeeded', 'success');
    const steps = standIn.deployment(id)!.trafficHistory;
    expect(steps.map((h) => h.greenWeight)).toEqual([10, 100]);
    // 5 simulated minutes at 200 ms each.
    expect(steps[1]!.at - steps[0]!.at).toBeGreaterThanOrEqual(998);
    expect(standIn.deployment(id)!.greenWeight).toBe(100);
  });

  standInTest('faults in one group meet only the calls about it (its name, or one of its deployments), and clear() removes them', { groups: [{}, {}] }, async ({ standIn, client, create }) => {
    const other = await create({}, { deploymentGroupName: `${GROUP}-1` });
    standIn.faults.inGroup(GROUP).deny('CreateDeployment');
    await expect(create({})).rejects.toMatchObject({ name: 'AccessDeniedException' });
    standIn.faults.clear();
    const mine = await create({});
    const scoped = standIn.faults.inGroup(GROUP);
    scoped.deny('GetDeployment');
    await expect(client.send(new GetDeploymentCommand({ deploymentId: mine }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect((await client.send(new GetDeploymentCommand({ deploymentId: other }))).deploymentInfo?.deploymentId).toBe(other);
    expect(scoped.injected).toEqual({ GetDeployment: 1 });
    expect(standIn.faults.injected).toEqual({});
  });

  standInTest('fault injection: throttling bursts, AccessDenied and latency answer as AWS does', {}, async ({ standIn, client, create }) => {
    const once = clientFor(standIn, 1);
    standIn.faults.throttle('GetDeploymentGroup', 2);
    await expect(once.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: GROUP }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    // The SDK's own retries absorb the second throttle.
    const { deploymentGroupInfo } = await client.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: GROUP }));
    expect(deploymentGroupInfo).toMatchObject({ computePlatform: 'ECS', ecsServices: [{ clusterName: 'bluegreen-cluster', serviceName: 'bluegreen-service' }] });
    expect(standIn.faults.injected.GetDeploymentGroup).toBe(2);

    standIn.faults.deny('CreateDeployment');
    await expect(create({})).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('codedeploy:CreateDeployment') });
    standIn.faults.clear();

    standIn.faults.latency('GetDeploymentConfig', 150);
    const t0 = Date.now();
    const { deploymentConfigInfo } = await client.send(new GetDeploymentConfigCommand({ deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes' }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(deploymentConfigInfo).toMatchObject({
      computePlatform: 'ECS',
      trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 3 } },
    });
  });

  test.concurrent('the real hook handler in-process (createHandler with injected client and environment): checks a real green app and reports Succeeded, then Failed once green turns unhealthy', async () => {
    const standIn = await startCodeDeployStandIn({ msPerMinute: 20, eventDurationInMs: 10, groups: [{ applicationName: APP, deploymentGroupName: GROUP }] });
    const green = await startGreenApp();
    const client = clientFor(standIn);
    try {
      const handler = createHandler({
        codedeploy: client,
        env: { HOOK_TEST_BASE_URL: green.url, HOOK_CHECK_BUDGET_IN_SECONDS: '1', HOOK_REQUIRED_CONSECUTIVE_PASSES: '1' },
        log: () => undefined,
      });
      standIn.model.setHookInvoker(inProcessHookInvoker((event, context) => handler(event, context), 10_000));
      const deploy = async (): Promise<string> =>
        (
          await client.send(
            new CreateDeploymentCommand({ applicationName: APP, deploymentGroupName: GROUP, revision: { revisionType: 'AppSpecContent', appSpecContent: appSpec({ BeforeAllowTraffic: 'hook' }) } }),
          )
        ).deploymentId!;
      const ok = await deploy();
      await standIn.waitUntil(() => standIn.deployment(ok)!.status === 'Succeeded', 'success');
      green.setHealth('unhealthy');
      const bad = await deploy();
      await standIn.waitUntil(() => standIn.deployment(bad)!.status === 'Failed', 'failure', 10_000);
      expect(standIn.model.hookInvocations.map((h) => h.reported)).toEqual(['Succeeded', 'Failed']);
      expect(green.requests.length).toBeGreaterThanOrEqual(2);
      await standIn.settle();
    } finally {
      client.destroy();
      await green.close();
      await standIn.close();
    }
  });

  standInTest('a second deployment while one is active is refused with DeploymentLimitExceededException naming it', { groups: [{ terminationWaitTimeInMinutes: 5 }] }, async ({ standIn, client, create, status }) => {
    const id = await create({});
    await expect(create({})).rejects.toMatchObject({ name: 'DeploymentLimitExceededException', message: expect.stringContaining(id) });
    const active = await client.send(
      new ListDeploymentsCommand({ applicationName: APP, deploymentGroupName: GROUP, includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready'] }),
    );
    expect(active.deployments).toEqual([id]);
    await standIn.waitUntil(() => status(id) === 'Succeeded', 'success');
    const none = await client.send(new ListDeploymentsCommand({ applicationName: APP, deploymentGroupName: GROUP, includeOnlyStatuses: ['InProgress'] }));
    expect(none.deployments).toEqual([]);
    const second = await create({});
    const all = await client.send(new ListDeploymentsCommand({ applicationName: APP, deploymentGroupName: GROUP }));
    expect(all.deployments).toEqual([second, id]);
  });

  test.concurrent('hook runtime (the hook module in a warm child process with its own environment): the child reports through its own CodeDeploy client, found via AWS_ENDPOINT_URL_CODEDEPLOY', async () => {
    const standIn = await startCodeDeployStandIn({ msPerMinute: 20, eventDurationInMs: 10, groups: [{ applicationName: APP, deploymentGroupName: GROUP }] });
    const runtime = await startHookRuntime({
      modulePath: join(__dirname, '..', 'test-support', 'codedeploy', 'fixtures', 'reporting-hook.js'),
      env: { AWS_ENDPOINT_URL_CODEDEPLOY: standIn.endpoint, FIXTURE_HOOK_STATUS: 'Failed' },
    });
    try {
      standIn.model.setHookInvoker(runtime.invoker);
      const client = clientFor(standIn);
      const out = await client.send(
        new CreateDeploymentCommand({
          applicationName: APP,
          deploymentGroupName: GROUP,
          revision: { revisionType: 'AppSpecContent', appSpecContent: appSpec({ AfterAllowTestTraffic: 'fixture' }) },
        }),
      );
      await standIn.waitUntil(() => standIn.deployment(out.deploymentId!)!.status === 'Failed', 'hook failure', 15_000);
      const puts = standIn.calls.filter((c) => c.operation === 'PutLifecycleEventHookExecutionStatus');
      expect(puts.map((c) => c.input.status)).toEqual(['Failed']);
      expect(runtime.logs.some((l) => l.includes('fixture hook invoked'))).toBe(true);
      await standIn.settle();
    } finally {
      await runtime.close();
      await standIn.close();
    }
  });

  standInTest('a custom deployment config is served by GetDeploymentConfig and drives the shift (per-deployment override)', {}, async ({ standIn, client, create, status }) => {
    const { deploymentConfigInfo } = await client.send(new GetDeploymentConfigCommand({ deploymentConfigName: 'Custom.ECSLinear25PercentEvery2Minutes' }));
    expect(deploymentConfigInfo).toMatchObject({ computePlatform: 'ECS', trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 25, linearInterval: 2 } } });
    const id = await create({}, { deploymentConfigName: 'Custom.ECSLinear25PercentEvery2Minutes' });
    await standIn.waitUntil(() => status(id) === 'Succeeded', 'success');
    // The weights the stand-in set, not a sample of them: a sampler on a loaded machine misses 80 ms steps.
    const steps = standIn.deployment(id)!.trafficHistory;
    expect(steps.map((h) => h.greenWeight)).toEqual([25, 50, 75, 100]);
    // 2 simulated minutes apart (40 ms each), never sooner; a late timer may make a step later.
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.at - steps[0]!.at).toBeGreaterThanOrEqual(i * 80 - 2);
    expect(standIn.deployment(id)!.deploymentConfigName).toBe('Custom.ECSLinear25PercentEvery2Minutes');
  });

  standInTest('a hook that reports Failed fails the deployment and starts a rollback deployment linked both ways', { hookStatus: 'Failed' }, async ({ standIn, client, create }) => {
    const id = await create();
    await standIn.waitUntil(() => standIn.deployments().length === 2 && standIn.deployments()[1]!.status === 'Succeeded', 'rollback');
    const { deploymentInfo: failed } = await client.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(failed!.status).toBe('Failed');
    expect(failed!.errorInformation!.code).toBe('HOOK_EXECUTION_FAILURE');
    const rollbackId = failed!.rollbackInfo!.rollbackDeploymentId!;
    const { deploymentInfo: rollback } = await client.send(new GetDeploymentCommand({ deploymentId: rollbackId }));
    expect(rollback).toMatchObject({ creator: 'codeDeployRollback', status: 'Succeeded', rollbackInfo: { rollbackTriggeringDeploymentId: id } });
    const { deploymentTarget } = await client.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: 'bluegreen-cluster:bluegreen-service' }));
    const events = Object.fromEntries(deploymentTarget!.ecsTarget!.lifecycleEvents!.map((e) => [e.lifecycleEventName!, e]));
    expect(events.BeforeAllowTraffic!.status).toBe('Failed');
    expect(events.BeforeAllowTraffic!.diagnostics).toMatchObject({ errorCode: 'ScriptFailed', scriptName: 'hook-fn' });
    expect(events.AllowTraffic!.status).toBe('Skipped');
    expect(standIn.deployment(rollbackId)!.greenWeight).toBe(0);
    expect(standIn.deployment(rollbackId)!.blueWeight).toBe(100);
    // Reporting again is refused the way CodeDeploy refuses it.
    const execution = standIn.model.hookInvocations[0]!.event;
    await expect(
      client.send(new PutLifecycleEventHookExecutionStatusCommand({ deploymentId: id, lifecycleEventHookExecutionId: execution.LifecycleEventHookExecutionId, status: 'Succeeded' })),
    ).rejects.toMatchObject({ name: 'LifecycleEventAlreadyCompletedException' });
  });

  standInTest('a hook that never reports times out after the hook timeout and fails the event with ScriptTimedOut', { groups: [{ autoRollbackConfiguration: { enabled: false, events: [] } }], msPerMinute: 20, hookStatus: 'none', hookTimeoutInMinutes: 5 }, async ({ standIn, client, create, status }) => {
    const id = await create();
    await standIn.waitUntil(() => status(id) === 'Failed', 'failure', 5000);
    const snapshot = standIn.deployment(id)!;
    expect(snapshot.errorCode).toBe('HOOK_EXECUTION_FAILURE');
    expect(snapshot.rollbackDeploymentId).toBeUndefined();
    const { deploymentTarget } = await client.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: 'bluegreen-cluster:bluegreen-service' }));
    const event = deploymentTarget!.ecsTarget!.lifecycleEvents!.find((e) => e.lifecycleEventName === 'BeforeAllowTraffic')!;
    expect(event.diagnostics!.errorCode).toBe('ScriptTimedOut');
    // 5 simulated minutes at 20 ms each.
    expect(event.endTime!.getTime() - event.startTime!.getTime()).toBeGreaterThanOrEqual(90);
  });

  standInTest('StopDeployment with autoRollbackEnabled stops it (MANUAL_STOP) and rolls back; stopping again is refused', { groups: [{ deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes' }], msPerMinute: 200 }, async ({ standIn, client, create, status }) => {
    // 200 ms per minute: the stop must land mid-shift (1.4 s left after 20%) even on a loaded machine.
    const id = await create({});
    await standIn.waitUntil(() => standIn.deployment(id)!.greenWeight >= 20, 'mid-shift');
    const out = await client.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    expect(out.status).toBe('Pending');
    await standIn.waitUntil(() => status(id) === 'Stopped', 'stop');
    const snapshot = standIn.deployment(id)!;
    expect(snapshot.errorCode).toBe('MANUAL_STOP');
    expect(snapshot.greenWeight).toBeLessThan(100);
    await standIn.waitUntil(() => status(snapshot.rollbackDeploymentId!) === 'Succeeded', 'rollback');
    expect(standIn.deployment(snapshot.rollbackDeploymentId!)!.greenWeight).toBe(0);
    await expect(client.send(new StopDeploymentCommand({ deploymentId: id }))).rejects.toMatchObject({ name: 'DeploymentAlreadyCompletedException' });
  });

  standInTest('a group with a manual ready option waits in Ready until ContinueDeployment', { groups: [{ deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 100 } }] }, async ({ standIn, client, create, status }) => {
    const id = await create({});
    await expect(client.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }))).rejects.toMatchObject({
      name: 'DeploymentIsNotInReadyStateException',
    });
    await standIn.waitUntil(() => status(id) === 'Ready', 'Ready');
    const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo!.deploymentOverview).toMatchObject({ Ready: 1, InProgress: 0 });
    expect(standIn.deployment(id)!.greenWeight).toBe(0);
    await client.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }));
    await standIn.waitUntil(() => status(id) === 'Succeeded', 'success');
    expect(standIn.deployment(id)!.history.map((h) => h.status)).toEqual(['Created', 'InProgress', 'Ready', 'InProgress', 'Succeeded']);
  });

  standInTest('the termination wait keeps the deployment in progress until its time or ContinueDeployment(TERMINATION_WAIT)', { groups: [{ terminationWaitTimeInMinutes: 1000 }] }, async ({ standIn, client, create, status }) => {
    const id = await create({});
    await standIn.waitUntil(() => standIn.deployment(id)!.greenWeight === 100, 'traffic moved');
    await standIn.waitUntil(() => standIn.deployment(id)!.events.every((e) => e.status === 'Succeeded'), 'events done');
    const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo).toMatchObject({ status: 'InProgress', instanceTerminationWaitTimeStarted: true });
    await client.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }));
    await standIn.waitUntil(() => status(id) === 'Succeeded', 'success', 2000);
  });

  standInTest('an alarm that fires mid-shift stops the deployment with ALARM_ACTIVE and rolls it back', { groups: [{ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes', alarms: ['bluegreen-5xx'] }] }, async ({ standIn, create, status }) => {
    standIn.faults.alarmWhenGreenReaches('bluegreen-5xx', 10);
    const id = await create({});
    await standIn.waitUntil(() => status(id) === 'Stopped', 'alarm stop');
    const snapshot = standIn.deployment(id)!;
    expect(snapshot.errorCode).toBe('ALARM_ACTIVE');
    expect(snapshot.errorMessage).toContain('bluegreen-5xx');
    expect(snapshot.events.find((e) => e.name === 'AllowTraffic')!.status).toBe('Failed');
    await standIn.waitUntil(() => status(snapshot.rollbackDeploymentId!) === 'Succeeded', 'rollback');
    expect(standIn.deployment(snapshot.rollbackDeploymentId!)!.creator).toBe('codeDeployRollback');
  });

  standInTest('invalid and unknown ids, configs and revisions get CodeDeploy exception names', {}, async ({ client }) => {
    await expect(client.send(new GetDeploymentCommand({ deploymentId: 'not-an-id' }))).rejects.toMatchObject({ name: 'InvalidDeploymentIdException' });
    await expect(client.send(new GetDeploymentCommand({ deploymentId: 'd-ABCDEFGHI' }))).rejects.toMatchObject({ name: 'DeploymentDoesNotExistException' });
    await expect(client.send(new GetDeploymentConfigCommand({ deploymentConfigName: 'CodeDeployDefault.Nope' }))).rejects.toMatchObject({
      name: 'DeploymentConfigDoesNotExistException',
    });
    await expect(client.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: 'nope' }))).rejects.toMatchObject({
      name: 'DeploymentGroupDoesNotExistException',
    });
    const bad = appSpec({});
    await expect(
      client.send(
        new CreateDeploymentCommand({
          applicationName: APP,
          deploymentGroupName: GROUP,
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content: bad.content, sha256: '0'.repeat(64) } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRevisionException' });
    await expect(
      client.send(
        new CreateDeploymentCommand({
          applicationName: APP,
          deploymentGroupName: GROUP,
          revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'appspec.yaml', bundleType: 'YAML' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'RevisionDoesNotExistException' });
  });

  standInTest('an S3 revision reads the YAML AppSpec the test put there and runs its hooks', {}, async ({ standIn, client, status }) => {
    standIn.model.putS3Object(
      'appspec-bucket',
      'appspec.yaml',
      renderAppSpecYaml({ taskDefinitionArn: TASK_DEF, containerName: 'web', containerPort: 8080, hooks: { AfterAllowTraffic: 'post-hook' } }),
      'v1',
    );
    const out = await client.send(
      new CreateDeploymentCommand({
        applicationName: APP,
        deploymentGroupName: GROUP,
        revision: { revisionType: 'S3', s3Location: { bucket: 'appspec-bucket', key: 'appspec.yaml', bundleType: 'YAML', version: 'v1' } },
      }),
    );
    await standIn.waitUntil(() => status(out.deploymentId!) === 'Succeeded', 'success');
    expect(standIn.model.hookInvocations.map((h) => [h.lifecycleEvent, h.functionName])).toEqual([['AfterAllowTraffic', 'post-hook']]);
  });
});
