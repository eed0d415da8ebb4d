/**
 * Several services of one stack released by one command (`--service api,web`): the real CLI (a child
 * process) against the CodeDeploy stand-in over HTTP, one deployment group per service. The services
 * go out one after another, and a failure stops the sequence before the next service is touched.
 */
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CodeDeployStandIn, startCodeDeployStandIn } from '../test-support/codedeploy';
import { concurrentReleaseTest, killRunningReleases, OwnReleases, removeIsolatedAwsHomes } from '../test-support/codedeploy/release-process';

jest.setTimeout(60_000);

const APP = 'bluegreen-prod';
const SERVICES = ['api', 'web'] as const;
const FAST = ['--poll-min-interval-in-ms', '20', '--poll-max-interval-in-ms', '100'];
const at = () => ['--endpoint-url', standIn.endpoint, ...FAST];

let dir: string;
let standIn: CodeDeployStandIn;
let client: CodeDeployClient;
/** Hook functions that report Failed. */
const failing = new Set<string>();

function serviceOutputs(group: string, name: string) {
  return {
    aws_region: 'us-east-1',
    codedeploy_application_name: APP,
    codedeploy_deployment_group_name: group,
    ecs_task_definition_arn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${group}:4`,
    ecs_container_name: name,
    ecs_container_port: 8080,
    hook_function_name: `CodeDeployHook_${group}`,
    hook_lifecycle_events: 'AfterAllowTestTraffic',
  };
}

/** A cdktf outputs file of a two-service stack whose groups are `<prefix>-api` and `<prefix>-web`. */
function outputsFile(prefix: string): string {
  const file = join(dir, `${prefix}.json`);
  const services = Object.fromEntries(SERVICES.map((s) => [s, serviceOutputs(`${prefix}-${s}`, s)]));
  writeFileSync(file, JSON.stringify({ [APP]: { aws_region: 'us-east-1', codedeploy_application_name: APP, services } }));
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-services-'));
  standIn = await startCodeDeployStandIn({
    msPerMinute: 100,
    eventDurationInMs: 30,
    groups: ['ok', 'fail'].flatMap((prefix) => SERVICES.map((s) => ({ applicationName: APP, deploymentGroupName: `${prefix}-${s}`, serviceName: `${prefix}-${s}` }))),
  });
  client = new CodeDeployClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  // The hook answers at once: Failed for the functions in `failing`, else Succeeded.
  standIn.model.setHookInvoker((fn, event) =>
    client.send(new PutLifecycleEventHookExecutionStatusCommand({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: failing.has(fn) ? 'Failed' : 'Succeeded' })),
  );
});

afterAll(async () => {
  await killRunningReleases();
  client?.destroy();
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
  removeIsolatedAwsHomes();
});

/** CreateDeployment calls in the groups of one outputs file (`<prefix>-api`, `<prefix>-web`). */
const created = (prefix: string) => standIn.calls.filter((c) => c.operation === 'CreateDeployment' && String(c.input.deploymentGroupName).startsWith(`${prefix}-`));

/**
 * The tests run concurrently: each has an outputs file of its own, whose groups no other test uses.
 * Afterwards its releases must have ended and its groups' deployments too.
 */
const concurrent = (title: string, prefix: string, body: (t: OwnReleases) => Promise<void>): void =>
  concurrentReleaseTest(title, body, () => standIn.settle(20_000, (d) => d.deploymentGroupName.startsWith(`${prefix}-`)));

concurrent('releases the services one after another, in the order given, with one JSON document for all', 'ok', async (t) => {
  const r = await t.run(['--outputs-file', outputsFile('ok'), '--service', 'web,api', '--json', ...at()], { CI: 'true' });
  expect(r.code).toBe(0);
  // web first (the order given), and api only once web's deployment had ended.
  const [web, api] = created('ok');
  expect([web?.input.deploymentGroupName, api?.input.deploymentGroupName]).toEqual(['ok-web', 'ok-api']);
  const webDeployment = standIn.deployments().find((d) => d.deploymentGroupName === 'ok-web')!;
  expect(webDeployment.status).toBe('Succeeded');
  expect(api!.at).toBeGreaterThanOrEqual(webDeployment.terminalAt!);
  expect(r.lines.filter((l) => /^\S+ (service|result|summary) /.test(l)).map((l) => l.replace(/^\S+ /, '').replace(/d-\w+/g, 'd-X'))).toEqual([
    'service web (1 of 2)',
    'result Succeeded d-X exit 0',
    'service api (2 of 2)',
    'result Succeeded d-X exit 0',
    'summary web Succeeded d-X exit 0; api Succeeded d-X exit 0; exit 0',
  ]);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({ exitCode: 0, skipped: [], releases: [{ service: 'web', status: 'Succeeded', deploymentGroupName: 'ok-web' }, { service: 'api', status: 'Succeeded', deploymentGroupName: 'ok-api' }] });
});

concurrent('a service that fails stops the sequence: the next one is not released, and the exit code is the failure\'s', 'fail', async (t) => {
  // Only this test's api hook fails.
  failing.add('CodeDeployHook_fail-api');
  try {
    const r = await t.run(['--outputs-file', outputsFile('fail'), '--service', 'api,web', '--json', ...at()], { CI: 'true' });
    expect(r.code).toBe(1);
    expect(created('fail').map((c) => c.input.deploymentGroupName)).toEqual(['fail-api']);
    expect(r.lines).toContainEqual(expect.stringMatching(/Z skipped web: not released \(api ended with exit 1\)$/));
    expect(r.lines.at(-1)).toMatch(/Z summary api Failed d-\w+ exit 1; web skipped; exit 1$/);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 1, skipped: ['web'], releases: [{ service: 'api', status: 'Failed', exitCode: 1 }] });
  } finally {
    failing.clear();
  }
});

concurrent('a stack with several services and no --service is refused, naming them (exit 2, nothing created)', 'refused', async (t) => {
  const r = await t.run(['--outputs-file', outputsFile('refused'), ...at()]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`release: stack "${APP}" of ${join(dir, 'refused.json')} has 2 services (api, web); choose with --service`);
  // No call of any kind for its groups (the other tests' calls name theirs).
  expect(standIn.calls.filter((c) => JSON.stringify(c.input).includes('refused-'))).toEqual([]);
});
