/**
 * Routes of CodeDeploy services on load balancers: listener port allocation, and the count of
 * listeners and security group rules each load balancer ends up with, for the quota checks. Pure: no
 * cdktf imports, no I/O.
 *
 * A CodeDeploy deployment group's traffic routes are listeners: `prodTrafficRoute.listenerArns` and
 * `testTrafficRoute.listenerArns` each hold at most one listener ARN (CodeDeploy API reference,
 * TrafficRoute), and CodeDeploy moves traffic by rewriting that listener's default rule (Amazon ECS
 * developer guide, "Migrate CodeDeploy blue/green deployments to Amazon ECS blue/green deployments":
 * "Each listener is configured with a single (default) rule that routes all traffic to a single target
 * group"). Two services on one load balancer therefore need two listener ports each.
 */
import { isIpv6Cidr } from './subnets';

/** First production port offered after `loadBalancer.productionPort`, with and without HTTPS. */
export const NEXT_PRODUCTION_PORT = { https: 8443, http: 8000 } as const;

/** Port the HTTPS redirect listener takes on every load balancer with a certificate. */
export const REDIRECT_PORT = 80;

/**
 * Quotas of one Application Load Balancer and its security group (AWS defaults; adjustable ones can
 * be raised per account, see `quotas` in the environment):
 * - listeners per ALB 50 (adjustable), target groups per ALB 100 (not adjustable):
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * - inbound and outbound rules per security group 60 each, counted separately for IPv4 and IPv6
 *   (adjustable): https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export const LOAD_BALANCER_QUOTAS = { listeners: 50, targetGroups: 100, rulesPerSecurityGroup: 60 } as const;

/** Which load balancer a service's listeners are on, and the ports it declares. */
export interface RouteRequest {
  readonly name: string;
  readonly loadBalancer: 'shared' | 'dedicated';
  /** Declared production port; undefined: allocate one. */
  readonly productionPort: unknown;
  /** Declared test port; undefined: allocate one. */
  readonly testPort: unknown;
}

/** Where allocation starts. */
export interface PortDefaults {
  readonly https: boolean;
  /** `loadBalancer.productionPort` (resolved). */
  readonly productionPort: unknown;
  /** `testListener.port` (resolved). */
  readonly testPort: unknown;
}

const isPort = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;

/** Key of the load balancer a request is on: `shared`, or one per dedicated service. */
export function loadBalancerKey(request: Pick<RouteRequest, 'name' | 'loadBalancer'>): string {
  return request.loadBalancer === 'dedicated' ? `dedicated:${request.name}` : 'shared';
}

function* candidates(first: unknown, from: number): Generator<number> {
  if (isPort(first)) yield first;
  for (let port = from; port <= 65535; port++) yield port;
}

/**
 * Listener ports of each service, in request order. Declared ports are kept as given (an invalid one
 * too, for validation to report). Then, in declaration order, each missing port is the first one not
 * yet taken on the service's load balancer (by a declared port, an earlier allocation or, with HTTPS,
 * the redirect on 80): production from `loadBalancer.productionPort`, then 8443… (HTTPS) or 8000…;
 * test from `testListener.port` upwards. A service added last never moves the others' ports;
 * reordering or removing services can, so declare the ports clients depend on.
 */
export function allocatePorts(requests: readonly RouteRequest[], defaults: PortDefaults): { productionPort: number; testPort: number }[] {
  const taken = new Map<string, Set<number>>();
  const portsOf = (key: string): Set<number> => {
    let set = taken.get(key);
    if (!set) taken.set(key, (set = new Set(defaults.https ? [REDIRECT_PORT] : [])));
    return set;
  };
  for (const r of requests) {
    for (const port of [r.productionPort, r.testPort]) if (isPort(port)) portsOf(loadBalancerKey(r)).add(port);
  }
  const pick = (used: Set<number>, options: Generator<number>): number => {
    for (const port of options) {
      if (!used.has(port)) {
        used.add(port);
        return port;
      }
    }
    return 0; // Every port taken: far beyond the listener quota, which validation reports.
  };
  return requests.map((r) => {
    const used = portsOf(loadBalancerKey(r));
    const productionPort =
      r.productionPort !== undefined ? (r.productionPort as number) : pick(used, candidates(defaults.productionPort, defaults.https ? NEXT_PRODUCTION_PORT.https : NEXT_PRODUCTION_PORT.http));
    const testPort = r.testPort !== undefined ? (r.testPort as number) : pick(used, candidates(defaults.testPort, isPort(defaults.testPort) ? defaults.testPort + 1 : 8080));
    return { productionPort, testPort };
  });
}

/** What the security group of a load balancer lets in, per service. */
export interface IngressSources {
  /** CIDRs allowed to the production port (and, with HTTPS, to the redirect). */
  readonly productionCidrs: readonly string[];
  /** CIDRs allowed to each test port (NAT addresses, listed CIDRs, or 0.0.0.0/0 by opt-in). */
  readonly testCidrs: readonly string[];
}

/** Listeners, target groups and security group rules of one load balancer. */
export interface LoadBalancerUsage {
  /** `shared` or `dedicated:<service>`. */
  readonly key: string;
  /** Services on it, in order. */
  readonly services: readonly string[];
  readonly listeners: number;
  readonly targetGroups: number;
  readonly inboundRules: { readonly ipv4: number; readonly ipv6: number };
  /** One rule per service (to its tasks' security group). */
  readonly outboundRules: number;
}

/** A service on a load balancer, as the usage counts it. */
export interface UsageRoute extends Pick<RouteRequest, 'name' | 'loadBalancer'> {
  /**
   * It creates a production and a test listener of its own (and opens their ports).
   * @default true (a CodeDeploy service; an ECS-native one on shared listeners has none)
   */
  readonly ownsListeners?: boolean;
}

/** A listener the platform creates for ECS-native rules (config/native-routes.ts sharedListeners). */
export interface SharedListenerUsage {
  /** Key of its load balancer ({@link loadBalancerKey}). */
  readonly loadBalancer: string;
  readonly role: 'production' | 'test';
}

/**
 * What each load balancer holds: per service a blue and a green target group and one egress rule;
 * per service that owns its listeners a production and a test listener and ingress rules for both
 * ports; per shared listener the platform creates for ECS-native rules the listener and its ingress
 * rules, plus one empty target group for their default action; with HTTPS one redirect listener and
 * its ingress rules. Counted the way constructs/load-balancer.ts, constructs/service-listeners.ts and
 * constructs/shared-listeners.ts create them (a test holds them together).
 */
export function loadBalancerUsage(routes: readonly UsageRoute[], https: boolean, sources: IngressSources, shared: readonly SharedListenerUsage[] = []): LoadBalancerUsage[] {
  const family = (cidrs: readonly string[]) => ({ ipv6: cidrs.filter((c) => isIpv6Cidr(c)).length, ipv4: cidrs.filter((c) => !isIpv6Cidr(c)).length });
  const production = family(sources.productionCidrs);
  const test = family(sources.testCidrs);
  const byKey = new Map<string, UsageRoute[]>();
  for (const r of routes) byKey.set(loadBalancerKey(r), [...(byKey.get(loadBalancerKey(r)) ?? []), r]);
  return [...byKey].map(([key, onLb]) => {
    const n = onLb.length;
    const owning = onLb.filter((r) => r.ownsListeners !== false).length;
    const sharedHere = shared.filter((l) => l.loadBalancer === key);
    const sharedProduction = sharedHere.filter((l) => l.role === 'production').length;
    const sharedTest = sharedHere.length - sharedProduction;
    const redirect = https ? 1 : 0;
    const productionPorts = redirect + owning + sharedProduction;
    const testPorts = owning + sharedTest;
    return {
      key,
      services: onLb.map((r) => r.name),
      listeners: 2 * owning + sharedHere.length + redirect,
      targetGroups: 2 * n + (sharedHere.length > 0 ? 1 : 0),
      inboundRules: {
        ipv4: productionPorts * production.ipv4 + testPorts * test.ipv4,
        ipv6: productionPorts * production.ipv6 + testPorts * test.ipv6,
      },
      outboundRules: n,
    };
  });
}
