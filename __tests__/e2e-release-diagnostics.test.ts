/**
 * End to end: a failed release explains itself. The real release CLI (a child process) against the
 * CodeDeploy stand-in, with the real hook bundle checking a local green app and its output shipped to
 * the CloudWatch Logs stand-in as Lambda ships it, the ECS stand-in holding the service's events and
 * tasks, and the ELBv2 stand-in holding green's target health. Every diagnostic client is found through
 * the SDK's own endpoint variables.
 *
 * The ECS stand-in emulates ECS-native deployments, not CodeDeploy's task sets: where a test needs green
 * tasks, it plays ECS's part and starts them in the ECS stand-in with the green task set's id as
 * `startedBy` (what ECS sets on a task set's tasks), once CodeDeploy's stand-in has made the task set.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHookCached } from '../hook-build/bundle';
import { CodeDeployStandIn, DeploymentGroupSpec, GreenApp, HookRuntime, startCodeDeployStandIn, startGreenApp, startHookRuntime } from '../test-support/codedeploy';
import { concurrentReleaseTest, killRunningReleases, OwnReleases, ReleaseExit, removeIsolatedAwsHomes, runRelease, writeOutputsFile } from '../test-support/codedeploy/release-process';
import { EcsStandIn, startEcsStandIn } from '../test-support/ecs';
import { Elbv2StandIn, startElbv2StandIn } from '../test-support/elbv2';
import { LogsStandIn, shipLines, startLogsStandIn } from '../test-support/logs';

jest.setTimeout(60_000);

const APP = 'bluegreen-dev';
const HOOK_FN = 'bluegreen-dev-hook';
const LOG_GROUP = `/aws/lambda/${HOOK_FN}`;
const ALARM = 'bluegreen-dev-target-5xx';

const GROUPS: Record<string, Omit<DeploymentGroupSpec, 'applicationName' | 'deploymentGroupName'>> = {
  'hook-failed': { serviceName: 'hook-failed-svc' },
  'targets-unhealthy': { serviceName: 'targets-svc', deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes', alarms: [ALARM] },
  denied: { serviceName: 'denied-svc' },
  'tasks-stopped': { serviceName: 'tasks-svc' },
};
const CLUSTER = 'bluegreen-cluster';

let dir: string;
let standIn: CodeDeployStandIn;
let green: GreenApp;
let hook: HookRuntime;
let logs: LogsStandIn;
let elbv2: Elbv2StandIn;
let ecs: EcsStandIn;
let stopShipping: () => void;
/** Runs when CodeDeploy invokes the hook (green's task set exists by then), before the hook itself. */
let onHookInvoked: ((event: { DeploymentId: string }) => void) | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-diagnostics-'));
  // What the stack uploads (content-addressed cache: read-only for the tests, shared safely).
  const bundle = bundleHookCached();
  standIn = await startCodeDeployStandIn({
    msPerMinute: 100,
    eventDurationInMs: 40,
    groups: Object.entries(GROUPS).map(([name, spec]) => ({ applicationName: APP, deploymentGroupName: name, ...spec })),
  });
  green = await startGreenApp();
  hook = await startHookRuntime({
    modulePath: bundle.file,
    env: { AWS_ENDPOINT_URL_CODEDEPLOY: standIn.endpoint, HOOK_TEST_BASE_URL: green.url, HOOK_CHECK_BUDGET_IN_SECONDS: '2' },
    timeoutInMs: 10_000,
  });
  standIn.model.setHookInvoker((fn, event) => {
    if (fn !== HOOK_FN) return Promise.reject(new Error(`Function not found: ${fn}`));
    onHookInvoked?.(event);
    return hook.invoker(fn, event);
  });
  // Searchable half a second after the hook wrote it: the release must look again for a late verdict.
  logs = await startLogsStandIn({ ingestionDelayInMs: 500 });
  stopShipping = shipLines(hook.logs, logs, LOG_GROUP, '2026/11/26/[$LATEST]0123456789abcdef');
  ecs = await startEcsStandIn({ services: Object.values(GROUPS).map((g) => ({ serviceName: g.serviceName!, clusterName: CLUSTER })) });
  elbv2 = await startElbv2StandIn({
    targetGroups: Object.values(GROUPS).flatMap((g) => [
      { name: `${g.serviceName}-blue`, port: 8080, targets: [{ id: '10.0.1.10', state: 'healthy' }] },
      { name: `${g.serviceName}-green`, port: 8080, targets: [{ id: '10.0.1.23', state: 'healthy' }, { id: '10.0.2.7', state: 'healthy' }] },
    ]),
  });
});

afterEach(async () => {
  const leftRunning = await killRunningReleases();
  try {
    await standIn.settle(20_000);
  } finally {
    standIn.faults.clear();
    logs.faults.clear();
    elbv2.faults.clear();
    ecs.faults.clear();
    onHookInvoked = undefined;
    green.setHealth('healthy');
  }
  expect(leftRunning).toBe(0);
});

afterAll(async () => {
  await killRunningReleases();
  stopShipping?.();
  await hook?.close();
  await green?.close();
  await standIn?.close();
  await logs?.close();
  await elbv2?.close();
  await ecs?.close();
  rmSync(dir, { recursive: true, force: true });
  removeIsolatedAwsHomes();
});

function releaseArgs(group: string, ...extra: string[]): string[] {
  const outputs = writeOutputsFile(dir, group, {
    region: 'us-east-1',
    applicationName: APP,
    deploymentGroupName: group,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/bluegreen-dev-web:12',
    containerName: 'web',
    containerPort: 8080,
    hookFunctionName: HOOK_FN,
    hookLifecycleEvents: 'AfterAllowTestTraffic',
  });
  return ['--outputs-file', outputs, '--stack', group, '--poll-min-interval-in-ms', '100', '--poll-max-interval-in-ms', '300', ...extra];
}

const ENV = (): Record<string, string> => ({
  AWS_ENDPOINT_URL_CODEDEPLOY: standIn.endpoint,
  AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint,
  AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elbv2.endpoint,
  AWS_ENDPOINT_URL_ECS: ecs.endpoint,
});

/** Green's task set id, read from CodeDeploy's stand-in as the release reads it (GetDeploymentTarget). */
function greenTaskSetId(deploymentId: string, serviceName: string): string {
  const { deploymentTarget } = standIn.model.getDeploymentTarget({ deploymentId, targetId: `${CLUSTER}:${serviceName}` }) as { deploymentTarget: { ecsTarget: { taskSetsInfo: { identifer: string; taskSetLabel: string }[] } } };
  return deploymentTarget.ecsTarget.taskSetsInfo.find((t) => t.taskSetLabel === 'Green')!.identifer;
}

/** Plays ECS running green's task set: `count` tasks started by it, each stopped with `failure`. */
function stopGreenTasks(serviceName: string, taskSetId: string, count: number, failure: { stopCode: 'EssentialContainerExited' | 'TaskFailedToStart'; stoppedReason: string; exitCode?: number }): void {
  const service = ecs.service(serviceName);
  ecs.simulation.launchRunning(service, service.current, count, taskSetId);
  const now = Date.now();
  for (const t of service.tasks.filter((x) => x.startedBy === taskSetId)) {
    Object.assign(t, { desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppingAt: now, stoppedAt: now, stopCode: failure.stopCode, stoppedReason: failure.stoppedReason });
    for (const c of t.containers) Object.assign(c, { lastStatus: 'STOPPED', ...(failure.exitCode !== undefined ? { exitCode: failure.exitCode } : {}) });
    ecs.simulation.addEvent(service, `(task ${t.arn.split('/').pop()}) failed container health checks.`);
  }
}

function expectExit(r: ReleaseExit, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code} (signal ${r.signal}); stderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
}

const progress = (r: ReleaseExit): string[] => r.lines.map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, ''));
const diagnosis = (r: ReleaseExit): string[] => progress(r).filter((l) => l.startsWith('diagnosis '));
const userDeployment = (group: string) => standIn.deployments().find((d) => d.deploymentGroupName === group && d.creator === 'user')!;

// The two tests that need green unhealthy and change nothing else shared run concurrently; the others
// (green healthy, or fault rules on the diagnostic stand-ins) each on their own.
const concurrent = (title: string, group: string, body: (t: OwnReleases) => Promise<void>): void =>
  concurrentReleaseTest(title, body, () => standIn.settle(20_000, (d) => d.deploymentGroupName === group));

test('targets unhealthy: an alarm stops the shift; the reason code of green\'s targets is shown', async () => {
  // The hook passes: green is healthy, only its targets are not.
  green.setHealth('healthy');
  elbv2.model.setTargets('targets-svc-green', [
    { id: '10.0.1.23', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [502]' },
    { id: '10.0.2.7', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [502]' },
  ]);
  standIn.faults.alarmWhenGreenReaches(ALARM, 10);
  const r = await runRelease(releaseArgs('targets-unhealthy', '--json'), ENV());
  expectExit(r, 1);
  expect(diagnosis(r)).toContain('diagnosis targets targets-svc-green: 2 of 2 unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [502] (e.g. 10.0.1.23:8080)');
  const doc = JSON.parse(r.stdout);
  expect(doc.diagnostics).toMatchObject({ trigger: 'stopped', targets: { status: 'gathered', targetGroupName: 'targets-svc-green', targets: [{ reason: 'Target.ResponseCodeMismatch' }, { reason: 'Target.ResponseCodeMismatch' }] } });
  // The hook passed: its verdict is no explanation, and no verdict was waited for.
  expect(doc.diagnostics.hook.verdicts.every((v: { status: string }) => v.status === 'Succeeded')).toBe(true);
  expect(diagnosis(r).some((l) => l.startsWith('diagnosis hook'))).toBe(false);
  const health = elbv2.calls.filter((c) => c.operation === 'DescribeTargetHealth');
  expect(health.at(-1)!.input.TargetGroupArn).toMatch(/targetgroup\/targets-svc-green\//);
});

concurrent('hook failed: the verdict line from the hook\'s log group, searched again until ingested; JSON and step summary carry it', 'hook-failed', async (t) => {
  green.setHealth('unhealthy');
  const summary = join(dir, 'summary.md');
  const r = await t.run(releaseArgs('hook-failed', '--json'), { ...ENV(), GITHUB_STEP_SUMMARY: summary });
  expectExit(r, 1);
  const id = userDeployment('hook-failed').deploymentId;
  const lines = progress(r);
  const verdict = lines.find((l) => l.startsWith('diagnosis hook Failed: '));
  expect(verdict).toMatch(/^diagnosis hook Failed: .*503/);
  // Shown after the failure, before the rollback is followed, and the result stays last.
  expect(lines.indexOf(verdict!)).toBeGreaterThan(lines.findIndex((l) => l.startsWith('failed AfterAllowTestTraffic')));
  expect(lines.indexOf(verdict!)).toBeLessThan(lines.findIndex((l) => /^rollback d-\w+ started$/.test(l)));
  expect(lines.at(-1)).toBe(`result Failed ${id} exit 1`);
  const searches = logs.calls.filter((c) => c.operation === 'FilterLogEvents' && String(c.input.filterPattern).includes(id));
  expect(searches.length).toBeGreaterThanOrEqual(1);
  expect(searches[0]!.input).toMatchObject({ logGroupName: LOG_GROUP });

  const doc = JSON.parse(r.stdout);
  expect(doc.diagnostics).toMatchObject({ deploymentId: id, trigger: 'failed', hook: { status: 'gathered', logGroupName: LOG_GROUP } });
  expect(doc.diagnostics.hook.verdicts).toEqual([expect.objectContaining({ status: 'Failed', reason: expect.stringContaining('503'), lifecycleEventHookExecutionId: expect.any(String) })]);
  // All healthy in the stand-in: gathered, nothing on the terminal about targets.
  expect(doc.diagnostics.targets).toMatchObject({ status: 'gathered', targetGroupName: 'hook-failed-svc-green' });
  expect(lines.some((l) => l.startsWith('diagnosis targets'))).toBe(false);
  expect(doc.diagnostics.durationInMs).toBeLessThan(10_000);
  // The service's events before the deployment are not part of it.
  expect(doc.diagnostics.ecs).toMatchObject({ status: 'gathered', clusterName: CLUSTER, serviceName: 'hook-failed-svc', events: [], stoppedTasks: [] });
  const md = readFileSync(summary, 'utf8');
  expect(md).toContain('#### Diagnostics (failed');
  expect(md).toMatch(/\| Failed \| .*503/);
});

test('permission denied on the diagnostic calls: one line each naming the permission, and the release\'s normal exit code', async () => {
  green.setHealth('unhealthy');
  logs.faults.deny('FilterLogEvents');
  elbv2.faults.deny('DescribeTargetGroups');
  ecs.faults.deny('DescribeServices');
  ecs.faults.deny('ListTasks');
  const r = await runRelease(releaseArgs('denied', '--json'), ENV());
  expectExit(r, 1);
  const lines = diagnosis(r);
  expect(lines).toContain('diagnosis skipped hook log: logs:FilterLogEvents denied (AccessDeniedException); grant "logs:FilterLogEvents" to see this');
  expect(lines).toContain('diagnosis skipped targets: elasticloadbalancing:DescribeTargetGroups denied (AccessDenied); grant "elasticloadbalancing:DescribeTargetGroups" to see this');
  expect(lines).toContain('diagnosis skipped ecs: ecs:DescribeServices denied (AccessDeniedException); grant "ecs:DescribeServices" to see this; ecs:ListTasks denied (AccessDeniedException); grant "ecs:ListTasks" to see this');
  // Denied is not retried.
  expect(logs.faults.injected.FilterLogEvents).toBe(1);
  expect(ecs.faults.injected).toEqual({ DescribeServices: 1, ListTasks: 1 });
  expect(elbv2.faults.injected.DescribeTargetGroups).toBe(1);
  const id = userDeployment('denied').deploymentId;
  expect(progress(r).at(-1)).toBe(`result Failed ${id} exit 1`);
  expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 1, status: 'Failed', diagnostics: { hook: { status: 'skipped' }, ecs: { status: 'skipped' }, targets: { status: 'skipped' } } });
});

concurrent('tasks stopped: the stopped reason and the container exit code of green\'s tasks, and the service events since the deployment', 'tasks-stopped', async (t) => {
  green.setHealth('unhealthy');
  let taskSetId = '';
  onHookInvoked = (event) => {
    // Only this test's deployment (another test's hook may run meanwhile).
    if (standIn.deployment(event.DeploymentId)?.deploymentGroupName !== 'tasks-stopped') return;
    taskSetId = greenTaskSetId(event.DeploymentId, 'tasks-svc');
    stopGreenTasks('tasks-svc', taskSetId, 2, { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', exitCode: 137 });
  };
  const r = await t.run(releaseArgs('tasks-stopped', '--json'), ENV());
  expectExit(r, 1);
  expect(taskSetId).toMatch(/^ecs-svc\/\d+$/);
  const lines = diagnosis(r);
  expect(lines).toContainEqual(expect.stringMatching(/^diagnosis task \w+ stopped: Essential container in task exited \(EssentialContainerExited\); app exit 137 \(and 1 more like it\)$/));
  expect(lines.filter((l) => /^diagnosis ecs-event \d\d:\d\d:\d\d \(service tasks-svc\) \(task \w+\) failed container health checks\.$/.test(l))).toHaveLength(2);
  // (The hook-failed test's release lists its own tasks meanwhile.)
  const listTasks = ecs.calls.filter((c) => c.operation === 'ListTasks');
  expect(listTasks.map((c) => c.input)).toContainEqual({ cluster: CLUSTER, startedBy: taskSetId, desiredStatus: 'STOPPED', maxResults: 100 });
  const doc = JSON.parse(r.stdout);
  expect(doc.diagnostics.ecs).toMatchObject({ status: 'gathered', greenTaskSetId: taskSetId });
  expect(doc.diagnostics.ecs.stoppedTasks).toHaveLength(2);
  expect(doc.diagnostics.ecs.stoppedTasks[0]).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', exitCode: 137 }] });
  expect(doc.diagnostics.ecs.events).toHaveLength(2);
});
