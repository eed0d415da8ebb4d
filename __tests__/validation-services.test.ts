/**
 * Validation across the services of an environment (`services`, or `service` beside them): names,
 * listener ports, quotas of the shared load balancer, and per-service settings named where the user
 * wrote them. Exact messages; every problem at once. Also the port allocation of resolveEnvironment.
 */
import type { EnvironmentConfig, ServiceConfig } from '../config/environment';
import { resolveEnvironment } from '../config/environment';
import { validateEnvironment } from '../config/validation';
import { allocatePorts, loadBalancerUsage, type RouteRequest } from '../config/routes';
import { serviceNames, NAME_LIMITS } from '../config/names';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';
const nginx: ServiceConfig = { image: { external: 'nginx:1.27' } };
const svc = (extra: Record<string, unknown> = {}): ServiceConfig => ({ ...nginx, ...extra }) as ServiceConfig;

/** Two services on the shared load balancer, NAT for the hooks, defaults elsewhere. */
const base: EnvironmentConfig = {
  name: 'shop',
  region: 'eu-west-1',
  network: { mode: 'new', natGatewayCount: 1 },
  services: { api: nginx, web: nginx },
};
const withParts = (parts: Record<string, unknown>): EnvironmentConfig => ({ ...base, ...parts }) as unknown as EnvironmentConfig;
const withServices = (services: Record<string, unknown>, parts: Record<string, unknown> = {}): EnvironmentConfig => withParts({ ...parts, services });

describe('validateEnvironment with several services', () => {
  test('accepts two services on the shared load balancer, a dedicated one, and service beside services', () => {
    expect(validateEnvironment(base)).toEqual([]);
    expect(validateEnvironment(withServices({ api: nginx, admin: svc({ routing: { loadBalancer: 'dedicated' } }) }))).toEqual([]);
    expect(validateEnvironment(withParts({ service: { ...nginx, name: 'web' }, services: { api: nginx } }))).toEqual([]);
  });

  // [behaviour, config, exact messages]
  const cases: Array<[string, EnvironmentConfig, string[]]> = [
    ['rejects services that is not an object', withParts({ services: [nginx] }), ['services must be an object of service name: service settings, got [{"image":{"external":"nginx:1.27"}}]']],
    ['rejects an environment with no service at all', withParts({ services: {} }), ['services must name at least one service (or give service), got {}']],
    ['rejects a service that is not an object', withServices({ api: nginx, web: 5 }), ['services.web must be an object with at least an image, got 5']],
    [
      'rejects a service name AWS names cannot carry',
      withServices({ Api: nginx }),
      ['services key must be 1-32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "Api"'],
    ],
    [
      'rejects a service name given twice (service.name and a key of services)',
      withParts({ service: { ...nginx, name: 'api' }, services: { api: nginx } }),
      [`service.name must differ from every key of services (a service's name is its key in the stack's services output and its --service), got "api"`],
    ],
    ['rejects a controller this version does not have', withServices({ api: svc({ controller: 'argo' }) }), ['services.api.controller must be "codedeploy" or "ecs" (the controllers this version has), got "argo"']],
    [
      'rejects routing fields of another controller (host and path routing needs listener rules)',
      withServices({ api: svc({ routing: { hosts: ['api.example.com'] } }) }),
      ['services.api.routing.hosts applies to controller "ecs" only; services.api uses controller "codedeploy" (its traffic routes are listeners of its own, not rules), got ["api.example.com"]'],
    ],
    ['rejects an unknown load balancer choice', withServices({ api: svc({ routing: { loadBalancer: 'own' } }) }), ['services.api.routing.loadBalancer must be "shared" or "dedicated", got "own"']],
    [
      'rejects a misspelt service field instead of ignoring it',
      withServices({ api: svc({ desiredcount: 3 }) }),
      [
        'services.api.desiredcount is not a known field (allowed: image, containerName, containerPort, cpu, memoryInMiB, desiredCount, environment, logRetentionInDays, containerInsights, healthCheckGracePeriodInSeconds, controller, migration, routing, deployment, alarms, hook, autoRelease, readonlyRootFilesystem, tmpfs, user, capabilities, initProcessEnabled, egress)',
      ],
    ],
    [
      'rejects a production port two services declare on the shared load balancer, naming both',
      withServices({ api: svc({ routing: { productionPort: 8000 } }), web: svc({ routing: { productionPort: 8000 } }) }),
      [
        'services.web.routing.productionPort must be a port no other service listens on at the shared load balancer (CodeDeploy moves traffic by rewriting a listener: each service needs listeners of its own), got 8000, already the production port of services.api',
      ],
    ],
    [
      "rejects a test port that is another service's production port",
      withParts({ service: nginx, services: { api: svc({ routing: { testPort: 80 } }) } }),
      [
        'services.api.routing.testPort must be a port no other service listens on at the shared load balancer (CodeDeploy moves traffic by rewriting a listener: each service needs listeners of its own), got 80, already the production port of service',
      ],
    ],
    [
      'rejects a test port equal to its own production port',
      withServices({ api: svc({ routing: { productionPort: 9000, testPort: 9000 } }) }),
      ['services.api.routing.testPort must differ from services.api.routing.productionPort (9000), got 9000'],
    ],
    [
      'rejects port 80 for a service listener when 80 redirects to HTTPS, on a dedicated load balancer too',
      withServices({ api: svc({ routing: { testPort: 80 } }), web: svc({ routing: { loadBalancer: 'dedicated', productionPort: 80 } }) }, { loadBalancer: { certificateArn: CERT } }),
      [
        'services.api.routing.testPort must not be 80 with a certificate (port 80 redirects to HTTPS), got 80',
        'services.web.routing.productionPort must not be 80 with a certificate (port 80 redirects to HTTPS), got 80',
      ],
    ],
    ['rejects a declared port out of range', withServices({ api: svc({ routing: { productionPort: 70000 } }) }), ['services.api.routing.productionPort must be an integer from 1 to 65535, got 70000']],
    [
      'allows the same ports on a dedicated load balancer as on the shared one',
      withServices({ api: svc({ routing: { productionPort: 8000 } }), web: svc({ routing: { loadBalancer: 'dedicated', productionPort: 8000 } }) }),
      [],
    ],
    [
      'rejects more listeners than the load balancer quota allows',
      withParts({ quotas: { listenersPerLoadBalancer: 4 }, loadBalancer: { certificateArn: CERT } }),
      [
        'services on the shared load balancer must need at most 4 listeners (quotas.listenersPerLoadBalancer; 2 per CodeDeploy service, 1 for the HTTPS redirect), got 5 for 2 services: api, web; give some of them routing.loadBalancer "dedicated", or raise the quota',
      ],
    ],
    [
      'counts the default 50 listeners: 25 services fit an HTTP load balancer, 26 do not',
      withServices(Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`s${i}`, nginx])), { network: { mode: 'new', natGatewayCount: 0 }, testListener: { allowPublicAccess: true } }),
      [
        `services on the shared load balancer must need at most 50 listeners (quotas.listenersPerLoadBalancer; 2 per CodeDeploy service), got 52 for 26 services: ${Array.from({ length: 26 }, (_, i) => `s${i}`).join(', ')}; give some of them routing.loadBalancer "dedicated", or raise the quota`,
      ],
    ],
    [
      'rejects more inbound rules than a security group may hold (IPv4 and IPv6 counted apart)',
      withParts({ quotas: { rulesPerSecurityGroup: 3 }, loadBalancer: { allowedCidrs: ['0.0.0.0/0', '::/0'] } }),
      [
        'services on the shared load balancer must need at most 3 inbound IPv4 rules in its security group (quotas.rulesPerSecurityGroup; per service one per loadBalancer.allowedCidrs entry and one per test listener source), got 4 for 2 services: api, web; give some of them routing.loadBalancer "dedicated", list fewer CIDRs, or raise the quota',
      ],
    ],
    ['rejects a quota that is not a count', withParts({ quotas: { listenersPerLoadBalancer: 0 } }), ['quotas.listenersPerLoadBalancer must be an integer from 1 to 1000, got 0']],
    [
      "names a service's own settings where it wrote them",
      withServices({ api: svc({ cpu: 300, hook: { checkBudgetInSeconds: 2, checks: [{ path: 'x' }] } }), web: svc({ image: { ecrTag: '.x' } }) }),
      [
        'services.api.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate CPU units), got 300',
        'services.api.hook.checks[0].path must be a string starting with "/" and without spaces, received "x"',
        'services.api.hook.checkBudgetInSeconds must be an integer from 10 to 840, got 2',
        'services.web.image.ecrTag must be an image tag (1-128 letters, digits, _ . -, not starting with . or -), got ".x"',
      ],
    ],
    [
      'reports an environment default every service inherits once, where it is written',
      withParts({ hook: { checkBudgetInSeconds: 5 }, deployment: { terminationWaitTimeInMinutes: -1 } }),
      ['deployment.terminationWaitTimeInMinutes must be an integer from 0 to 2880, got -1', 'hook.checkBudgetInSeconds must be an integer from 10 to 840, got 5'],
    ],
    [
      "names the override and the environment's default in a rule across both",
      withServices({ api: svc({ routing: { healthCheck: { timeoutInSeconds: 5 } } }), web: nginx }),
      ['services.api.routing.healthCheck.timeoutInSeconds must be less than loadBalancer.healthCheck.intervalInSeconds (5), got 5'],
    ],
    [
      "counts a service's alarms against CodeDeploy's 10 per deployment group",
      withServices({ api: svc({ alarms: { additionalAlarmNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } }) }),
      ["services.api.alarms must total at most 10 per deployment group (CodeDeploy's limit), got 11 (4 generated + 7 in services.api.alarms.additionalAlarmNames)"],
    ],
    ['names a per-service autoRelease that is not a boolean', withServices({ api: svc({ autoRelease: 'yes' }) }), ['services.api.autoRelease must be true or false, got "yes"']],
  ];

  test.each(cases)('%s', (_behaviour, config, messages) => {
    expect(validateEnvironment(config)).toEqual(messages);
  });
});

describe('listener port allocation', () => {
  const ports = (config: EnvironmentConfig) => resolveEnvironment(config).services.map((s) => [s.name, s.routing.productionPort, s.routing.testPort]);

  test('HTTP: the first service gets 80 and 8080, the next 8000 and 8081', () => {
    expect(ports(withServices({ a: nginx, b: nginx, c: nginx }))).toEqual([
      ['a', 80, 8080],
      ['b', 8000, 8081],
      ['c', 8001, 8082],
    ]);
  });

  test('HTTPS: 80 is the redirect; production from 443 then 8443', () => {
    expect(ports(withServices({ a: nginx, b: nginx }, { loadBalancer: { certificateArn: CERT } }))).toEqual([
      ['a', 443, 8080],
      ['b', 8443, 8081],
    ]);
  });

  test('service keeps exactly its configured ports; services skip every declared port', () => {
    const config = withParts({
      service: { ...nginx, name: 'legacy' },
      loadBalancer: { productionPort: 8000 },
      testListener: { port: 9000 },
      services: { a: nginx, b: svc({ routing: { productionPort: 8001, testPort: 9001 } }), c: nginx },
    });
    expect(ports(config)).toEqual([
      ['legacy', 8000, 9000],
      ['a', 8002, 9002],
      ['b', 8001, 9001],
      ['c', 8003, 9003],
    ]);
  });

  test('a dedicated load balancer starts from the defaults again', () => {
    expect(ports(withServices({ a: nginx, b: svc({ routing: { loadBalancer: 'dedicated' } }) }))).toEqual([
      ['a', 80, 8080],
      ['b', 80, 8080],
    ]);
  });

  test('a service added last never moves the ports of the others', () => {
    for (let n = 1; n < 12; n++) {
      const services = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`s${i}`, i % 3 === 1 ? svc({ routing: { productionPort: 8000 + i } }) : nginx]));
      expect(ports(withServices(services(n + 1))).slice(0, n)).toEqual(ports(withServices(services(n))));
    }
  });

  test('allocated ports never clash with each other or with declared ones (any mix of requests)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Every violation of every round, checked with one expect at the end: an expect per port was most
    // of this file's time.
    const problems: string[] = [];
    for (let round = 0; round < 200; round++) {
      const requests: RouteRequest[] = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => ({
        name: `s${i}`,
        loadBalancer: random() < 0.2 ? 'dedicated' : 'shared',
        productionPort: random() < 0.3 ? 8000 + Math.floor(random() * 10) : undefined,
        testPort: random() < 0.3 ? 8080 + Math.floor(random() * 10) : undefined,
      }));
      const https = random() < 0.5;
      const allocated = allocatePorts(requests, { https, productionPort: https ? 443 : 80, testPort: 8080 });
      const lbOf = (r: RouteRequest) => (r.loadBalancer === 'dedicated' ? r.name : 'shared');
      const portsByLb = new Map<string, number[]>();
      requests.forEach((r, i) => portsByLb.set(lbOf(r), [...(portsByLb.get(lbOf(r)) ?? []), allocated[i]!.productionPort, allocated[i]!.testPort]));
      requests.forEach((r, i) => {
        for (const [port, declared] of [
          [allocated[i]!.productionPort, r.productionPort],
          [allocated[i]!.testPort, r.testPort],
        ] as const) {
          if (declared !== undefined) continue;
          if (https && port === 80) problems.push(`round ${round}: ${r.name} got port 80 on HTTPS`);
          // An allocated port is taken by nothing else on its load balancer.
          const uses = portsByLb.get(lbOf(r))!.filter((p) => p === port).length;
          if (uses !== 1) problems.push(`round ${round}: ${r.name}'s allocated port ${port} is used ${uses} times on ${lbOf(r)}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });
});

describe('load balancer usage (what the quotas are checked against)', () => {
  test('counts 2 listeners and 2 target groups per service, the redirect once, rules per CIDR family', () => {
    expect(
      loadBalancerUsage(
        [
          { name: 'a', loadBalancer: 'shared' },
          { name: 'b', loadBalancer: 'shared' },
          { name: 'c', loadBalancer: 'dedicated' },
        ],
        true,
        { productionCidrs: ['0.0.0.0/0', '::/0'], testCidrs: ['203.0.113.0/24', '198.51.100.1/32'] },
      ),
    ).toEqual([
      { key: 'shared', services: ['a', 'b'], listeners: 5, targetGroups: 4, inboundRules: { ipv4: 1 + 2 * 3, ipv6: 1 + 2 * 1 }, outboundRules: 2 },
      { key: 'dedicated:c', services: ['c'], listeners: 3, targetGroups: 2, inboundRules: { ipv4: 1 + 3, ipv6: 1 + 1 }, outboundRules: 1 },
    ]);
  });
});

describe('service names', () => {
  test('a service of services is named <project>-<environment>-<service>; service keeps the stack-level names', () => {
    expect(serviceNames('bluegreen', 'prod', 'api')).toMatchObject({
      service: 'bluegreen-prod-api',
      blueTargetGroup: 'bluegreen-prod-api-blue',
      deploymentGroup: 'bluegreen-prod-api',
      hookFunction: 'CodeDeployHook_bluegreen-prod-api',
      serviceLogGroup: '/ecs/bluegreen-prod-api',
      appSpecObjectKey: 'bluegreen-prod/api/appspec.yaml',
      tasksSecurityGroup: 'bluegreen-prod-api-tasks',
    });
    expect(serviceNames('bluegreen', 'prod')).toMatchObject({ service: 'bluegreen-prod', blueTargetGroup: 'bluegreen-prod-blue', appSpecObjectKey: 'bluegreen-prod/appspec.yaml' });
  });

  test('stay within AWS limits and distinct for the longest names', () => {
    const names = [serviceNames('p'.repeat(32), 'e'.repeat(32), 's'.repeat(31) + 'a'), serviceNames('p'.repeat(32), 'e'.repeat(32), 's'.repeat(31) + 'b')];
    for (const n of names) {
      expect(n.blueTargetGroup.length).toBeLessThanOrEqual(NAME_LIMITS.targetGroup);
      expect(n.dedicatedLoadBalancer.length).toBeLessThanOrEqual(NAME_LIMITS.loadBalancer);
      expect(n.hookFunction.length).toBeLessThanOrEqual(NAME_LIMITS.lambdaFunction);
      expect(n.hookRole.length).toBeLessThanOrEqual(NAME_LIMITS.iamRole);
      expect(n.hookFunction.startsWith('CodeDeployHook_')).toBe(true);
    }
    for (const kind of Object.keys(names[0]!) as (keyof (typeof names)[0])[]) expect([kind, names[0]![kind] === names[1]![kind]]).toEqual([kind, false]);
  });
});
