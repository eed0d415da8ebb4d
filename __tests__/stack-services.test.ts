/**
 * Stacks of several services: what the platform shares and what each service owns, dedicated load
 * balancers, per-service auto-release, the outputs, and the constructs composed by hand as another
 * CDKTF app would (`BlueGreenPlatform` + `BlueGreenService`).
 */
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import { BlueGreenPlatform } from '../constructs/platform';
import { BlueGreenService } from '../constructs/service';
import { manyServicesEnvironment } from '../stacks/many-services';
import { loadBalancerUsage } from '../config/routes';
import { resolveEnvironment, type EnvironmentConfig } from '../config/environment';
import { OUTPUT_NAMES, SERVICES_OUTPUT } from '../lib/outputs';
import { autoReleaseEnvironment } from '../lib/release-env';
import { refAt, resourceAt, resourcesOf } from '../test-support/stack-json';

type Json = Record<string, any>;
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';

function synth(environment: EnvironmentConfig): Json {
  return JSON.parse(Testing.synth(new BlueGreenStack(Testing.app(), `bluegreen-${environment.name}`, { environment })));
}
const values = (json: Json, type: string): Json[] => Object.values(resourcesOf(json, type));

// One synth per environment: the ten-service environment (HTTPS, test CIDRs) serves every test of the
// shared platform and of scale; one environment has both a dedicated load balancer and an auto-released
// service, each a per-service setting the other service does not share.
describe('an environment of ten services only', () => {
  const SERVICES = Array.from({ length: 10 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  const env = manyServicesEnvironment(10, { environment: { loadBalancer: { certificateArn: CERT }, testListener: { allowedCidrs: ['203.0.113.0/24', '2001:db8::/64'] } } });
  let json: Json;
  beforeAll(() => {
    json = synth(env);
  });

  test('shares one VPC, cluster, load balancer, CodeDeploy application and role, AppSpec bucket', () => {
    for (const type of ['aws_vpc', 'aws_ecs_cluster', 'aws_lb', 'aws_codedeploy_app', 'aws_s3_bucket', 'aws_nat_gateway']) expect([type, values(json, type)]).toEqual([type, [expect.anything()]]);
    expect(values(json, 'aws_iam_role').filter((r) => r.name.endsWith('-codedeploy'))).toHaveLength(1);
  });

  test('gives every service its own ECS service, target groups, listeners, group, hook, alarms, log groups and AppSpec object', () => {
    const counts = Object.fromEntries(
      ['aws_ecs_service', 'aws_ecs_task_definition', 'aws_lb_target_group', 'aws_codedeploy_deployment_group', 'aws_lambda_function', 'aws_cloudwatch_metric_alarm', 'aws_s3_object', 'aws_cloudwatch_log_group'].map((t) => [
        t,
        values(json, t).length,
      ]),
    );
    expect(counts).toEqual({
      aws_ecs_service: 10,
      aws_ecs_task_definition: 10,
      aws_lb_target_group: 20,
      aws_codedeploy_deployment_group: 10,
      aws_lambda_function: 10,
      aws_cloudwatch_metric_alarm: 40,
      aws_s3_object: 10,
      aws_cloudwatch_log_group: 20,
    });
    // Two listeners per service (production 443, then 8443 up; test 8080 up) and the HTTPS redirect, all on the one load balancer.
    const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
    expect(values(json, 'aws_lb_listener').map((l) => l.port).sort((a, b) => a - b)).toEqual([80, 443, ...range(8080, 10), ...range(8443, 9)]);
  });

  test('keeps the platform at the stack-level addresses and each service under its name', () => {
    expect(Object.keys(resourcesOf(json, 'aws_lb'))).toEqual([expect.stringMatching(/^LoadBalancer_[0-9A-F]{8}$/)]);
    expect(Object.keys(resourcesOf(json, 'aws_ecs_service')).sort()).toEqual(SERVICES.map((name) => expect.stringMatching(new RegExp(`^${name}_Service_`))));
  });

  test('deploys one hook archive for every hook, each allowed to report on its own deployment group only', () => {
    expect(new Set(values(json, 'aws_lambda_function').map((f) => f.filename)).size).toBe(1);
    for (const name of SERVICES) {
      const policy = JSON.parse(resourceAt(json, 'aws_iam_role_policy', `${name}/Hook/RolePolicy`).policy);
      expect(policy.Statement[0].Resource).toMatch(new RegExp(`:deploymentgroup:bluegreen-many/bluegreen-many-${name}$`));
    }
  });

  test('has as many security group rules on the load balancer as the quota check counts', () => {
    const resolved = resolveEnvironment(env);
    const [usage] = loadBalancerUsage(
      resolved.services.map((s) => ({ name: s.name, loadBalancer: s.routing.loadBalancer })),
      true,
      { productionCidrs: resolved.loadBalancer.allowedCidrs, testCidrs: ['192.0.2.1/32', ...resolved.testListener.allowedCidrs] },
    );
    const albSg = refAt(json, 'aws_security_group', 'LoadBalancer/SecurityGroup', 'id');
    const onAlb = (type: string) => values(json, type).filter((r) => r.security_group_id === albSg);
    const inbound = onAlb('aws_vpc_security_group_ingress_rule');
    expect({ ipv4: inbound.filter((r) => r.cidr_ipv4).length, ipv6: inbound.filter((r) => r.cidr_ipv6).length }).toEqual(usage!.inboundRules);
    expect(onAlb('aws_vpc_security_group_egress_rule')).toHaveLength(usage!.outboundRules);
    expect(values(json, 'aws_lb_listener')).toHaveLength(usage!.listeners);
  });

  test('declares only the services output, one entry per service with every output name', () => {
    expect(Object.keys(json.output)).toEqual([SERVICES_OUTPUT]);
    const services = json.output[SERVICES_OUTPUT].value;
    expect(Object.keys(services)).toEqual(SERVICES);
    for (const name of Object.keys(services)) expect(Object.keys(services[name]).sort()).toEqual(Object.values(OUTPUT_NAMES).sort());
    expect(services.s02[OUTPUT_NAMES.productionUrl]).toBe(`https://${refAt(json, 'aws_lb', 'LoadBalancer', 'dns_name')}:8443`);
  });

  test('ten services synthesize with 2 listeners, 2 target groups and one hook each', () => {
    // The HTTPS redirect is the one listener of the platform.
    expect(values(json, 'aws_lb_listener')).toHaveLength(2 * 10 + 1);
    expect(values(json, 'aws_lb_target_group')).toHaveLength(20);
    expect(values(json, 'aws_lambda_function')).toHaveLength(10);
    expect(Object.keys(json.output[SERVICES_OUTPUT].value)).toHaveLength(10);
  });
});

/** api (shared load balancer) asks for auto-release; admin (dedicated load balancer) does not. Synthesized once, when first used. */
let perService: Json | undefined;
const perServiceJson = (): Json =>
  (perService ??= synth({
    name: 'ded',
    region: 'eu-west-1',
    network: { mode: 'new', natGatewayCount: 1 },
    loadBalancer: { certificateArn: CERT },
    services: { api: { image: { external: 'nginx' }, autoRelease: true }, admin: { image: { external: 'nginx' }, routing: { loadBalancer: 'dedicated' } } },
  }));

// The ten-service environment above is HTTPS; without a certificate the listeners' wiring differs (no
// redirect, production on 80 then 8000 up), so three services over HTTP keep it covered.
describe('an environment of services over HTTP', () => {
  test('gives each service an HTTP production listener (80, then 8000 up) and a test listener (8080 up), with no redirect', () => {
    const json = synth(manyServicesEnvironment(3));
    const listeners = Object.entries(resourcesOf(json, 'aws_lb_listener')).map(([id, l]) => [id.replace(/_[0-9A-F]{8}$/, ''), l.port, l.protocol, l.default_action[0].type]);
    expect(listeners.sort((a, b) => a[1] - b[1])).toEqual([
      ['s01_LoadBalancer_ProductionListener', 80, 'HTTP', 'forward'],
      ['s02_LoadBalancer_ProductionListener', 8000, 'HTTP', 'forward'],
      ['s03_LoadBalancer_ProductionListener', 8001, 'HTTP', 'forward'],
      ['s01_LoadBalancer_TestListener', 8080, 'HTTP', 'forward'],
      ['s02_LoadBalancer_TestListener', 8081, 'HTTP', 'forward'],
      ['s03_LoadBalancer_TestListener', 8082, 'HTTP', 'forward'],
    ]);
    expect(values(json, 'aws_lb_target_group')).toHaveLength(6);
    expect(json.output[SERVICES_OUTPUT].value.s02[OUTPUT_NAMES.productionUrl]).toBe(`http://${refAt(json, 'aws_lb', 'LoadBalancer', 'dns_name')}:8000`);
  });
});

describe('a service with a dedicated load balancer', () => {
  let json: Json;
  beforeAll(() => {
    json = perServiceJson();
  });

  test('gets a load balancer and security group of its own, with its own HTTPS redirect', () => {
    expect(values(json, 'aws_lb').map((l) => l.name).sort()).toEqual(['bluegreen-ded', 'bluegreen-ded-admin']);
    expect(resourceAt(json, 'aws_security_group', 'admin/DedicatedLoadBalancer/SecurityGroup').name).toBe('bluegreen-ded-admin-alb');
    expect(resourceAt(json, 'aws_lb_listener', 'admin/DedicatedLoadBalancer/RedirectListener')).toMatchObject({ port: 80, load_balancer_arn: refAt(json, 'aws_lb', 'admin/DedicatedLoadBalancer', 'arn') });
  });

  test('puts its listeners on its own load balancer, on the default ports', () => {
    expect(resourceAt(json, 'aws_lb_listener', 'admin/LoadBalancer/ProductionListener')).toMatchObject({
      port: 443,
      load_balancer_arn: refAt(json, 'aws_lb', 'admin/DedicatedLoadBalancer', 'arn'),
    });
  });

  test('watches its target groups on its own load balancer', () => {
    const alarm = resourceAt(json, 'aws_cloudwatch_metric_alarm', 'admin/Alarms/BlueTarget5xxAlarm');
    expect(alarm.dimensions.LoadBalancer).toBe(refAt(json, 'aws_lb', 'admin/DedicatedLoadBalancer', 'arn_suffix'));
  });
});

describe('auto-release per service', () => {
  test('one null_resource per service that asks for it, one null provider, each with its own release environment', () => {
    const json = perServiceJson();
    expect(json.provider.null).toEqual([{}]);
    const [release] = values(json, 'null_resource');
    expect(values(json, 'null_resource')).toHaveLength(1);
    expect(release!.provisioner[0]['local-exec'].environment).toEqual(
      autoReleaseEnvironment({
        stackName: 'bluegreen-ded',
        region: 'eu-west-1',
        applicationName: refAt(json, 'aws_codedeploy_app', 'Deployment/Application', 'name'),
        deploymentGroupName: refAt(json, 'aws_codedeploy_deployment_group', 'api/Deployment/DeploymentGroup', 'deployment_group_name'),
        taskDefinitionArn: refAt(json, 'aws_ecs_task_definition', 'api/Service/TaskDefinition', 'arn'),
        containerName: 'app',
        containerPort: 80,
        hookFunctionName: refAt(json, 'aws_lambda_function', 'api/Hook/Function', 'function_name'),
        hookLogGroupName: refAt(json, 'aws_cloudwatch_log_group', 'api/Hook/LogGroup', 'name'),
        hookLifecycleEvents: ['BeforeAllowTraffic'],
      }),
    );
  });
});

describe('the constructs in an app of your own', () => {
  const environment: EnvironmentConfig = { name: 'lib', region: 'eu-west-1', network: { mode: 'new', natGatewayCount: 1 }, services: { api: { image: { external: 'nginx' } }, web: { image: { external: 'nginx' } } } };

  test('BlueGreenPlatform and BlueGreenService compose in any stack, under any ids', () => {
    const stack = new TerraformStack(Testing.app(), 'mine');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const platform = new BlueGreenPlatform(stack, 'Platform', { environment });
    const services = platform.serviceNames.map((name) => new BlueGreenService(stack, `Svc-${name}`, { platform, service: name }));
    const json = JSON.parse(Testing.synth(stack));
    expect(values(json, 'aws_ecs_service').map((s) => s.name).sort()).toEqual(['bluegreen-lib-api', 'bluegreen-lib-web']);
    expect(Object.keys(resourcesOf(json, 'aws_lb'))).toEqual([expect.stringMatching(/^Platform_LoadBalancer_/)]);
    expect(services.map((s) => s.outputs.containerPort.value)).toEqual([80, 80]);
  });

  test('refuses a service the environment does not declare, listing those it does, and a service built twice', () => {
    const stack = new TerraformStack(Testing.app(), 'mine');
    const platform = new BlueGreenPlatform(stack, 'Platform', { environment });
    expect(() => new BlueGreenService(stack, 'x', { platform, service: 'payments' })).toThrow('environment "lib" has no service "payments"; its services are "api", "web"');
    new BlueGreenService(stack, 'api', { platform, service: 'api' });
    expect(() => new BlueGreenService(stack, 'api-again', { platform, service: 'api' })).toThrow('service "api" of environment "lib" is built twice; build each service once');
  });
});
