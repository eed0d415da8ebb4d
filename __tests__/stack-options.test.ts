/**
 * Environment options beyond the two examples: auto-release, state backends, an existing VPC,
 * traffic configs, manual approval, alarm choices, long names, invalid input.
 */
import { Testing } from 'cdktf';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import type { EnvironmentConfig } from '../config/environment';
import { EnvironmentConfigError } from '../config/validation';
import { autoReleaseEnvironment } from '../lib/release-env';
import { renderAppSpecYaml } from '../lib/appspec';
import { onlyResource, refToOnly, resourcesOf } from '../test-support/stack-json';

type Json = Record<string, any>;

const base: EnvironmentConfig = {
  name: 'opt',
  region: 'eu-central-1',
  network: { mode: 'new', natGatewayCount: 1 },
  service: { image: { external: 'nginx:1.27' } },
};

function synth(environment: EnvironmentConfig): Json {
  return JSON.parse(Testing.synth(new BlueGreenStack(Testing.app(), `bluegreen-${environment.name}`, { environment })));
}
const all = resourcesOf;
const only = onlyResource;
const ref = refToOnly;

/** Synthesizes once, when a test first asks. */
function once(environment: EnvironmentConfig): () => Json {
  let json: Json | undefined;
  return () => (json ??= synth(environment));
}

// Options that touch different resources share a synth: each test reads only what its option sets, and the
// option's alternative (s3 against local state, a custom against a predefined config, extra alarms against
// none) is in the other environment.
const s3StateCustomDeployment = once({
  ...base,
  state: { backend: 's3', bucket: 'my-state', dynamodbTable: 'tf-locks' },
  deployment: { trafficRouting: { type: 'linear', percentage: 20, intervalInMinutes: 2 }, manualApprovalWaitInMinutes: 30 },
  alarms: { additionalAlarmNames: ['p99-latency', 'error-budget'] },
});
const localStatePredefinedNoAlarmsLongNames = once({
  ...base,
  project: 'payments-platform-europe',
  name: 'staging-blue-green',
  state: { backend: 'local', path: 'state/opt.tfstate' },
  deployment: { trafficRouting: { type: 'predefined', name: 'CodeDeployDefault.ECSCanary10Percent5Minutes' } },
  alarms: { enabled: false },
});

describe('autoRelease', () => {
  let json: Json;
  beforeAll(() => {
    json = synth({ ...base, autoRelease: true, hook: { lifecycleEvents: ['AfterAllowTraffic', 'BeforeAllowTraffic'] } });
  });

  test('adds a null_resource triggered by the task definition ARN', () => {
    expect(only(json, 'null_resource').triggers).toEqual({ task_definition_arn: ref(json, 'aws_ecs_task_definition', 'arn') });
  });

  test('runs npm run release for the stack with local-exec from the project root', () => {
    const [provisioner] = only(json, 'null_resource').provisioner;
    expect(provisioner['local-exec']).toMatchObject({ command: 'npm run release -- --stack bluegreen-opt', working_dir: '${path.module}/../../..' });
  });

  test('passes what the release needs by environment variables', () => {
    const [provisioner] = only(json, 'null_resource').provisioner;
    expect(provisioner['local-exec'].environment).toEqual(
      autoReleaseEnvironment({
        stackName: 'bluegreen-opt',
        region: 'eu-central-1',
        applicationName: ref(json, 'aws_codedeploy_app', 'name'),
        deploymentGroupName: ref(json, 'aws_codedeploy_deployment_group', 'deployment_group_name'),
        taskDefinitionArn: ref(json, 'aws_ecs_task_definition', 'arn'),
        containerName: 'app',
        containerPort: 80,
        hookFunctionName: ref(json, 'aws_lambda_function', 'function_name'),
        hookLogGroupName: `\${aws_cloudwatch_log_group.${Object.keys(all(json, 'aws_cloudwatch_log_group')).find((id) => id.startsWith('Hook_'))}.name}`,
        hookLifecycleEvents: ['BeforeAllowTraffic', 'AfterAllowTraffic'],
      }),
    );
  });

  test('runs the release only after the deployment group, service, hook and AppSpec exist', () => {
    const dependsOn = only(json, 'null_resource').depends_on as string[];
    for (const type of ['aws_codedeploy_deployment_group', 'aws_ecs_service', 'aws_lambda_function', 'aws_s3_object']) {
      expect(dependsOn).toContain(`${type}.${Object.keys(all(json, type))[0]}`);
    }
  });

  test('configures the null provider', () => {
    expect(json.provider.null).toEqual([{}]);
    expect(json.terraform.required_providers.null).toBeDefined();
  });

  test('wires the hook to its events in AppSpec order, whatever order the environment lists them in', () => {
    expect(json.output.hook_lifecycle_events.value).toBe('BeforeAllowTraffic,AfterAllowTraffic');
    const fn = ref(json, 'aws_lambda_function', 'function_name');
    expect(only(json, 'aws_s3_object').content).toBe(
      renderAppSpecYaml({
        taskDefinitionArn: ref(json, 'aws_ecs_task_definition', 'arn'),
        containerName: 'app',
        containerPort: 80,
        hooks: { BeforeAllowTraffic: fn, AfterAllowTraffic: fn },
      }),
    );
  });
});

describe('state backends', () => {
  test('locks S3 state with a DynamoDB table when one is named, instead of the lock file', () => {
    const json = s3StateCustomDeployment();
    expect(json.terraform.backend).toEqual({ s3: { bucket: 'my-state', key: 'bluegreen-opt/terraform.tfstate', region: 'eu-central-1', encrypt: true, dynamodb_table: 'tf-locks' } });
  });

  test('uses the configured local state path', () => {
    expect(localStatePredefinedNoAlarmsLongNames().terraform.backend).toEqual({ local: { path: 'state/opt.tfstate' } });
  });
});

describe('an existing VPC', () => {
  let json: Json;
  beforeAll(() => {
    json = synth({
      ...base,
      network: {
        mode: 'existing',
        vpcId: 'vpc-0123456789abcdef0',
        publicSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        privateSubnetIds: ['subnet-0123456789abcdef2', 'subnet-0123456789abcdef3'],
      },
      testListener: { allowedCidrs: ['198.51.100.7/32', '2001:db8::/64'] },
    });
  });

  test('creates no VPC, subnet or NAT gateway', () => {
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_internet_gateway']) expect(all(json, type)).toEqual({});
  });

  test('puts the load balancer in the given public subnets and the tasks and hook in the private ones', () => {
    expect(only(json, 'aws_lb').subnets).toEqual(['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1']);
    expect(only(json, 'aws_ecs_service').network_configuration.subnets).toEqual(['subnet-0123456789abcdef2', 'subnet-0123456789abcdef3']);
    expect(only(json, 'aws_lambda_function').vpc_config.subnet_ids).toEqual(['subnet-0123456789abcdef2', 'subnet-0123456789abcdef3']);
  });

  test('opens the test port only to the listed IPv4 and IPv6 CIDRs', () => {
    const rules = Object.values(all(json, 'aws_vpc_security_group_ingress_rule')).filter((r) => r.from_port === 8080);
    expect(rules.map((r) => r.cidr_ipv4 ?? r.cidr_ipv6)).toEqual(['198.51.100.7/32', '2001:db8::/64']);
    expect(rules[1].cidr_ipv6).toBe('2001:db8::/64');
  });
});

describe('traffic shifting and approval', () => {
  test('creates a custom linear config', () => {
    const json = s3StateCustomDeployment();
    expect(only(json, 'aws_codedeploy_deployment_config').traffic_routing_config).toEqual({ type: 'TimeBasedLinear', time_based_linear: { percentage: 20, interval: 2 } });
  });

  test('uses a predefined canary config without creating one', () => {
    const json = localStatePredefinedNoAlarmsLongNames();
    expect(all(json, 'aws_codedeploy_deployment_config')).toEqual({});
    expect(only(json, 'aws_codedeploy_deployment_group').deployment_config_name).toBe('CodeDeployDefault.ECSCanary10Percent5Minutes');
  });

  test('waits for a manual approval when manualApprovalWaitInMinutes is set', () => {
    const json = s3StateCustomDeployment();
    expect(only(json, 'aws_codedeploy_deployment_group').blue_green_deployment_config.deployment_ready_option).toEqual({
      action_on_timeout: 'STOP_DEPLOYMENT',
      wait_time_in_minutes: 30,
    });
  });
});

describe('alarms', () => {
  test('wires additional existing alarms after the generated ones', () => {
    const json = s3StateCustomDeployment();
    const alarms = json.resource.aws_cloudwatch_metric_alarm as Record<string, { alarm_name: string }>;
    // Generated alarms are references to their resources; resolve them to the names they carry.
    const wired = (only(json, 'aws_codedeploy_deployment_group').alarm_configuration.alarms as string[]).map((name) => {
      const ref = /^\$\{aws_cloudwatch_metric_alarm\.([^.]+)\.alarm_name\}$/.exec(name);
      return ref ? alarms[ref[1]!]!.alarm_name : name;
    });
    expect(wired).toEqual([
      'bluegreen-opt-blue-target-5xx',
      'bluegreen-opt-blue-unhealthy-hosts',
      'bluegreen-opt-green-target-5xx',
      'bluegreen-opt-green-unhealthy-hosts',
      'p99-latency',
      'error-budget',
    ]);
  });

  test('without any alarm, rolls back on failure only and has no alarm configuration', () => {
    const json = localStatePredefinedNoAlarmsLongNames();
    const group = only(json, 'aws_codedeploy_deployment_group');
    expect(group.alarm_configuration).toBeUndefined();
    expect(group.auto_rollback_configuration).toEqual({ enabled: true, events: ['DEPLOYMENT_FAILURE'] });
    expect(all(json, 'aws_cloudwatch_metric_alarm')).toEqual({});
  });
});

describe('names', () => {
  test('derives load balancer and target group names of at most 32 characters from long names', () => {
    const json = localStatePredefinedNoAlarmsLongNames();
    const names = [only(json, 'aws_lb').name, ...Object.values(all(json, 'aws_lb_target_group')).map((g) => g.name)];
    for (const name of names) expect(name.length).toBeLessThanOrEqual(32);
    expect(new Set(names).size).toBe(3);
  });
});

describe('invalid environments', () => {
  test('throw EnvironmentConfigError before any stack or resource is created', () => {
    const app = Testing.app();
    expect(() => new BlueGreenStack(app, 'bluegreen-opt', { environment: { ...base, service: { image: { external: 'nginx' }, cpu: 100 } } })).toThrow(EnvironmentConfigError);
    expect(app.node.children).toHaveLength(0);
  });
});
