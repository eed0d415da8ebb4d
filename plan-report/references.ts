/**
 * Which resource of a plan another one points at: through the configuration's references
 * (`aws_lb_listener_rule.prod.arn` in an expression, for resources whose ARN is not known yet) or
 * through a known value (an ARN in the planned values). Used to tie an ECS service to its listener
 * rules and a rule to its listener.
 */
import type { Plan, ResourceChange } from './types';

/** A plain object (not null, not an array): the shape of a Terraform block in plan JSON. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `module.a.aws_lb_listener.x` for `module.a.aws_lb_listener.x[0]`: the address without instance keys. */
export function resourceKey(resource: Pick<ResourceChange, 'module_address' | 'type' | 'name'>): string {
  const module = (resource.module_address ?? '').replace(/\[[^\]]*\]/g, '');
  return `${module ? `${module}.` : ''}${resource.type}.${resource.name}`;
}

/** Values of a resource on one side of the plan (`after` for a delete is nothing). */
export function sideValues(resource: ResourceChange, side: 'before' | 'after'): Record<string, unknown> | undefined {
  const values = resource.change[side];
  return isObject(values) ? values : undefined;
}

/** Everything at `path` through nested blocks (lists of objects in values and expressions alike). */
export function dig(value: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [value];
  for (const key of path) {
    current = current
      .flatMap((item) => (Array.isArray(item) ? item : [item]))
      .filter(isObject)
      .map((item) => item[key])
      .filter((item) => item !== undefined && item !== null);
  }
  return current.flatMap((item) => (Array.isArray(item) ? item : [item]));
}

/** Configuration expressions of every resource, by {@link resourceKey}, with the module prefix its references are relative to. */
function configIndex(plan: Plan): Map<string, { expressions: unknown; prefix: string }> {
  const index = new Map<string, { expressions: unknown; prefix: string }>();
  const visit = (module: unknown, prefix: string): void => {
    if (!isObject(module)) return;
    for (const resource of Array.isArray(module.resources) ? module.resources.filter(isObject) : []) {
      index.set(`${prefix}${String(resource.type)}.${String(resource.name)}`, { expressions: resource.expressions, prefix });
    }
    if (!isObject(module.module_calls)) return;
    for (const [name, call] of Object.entries(module.module_calls)) if (isObject(call)) visit(call.module, `${prefix}module.${name}.`);
  };
  if (isObject(plan.configuration)) visit(plan.configuration.root_module, '');
  return index;
}

const indexes = new WeakMap<Plan, Map<string, { expressions: unknown; prefix: string }>>();

/** Resource keys (`type.name`, module-prefixed) the configuration of `resource` references at `path`. */
export function referencedKeys(plan: Plan, resource: ResourceChange, path: readonly string[]): Set<string> {
  let index = indexes.get(plan);
  if (index === undefined) indexes.set(plan, (index = configIndex(plan)));
  const entry = index.get(resourceKey(resource));
  const keys = new Set<string>();
  if (entry === undefined) return keys;
  for (const expression of dig(entry.expressions, path)) {
    if (!isObject(expression) || !Array.isArray(expression.references)) continue;
    for (const reference of expression.references) {
      const match = typeof reference === 'string' ? /^((?:module\.[^.]+\.)*)([a-z0-9_]+)\.([^.[]+)/.exec(reference) : null;
      if (match && !match[1] && !reference.startsWith('var.') && !reference.startsWith('local.')) keys.add(`${entry.prefix}${match[2]}.${match[3]}`);
    }
  }
  return keys;
}

/**
 * The resources of `types` that `from`'s attribute at `path` points at, on one side of the plan:
 * by configuration reference, or by a value equal to the target's `arn` (or `id`).
 */
export function pointedAt(plan: Plan, from: ResourceChange, path: readonly string[], types: readonly string[], side: 'before' | 'after'): ResourceChange[] {
  const keys = referencedKeys(plan, from, path);
  const values = new Set(dig(sideValues(from, side), path).filter((v): v is string => typeof v === 'string' && v !== ''));
  return plan.resource_changes.filter((target) => {
    if (target.mode !== 'managed' || !types.includes(target.type)) return false;
    const targetValues = sideValues(target, side);
    if (targetValues === undefined) return false;
    return keys.has(resourceKey(target)) || values.has(String(targetValues.arn ?? '')) || values.has(String(targetValues.id ?? ''));
  });
}
