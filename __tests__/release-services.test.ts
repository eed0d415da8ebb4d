/**
 * A stack with several services: `--service` picks them from the `services` output (lib/outputs.ts),
 * read from both outputs formats; several are released one after another (release/sequence.ts).
 */
import { type CodeDeployReleaseInput, parseReleaseInput, type ParseIo, type ParseResult } from '../release/input';
import { autoReleaseEnvironment } from '../lib/release-env';
import { githubOutputLines, stepSummaryMarkdown } from '../release/report';
import { releaseNext, sequenceExitCode, summaryLine, type ServiceResult } from '../release/sequence';
import { codeDeployInput, stackOutputs } from '../test-support/release-input';

const PROD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition';
const service = (name: string, port: number) => ({
  codedeploy_deployment_group_name: `bluegreen-prod-${name}`,
  ecs_task_definition_arn: `${PROD}/bluegreen-prod-${name}:3`,
  ecs_container_name: name,
  ecs_container_port: port,
  hook_function_name: `CodeDeployHook_bluegreen-prod-${name}`,
  hook_lifecycle_events: 'AfterAllowTestTraffic',
  aws_region: 'eu-west-1',
  codedeploy_application_name: 'bluegreen-prod',
});
/** A two-service stack: shared outputs at the top level, each service's under `services`. */
const twoServices = { aws_region: 'eu-west-1', codedeploy_application_name: 'bluegreen-prod', services: { api: service('api', 8080), web: service('web', 3000) } };
const asTerraform = (outputs: Record<string, unknown>) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v, type: 'dynamic', sensitive: false }]));

function io(files: Record<string, unknown>): ParseIo {
  return {
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: ${p}`);
      return JSON.stringify(files[p]);
    },
    gitCommit: () => undefined,
  };
}
const cdktf = { 'o.json': { 'bluegreen-prod': twoServices } };
const terraform = { 'o.json': asTerraform(twoServices) };

function inputs(result: ParseResult): CodeDeployReleaseInput[] {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.releases.map((r) => codeDeployInput(r.input));
}
function errors(result: ParseResult): readonly string[] {
  if (result.kind !== 'error') throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

describe('--service', () => {
  test.each([['cdktf --outputs-file', cdktf], ['terraform output -json', terraform]])('reads one service\'s outputs from %s', (_format, files) => {
    const [web] = inputs(parseReleaseInput(['--outputs-file', 'o.json', '--service', 'web'], {}, io(files)));
    expect(web).toMatchObject({ service: 'web', region: 'eu-west-1', applicationName: 'bluegreen-prod', deploymentGroupName: 'bluegreen-prod-web', hookFunctionName: 'CodeDeployHook_bluegreen-prod-web' });
    expect(web!.revision).toMatchObject({ type: 'inline', appSpec: { taskDefinitionArn: `${PROD}/bluegreen-prod-web:3`, containerName: 'web', containerPort: 3000 } });
  });

  test('is required when the stack has several services, and the message lists them', () => {
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(cdktf)))).toEqual([
      'stack "bluegreen-prod" of o.json has 2 services (api, web); choose with --service or RELEASE_SERVICE (several, comma-separated, are released one after another)',
    ]);
  });

  test('an unknown name lists the valid ones, and where the name came from', () => {
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json'], { RELEASE_SERVICE: 'api,worker,__proto__' }, io(cdktf)))).toEqual([
      'services "worker", "__proto__" (from RELEASE_SERVICE (for --service)) are not in stack "bluegreen-prod" of o.json; it has: api, web',
    ]);
  });

  test('a missing value of a service names the service in every place it was looked for', () => {
    const files = { 'o.json': { s: { ...twoServices, services: { ...twoServices.services, web: { ...service('web', 3000), ecs_container_name: undefined } } } } };
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--service', 'web'], {}, io(files)))).toEqual([
      'missing container name: looked for --container-name, RELEASE_CONTAINER_NAME and output "ecs_container_name" in service "web" of stack "s" of o.json',
    ]);
  });

  test('a stack with one service needs no flag, whether or not it has a services output', () => {
    const one = { 'o.json': { s: { ...stackOutputs(), services: { web: service('web', 3000) } } } };
    expect(inputs(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(one))).map((i) => [i.service, i.deploymentGroupName])).toEqual([['web', 'bluegreen-prod-web']]);
    const legacy = { 'o.json': { s: stackOutputs() } };
    expect(inputs(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(legacy)))[0]).not.toHaveProperty('service');
  });

  test('a stack from before services existed cannot check a name, so a name is refused', () => {
    const legacy = { 'o.json': { s: stackOutputs() } };
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--service', 'web'], {}, io(legacy)))).toEqual([
      '--service names "web", but stack "s" of o.json has no "services" output: its outputs are one service\'s, at the top level; release it without --service',
    ]);
  });

  test('a services output that is not an object of services is named', () => {
    const bad = { 'o.json': { s: { ...stackOutputs(), services: ['api'] } } };
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(bad)))[0]).toBe('output "services" in stack "s" of o.json must be an object of service name to that service\'s outputs; received ["api"]');
  });

  test('several services, in the order given, each with its own outputs', () => {
    const both = inputs(parseReleaseInput(['--outputs-file', 'o.json', '--service', 'web', '--service', 'api'], {}, io(terraform)));
    expect(both.map((i) => [i.service, i.deploymentGroupName])).toEqual([['web', 'bluegreen-prod-web'], ['api', 'bluegreen-prod-api']]);
  });

  test('with several services, a flag that belongs to one service is refused; shared ones apply to all', () => {
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--service', 'api,web', '--container-port', '80', '--follow', 'd-ABC'], { RELEASE_DEPLOYMENT_GROUP: 'g' }, io(cdktf)))).toEqual([
      'RELEASE_DEPLOYMENT_GROUP (for --deployment-group) gives one value for 2 services (api, web); let each come from its service\'s outputs, or release one service at a time',
      '--container-port gives one value for 2 services (api, web); let each come from its service\'s outputs, or release one service at a time',
      '--follow gives one value for 2 services (api, web); let each come from its service\'s outputs, or release one service at a time',
    ]);
    const both = inputs(parseReleaseInput(['--outputs-file', 'o.json', '--service', 'api,web', '--deployment-config', 'CodeDeployDefault.ECSAllAtOnce', '--until', 'install'], {}, io(cdktf)));
    expect(both.map((i) => [i.deploymentConfigName, i.until])).toEqual([['CodeDeployDefault.ECSAllAtOnce', 'install'], ['CodeDeployDefault.ECSAllAtOnce', 'install']]);
  });

  test('the stack\'s auto-release names its service in RELEASE_SERVICE, and the release reads it back', () => {
    const env = autoReleaseEnvironment({
      stackName: 'bluegreen-prod',
      serviceName: 'web',
      region: 'eu-west-1',
      applicationName: 'bluegreen-prod',
      deploymentGroupName: 'bluegreen-prod-web',
      taskDefinitionArn: `${PROD}/bluegreen-prod-web:3`,
      containerName: 'web',
      containerPort: 3000,
      hookFunctionName: 'CodeDeployHook_bluegreen-prod-web',
      hookLogGroupName: '/aws/lambda/CodeDeployHook_bluegreen-prod-web',
      hookLifecycleEvents: ['AfterAllowTestTraffic'],
    });
    expect(env.RELEASE_SERVICE).toBe('web');
    expect(inputs(parseReleaseInput([], env, io({})))[0]).toMatchObject({ service: 'web', deploymentGroupName: 'bluegreen-prod-web', hookLogGroupName: '/aws/lambda/CodeDeployHook_bluegreen-prod-web' });
  });

  test('without an outputs file a name only labels the release; several cannot be told apart', () => {
    const env = { RELEASE_REGION: 'us-east-1', RELEASE_APPLICATION: 'a', RELEASE_DEPLOYMENT_GROUP: 'g', RELEASE_TASK_DEFINITION_ARN: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1', RELEASE_CONTAINER_NAME: 'web', RELEASE_CONTAINER_PORT: '80' };
    expect(inputs(parseReleaseInput(['--service', 'api'], env, io({})))[0]).toMatchObject({ service: 'api', deploymentGroupName: 'g' });
    expect(errors(parseReleaseInput(['--service', 'api,web'], env, io({})))[0]).toBe('--service names 2 services; releasing several needs the outputs file (--outputs-file) that holds each one\'s values');
  });
});

describe('releasing several services one after another', () => {
  const result = (service: string, exitCode: number, status: string | null, deploymentId: string | null): ServiceResult => ({
    exitCode,
    outcome: { kind: exitCode === 0 ? 'succeeded' : 'failed', status: status ?? '' } as ServiceResult['outcome'],
    report: { service, deploymentId, status, exitCode, applicationName: 'a', deploymentGroupName: service, startedAt: '', endedAt: '', durationInSeconds: 0, lifecycleEvents: [] },
  });

  test('the next service goes out only after a success and without a signal', () => {
    expect([releaseNext(0, false), releaseNext(1, false), releaseNext(3, false), releaseNext(0, true)]).toEqual([true, false, false, false]);
  });

  test('the exit code is the one that stopped the sequence; a signal between two releases is 130', () => {
    expect(sequenceExitCode([result('api', 0, 'Succeeded', 'd-1'), result('web', 1, 'Failed', 'd-2')], false)).toBe(1);
    expect(sequenceExitCode([result('api', 0, 'Succeeded', 'd-1')], true)).toBe(130);
    expect(sequenceExitCode([result('api', 0, 'Succeeded', 'd-1'), result('web', 0, 'Succeeded', 'd-2')], false)).toBe(0);
  });

  test('the summary names each service\'s status, deployment and exit code, and the skipped ones', () => {
    expect(summaryLine({ exitCode: 1, results: [result('api', 1, 'Failed', 'd-1')], skipped: ['web'] })).toBe('api Failed d-1 exit 1; web skipped; exit 1');
  });
});

describe('the report of one service', () => {
  const report = { service: 'web', deploymentId: 'd-2', status: 'Succeeded', exitCode: 0, applicationName: 'a', deploymentGroupName: 'g', startedAt: '', endedAt: '', durationInSeconds: 1, lifecycleEvents: [] };
  test('GITHUB_OUTPUT also names the service, so several releases of one job keep each one\'s id', () => {
    expect(githubOutputLines(report)).toBe('deployment_id=d-2\nstatus=Succeeded\ndeployment_id_web=d-2\nstatus_web=Succeeded\n');
  });
  test('the step summary names the service', () => {
    expect(stepSummaryMarkdown(report).split('\n')[0]).toBe('### ✅ Release of web Succeeded — `d-2`');
  });
});
