/**
 * ECS-native services in a synthesized stack: the service, its rules and roles, where the rules go
 * (shared listeners the platform creates, or a service's own), what the hook checks, the outputs, the
 * migration apply, and building the constructs by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import { BlueGreenPlatform } from '../constructs/platform';
import { BlueGreenService } from '../constructs/service';
import { NativeBlueGreenService } from '../constructs/native-service';
import { ECS_OWNED_SERVICE_ATTRIBUTES, MIGRATION_IGNORED_SERVICE_ATTRIBUTES } from '../constructs/fargate-service';
import { ECS_OWNED_RULE_ATTRIBUTES } from '../constructs/native-routing';
import { loadBalancerUsage } from '../config/routes';
import { ownsListeners, sharedListeners } from '../config/native-routes';
import { resolveEnvironment, type EnvironmentConfig, type ServiceConfig } from '../config/environment';
import { OUTPUT_NAMES, SERVICES_OUTPUT } from '../lib/outputs';
import { refAt, resourceAt, resourcesOf } from '../test-support/stack-json';

type Json = Record<string, any>;
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';
const nginx = { image: { external: 'public.ecr.aws/nginx/nginx:stable' } };

function synth(environment: EnvironmentConfig): Json {
  return JSON.parse(Testing.synth(new BlueGreenStack(Testing.app(), `bluegreen-${environment.name}`, { environment })));
}
const values = (json: Json, type: string): Json[] => Object.values(resourcesOf(json, type));
const policy = (json: Json, path: string) => JSON.parse(resourceAt(json, 'aws_iam_role_policy', path).policy);

/** Two native services on the shared HTTPS listener by host and by path, and nothing else. */
const natives: EnvironmentConfig = {
  name: 'nat',
  region: 'eu-west-1',
  network: { mode: 'new', natGatewayCount: 1 },
  loadBalancer: { certificateArn: CERT },
  testListener: { allowedCidrs: ['203.0.113.0/24'] },
  services: {
    shop: { ...nginx, controller: 'ecs', routing: { hosts: ['shop.example.com'] }, deployment: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 } } },
    docs: {
      ...nginx,
      controller: 'ecs',
      routing: { paths: ['/docs', '/docs/*'] },
      alarms: { enabled: false },
      hook: { checks: [{ path: '/docs/health' }], lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] },
    },
  },
};

describe('ECS-native services on shared listeners the platform creates', () => {
  let json: Json;
  beforeAll(() => {
    json = synth(natives);
  });

  test('the platform creates one HTTPS production and one HTTP test listener, forwarding unmatched requests to an empty target group', () => {
    const listeners = values(json, 'aws_lb_listener').filter((l) => l.port !== 80);
    expect(listeners.map((l) => [l.port, l.protocol]).sort()).toEqual([
      [443, 'HTTPS'],
      [8080, 'HTTP'],
    ]);
    const unrouted = resourceAt(json, 'aws_lb_target_group', 'LoadBalancer/UnroutedTargetGroup');
    expect(unrouted.name).toBe('bluegreen-nat-unrouted');
    for (const l of listeners) {
      expect(l.default_action).toEqual([{ type: 'forward', target_group_arn: refAt(json, 'aws_lb_target_group', 'LoadBalancer/UnroutedTargetGroup', 'arn') }]);
      expect(l.lifecycle).toBeUndefined();
    }
  });

  test('each service has a production and a test rule, same conditions and allocated priority, weighted forwards, action ignored', () => {
    const rule = (svc: string, which: string) => resourceAt(json, 'aws_lb_listener_rule', `${svc}/Routing/${which}Rule`);
    const tg = (svc: string, colour: string) => refAt(json, 'aws_lb_target_group', `${svc}/LoadBalancer/${colour}TargetGroup`, 'arn');
    expect(rule('shop', 'Production').condition).toEqual([{ host_header: { values: ['shop.example.com'] } }]);
    expect(rule('docs', 'Test').condition).toEqual([{ path_pattern: { values: ['/docs', '/docs/*'] } }]);
    expect([rule('shop', 'Production').priority, rule('shop', 'Test').priority, rule('docs', 'Production').priority]).toEqual([100, 100, 200]);
    expect(rule('shop', 'Production').action[0].forward.target_group).toEqual([
      { arn: tg('shop', 'Blue'), weight: 100 },
      { arn: tg('shop', 'Green'), weight: 0 },
    ]);
    expect(rule('shop', 'Test').action[0].forward.target_group).toEqual([
      { arn: tg('shop', 'Blue'), weight: 0 },
      { arn: tg('shop', 'Green'), weight: 100 },
    ]);
    for (const r of values(json, 'aws_lb_listener_rule')) expect(r.lifecycle).toEqual({ ignore_changes: ECS_OWNED_RULE_ATTRIBUTES });
    expect(ECS_OWNED_RULE_ATTRIBUTES).toEqual(['action']);
  });

  test('the ECS service: controller ECS, its strategy, hook, advanced configuration, alarms, circuit breaker; ECS-owned attributes ignored', () => {
    const shop = resourceAt(json, 'aws_ecs_service', 'shop/Service');
    expect(shop.deployment_controller).toEqual({ type: 'ECS' });
    expect(shop.deployment_configuration).toEqual({
      strategy: 'LINEAR',
      bake_time_in_minutes: '5',
      linear_configuration: { step_percent: 25, step_bake_time_in_minutes: '2' },
      lifecycle_hook: [
        {
          hook_target_arn: refAt(json, 'aws_lambda_function', 'shop/Hook/Function', 'arn'),
          role_arn: refAt(json, 'aws_iam_role', 'shop/Native/HookInvokeRole', 'arn'),
          lifecycle_stages: ['POST_TEST_TRAFFIC_SHIFT'],
          hook_details: '{"service":"shop"}',
        },
      ],
    });
    expect(shop.load_balancer).toEqual([
      {
        target_group_arn: refAt(json, 'aws_lb_target_group', 'shop/LoadBalancer/BlueTargetGroup', 'arn'),
        container_name: 'app',
        container_port: 80,
        advanced_configuration: {
          alternate_target_group_arn: refAt(json, 'aws_lb_target_group', 'shop/LoadBalancer/GreenTargetGroup', 'arn'),
          production_listener_rule: refAt(json, 'aws_lb_listener_rule', 'shop/Routing/ProductionRule', 'arn'),
          test_listener_rule: refAt(json, 'aws_lb_listener_rule', 'shop/Routing/TestRule', 'arn'),
          role_arn: refAt(json, 'aws_iam_role', 'shop/Native/InfrastructureRole', 'arn'),
        },
      },
    ]);
    expect(shop.alarms).toEqual({ alarm_names: expect.arrayContaining([expect.stringContaining('shop_Alarms_')]), enable: true, rollback: true });
    expect(shop.alarms.alarm_names).toHaveLength(4);
    expect(shop.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(shop.lifecycle).toEqual({ ignore_changes: ECS_OWNED_SERVICE_ATTRIBUTES });
    expect(ECS_OWNED_SERVICE_ATTRIBUTES).toEqual(['task_definition', 'load_balancer']);
    // docs: no alarms enabled and none listed, so no alarms block; its two stages in ECS's order.
    const docs = resourceAt(json, 'aws_ecs_service', 'docs/Service');
    expect(docs.alarms).toBeUndefined();
    expect(docs.deployment_configuration.lifecycle_hook[0].lifecycle_stages).toEqual(['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT']);
    expect(docs.deployment_configuration.linear_configuration).toBeUndefined();
  });

  test('the roles are named like the service\'s other roles', () => {
    expect(resourceAt(json, 'aws_iam_role', 'shop/Native/InfrastructureRole').name).toBe('bluegreen-nat-shop-ecs-infrastructure');
    expect(resourceAt(json, 'aws_iam_role', 'shop/Native/HookInvokeRole').name).toBe('bluegreen-nat-shop-hook-invoke');
  });

  test('the roles trust ECS only and reach nothing but the service\'s own target groups, rules, listeners and hook', () => {
    for (const path of ['shop/Native/InfrastructureRole', 'shop/Native/HookInvokeRole']) {
      expect(JSON.parse(resourceAt(json, 'aws_iam_role', path).assume_role_policy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    }
    const infra = policy(json, 'shop/Native/InfrastructureRolePolicy').Statement;
    const unscoped = infra.filter((s: Json) => s.Resource === '*');
    expect(unscoped.map((s: Json) => s.Action)).toEqual([['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth']]);
    const byAction = Object.fromEntries(infra.filter((s: Json) => s.Resource !== '*').map((s: Json) => [[s.Action].flat().join(','), s.Resource]));
    expect(byAction).toEqual({
      'elasticloadbalancing:RegisterTargets,elasticloadbalancing:DeregisterTargets': ['Blue', 'Green'].map((c) => refAt(json, 'aws_lb_target_group', `shop/LoadBalancer/${c}TargetGroup`, 'arn')),
      'elasticloadbalancing:ModifyRule': ['Production', 'Test'].map((r) => refAt(json, 'aws_lb_listener_rule', `shop/Routing/${r}Rule`, 'arn')),
      'elasticloadbalancing:ModifyListener': [443, 8080].map((port) => refAt(json, 'aws_lb_listener', `LoadBalancer/SharedListener${port}/Listener`, 'arn')),
    });
    expect(policy(json, 'shop/Native/HookInvokeRolePolicy').Statement).toEqual([{ Sid: 'InvokeOwnHook', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: refAt(json, 'aws_lambda_function', 'shop/Hook/Function', 'arn') }]);
    // The hook reports nothing to anyone: only its logs.
    expect(policy(json, 'shop/Hook/RolePolicy').Statement.map((s: Json) => s.Sid)).toEqual(['WriteOwnLogs']);
  });

  test('the hook checks the test listener, with the host name of a host route', () => {
    const fn = resourceAt(json, 'aws_lambda_function', 'shop/Hook/Function');
    expect(fn.environment.variables.HOOK_TEST_BASE_URL).toBe(`http://${refAt(json, 'aws_lb', 'LoadBalancer', 'dns_name')}:8080`);
    expect(JSON.parse(fn.environment.variables.HOOK_CHECKS)).toEqual([{ headers: { Host: 'shop.example.com' } }]);
    expect(JSON.parse(resourceAt(json, 'aws_lambda_function', 'docs/Hook/Function').environment.variables.HOOK_CHECKS)).toEqual([{ path: '/docs/health' }]);
  });

  test('no CodeDeploy resource belongs to a native service', () => {
    expect(values(json, 'aws_codedeploy_deployment_group')).toEqual([]);
    expect(values(json, 'aws_s3_object')).toEqual([]);
  });

  test('as many listeners, target groups and security group rules as the quota check counts', () => {
    const resolved = resolveEnvironment(natives);
    const [usage] = loadBalancerUsage(
      resolved.services.map((s) => ({ name: s.name, loadBalancer: s.routing.loadBalancer, ownsListeners: ownsListeners(s) })),
      true,
      { productionCidrs: resolved.loadBalancer.allowedCidrs, testCidrs: [...Array.from({ length: 1 }, () => '192.0.2.1/32'), ...resolved.testListener.allowedCidrs] },
      sharedListeners(resolved).map((l) => ({ loadBalancer: l.loadBalancer, role: l.role as 'production' | 'test' })),
    );
    const albSg = refAt(json, 'aws_security_group', 'LoadBalancer/SecurityGroup', 'id');
    const inbound = values(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === albSg);
    expect({ ipv4: inbound.filter((r) => r.cidr_ipv4).length, ipv6: inbound.filter((r) => r.cidr_ipv6).length }).toEqual(usage!.inboundRules);
    expect(values(json, 'aws_lb_listener')).toHaveLength(usage!.listeners);
    expect(values(json, 'aws_lb_target_group')).toHaveLength(usage!.targetGroups);
  });

  test('the services output: deployment_controller ECS, the rules and target groups, CodeDeploy outputs empty', () => {
    const shop = json.output[SERVICES_OUTPUT].value.shop;
    expect(Object.keys(shop).sort()).toEqual(Object.values(OUTPUT_NAMES).sort());
    expect(shop).toMatchObject({
      [OUTPUT_NAMES.deploymentController]: 'ECS',
      [OUTPUT_NAMES.hookLifecycleStages]: 'POST_TEST_TRAFFIC_SHIFT',
      [OUTPUT_NAMES.productionListenerRuleArn]: refAt(json, 'aws_lb_listener_rule', 'shop/Routing/ProductionRule', 'arn'),
      [OUTPUT_NAMES.testListenerRuleArn]: refAt(json, 'aws_lb_listener_rule', 'shop/Routing/TestRule', 'arn'),
      [OUTPUT_NAMES.blueTargetGroupArn]: refAt(json, 'aws_lb_target_group', 'shop/LoadBalancer/BlueTargetGroup', 'arn'),
      [OUTPUT_NAMES.taskDefinitionArn]: refAt(json, 'aws_ecs_task_definition', 'shop/Service/TaskDefinition', 'arn'),
      [OUTPUT_NAMES.applicationName]: '',
      [OUTPUT_NAMES.deploymentGroupName]: '',
      [OUTPUT_NAMES.appSpecObjectKey]: '',
      [OUTPUT_NAMES.hookLifecycleEvents]: '',
      [OUTPUT_NAMES.productionUrl]: `https://${refAt(json, 'aws_lb', 'LoadBalancer', 'dns_name')}`,
    });
  });
});

describe('a CodeDeploy service switching to ECS (the migration apply)', () => {
  const switching = (target: 'blue' | 'green'): EnvironmentConfig => ({
    name: 'mig',
    region: 'eu-west-1',
    network: { mode: 'new', natGatewayCount: 1 },
    service: { ...nginx, controller: 'ecs', routing: { listeners: 'own', paths: ['/*'] }, migration: { fromCodeDeploy: { productionTargetGroup: target } } } as ServiceConfig,
  });

  test('keeps its listeners, deployment group and AppSpec; the live target group is the primary; load_balancer is sent', () => {
    const json = synth(switching('green'));
    // The stack-level addresses of a CodeDeploy service, unchanged.
    for (const [type, path] of [
      ['aws_lb_listener', 'LoadBalancer/ProductionListener'],
      ['aws_lb_listener', 'LoadBalancer/TestListener'],
      ['aws_codedeploy_deployment_group', 'Deployment/DeploymentGroup'],
      ['aws_s3_object', 'AppSpec'],
      ['aws_lambda_function', 'Hook/Function'],
      ['aws_ecs_service', 'Service'],
    ]) {
      expect(() => resourceAt(json, type!, path!)).not.toThrow();
    }
    const service = resourceAt(json, 'aws_ecs_service', 'Service');
    expect(service.lifecycle).toEqual({ ignore_changes: MIGRATION_IGNORED_SERVICE_ATTRIBUTES });
    expect(MIGRATION_IGNORED_SERVICE_ATTRIBUTES).not.toContain('load_balancer');
    expect(service.load_balancer[0].target_group_arn).toBe(refAt(json, 'aws_lb_target_group', 'LoadBalancer/GreenTargetGroup', 'arn'));
    expect(service.load_balancer[0].advanced_configuration.alternate_target_group_arn).toBe(refAt(json, 'aws_lb_target_group', 'LoadBalancer/BlueTargetGroup', 'arn'));
    const production = resourceAt(json, 'aws_lb_listener_rule', 'Routing/ProductionRule');
    expect(production.listener_arn).toBe(refAt(json, 'aws_lb_listener', 'LoadBalancer/ProductionListener', 'arn'));
    expect(production.action[0].forward.target_group[0]).toEqual({ arn: refAt(json, 'aws_lb_target_group', 'LoadBalancer/GreenTargetGroup', 'arn'), weight: 100 });
    // The hook may still report to the deployment group while it exists.
    expect(policy(json, 'Hook/RolePolicy').Statement[0].Action).toBe('codedeploy:PutLifecycleEventHookExecutionStatus');
    expect(json.output[OUTPUT_NAMES.deploymentController].value).toBe('ECS');
  });

  test('without migration the same service has none of the CodeDeploy resources and ignores load_balancer', () => {
    const config = switching('blue');
    const { migration: _m, ...service } = config.service!;
    const json = synth({ ...config, service });
    expect(values(json, 'aws_codedeploy_deployment_group')).toEqual([]);
    expect(resourceAt(json, 'aws_ecs_service', 'Service').lifecycle).toEqual({ ignore_changes: ECS_OWNED_SERVICE_ATTRIBUTES });
  });
});

describe('docs/native.md says what the stack ignores', () => {
  test('its drift table lists exactly the ECS-owned attributes of the service and the rules', () => {
    const text = readFileSync(join(__dirname, '..', 'docs', 'native.md'), 'utf8');
    const section = text.slice(text.indexOf('## Drift: what ECS owns'), text.indexOf('## Migration from CodeDeploy'));
    const rows = [...section.matchAll(/^\| `(aws_[a-z_]+)`[^|]*\| `([a-z_]+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([...ECS_OWNED_SERVICE_ATTRIBUTES.map((a) => ['aws_ecs_service', a]), ...ECS_OWNED_RULE_ATTRIBUTES.map((a) => ['aws_lb_listener_rule', a])]);
  });
});

describe('building the constructs by hand', () => {
  const app = () => {
    const stack = new TerraformStack(Testing.app(), 'hand');
    new AwsProvider(stack, 'Aws', { region: 'eu-west-1' });
    return stack;
  };
  const environment: EnvironmentConfig = { name: 'hand', region: 'eu-west-1', network: { mode: 'new', natGatewayCount: 1 }, service: nginx, services: { api: { ...nginx, controller: 'ecs', routing: { hosts: ['api.example.com'] } } } };

  test('each controller has its class, and each refuses the other', () => {
    const stack = app();
    const platform = new BlueGreenPlatform(stack, 'Default', { environment });
    expect(() => new BlueGreenService(stack, 'api', { platform, service: 'api' })).toThrow('service "api" uses controller "ecs": build it with NativeBlueGreenService (constructs/native-service.ts)');
    expect(() => new NativeBlueGreenService(platform, 'Default', { platform, service: 'default' })).toThrow('service "default" uses controller "codedeploy": build it with BlueGreenService');
  });

  test('a native service whose rules go on a service\'s listener is built after that service', () => {
    const stack = app();
    const platform = new BlueGreenPlatform(stack, 'Default', { environment });
    expect(() => new NativeBlueGreenService(stack, 'api', { platform, service: 'api' })).toThrow(
      'the production rule of services.api goes on port 80, the production listener of service: build that service before services.api',
    );
  });

  test('in order, they synthesize: the rules on the CodeDeploy service\'s listeners', () => {
    const stack = app();
    const platform = new BlueGreenPlatform(stack, 'Default', { environment });
    new BlueGreenService(platform, 'Default', { platform, service: 'default' });
    const api = new NativeBlueGreenService(stack, 'api', { platform, service: 'api' });
    const json = JSON.parse(Testing.synth(stack));
    expect(resourceAt(json, 'aws_lb_listener_rule', 'api/Routing/ProductionRule').listener_arn).toBe(refAt(json, 'aws_lb_listener', 'LoadBalancer/ProductionListener', 'arn'));
    expect(api.hookStages).toEqual(['POST_TEST_TRAFFIC_SHIFT']);
  });
});
