/**
 * The default example environment, `bluegreen-dev`, synthesized once: the properties that make a
 * blue/green service work and keep `terraform plan` clean after CodeDeploy releases.
 */
import { Testing } from 'cdktf';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import { dev } from '../stacks/environments';
import { renderAppSpecYaml } from '../lib/appspec';
import { OUTPUT_NAMES, SERVICES_OUTPUT } from '../lib/outputs';
import { toHookEnvironment } from '../hook-lambda/config';
import { logicalIdAt, onlyResource, refAt as refAtPath, refToOnly, resourceAt, resourcesOf } from '../test-support/stack-json';

type Json = Record<string, any>;

let json: Json;
let warnings: string[];

beforeAll(() => {
  warnings = [];
  const app = Testing.app();
  const stack = new BlueGreenStack(app, 'bluegreen-dev', { environment: dev, onWarning: (w) => warnings.push(w) });
  json = JSON.parse(Testing.synth(stack));
});

const all = (type: string): Record<string, Json> => resourcesOf(json, type);
const one = (type: string): Json => onlyResource(json, type);
const ref = (type: string, attribute: string): string => refToOnly(json, type, attribute);
const idOf = (type: string, path: string): string => logicalIdAt(json, type, path);
const byPath = (type: string, path: string): Json => resourceAt(json, type, path);
const refAt = (type: string, path: string, attribute: string): string => refAtPath(json, type, path, attribute);
const dataRef = (type: string, path: string, attribute: string): string => {
  const prefix = `${path.replace(/\//g, '_')}`;
  const id = Object.keys(json.data[type]).find((k) => k === prefix || k.startsWith(`${prefix}_`));
  return `\${data.${type}.${id}.${attribute}}`;
};
const BLUE = 'LoadBalancer/BlueTargetGroup';
const GREEN = 'LoadBalancer/GreenTargetGroup';
const policyOf = (resource: Json) => JSON.parse(resource.policy);

describe('bluegreen-dev stack', () => {
  test('is named bluegreen-dev and prints a warning about the public test port', () => {
    expect(idOf('aws_ecs_service', 'Service')).toMatch(/^Service_[0-9A-F]{8}$/);
    expect(json.output.ecs_service_name.value).toBe(refAt('aws_ecs_service', 'Service', 'name'));
    expect(one('aws_ecs_service').name).toBe('bluegreen-dev');
    expect(warnings).toEqual([expect.stringMatching(/^bluegreen-dev: testListener.allowPublicAccess is true: port 8080 /)]);
  });

  test('keeps state in a local file in the project root, without a machine path', () => {
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.bluegreen-dev.tfstate' } });
  });

  test('tags every resource with the environment and the project through the provider', () => {
    expect(json.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags: { environment: 'dev', project: 'bluegreen' } }] }]);
  });

  test('creates a VPC with two public subnets in two zones and no NAT gateway', () => {
    expect(one('aws_vpc').cidr_block).toBe('10.0.0.0/16');
    const subnets = Object.values(all('aws_subnet'));
    expect(subnets.map((s) => s.cidr_block)).toEqual(['10.0.0.0/20', '10.0.16.0/20']);
    const zones = dataRef('aws_availability_zones', 'Network_AvailabilityZones', 'names').slice(2, -1);
    expect(subnets.map((s) => s.availability_zone)).toEqual([`\${element(${zones}, 0)}`, `\${element(${zones}, 1)}`]);
    expect(all('aws_nat_gateway')).toEqual({});
  });

  test('places subnets only in regular availability zones (no Local or Wavelength Zones)', () => {
    expect(Object.values(json.data.aws_availability_zones)).toEqual([{ state: 'available', filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] }]);
  });

  test('opens the production port to the configured CIDRs', () => {
    const rule = byPath('aws_vpc_security_group_ingress_rule', 'LoadBalancer/ProductionIngress1');
    expect(rule).toMatchObject({ from_port: 80, to_port: 80, ip_protocol: 'tcp', cidr_ipv4: '0.0.0.0/0' });
  });

  test('opens the test port to the internet only because dev opts in explicitly', () => {
    const testRules = Object.values(all('aws_vpc_security_group_ingress_rule')).filter((r) => r.from_port === 8080);
    expect(testRules).toEqual([expect.objectContaining({ cidr_ipv4: '0.0.0.0/0', to_port: 8080 })]);
    expect(testRules[0]).toBe(byPath('aws_vpc_security_group_ingress_rule', 'LoadBalancer/TestIngressPublic'));
  });

  test('lets the tasks receive only the container port, only from the load balancer security group', () => {
    const taskIngress = Object.values(all('aws_vpc_security_group_ingress_rule')).filter((r) => r.security_group_id.includes('Service_SecurityGroup'));
    expect(taskIngress).toEqual([
      expect.objectContaining({ from_port: 80, to_port: 80, ip_protocol: 'tcp', referenced_security_group_id: refAt('aws_security_group', 'LoadBalancer/SecurityGroup', 'id') }),
    ]);
    expect(taskIngress[0].cidr_ipv4).toBeUndefined();
  });

  test('lets the load balancer send traffic only to the tasks on the container port', () => {
    const albEgress = Object.values(all('aws_vpc_security_group_egress_rule')).filter((r) => r.security_group_id.includes('LoadBalancer_SecurityGroup'));
    expect(albEgress).toEqual([expect.objectContaining({ from_port: 80, to_port: 80, referenced_security_group_id: refAt('aws_security_group', 'Service/SecurityGroup', 'id') })]);
  });

  test('creates blue and green target groups of type ip with the fast-switch health check defaults', () => {
    const groups = Object.values(all('aws_lb_target_group'));
    expect(groups.map((g) => g.name)).toEqual(['bluegreen-dev-blue', 'bluegreen-dev-green']);
    for (const group of groups) {
      expect(group).toMatchObject({ target_type: 'ip', port: 80, protocol: 'HTTP', deregistration_delay: '30' });
      expect(group.health_check).toMatchObject({ interval: 5, healthy_threshold: 2, unhealthy_threshold: 2, timeout: 4, path: '/', matcher: '200' });
    }
  });

  test('makes each listener depend on both target groups', () => {
    const blue = `aws_lb_target_group.${idOf('aws_lb_target_group', BLUE)}`;
    const green = `aws_lb_target_group.${idOf('aws_lb_target_group', GREEN)}`;
    for (const listener of Object.values(all('aws_lb_listener'))) expect(listener.depends_on).toEqual([blue, green]);
  });

  test("makes each listener ignore default_action, which CodeDeploy rewrites", () => {
    const listeners = Object.values(all('aws_lb_listener'));
    expect(listeners).toHaveLength(2);
    for (const listener of listeners) expect(listener.lifecycle).toEqual({ ignore_changes: ['default_action'] });
  });

  test('starts both listeners forwarding to blue: production on 80 and test on 8080, over HTTP', () => {
    const blueArn = refAt('aws_lb_target_group', BLUE, 'arn');
    expect(byPath('aws_lb_listener', 'LoadBalancer/ProductionListener')).toMatchObject({ port: 80, protocol: 'HTTP', default_action: [{ type: 'forward', target_group_arn: blueArn }] });
    expect(byPath('aws_lb_listener', 'LoadBalancer/TestListener')).toMatchObject({ port: 8080, protocol: 'HTTP', default_action: [{ type: 'forward', target_group_arn: blueArn }] });
  });

  test('gives the ECS service the CODE_DEPLOY deployment controller', () => {
    expect(one('aws_ecs_service').deployment_controller).toEqual({ type: 'CODE_DEPLOY' });
  });

  test('ignores exactly the service attributes CodeDeploy owns, in snake_case', () => {
    expect(one('aws_ecs_service').lifecycle).toEqual({ ignore_changes: ['task_definition', 'load_balancer', 'network_configuration', 'desired_count'] });
  });

  test('gives the service exactly one load_balancer block, on the blue target group', () => {
    expect(one('aws_ecs_service').load_balancer).toEqual([
      { target_group_arn: refAt('aws_lb_target_group', BLUE, 'arn'), container_name: 'web', container_port: 80 },
    ]);
  });

  test('does not wait for a steady state (CodeDeploy, not Terraform, rolls out tasks)', () => {
    expect(one('aws_ecs_service')).not.toHaveProperty('wait_for_steady_state');
  });

  test('runs the dev tasks in public subnets with public addresses (no NAT), after the listeners exist', () => {
    const service = one('aws_ecs_service');
    expect(service.network_configuration.assign_public_ip).toBe(true);
    expect(service.network_configuration.subnets).toEqual([refAt('aws_subnet', 'Network/PublicSubnet1', 'id'), refAt('aws_subnet', 'Network/PublicSubnet2', 'id')]);
    expect(service.launch_type).toBe('FARGATE');
    expect(service.depends_on).toEqual([
      `aws_lb_listener.${idOf('aws_lb_listener', 'LoadBalancer/ProductionListener')}`,
      `aws_lb_listener.${idOf('aws_lb_listener', 'LoadBalancer/TestListener')}`,
    ]);
  });

  test('keeps old task definition revisions registered when a new image replaces the resource (skip_destroy)', () => {
    expect(one('aws_ecs_task_definition').skip_destroy).toBe(true);
  });

  test('defines a Fargate task with the public nginx image and logs to a log group with retention', () => {
    const task = one('aws_ecs_task_definition');
    expect(task).toMatchObject({ cpu: '256', memory: '512', network_mode: 'awsvpc', requires_compatibilities: ['FARGATE'] });
    const [container] = JSON.parse(task.container_definitions);
    expect(container).toMatchObject({
      name: 'web',
      image: 'public.ecr.aws/nginx/nginx:stable',
      portMappings: [{ containerPort: 80, protocol: 'tcp' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': refAt('aws_cloudwatch_log_group', 'Service/LogGroup', 'name'), 'awslogs-region': 'us-east-1' } },
    });
    expect(byPath('aws_cloudwatch_log_group', 'Service/LogGroup')).toMatchObject({ name: '/ecs/bluegreen-dev', retention_in_days: 7 });
  });

  test('creates no ECR repository for an external image and outputs an empty repository URL', () => {
    expect(all('aws_ecr_repository')).toEqual({});
    expect(json.output.ecr_repository_url.value).toBe('');
  });

  test('creates an ECS CodeDeploy application and a BLUE_GREEN deployment group with traffic control', () => {
    expect(one('aws_codedeploy_app')).toMatchObject({ compute_platform: 'ECS', name: 'bluegreen-dev' });
    const group = one('aws_codedeploy_deployment_group');
    expect(group.deployment_style).toEqual({ deployment_type: 'BLUE_GREEN', deployment_option: 'WITH_TRAFFIC_CONTROL' });
    expect(group.deployment_config_name).toBe('CodeDeployDefault.ECSAllAtOnce');
  });

  test('continues deployments without a manual wait and terminates blue after the configured 0 minutes', () => {
    expect(one('aws_codedeploy_deployment_group').blue_green_deployment_config).toEqual({
      deployment_ready_option: { action_on_timeout: 'CONTINUE_DEPLOYMENT' },
      terminate_blue_instances_on_deployment_success: { action: 'TERMINATE', termination_wait_time_in_minutes: 0 },
    });
  });

  test('routes production and test traffic of the deployment group through the two listeners and target groups', () => {
    expect(one('aws_codedeploy_deployment_group').load_balancer_info).toEqual({
      target_group_pair_info: {
        prod_traffic_route: { listener_arns: [refAt('aws_lb_listener', 'LoadBalancer/ProductionListener', 'arn')] },
        test_traffic_route: { listener_arns: [refAt('aws_lb_listener', 'LoadBalancer/TestListener', 'arn')] },
        target_group: [{ name: refAt('aws_lb_target_group', BLUE, 'name') }, { name: refAt('aws_lb_target_group', GREEN, 'name') }],
      },
    });
  });

  test('rolls back on deployment failure and on alarm, with the four target group alarms wired in', () => {
    const group = one('aws_codedeploy_deployment_group');
    expect(group.auto_rollback_configuration).toEqual({ enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] });
    // References, not copies of the names: the alarms must exist before the group that watches them.
    const alarmRefs = Object.keys(all('aws_cloudwatch_metric_alarm')).map((key) => `\${aws_cloudwatch_metric_alarm.${key}.alarm_name}`);
    expect(alarmRefs).toHaveLength(4);
    expect(group.alarm_configuration).toEqual({ enabled: true, alarms: alarmRefs });
  });

  test('watches 5xx responses and unhealthy hosts of both target groups', () => {
    const alarms = Object.values(all('aws_cloudwatch_metric_alarm'));
    expect(alarms.map((a) => [a.metric_name, a.dimensions.TargetGroup])).toEqual([
      ['HTTPCode_Target_5XX_Count', refAt('aws_lb_target_group', BLUE, 'arn_suffix')],
      ['UnHealthyHostCount', refAt('aws_lb_target_group', BLUE, 'arn_suffix')],
      ['HTTPCode_Target_5XX_Count', refAt('aws_lb_target_group', GREEN, 'arn_suffix')],
      ['UnHealthyHostCount', refAt('aws_lb_target_group', GREEN, 'arn_suffix')],
    ]);
    for (const alarm of alarms) expect(alarm).toMatchObject({ namespace: 'AWS/ApplicationELB', treat_missing_data: 'notBreaching', dimensions: { LoadBalancer: ref('aws_lb', 'arn_suffix') } });
  });

  test('gives CodeDeploy the AWSCodeDeployRoleForECSLimited managed policy (docs/security.md)', () => {
    expect(byPath('aws_iam_role_policy_attachment', 'Deployment/ServiceRoleEcsPolicy').policy_arn).toBe(
      `arn:${dataRef('aws_partition', 'Partition', 'partition')}:iam::aws:policy/AWSCodeDeployRoleForECSLimited`,
    );
    expect(JSON.parse(byPath('aws_iam_role', 'Deployment/ServiceRole').assume_role_policy).Statement[0].Principal).toEqual({ Service: 'codedeploy.amazonaws.com' });
  });

  test('runs the hook on nodejs22.x under a name starting CodeDeployHook_', () => {
    expect(one('aws_lambda_function')).toMatchObject({ runtime: 'nodejs22.x', function_name: 'CodeDeployHook_bluegreen-dev', handler: 'index.handler' });
  });

  test('deploys the hook from a zip asset with a content hash', () => {
    const fn = one('aws_lambda_function');
    expect(fn.filename).toMatch(/^assets\/Hook_Code_[0-9A-F]+\/[0-9A-F]{32}\/hook\.zip$/);
    expect(Buffer.from(fn.source_code_hash, 'base64')).toHaveLength(32);
  });

  test("gives the hook a timeout longer than its check budget", () => {
    const fn = one('aws_lambda_function');
    expect(fn.timeout).toBeGreaterThan(Number(fn.environment.variables.HOOK_CHECK_BUDGET_IN_SECONDS));
    expect(fn.timeout).toBe(180);
  });

  test('writes the hook configuration into its environment with toHookEnvironment', () => {
    expect(one('aws_lambda_function').environment.variables).toEqual(
      toHookEnvironment({
        testBaseUrl: `http://${ref('aws_lb', 'dns_name')}:8080`,
        checks: [{ path: '/', expectedStatus: 200, bodyContains: 'nginx' }],
        checkBudgetInSeconds: 120,
      }),
    );
  });

  test("allows the hook to report only on this deployment group's lifecycle events", () => {
    const policy = policyOf(byPath('aws_iam_role_policy', 'Hook/RolePolicy'));
    const report = policy.Statement.find((s: Json) => s.Action === 'codedeploy:PutLifecycleEventHookExecutionStatus');
    expect(report.Resource).toBe(
      `arn:${dataRef('aws_partition', 'Partition', 'partition')}:codedeploy:us-east-1:${dataRef('aws_caller_identity', 'CallerIdentity', 'account_id')}:deploymentgroup:bluegreen-dev/bluegreen-dev`,
    );
  });

  test('grants the hook no wildcard action or resource', () => {
    const policy = policyOf(byPath('aws_iam_role_policy', 'Hook/RolePolicy'));
    for (const statement of policy.Statement) {
      for (const value of [statement.Action, statement.Resource].flat()) expect(value).not.toMatch(/^\*$|^[a-z0-9]+:\*$/);
    }
  });

  test('runs the dev hook outside the VPC', () => {
    expect(one('aws_lambda_function')).not.toHaveProperty('vpc_config');
    expect(Object.values(all('aws_iam_role_policy_attachment')).map((a) => a.policy_arn)).not.toContainEqual(expect.stringContaining('AWSLambdaVPCAccessExecutionRole'));
  });

  test('gives the hook a log group with retention, created before the function', () => {
    expect(byPath('aws_cloudwatch_log_group', 'Hook/LogGroup')).toMatchObject({ name: '/aws/lambda/CodeDeployHook_bluegreen-dev', retention_in_days: 7 });
    expect(one('aws_lambda_function').depends_on).toContain(`aws_cloudwatch_log_group.${idOf('aws_cloudwatch_log_group', 'Hook/LogGroup')}`);
  });

  test('stores the AppSpec rendered by renderAppSpecYaml for the current task definition and the hook', () => {
    const object = one('aws_s3_object');
    expect(object.content).toBe(
      renderAppSpecYaml({
        taskDefinitionArn: ref('aws_ecs_task_definition', 'arn'),
        containerName: 'web',
        containerPort: 80,
        hooks: { BeforeAllowTraffic: ref('aws_lambda_function', 'function_name') },
      }),
    );
    expect(object.key).toBe('bluegreen-dev/appspec.yaml');
    expect(object.tags).toEqual({ UseWithCodeDeploy: 'true' });
  });

  test('keeps AppSpec revisions in a versioned, encrypted, non-public bucket', () => {
    expect(one('aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(one('aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'AES256' });
    expect(one('aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one('aws_s3_object').depends_on).toContain(`aws_s3_bucket_versioning.${idOf('aws_s3_bucket_versioning', 'AppSpec/Versioning')}`);
  });

  test('refuses every request to the AppSpec bucket that does not use TLS', () => {
    const bucketArn = ref('aws_s3_bucket', 'arn');
    expect(policyOf(one('aws_s3_bucket_policy')).Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  test('declares every output of OUTPUT_NAMES at the top level (one service), and the services output', () => {
    expect(Object.keys(json.output).sort()).toEqual([...Object.values(OUTPUT_NAMES), SERVICES_OUTPUT].sort());
  });

  test('repeats the top-level outputs in the services output, under the service name "default"', () => {
    const services = json.output[SERVICES_OUTPUT].value;
    expect(Object.keys(services)).toEqual(['default']);
    expect(services.default).toEqual(Object.fromEntries(Object.values(OUTPUT_NAMES).map((name) => [name, json.output[name].value])));
  });

  test('outputs what the release needs with the right values', () => {
    const value = (name: string) => json.output[name].value;
    expect(value(OUTPUT_NAMES.region)).toBe('us-east-1');
    expect(value(OUTPUT_NAMES.containerName)).toBe('web');
    expect(value(OUTPUT_NAMES.containerPort)).toBe(80);
    expect(value(OUTPUT_NAMES.hookLifecycleEvents)).toBe('BeforeAllowTraffic');
    expect(value(OUTPUT_NAMES.deploymentConfigName)).toBe('CodeDeployDefault.ECSAllAtOnce');
    expect(value(OUTPUT_NAMES.taskDefinitionArn)).toBe(ref('aws_ecs_task_definition', 'arn'));
    expect(value(OUTPUT_NAMES.appSpecObjectVersionId)).toBe(ref('aws_s3_object', 'version_id'));
    expect(value(OUTPUT_NAMES.productionUrl)).toBe(`http://${ref('aws_lb', 'dns_name')}`);
    expect(value(OUTPUT_NAMES.testUrl)).toBe(`http://${ref('aws_lb', 'dns_name')}:8080`);
  });

  test('has no auto-release unless the environment asks for it', () => {
    expect(json.resource.null_resource).toBeUndefined();
    expect(json.provider.null).toBeUndefined();
  });

  test('keeps the construct ids of the main resources stable', () => {
    expect(idOf('aws_lb', 'LoadBalancer')).toBeDefined();
    expect(idOf('aws_lb_listener', 'LoadBalancer/ProductionListener')).toBeDefined();
    expect(idOf('aws_lb_listener', 'LoadBalancer/TestListener')).toBeDefined();
    expect(idOf('aws_codedeploy_deployment_group', 'Deployment/DeploymentGroup')).toBeDefined();
    expect(idOf('aws_lambda_function', 'Hook/Function')).toBeDefined();
    expect(idOf('aws_s3_object', 'AppSpec')).toBeDefined();
    expect(idOf('aws_ecs_task_definition', 'Service/TaskDefinition')).toBeDefined();
  });

  test('contains no path of the machine it was synthesized on', () => {
    expect(JSON.stringify(json)).not.toContain(process.cwd());
  });
});
