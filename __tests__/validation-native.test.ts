/**
 * Validation and resolution of ECS-native services (`controller: 'ecs'`): every message names the
 * service, the field, the value and what is allowed; all problems at once; the limits are AWS's.
 */
import { resolveEnvironment, type EnvironmentConfig, type ServiceConfig } from '../config/environment';
import { validateEnvironment } from '../config/validation';
import { allocatePriorities } from '../config/native';
import { checkRouteProblem, conditionPattern, planListeners, routedChecks, sharedListeners } from '../config/native-routes';
import { HOOK_CHECKABLE_STAGES, hookStagesOf } from '../config/validation-native';
import { BEFORE_TEST_TRAFFIC } from '../hook-lambda/ecs-policy';
import { ECS_HOOK_STAGES } from '../hook-lambda/events';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';
const nginx = { image: { external: 'public.ecr.aws/nginx/nginx:stable' } };
const native = (extra: Record<string, unknown> = {}): ServiceConfig => ({ ...nginx, controller: 'ecs', routing: { hosts: ['api.example.com'] }, ...extra }) as ServiceConfig;
const env = (parts: Partial<EnvironmentConfig>): EnvironmentConfig => ({
  name: 'shop',
  region: 'eu-west-1',
  network: { mode: 'new', natGatewayCount: 1 },
  ...parts,
});
const withServices = (services: Record<string, unknown>, parts: Partial<EnvironmentConfig> = {}) => env({ services: services as EnvironmentConfig['services'], ...parts });

describe('a valid ECS-native service', () => {
  test.each([
    ['by host on the default shared listeners', withServices({ api: native() })],
    ['by path, linear', withServices({ api: native({ routing: { paths: ['/api/*'] }, deployment: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 12.5, stepBakeTimeInMinutes: 0 } }, hook: { checks: [{ path: '/api/health' }] } }) })],
    ['canary of 0.1 % with the pre-production stage', withServices({ api: native({ deployment: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.1 } }, hook: { lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] } }) })],
    ['beside a CodeDeploy service whose listeners it shares, with HTTPS', env({ service: nginx, services: { api: native() } as never, loadBalancer: { certificateArn: CERT } })],
    ['with listeners of its own', withServices({ api: native({ routing: { listeners: 'own', paths: ['/*'] } }), web: nginx })],
    ['migrating', withServices({ api: native({ routing: { listeners: 'own', paths: ['/*'] }, migration: { fromCodeDeploy: { productionTargetGroup: 'green' } } }) })],
    ['whose checks send a Host header a wildcard host matches', withServices({ api: native({ routing: { hosts: ['*.example.com'] }, hook: { checks: [{ path: '/', headers: { host: 'a.example.com' } }] } }) })],
    ['with native defaults at the environment level beside CodeDeploy ones', withServices({ api: native(), web: nginx }, { deployment: { trafficRouting: { type: 'linear', percentage: 10, intervalInMinutes: 1 }, strategy: 'CANARY', bakeTimeInMinutes: 0 } })],
  ])('%s', (_name, config) => {
    expect(validateEnvironment(config)).toEqual([]);
  });
});

describe('what AWS or the hook would refuse, refused at synth', () => {
  test.each<[string, EnvironmentConfig, string[]]>([
    ['a rule without condition', withServices({ api: native({ routing: {} }) }), ['services.api.routing must give hosts and/or paths: the production and test rules of controller "ecs" route by them, and a rule needs a condition, got neither']],
    [
      'bad host names and paths',
      withServices({ api: native({ routing: { hosts: ['api_x.example.com', 'a.example.com', 'a.example.com'], paths: ['api'] } }) }),
      [
        'services.api.routing.hosts[0] must be host name of up to 128 letters, digits, -, ., and the wildcards * and ?, got "api_x.example.com"',
        'services.api.routing.hosts[2] repeats "a.example.com"; each value may appear once',
        'services.api.routing.paths[0] must be path pattern starting with / of up to 128 characters (letters, digits, _-.$/~"\'@:+& and the wildcards * and ?), got "api"',
      ],
    ],
    [
      'more than 5 match evaluations per rule',
      withServices({ api: native({ routing: { hosts: ['a.example.com', 'b.example.com', 'c.example.com'], paths: ['/a', '/b', '/c'] }, hook: { checks: [{ path: '/a' }] } }) }),
      ['services.api.routing must have at most 5 hosts and paths in all (ALB: 5 match evaluations per rule), got 6'],
    ],
    ['more than 5 wildcards per rule', withServices({ api: native({ routing: { hosts: ['*.*.*.example.com', '*.*.*.x.com'] }, hook: { checks: [{ headers: { Host: 'a.b.c.example.com' } }] } }) }), ['services.api.routing must have at most 5 wildcards (* and ?) in its hosts and paths (ALB: 5 wildcards per rule), got 6']],
    ['a bake time over 24 hours', withServices({ api: native({ deployment: { bakeTimeInMinutes: 1441 } }) }), ['services.api.deployment.bakeTimeInMinutes must be an integer from 0 to 1440, got 1441']],
    ['an unknown strategy', withServices({ api: native({ deployment: { strategy: 'ROLLING' } }) }), ['services.api.deployment.strategy must be "BLUE_GREEN", "LINEAR", "CANARY", got "ROLLING"']],
    [
      'linear steps out of range',
      withServices({ api: native({ deployment: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.9, stepBakeTimeInMinutes: -1 } } }) }),
      [
        'services.api.deployment.linearConfiguration.stepPercent must be a number from 3 to 100 in steps of 0.1, got 2.9',
        'services.api.deployment.linearConfiguration.stepBakeTimeInMinutes must be an integer from 0 to 1440, got -1',
      ],
    ],
    ['a canary percent that is not a multiple of 0.1', withServices({ api: native({ deployment: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10.25 } } }) }), ['services.api.deployment.canaryConfiguration.canaryPercent must be a number from 0.1 to 100 in steps of 0.1, got 10.25']],
    [
      'a step setting of another strategy, and an unknown field',
      withServices({ api: native({ deployment: { strategy: 'CANARY', linearConfiguration: { stepPercnt: 10 } } }) }),
      ['services.api.deployment.linearConfiguration.stepPercnt is not a known field (allowed: stepPercent, stepBakeTimeInMinutes)', 'services.api.deployment.linearConfiguration applies to strategy "LINEAR" only; services.api deploys with strategy "CANARY", got {"stepPercnt":10}'],
    ],
    [
      'hook stages before the test rule leads to green',
      withServices({ api: native({ hook: { lifecycleStages: ['PRE_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT'] } }) }),
      [
        'services.api.hook.lifecycleStages[0] must be one of TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT: at PRE_SCALE_UP the test rule does not lead to green yet, so the hook would check blue (it answers FAILED there), got "PRE_SCALE_UP"',
        'services.api.hook.lifecycleStages[2] repeats "POST_TEST_TRAFFIC_SHIFT"; each stage may appear once',
      ],
    ],
    [
      'the pre-production stage of a blue/green deployment',
      withServices({ api: native({ hook: { lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] } }) }),
      ['services.api.hook.lifecycleStages[0] must be one of TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT: PRE_PRODUCTION_TRAFFIC_SHIFT runs before each production step of a LINEAR or CANARY deployment, and strategy BLUE_GREEN has none, got "PRE_PRODUCTION_TRAFFIC_SHIFT"'],
    ],
    ['no hook stage', withServices({ api: native({ hook: { lifecycleStages: [] } }) }), ['services.api.hook.lifecycleStages must list at least one of TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT, got []']],
    [
      'checks the test rule would not route to the service',
      withServices({ api: native({ routing: { hosts: ['api.example.com'], paths: ['/api/*'] }, hook: { checks: [{ path: '/health' }, { path: '/api/x', headers: { Host: 'web.example.com' } }] } }) }),
      [
        'services.api.hook.checks[0] must reach the service through its test rule: its path "/health" matches none of routing.paths ["/api/*"], so the test rule would not send it to the service',
        'services.api.hook.checks[1] must reach the service through its test rule: its Host header "web.example.com" matches none of routing.hosts ["api.example.com"], so the test rule would not send it to the service',
      ],
    ],
    [
      "the hook's default check against a path route",
      withServices({ api: native({ routing: { paths: ['/api/*'] } }) }),
      ['services.api.hook.checks (the hook\'s default GET /) must reach the service through its test rule: its path "/" matches none of routing.paths ["/api/*"], so the test rule would not send it to the service'],
    ],
    [
      'a wildcard first host and a check without Host header',
      withServices({ api: native({ routing: { hosts: ['*.example.com'] } }) }),
      ['services.api.hook.checks (the hook\'s default GET /) must reach the service through its test rule: it has no Host header and routing.hosts[0] "*.example.com" has a wildcard, so the stack cannot send one for it: give the check headers: { Host: \'<a name routing.hosts matches>\' }'],
    ],
    ['a priority out of range', withServices({ api: native({ routing: { hosts: ['a.example.com'], priority: 50001 } }) }), ['services.api.routing.priority must be an integer from 1 to 50000, got 50001']],
    [
      'two rules with one priority on one listener',
      withServices({ a: native({ routing: { hosts: ['a.example.com'], priority: 7 } }), b: native({ routing: { hosts: ['b.example.com'], priority: 7 } }) }),
      ['services.b.routing.priority must be unique on port 80 of the shared load balancer (a shared production listener), got 7, already the priority of services.a\'s rule', 'services.b.routing.priority must be unique on port 8080 of the shared load balancer (a shared test listener), got 7, already the priority of services.a\'s rule'],
    ],
    [
      'two rules matching the same requests on one listener',
      withServices({ a: native(), b: native() }),
      [
        'services.b.routing must not match exactly what services.a matches on port 80 of the shared load balancer (a shared production listener) (the rule with the higher priority number would never receive a request), got hosts ["api.example.com"] and paths []',
        'services.b.routing must not match exactly what services.a matches on port 8080 of the shared load balancer (a shared test listener) (the rule with the higher priority number would never receive a request), got hosts ["api.example.com"] and paths []',
      ],
    ],
    [
      'a production rule on the HTTPS redirect listener (mixed actions)',
      env({ services: { api: native({ routing: { hosts: ['a.example.com'], productionPort: 80 } }) } as never, loadBalancer: { certificateArn: CERT } }),
      ['services.api.routing.productionPort must not be port 80 of the shared load balancer (its HTTP to HTTPS redirect) for the production rule of services.api: ECS blue/green deployments fail on a listener whose rules mix forward with other actions (redirect, fixed-response, authenticate), got 80'],
    ],
    [
      "a production rule on another service's test listener",
      env({ service: nginx, services: { api: native({ routing: { hosts: ['a.example.com'], productionPort: 8080, testPort: 9000 } }) } as never }),
      ['services.api.routing.productionPort must be a production listener\'s port for the production rule of services.api, got 8080, port 8080 of the shared load balancer (the test listener of service)'],
    ],
    ['its test port equal to its production port', withServices({ api: native({ routing: { hosts: ['a.example.com'], testPort: 80 } }) }), ['services.api.routing.testPort must differ from loadBalancer.productionPort (80) for services.api: its test rule and production rule need different listeners, got 80']],
    [
      'more rules than the load balancer quota',
      withServices({ a: native({ routing: { hosts: ['a.example.com'] } }), b: native({ routing: { hosts: ['b.example.com'] } }) }, { quotas: { rulesPerLoadBalancer: 3 } }),
      ['ECS-native services on the shared load balancer must need at most 3 listener rules (quotas.rulesPerLoadBalancer; a production and a test rule each), got 4 for 2 services: a, b; give some of them routing.loadBalancer "dedicated", or raise the quota'],
    ],
    [
      'CodeDeploy fields on a native service and native fields on a CodeDeploy service',
      withServices({
        api: native({ deployment: { trafficRouting: { type: 'predefined', name: 'CodeDeployDefault.ECSAllAtOnce' } }, hook: { lifecycleEvents: ['BeforeAllowTraffic'] } }),
        web: { ...nginx, routing: { paths: ['/'] }, deployment: { strategy: 'CANARY' }, hook: { lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] } },
      }),
      [
        'services.api.deployment.trafficRouting applies to controller "codedeploy" only; services.api uses controller "ecs": use strategy, bakeTimeInMinutes, linearConfiguration or canaryConfiguration, got {"type":"predefined","name":"CodeDeployDefault.ECSAllAtOnce"}',
        'services.api.hook.lifecycleEvents applies to controller "codedeploy" only; services.api uses controller "ecs": use hook.lifecycleStages, got ["BeforeAllowTraffic"]',
        'services.web.routing.paths applies to controller "ecs" only; services.web uses controller "codedeploy" (its traffic routes are listeners of its own, not rules), got ["/"]',
        'services.web.deployment.strategy applies to controller "ecs" only; services.web uses controller "codedeploy": use trafficRouting and terminationWaitTimeInMinutes, got "CANARY"',
        'services.web.hook.lifecycleStages applies to controller "ecs" only; services.web uses controller "codedeploy": use hook.lifecycleEvents, got ["POST_TEST_TRAFFIC_SHIFT"]',
      ],
    ],
    [
      'a migration without listeners of its own, of an unknown target group',
      withServices({ api: native({ migration: { fromCodeDeploy: { productionTargetGroup: 'blau' } } }) }),
      [
        'services.api.migration.fromCodeDeploy.productionTargetGroup must be "blue" or "green": the target group CodeDeploy left serving production (aws ecs describe-services … loadBalancers[0].targetGroupArn), got "blau"',
        'services.api.migration needs services.api.routing.listeners "own": the service keeps the production and test listeners it had under CodeDeploy and adds its rules to them, got "shared"',
      ],
    ],
    ['a migration of a CodeDeploy service', withServices({ api: { ...nginx, migration: { fromCodeDeploy: { productionTargetGroup: 'blue' } } } }), ['services.api.migration switches a service to controller "ecs"; set services.api.controller to "ecs" with it, got controller "codedeploy"']],
    ['autoRelease (a CodeDeploy release)', withServices({ api: native({ autoRelease: true }) }), ['services.api.autoRelease starts a CodeDeploy release from terraform apply; services.api uses controller "ecs": set services.api.autoRelease to false and run npm run release after the apply, got true']],
    ['an unknown listener mode', withServices({ api: native({ routing: { hosts: ['a.example.com'], listeners: 'mine' } }) }), ['services.api.routing.listeners must be "shared", "own", got "mine"']],
  ])('%s', (_name, config, expected) => {
    expect(validateEnvironment(config)).toEqual(expected);
  });

  test('an environment-level native default is reported once, where it is written', () => {
    const problems = validateEnvironment(withServices({ a: native({ routing: { hosts: ['a.example.com'] } }), b: native({ routing: { hosts: ['b.example.com'] } }) }, { deployment: { bakeTimeInMinutes: -5 } }));
    expect(problems).toEqual(['deployment.bakeTimeInMinutes must be an integer from 0 to 1440, got -5']);
  });
});

describe('hook stages: what the stack refuses is what the hook refuses', () => {
  test('the checkable stages are the hook stages less those before test traffic', () => {
    expect([...HOOK_CHECKABLE_STAGES, ...BEFORE_TEST_TRAFFIC].sort()).toEqual([...ECS_HOOK_STAGES].sort());
    expect(hookStagesOf('LINEAR')).toContain('PRE_PRODUCTION_TRAFFIC_SHIFT');
    expect(hookStagesOf('CANARY')).toContain('PRE_PRODUCTION_TRAFFIC_SHIFT');
    expect(hookStagesOf('BLUE_GREEN')).not.toContain('PRE_PRODUCTION_TRAFFIC_SHIFT');
  });
});

describe('resolution', () => {
  test('priorities: declared ones kept, the others the first free multiple of 100 per load balancer, in order', () => {
    expect(
      allocatePriorities([
        { name: 'a', loadBalancer: 'shared', priority: undefined },
        { name: 'b', loadBalancer: 'shared', priority: 200 },
        { name: 'c', loadBalancer: 'shared', priority: undefined },
        { name: 'd', loadBalancer: 'dedicated', priority: undefined },
      ]),
    ).toEqual([100, 200, 300, 100]);
  });

  test("a native service inherits the environment's native defaults field by field, its own over them", () => {
    const resolved = resolveEnvironment(
      withServices({ api: native({ deployment: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 20 } } }) }, { deployment: { bakeTimeInMinutes: 30, linearConfiguration: { stepBakeTimeInMinutes: 2 } } }),
    );
    expect(resolved.services[0]!.native!.deployment).toEqual({
      strategy: 'LINEAR',
      bakeTimeInMinutes: 30,
      linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 2 },
      canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 },
    });
    expect(resolved.services[0]!.native!.lifecycleStages).toEqual(['POST_TEST_TRAFFIC_SHIFT']);
  });

  test('a shared native service takes the environment ports (never allocated); a CodeDeploy service added after it allocates around them', () => {
    const resolved = resolveEnvironment(withServices({ api: native(), web: nginx }));
    expect(resolved.services.map((s) => [s.name, s.routing.productionPort, s.routing.testPort])).toEqual([
      ['api', 80, 8080],
      ['web', 8000, 8081],
    ]);
    // The platform creates the two listeners api's rules need; web owns its own.
    expect(sharedListeners(resolved).map((l) => [l.port, l.role])).toEqual([
      [80, 'production'],
      [8080, 'test'],
    ]);
    expect(planListeners(resolved).filter((l) => l.owner === 'web').map((l) => l.port)).toEqual([8000, 8081]);
  });
});

describe('checks and the test rule', () => {
  test('wildcards: * any characters, ? one; hosts case-insensitive, paths case-sensitive', () => {
    expect(conditionPattern('*.example.com', false).test('A.Example.com')).toBe(true);
    expect(conditionPattern('/api/v?/*', true).test('/api/v2/x')).toBe(true);
    expect(conditionPattern('/API/*', true).test('/api/x')).toBe(false);
    expect(checkRouteProblem({ path: '/api/x?y=1' }, { hosts: [], paths: ['/api/*'] })).toBeUndefined();
  });

  test('a check without Host header gets the first host; one with its own keeps it', () => {
    expect(routedChecks([{ path: '/' }, { path: '/x', headers: { host: 'b.example.com' } }], { hosts: ['a.example.com', 'b.example.com'] })).toEqual([
      { path: '/', headers: { Host: 'a.example.com' } },
      { path: '/x', headers: { host: 'b.example.com' } },
    ]);
  });
});
