/**
 * Hazards of ECS-native blue/green services (deployment controller `ECS` with a `BLUE_GREEN`,
 * `LINEAR` or `CANARY` strategy), whose traffic routes are listener rules with weighted forwarding:
 *
 * - Terraform would rewrite the weights of a production or test rule, which ECS sets on every
 *   deployment (the rule lost `ignore_changes` for `action`);
 * - the listener of such a rule has rules that mix forward and other actions: AWS does not support
 *   blue/green deployments on it (Amazon ECS Developer Guide, "Application Load Balancer resources
 *   for blue/green deployments", limitations: the deployment fails);
 * - a production service deploys with no bake time, or with no alarm that rolls it back;
 * - the deployment controller switches between CODE_DEPLOY and ECS: a migration with prerequisites
 *   (Amazon ECS Developer Guide, "Migrating from a CodeDeploy blue/green to an Amazon ECS blue/green
 *   service deployment").
 */
import { containsTrue, sameValue } from './diff';
import { pointedAt, resourceKey, sideValues } from './references';
import { changeKind } from './summarize';
import type { Finding, Plan, ResourceChange } from './types';

const NATIVE_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY'];
const RULE_TYPES = ['aws_lb_listener_rule', 'aws_alb_listener_rule'];
const LISTENER_TYPES = ['aws_lb_listener', 'aws_alb_listener'];
const ADVANCED = ['load_balancer', 'advanced_configuration'];

type Values = Record<string, unknown>;
type Side = 'before' | 'after';

function first(values: unknown, key: string): Values | undefined {
  const block = typeof values === 'object' && values !== null ? (values as Values)[key] : undefined;
  const item = Array.isArray(block) ? block[0] : block;
  return typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Values) : undefined;
}

/** The controller type: `ECS` when the block is absent (the API's default). */
function controller(values: Values): string {
  return String(first(values, 'deployment_controller')?.type ?? 'ECS');
}

/** True for a service ECS deploys blue/green itself. */
export function isNativeBlueGreen(values: Values | undefined): values is Values {
  return values !== undefined && controller(values) === 'ECS' && NATIVE_STRATEGIES.includes(String(first(values, 'deployment_configuration')?.strategy));
}

function services(plan: Plan, side: Side): { resource: ResourceChange; values: Values }[] {
  return plan.resource_changes
    .filter((r) => r.mode === 'managed' && r.type === 'aws_ecs_service')
    .map((resource) => ({ resource, values: sideValues(resource, side) }))
    .filter((s): s is { resource: ResourceChange; values: Values } => isNativeBlueGreen(s.values));
}

/** The production and test listener rules of the native services, by resource key, with the services' addresses. */
function nativeRules(plan: Plan, side: Side): Map<string, { rule: ResourceChange; service: string; route: string }> {
  const out = new Map<string, { rule: ResourceChange; service: string; route: string }>();
  for (const { resource } of services(plan, side)) {
    for (const route of ['production_listener_rule', 'test_listener_rule']) {
      for (const rule of pointedAt(plan, resource, [...ADVANCED, route], RULE_TYPES, side)) {
        out.set(resourceKey(rule), { rule, service: resource.address, route: route === 'production_listener_rule' ? 'production' : 'test' });
      }
    }
  }
  return out;
}

function ownedWeightFindings(plan: Plan): Finding[] {
  const out: Finding[] = [];
  for (const { rule, service, route } of nativeRules(plan, 'after').values()) {
    const { before, after, after_unknown: unknown } = rule.change;
    if (changeKind(rule.change.actions) !== 'update') continue;
    const changed = !sameValue((before as Values | undefined)?.action, (after as Values | undefined)?.action) || containsTrue((unknown as Values | undefined)?.action);
    if (!changed) continue;
    out.push({
      id: 'ecs-owned-attribute',
      severity: 'blocking',
      address: rule.address,
      message: `Terraform would rewrite action (the forward weights) of the ${route} listener rule of ${service}, which ECS sets during every native blue/green deployment: the rule lost ignore_changes for action, so the apply moves traffic back to the configured weights — mid-deployment it undoes ECS's traffic shift, after one it may send production to the idle target group.`,
    });
  }
  return out;
}

/** Action types of a rule's `action` blocks. */
function actionTypes(values: Values | undefined): string[] {
  const actions = values?.action;
  return (Array.isArray(actions) ? actions : []).map((a) => String((a as Values | null)?.type ?? '')).filter(Boolean);
}

/** Per listener of a native rule: the types of every rule on it, and the rules that are not forward-only. */
function listenerMixes(plan: Plan, side: Side): Map<string, { listener: ResourceChange; types: Set<string>; offenders: string[] }> {
  const out = new Map<string, { listener: ResourceChange; types: Set<string>; offenders: string[] }>();
  const rules = plan.resource_changes.filter((r) => r.mode === 'managed' && RULE_TYPES.includes(r.type) && sideValues(r, side) !== undefined);
  for (const { rule } of nativeRules(plan, side).values()) {
    for (const listener of pointedAt(plan, rule, ['listener_arn'], LISTENER_TYPES, side)) {
      const key = resourceKey(listener);
      if (out.has(key)) continue;
      const onListener = rules.filter((r) => pointedAt(plan, r, ['listener_arn'], LISTENER_TYPES, side).some((l) => resourceKey(l) === key));
      const types = new Set(onListener.flatMap((r) => actionTypes(sideValues(r, side))));
      const offenders = onListener.filter((r) => actionTypes(sideValues(r, side)).some((t) => t !== 'forward')).map((r) => r.address);
      out.set(key, { listener, types, offenders });
    }
  }
  return out;
}

const isMixed = (types: Set<string>): boolean => types.has('forward') && [...types].some((t) => t !== 'forward');

function mixedActionFindings(plan: Plan): Finding[] {
  const before = listenerMixes(plan, 'before');
  const out: Finding[] = [];
  for (const [key, { listener, types, offenders }] of listenerMixes(plan, 'after')) {
    if (!isMixed(types) || isMixed(before.get(key)?.types ?? new Set())) continue;
    const others = [...types].filter((t) => t !== 'forward').join(', ');
    out.push({
      id: 'ecs-listener-mixed-actions',
      severity: 'blocking',
      address: listener.address,
      message: `The listener of a native blue/green service's listener rule has rules that mix forward with ${others} actions (${offenders.join(', ')}): ECS blue/green deployments are not supported on such a listener and fail. Keep the routes' listener forward-only (put redirects, fixed responses and authentication on another listener) or move the service's rules to one.`,
    });
  }
  return out;
}

/** A service that runs production: a `prod`/`production` word in its name or cluster, or an Environment tag saying so. */
function isProduction(values: Values): boolean {
  const word = /(^|[^a-z0-9])prod(uction)?([^a-z0-9]|$)/i;
  const tags = typeof values.tags === 'object' && values.tags !== null ? Object.entries(values.tags as Values) : [];
  const tagged = tags.some(([k, v]) => /^(env|environment|stage)$/i.test(k) && word.test(String(v)));
  return tagged || word.test(String(values.name ?? '')) || word.test(String(values.cluster ?? '').split('/').pop() ?? '');
}

/** What makes a production native service unsafe to deploy: no bake time, no rollback alarm. */
function unsafeReasons(values: Values): string[] {
  const reasons: string[] = [];
  const bake = first(values, 'deployment_configuration')?.bake_time_in_minutes;
  if (bake !== undefined && bake !== null && bake !== '' && Number(bake) === 0) {
    reasons.push('bake_time_in_minutes 0 (blue is terminated as soon as production traffic has moved: no window in which a rollback is a traffic switch)');
  }
  const alarms = first(values, 'alarms');
  const names = Array.isArray(alarms?.alarm_names) ? alarms.alarm_names : [];
  if (!(alarms?.enable === true && alarms.rollback === true && names.length > 0)) reasons.push('no CloudWatch alarm that rolls a deployment back (alarms with enable and rollback true and at least one alarm name)');
  return reasons;
}

function productionSafetyFindings(plan: Plan): Finding[] {
  const out: Finding[] = [];
  for (const { resource, values } of services(plan, 'after')) {
    if (!isProduction(values)) continue;
    const was = sideValues(resource, 'before');
    const already = isNativeBlueGreen(was) ? new Set(unsafeReasons(was)) : new Set<string>();
    const reasons = unsafeReasons(values).filter((r) => !already.has(r));
    if (reasons.length === 0) continue;
    out.push({
      id: 'ecs-production-unguarded',
      severity: 'warning',
      address: resource.address,
      message: `This production native blue/green service has ${reasons.join(', and ')}: a bad release reaches every user and stays until someone notices.`,
    });
  }
  return out;
}

/**
 * What a switch to ECS does to production's target group: the service's `load_balancer` target group
 * before (the one CodeDeploy left serving production) and after. A different one after means the
 * production rule and ECS's primary target group would be the idle one: production would move to a
 * target group without tasks.
 */
function primaryTargetGroupMove(before: Values, after: Values): string | undefined {
  const was = first(before, 'load_balancer')?.target_group_arn;
  const will = first(after, 'load_balancer')?.target_group_arn;
  if (typeof was !== 'string' || typeof will !== 'string' || was === will) return undefined;
  return ` The switch also moves the service's target group from ${was} (where CodeDeploy left production) to ${will}: the production rule would send every request to a target group without tasks. Name the target group serving production as the primary one (this stack: migration.fromCodeDeploy.productionTargetGroup, docs/native.md).`;
}

function controllerSwitchFindings(plan: Plan): Finding[] {
  const out: Finding[] = [];
  for (const resource of plan.resource_changes) {
    if (resource.mode !== 'managed' || resource.type !== 'aws_ecs_service') continue;
    const before = sideValues(resource, 'before');
    const after = sideValues(resource, 'after');
    if (before === undefined || after === undefined || controller(before) === controller(after)) continue;
    const how = changeKind(resource.change.actions) === 'replace' ? 'by replacing the service (its tasks stop: downtime)' : 'in place';
    const toNative = controller(before) === 'CODE_DEPLOY' && controller(after) === 'ECS';
    const moved = toNative ? (primaryTargetGroupMove(before, after) ?? '') : '';
    out.push({
      id: 'deployment-controller-switch',
      severity: 'blocking',
      address: resource.address,
      message: toNative
        ? `Switches the deployment controller from CODE_DEPLOY to ECS ${how}. Before applying: no CodeDeploy deployment may be in progress (and stop triggering them); the production and test listener rules must exist with the blue target group on the production rule and the alternate on the test rule, named in load_balancer.advanced_configuration with the alternate target group and the ECS infrastructure role for load balancers (it replaces the CodeDeploy service role); the hook must be registered as an ECS lifecycle hook (deployment_configuration.lifecycle_hook), not in the AppSpec. After the first native deployment succeeds, delete the CodeDeploy deployment group, application and role in a later apply. See docs/plan-review.md.${moved}`
        : `Switches the deployment controller from ${controller(before)} to ${controller(after)} ${how}: releases change hands between CodeDeploy and ECS. Apply with no deployment in progress, and follow the migration in docs/plan-review.md.`,
    });
  }
  return out;
}

/** Every native blue/green hazard of the plan. */
export function nativeFindings(plan: Plan): Finding[] {
  return [...ownedWeightFindings(plan), ...mixedActionFindings(plan), ...productionSafetyFindings(plan), ...controllerSwitchFindings(plan)];
}
