/**
 * The release with the ECS controller, against a mocked ECS client (aws-sdk-client-mock) and a fake
 * clock: the requests it sends (exactly), one DescribeServiceDeployments per poll, the active-deployment
 * choices, failures followed through ECS's rollback, Ctrl-C, bad names, and that the actions it calls
 * are exactly the IAM actions docs/release.md lists for ECS-native services.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECS_RELEASE_IAM_ACTIONS } from '../release/ecs-calls';
import { ECS_SERVICE_DEPLOYMENT_STAGES } from '../release/ecs-stages';
import { type ReleaseDeps, type ReleaseResult, run } from '../release/run';
import { ecsReleaseInput, TEST_ECS_TASK_DEFINITION_ARN } from '../test-support/release-input';

const ecs = mockClient(ECSClient);
const T0 = Date.parse('2026-11-26T03:00:00Z');
const NEW = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/bluegreen-cluster/web/NEW';
const OLD = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/bluegreen-cluster/web/OLD';
const OTHER = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/bluegreen-cluster/web/OTHER';
const FORWARD = ECS_SERVICE_DEPLOYMENT_STAGES.filter((s) => s !== 'RECONCILE_SERVICE');
/** Every action any test of this file sent, for the IAM check at the end. */
const actionsSent = new Set<string>();

interface Harness {
  deps: ReleaseDeps;
  now(): number;
  stdout(): string;
  stderr(): string;
  files: Record<string, string>;
  signal(name?: string): void;
}

function harness(): Harness {
  let now = T0;
  let out = '';
  let err = '';
  const files: Record<string, string> = {};
  let listener: ((s: string) => void) | undefined;
  return {
    deps: {
      ecs: new ECSClient({ region: 'us-east-1' }),
      clock: () => now,
      sleep: async (ms) => void (now += ms),
      output: { stdout: { write: (t) => void (out += t) }, stderr: { write: (t) => void (err += t) } },
      signals: { subscribe: (l) => ((listener = l), () => (listener = undefined)) },
      random: () => 0.5,
      appendFile: (p, t) => void (files[p] = (files[p] ?? '') + t),
    },
    now: () => now,
    stdout: () => out,
    stderr: () => err,
    files,
    signal: (name = 'SIGINT') => listener?.(name),
  };
}

interface Scenario {
  /** ms per lifecycle stage */
  stepInMs?: number;
  /** index in FORWARD of the stage at which the deployment fails (ECS rolls back) */
  failAtStage?: number;
  failure?: Partial<ServiceDeployment>;
  /** the deployment never finishes */
  hang?: boolean;
  /** UpdateService's answer does not name the new service deployment */
  unnamed?: boolean;
  /** the service already runs this task definition */
  taskDefinition?: string;
  controller?: string;
  /** a service deployment already running when the release starts, and how long it still runs */
  active?: { readonly status: string; readonly forMs: number };
}

const CONFIG = { strategy: 'LINEAR' as const, bakeTimeInMinutes: 1, linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 }, lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:web-hook', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const] }] };

/** A scripted service deployment on the fake clock: one stage every `stepInMs` after UpdateService; ECS's rollback on failure or stop. */
function script(h: Harness, s: Scenario = {}): { stoppedAt: () => number } {
  const step = s.stepInMs ?? 2000;
  let updatedAt = -1;
  let stoppedAt = -1;
  let otherStoppedAt = -1;
  const service = (): Service => ({
    serviceName: 'web',
    deploymentController: { type: (s.controller ?? 'ECS') as never },
    taskDefinition: updatedAt >= 0 ? TEST_ECS_TASK_DEFINITION_ARN : (s.taskDefinition ?? 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7'),
    currentServiceDeployment: updatedAt >= 0 ? NEW : s.active ? OTHER : OLD,
    deploymentConfiguration: CONFIG,
  });
  const otherStatus = (): string => {
    if (!s.active) return 'SUCCESSFUL';
    if (otherStoppedAt >= 0) return h.now() - otherStoppedAt < step ? 'ROLLBACK_IN_PROGRESS' : 'ROLLBACK_SUCCESSFUL';
    return h.now() - T0 < s.active.forMs ? s.active.status : 'SUCCESSFUL';
  };
  const newDeployment = (): ServiceDeployment => {
    const k = Math.floor((h.now() - updatedAt) / step);
    const failedAt = stoppedAt >= 0 ? Math.floor((stoppedAt - updatedAt) / step) : s.failAtStage;
    const base = { serviceDeploymentArn: NEW, serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/bluegreen-cluster/web', createdAt: new Date(updatedAt), deploymentConfiguration: CONFIG };
    const weights = (green: number) => ({ targetServiceRevision: { arn: 'rev/2', requestedProductionTrafficWeight: green }, sourceServiceRevisions: [{ arn: 'rev/1', requestedProductionTrafficWeight: 100 - green }] });
    const shift = (i: number): number => (i < 6 ? 0 : i === 6 ? 50 : 100);
    if (failedAt !== undefined && k >= failedAt) {
      const since = k - failedAt;
      const status = since === 0 ? 'ROLLBACK_REQUESTED' : since < 3 ? 'ROLLBACK_IN_PROGRESS' : 'ROLLBACK_SUCCESSFUL';
      const stage = since === 0 ? FORWARD[failedAt] : ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'CLEAN_UP'][Math.min(2, since - 1)];
      const reason = stoppedAt >= 0 ? 'Service deployment rolled back because of a StopServiceDeployment request.' : 'Lifecycle hook web-hook returned FAILED at POST_TEST_TRAFFIC_SHIFT.';
      return { ...base, ...weights(since === 0 ? shift(failedAt) : 0), status: status as never, lifecycleStage: stage as never, statusReason: reason, rollback: { reason, serviceRevisionArn: 'rev/1' }, ...s.failure, ...(status === 'ROLLBACK_SUCCESSFUL' ? { finishedAt: new Date(h.now()) } : {}) };
    }
    if (k === 0) return { ...base, ...weights(0), status: 'PENDING' };
    const i = k - 1;
    if (!s.hang && i >= FORWARD.length) return { ...base, ...weights(100), status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', finishedAt: new Date(h.now()) };
    return { ...base, ...weights(shift(Math.min(i, FORWARD.length - 1))), status: 'IN_PROGRESS', lifecycleStage: FORWARD[Math.min(i, FORWARD.length - 1)] as never };
  };
  ecs.on(DescribeServicesCommand).callsFake(() => ({ services: [service()], failures: [] }));
  ecs.on(ListServiceDeploymentsCommand).callsFake((input) => {
    const list = [
      ...(updatedAt >= 0 ? [{ serviceDeploymentArn: NEW, status: newDeployment().status, createdAt: new Date(updatedAt) }] : []),
      ...(s.active ? [{ serviceDeploymentArn: OTHER, status: otherStatus(), createdAt: new Date(T0 - 60_000) }] : []),
      { serviceDeploymentArn: OLD, status: 'SUCCESSFUL', createdAt: new Date(T0 - 3_600_000) },
    ];
    return { serviceDeployments: list.filter((d) => !input.status || (input.status as string[]).includes(d.status as string)) };
  });
  ecs.on(UpdateServiceCommand).callsFake(() => {
    updatedAt = h.now();
    return { service: s.unnamed ? { ...service(), currentServiceDeployment: OLD } : service() };
  });
  ecs.on(StopServiceDeploymentCommand).callsFake((input) => {
    if (input.serviceDeploymentArn === OTHER) otherStoppedAt = h.now();
    else stoppedAt = h.now();
    return { serviceDeploymentArn: input.serviceDeploymentArn };
  });
  ecs.on(DescribeServiceDeploymentsCommand).callsFake((input) => {
    const arn = (input.serviceDeploymentArns as string[])[0];
    if (arn === OTHER) return { serviceDeployments: [{ serviceDeploymentArn: OTHER, status: otherStatus() }], failures: [] };
    if (arn !== NEW || updatedAt < 0) return { serviceDeployments: [], failures: [{ arn, reason: 'MISSING' }] };
    return { serviceDeployments: [newDeployment()], failures: [] };
  });
  return { stoppedAt: () => stoppedAt };
}

const calls = (command: new (...a: never[]) => unknown) => ecs.commandCalls(command as never).map((c) => c.args[0].input as Record<string, unknown>);

async function release(h: Harness, over: Parameters<typeof ecsReleaseInput>[0] = {}): Promise<ReleaseResult> {
  const result = await run(ecsReleaseInput(over), h.deps);
  for (const c of ecs.calls()) actionsSent.add(`ecs:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`);
  return result;
}

beforeEach(() => ecs.reset());

test('a release: UpdateService with exactly the service and task definition, then one DescribeServiceDeployments per poll to SUCCESSFUL', async () => {
  const h = harness();
  script(h);
  const result = await release(h, { githubOutputPath: 'out', githubStepSummaryPath: 'summary' });
  expect(result.exitCode).toBe(0);
  expect(calls(UpdateServiceCommand)).toEqual([{ cluster: 'bluegreen-cluster', service: 'web', taskDefinition: TEST_ECS_TASK_DEFINITION_ARN, forceNewDeployment: false }]);
  // Cheap polling: the stage, revisions and traffic all come from DescribeServiceDeployments.
  expect(calls(DescribeServicesCommand)).toEqual([{ cluster: 'bluegreen-cluster', services: ['web'] }]);
  expect(calls(DescribeServiceDeploymentsCommand).every((i) => JSON.stringify(i) === JSON.stringify({ serviceDeploymentArns: [NEW] }))).toBe(true);
  expect(calls(ListServiceDeploymentsCommand)).toEqual([{ cluster: 'bluegreen-cluster', service: 'web', status: ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'], maxResults: 10 }]);
  const err = h.stderr();
  expect(err).toMatch(/Z release cluster bluegreen-cluster service web region us-east-1 controller ECS\n/);
  expect(err).toMatch(/Z timeout 22 min \(LINEAR 50% every 1 min: traffic shifting 1 \+ bake time 1 \+ margin 20\)\n/);
  expect(err).toMatch(new RegExp(`Z deployment ${NEW} created\\n`));
  expect(err).toMatch(/Z traffic blue 50% green 50%\n[\s\S]*Z traffic blue 0% green 100%\n/);
  expect(err).toMatch(/Z bake-time started 1 min\n/);
  for (const stage of FORWARD) expect(err).toMatch(new RegExp(`Z lifecycle ${stage} Succeeded\\n`));
  expect(err).toMatch(new RegExp(`Z status Succeeded \\(SUCCESSFUL\\)\\n[\\s\\S]*Z result Succeeded ${NEW} exit 0\\n$`));
  expect(result.report).toMatchObject({ controller: 'ECS', deploymentId: NEW, status: 'Succeeded', applicationName: null, deploymentGroupName: null, ecs: { clusterName: 'bluegreen-cluster', serviceName: 'web', taskDefinitionArn: TEST_ECS_TASK_DEFINITION_ARN, serviceDeploymentArn: NEW, status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' } });
  expect(result.report.consoleUrl).toBe('https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/bluegreen-cluster/services/web/deployments?region=us-east-1');
  expect(h.files.out).toBe(`deployment_id=${NEW}\nstatus=Succeeded\n`);
  expect(h.files.summary).toMatch(/\| Cluster \| bluegreen-cluster \|\n\| Service \| web \|/);
  expect(h.files.summary).toMatch(/\| Lifecycle stage \| Status \| Started \| Ended \|\n[\s\S]*\| BAKE_TIME \| Succeeded \|/);
});

test('a hook fails: the release reports the failed stage, the hook\'s log group, follows ECS\'s rollback in the same service deployment; exit 1', async () => {
  const h = harness();
  script(h, { failAtStage: FORWARD.indexOf('POST_TEST_TRAFFIC_SHIFT') });
  const result = await release(h, { hookLogGroupName: '/aws/lambda/web-hook-custom' });
  expect(result.exitCode).toBe(1);
  const err = h.stderr();
  expect(err).toMatch(/Z status Failed \(ROLLBACK_REQUESTED\)\n/);
  expect(err).toMatch(/Z error SERVICE_DEPLOYMENT_FAILED: Lifecycle hook web-hook returned FAILED at POST_TEST_TRAFFIC_SHIFT\.\n/);
  expect(err).toMatch(/Z failed POST_TEST_TRAFFIC_SHIFT Failed\n/);
  expect(err).toMatch(/Z hook web-hook logs \/aws\/lambda\/web-hook-custom\n/);
  expect(err).toMatch(new RegExp(`Z rollback ${NEW} started\\n`));
  expect(err).toMatch(/Z rollback status Succeeded \(ROLLBACK_SUCCESSFUL\)\n/);
  expect(result.report).toMatchObject({ status: 'Failed', rollbackDeploymentId: NEW, rollbackStatus: 'Succeeded', error: { code: 'SERVICE_DEPLOYMENT_FAILED' }, ecs: { status: 'ROLLBACK_REQUESTED' } });
  expect(calls(StopServiceDeploymentCommand)).toEqual([]);
});

test('an alarm rolls it back: ALARM_ACTIVE names the alarm; no hook line (a hook did not fail)', async () => {
  const h = harness();
  script(h, { failAtStage: FORWARD.indexOf('PRODUCTION_TRAFFIC_SHIFT'), failure: { statusReason: 'Service deployment rolled back because the CloudWatch alarm(s) web-5xx went into ALARM.', alarms: { status: 'TRIGGERED', alarmNames: ['web-5xx'], triggeredAlarmNames: ['web-5xx'] } } });
  const result = await release(h);
  expect(result.exitCode).toBe(1);
  expect(h.stderr()).toMatch(/Z error ALARM_ACTIVE: Service deployment rolled back because the CloudWatch alarm\(s\) web-5xx went into ALARM\.\n/);
  expect(h.stderr()).not.toMatch(/Z hook /);
  expect(result.report.ecs).toMatchObject({ triggeredAlarmNames: ['web-5xx'] });
});

test('Ctrl-C: StopServiceDeployment with stopType ROLLBACK, the rollback followed; exit 130', async () => {
  const h = harness();
  const s = script(h, { stepInMs: 5000 });
  const sleep = h.deps.sleep;
  let signalled = false;
  const deps: ReleaseDeps = {
    ...h.deps,
    sleep: async (ms) => {
      await sleep(ms);
      if (!signalled && /lifecycle PRODUCTION_TRAFFIC_SHIFT InProgress/.test(h.stderr())) {
        signalled = true;
        h.signal();
      }
    },
  };
  const result = await run(ecsReleaseInput(), deps);
  for (const c of ecs.calls()) actionsSent.add(`ecs:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`);
  expect(result.exitCode).toBe(130);
  expect(calls(StopServiceDeploymentCommand)).toEqual([{ serviceDeploymentArn: NEW, stopType: 'ROLLBACK' }]);
  expect(s.stoppedAt()).toBeGreaterThan(0);
  expect(h.stderr()).toMatch(new RegExp(`Z interrupted stopping ${NEW} with rollback\\n[\\s\\S]*Z status Stopped \\(ROLLBACK_REQUESTED\\)\\n[\\s\\S]*Z rollback status Succeeded \\(ROLLBACK_SUCCESSFUL\\)\\n[\\s\\S]*Z result Stopped ${NEW} exit 130\\n$`));
  expect(result.report).toMatchObject({ status: 'Stopped', rollbackDeploymentId: NEW, rollbackStatus: 'Succeeded', ecs: { status: 'ROLLBACK_REQUESTED' } });
});

describe('another service deployment running on the service', () => {
  test('by default: exit 4 naming it and how to proceed; UpdateService is never sent', async () => {
    const h = harness();
    script(h, { active: { status: 'IN_PROGRESS', forMs: 60_000 } });
    const result = await release(h);
    expect(result.exitCode).toBe(4);
    expect(h.stderr()).toContain(`another service deployment, ${OTHER} (IN_PROGRESS), is running on service web in cluster bluegreen-cluster.`);
    expect(h.stderr()).toContain('--wait-for-active');
    expect(calls(UpdateServiceCommand)).toEqual([]);
  });

  test('--wait-for-active waits for it to end (never stopping it), reads the service again, then starts', async () => {
    const h = harness();
    script(h, { active: { status: 'IN_PROGRESS', forMs: 30_000 } });
    const result = await release(h, { activePolicy: 'wait' });
    expect(result.exitCode).toBe(0);
    expect(h.stderr()).toMatch(new RegExp(`Z active ${OTHER} IN_PROGRESS\\n[\\s\\S]*Z active ${OTHER} SUCCESSFUL\\n`));
    expect(calls(StopServiceDeploymentCommand)).toEqual([]);
    expect(calls(DescribeServicesCommand)).toHaveLength(2);
    expect(calls(UpdateServiceCommand)).toHaveLength(1);
  });

  test('--stop-active stops it with rollback, waits for its rollback, then starts', async () => {
    const h = harness();
    script(h, { active: { status: 'IN_PROGRESS', forMs: 600_000 } });
    const result = await release(h, { activePolicy: 'stop' });
    expect(result.exitCode).toBe(0);
    expect(calls(StopServiceDeploymentCommand)).toEqual([{ serviceDeploymentArn: OTHER, stopType: 'ROLLBACK' }]);
    expect(h.stderr()).toMatch(new RegExp(`Z active stopping ${OTHER} with rollback\\n[\\s\\S]*Z active ${OTHER} ROLLBACK_SUCCESSFUL\\n[\\s\\S]*Z deployment ${NEW} created\\n`));
  });

  test('--stop-active never stops a rollback: it waits for it', async () => {
    const h = harness();
    script(h, { active: { status: 'ROLLBACK_IN_PROGRESS', forMs: 20_000 } });
    const result = await release(h, { activePolicy: 'stop' });
    expect(result.exitCode).toBe(0);
    expect(calls(StopServiceDeploymentCommand)).toEqual([]);
  });
});

test('the service already runs the task definition and nothing is running: no deployment, status Unchanged, exit 0', async () => {
  const h = harness();
  script(h, { taskDefinition: 'web:8' });
  const result = await release(h, { json: true });
  expect(result.exitCode).toBe(0);
  expect(calls(UpdateServiceCommand)).toEqual([]);
  expect(h.stderr()).toMatch(/Z unchanged service web already runs web:8 and no service deployment is running: nothing to deploy\n/);
  expect(JSON.parse(h.stdout())).toMatchObject({ status: 'Unchanged', deploymentId: null, exitCode: 0, controller: 'ECS' });
});

test('UpdateService that does not name the new service deployment: it is found with ListServiceDeployments', async () => {
  const h = harness();
  script(h, { unnamed: true });
  const result = await release(h);
  expect(result.exitCode).toBe(0);
  expect(result.report.deploymentId).toBe(NEW);
  expect(calls(ListServiceDeploymentsCommand).length).toBeGreaterThanOrEqual(2);
});

describe('bad names and refusals', () => {
  test('a service deployed by CodeDeploy: exit 2 naming the controller to use; nothing started', async () => {
    const h = harness();
    script(h, { controller: 'CODE_DEPLOY' });
    const result = await release(h);
    expect(result.exitCode).toBe(2);
    expect(h.stderr()).toContain('service web in cluster bluegreen-cluster is deployed by the CODE_DEPLOY deployment controller, not ECS; release it with --controller CODE_DEPLOY');
    expect(calls(UpdateServiceCommand)).toEqual([]);
  });

  test('a service ECS does not know: exit 2 naming the service, the cluster and the flags', async () => {
    const h = harness();
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/bluegreen-cluster/web', reason: 'MISSING' }] });
    const result = await release(h);
    expect(result.exitCode).toBe(2);
    expect(h.stderr()).toContain('ECS has no service web in cluster bluegreen-cluster (DescribeServices: MISSING). Check --ecs-cluster/--ecs-service');
  });

  test('a cluster ECS does not know: exit 2 (ClusterNotFoundException)', async () => {
    const h = harness();
    ecs.on(DescribeServicesCommand).rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException', $metadata: { httpStatusCode: 400 } }));
    const result = await release(h);
    expect(result.exitCode).toBe(2);
    expect(h.stderr()).toMatch(/AWS rejected the input of DescribeServices: ClusterNotFoundException: Cluster not found\.\. Check --ecs-cluster\/--ecs-service\/--task-definition-arn/);
  });

  test('UpdateService refuses the task definition (ClientException): exit 2 naming it', async () => {
    const h = harness();
    script(h);
    ecs.on(UpdateServiceCommand).rejects(Object.assign(new Error('TaskDefinition not found.'), { name: 'ClientException', $metadata: { httpStatusCode: 400 } }));
    const result = await release(h);
    expect(result.exitCode).toBe(2);
    expect(h.stderr()).toContain(`ECS refused UpdateService of service web in cluster bluegreen-cluster to task definition ${TEST_ECS_TASK_DEFINITION_ARN}: ClientException: TaskDefinition not found.`);
  });

  test('access denied on UpdateService: exit 5 naming ecs:UpdateService', async () => {
    const h = harness();
    script(h);
    ecs.on(UpdateServiceCommand).rejects(Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/ci is not authorized to perform: ecs:UpdateService on resource: arn:aws:ecs:us-east-1:123456789012:service/bluegreen-cluster/web'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const result = await release(h);
    expect(result.exitCode).toBe(5);
    expect(h.stderr()).toMatch(/AWS denied ecs:UpdateService \(AccessDeniedException: .*\)\. Grant the caller the IAM permission "ecs:UpdateService"/);
  });

  test('throttled UpdateService is sent again after the back-off (it was not executed)', async () => {
    const h = harness();
    script(h);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const update = ecs.commandCalls(UpdateServiceCommand);
    expect(update).toHaveLength(0);
    ecs.on(UpdateServiceCommand).rejectsOnce(throttled).callsFake(() => ({ service: { currentServiceDeployment: NEW } }));
    const result = await release(h, { timeoutInMinutes: 1 });
    expect(calls(UpdateServiceCommand)).toHaveLength(2);
    expect(result.report.deploymentId).toBe(NEW);
  });
});

test('--follow <service deployment ARN>: no UpdateService, the deployment followed to its end', async () => {
  const h = harness();
  script(h);
  // Started earlier (e.g. by a run with --until test-traffic).
  await h.deps.ecs!.send(new UpdateServiceCommand({ cluster: 'bluegreen-cluster', service: 'web', taskDefinition: TEST_ECS_TASK_DEFINITION_ARN }));
  ecs.resetHistory();
  const result = await release(h, { followDeploymentId: NEW });
  expect(result.exitCode).toBe(0);
  expect(calls(UpdateServiceCommand)).toEqual([]);
  expect(h.stderr()).toMatch(new RegExp(`Z deployment ${NEW} followed\\n`));
});

test('--until test-traffic: exit 0 once ECS is past POST_TEST_TRAFFIC_SHIFT, the deployment left running', async () => {
  const h = harness();
  script(h);
  const result = await release(h, { until: 'test-traffic' });
  expect(result.exitCode).toBe(0);
  expect(result.report).toMatchObject({ until: 'test-traffic', status: 'InProgress', ecs: { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' } });
  expect(h.stderr()).toMatch(new RegExp(`Z follow ${NEW} keeps going; follow the rest with --follow ${NEW}\\n`));
});

test('a timeout leaves it running (exit 3); --stop-on-timeout stops it with rollback', async () => {
  const h = harness();
  script(h, { hang: true });
  expect((await release(h, { timeoutInMinutes: 1 })).exitCode).toBe(3);
  expect(calls(StopServiceDeploymentCommand)).toEqual([]);
  ecs.reset();
  const h2 = harness();
  script(h2, { hang: true });
  expect((await release(h2, { timeoutInMinutes: 1, stopOnTimeout: true })).exitCode).toBe(3);
  expect(calls(StopServiceDeploymentCommand)).toEqual([{ serviceDeploymentArn: NEW, stopType: 'ROLLBACK' }]);
});

test('--dry-run prints the UpdateService request and calls nothing; --json carries it', async () => {
  const h = harness();
  const result = await release(h, { dryRun: true, json: true });
  expect(result.exitCode).toBe(0);
  expect(ecs.calls()).toHaveLength(0);
  expect(JSON.parse(h.stdout())).toMatchObject({ status: 'DryRun', controller: 'ECS', request: { cluster: 'bluegreen-cluster', service: 'web', taskDefinition: TEST_ECS_TASK_DEFINITION_ARN, forceNewDeployment: false } });
  const plain = harness();
  await release(plain, { dryRun: true });
  expect(plain.stdout()).toMatch(/^UpdateService request \(region us-east-1\):\n\{\n  "cluster": "bluegreen-cluster",[\s\S]*Dry run: nothing was called\.\n$/);
});

test('the actions sent by every path above are exactly the IAM actions ECS_RELEASE_IAM_ACTIONS, --help and docs/release.md list for ECS', () => {
  const documented = ECS_RELEASE_IAM_ACTIONS.map((a) => a.action);
  expect([...actionsSent].sort()).toEqual([...documented].sort());
  const docs = readFileSync(join(__dirname, '..', 'docs', 'release.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## ECS-native services'), docs.indexOf('## IAM permissions of the caller'));
  const table = section.slice(section.indexOf('| Action | When |'));
  const listed = [...table.matchAll(/^\| `(ecs:[A-Za-z]+)` \|/gm)].map((m) => m[1]);
  expect(listed.sort()).toEqual([...documented].sort());
  expect(section).toMatch(/No `iam:PassRole`/);
});
