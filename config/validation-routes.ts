/**
 * Validation across the services of one environment: their names, their listener ports on each load
 * balancer, the resource names they would create, and the load balancers' quotas. Every message names
 * the service(s) concerned. Pure: no cdktf imports, no I/O.
 */
import { isCidr } from './subnets';
import { LOAD_BALANCER_QUOTAS, loadBalancerKey, loadBalancerUsage, REDIRECT_PORT, type LoadBalancerUsage } from './routes';
import { serviceNames } from './names';
import { isInt, show, type Problems } from './problems';
import { isSharedNative, type ResolvedEnvironment, type ResolvedService, type ServiceEntry } from './resolve';
import { ownsListeners, sharedListeners } from './native-routes';

/** The services' names: valid, and one name per service. Returns true when they are. */
export function validateServiceNames(entries: readonly ServiceEntry[], p: Problems): boolean {
  const before = p.list.length;
  for (const e of entries) {
    if (e.stackLevel) {
      const name = (e.spec as { name?: unknown }).name;
      if (name !== undefined) p.name('service.name', name);
    } else {
      p.name('services key', e.name);
    }
  }
  const stack = entries.find((e) => e.stackLevel);
  if (stack && entries.some((e) => !e.stackLevel && e.name === stack.name)) {
    p.add(`service.name must differ from every key of services (a service's name is its key in the stack's services output and its --service), got ${show(stack.name)}`);
  }
  return p.list.length === before;
}

/** Where a service's listener port comes from: the field the user wrote, or `undefined` when allocated. */
function portFields(e: ServiceEntry): { production: string | undefined; test: string | undefined } {
  const routing = (e.spec.routing ?? {}) as { productionPort?: unknown; testPort?: unknown };
  return {
    production: routing.productionPort !== undefined ? `${e.field}.routing.productionPort` : e.stackLevel ? 'loadBalancer.productionPort' : undefined,
    test: routing.testPort !== undefined ? `${e.field}.routing.testPort` : e.stackLevel ? 'testListener.port' : undefined,
  };
}

function loadBalancerLabel(s: Pick<ResolvedService, 'field' | 'routing'>): string {
  return s.routing.loadBalancer === 'dedicated' ? `the dedicated load balancer of ${s.field}` : 'the shared load balancer';
}

/**
 * Listener ports: each declared port in range, the test port apart from the production port, neither
 * on 80 with HTTPS (the redirect), and no port used twice on one load balancer. Allocated ports never
 * clash (config/routes.ts skips taken ones); a clash is reported on the later service.
 */
export function validatePorts(env: ResolvedEnvironment, entries: readonly ServiceEntry[], p: Problems): void {
  const https = env.loadBalancer.certificateArn !== undefined;
  const listening = new Map<string, Map<number, string>>();
  env.services.forEach((s, i) => {
    // ECS-native rules on shared listeners share ports by design: config/validation-native.ts checks them.
    if (isSharedNative(entries[i]!)) return;
    const fields = portFields(entries[i]!);
    const ports = [
      { field: fields.production, value: s.routing.productionPort, role: 'production' },
      { field: fields.test, value: s.routing.testPort, role: 'test' },
    ];
    const valid = ports.map(({ field, value }) => field === undefined || p.option('service.routing.productionPort', value, field));
    for (const [j, { field, value }] of ports.entries()) {
      if (field !== undefined && valid[j] && https && value === REDIRECT_PORT) {
        p.add(`${field} must not be ${REDIRECT_PORT} with a certificate (port ${REDIRECT_PORT} redirects to HTTPS), got ${REDIRECT_PORT}`);
      }
    }
    if (valid[0] && valid[1] && s.routing.testPort === s.routing.productionPort && fields.test !== undefined) {
      p.add(`${fields.test} must differ from ${fields.production} (${s.routing.productionPort}), got ${s.routing.testPort}`);
      return;
    }
    const key = loadBalancerKey({ name: s.name, loadBalancer: s.routing.loadBalancer });
    const used = listening.get(key) ?? new Map<number, string>();
    listening.set(key, used);
    for (const [j, { field, value, role }] of ports.entries()) {
      if (!valid[j] || !isInt(value)) continue;
      const owner = used.get(value);
      if (owner !== undefined && field !== undefined) {
        p.add(
          `${field} must be a port no other service listens on at ${loadBalancerLabel(s)} (CodeDeploy moves traffic by rewriting a listener: each service needs listeners of its own), got ${value}, already ${owner}`,
        );
      } else if (owner === undefined) {
        used.set(value, `the ${role} port of ${s.field}`);
      }
    }
  });
}

function describeUsage(usage: LoadBalancerUsage, env: ResolvedEnvironment): string {
  const first = env.services.find((s) => s.name === usage.services[0]);
  const label = first ? loadBalancerLabel(first) : 'a load balancer';
  return `services on ${label}`;
}

/**
 * The load balancers' quotas: listeners and target groups per Application Load Balancer, and rules of
 * its security group (inbound IPv4 and IPv6 counted apart, outbound), as config/routes.ts counts them.
 */
export function validateQuotas(env: ResolvedEnvironment, p: Problems): void {
  const q = env.quotas;
  const listenersOk = p.option('quotas.listenersPerLoadBalancer', q.listenersPerLoadBalancer);
  if (!p.option('quotas.rulesPerSecurityGroup', q.rulesPerSecurityGroup) || !listenersOk) return;
  const t = env.testListener;
  const validCidrs = (list: unknown): string[] => (Array.isArray(list) ? list.filter((c): c is string => isCidr(c)) : []);
  const natCount = env.network.mode === 'new' && isInt(env.network.natGatewayCount) ? env.network.natGatewayCount : 0;
  const testCidrs = t.allowPublicAccess === true ? ['0.0.0.0/0'] : [...Array.from({ length: natCount }, () => '192.0.2.1/32'), ...validCidrs(t.allowedCidrs)];
  const https = env.loadBalancer.certificateArn !== undefined;
  const usages = loadBalancerUsage(
    env.services.map((s) => ({ name: s.name, loadBalancer: s.routing.loadBalancer, ownsListeners: ownsListeners(s) })),
    https,
    { productionCidrs: validCidrs(env.loadBalancer.allowedCidrs), testCidrs },
    sharedListeners(env).map((l) => ({ loadBalancer: l.loadBalancer, role: l.role as 'production' | 'test' })),
  );
  const perService = env.services.some((s) => s.controller === 'ecs')
    ? '2 per service with listeners of its own (CodeDeploy, or routing.listeners "own"), 1 per other port of ECS-native rules'
    : '2 per CodeDeploy service';
  for (const usage of usages) {
    const who = describeUsage(usage, env);
    const names = `${usage.services.length} service${usage.services.length === 1 ? '' : 's'}: ${usage.services.join(', ')}`;
    const relief = 'give some of them routing.loadBalancer "dedicated"';
    if (usage.listeners > q.listenersPerLoadBalancer) {
      p.add(
        `${who} must need at most ${q.listenersPerLoadBalancer} listeners (quotas.listenersPerLoadBalancer; ${perService}${https ? ', 1 for the HTTPS redirect' : ''}), got ${usage.listeners} for ${names}; ${relief}, or raise the quota`,
      );
    }
    if (usage.targetGroups > LOAD_BALANCER_QUOTAS.targetGroups) {
      p.add(`${who} must need at most ${LOAD_BALANCER_QUOTAS.targetGroups} target groups (AWS's fixed limit per Application Load Balancer; 2 per service), got ${usage.targetGroups} for ${names}; ${relief}`);
    }
    for (const family of ['ipv4', 'ipv6'] as const) {
      const count = usage.inboundRules[family];
      if (count > q.rulesPerSecurityGroup) {
        p.add(
          `${who} must need at most ${q.rulesPerSecurityGroup} inbound ${family === 'ipv4' ? 'IPv4' : 'IPv6'} rules in its security group (quotas.rulesPerSecurityGroup; per service one per loadBalancer.allowedCidrs entry and one per test listener source${https ? ', plus the redirect' : ''}), got ${count} for ${names}; ${relief}, list fewer CIDRs, or raise the quota`,
        );
      }
    }
    if (usage.outboundRules > q.rulesPerSecurityGroup) {
      p.add(`${who} must need at most ${q.rulesPerSecurityGroup} outbound rules in its security group (quotas.rulesPerSecurityGroup; one per service), got ${usage.outboundRules} for ${names}; ${relief}`);
    }
  }
}

/**
 * Names the services would give AWS resources, per kind: two services must never create the same
 * one. Names that had to be shortened carry a hash of the full name, so a clash is unlikely, but it
 * would make the second create fail on apply, so it is refused here.
 */
export function validateGeneratedNames(env: ResolvedEnvironment, p: Problems): void {
  const seen = new Map<string, string>();
  for (const s of env.services) {
    if (typeof s.name !== 'string') continue;
    const { dedicatedLoadBalancer, dedicatedLoadBalancerSecurityGroup, ...names } = serviceNames(env.project, env.name, s.stackLevel ? undefined : s.name, s.name);
    const created = s.routing.loadBalancer === 'dedicated' ? { ...names, dedicatedLoadBalancer, dedicatedLoadBalancerSecurityGroup } : names;
    for (const [kind, value] of Object.entries(created)) {
      const key = `${kind}\u0000${value}`;
      const owner = seen.get(key);
      if (owner !== undefined) p.add(`${s.field} must not create the same ${kind} name as ${owner}, got ${show(value)} for both; rename one of the services`);
      else seen.set(key, s.field);
    }
  }
}

/**
 * Resource names two environments of one app would both create. `bluegreen-dev` with a service `api`
 * and an environment `dev-api` both name things `bluegreen-dev-api`; in one account the second apply
 * would fail (IAM role names are global to the account, the others to a region). Problems by
 * environment name, each naming the other environment and service; environments are compared in order.
 */
export function environmentNameClashes(environments: readonly ResolvedEnvironment[]): Map<string, string[]> {
  const owners = new Map<string, string>();
  const problems = new Map<string, string[]>();
  for (const env of environments) {
    const mine = new Map<string, string>();
    for (const s of env.services) {
      const { dedicatedLoadBalancer, dedicatedLoadBalancerSecurityGroup, ...names } = serviceNames(env.project, env.name, s.stackLevel ? undefined : s.name, s.name);
      const created = s.routing.loadBalancer === 'dedicated' ? { ...names, dedicatedLoadBalancer, dedicatedLoadBalancerSecurityGroup } : names;
      for (const [kind, value] of Object.entries(created)) mine.set(`${kind}\u0000${value}`, `${s.field} of environment ${show(env.name)}`);
    }
    // One message per pair of services, naming a shared name and how many there are.
    const shared = new Map<string, string[]>();
    for (const [key, where] of mine) {
      const owner = owners.get(key);
      if (owner === undefined) continue;
      const pair = `${where.replace(/ of environment .*$/, '')}\u0000${owner}`;
      shared.set(pair, [...(shared.get(pair) ?? []), key.split('\u0000')[1]!]);
    }
    for (const [pair, values] of shared) {
      const [field, owner] = pair.split('\u0000');
      const list = problems.get(env.name) ?? [];
      list.push(
        `${field} must not be named like ${owner}: both would create ${values.length} resources with the same names, such as ${show(values[0])} (in one AWS account the second apply fails); rename the environment or the service`,
      );
      problems.set(env.name, list);
    }
    for (const [key, where] of mine) if (!owners.has(key)) owners.set(key, where);
  }
  return problems;
}

