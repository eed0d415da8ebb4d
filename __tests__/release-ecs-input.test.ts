/**
 * The release's input for an ECS-native service: the controller from the stack's
 * `deployment_controller` output or `--controller`, what an ECS release needs and checks, the flags of
 * the other controller; and the timeout and schedule read from the service's deployment configuration.
 */
import { computeEcsTimeout, ecsShiftSchedule, linearBakes } from '../release/ecs-schedule';
import { type ParseIo, parseReleaseInput, type ParseResult } from '../release/input';
import { codeDeployInput, ecsInput, stackOutputs } from '../test-support/release-input';

const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/api:42';
const nativeOutputs = { aws_region: 'eu-west-1', deployment_controller: 'ECS', ecs_cluster_name: 'bluegreen-dev', ecs_service_name: 'api', ecs_task_definition_arn: TD, hook_function_name: 'api-hook', hook_log_group_name: '/aws/lambda/api-hook' };

function io(files: Record<string, unknown> = {}): ParseIo {
  return {
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file, open '${p}'`);
      return JSON.stringify(files[p]);
    },
    gitCommit: () => 'abc123 subject',
  };
}
const ok = (r: ParseResult) => {
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.input;
};
const errors = (r: ParseResult): readonly string[] => {
  if (r.kind !== 'error') throw new Error(`expected errors, got ${JSON.stringify(r)}`);
  return r.errors;
};

describe('the controller and the ECS input', () => {
  test('an outputs file with deployment_controller ECS gives an ECS input: cluster, service, task definition, hook', () => {
    const input = ecsInput(ok(parseReleaseInput(['--outputs-file', 'o.json'], {}, io({ 'o.json': { dev: nativeOutputs } }))));
    expect(input).toMatchObject({ controller: 'ECS', region: 'eu-west-1', clusterName: 'bluegreen-dev', serviceName: 'api', taskDefinitionArn: TD, hookFunctionName: 'api-hook', hookLogGroupName: '/aws/lambda/api-hook', activePolicy: 'fail' });
    expect(input).not.toHaveProperty('applicationName');
  });

  test('the output missing (a stack from before native services) means CODE_DEPLOY; --controller or RELEASE_CONTROLLER override it', () => {
    expect(codeDeployInput(ok(parseReleaseInput(['--outputs-file', 'o.json'], {}, io({ 'o.json': { dev: stackOutputs() } })))).controller).toBeUndefined();
    const flags = ['--controller', 'ECS', '--region', 'eu-west-1', '--ecs-cluster', 'c', '--ecs-service', 's', '--task-definition-arn', 'api:3'];
    expect(ecsInput(ok(parseReleaseInput(flags, {}, io()))).taskDefinitionArn).toBe('api:3');
    const env = { RELEASE_CONTROLLER: 'ECS', RELEASE_ECS_CLUSTER: 'c', RELEASE_ECS_SERVICE: 's', RELEASE_TASK_DEFINITION_ARN: TD, AWS_REGION: 'eu-west-1' };
    expect(ecsInput(ok(parseReleaseInput([], env, io()))).clusterName).toBe('c');
    const back = ok(parseReleaseInput(['--outputs-file', 'o.json', '--controller', 'CODE_DEPLOY', '--application', 'a', '--deployment-group', 'g', '--container-name', 'web', '--container-port', '80', '--hook-events', 'AfterAllowTestTraffic'], {}, io({ 'o.json': { dev: nativeOutputs } })));
    expect(codeDeployInput(back).applicationName).toBe('a');
  });

  test('an ECS release without its values names each one and where it was looked for', () => {
    expect(errors(parseReleaseInput(['--controller', 'ECS', '--region', 'eu-west-1'], {}, io()))).toEqual([
      'missing ECS cluster name: looked for --ecs-cluster, RELEASE_ECS_CLUSTER and output "ecs_cluster_name" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
      'missing ECS service name: looked for --ecs-service, RELEASE_ECS_SERVICE and output "ecs_service_name" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
      'missing ECS task definition ARN: looked for --task-definition-arn, RELEASE_TASK_DEFINITION_ARN and output "ecs_task_definition_arn" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
    ]);
  });

  test('bad values: every problem at once, each naming the value, where it came from and what is allowed', () => {
    const bad = { ...nativeOutputs, ecs_cluster_name: 'has space', ecs_task_definition_arn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/api', deployment_controller: 'ECS' };
    const errs = errors(parseReleaseInput(['--outputs-file', 'o.json', '--ecs-service', 'a/b', '--follow', 'd-ABC'], {}, io({ 'o.json': { dev: bad } })));
    expect(errs).toEqual([
      '--follow must be a service deployment ARN (the ECS controller) such as arn:aws:ecs:us-east-1:123456789012:service-deployment/cluster/service/AbCdEf123; received "d-ABC"',
      'output "ecs_cluster_name" in stack "dev" of o.json must be a cluster name (up to 255 letters, digits, - and _) or the cluster\'s ARN; received "has space"',
      '--ecs-service must be a service name (up to 255 letters, digits, - and _) or the service\'s ARN; received "a/b"',
      'output "ecs_task_definition_arn" in stack "dev" of o.json must be a task definition with its revision: family:revision or arn:aws:ecs:<region>:<account>:task-definition/family:revision; received "arn:aws:ecs:eu-west-1:123456789012:task-definition/api"',
    ]);
  });

  test('a deployment_controller output ECS does not know is refused, naming the output and the values allowed', () => {
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json'], {}, io({ 'o.json': { dev: { ...nativeOutputs, deployment_controller: 'EXTERNAL' } } })))).toEqual(['output "deployment_controller" in stack "dev" of o.json must be one of CODE_DEPLOY, ECS; received "EXTERNAL"']);
    expect(errors(parseReleaseInput(['--controller', 'ecs'], {}, io()))[0]).toMatch(/--controller must be one of CODE_DEPLOY, ECS; received "ecs"/);
  });

  test('a flag of the other controller is refused, naming it: most likely a forgotten --controller', () => {
    const native = errors(parseReleaseInput(['--outputs-file', 'o.json', '--application', 'a', '--continue', '--revision', 's3'], {}, io({ 'o.json': { dev: nativeOutputs } })));
    expect(native).toEqual([
      '--application applies to CodeDeploy only, but the service is deployed by ECS (output "deployment_controller" in stack "dev" of o.json); leave it out',
      '--revision applies to CodeDeploy only, but the service is deployed by ECS (output "deployment_controller" in stack "dev" of o.json); leave it out',
      '--continue applies to CodeDeploy only, but the service is deployed by ECS (output "deployment_controller" in stack "dev" of o.json); leave it out',
    ]);
    const codedeploy = errors(parseReleaseInput(['--outputs-file', 'o.json', '--ecs-service', 'api'], {}, io({ 'o.json': { dev: stackOutputs() } })));
    expect(codedeploy).toEqual(['--ecs-service applies to the ECS controller only, but the service is deployed by CodeDeploy (the default of --controller); add --controller ECS for an ECS-native service']);
  });

  test('--until: an ECS stage with the ECS controller, refused with CodeDeploy; the named stages with both', () => {
    const file = { 'o.json': { dev: nativeOutputs } };
    expect(ok(parseReleaseInput(['--outputs-file', 'o.json', '--until', 'BAKE_TIME'], {}, io(file))).until).toBe('BAKE_TIME');
    expect(ok(parseReleaseInput(['--outputs-file', 'o.json', '--until', 'test-traffic'], {}, io(file))).until).toBe('test-traffic');
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--until', 'CLEAN_UP'], {}, io({ 'o.json': { dev: stackOutputs() } })))[0]).toMatch(/^--until CLEAN_UP is an ECS lifecycle stage, but the service is deployed by CodeDeploy/);
  });

  test('several services of one stack, each with its own controller', () => {
    const file = { 'o.json': { prod: { aws_region: 'eu-west-1', services: { web: stackOutputs({ aws_region: undefined }), api: nativeOutputs } } } };
    const r = parseReleaseInput(['--outputs-file', 'o.json', '--service', 'web,api'], {}, io(file));
    if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
    expect(r.releases.map((x) => [x.input.service, x.input.controller ?? 'CODE_DEPLOY'])).toEqual([['web', 'CODE_DEPLOY'], ['api', 'ECS']]);
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--service', 'web,api', '--controller', 'ECS'], {}, io(file)))[0]).toMatch(/^--controller gives one value for 2 services/);
  });
});

describe('the timeout and the schedule of an ECS deployment', () => {
  test.each([
    [{ strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 5 }, 0, 5, 25],
    [{ strategy: 'LINEAR' as const, bakeTimeInMinutes: 0 }, 54, 0, 74], // 10% steps, 6 min: 9 waits
    [{ strategy: 'LINEAR' as const, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 }, bakeTimeInMinutes: 5 }, 6, 5, 31],
    [{ strategy: 'LINEAR' as const, linearConfiguration: { stepPercent: 3, stepBakeTimeInMinutes: 1 } }, 33, 0, 53],
    [{ strategy: 'CANARY' as const, bakeTimeInMinutes: 1 }, 10, 1, 31],
    [{ strategy: 'CANARY' as const, canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 15 } }, 15, 0, 35],
    [{ strategy: 'ROLLING' as const }, 0, 0, 20],
    [undefined, 0, 0, 20],
  ])('%j: traffic shifting %d + bake %d + 20 = %d minutes', (config, shifting, bake, total) => {
    expect(computeEcsTimeout(config)).toMatchObject({ trafficShiftingInMinutes: shifting, bakeTimeInMinutes: bake, marginInMinutes: 20, totalInMinutes: total });
  });

  test('linear waits: one per step before 100%', () => {
    expect([100, 50, 33.3, 25, 10, 3, 0].map(linearBakes)).toEqual([0, 1, 3, 3, 9, 33, 0]);
  });

  test('the schedule: linear and canary steps (their percentages) at their bake times, the bake time as the final wait', () => {
    expect(ecsShiftSchedule({ strategy: 'LINEAR', linearConfiguration: { stepBakeTimeInMinutes: 2 }, bakeTimeInMinutes: 5 })).toEqual({ type: 'TimeBasedLinear', intervalInMinutes: 2, terminationWaitInMinutes: 5, stepPercent: 10 });
    expect(ecsShiftSchedule({ strategy: 'CANARY' })).toEqual({ type: 'TimeBasedCanary', intervalInMinutes: 10, terminationWaitInMinutes: 0, stepPercent: 5 });
    expect(ecsShiftSchedule({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 3 })).toEqual({ type: 'AllAtOnce', intervalInMinutes: 0, terminationWaitInMinutes: 3 });
  });
});
