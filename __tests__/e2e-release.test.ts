/**
 * End to end: the real release CLI (a child process, as `npm run release` runs it) against the
 * CodeDeploy stand-in over HTTP, with the real hook (its esbuild bundle, in a warm child process
 * with its own CodeDeploy client pointed at the stand-in) checking a real local green app.
 */
import { CodeDeployClient, ContinueDeploymentCommand, CreateDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHook } from '../hook-build/bundle';
import { appSpecSha256, renderAppSpecJson, renderAppSpecYaml } from '../lib/appspec';
import {
  CodeDeployStandIn,
  DeploymentGroupSpec,
  GreenApp,
  HookRuntime,
  startCodeDeployStandIn,
  startGreenApp,
  startHookRuntime,
} from '../test-support/codedeploy';
import {
  killRunningReleases,
  ReleaseExit,
  removeIsolatedAwsHomes,
  runRelease,
  StackOutputValues,
  startRelease,
  writeOutputsFile,
} from '../test-support/codedeploy/release-process';

jest.setTimeout(60_000);

const APP = 'bluegreen-dev';
const HOOK_FN = 'bluegreen-dev-hook';
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/bluegreen-dev-web:12';
const ALARM = 'bluegreen-dev-target-5xx';
const LIFECYCLE = ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];

/** One deployment group per test, so no test sees another's deployments. */
const GROUPS: Record<string, Omit<DeploymentGroupSpec, 'applicationName' | 'deploymentGroupName'>> = {
  // 15 minutes of canary (1.5 s): the CLI's progress must show the 10% step even when its polls are
  // late on a loaded machine.
  success: { deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes', terminationWaitTimeInMinutes: 5 },
  unhealthy: {},
  alarm: { deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes', alarms: [ALARM] },
  sigint: { deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes' },
  // Long enough (20 s) that the other pipeline's deployment is still active when a CLI started on a
  // loaded machine makes its first call (2 s was not, at load 20); the test stops it afterwards.
  'active-fail': { terminationWaitTimeInMinutes: 200 },
  'active-wait': { terminationWaitTimeInMinutes: 20 },
  'active-stop': { terminationWaitTimeInMinutes: 200 },
  throttled: {},
  slow: {},
  until: { terminationWaitTimeInMinutes: 30 },
  denied: {},
  s3: {},
  approval: { deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 600 } },
};

let dir: string;
let standIn: CodeDeployStandIn;
let green: GreenApp;
let hook: HookRuntime;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-release-'));
  // The bundle is what the stack uploads to Lambda, so that is what runs here.
  const bundle = bundleHook({ outDir: join(dir, 'hook') });
  standIn = await startCodeDeployStandIn({
    msPerMinute: 100,
    eventDurationInMs: 40,
    // Long enough for the CLI's first polls to meet a deployment that has not started yet.
    startDelayInMs: 300,
    groups: Object.entries(GROUPS).map(([name, spec]) => ({ applicationName: APP, deploymentGroupName: name, ...spec })),
  });
  green = await startGreenApp();
  hook = await startHookRuntime({
    modulePath: bundle.file,
    env: { AWS_ENDPOINT_URL_CODEDEPLOY: standIn.endpoint, HOOK_TEST_BASE_URL: green.url, HOOK_CHECK_BUDGET_IN_SECONDS: '2' },
    timeoutInMs: 10_000,
  });
  // CodeDeploy invokes the function the AppSpec names; any other name does not exist.
  standIn.model.setHookInvoker((fn, event) => (fn === HOOK_FN ? hook.invoker(fn, event) : Promise.reject(new Error(`Function not found: ${fn}`))));
});

afterEach(async () => {
  // A test that failed half-way may leave its CLI running (detached): end it, or it outlives jest.
  const leftRunning = await killRunningReleases();
  try {
    // Every deployment a test started must have ended, whatever the test asserted.
    await standIn.settle(20_000);
  } finally {
    standIn.faults.clear();
    green.setHealth('healthy');
  }
  // A test that passed must not have left its CLI running either.
  expect(leftRunning).toBe(0);
});

afterAll(async () => {
  await killRunningReleases();
  await hook?.close();
  await green?.close();
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
  removeIsolatedAwsHomes();
});

function outputsFor(group: string, extra: StackOutputValues = {}): string {
  return writeOutputsFile(dir, group, {
    ...extra,
    region: 'us-east-1',
    applicationName: APP,
    deploymentGroupName: group,
    taskDefinitionArn: TASK_DEF,
    containerName: 'web',
    containerPort: 8080,
    hookFunctionName: HOOK_FN,
    hookLifecycleEvents: 'AfterAllowTestTraffic,BeforeAllowTraffic',
  });
}

function releaseArgs(group: string, ...extra: string[]): string[] {
  return ['--outputs-file', outputsFor(group), '--stack', group, '--poll-min-interval-in-ms', '100', '--poll-max-interval-in-ms', '300', ...extra];
}

/** The stand-in is found through the SDK's own endpoint variable, as the docs tell users of stand-ins. */
const ENV = (): Record<string, string> => ({ AWS_ENDPOINT_URL_CODEDEPLOY: standIn.endpoint });

const userDeployments = (group: string) => standIn.deployments().filter((d) => d.deploymentGroupName === group && d.creator === 'user');
const rollbacks = (group: string) => standIn.deployments().filter((d) => d.deploymentGroupName === group && d.creator === 'codeDeployRollback');
/** Asserts the exit code, showing the CLI's output when it differs. */
function expectExit(r: ReleaseExit, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code} (signal ${r.signal}); stderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
}

/** Parses the plain progress lines into [keyword, rest]. */
function progress(r: ReleaseExit): string[] {
  return r.lines.map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, ''));
}

test('a release succeeds: every lifecycle event in the progress, traffic reaches 100% green, the JSON document matches the deployment', async () => {
  // As in GitHub Actions: the step summary and outputs files are written too.
  const summary = join(dir, 'step-summary.md');
  const outputs = join(dir, 'github-output.txt');
  const r = await runRelease(releaseArgs('success', '--json'), { ...ENV(), GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputs });
  expectExit(r, 0);
  const lines = progress(r);
  for (const event of LIFECYCLE) {
    expect(lines).toContain(`lifecycle ${event} Succeeded`);
  }
  expect(lines).toContain('traffic blue 90% green 10%');
  expect(lines).toContain('traffic blue 0% green 100%');
  expect(lines).toContain('termination-wait started 5 min');
  expect(lines[lines.length - 1]).toMatch(/^result Succeeded d-[A-Z0-9]{9} exit 0$/);

  const [deployment] = userDeployments('success');
  expect(deployment).toMatchObject({ status: 'Succeeded', greenWeight: 100, deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes' });
  expect(deployment!.trafficHistory.map((h) => h.greenWeight)).toEqual([10, 100]);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({ deploymentId: deployment!.deploymentId, status: 'Succeeded', exitCode: 0, applicationName: APP, deploymentGroupName: 'success' });
  expect(doc.lifecycleEvents.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual(LIFECYCLE.map((e) => [e, 'Succeeded']));
  expect(doc.consoleUrl).toContain(deployment!.deploymentId);
  expect(doc.error).toBeUndefined();
  expect(readFileSync(outputs, 'utf8')).toBe(`deployment_id=${deployment!.deploymentId}\nstatus=Succeeded\n`);
  expect(readFileSync(summary, 'utf8')).toContain(deployment!.deploymentId);
  // Its first polls met a deployment that had not started (targets not readable yet) and carried on.
  const notStarted = standIn.calls.filter((c) => c.input.deploymentId === deployment!.deploymentId && c.errorType === 'DeploymentNotStartedException');
  expect(notStarted.length).toBeGreaterThan(0);

  // The real hook ran at both events of the AppSpec, checked green and reported Succeeded.
  const invocations = standIn.model.hookInvocations.filter((h) => h.event.DeploymentId === deployment!.deploymentId);
  expect(invocations.map((h) => [h.lifecycleEvent, h.functionName, h.reported])).toEqual([
    ['AfterAllowTestTraffic', HOOK_FN, 'Succeeded'],
    ['BeforeAllowTraffic', HOOK_FN, 'Succeeded'],
  ]);
  expect(green.requests.length).toBeGreaterThanOrEqual(4);
});

test('green unhealthy: the hook reports Failed, the CLI prints the failed event and follows the rollback, exit 1', async () => {
  green.setHealth('unhealthy');
  const r = await runRelease(releaseArgs('unhealthy', '--json'), ENV());
  expectExit(r, 1);
  const [deployment] = userDeployments('unhealthy');
  const [rollback] = rollbacks('unhealthy');
  expect(deployment).toMatchObject({ status: 'Failed', errorCode: 'HOOK_EXECUTION_FAILURE', greenWeight: 0 });
  const puts = standIn.calls.filter((c) => c.operation === 'PutLifecycleEventHookExecutionStatus' && c.input.deploymentId === deployment!.deploymentId);
  expect(puts.map((c) => c.input.status)).toEqual(['Failed']);

  const lines = progress(r);
  expect(lines).toContain('lifecycle AfterAllowTestTraffic Failed');
  expect(lines.some((l) => l.startsWith('failed AfterAllowTestTraffic ScriptFailed:'))).toBe(true);
  expect(lines).toContain(`hook ${HOOK_FN} logs /aws/lambda/${HOOK_FN}`);
  expect(lines).toContain(`rollback ${rollback!.deploymentId} started`);
  expect(lines).toContain('rollback status Succeeded');
  expect(lines[lines.length - 1]).toBe(`result Failed ${deployment!.deploymentId} exit 1`);
  // The CLI only exits once the rollback it follows has ended.
  expect(rollback!.terminalAt!).toBeLessThanOrEqual(r.exitedAt);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({ status: 'Failed', exitCode: 1, rollbackDeploymentId: rollback!.deploymentId, rollbackStatus: 'Succeeded', error: { code: 'HOOK_EXECUTION_FAILURE' } });
  // The hook's own log says why.
  expect(hook.logs.some((l) => l.includes('"event":"hook.verdict"') && l.includes('"status":"Failed"') && l.includes('503'))).toBe(true);
});

test('an alarm during a canary shift stops the deployment, the CLI follows the rollback, exit 1', async () => {
  standIn.faults.alarmWhenGreenReaches(ALARM, 10);
  const r = await runRelease(releaseArgs('alarm'), ENV());
  expectExit(r, 1);
  const [deployment] = userDeployments('alarm');
  const [rollback] = rollbacks('alarm');
  expect(deployment).toMatchObject({ status: 'Stopped', errorCode: 'ALARM_ACTIVE' });
  expect(rollback).toMatchObject({ status: 'Succeeded', greenWeight: 0, blueWeight: 100 });
  const lines = progress(r);
  expect(lines.some((l) => l.startsWith('error ALARM_ACTIVE:') && l.includes(ALARM))).toBe(true);
  expect(lines).toContain(`rollback ${rollback!.deploymentId} started`);
  expect(lines).toContain('rollback traffic blue 100% green 0%');
  expect(lines[lines.length - 1]).toBe(`result Stopped ${deployment!.deploymentId} exit 1`);
});

test('SIGINT mid-shift: StopDeployment with rollback is sent, the rollback is followed, exit 130', async () => {
  const release = startRelease(releaseArgs('sigint'), ENV());
  // Any weight strictly between 0 and 100: mid-shift, whichever linear step the CLI saw first.
  await release.waitForLine(/traffic blue \d+% green [1-9]\d?%$/);
  release.signal('SIGINT');
  const r = await release.exited;
  expectExit(r, 130);
  const [deployment] = userDeployments('sigint');
  const stops = standIn.calls.filter((c) => c.operation === 'StopDeployment' && c.input.deploymentId === deployment!.deploymentId);
  expect(stops.map((c) => c.input)).toEqual([{ deploymentId: deployment!.deploymentId, autoRollbackEnabled: true }]);
  expect(deployment).toMatchObject({ status: 'Stopped', errorCode: 'MANUAL_STOP' });
  expect(deployment!.greenWeight).toBeGreaterThan(0);
  expect(deployment!.greenWeight).toBeLessThan(100);
  const [rollback] = rollbacks('sigint');
  expect(rollback).toMatchObject({ status: 'Succeeded', greenWeight: 0 });
  const lines = progress(r);
  expect(lines).toContain(`interrupted stopping ${deployment!.deploymentId} with rollback`);
  expect(lines).toContain('rollback status Succeeded');
  expect(rollback!.terminalAt!).toBeLessThanOrEqual(r.exitedAt);
});

describe('a second release while a deployment is active', () => {
  const client = (): CodeDeployClient =>
    new CodeDeployClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

  async function activeDeployment(group: string): Promise<string> {
    const content = renderAppSpecJson({ taskDefinitionArn: TASK_DEF, containerName: 'web', containerPort: 8080 });
    const out = await client().send(
      new CreateDeploymentCommand({
        applicationName: APP,
        deploymentGroupName: group,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: appSpecSha256(content) } },
        description: 'another pipeline',
      }),
    );
    return out.deploymentId!;
  }

  test('by default it refuses with exit 4, names the active deployment, and creates nothing', async () => {
    const active = await activeDeployment('active-fail');
    const r = await runRelease(releaseArgs('active-fail'), ENV());
    expectExit(r, 4);
    expect(r.stderr).toContain(active);
    expect(r.stderr).toContain('--wait-for-active');
    expect(userDeployments('active-fail').map((d) => d.deploymentId)).toEqual([active]);
    expect(standIn.calls.filter((c) => c.operation === 'CreateDeployment' && c.input.deploymentGroupName === 'active-fail')).toHaveLength(1);
    await client().send(new StopDeploymentCommand({ deploymentId: active, autoRollbackEnabled: false }));
  });

  test('--wait-for-active waits for it to end, then releases (exit 0)', async () => {
    const active = await activeDeployment('active-wait');
    const r = await runRelease(releaseArgs('active-wait', '--wait-for-active'), ENV());
    expectExit(r, 0);
    const [first, second] = userDeployments('active-wait');
    expect(first).toMatchObject({ deploymentId: active, status: 'Succeeded' });
    expect(second).toMatchObject({ status: 'Succeeded' });
    const create = standIn.calls.find((c) => c.operation === 'CreateDeployment' && c.input.deploymentGroupName === 'active-wait' && c.at > first!.history[0]!.at)!;
    expect(create.at).toBeGreaterThanOrEqual(first!.terminalAt!);
    expect(standIn.calls.some((c) => c.operation === 'StopDeployment' && c.input.deploymentId === active)).toBe(false);
  });

  test('--stop-active stops it with rollback, waits for the rollback, then releases (exit 0); the first release reports the stop (exit 1)', async () => {
    const first = startRelease(releaseArgs('active-stop'), ENV());
    await first.waitForLine(/termination-wait started/);
    const second = startRelease(releaseArgs('active-stop', '--stop-active'), ENV());
    // The group's termination wait is long so the first is surely still active; skip it for the second
    // once its traffic has moved, as an operator would with ContinueDeployment(TERMINATION_WAIT).
    const created = await second.waitForLine(/deployment d-[A-Z0-9]{9} created/);
    await second.waitForLine(/termination-wait started/);
    await client().send(new ContinueDeploymentCommand({ deploymentId: /d-[A-Z0-9]{9}/.exec(created)![0], deploymentWaitType: 'TERMINATION_WAIT' }));
    const r = await second.exited;
    const firstExit = await first.exited;
    expectExit(r, 0);
    expectExit(firstExit, 1);
    const [stopped, released] = userDeployments('active-stop');
    const [rollback] = rollbacks('active-stop');
    expect(stopped).toMatchObject({ status: 'Stopped', errorCode: 'MANUAL_STOP', rollbackDeploymentId: rollback!.deploymentId });
    expect(standIn.calls.filter((c) => c.operation === 'StopDeployment').map((c) => c.input)).toContainEqual({ deploymentId: stopped!.deploymentId, autoRollbackEnabled: true });
    expect(released).toMatchObject({ status: 'Succeeded' });
    // Not created before the rollback had ended.
    expect(released!.history[0]!.at).toBeGreaterThanOrEqual(rollback!.terminalAt!);
    expect(progress(firstExit)).toContain(`rollback ${rollback!.deploymentId} started`);
  });
});

test('throttling bursts on every polled operation: the release still completes (exit 0)', async () => {
  for (const op of ['ListDeployments', 'CreateDeployment', 'GetDeployment', 'ListDeploymentTargets', 'GetDeploymentTarget']) standIn.faults.throttle(op, 3);
  const r = await runRelease(releaseArgs('throttled'), ENV());
  expectExit(r, 0);
  expect(standIn.faults.injected).toMatchObject({ GetDeployment: 3, GetDeploymentTarget: 3, CreateDeployment: 3 });
  const [deployment] = userDeployments('throttled');
  expect(deployment!.status).toBe('Succeeded');
  // Exactly one deployment: a throttled CreateDeployment was not executed, so retrying it created no duplicate.
  expect(userDeployments('throttled')).toHaveLength(1);
  // Bursts longer than the SDK's own retries reached the CLI, which backed off and said so.
  expect(progress(r).some((l) => /^throttled \w+ ThrottlingException/.test(l))).toBe(true);
});

test('a slow API (every answer 250 ms late, hook calls included): the release still completes', async () => {
  standIn.faults.latency('*', 250);
  const r = await runRelease(releaseArgs('slow'), ENV());
  expectExit(r, 0);
  expect(userDeployments('slow')[0]!.status).toBe('Succeeded');
  const calls = standIn.calls.filter((c) => c.at >= r.startedAt && c.at <= r.exitedAt);
  expect(calls.some((c) => c.operation === 'PutLifecycleEventHookExecutionStatus')).toBe(true);
});

test('--until test-traffic exits 0 at that stage while the deployment keeps going, and it then finishes', async () => {
  const r = await runRelease(releaseArgs('until', '--until', 'test-traffic', '--json'), ENV());
  expectExit(r, 0);
  expect(progress(r)).toContain('until test-traffic reached');
  const [deployment] = userDeployments('until');
  // Still running when the CLI had exited.
  const statusAtExit = [...deployment!.history].reverse().find((h) => h.at <= r.exitedAt)!.status;
  expect(['InProgress', 'Ready']).toContain(statusAtExit);
  expect(JSON.parse(r.stdout)).toMatchObject({ deploymentId: deployment!.deploymentId, exitCode: 0, until: 'test-traffic' });
  await standIn.waitUntil(() => standIn.deployment(deployment!.deploymentId)!.status === 'Succeeded', 'the deployment to finish', 15_000);
});

test('AccessDenied on CreateDeployment: exit 5 with the missing permission named, nothing created', async () => {
  standIn.faults.deny('CreateDeployment');
  const r = await runRelease(releaseArgs('denied'), ENV());
  expectExit(r, 5);
  expect(r.stderr).toContain('codedeploy:CreateDeployment');
  expect(userDeployments('denied')).toHaveLength(0);
  expect(standIn.faults.injected.CreateDeployment).toBe(1);
});

test('--revision s3: the deployment uses the AppSpec object the stack maintains, and its hooks run', async () => {
  // What the stack uploads: the same AppSpec rendered as YAML, at a versioned key.
  const yaml = renderAppSpecYaml({ taskDefinitionArn: TASK_DEF, containerName: 'web', containerPort: 8080, hooks: { BeforeAllowTraffic: HOOK_FN } });
  standIn.model.putS3Object('bluegreen-dev-appspec', 'appspec.yaml', yaml, 'v7');
  const outputs = outputsFor('s3', { appSpecBucketName: 'bluegreen-dev-appspec', appSpecObjectKey: 'appspec.yaml', appSpecObjectVersionId: 'v7' });
  const r = await runRelease(['--outputs-file', outputs, '--revision', 's3', '--poll-min-interval-in-ms', '100', '--poll-max-interval-in-ms', '300'], ENV());
  expectExit(r, 0);
  const create = standIn.calls.find((c) => c.operation === 'CreateDeployment' && c.input.deploymentGroupName === 's3')!;
  expect(create.input.revision).toEqual({ revisionType: 'S3', s3Location: { bucket: 'bluegreen-dev-appspec', key: 'appspec.yaml', bundleType: 'YAML', version: 'v7' } });
  const [deployment] = userDeployments('s3');
  expect(standIn.model.hookInvocations.filter((h) => h.event.DeploymentId === deployment!.deploymentId).map((h) => [h.lifecycleEvent, h.reported])).toEqual([
    ['BeforeAllowTraffic', 'Succeeded'],
  ]);
});

test('a group that waits for approval: --continue sends ContinueDeployment when the deployment is Ready (exit 0)', async () => {
  const r = await runRelease(releaseArgs('approval', '--continue'), ENV());
  expectExit(r, 0);
  const [deployment] = userDeployments('approval');
  expect(deployment!.history.map((h) => h.status)).toEqual(['Created', 'InProgress', 'Ready', 'InProgress', 'Succeeded']);
  expect(standIn.calls.filter((c) => c.operation === 'ContinueDeployment' && c.input.deploymentId === deployment!.deploymentId).map((c) => c.input)).toEqual([
    { deploymentId: deployment!.deploymentId, deploymentWaitType: 'READY_WAIT' },
  ]);
  expect(progress(r)).toContain('status Ready');
});
