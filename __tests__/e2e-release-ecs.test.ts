/**
 * End to end, ECS-native: the real release CLI (a child process, as `npm run release` runs it) against
 * the ECS stand-in over HTTP (AWS_ENDPOINT_URL_ECS), with the real hook (its esbuild bundle, in a warm
 * child process, on the ECS contract) checking a real local green app. The stack outputs say
 * `deployment_controller: ECS`; nothing else tells the CLI which controller to drive.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHookCached } from '../hook-build/bundle';
import { toHookEnvironment } from '../hook-lambda/config';
import { awsJsonCall } from '../test-support/aws-json-client';
import { GreenApp, HookRuntime, startGreenApp, startHookRuntime } from '../test-support/codedeploy';
import { killRunningReleases, ReleaseExit, removeIsolatedAwsHomes, runRelease, startRelease, writeOutputsFile } from '../test-support/codedeploy/release-process';
import { type DeploymentConfiguration, ECS_TARGET_PREFIX, EcsStandIn, startEcsStandIn } from '../test-support/ecs';

jest.setTimeout(60_000);

const CLUSTER = 'bluegreen-cluster';
const HOOK_FN = 'web-hook';
const HOOK = { hookTargetArn: `arn:aws:lambda:us-east-1:123456789012:function:${HOOK_FN}`, roleArn: 'arn:aws:iam::123456789012:role/ecs-hooks', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const] };
/** The same hook deployed for a service whose green answers 503 (its own runtime and green app). */
const SICK_HOOK_FN = 'sick-web-hook';
const SICK_HOOK = { ...HOOK, hookTargetArn: `arn:aws:lambda:us-east-1:123456789012:function:${SICK_HOOK_FN}` };
const ALARM = 'web-target-5xx';
const TASK_DEF = (service: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${service}:2`;

/** One service per test, so no test sees another's deployments. 1 ECS minute = 100 ms. */
const SERVICES: Record<string, DeploymentConfiguration> = {
  // 25% steps with 5 minutes (0.5 s) between them: every step is seen by a CLI polling every 0.1-0.3 s.
  success: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 2, lifecycleHooks: [HOOK] },
  unhealthy: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, lifecycleHooks: [SICK_HOOK] },
  alarm: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 3 }, bakeTimeInMinutes: 1, alarms: { alarmNames: [ALARM], enable: true, rollback: true } },
  sigint: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 1 },
  // After POST_TEST_TRAFFIC_SHIFT, 2 s (canary bake and bake time) for --until to exit while it runs on.
  canary: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 15, lifecycleHooks: [HOOK] },
  // A hook that holds the deployment another pipeline started (IN_PROGRESS until the test lets go).
  active: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:hold-hook', roleArn: HOOK.roleArn, lifecycleStages: ['PRE_SCALE_UP'] }] },
  denied: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 },
};

let dir: string;
let ecs: EcsStandIn;
let green: GreenApp;
let hook: HookRuntime;
/** Green of service unhealthy: 503 to everything, checked by a runtime of its own. */
let sickGreen: GreenApp;
let sickHook: HookRuntime;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-release-ecs-'));
  // The bundle is what the stack uploads to Lambda, so that is what runs here (from the content-hash
  // cache: esbuild runs only when a source changed).
  const bundle = bundleHookCached();
  [green, sickGreen] = await Promise.all([startGreenApp(), startGreenApp({ health: 'unhealthy' })]);
  const runtime = (greenUrl: string) =>
    startHookRuntime({
      modulePath: bundle.file,
      env: toHookEnvironment({ testBaseUrl: greenUrl, checks: [{ path: '/health', bodyContains: 'green ok' }], checkBudgetInSeconds: 2 }),
      timeoutInMs: 10_000,
    });
  // Two functions, so that the 503 test runs alongside the others, which need a healthy green.
  [hook, sickHook] = await Promise.all([runtime(green.url), runtime(sickGreen.url)]);
  ecs = await startEcsStandIn({
    msPerMinute: 100,
    stepInMs: 20,
    services: Object.entries(SERVICES).map(([serviceName, deploymentConfiguration]) => ({ serviceName, clusterName: CLUSTER, deploymentConfiguration })),
    // ECS invokes the function the lifecycle hook names; any other name does not exist.
    hookInvoker: async (name, event) => {
      // hold-hook keeps the first deployment of service active (the other pipeline's) IN_PROGRESS: known
      // by its place, since the hook may run before the test has UpdateService's answer.
      if (name === 'hold-hook') return { hookStatus: event.resourceArn === ecs.deployments('active')[0]?.serviceDeploymentArn ? 'IN_PROGRESS' : 'SUCCEEDED', callBackDelay: 6 };
      if (name === SICK_HOOK_FN) return sickHook.invoke(name, event);
      return name === HOOK_FN ? hook.invoke(name, event) : Promise.reject(new Error(`Function not found: ${name}`));
    },
  });
});

/** afterEach's check, for a concurrent test (jest runs no afterEach for those): its service's deployments all ended. */
async function expectSettled(service: string): Promise<void> {
  const state = ecs.simulation.services.find((s) => s.serviceName === service)!;
  const running = () => state.deployments.filter((d) => !ecs.simulation.isTerminal(d));
  await ecs.waitUntil(() => running().length === 0, `every ${service} deployment to end`, 20_000).catch(() => undefined);
  expect(running().map((d) => `${d.arn} (${d.status})`)).toEqual([]);
}

/**
 * A test of one service that touches nothing shared (such as a fault on an operation): these run
 * concurrently, before the others. Most of their time is the stand-in's minutes and the hook's budget.
 */
function concurrentTest(name: string, service: string, body: () => Promise<void>): void {
  test.concurrent(name, async () => {
    await body();
    await expectSettled(service);
  });
}

afterEach(async () => {
  // A test that failed half-way may leave its CLI running (detached): end it, or it outlives jest.
  const leftRunning = await killRunningReleases();
  try {
    // Every service deployment a test started must have ended, whatever the test asserted.
    await ecs.settle(20_000);
  } finally {
    ecs.faults.clear();
  }
  expect(leftRunning).toBe(0);
});

afterAll(async () => {
  await killRunningReleases();
  await ecs?.close();
  await hook?.close();
  await sickHook?.close();
  await green?.close();
  await sickGreen?.close();
  rmSync(dir, { recursive: true, force: true });
  removeIsolatedAwsHomes();
});

function releaseArgs(service: string, ...extra: string[]): string[] {
  const outputs = writeOutputsFile(dir, service, {
    deploymentController: 'ECS',
    region: 'us-east-1',
    clusterName: CLUSTER,
    serviceName: service,
    taskDefinitionArn: TASK_DEF(service),
    hookFunctionName: service === 'unhealthy' ? SICK_HOOK_FN : HOOK_FN,
    hookLogGroupName: `/aws/lambda/${service === 'unhealthy' ? SICK_HOOK_FN : HOOK_FN}`,
  });
  // The stand-in's minutes last 100 ms: the release times the steps and the bake time with them.
  return ['--outputs-file', outputs, '--stack', service, '--poll-min-interval-in-ms', '100', '--poll-max-interval-in-ms', '300', '--minute-in-ms', '100', ...extra];
}

/** The stand-in is found through the SDK's own endpoint variable, as the docs tell users of stand-ins. */
const ENV = (): Record<string, string> => ({ AWS_ENDPOINT_URL_ECS: ecs.endpoint });

function expectExit(r: ReleaseExit, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code} (signal ${r.signal}); stderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
}

/** The plain progress lines without their timestamps. */
const progress = (r: ReleaseExit): string[] => r.lines.map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, ''));
const only = (service: string) => {
  const all = ecs.deployments(service);
  expect(all).toHaveLength(1);
  return all[0]!;
};
const updates = (service: string) => ecs.calls.filter((c) => c.operation === 'UpdateService' && c.input.service === service);

concurrentTest('a linear release succeeds: UpdateService as documented, every traffic step and the bake time in the progress, the hook ran, --json and GitHub files match', 'success', async () => {
  const ghOutput = join(dir, 'gh-output.txt');
  const summary = join(dir, 'summary.md');
  const r = await runRelease(releaseArgs('success', '--json'), { ...ENV(), GITHUB_OUTPUT: ghOutput, GITHUB_STEP_SUMMARY: summary });
  expectExit(r, 0);
  const d = only('success');
  expect(d.status).toBe('SUCCESSFUL');
  expect(updates('success').map((c) => c.input)).toEqual([{ cluster: CLUSTER, service: 'success', taskDefinition: TASK_DEF('success'), forceNewDeployment: false }]);
  const lines = progress(r);
  expect(lines).toContain('release cluster bluegreen-cluster service success region us-east-1 controller ECS');
  // Its minutes last the stand-in's 100 ms, the margin stays in real minutes (hooks run on the real clock).
  expect(lines).toContain('timeout 37 min (LINEAR 25% every 5 min: traffic shifting 15 + bake time 2 + margin 20); with --minute-in-ms 100: 1201700 ms (the margin in real minutes)');
  const traffic = lines.filter((l) => l.startsWith('traffic '));
  // Linear steps observed, in order (the first line is blue at 100% before the shift).
  expect(traffic.slice(1)).toEqual(['traffic blue 75% green 25%', 'traffic blue 50% green 50%', 'traffic blue 25% green 75%', 'traffic blue 0% green 100%']);
  expect(lines).toContain('lifecycle POST_TEST_TRAFFIC_SHIFT Succeeded');
  expect(lines).toContain('bake-time started 2 min');
  expect(lines).toContain('status Succeeded (SUCCESSFUL)');
  expect(d.hooks.filter((h) => h.stage === 'POST_TEST_TRAFFIC_SHIFT').at(-1)?.result).toBe('SUCCEEDED');
  expect(green.requests.length).toBeGreaterThan(0);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({ controller: 'ECS', deploymentId: d.serviceDeploymentArn, status: 'Succeeded', exitCode: 0, applicationName: null, ecs: { clusterName: CLUSTER, serviceName: 'success', serviceDeploymentArn: d.serviceDeploymentArn, status: 'SUCCESSFUL' } });
  expect(doc.lifecycleEvents.map((e: { name: string }) => e.name)).toEqual(['PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP']);
  expect(readFileSync(ghOutput, 'utf8')).toBe(`deployment_id=${d.serviceDeploymentArn}\nstatus=Succeeded\n`);
  expect(readFileSync(summary, 'utf8')).toMatch(/Release Succeeded[\s\S]*\| Service \| success \|[\s\S]*\| PRODUCTION_TRAFFIC_SHIFT \| Succeeded \|/);
  // Cheap polling: no DescribeServices after the first one.
  expect(ecs.calls.filter((c) => c.operation === 'DescribeServices' && (c.input.services as string[])[0] === 'success')).toHaveLength(1);
});

concurrentTest('green answers 503: the real hook answers FAILED at POST_TEST_TRAFFIC_SHIFT, ECS rolls back, the CLI reports it and follows the rollback; exit 1', 'unhealthy', async () => {
  const r = await runRelease(releaseArgs('unhealthy'), ENV());
  expectExit(r, 1);
  const d = only('unhealthy');
  expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(d.hooks.at(-1)).toMatchObject({ stage: 'POST_TEST_TRAFFIC_SHIFT', result: 'FAILED' });
  const lines = progress(r);
  expect(lines).toContain(`error SERVICE_DEPLOYMENT_FAILED: Lifecycle hook ${SICK_HOOK.hookTargetArn} returned FAILED at POST_TEST_TRAFFIC_SHIFT.`);
  expect(lines).toContain(`hook ${SICK_HOOK_FN} logs /aws/lambda/${SICK_HOOK_FN}`);
  expect(sickGreen.requests.length).toBeGreaterThan(0);
  expect(lines).toContain(`rollback ${d.serviceDeploymentArn} started`);
  expect(lines).toContain('rollback status Succeeded (ROLLBACK_SUCCESSFUL)');
  expect(lines.at(-1)).toBe(`result Failed ${d.serviceDeploymentArn} exit 1`);
});

concurrentTest('an alarm at 40% green: ALARM_ACTIVE naming it, ECS rolls back, the CLI follows the rollback; exit 1', 'alarm', async () => {
  ecs.faults.alarmWhenGreenReaches(ALARM, 40);
  const r = await runRelease(releaseArgs('alarm', '--json'), ENV());
  expectExit(r, 1);
  const d = only('alarm');
  expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
  const lines = progress(r);
  expect(lines.find((l) => l.startsWith('error '))).toMatch(new RegExp(`^error ALARM_ACTIVE: .*${ALARM}`));
  expect(lines).toContain('rollback status Succeeded (ROLLBACK_SUCCESSFUL)');
  // The rollback moved production back to blue.
  expect(lines.filter((l) => l.startsWith('rollback traffic ')).at(-1)).toBe('rollback traffic blue 100% green 0%');
  expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Failed', rollbackDeploymentId: d.serviceDeploymentArn, rollbackStatus: 'Succeeded', error: { code: 'ALARM_ACTIVE' }, ecs: { triggeredAlarmNames: [ALARM] } });
});

concurrentTest('SIGINT mid-shift: StopServiceDeployment with stopType ROLLBACK, the rollback followed; exit 130', 'sigint', async () => {
  const release = startRelease(releaseArgs('sigint'), ENV());
  await release.waitForLine(/traffic blue 90% green 10%/);
  release.signal('SIGINT');
  const r = await release.exited;
  expectExit(r, 130);
  const d = only('sigint');
  expect(ecs.calls.filter((c) => c.operation === 'StopServiceDeployment').map((c) => c.input)).toContainEqual({ serviceDeploymentArn: d.serviceDeploymentArn, stopType: 'ROLLBACK' });
  expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
  const lines = progress(r);
  expect(lines).toContain(`interrupted stopping ${d.serviceDeploymentArn} with rollback`);
  expect(lines).toContain('rollback status Succeeded (ROLLBACK_SUCCESSFUL)');
  expect(lines.at(-1)).toBe(`result Stopped ${d.serviceDeploymentArn} exit 130`);
});

concurrentTest('--until test-traffic on a canary: exit 0 once ECS is past POST_TEST_TRAFFIC_SHIFT, the deployment runs on; --follow then follows it to SUCCESSFUL', 'canary', async () => {
  const first = await runRelease(releaseArgs('canary', '--until', 'test-traffic', '--json'), ENV());
  expectExit(first, 0);
  const arn = JSON.parse(first.stdout).deploymentId as string;
  expect(ecs.deployments('canary')[0]!.status).toBe('IN_PROGRESS');
  expect(progress(first)).toContain('until test-traffic reached');
  const rest = await runRelease(releaseArgs('canary', '--follow', arn), ENV());
  expectExit(rest, 0);
  expect(progress(rest)).toContain(`deployment ${arn} followed`);
  expect(progress(rest)).toContain('traffic blue 0% green 100%');
  expect(progress(rest)).toContain('status Succeeded (SUCCESSFUL)');
  expect(updates('canary')).toHaveLength(1);
  expect(only('canary').status).toBe('SUCCESSFUL');
});

concurrentTest('another service deployment running: exit 4 naming it, nothing started; --stop-active stops it with rollback, then releases', 'active', async () => {
  const running = await awsJsonCall(ecs.endpoint, ECS_TARGET_PREFIX, 'UpdateService', { cluster: CLUSTER, service: 'active', taskDefinition: 'active:5' });
  const arn = running.service.currentServiceDeployment as string;
  const refused = await runRelease(releaseArgs('active'), ENV());
  expectExit(refused, 4);
  expect(refused.stderr).toContain(arn);
  expect(refused.stderr).toContain('--wait-for-active');
  expect(updates('active')).toHaveLength(1);
  const r = await runRelease(releaseArgs('active', '--stop-active'), ENV());
  expectExit(r, 0);
  const [first, second] = ecs.deployments('active');
  expect(first).toMatchObject({ serviceDeploymentArn: arn, status: 'ROLLBACK_SUCCESSFUL' });
  expect(second).toMatchObject({ status: 'SUCCESSFUL', targetTaskDefinition: TASK_DEF('active') });
});

test('AccessDenied on UpdateService: exit 5 naming ecs:UpdateService, nothing started', async () => {
  ecs.faults.deny('UpdateService');
  const r = await runRelease(releaseArgs('denied'), ENV());
  expectExit(r, 5);
  expect(r.stderr).toMatch(/AWS denied ecs:UpdateService .*Grant the caller the IAM permission "ecs:UpdateService"/);
  expect(ecs.deployments('denied')).toHaveLength(0);
});
