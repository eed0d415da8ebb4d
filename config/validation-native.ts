/**
 * Validation of ECS-native services (`controller: 'ecs'`): what each one configures (strategy, bake
 * times, steps, hook stages, rule conditions, migration) and what they must agree on across the
 * environment (the listeners their rules go on, rule priorities, rules per load balancer). Every
 * message names the field as the user wrote it, the value and what is allowed. Pure.
 *
 * Sources of the limits: DeploymentConfiguration, LinearConfiguration, CanaryConfiguration,
 * DeploymentLifecycleHook (Amazon ECS API reference; also botocore's ECS model); "Application Load
 * Balancer resources for blue/green, linear, and canary deployments" (a listener whose rules mix
 * forward and other actions cannot be used); "Listener rules for your Application Load Balancer" and
 * "Quotas for your Application Load Balancers" (conditions, priorities, rules per load balancer).
 */
import { DEFAULT_CHECK } from '../hook-lambda/resolve-config';
import type { HealthCheckSpec } from '../hook-lambda/config';
import { ECS_HOOK_STAGES, type EcsHookStage } from '../hook-lambda/events';
import { BEFORE_TEST_TRAFFIC } from '../hook-lambda/ecs-policy';
import { NATIVE_DEPLOYMENT_STRATEGIES, NATIVE_LISTENER_MODES, type EnvironmentConfig } from './environment';
import { CODEDEPLOY_DEPLOYMENT_FIELDS, NATIVE_DEPLOYMENT_FIELDS, NATIVE_ROUTING_FIELDS, type ResolvedNativeDeployment, type ResolvedNativeRoute } from './native';
import {
  checkRouteProblem,
  HOST_PATTERN,
  isNative,
  MAX_RULE_CONDITION_VALUES,
  MAX_RULE_WILDCARDS,
  PATH_PATTERN,
  planListeners,
  wildcardCount,
  type PlannedListener,
} from './native-routes';
import { steppedRangeOf, type SteppedOptionPath } from './options';
import { isInt, show, type FieldNamer, type Problems } from './problems';
import { isSharedNative, type ResolvedEnvironment, type ResolvedService, type ServiceEntry } from './resolve';
import { loadBalancerKey, REDIRECT_PORT } from './routes';

/** Stages at which the hook can check green: the test rule leads to it (the hook refuses the others at runtime). */
export const HOOK_CHECKABLE_STAGES: readonly EcsHookStage[] = ECS_HOOK_STAGES.filter((s) => !BEFORE_TEST_TRAFFIC.includes(s));

/**
 * The hook stages a strategy has. PRE_PRODUCTION_TRAFFIC_SHIFT runs before each production traffic
 * step of a LINEAR or CANARY deployment; the BLUE_GREEN workflow (one production shift) lists no such
 * stage ("Amazon ECS blue/green service deployments workflow", Amazon ECS Developer Guide), so it is
 * refused there rather than silently never run.
 */
export function hookStagesOf(strategy: string): readonly EcsHookStage[] {
  return strategy === 'BLUE_GREEN' ? HOOK_CHECKABLE_STAGES.filter((s) => s !== 'PRE_PRODUCTION_TRAFFIC_SHIFT') : HOOK_CHECKABLE_STAGES;
}

const asObject = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

/** A decimal option: a number in its range and a multiple of its step (e.g. 0.1). */
function stepped(option: SteppedOptionPath, value: unknown, field: string, p: Problems): void {
  const { min, max, step } = steppedRangeOf(option);
  const multiple = typeof value === 'number' && Math.abs(value / step - Math.round(value / step)) < 1e-9;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || !multiple) {
    p.add(`${field} must be a number from ${min} to ${max} in steps of ${step}, got ${show(value)}`);
  }
}

/** An ECS-native deployment configuration; `raw` is the section as written, `f` names its fields. */
export function validateNativeDeployment(d: ResolvedNativeDeployment, raw: unknown, f: FieldNamer, p: Problems): void {
  if (!(NATIVE_DEPLOYMENT_STRATEGIES as readonly unknown[]).includes(d.strategy)) {
    p.add(`${f('strategy')} must be ${quoted(NATIVE_DEPLOYMENT_STRATEGIES)}, got ${show(d.strategy)}`);
  }
  p.option('deployment.bakeTimeInMinutes', d.bakeTimeInMinutes, f('bakeTimeInMinutes'));
  const section = asObject(raw);
  for (const [key, fields] of [
    ['linearConfiguration', ['stepPercent', 'stepBakeTimeInMinutes']],
    ['canaryConfiguration', ['canaryPercent', 'canaryBakeTimeInMinutes']],
  ] as const) {
    const written = section[key];
    if (written !== undefined && (written === null || typeof written !== 'object' || Array.isArray(written))) {
      p.add(`${f(key)} must be an object with ${fields.join(', ')}, got ${show(written)}`);
    } else {
      p.knownFields(f(key), written, fields);
    }
  }
  stepped('deployment.linearConfiguration.stepPercent', d.linearConfiguration.stepPercent, f('linearConfiguration.stepPercent'), p);
  p.option('deployment.linearConfiguration.stepBakeTimeInMinutes', d.linearConfiguration.stepBakeTimeInMinutes, f('linearConfiguration.stepBakeTimeInMinutes'));
  stepped('deployment.canaryConfiguration.canaryPercent', d.canaryConfiguration.canaryPercent, f('canaryConfiguration.canaryPercent'), p);
  p.option('deployment.canaryConfiguration.canaryBakeTimeInMinutes', d.canaryConfiguration.canaryBakeTimeInMinutes, f('canaryConfiguration.canaryBakeTimeInMinutes'));
}

/** Hook lifecycle stages: at least one, each one at which the test rule leads to green in this strategy, no repeats. */
export function validateHookStages(stages: unknown, strategy: string, f: FieldNamer, p: Problems): void {
  const allowed = hookStagesOf(strategy);
  if (!Array.isArray(stages) || stages.length === 0) {
    p.add(`${f('lifecycleStages')} must list at least one of ${allowed.join(', ')}, got ${show(stages)}`);
    return;
  }
  stages.forEach((stage: unknown, i) => {
    const field = f(`lifecycleStages[${i}]`);
    if ((BEFORE_TEST_TRAFFIC as readonly unknown[]).includes(stage)) {
      p.add(`${field} must be one of ${allowed.join(', ')}: at ${String(stage)} the test rule does not lead to green yet, so the hook would check blue (it answers FAILED there), got ${show(stage)}`);
    } else if (stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' && !allowed.includes(stage)) {
      p.add(`${field} must be one of ${allowed.join(', ')}: PRE_PRODUCTION_TRAFFIC_SHIFT runs before each production step of a LINEAR or CANARY deployment, and strategy ${strategy} has none, got ${show(stage)}`);
    } else if (!(allowed as readonly unknown[]).includes(stage)) {
      p.add(`${field} must be one of ${allowed.join(', ')}, got ${show(stage)}`);
    } else if (stages.indexOf(stage) !== i) {
      p.add(`${field} repeats ${show(stage)}; each stage may appear once`);
    }
  });
}

/** One condition list (`hosts` or `paths`): an array of valid, distinct values. Returns the valid ones. */
function conditionValues(value: unknown, field: string, pattern: RegExp, what: string, p: Problems): string[] {
  if (!Array.isArray(value)) {
    p.add(`${field} must be a list of ${what}, got ${show(value)}`);
    return [];
  }
  const valid: string[] = [];
  value.forEach((v: unknown, i) => {
    if (typeof v !== 'string' || !pattern.test(v)) p.add(`${field}[${i}] must be ${what.replace(/s\b/, '')}, got ${show(v)}`);
    else if (valid.includes(v)) p.add(`${field}[${i}] repeats ${show(v)}; each value may appear once`);
    else valid.push(v);
  });
  return valid;
}

const HOSTS = 'host names of up to 128 letters, digits, -, ., and the wildcards * and ?';
const PATHS = 'path patterns starting with / of up to 128 characters (letters, digits, _-.$/~"\'@:+& and the wildcards * and ?)';

/** The rule conditions of a native service: hosts and/or paths, within ALB's per-rule limits. Returns true when they are valid. */
function validateRoute(route: ResolvedNativeRoute, f: FieldNamer, p: Problems): boolean {
  const before = p.list.length;
  const hosts = conditionValues(route.hosts, f('routing.hosts'), HOST_PATTERN, HOSTS, p);
  const paths = conditionValues(route.paths, f('routing.paths'), PATH_PATTERN, PATHS, p);
  const count = (Array.isArray(route.hosts) ? route.hosts.length : 0) + (Array.isArray(route.paths) ? route.paths.length : 0);
  if (count === 0 && Array.isArray(route.hosts) && Array.isArray(route.paths)) {
    p.add(`${f('routing')} must give hosts and/or paths: the production and test rules of controller "ecs" route by them, and a rule needs a condition, got neither`);
  } else if (count > MAX_RULE_CONDITION_VALUES) {
    p.add(`${f('routing')} must have at most ${MAX_RULE_CONDITION_VALUES} hosts and paths in all (ALB: ${MAX_RULE_CONDITION_VALUES} match evaluations per rule), got ${count}`);
  }
  const wildcards = wildcardCount([...hosts, ...paths]);
  if (wildcards > MAX_RULE_WILDCARDS) p.add(`${f('routing')} must have at most ${MAX_RULE_WILDCARDS} wildcards (* and ?) in its hosts and paths (ALB: ${MAX_RULE_WILDCARDS} wildcards per rule), got ${wildcards}`);
  return p.list.length === before;
}

/**
 * Every check of the hook must reach the service through its test rule (path pattern, Host header).
 * Named under the service even when inherited: the route that does not match is the service's.
 */
function validateCheckRoutes(entry: ServiceEntry, checks: unknown, route: ResolvedNativeRoute, hookField: FieldNamer, p: Problems): void {
  const list: readonly unknown[] = checks === undefined ? [{ path: DEFAULT_CHECK.path }] : Array.isArray(checks) ? checks : [];
  const own = hookField('checks').startsWith(`${entry.field}.`);
  list.forEach((c, i) => {
    if (c === null || typeof c !== 'object') return; // the hook's own parser reports it
    const problem = checkRouteProblem(c as HealthCheckSpec, route);
    if (problem === undefined) return;
    const field =
      checks === undefined ? `${entry.field}.hook.checks (the hook's default GET /)` : own ? hookField(`checks[${i}]`) : `${entry.field}.hook.checks[${i}] (inherited from hook.checks)`;
    p.add(`${field} must reach the service through its test rule: ${problem}`);
  });
}

/** Fields a service writes in one of its own sections. */
const written = (section: unknown, keys: readonly string[]): string[] => keys.filter((k) => asObject(section)[k] !== undefined);

/** A CodeDeploy service must not carry ECS-native settings (and the other way round). */
function validateControllerFields(entry: ServiceEntry, controller: string, p: Problems): void {
  const f = (k: string): string => `${entry.field}.${k}`;
  const spec = entry.spec;
  const wrong = (field: string, value: unknown, applies: string, instead: string): void =>
    p.add(`${f(field)} applies to controller "${applies}" only; ${entry.field} uses controller "${controller}"${instead}, got ${show(value)}`);
  if (controller === 'ecs') {
    for (const k of written(spec.deployment, CODEDEPLOY_DEPLOYMENT_FIELDS)) wrong(`deployment.${k}`, asObject(spec.deployment)[k], 'codedeploy', ': use strategy, bakeTimeInMinutes, linearConfiguration or canaryConfiguration');
    if (asObject(spec.hook).lifecycleEvents !== undefined) wrong('hook.lifecycleEvents', asObject(spec.hook).lifecycleEvents, 'codedeploy', ': use hook.lifecycleStages');
    return;
  }
  for (const k of written(spec.routing, NATIVE_ROUTING_FIELDS)) wrong(`routing.${k}`, asObject(spec.routing)[k], 'ecs', ' (its traffic routes are listeners of its own, not rules)');
  for (const k of written(spec.deployment, NATIVE_DEPLOYMENT_FIELDS)) wrong(`deployment.${k}`, asObject(spec.deployment)[k], 'ecs', ': use trafficRouting and terminationWaitTimeInMinutes');
  if (asObject(spec.hook).lifecycleStages !== undefined) wrong('hook.lifecycleStages', asObject(spec.hook).lifecycleStages, 'ecs', ': use hook.lifecycleEvents');
  if (spec.migration !== undefined) p.add(`${f('migration')} switches a service to controller "ecs"; set ${f('controller')} to "ecs" with it, got controller "${controller}"`);
}

/** The one-apply switch from CodeDeploy: `{ fromCodeDeploy: { productionTargetGroup } }` on a service with listeners of its own. */
function validateMigration(entry: ServiceEntry, s: ResolvedService, p: Problems): void {
  const raw = entry.spec.migration as unknown;
  if (raw === undefined) return;
  const field = `${entry.field}.migration`;
  const from = asObject(raw).fromCodeDeploy;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || from === null || typeof from !== 'object') {
    p.add(`${field} must be { fromCodeDeploy: { productionTargetGroup: "blue" | "green" } }, got ${show(raw)}`);
    return;
  }
  p.knownFields(field, raw, ['fromCodeDeploy']);
  p.knownFields(`${field}.fromCodeDeploy`, from, ['productionTargetGroup']);
  const target = (from as Record<string, unknown>).productionTargetGroup;
  if (target !== 'blue' && target !== 'green') {
    p.add(`${field}.fromCodeDeploy.productionTargetGroup must be "blue" or "green": the target group CodeDeploy left serving production (aws ecs describe-services … loadBalancers[0].targetGroupArn), got ${show(target)}`);
  }
  if (s.native?.route.listeners !== 'own') {
    p.add(`${field} needs ${entry.field}.routing.listeners "own": the service keeps the production and test listeners it had under CodeDeploy and adds its rules to them, got ${show(s.native?.route.listeners)}`);
  }
}

/** What one service configures as an ECS-native service (nothing for a CodeDeploy service but refusing native fields). */
export function validateNativeService(entry: ServiceEntry, s: ResolvedService, p: Problems, names: { readonly deployment: FieldNamer; readonly hook: FieldNamer }): void {
  validateControllerFields(entry, s.controller, p);
  if (s.controller !== 'ecs' || s.native === undefined) return;
  const f: FieldNamer = (k) => `${entry.field}.${k}`;
  const n = s.native;
  const ownDeployment = asObject(entry.spec.deployment);
  // The service's own sections are validated here; what it inherits, once where it is written.
  validateNativeDeployment(n.deployment, ownDeployment, (k) => (ownDeployment[k.split('.')[0]!] !== undefined ? f(`deployment.${k}`) : `deployment.${k}`), p);
  for (const [key, strategy] of [['linearConfiguration', 'LINEAR'], ['canaryConfiguration', 'CANARY']] as const) {
    if (ownDeployment[key] !== undefined && n.deployment.strategy !== strategy) {
      p.add(`${f(`deployment.${key}`)} applies to strategy "${strategy}" only; ${entry.field} deploys with strategy ${show(n.deployment.strategy)}, got ${show(ownDeployment[key])}`);
    }
  }
  validateHookStages(n.lifecycleStages, n.deployment.strategy, names.hook, p);
  const routeValid = validateRoute(n.route, f, p);
  const routing = asObject(entry.spec.routing);
  if (routing.priority !== undefined) p.option('service.routing.priority', routing.priority, f('routing.priority'));
  if (!(NATIVE_LISTENER_MODES as readonly unknown[]).includes(n.route.listeners)) {
    p.add(`${f('routing.listeners')} must be ${quoted(NATIVE_LISTENER_MODES)}, got ${show(n.route.listeners)}`);
  }
  if (routeValid) validateCheckRoutes(entry, s.hook.checks, n.route, names.hook, p);
  validateMigration(entry, s, p);
  if (s.autoRelease === true) {
    const where = entry.spec.autoRelease !== undefined ? f('autoRelease') : 'autoRelease';
    p.add(`${where} starts a CodeDeploy release from terraform apply; ${entry.field} uses controller "ecs": set ${f('autoRelease')} to false and run npm run release after the apply, got true`);
  }
}

/** The environment's own native defaults (`deployment`'s native fields, `hook.lifecycleStages`), once, where written. */
export function validateNativeEnvironment(config: EnvironmentConfig, env: ResolvedEnvironment, p: Problems): void {
  const section = (key: string) => `deployment.${key}`;
  validateNativeDeployment(env.deployment, config.deployment, section, p);
  const stages = env.hook.lifecycleStages as unknown;
  // The strategy-specific check needs a service's strategy; here only what no strategy allows.
  validateHookStages(stages, 'LINEAR', (k) => `hook.${k}`, p);
}

// ---- across services: the listeners their rules go on ----

/** The field a shared-native service's port comes from: its own `routing`, or the environment's default. */
function portField(entry: ServiceEntry, role: 'production' | 'test'): string {
  const routing = asObject(entry.spec.routing);
  if (role === 'production') return routing.productionPort !== undefined ? `${entry.field}.routing.productionPort` : 'loadBalancer.productionPort';
  return routing.testPort !== undefined ? `${entry.field}.routing.testPort` : 'testListener.port';
}

function describeListener(l: PlannedListener, env: ResolvedEnvironment): string {
  const where = l.loadBalancer === 'shared' ? 'the shared load balancer' : `the dedicated load balancer of ${env.services.find((s) => `dedicated:${s.name}` === l.loadBalancer)?.field ?? l.loadBalancer}`;
  if (l.role === 'redirect') return `port ${l.port} of ${where} (its HTTP to HTTPS redirect)`;
  const owner = env.services.find((s) => s.name === l.owner);
  return `port ${l.port} of ${where} (${owner ? `the ${l.role} listener of ${owner.field}` : `a shared ${l.role} listener`})`;
}

/** Ports of shared-native services: in range, apart, and on a listener of the same role that may take forward rules. */
function validateRulePorts(env: ResolvedEnvironment, entries: readonly ServiceEntry[], listeners: readonly PlannedListener[], p: Problems): void {
  const https = env.loadBalancer.certificateArn !== undefined;
  env.services.forEach((s, i) => {
    const entry = entries[i]!;
    // A service with listeners of its own has its ports checked like a CodeDeploy service's (validation-routes.ts).
    if (!isNative(s) || !isSharedNative(entry)) return;
    const ports = [
      { role: 'production' as const, port: s.routing.productionPort },
      { role: 'test' as const, port: s.routing.testPort },
    ];
    const valid = ports.map(({ role, port }) => p.option('service.routing.productionPort', port, portField(entry, role)));
    // Both from the environment's defaults: reported once there (testListener.port).
    const declared = portField(entry, 'production') !== 'loadBalancer.productionPort' || portField(entry, 'test') !== 'testListener.port';
    if (valid[0] && valid[1] && s.routing.productionPort === s.routing.testPort) {
      if (!declared) return;
      p.add(`${portField(entry, 'test')} must differ from ${portField(entry, 'production')} (${s.routing.productionPort}) for ${entry.field}: its test rule and production rule need different listeners, got ${s.routing.testPort}`);
      return;
    }
    ports.forEach(({ role, port }, j) => {
      if (!valid[j]) return;
      const l = listeners.find((x) => x.key === `${loadBalancerKey({ name: s.name, loadBalancer: s.routing.loadBalancer })}:${port}`);
      if (!l) return;
      if (l.defaultAction === 'redirect' || (https && port === REDIRECT_PORT)) {
        p.add(
          `${portField(entry, role)} must not be ${describeListener(l, env)} for the ${role} rule of ${entry.field}: ECS blue/green deployments fail on a listener whose rules mix forward with other actions (redirect, fixed-response, authenticate), got ${port}`,
        );
      } else if (l.role !== role) {
        p.add(`${portField(entry, role)} must be a ${role} listener's port for the ${role} rule of ${entry.field}, got ${port}, ${describeListener(l, env)}`);
      }
    });
  });
}

/** Per listener: priorities unique, no two rules with the same conditions (the second would never match). */
function validateRulesOnListeners(listeners: readonly PlannedListener[], env: ResolvedEnvironment, p: Problems): void {
  for (const l of listeners) {
    l.rules.forEach((r, i) => {
      const earlier = l.rules.slice(0, i);
      const samePriority = earlier.find((o) => o.priority === r.priority);
      if (samePriority && isInt(r.priority)) {
        p.add(`${r.field}.routing.priority must be unique on ${describeListener(l, env)}, got ${r.priority}, already the priority of ${samePriority.field}'s rule`);
      }
      const key = JSON.stringify([[...r.hosts].sort(), [...r.paths].sort()]);
      const sameConditions = earlier.find((o) => JSON.stringify([[...o.hosts].sort(), [...o.paths].sort()]) === key);
      if (sameConditions && r.hosts.length + r.paths.length > 0) {
        p.add(`${r.field}.routing must not match exactly what ${sameConditions.field} matches on ${describeListener(l, env)} (the rule with the higher priority number would never receive a request), got hosts ${show(r.hosts)} and paths ${show(r.paths)}`);
      }
    });
  }
}

/** Rules per load balancer: 2 per native service, within `quotas.rulesPerLoadBalancer`. */
function validateRuleQuota(env: ResolvedEnvironment, p: Problems): void {
  if (!p.option('quotas.rulesPerLoadBalancer', env.quotas.rulesPerLoadBalancer)) return;
  const byLb = new Map<string, string[]>();
  for (const s of env.services.filter(isNative)) {
    const key = loadBalancerKey({ name: s.name, loadBalancer: s.routing.loadBalancer });
    byLb.set(key, [...(byLb.get(key) ?? []), s.name]);
  }
  for (const [key, names] of byLb) {
    const rules = 2 * names.length;
    if (rules > env.quotas.rulesPerLoadBalancer) {
      p.add(
        `ECS-native services on ${key === 'shared' ? 'the shared load balancer' : `the load balancer ${key}`} must need at most ${env.quotas.rulesPerLoadBalancer} listener rules (quotas.rulesPerLoadBalancer; a production and a test rule each), got ${rules} for ${names.length} services: ${names.join(', ')}; give some of them routing.loadBalancer "dedicated", or raise the quota`,
      );
    }
  }
}

/** What the ECS-native services of an environment must agree on. */
export function validateNativeRoutes(env: ResolvedEnvironment, entries: readonly ServiceEntry[], p: Problems): void {
  if (!env.services.some(isNative)) {
    p.option('quotas.rulesPerLoadBalancer', env.quotas.rulesPerLoadBalancer);
    return;
  }
  const listeners = planListeners(env);
  validateRulePorts(env, entries, listeners, p);
  validateRulesOnListeners(listeners, env, p);
  validateRuleQuota(env, p);
}
