/**
 * The listeners of each load balancer and the rules ECS-native services put on them, as the stack
 * creates them, and what a rule matches. Pure: no cdktf imports, no I/O. Validation
 * (config/validation-native.ts) and the constructs (constructs/platform.ts, constructs/native-service.ts)
 * read the same plan, so what is checked is what is built.
 *
 * Who owns a listener: a CodeDeploy service owns its production and test listener (CodeDeploy rewrites
 * their default action), as does an ECS-native service with `routing.listeners: 'own'`. An ECS-native
 * service with shared listeners puts its rules on the listener at its ports: the owner's when a
 * service owns that port, else one the platform creates (default action: forward to an empty target
 * group, so a request no rule matches gets 503). With HTTPS, port 80 is the redirect listener.
 *
 * Sources: listener rules, host-header and path-pattern conditions ("Listener rules for your
 * Application Load Balancer", Elastic Load Balancing User Guide); priorities 1-50000 (CreateRule,
 * ELB API reference); at most 5 match evaluations and 5 wildcards per rule ("Quotas for your
 * Application Load Balancers").
 */
import type { HealthCheckSpec } from '../hook-lambda/config';
import type { ResolvedEnvironment, ResolvedService } from './resolve';
import { loadBalancerKey, REDIRECT_PORT } from './routes';

/** What a listener is for. */
export type ListenerRole = 'production' | 'test' | 'redirect';

/** One ECS-native rule on a listener. */
export interface PlannedRule {
  readonly service: string;
  /** Where the service is configured (`services.api`). */
  readonly field: string;
  readonly priority: number;
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
}

/** One listener of a load balancer. */
export interface PlannedListener {
  /** `<load balancer key>:<port>`. */
  readonly key: string;
  /** `shared` or `dedicated:<service>` (config/routes.ts loadBalancerKey). */
  readonly loadBalancer: string;
  readonly port: number;
  readonly role: ListenerRole;
  /** The service that creates it; undefined: the platform does (shared listener, or the redirect). */
  readonly owner: string | undefined;
  /** Type of its default action: `forward` (a service's, or the platform's to an empty target group), `redirect` (HTTP → HTTPS). */
  readonly defaultAction: 'forward' | 'redirect';
  /** ECS-native rules on it, production or test by the listener's role. */
  readonly rules: readonly PlannedRule[];
}

/** Match evaluations (condition values) one rule may have. */
export const MAX_RULE_CONDITION_VALUES = 5;
/** Wildcards (`*`, `?`) one rule may have. */
export const MAX_RULE_WILDCARDS = 5;
/** Longest host-header or path-pattern value. */
export const MAX_CONDITION_VALUE_LENGTH = 128;

/** Host-header values: letters, digits, `-`, `.`, and the wildcards `*` and `?`. */
export const HOST_PATTERN = /^[A-Za-z0-9.*?-]{1,128}$/;
/** Path patterns: `/` then letters, digits and `_-.$/~"'@:+&*?`. */
export const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;

/** True for a service deployed by ECS itself. */
export const isNative = (s: Pick<ResolvedService, 'controller'>): boolean => s.controller === 'ecs';

/** True for a service that creates its own production and test listeners. */
export function ownsListeners(s: Pick<ResolvedService, 'controller' | 'native'>): boolean {
  return s.controller !== 'ecs' || s.native?.route.listeners === 'own';
}

const lbKeyOf = (s: ResolvedService): string => loadBalancerKey({ name: s.name, loadBalancer: s.routing.loadBalancer });

/**
 * Every listener the environment's load balancers get, in creation order: per load balancer the
 * redirect (with HTTPS), the owned listeners in service order, then the shared listeners the platform
 * creates. A port used by two roles keeps the first (validation reports the clash).
 */
export function planListeners(env: ResolvedEnvironment): PlannedListener[] {
  const https = env.loadBalancer.certificateArn !== undefined;
  const byKey = new Map<string, { loadBalancer: string; port: number; role: ListenerRole; owner: string | undefined; rules: PlannedRule[] }>();
  const add = (loadBalancer: string, port: number, role: ListenerRole, owner: string | undefined): void => {
    const key = `${loadBalancer}:${port}`;
    if (!byKey.has(key)) byKey.set(key, { loadBalancer, port, role, owner, rules: [] });
  };
  const lbs = [...new Set(env.services.map(lbKeyOf))];
  if (https) lbs.forEach((lb) => add(lb, REDIRECT_PORT, 'redirect', undefined));
  for (const s of env.services.filter(ownsListeners)) {
    add(lbKeyOf(s), s.routing.productionPort, 'production', s.name);
    add(lbKeyOf(s), s.routing.testPort, 'test', s.name);
  }
  for (const s of env.services.filter((x) => isNative(x) && x.native !== undefined)) {
    const route = s.native!.route;
    const rule: PlannedRule = { service: s.name, field: s.field, priority: route.priority, hosts: route.hosts, paths: route.paths };
    for (const [port, role] of [[s.routing.productionPort, 'production'], [s.routing.testPort, 'test']] as const) {
      add(lbKeyOf(s), port, role, undefined);
      const rules = byKey.get(`${lbKeyOf(s)}:${port}`)!.rules;
      // Test port = production port is refused by validation; the rule is planned once.
      if (!rules.some((r) => r.service === s.name)) rules.push(rule);
    }
  }
  return [...byKey].map(([key, l]) => ({ key, ...l, defaultAction: l.role === 'redirect' ? 'redirect' : 'forward' }));
}

/** The listeners the platform creates for ECS-native rules (no service owns their port). */
export function sharedListeners(env: ResolvedEnvironment): PlannedListener[] {
  return planListeners(env).filter((l) => l.owner === undefined && l.role !== 'redirect');
}

/** The listener a native service's production or test rule is on. */
export function listenerOf(env: ResolvedEnvironment, service: ResolvedService, role: 'production' | 'test'): PlannedListener {
  const port = role === 'production' ? service.routing.productionPort : service.routing.testPort;
  const key = `${lbKeyOf(service)}:${port}`;
  const found = planListeners(env).find((l) => l.key === key);
  if (!found) throw new Error(`no listener planned at ${key} for ${service.field}`);
  return found;
}

/** A host-header or path-pattern value as a regular expression (`*`: any characters, `?`: one). */
export function conditionPattern(value: string, caseSensitive: boolean): RegExp {
  const body = value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
}

/** True when a value has a wildcard. */
export const hasWildcard = (value: string): boolean => /[*?]/.test(value);

/** Wildcards of a rule's condition values. */
export function wildcardCount(values: readonly string[]): number {
  return values.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
}

/** The path of a check (query and fragment cut), as the path-pattern condition sees it. */
export function checkPath(check: Pick<HealthCheckSpec, 'path'>): string {
  return (check.path ?? '/').split(/[?#]/)[0]!;
}

/** A check's `Host` header, whatever its case. */
export function checkHost(check: Pick<HealthCheckSpec, 'headers'>): string | undefined {
  const headers = check.headers !== null && typeof check.headers === 'object' ? check.headers : {};
  return Object.entries(headers).find(([k]) => k.toLowerCase() === 'host')?.[1];
}

/** Why a check would not reach the service through its test rule, or undefined when it would. */
export function checkRouteProblem(check: HealthCheckSpec, route: { readonly hosts: readonly string[]; readonly paths: readonly string[] }): string | undefined {
  const path = checkPath(check);
  if (route.paths.length > 0 && !route.paths.some((p) => conditionPattern(p, true).test(path))) {
    return `its path ${JSON.stringify(path)} matches none of routing.paths ${JSON.stringify(route.paths)}, so the test rule would not send it to the service`;
  }
  if (route.hosts.length === 0) return undefined;
  const host = checkHost(check);
  if (host === undefined) {
    return hasWildcard(route.hosts[0]!)
      ? `it has no Host header and routing.hosts[0] ${JSON.stringify(route.hosts[0])} has a wildcard, so the stack cannot send one for it: give the check headers: { Host: '<a name routing.hosts matches>' }`
      : undefined;
  }
  if (!route.hosts.some((h) => conditionPattern(h, false).test(host.split(':')[0]!))) {
    return `its Host header ${JSON.stringify(host)} matches none of routing.hosts ${JSON.stringify(route.hosts)}, so the test rule would not send it to the service`;
  }
  return undefined;
}

/**
 * The checks the hook of a native service runs: each as configured, with a `Host` header of the
 * first host name when the route matches by host and the check sends none (the test listener's DNS
 * name would match no host-header condition).
 */
export function routedChecks(checks: readonly HealthCheckSpec[], route: { readonly hosts: readonly string[] }): HealthCheckSpec[] {
  const first = route.hosts[0];
  return checks.map((c) => (first === undefined || hasWildcard(first) || checkHost(c) !== undefined ? c : { ...c, headers: { ...(c.headers ?? {}), Host: first } }));
}
