/**
 * The production example, `bluegreen-prod`, synthesized once: HTTPS, private subnets behind NAT, the
 * hook in the VPC, a test port closed to the internet, canary traffic, ECR and an S3 state backend.
 */
import { Testing } from 'cdktf';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import { prod } from '../stacks/environments';
import { OUTPUT_NAMES } from '../lib/outputs';
import { refAt as refAtPath, resourceAt, resourcesOf } from '../test-support/stack-json';

type Json = Record<string, any>;
let json: Json;
let warnings: string[];

beforeAll(() => {
  warnings = [];
  const stack = new BlueGreenStack(Testing.app(), { environment: prod, onWarning: (w) => warnings.push(w) });
  json = JSON.parse(Testing.synth(stack));
});

const all = (type: string): Record<string, Json> => resourcesOf(json, type);
const byPath = (type: string, path: string): Json => resourceAt(json, type, path);
const refAt = (type: string, path: string, attribute: string): string => refAtPath(json, type, path, attribute);
const ingress = () => Object.values(all('aws_vpc_security_group_ingress_rule'));

describe('bluegreen-prod stack', () => {
  test('prints no synth warning', () => {
    expect(warnings).toEqual([]);
  });

  test('keeps state in S3 with native locking', () => {
    expect(json.terraform.backend).toEqual({
      s3: { bucket: 'example-terraform-state-123456789012', key: 'bluegreen/prod.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  test('adds the environment tags to the provider default tags', () => {
    expect(json.provider.aws[0].default_tags).toEqual([{ tags: { 'cost-center': 'platform', environment: 'prod', project: 'bluegreen' } }]);
  });

  test('creates three private subnets, each routed through its own NAT gateway', () => {
    expect(Object.keys(all('aws_nat_gateway'))).toHaveLength(3);
    expect(Object.keys(all('aws_eip'))).toHaveLength(3);
    for (const i of [1, 2, 3]) {
      const route = byPath('aws_route', `Network/PrivateDefaultRoute${i}`);
      expect(route).toMatchObject({ destination_cidr_block: '0.0.0.0/0', nat_gateway_id: refAt('aws_nat_gateway', `Network/NatGateway${i}`, 'id') });
      expect(byPath('aws_subnet', `Network/PrivateSubnet${i}`).cidr_block).toBe(`10.20.${128 + (i - 1) * 16}.0/20`);
    }
  });

  test('serves production over HTTPS with the certificate and a TLS 1.3 policy', () => {
    expect(byPath('aws_lb_listener', 'LoadBalancer/ProductionListener')).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      certificate_arn: prod.loadBalancer!.certificateArn,
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
  });

  test('redirects HTTP on port 80 to HTTPS', () => {
    expect(byPath('aws_lb_listener', 'LoadBalancer/RedirectListener')).toMatchObject({
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
    });
  });

  test('opens the test port only to the NAT addresses and the listed CIDR', () => {
    const sources = ingress()
      .filter((r) => r.from_port === 9443)
      .map((r) => r.cidr_ipv4);
    expect(sources.sort()).toEqual(
      ['203.0.113.0/24', ...[1, 2, 3].map((i) => `${refAt('aws_eip', `Network/NatAddress${i}`, 'public_ip')}/32`)].sort(),
    );
  });

  test('never opens the test port to 0.0.0.0/0', () => {
    expect(ingress().filter((r) => r.from_port === 9443 && (r.cidr_ipv4 === '0.0.0.0/0' || r.cidr_ipv6 === '::/0'))).toEqual([]);
  });

  test('runs the tasks in the private subnets without public addresses', () => {
    const network = Object.values(all('aws_ecs_service'))[0]!.network_configuration;
    expect(network.assign_public_ip).toBe(false);
    expect(network.subnets).toEqual([1, 2, 3].map((i) => refAt('aws_subnet', `Network/PrivateSubnet${i}`, 'id')));
  });

  test('runs the hook in the private subnets with its own security group', () => {
    const fn = byPath('aws_lambda_function', 'Hook/Function');
    expect(fn.vpc_config).toEqual({
      subnet_ids: [1, 2, 3].map((i) => refAt('aws_subnet', `Network/PrivateSubnet${i}`, 'id')),
      security_group_ids: [refAt('aws_security_group', 'Hook/SecurityGroup', 'id')],
    });
  });

  test('gives the hook in the VPC the VPC access managed policy', () => {
    expect(byPath('aws_iam_role_policy_attachment', 'Hook/VpcAccess').policy_arn).toMatch(/:iam::aws:policy\/service-role\/AWSLambdaVPCAccessExecutionRole$/);
  });

  test('lets the hook out only to the test port and HTTPS', () => {
    const hookEgress = Object.values(all('aws_vpc_security_group_egress_rule')).filter((r) => r.security_group_id === refAt('aws_security_group', 'Hook/SecurityGroup', 'id'));
    expect(hookEgress.map((r) => [r.ip_protocol, r.from_port, r.to_port]).sort((a, b) => a[1] - b[1])).toEqual([
      ['tcp', 443, 443],
      ['tcp', 9443, 9443],
    ]);
  });

  test('shifts traffic with a custom 10% canary over 5 minutes', () => {
    const config = byPath('aws_codedeploy_deployment_config', 'Deployment/TrafficConfig');
    expect(config).toMatchObject({
      compute_platform: 'ECS',
      deployment_config_name: 'bluegreen-prod-traffic-canary-10pct-every-5min',
      traffic_routing_config: { type: 'TimeBasedCanary', time_based_canary: { percentage: 10, interval: 5 } },
    });
    const configName = refAt('aws_codedeploy_deployment_config', 'Deployment/TrafficConfig', 'deployment_config_name');
    expect(byPath('aws_codedeploy_deployment_group', 'Deployment/DeploymentGroup').deployment_config_name).toBe(configName);
    expect(json.output[OUTPUT_NAMES.deploymentConfigName].value).toBe(configName);
  });

  test('replaces the traffic config create-before-destroy (CodeDeploy refuses to delete a config its group still uses)', () => {
    expect(byPath('aws_codedeploy_deployment_config', 'Deployment/TrafficConfig').lifecycle).toEqual({ create_before_destroy: true });
  });

  test('keeps blue for 60 minutes after a successful release', () => {
    expect(byPath('aws_codedeploy_deployment_group', 'Deployment/DeploymentGroup').blue_green_deployment_config.terminate_blue_instances_on_deployment_success).toEqual({
      action: 'TERMINATE',
      termination_wait_time_in_minutes: 60,
    });
  });

  test('creates an ECR repository with immutable tags, scan on push and a lifecycle policy', () => {
    expect(byPath('aws_ecr_repository', 'ContainerRepository')).toMatchObject({ name: 'bluegreen-prod', image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } });
    const rules = JSON.parse(byPath('aws_ecr_lifecycle_policy', 'ContainerRepository/LifecyclePolicy').policy).rules;
    expect(rules.map((r: Json) => r.selection.tagStatus)).toEqual(['untagged', 'any']);
    expect(json.output[OUTPUT_NAMES.ecrRepositoryUrl].value).toBe(refAt('aws_ecr_repository', 'ContainerRepository', 'repository_url'));
  });

  test('runs the ECR image with the configured tag', () => {
    const [container] = JSON.parse(byPath('aws_ecs_task_definition', 'Service/TaskDefinition').container_definitions);
    expect(container.image).toBe(`${refAt('aws_ecr_repository', 'ContainerRepository', 'repository_url')}:bootstrap`);
    expect(container.environment).toEqual([{ name: 'NODE_ENV', value: 'production' }]);
  });

  test('lets the execution role pull only from the stack repository', () => {
    const statements = JSON.parse(byPath('aws_iam_role_policy', 'Service/ExecutionRolePolicy').policy).Statement;
    expect(statements.find((s: Json) => s.Sid === 'PullImage').Resource).toBe(refAt('aws_ecr_repository', 'ContainerRepository', 'arn'));
  });

  test('turns Container Insights on', () => {
    expect(byPath('aws_ecs_cluster', 'Service/Cluster').setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
  });

  test('gives the hook a timeout longer than its 300 s budget and its checks', () => {
    const fn = byPath('aws_lambda_function', 'Hook/Function');
    expect(fn.timeout).toBe(360);
    expect(fn.environment.variables).toMatchObject({ HOOK_CHECK_BUDGET_IN_SECONDS: '300', HOOK_REQUIRED_CONSECUTIVE_PASSES: '3' });
    expect(JSON.parse(fn.environment.variables.HOOK_CHECKS)).toEqual(prod.hook!.checks);
  });

  test('outputs HTTPS production and HTTP test URLs', () => {
    const dns = refAt('aws_lb', 'LoadBalancer', 'dns_name');
    expect(json.output[OUTPUT_NAMES.productionUrl].value).toBe(`https://${dns}`);
    expect(json.output[OUTPUT_NAMES.testUrl].value).toBe(`http://${dns}:9443`);
  });
});
