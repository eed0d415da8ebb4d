/**
 * The production example, `bluegreen-prod`, synthesized once: HTTPS, private subnets behind NAT, the
 * hooks in the VPC, test ports closed to the internet, canary traffic, ECR and an S3 state backend; its
 * first service `web` at the stack-level addresses, `api` beside it on the same load balancer.
 */
import { Testing } from 'cdktf';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import { prod } from '../stacks/environments';
import { OUTPUT_NAMES, SERVICES_OUTPUT } from '../lib/outputs';
import { refAt as refAtPath, resourceAt, resourcesOf } from '../test-support/stack-json';

type Json = Record<string, any>;
let json: Json;
let warnings: string[];

beforeAll(() => {
  warnings = [];
  const stack = new BlueGreenStack(Testing.app(), 'bluegreen-prod', { environment: prod, onWarning: (w) => warnings.push(w) });
  json = JSON.parse(Testing.synth(stack));
});

const all = (type: string): Record<string, Json> => resourcesOf(json, type);
const byPath = (type: string, path: string): Json => resourceAt(json, type, path);
const refAt = (type: string, path: string, attribute: string): string => refAtPath(json, type, path, attribute);
const ingress = () => Object.values(all('aws_vpc_security_group_ingress_rule'));
const web = (): Json => json.output[SERVICES_OUTPUT].value.web;

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

  test('runs the tasks of its three services in the private subnets without public addresses', () => {
    const services = Object.values(all('aws_ecs_service'));
    expect(services).toHaveLength(3);
    for (const { network_configuration: network } of services) {
      expect(network.assign_public_ip).toBe(false);
      expect(network.subnets).toEqual([1, 2, 3].map((i) => refAt('aws_subnet', `Network/PrivateSubnet${i}`, 'id')));
    }
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
    expect(web()[OUTPUT_NAMES.deploymentConfigName]).toBe(configName);
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
    expect(web()[OUTPUT_NAMES.ecrRepositoryUrl]).toBe(refAt('aws_ecr_repository', 'ContainerRepository', 'repository_url'));
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
    expect(web()[OUTPUT_NAMES.productionUrl]).toBe(`https://${dns}`);
    expect(web()[OUTPUT_NAMES.testUrl]).toBe(`http://${dns}:9443`);
  });

  describe('the api service beside web', () => {
    test('shares the one load balancer, cluster, CodeDeploy application, AppSpec bucket and network', () => {
      for (const type of ['aws_lb', 'aws_ecs_cluster', 'aws_codedeploy_app', 'aws_vpc']) expect([type, Object.keys(all(type))]).toEqual([type, [expect.any(String)]]);
      // The AppSpec bucket, and (production posture) the access-log bucket: one each for the three services.
      expect(Object.keys(all('aws_s3_bucket')).sort()).toEqual([expect.stringMatching(/^AccessLogs_Bucket_/), expect.stringMatching(/^AppSpec_Bucket_/)]);
      // web and api are CodeDeploy services; reports (ECS-native) has no deployment group.
      expect(Object.keys(all('aws_codedeploy_deployment_group'))).toHaveLength(2);
      expect(Object.keys(all('aws_lambda_function'))).toHaveLength(3);
    });

    test('listens on its declared production port 8443 and the allocated test port 9444, over its own listeners', () => {
      expect(byPath('aws_lb_listener', 'api/LoadBalancer/ProductionListener')).toMatchObject({ port: 8443, protocol: 'HTTPS', load_balancer_arn: refAt('aws_lb', 'LoadBalancer', 'arn') });
      expect(byPath('aws_lb_listener', 'api/LoadBalancer/TestListener')).toMatchObject({ port: 9444, protocol: 'HTTP' });
      const ports = Object.values(all('aws_lb_listener')).map((l) => l.port).sort((a, b) => a - b);
      expect(ports).toEqual([80, 443, 8443, 9443, 9444]);
    });

    test('is named bluegreen-prod-api, with target groups of its own', () => {
      expect(byPath('aws_ecs_service', 'api/Service').name).toBe('bluegreen-prod-api');
      expect(byPath('aws_lb_target_group', 'api/LoadBalancer/BlueTargetGroup')).toMatchObject({ name: 'bluegreen-prod-api-blue', port: 3000 });
      expect(byPath('aws_lb_target_group', 'api/LoadBalancer/GreenTargetGroup').health_check.path).toBe('/healthz');
      expect(byPath('aws_lambda_function', 'api/Hook/Function').function_name).toBe('CodeDeployHook_bluegreen-prod-api');
    });

    test("routes its deployment group through its own listeners and target groups", () => {
      expect(byPath('aws_codedeploy_deployment_group', 'api/Deployment/DeploymentGroup')).toMatchObject({
        app_name: refAt('aws_codedeploy_app', 'Deployment/Application', 'name'),
        deployment_group_name: 'bluegreen-prod-api',
        service_role_arn: refAt('aws_iam_role', 'Deployment/ServiceRole', 'arn'),
        load_balancer_info: {
          target_group_pair_info: {
            prod_traffic_route: { listener_arns: [refAt('aws_lb_listener', 'api/LoadBalancer/ProductionListener', 'arn')] },
            test_traffic_route: { listener_arns: [refAt('aws_lb_listener', 'api/LoadBalancer/TestListener', 'arn')] },
            target_group: [{ name: refAt('aws_lb_target_group', 'api/LoadBalancer/BlueTargetGroup', 'name') }, { name: refAt('aws_lb_target_group', 'api/LoadBalancer/GreenTargetGroup', 'name') }],
          },
        },
      });
    });

    test('shifts its traffic with its own linear config, web keeping the environment\'s canary', () => {
      expect(byPath('aws_codedeploy_deployment_config', 'api/Deployment/TrafficConfig').deployment_config_name).toBe('bluegreen-prod-api-traffic-linear-20pct-every-1min');
      expect(byPath('aws_codedeploy_deployment_config', 'Deployment/TrafficConfig').deployment_config_name).toBe('bluegreen-prod-traffic-canary-10pct-every-5min');
    });

    test("lets its hook report on api's deployment group only", () => {
      const statements = JSON.parse(byPath('aws_iam_role_policy', 'api/Hook/RolePolicy').policy).Statement;
      expect(statements.find((st: Json) => st.Sid === 'ReportLifecycleEventVerdict').Resource).toMatch(/:deploymentgroup:bluegreen-prod\/bluegreen-prod-api$/);
      expect(JSON.parse(byPath('aws_lambda_function', 'api/Hook/Function').environment.variables.HOOK_CHECKS)).toEqual([{ path: '/healthz', expectedStatus: 200 }]);
    });

    test('opens its ports on the shared security group: production to the allowed CIDRs, test to the NAT addresses and the listed CIDR', () => {
      expect(ingress().filter((r) => r.from_port === 8443).map((r) => r.cidr_ipv4)).toEqual(['0.0.0.0/0']);
      expect(ingress().filter((r) => r.from_port === 9444).map((r) => r.cidr_ipv4).sort()).toEqual(
        ['203.0.113.0/24', ...[1, 2, 3].map((i) => `${refAt('aws_eip', `Network/NatAddress${i}`, 'public_ip')}/32`)].sort(),
      );
    });

    test('has only the services output: two services have no top-level outputs', () => {
      expect(Object.keys(json.output)).toEqual([SERVICES_OUTPUT]);
      const api = json.output[SERVICES_OUTPUT].value.api;
      expect(Object.keys(api).sort()).toEqual(Object.values(OUTPUT_NAMES).sort());
      expect(api).toMatchObject({
        [OUTPUT_NAMES.serviceName]: refAt('aws_ecs_service', 'api/Service', 'name'),
        [OUTPUT_NAMES.productionUrl]: `https://${refAt('aws_lb', 'LoadBalancer', 'dns_name')}:8443`,
        [OUTPUT_NAMES.testUrl]: `http://${refAt('aws_lb', 'LoadBalancer', 'dns_name')}:9444`,
        [OUTPUT_NAMES.appSpecObjectKey]: refAt('aws_s3_object', 'api/AppSpec', 'key'),
        [OUTPUT_NAMES.applicationName]: refAt('aws_codedeploy_app', 'Deployment/Application', 'name'),
      });
      expect(byPath('aws_s3_object', 'api/AppSpec').key).toBe('bluegreen-prod/api/appspec.yaml');
    });
  });
});
