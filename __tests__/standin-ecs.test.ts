/**
 * The ECS stand-in over real HTTP (JSON 1.1): native blue/green, linear and canary deployments, bake
 * time, lifecycle hooks on the ECS contract, green task failures with the circuit breaker, alarms,
 * StopServiceDeployment and rollbacks, request checks and faults.
 */
import { awsJsonCall, AwsJsonCallError } from '../test-support/aws-json-client';
import { ECS_TARGET_PREFIX, EcsHookPayload, EcsStandIn, EcsStandInOptions, startEcsStandIn } from '../test-support/ecs';

const CLUSTER = 'bluegreen-cluster';
let ecs: EcsStandIn | undefined;

afterEach(async () => {
  await ecs?.settle().catch(() => undefined);
  await ecs?.close();
  ecs = undefined;
});

async function start(options: Partial<EcsStandInOptions> = {}): Promise<EcsStandIn> {
  ecs = await startEcsStandIn({ msPerMinute: 60, stepInMs: 5, services: [{ serviceName: 'web' }], ...options });
  return ecs;
}

const call = <T = any>(operation: string, input: unknown): Promise<T> => awsJsonCall<T>(ecs!.endpoint, ECS_TARGET_PREFIX, operation, input);
const callError = (operation: string, input: unknown): Promise<AwsJsonCallError> =>
  call(operation, input).then(
    () => {
      throw new Error(`${operation} succeeded`);
    },
    (e: AwsJsonCallError) => e,
  );

async function deploy(taskDefinition = 'web:2'): Promise<string> {
  await call('UpdateService', { cluster: CLUSTER, service: 'web', taskDefinition });
  const list = await call('ListServiceDeployments', { cluster: CLUSTER, service: 'web' });
  return list.serviceDeployments[0].serviceDeploymentArn as string;
}

async function describe1(arn: string): Promise<any> {
  return (await call('DescribeServiceDeployments', { serviceDeploymentArns: [arn] })).serviceDeployments[0];
}

async function until(arn: string, statuses: string[], timeoutInMs = 10_000): Promise<any> {
  await ecs!.waitUntil(() => statuses.includes(ecs!.deployments().find((d) => d.serviceDeploymentArn === arn)!.status), `status ${statuses.join('|')}`, timeoutInMs);
  return describe1(arn);
}

describe('ECS stand-in: deployments', () => {
  test('BLUE_GREEN: green scales up, takes test then production traffic, bakes, and blue is stopped', async () => {
    await start({ services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 } }] });
    const arn = await deploy();
    const done = await until(arn, ['SUCCESSFUL']);
    expect(done).toMatchObject({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', targetServiceRevision: { requestedProductionTrafficWeight: 100, runningTaskCount: 2 } });
    const snap = ecs!.deployments()[0]!;
    const stages = [...new Set(snap.history.map((h) => h.stage).filter(Boolean))];
    expect(stages).toEqual(['PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP']);
    expect(snap.trafficHistory.map((t) => [t.testWeight, t.productionWeight])).toEqual([[100, 0], [100, 100]]);
    const bakeStart = snap.history.find((h) => h.stage === 'BAKE_TIME')!.at;
    const cleanUp = snap.history.find((h) => h.stage === 'CLEAN_UP')!.at;
    expect(cleanUp - bakeStart).toBeGreaterThanOrEqual(2 * 60 - 5);
    const service = (await call('DescribeServices', { cluster: CLUSTER, services: ['web'] })).services[0];
    expect(service).toMatchObject({ taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2', runningCount: 2, deploymentController: { type: 'ECS' }, currentServiceDeployment: arn });
    expect(service.events[0].message).toBe('(service web) has reached a steady state.');
    const stopped = await call('ListTasks', { cluster: CLUSTER, serviceName: 'web', desiredStatus: 'STOPPED' });
    const tasks = (await call('DescribeTasks', { cluster: CLUSTER, tasks: stopped.taskArns })).tasks;
    expect(tasks.map((t: any) => [t.taskDefinitionArn.split('/').pop(), t.lastStatus, t.stopCode])).toEqual([
      ['web:1', 'STOPPED', 'ServiceSchedulerInitiated'],
      ['web:1', 'STOPPED', 'ServiceSchedulerInitiated'],
    ]);
  });

  test('LINEAR moves production traffic in steps with the step bake time between them; CANARY in two', async () => {
    await start({
      services: [
        { serviceName: 'web', deploymentConfiguration: { strategy: 'LINEAR', bakeTimeInMinutes: 0, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 } } },
        { serviceName: 'api', deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 0, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 } } },
      ],
    });
    await call('UpdateService', { cluster: CLUSTER, service: 'web', taskDefinition: 'web:2' });
    await call('UpdateService', { cluster: CLUSTER, service: 'api', taskDefinition: 'api:2' });
    await ecs!.settle();
    const [web, api] = [ecs!.deployments('web')[0]!, ecs!.deployments('api')[0]!];
    expect([web.status, api.status]).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
    const production = (d: typeof web) => d.trafficHistory.map((t) => t.productionWeight).filter((w, i, all) => w > 0 && w !== all[i - 1]);
    expect(production(web)).toEqual([25, 50, 75, 100]);
    expect(production(api)).toEqual([10, 100]);
    const at = (d: typeof web, w: number) => d.trafficHistory.find((t) => t.productionWeight === w)!.at;
    expect(at(web, 50) - at(web, 25)).toBeGreaterThanOrEqual(60 - 5);
    expect(at(api, 100) - at(api, 10)).toBeGreaterThanOrEqual(2 * 60 - 5);
  });

  test('green tasks that exit are visible as stopped tasks and events; the circuit breaker rolls back', async () => {
    await start({ services: [{ serviceName: 'web', desiredCount: 2, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, deploymentCircuitBreaker: { enable: true, rollback: true } } }] });
    ecs!.faults.failGreenTasks('web', { exitCode: 137, containerReason: 'OutOfMemoryError: Container killed due to memory usage' });
    const arn = await deploy();
    const done = await until(arn, ['ROLLBACK_SUCCESSFUL']);
    expect(done).toMatchObject({ deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 4, threshold: 3 }, rollback: { serviceRevisionArn: done.sourceServiceRevisions[0].arn } });
    expect(done.statusReason).toMatch(/circuit breaker detected 4 failed tasks \(threshold 3\)/);
    const stopped = await call('ListTasks', { cluster: CLUSTER, serviceName: 'web', desiredStatus: 'STOPPED' });
    const tasks = (await call('DescribeTasks', { cluster: CLUSTER, tasks: stopped.taskArns })).tasks;
    expect(tasks).toHaveLength(4);
    expect(tasks[0]).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage', lastStatus: 'STOPPED' }],
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
    });
    const running = await call('ListTasks', { cluster: CLUSTER, serviceName: 'web' });
    expect((await call('DescribeTasks', { cluster: CLUSTER, tasks: running.taskArns })).tasks.map((t: any) => t.taskDefinitionArn.split('/').pop())).toEqual(['web:1', 'web:1']);
    const events = (await call('DescribeServices', { cluster: CLUSTER, services: ['web'] })).services[0].events.map((e: any) => e.message);
    expect(events).toContain(`(service web) (deployment ${ecs!.service('web').deployments[0]!.ecsDeploymentId}) deployment failed: tasks failed to start.`);
    expect(events.filter((m: string) => /has stopped 1 running tasks/.test(m))).toHaveLength(4);
    expect((await call('DescribeServices', { cluster: CLUSTER, services: ['web'] })).services[0].taskDefinition).toMatch(/web:1$/);
  });

  test('an image that cannot be pulled stops tasks with TaskFailedToStart and no exit code', async () => {
    await start({ services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, deploymentCircuitBreaker: { enable: true, rollback: false } } }] });
    ecs!.faults.failGreenTasks('web', { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found' });
    const done = await until(await deploy(), ['STOPPED']);
    expect(done.status).toBe('STOPPED');
    const stopped = await call('ListTasks', { cluster: CLUSTER, serviceName: 'web', desiredStatus: 'STOPPED' });
    const task = (await call('DescribeTasks', { cluster: CLUSTER, tasks: [stopped.taskArns[0].split('/').pop()] })).tasks[0];
    expect(task).toMatchObject({ stopCode: 'TaskFailedToStart', stoppedReason: expect.stringMatching(/^CannotPullContainerError/) });
    expect(task.containers[0].exitCode).toBeUndefined();
  });

  test('an alarm during the linear shift rolls back: traffic returns to blue and the alarm is named', async () => {
    await start({
      services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'LINEAR', bakeTimeInMinutes: 1, linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 1 }, alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } } }],
    });
    ecs!.faults.alarmWhenGreenReaches('web-5xx', 40);
    const done = await until(await deploy(), ['ROLLBACK_SUCCESSFUL']);
    expect(done).toMatchObject({ alarms: { status: 'TRIGGERED', alarmNames: ['web-5xx'], triggeredAlarmNames: ['web-5xx'] }, targetServiceRevision: { requestedProductionTrafficWeight: 0, requestedTaskCount: 0 } });
    expect(done.rollback.reason).toMatch(/web-5xx/);
    const traffic = ecs!.deployments()[0]!.trafficHistory.map((t) => t.productionWeight);
    expect(traffic.slice(-1)).toEqual([0]);
    expect(Math.max(...traffic)).toBe(40);
  });

  test('StopServiceDeployment rolls back by default, ABORT stops, and a finished deployment cannot be stopped', async () => {
    await start({ services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 60 } }] });
    const arn = await deploy();
    await ecs!.waitUntil(() => ecs!.deployments()[0]!.lifecycleStage === 'BAKE_TIME', 'bake time');
    expect(await call('StopServiceDeployment', { serviceDeploymentArn: arn })).toEqual({ serviceDeploymentArn: arn });
    expect((await describe1(arn)).status).toMatch(/^ROLLBACK_(REQUESTED|IN_PROGRESS)$/);
    expect((await until(arn, ['ROLLBACK_SUCCESSFUL'])).rollback.reason).toMatch(/StopServiceDeployment/);
    expect((await callError('StopServiceDeployment', { serviceDeploymentArn: arn })).type).toBe('ConflictException');
    const second = await deploy('web:3');
    await ecs!.waitUntil(() => ecs!.deployments()[1]!.status === 'IN_PROGRESS', 'in progress');
    await call('StopServiceDeployment', { serviceDeploymentArn: second, stopType: 'ABORT' });
    expect((await until(second, ['STOPPED'])).stoppedAt).toEqual(expect.any(Number));
  });
});

describe('ECS stand-in: lifecycle hooks (the ECS contract)', () => {
  const hook = (stages: string[]) => ({ hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:web-hook', roleArn: 'arn:aws:iam::123456789012:role/x', lifecycleStages: stages, hookDetails: { service: 'web' } });

  test('re-invokes after callBackDelay while IN_PROGRESS, passing the returned hookDetails back merged', async () => {
    const events: EcsHookPayload[] = [];
    await start({
      services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [hook(['POST_TEST_TRAFFIC_SHIFT'])] as never } }],
      hookInvoker: async (name, event) => {
        expect(name).toBe('web-hook');
        events.push(event);
        const n = events.length;
        return n < 3 ? { hookStatus: 'IN_PROGRESS', callBackDelay: 1, hookDetails: { round: n } } : { hookStatus: 'SUCCEEDED' };
      },
    });
    const arn = await deploy();
    expect((await until(arn, ['SUCCESSFUL'])).status).toBe('SUCCESSFUL');
    expect(events.map((e) => e.hookDetails)).toEqual([{ service: 'web' }, { service: 'web', round: 1 }, { service: 'web', round: 2 }]);
    expect(new Set(events.map((e) => e.executionId)).size).toBe(1);
    expect(events[0]).toMatchObject({ lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', resourceArn: arn, executionDetails: { serviceArn: ecs!.service('web').arn, testTrafficWeights: {}, productionTrafficWeights: {} } });
  });

  test('a FAILED hook rolls back, and the rollback re-invokes the traffic-shift hooks with blue at 100%', async () => {
    const seen: { stage: string; production: Record<string, number>; test: Record<string, number> }[] = [];
    await start({
      services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [hook(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'])] as never } }],
      hookInvoker: async (_name, event) => {
        seen.push({ stage: event.lifecycleStage, production: event.executionDetails.productionTrafficWeights, test: event.executionDetails.testTrafficWeights });
        return { hookStatus: event.lifecycleStage === 'POST_PRODUCTION_TRAFFIC_SHIFT' ? 'FAILED' : 'SUCCEEDED' };
      },
    });
    const arn = await deploy();
    const done = await until(arn, ['ROLLBACK_SUCCESSFUL']);
    const green = done.targetServiceRevision.arn;
    const blue = done.sourceServiceRevisions[0].arn;
    expect(seen).toEqual([
      { stage: 'TEST_TRAFFIC_SHIFT', production: {}, test: { [green]: 100, [blue]: 0 } },
      { stage: 'PRODUCTION_TRAFFIC_SHIFT', production: { [green]: 100, [blue]: 0 }, test: {} },
      { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', production: {}, test: {} },
      { stage: 'TEST_TRAFFIC_SHIFT', production: {}, test: { [green]: 0, [blue]: 100 } },
      { stage: 'PRODUCTION_TRAFFIC_SHIFT', production: { [green]: 0, [blue]: 100 }, test: {} },
    ]);
    expect(done.rollback.reason).toMatch(/returned FAILED at POST_PRODUCTION_TRAFFIC_SHIFT/);
  });

  test('a hook that throws or answers without a valid hookStatus rolls back', async () => {
    let answer: () => unknown = () => ({ status: 'Succeeded' });
    await start({ services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [hook(['POST_SCALE_UP'])] as never } }], hookInvoker: async () => answer() });
    expect((await until(await deploy(), ['ROLLBACK_SUCCESSFUL'])).rollback.reason).toMatch(/web-hook returned no valid hookStatus at POST_SCALE_UP/);
    answer = () => {
      throw new Error('Task timed out after 3.00 seconds');
    };
    expect((await until(await deploy('web:3'), ['ROLLBACK_SUCCESSFUL'])).rollback.reason).toMatch(/web-hook failed \(Task timed out after 3.00 seconds\) at POST_SCALE_UP/);
    expect(ecs!.simulation.hookInvocations.map((h) => h.result)).toEqual(['invalid', 'error']);
  });
});

describe('ECS stand-in: requests', () => {
  test('unknown clusters and services, missing services in DescribeServices, bad parameters', async () => {
    await start();
    expect((await callError('DescribeServices', { cluster: 'nope', services: ['web'] })).type).toBe('ClusterNotFoundException');
    expect((await callError('UpdateService', { cluster: CLUSTER, service: 'nope', taskDefinition: 'web:2' })).type).toBe('ServiceNotFoundException');
    expect((await callError('UpdateService', { cluster: CLUSTER, service: 'web', taskDefinition: 'not a task definition' })).type).toBe('ClientException');
    expect((await callError('ListServiceDeployments', { cluster: CLUSTER, service: 'web', maxResults: 0 })).type).toBe('InvalidParameterException');
    expect((await callError('ListServiceDeployments', { cluster: CLUSTER, service: 'web', status: ['DONE'] })).message).toMatch(/status must be one of PENDING/);
    expect((await callError('DescribeServices', { cluster: CLUSTER, services: [] })).type).toBe('InvalidParameterException');
    expect((await callError('StopServiceDeployment', { serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/x/y/z' })).type).toBe('ServiceDeploymentNotFoundException');
    const both = await call('DescribeServices', { cluster: `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}`, services: ['web', 'gone'] });
    expect(both.services.map((s: any) => s.serviceName)).toEqual(['web']);
    expect(both.failures).toEqual([{ arn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/gone`, reason: 'MISSING' }]);
  });

  test('ListServiceDeployments lists newest first, filters by status and pages with nextToken', async () => {
    await start({ services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 } }] });
    for (const rev of [2, 3, 4]) {
      await deploy(`web:${rev}`);
      await ecs!.settle();
    }
    const first = await call('ListServiceDeployments', { cluster: CLUSTER, service: 'web', maxResults: 2 });
    const second = await call('ListServiceDeployments', { cluster: CLUSTER, service: 'web', maxResults: 2, nextToken: first.nextToken });
    const all = [...first.serviceDeployments, ...second.serviceDeployments];
    expect(second.nextToken).toBeUndefined();
    expect(all.map((d: any) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL']);
    expect(all.map((d: any) => d.createdAt)).toEqual([...all.map((d: any) => d.createdAt)].sort((a, b) => b - a));
    expect((await call('ListServiceDeployments', { cluster: CLUSTER, service: 'web', status: ['IN_PROGRESS'] })).serviceDeployments).toEqual([]);
  });

  test('request faults: throttling bursts and AccessDenied naming the ecs: action', async () => {
    await start();
    ecs!.faults.throttle('DescribeServices', 1);
    ecs!.faults.deny('UpdateService');
    expect((await callError('DescribeServices', { cluster: CLUSTER, services: ['web'] })).type).toBe('ThrottlingException');
    expect((await call('DescribeServices', { cluster: CLUSTER, services: ['web'] })).services).toHaveLength(1);
    expect((await callError('UpdateService', { cluster: CLUSTER, service: 'web', taskDefinition: 'web:2' })).message).toMatch(/not authorized to perform: ecs:UpdateService/);
    expect(ecs!.faults.injected).toEqual({ DescribeServices: 1, UpdateService: 1 });
  });
});
