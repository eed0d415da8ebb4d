/**
 * Load balancer listeners and security group openings as the hazard checks see them: which ports are
 * the production listener's, and which ports ingress rules open to which CIDRs (exposure.ts judges them).
 */
import { dig, isObject } from './references';
import type { Plan, ResourceChange } from './types';

const LISTENER_TYPES = ['aws_lb_listener', 'aws_alb_listener'];

/** A listener of the plan and the role the reporter inferred for it. */
export interface ListenerInfo {
  readonly address: string;
  readonly port: number;
  readonly role: 'production' | 'test';
  /** How the role was decided, for the report. */
  readonly source: 'deployment group reference' | 'deployment group listener ARN' | 'name or tags';
}

/** The values a resource has after the plan, or before it when it is destroyed. */
export function currentValues(resource: ResourceChange): Record<string, unknown> | undefined {
  const { after, before } = resource.change;
  if (isObject(after)) return after;
  return isObject(before) ? before : undefined;
}

const ROUTE_PATH = ['load_balancer_info', 'target_group_pair_info'];

/** Resource configurations of the root module and its child modules (depth-first). */
function configResources(configuration: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (module: unknown): void => {
    if (!isObject(module)) return;
    if (Array.isArray(module.resources)) out.push(...module.resources.filter(isObject));
    if (isObject(module.module_calls)) {
      for (const call of Object.values(module.module_calls)) if (isObject(call)) visit(call.module);
    }
  };
  if (isObject(configuration)) visit(configuration.root_module);
  return out;
}

/** Listener addresses (type.name) the deployment groups' configuration references for a route. */
function referencedListeners(plan: Plan, route: 'prod_traffic_route' | 'test_traffic_route'): Set<string> {
  const names = new Set<string>();
  for (const resource of configResources(plan.configuration)) {
    if (resource.type !== 'aws_codedeploy_deployment_group' || !isObject(resource.expressions)) continue;
    for (const expression of dig(resource.expressions, [...ROUTE_PATH, route, 'listener_arns'])) {
      if (!isObject(expression) || !Array.isArray(expression.references)) continue;
      for (const reference of expression.references) {
        if (typeof reference !== 'string') continue;
        const match = /^(aws_lb_listener|aws_alb_listener)\.([^.[]+)/.exec(reference);
        if (match) names.add(`${match[1]}.${match[2]}`);
      }
    }
  }
  return names;
}

/** Listener ARNs the deployment groups' planned values name for a route. */
function listenerArns(plan: Plan, route: 'prod_traffic_route' | 'test_traffic_route'): Set<string> {
  const arns = new Set<string>();
  for (const resource of plan.resource_changes) {
    if (resource.mode !== 'managed' || resource.type !== 'aws_codedeploy_deployment_group') continue;
    for (const arn of dig(currentValues(resource), [...ROUTE_PATH, route, 'listener_arns'])) {
      if (typeof arn === 'string') arns.add(arn);
    }
  }
  return arns;
}

/** Type and name of an address, without module path or index: `module.a.aws_lb_listener.x[0]` → `aws_lb_listener.x`. */
function typeAndName(resource: ResourceChange): string {
  return `${resource.type}.${resource.name}`;
}

function looksLikeTest(resource: ResourceChange, values: Record<string, unknown>): boolean {
  const tags = isObject(values.tags) ? Object.values(values.tags) : [];
  return [resource.name, ...tags].some((text) => typeof text === 'string' && /test/i.test(text));
}

/**
 * The listeners of the plan and their role. In order of trust: the deployment group's configuration
 * references the listener in `prod_traffic_route` / `test_traffic_route`; the deployment group's
 * listener ARNs match the listener's ARN; otherwise a listener whose resource name or a tag value
 * contains "test" is the test listener and every other listener is a production listener.
 */
export function classifyListeners(plan: Plan): ListenerInfo[] {
  const prodRefs = referencedListeners(plan, 'prod_traffic_route');
  const testRefs = referencedListeners(plan, 'test_traffic_route');
  const prodArns = listenerArns(plan, 'prod_traffic_route');
  const testArns = listenerArns(plan, 'test_traffic_route');
  const out: ListenerInfo[] = [];
  for (const resource of plan.resource_changes) {
    if (resource.mode !== 'managed' || !LISTENER_TYPES.includes(resource.type)) continue;
    const values = currentValues(resource);
    if (values === undefined || typeof values.port !== 'number') continue;
    const base = { address: resource.address, port: values.port };
    const key = typeAndName(resource);
    const arn = typeof values.arn === 'string' ? values.arn : undefined;
    if (prodRefs.has(key) !== testRefs.has(key)) {
      out.push({ ...base, role: prodRefs.has(key) ? 'production' : 'test', source: 'deployment group reference' });
    } else if (arn !== undefined && prodArns.has(arn) !== testArns.has(arn)) {
      out.push({ ...base, role: prodArns.has(arn) ? 'production' : 'test', source: 'deployment group listener ARN' });
    } else {
      out.push({ ...base, role: looksLikeTest(resource, values) ? 'test' : 'production', source: 'name or tags' });
    }
  }
  return out;
}

/** Ports assumed for production when the plan has no listener and none are given: HTTP and HTTPS. */
export const DEFAULT_PRODUCTION_PORTS: readonly number[] = [80, 443];

/** The production listener ports: the given override, else those of the plan's production listeners, else 80 and 443. */
export function productionPorts(plan: Plan, override?: readonly number[]): { ports: number[]; source: string } {
  if (override !== undefined && override.length > 0) return { ports: [...override].sort((a, b) => a - b), source: 'given by --production-port' };
  const ports = [...new Set(classifyListeners(plan).filter((l) => l.role === 'production').map((l) => l.port))];
  if (ports.length > 0) return { ports: ports.sort((a, b) => a - b), source: 'from the production listeners in the plan' };
  return { ports: [...DEFAULT_PRODUCTION_PORTS], source: 'default: no production listener in the plan' };
}

/** An ingress rule's opening of a port range to a CIDR. */
export interface Opening {
  readonly fromPort: number;
  readonly toPort: number;
  readonly protocol: string;
  readonly cidr: string;
}

const ALL_PROTOCOLS = ['-1', 'all'];
const ICMP_PROTOCOLS = ['icmp', 'icmpv6', '1', '58'];

function toOpenings(rule: Record<string, unknown>, protocolKey: string, cidrKeys: readonly string[]): Opening[] {
  const protocol = String(rule[protocolKey] ?? '').toLowerCase();
  if (ICMP_PROTOCOLS.includes(protocol)) return []; // ICMP has types, not ports.
  const all = ALL_PROTOCOLS.includes(protocol);
  const fromPort = all || typeof rule.from_port !== 'number' ? 0 : rule.from_port;
  const toPort = all || typeof rule.to_port !== 'number' ? 65535 : rule.to_port;
  const cidrs = cidrKeys.flatMap((key) => {
    const value = rule[key];
    return typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  });
  return cidrs.map((cidr) => ({ fromPort, toPort, protocol: all ? 'all' : protocol, cidr }));
}

/** The ingress openings a security group resource's values declare. */
export function ingressOpenings(type: string, values: unknown): Opening[] {
  if (!isObject(values)) return [];
  switch (type) {
    case 'aws_security_group':
      return (Array.isArray(values.ingress) ? values.ingress : [])
        .filter(isObject)
        .flatMap((rule) => toOpenings(rule, 'protocol', ['cidr_blocks', 'ipv6_cidr_blocks']));
    case 'aws_security_group_rule':
      return values.type === 'ingress' ? toOpenings(values, 'protocol', ['cidr_blocks', 'ipv6_cidr_blocks']) : [];
    case 'aws_vpc_security_group_ingress_rule':
      return toOpenings(values, 'ip_protocol', ['cidr_ipv4', 'cidr_ipv6']);
    default:
      return [];
  }
}

/** Security group resource types whose ingress rules are checked. */
export const SECURITY_GROUP_TYPES = ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'];

/** Text that identifies an opening, for comparing before and after. */
export function openingKey(opening: Opening): string {
  return `${opening.protocol} ${opening.fromPort}-${opening.toPort} from ${opening.cidr}`;
}
