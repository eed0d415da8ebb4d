/**
 * The demo's pure parts: what it reads from a synthesized stack (deployment group, hook, placeholder
 * outputs) and how each scenario is set up (which config, which alarm, how fast a minute runs).
 */
import { deploymentConfigOverride, DEMO_CANARY_CONFIG, FIRST_LINE, LAST_LINE_START, minuteInMs, alarmToTrigger, scenario, SCENARIOS, shiftMinutes, shiftsGradually } from '../demo/scenarios';
import { demoGroup, demoHook, placeholderFor, placeholderOutputs, resolveReferences, type DemoGroup, type StackJson } from '../demo/stack';
import { greenBody, readZip, targets } from '../demo/world';
import { zipSync } from 'fflate';
import { createZip } from '../hook-build/zip';
import { chooseService, commandLines, exitMeaning, releaseArgs, releaseEnvironment } from '../demo/run';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { flagTable } from '../scripts/cli';
import { DEMO_PROGRAM } from '../scripts/demo';
import { EXIT_CODES } from '../release/exit-codes';

/** A stack in the shape the app synthesizes, reduced to what the demo reads. */
const STACK: StackJson = {
  provider: { aws: [{ region: 'eu-west-1' }] },
  resource: {
    aws_codedeploy_app: { App: { name: 'shop-qa' } },
    aws_codedeploy_deployment_config: {
      Traffic: { deployment_config_name: 'shop-qa-traffic-linear-20pct-every-2min', traffic_routing_config: { type: 'TimeBasedLinear', time_based_linear: { interval: 2, percentage: 20 } } },
    },
    aws_cloudwatch_metric_alarm: { Blue5xx: { alarm_name: 'shop-qa-blue-target-5xx' }, Green5xx: { alarm_name: 'shop-qa-green-target-5xx' } },
    aws_ecs_cluster: { Cluster: { name: 'shop-qa' } },
    aws_ecs_service: { Service: { name: 'shop-qa-web' } },
    aws_ecs_task_definition: { Task: { family: 'shop-qa-web' } },
    aws_lb: { Lb: { name: 'shop-qa' } },
    aws_lb_target_group: { Blue: { name: 'shop-qa-blue' }, Green: { name: 'shop-qa-green' } },
    aws_s3_bucket: { Bucket: { bucket_prefix: 'shop-qa-' } },
    aws_codedeploy_deployment_group: {
      Group: {
        app_name: '${aws_codedeploy_app.App.name}',
        deployment_group_name: 'shop-qa',
        deployment_config_name: '${aws_codedeploy_deployment_config.Traffic.deployment_config_name}',
        alarm_configuration: { enabled: true, alarms: ['${aws_cloudwatch_metric_alarm.Blue5xx.alarm_name}', '${aws_cloudwatch_metric_alarm.Green5xx.alarm_name}'] },
        auto_rollback_configuration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        blue_green_deployment_config: {
          deployment_ready_option: { action_on_timeout: 'STOP_DEPLOYMENT', wait_time_in_minutes: 30 },
          terminate_blue_instances_on_deployment_success: { action: 'TERMINATE', termination_wait_time_in_minutes: 15 },
        },
        ecs_service: { cluster_name: '${aws_ecs_cluster.Cluster.name}', service_name: '${aws_ecs_service.Service.name}' },
        load_balancer_info: { target_group_pair_info: { target_group: [{ name: '${aws_lb_target_group.Blue.name}' }, { name: '${aws_lb_target_group.Green.name}' }] } },
      },
    },
    aws_lambda_function: {
      Hook: {
        function_name: 'CodeDeployHook_shop-qa',
        filename: 'assets/Hook/abc/hook.zip',
        timeout: 360,
        environment: { variables: { HOOK_CHECKS: '[{"path":"/","bodyContains":"shop"},{"path":"/health"}]', HOOK_TEST_BASE_URL: 'http://${aws_lb.Lb.dns_name}:9443' } },
      },
    },
  },
  output: {
    ecs_task_definition_arn: { value: '${aws_ecs_task_definition.Task.arn}' },
    alb_production_url: { value: 'https://${aws_lb.Lb.dns_name}' },
    appspec_bucket_name: { value: '${aws_s3_bucket.Bucket.bucket}' },
    ecs_cluster_name: { value: '${aws_ecs_cluster.Cluster.name}' },
    ecs_container_port: { value: 8080 },
    hook_lifecycle_events: { value: 'BeforeAllowTraffic' },
    services: { value: { web: { ecs_cluster_name: '${aws_ecs_cluster.Cluster.name}', ecs_task_definition_arn: '${aws_ecs_task_definition.Task.arn}', ecs_container_port: 8080 } } },
  },
};

describe('reading the synthesized stack', () => {
  test('the deployment group, every name resolved from the configuration', () => {
    expect(demoGroup(STACK)).toEqual({
      applicationName: 'shop-qa',
      deploymentGroupName: 'shop-qa',
      deploymentConfigName: 'shop-qa-traffic-linear-20pct-every-2min',
      customConfig: {
        deploymentConfigName: 'shop-qa-traffic-linear-20pct-every-2min',
        trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 20, linearInterval: 2 } },
      },
      clusterName: 'shop-qa',
      serviceName: 'shop-qa-web',
      targetGroupNames: ['shop-qa-blue', 'shop-qa-green'],
      terminationWaitTimeInMinutes: 15,
      deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 },
      alarms: ['shop-qa-blue-target-5xx', 'shop-qa-green-target-5xx'],
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    });
  });

  test('a name only an apply knows is an error naming it', () => {
    const computedName = JSON.parse(JSON.stringify(STACK)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    computedName.resource.aws_codedeploy_deployment_group!.Group!.app_name = '${aws_codedeploy_app.App.arn}';
    expect(() => demoGroup(computedName as StackJson)).toThrow(/application name is not known before an apply/);
    expect(() => demoGroup({})).toThrow('the stack has no aws_codedeploy_deployment_group');
  });

  test('the hook: its name, zip, timeout and the environment variables known before an apply', () => {
    expect(demoHook(STACK)).toEqual({
      functionName: 'CodeDeployHook_shop-qa',
      zipFile: 'assets/Hook/abc/hook.zip',
      timeoutInSeconds: 360,
      variables: { HOOK_CHECKS: '[{"path":"/","bodyContains":"shop"},{"path":"/health"}]' },
    });
    expect(() => demoHook({ resource: { aws_lambda_function: { Other: { function_name: 'x' } } } })).toThrow(/no hook function/);
  });

  test("a healthy green's body holds every text the hook's checks look for", () => {
    expect(greenBody(demoHook(STACK))).toContain('shop');
    expect(targets(2, 'unhealthy')).toEqual([
      expect.objectContaining({ id: '10.0.2.11', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch' }),
      expect.objectContaining({ id: '10.0.2.12', state: 'unhealthy' }),
    ]);
  });

  test('references resolve to literals, or to what the caller computes, else to nothing', () => {
    expect(resolveReferences(STACK, 'cluster ${aws_ecs_cluster.Cluster.name}!')).toBe('cluster shop-qa!');
    expect(resolveReferences(STACK, '${aws_lb.Lb.dns_name}')).toBeUndefined();
    expect(resolveReferences(STACK, '${aws_lb.Lb.dns_name}', () => 'x')).toBe('x');
  });
});

describe('placeholder outputs (no terraform)', () => {
  const outputs = placeholderOutputs(STACK);

  test('have the shape of terraform output -json and say they are placeholders', () => {
    for (const o of Object.values(outputs)) expect(Object.keys(o).sort()).toEqual(['sensitive', 'type', 'value']);
    expect(outputs.ecs_container_port).toEqual({ value: 8080, type: 'number', sensitive: false });
    expect(String(outputs.offline_notice!.value)).toMatch(/placeholder.*nothing here exists in AWS/);
  });

  test('a computed task definition ARN is well formed (the release checks it), in account 000000000000', () => {
    expect(outputs.ecs_task_definition_arn!.value).toBe('arn:aws:ecs:eu-west-1:000000000000:task-definition/shop-qa-web:1');
  });

  test('references inside an object output (the per-service outputs) are resolved too, with its object type', () => {
    expect(outputs.services!.value).toEqual({ web: { ecs_cluster_name: 'shop-qa', ecs_task_definition_arn: 'arn:aws:ecs:eu-west-1:000000000000:task-definition/shop-qa-web:1', ecs_container_port: 8080 } });
    expect(outputs.services!.type).toEqual(['object', { web: ['object', { ecs_cluster_name: 'string', ecs_task_definition_arn: 'string', ecs_container_port: 'number' }] }]);
  });

  test('other computed values are marked offline-placeholder; literal ones are kept', () => {
    expect(outputs.alb_production_url!.value).toBe('https://shop-qa-offline-placeholder.eu-west-1.elb.amazonaws.com');
    expect(outputs.appspec_bucket_name!.value).toBe('shop-qa-offline-placeholder');
    expect(outputs.ecs_cluster_name!.value).toBe('shop-qa');
    expect(placeholderFor(STACK, 'aws_iam_role', 'R', 'arn')).toMatch(/^arn:aws:iam:eu-west-1:000000000000:iam_role\/R-offline-placeholder$/);
    expect(placeholderFor(STACK, 'aws_s3_object', 'O', 'version_id')).toBe('offline-placeholder');
  });
});

describe('scenarios', () => {
  const allAtOnce: DemoGroup = { ...demoGroup(STACK), deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce', alarms: ['app-blue-5xx', 'bluegreen-green-target-5xx'] };
  delete (allAtOnce as { customConfig?: unknown }).customConfig;

  test('each exits with the code the release returns for its outcome', () => {
    expect(Object.fromEntries(SCENARIOS.map((s) => [s.name, s.exitCode]))).toEqual({
      success: EXIT_CODES.success,
      'hook-fails': EXIT_CODES.deploymentFailed,
      alarm: EXIT_CODES.deploymentFailed,
      interrupt: EXIT_CODES.interrupted,
      active: EXIT_CODES.activeDeployment,
    });
  });

  test('a stack that shifts all at once gets a canary for the scenarios that show a shift; one that shifts gradually keeps its own', () => {
    expect(shiftsGradually(allAtOnce)).toBe(false);
    expect(deploymentConfigOverride(scenario('success'), allAtOnce)).toBe(DEMO_CANARY_CONFIG);
    expect(deploymentConfigOverride(scenario('hook-fails'), allAtOnce)).toBeUndefined();
    expect(deploymentConfigOverride(scenario('success'), demoGroup(STACK))).toBeUndefined();
  });

  test('the minutes of a shift, and a minute sized so the shift takes about 6 s and all the waits at most 20 s', () => {
    expect(shiftMinutes(DEMO_CANARY_CONFIG, allAtOnce)).toBe(5);
    expect(shiftMinutes('CodeDeployDefault.ECSLinear10PercentEvery3Minutes', allAtOnce)).toBe(30);
    expect(shiftMinutes('shop-qa-traffic-linear-20pct-every-2min', demoGroup(STACK))).toBe(10);
    expect(shiftMinutes('CodeDeployDefault.ECSAllAtOnce', allAtOnce)).toBe(0);
    expect(minuteInMs(5)).toBe(1000);
    expect(minuteInMs(60)).toBe(100);
    expect(minuteInMs(5, 65)).toBe(308);
    expect(minuteInMs(100000)).toBe(50);
    expect(minuteInMs(0)).toBe(1000);
    expect(minuteInMs(0, 40)).toBe(500);
  });

  test("the alarm scenario sets off an alarm watching green, not one whose name merely contains 'green'", () => {
    expect(alarmToTrigger(allAtOnce)).toBe('bluegreen-green-target-5xx');
    expect(alarmToTrigger({ ...allAtOnce, alarms: ['bluegreen-dev-blue-target-5xx', 'bluegreen-dev-green-unhealthy'] })).toBe('bluegreen-dev-green-unhealthy');
    expect(alarmToTrigger({ ...allAtOnce, alarms: [] })).toBeUndefined();
  });

  test("the release's command: the outputs file, the stack, a canary when asked, polls at least every second", () => {
    const args = releaseArgs(scenario('success'), 'bluegreen-dev', `${__dirname}/../cdktf.out/demo/o.json`, DEMO_CANARY_CONFIG);
    expect(args.slice(0, 6)).toEqual(['--outputs-file', 'cdktf.out/demo/o.json', '--stack', 'bluegreen-dev', '--deployment-config', DEMO_CANARY_CONFIG]);
    expect(args).toEqual(expect.arrayContaining(['--poll-max-interval-in-ms', '1000']));
  });

  test('the command as printed: lines under 100 columns, each flag beside its value, the same words', () => {
    const args = releaseArgs(scenario('alarm'), 'bluegreen-dev', `${__dirname}/../cdktf.out/demo/o.json`, DEMO_CANARY_CONFIG);
    const lines = commandLines(args);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(lines.some((l) => /--deployment-config CodeDeployDefault/.test(l))).toBe(true);
    const words = lines.join(' ').replace(/ \\\\/g, '').trim().split(/\s+/);
    expect(words.slice(0, 3)).toEqual(['npm', 'run', 'release']);
    expect(words).toContain("'npm");
    expect(exitMeaning(0)).toBe('succeeded');
    expect(exitMeaning(4)).toBe('another deployment is active');
  });

  test('the service: the one asked for, else the first of the services output; none for a stack without one', () => {
    const outputs = { services: { value: { web: { codedeploy_deployment_group_name: 'p' }, api: { codedeploy_deployment_group_name: 'p-api' } } } };
    expect(chooseService(outputs, undefined)).toEqual({ name: 'web', values: { codedeploy_deployment_group_name: 'p' } });
    expect(chooseService(outputs, 'api')?.name).toBe('api');
    expect(() => chooseService(outputs, 'db')).toThrow('--service "db" is not a service of the stack; its services are web, api');
    expect(chooseService({ aws_region: { value: 'x' } }, undefined)).toBeUndefined();
    expect(() => chooseService({}, 'web')).toThrow(/no services output/);
    expect(releaseArgs(scenario('success'), 'p', `${__dirname}/../o.json`, undefined, 'api')).toEqual(expect.arrayContaining(['--service', 'api']));
    expect(demoGroup(STACK, 'shop-qa').deploymentGroupName).toBe('shop-qa');
    expect(() => demoGroup(STACK, 'shop-qa-api')).toThrow('the stack has no deployment group "shop-qa-api"');
    expect(demoHook(STACK, 'CodeDeployHook_shop-qa').functionName).toBe('CodeDeployHook_shop-qa');
    expect(() => demoHook(STACK, 'CodeDeployHook_other')).toThrow(/no hook function "CodeDeployHook_other"/);
  });

  test("the release's environment keeps none of the user's AWS settings", () => {
    const env = releaseEnvironment({ PATH: 'p', AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'AKIAREAL', GITHUB_STEP_SUMMARY: 's', TERM: 'xterm' }, { AWS_ACCESS_KEY_ID: 'OFFLINEDEMO', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(env).toEqual({ PATH: 'p', TERM: 'xterm', AWS_ACCESS_KEY_ID: 'OFFLINEDEMO', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
  });
});

describe('the hook zip, as the demo reads it', () => {
  test('the archive the synth writes, and stored and deflated entries of any ZIP writer, read back byte for byte (directories left out)', () => {
    const code = Buffer.from('exports.handler = async () => ({ status: "Succeeded" });\n'.repeat(200));
    expect(readZip(createZip([{ name: 'index.js', data: code }]))).toEqual(new Map([['index.js', code]]));
    const other = Buffer.from(zipSync({ 'index.js': [code, { level: 9 }], 'lib/': new Uint8Array(0), 'lib/notes.txt': [Buffer.from('stored'), { level: 0 }] }));
    expect(readZip(other)).toEqual(new Map([['index.js', code], ['lib/notes.txt', Buffer.from('stored')]]));
  });

  test('what is not a readable archive is an error naming it', () => {
    expect(() => readZip(Buffer.from('not a zip'), 'hook.zip')).toThrow('hook.zip is not a ZIP archive (no end of central directory)');
    const zip = createZip([{ name: 'index.js', data: Buffer.from('x'.repeat(100)) }]);
    const eocd = zip.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
    zip.writeUInt32LE(0, eocd + 16);
    expect(() => readZip(zip, 'hook.zip')).toThrow('hook.zip: broken central directory at byte 0');
  });

  /** A one-entry archive of `data` (deflated by fflate) and the offset of its central directory entry. */
  function oneEntry(data: Buffer): { zip: Buffer; central: number } {
    const zip = Buffer.from(zipSync({ 'index.js': [data, { level: 9 }] }));
    return { zip, central: zip.readUInt32LE(zip.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1')) + 16) };
  }

  test('an entry whose local header is missing, or that runs past the end, is an error naming it', () => {
    const moved = oneEntry(Buffer.from('x'.repeat(100)));
    moved.zip.writeUInt32LE(7, moved.central + 42);
    expect(() => readZip(moved.zip, 'hook.zip')).toThrow('hook.zip: index.js has no local header at byte 7');
    const long = oneEntry(Buffer.from('x'.repeat(100)));
    long.zip.writeUInt32LE(1_000_000, long.central + 20);
    expect(() => readZip(long.zip, 'hook.zip')).toThrow(/^hook\.zip: index\.js runs past the end of the archive \(1000000 bytes from byte \d+\)$/);
  });

  test('inflating stops at the size the directory declares: an entry that holds more, or declares more than Lambda unzips, is refused', () => {
    const data = Buffer.alloc(1_000_000, 'a');
    const understated = oneEntry(data);
    understated.zip.writeUInt32LE(1000, understated.central + 24);
    expect(() => readZip(understated.zip, 'hook.zip')).toThrow('hook.zip: index.js unpacks to 1001 bytes, not the 1000 its directory says');
    const huge = oneEntry(data);
    huge.zip.writeUInt32LE(262_144_001, huge.central + 24);
    expect(() => readZip(huge.zip, 'hook.zip')).toThrow("hook.zip: index.js unpacks to 262144001 bytes, more than Lambda's 262144000 unzipped");
  });
});

describe('the docs say what the demo does', () => {
  const doc = readFileSync(path.join(__dirname, '..', 'docs', 'demo.md'), 'utf8');

  test("docs/demo.md's flag table is the one the demo's flags give", () => {
    expect(doc).toContain(flagTable(DEMO_PROGRAM));
  });

  test('docs/demo.md lists every scenario with its exit code', () => {
    const rows = [...doc.matchAll(/^\| `([\w-]+)` \| .* \| (\d+) \|$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(SCENARIOS.map((s) => [s.name, s.exitCode]));
  });

  test("the README's recording starts and ends with the demo's own first and last lines", () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const recording = /```text\n(LOCAL SIMULATION[\s\S]*?)\n```/.exec(readme)?.[1]?.split('\n') ?? [];
    expect(recording[0]).toBe(FIRST_LINE);
    expect(recording[recording.length - 1]!.startsWith(LAST_LINE_START)).toBe(true);
    expect(recording).toContain('   npm run release -- --outputs-file cdktf.out/demo/bluegreen-dev-outputs.json \\');
  });
});
