/**
 * Validation of the settings each service has: its container, ports, target groups, deployment
 * group, alarms and hook. A section (deployment, alarms, hook, the target group health check) is the
 * environment's default with the service's own fields over it; each message names a field where the
 * user wrote it (`services.api.hook.checkBudgetInSeconds` or `hook.checkBudgetInSeconds`). Pure.
 */
import { ECS_HOOK_EVENTS } from '../lib/appspec';
import { validateHookConfig } from '../hook-lambda/resolve-config';
import { generatedAlarmCount, MAX_DEPLOYMENT_GROUP_ALARMS } from './alarms';
import { NATIVE_ROUTING_FIELDS } from './native';
import { CONFIG_FIELDS, knownSectionFields } from './fields';
import { validateNativeService } from './validation-native';
import { PREDEFINED_ECS_DEPLOYMENT_CONFIGS, SERVICE_CONTROLLERS, SERVICE_LOAD_BALANCERS, type TargetHealthCheckConfig } from './environment';
import { rangeOf } from './options';
import { isInt, show, type FieldNamer, type Problems } from './problems';
import type { AlarmsConfig } from './environment';
import type { ResolvedDeployment, ResolvedHook, ResolvedService, ServiceEntry } from './resolve';
import { validateContainerSecurity } from './validation-security';

/** Memory sizes (MiB) Fargate accepts for each CPU size (Amazon ECS developer guide, "Task CPU and memory"). */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Lifecycle events at which the test listener routes to green, so the hook can check it. */
export const HOOK_CHECKABLE_EVENTS = ['AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'] as const;

/** Fields a service's settings may have (`service` also has `name`). */
export const SERVICE_FIELDS = [
  'image',
  'containerName',
  'containerPort',
  'cpu',
  'memoryInMiB',
  'desiredCount',
  'environment',
  'logRetentionInDays',
  'containerInsights',
  'healthCheckGracePeriodInSeconds',
  'controller',
  'migration',
  'routing',
  'deployment',
  'alarms',
  'hook',
  'autoRelease',
  'readonlyRootFilesystem',
  'tmpfs',
  'user',
  'capabilities',
  'initProcessEnabled',
  'egress',
] as const;

/** Fields of a service's `routing` (the ECS-native ones, config/native.ts NATIVE_ROUTING_FIELDS, apply to `controller: 'ecs'` only). */
export const ROUTING_FIELDS = ['loadBalancer', 'productionPort', 'testPort', 'healthCheck', 'deregistrationDelayInSeconds', ...NATIVE_ROUTING_FIELDS] as const;

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MATCHER = /^(\d{3}(,\d{3})*|\d{3}-\d{3})$/;

// Docker reference grammar: [registry[:port]/]path[:tag][@sha256:digest].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::\\d+)?)`;
const PATH_COMPONENT = '(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)';
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** True for a container image reference such as `public.ecr.aws/nginx/nginx:stable`. */
export function isImageReference(text: unknown): boolean {
  return typeof text === 'string' && text.length <= 1024 && IMAGE_REFERENCE.test(text);
}

function describeMemories(values: readonly number[]): string {
  if (values.length <= 3) return values.join(', ');
  return `${values[0]}-${values[values.length - 1]} in steps of ${values[1]! - values[0]!}`;
}

/** The container and task settings of one service; `f` names a field (`service.cpu`, `services.api.cpu`). */
export function validateContainer(s: ResolvedService, f: FieldNamer, p: Problems): void {
  const image = s.image as unknown as Record<string, unknown> | undefined;
  const hasExternal = image !== null && typeof image === 'object' && 'external' in image;
  const hasEcr = image !== null && typeof image === 'object' && 'ecrTag' in image;
  if (hasExternal === hasEcr) {
    p.add(`${f('image')} must be either { external: '<image reference>' } or { ecrTag: '<tag>' }, got ${show(image)}`);
  } else if (hasExternal && !isImageReference(image!.external)) {
    p.add(`${f('image.external')} must be an image reference such as public.ecr.aws/nginx/nginx:stable or registry/repo@sha256:<64 hex>, got ${show(image!.external)}`);
  } else if (hasEcr && (typeof image!.ecrTag !== 'string' || !IMAGE_TAG.test(image!.ecrTag))) {
    p.add(`${f('image.ecrTag')} must be an image tag (1-128 letters, digits, _ . -, not starting with . or -), got ${show(image!.ecrTag)}`);
  }
  if (typeof s.containerName !== 'string' || !CONTAINER_NAME.test(s.containerName)) {
    p.add(`${f('containerName')} must be 1-255 letters, digits, hyphens or underscores, got ${show(s.containerName)}`);
  }
  p.option('service.containerPort', s.containerPort, f('containerPort'));
  const memories = FARGATE_MEMORY_BY_CPU[s.cpu as number];
  if (!isInt(s.cpu) || memories === undefined) {
    p.add(`${f('cpu')} must be one of ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')} (Fargate CPU units), got ${show(s.cpu)}`);
    // The pair cannot be checked without a valid cpu; a memory no Fargate size allows is still reported.
    const anyMemory = Object.values(FARGATE_MEMORY_BY_CPU).some((m) => m.includes(s.memoryInMiB));
    if (!anyMemory) p.add(`${f('memoryInMiB')} must be a Fargate memory size in MiB (512-122880, the sizes allowed depend on cpu), got ${show(s.memoryInMiB)}`);
  } else if (!memories.includes(s.memoryInMiB)) {
    p.add(`${f('memoryInMiB')} must be one of ${describeMemories(memories)} with ${f('cpu')} ${s.cpu} (Fargate), got ${show(s.memoryInMiB)}`);
  }
  p.option('service.desiredCount', s.desiredCount, f('desiredCount'));
  if (s.environment === null || typeof s.environment !== 'object') {
    p.add(`${f('environment')} must be an object of name: value strings, got ${show(s.environment)}`);
  } else {
    for (const [key, value] of Object.entries(s.environment)) {
      if (!ENV_VAR_NAME.test(key)) p.add(`${f('environment')} key must be a variable name (letters, digits, _; not starting with a digit), got ${show(key)}`);
      else if (typeof value !== 'string') p.add(`${f(`environment.${key}`)} must be a string, got ${show(value)}`);
    }
  }
  p.retention(f('logRetentionInDays'), s.logRetentionInDays);
  p.boolean(f('containerInsights'), s.containerInsights);
  p.option('service.healthCheckGracePeriodInSeconds', s.healthCheckGracePeriodInSeconds, f('healthCheckGracePeriodInSeconds'));
  if (!(SERVICE_CONTROLLERS as readonly unknown[]).includes(s.controller)) {
    p.add(`${f('controller')} must be ${SERVICE_CONTROLLERS.map((c) => `"${c}"`).join(' or ')} (the controllers this version has), got ${show(s.controller)}`);
  }
}

/** Target group settings: health check (`hc` names its fields) and deregistration delay (`delayField`). */
export function validateTargetGroup(healthCheck: Required<TargetHealthCheckConfig>, delay: unknown, hc: FieldNamer, delayField: string, p: Problems): void {
  const h = healthCheck;
  if (typeof h.path !== 'string' || !h.path.startsWith('/') || h.path.length > 1024) {
    p.add(`${hc('path')} must start with / and have at most 1024 characters, got ${show(h.path)}`);
  }
  if (typeof h.matcher !== 'string' || !MATCHER.test(h.matcher) || h.matcher.split(/[,-]/).some((c) => Number(c) < 200 || Number(c) > 499)) {
    p.add(`${hc('matcher')} must be HTTP codes from 200 to 499 such as "200", "200,204" or "200-299", got ${show(h.matcher)}`);
  }
  const intervalOk = p.option('loadBalancer.healthCheck.intervalInSeconds', h.intervalInSeconds, hc('intervalInSeconds'));
  if (p.option('loadBalancer.healthCheck.timeoutInSeconds', h.timeoutInSeconds, hc('timeoutInSeconds')) && intervalOk && h.timeoutInSeconds >= h.intervalInSeconds) {
    p.add(`${hc('timeoutInSeconds')} must be less than ${hc('intervalInSeconds')} (${h.intervalInSeconds}), got ${h.timeoutInSeconds}`);
  }
  p.option('loadBalancer.healthCheck.healthyThreshold', h.healthyThreshold, hc('healthyThreshold'));
  p.option('loadBalancer.healthCheck.unhealthyThreshold', h.unhealthyThreshold, hc('unhealthyThreshold'));
  p.option('loadBalancer.deregistrationDelayInSeconds', delay, delayField);
}

/** A deployment group's settings. */
export function validateDeployment(d: ResolvedDeployment, f: FieldNamer, p: Problems): void {
  const routing = d.trafficRouting as { type?: unknown; name?: unknown; percentage?: unknown; intervalInMinutes?: unknown };
  if (routing.type === 'predefined') {
    if (!(PREDEFINED_ECS_DEPLOYMENT_CONFIGS as readonly unknown[]).includes(routing.name)) {
      p.add(`${f('trafficRouting.name')} must be one of ${PREDEFINED_ECS_DEPLOYMENT_CONFIGS.join(', ')}, got ${show(routing.name)}`);
    }
  } else if (routing.type === 'canary' || routing.type === 'linear') {
    p.option('deployment.trafficRouting.percentage', routing.percentage, f('trafficRouting.percentage'));
    p.option('deployment.trafficRouting.intervalInMinutes', routing.intervalInMinutes, f('trafficRouting.intervalInMinutes'));
  } else {
    p.add(`${f('trafficRouting.type')} must be "predefined", "canary" or "linear", got ${show(routing.type)}`);
  }
  p.option('deployment.terminationWaitTimeInMinutes', d.terminationWaitTimeInMinutes, f('terminationWaitTimeInMinutes'));
  if (d.manualApprovalWaitInMinutes !== undefined) p.option('deployment.manualApprovalWaitInMinutes', d.manualApprovalWaitInMinutes, f('manualApprovalWaitInMinutes'));
}

/**
 * Rollback alarm settings; `f('')` names the section itself. `deploymentGroup` false (an ECS-native
 * service): CodeDeploy's limit of 10 alarms per deployment group does not apply.
 */
export function validateAlarms(a: Required<AlarmsConfig>, f: FieldNamer, p: Problems, deploymentGroup = true): void {
  p.boolean(f('enabled'), a.enabled);
  p.option('alarms.target5xxThreshold', a.target5xxThreshold, f('target5xxThreshold'));
  const period = a.periodInSeconds;
  const periods = rangeOf('alarms.periodInSeconds');
  if (!isInt(period) || !(period === 10 || period === 30 || (period >= 60 && period <= periods.max && period % 60 === 0))) {
    p.add(`${f('periodInSeconds')} must be 10, 30 or a multiple of 60 up to ${periods.max}, got ${show(period)}`);
  }
  p.option('alarms.evaluationPeriods', a.evaluationPeriods, f('evaluationPeriods'));
  if (!Array.isArray(a.additionalAlarmNames)) {
    p.add(`${f('additionalAlarmNames')} must be a list of alarm names, got ${show(a.additionalAlarmNames)}`);
    return;
  }
  a.additionalAlarmNames.forEach((name, i) => {
    if (typeof name !== 'string' || name.length < 1 || name.length > 255) p.add(`${f(`additionalAlarmNames[${i}]`)} must be an alarm name of 1-255 characters, got ${show(name)}`);
  });
  const generated = a.enabled === true ? generatedAlarmCount() : 0;
  const total = generated + a.additionalAlarmNames.length;
  if (deploymentGroup && total > MAX_DEPLOYMENT_GROUP_ALARMS) {
    p.add(
      `${f('')} must total at most ${MAX_DEPLOYMENT_GROUP_ALARMS} per deployment group (CodeDeploy's limit), got ${total} (${generated} generated + ${a.additionalAlarmNames.length} in ${f('additionalAlarmNames')})`,
    );
  }
}

/** The CodeDeploy lifecycle events a hook runs at. */
function validateHookEvents(h: ResolvedHook, f: FieldNamer, p: Problems): void {
  if (!Array.isArray(h.lifecycleEvents) || h.lifecycleEvents.length === 0) {
    p.add(`${f('lifecycleEvents')} must list at least one of ${HOOK_CHECKABLE_EVENTS.join(', ')}, got ${show(h.lifecycleEvents)}`);
  } else {
    h.lifecycleEvents.forEach((event, i) => {
      if (!(HOOK_CHECKABLE_EVENTS as readonly string[]).includes(event)) {
        const known = (ECS_HOOK_EVENTS as readonly string[]).includes(event);
        p.add(
          `${f(`lifecycleEvents[${i}]`)} must be one of ${HOOK_CHECKABLE_EVENTS.join(', ')}${known ? ' (the test listener does not route to green yet at that event)' : ''}, got ${show(event)}`,
        );
      } else if (h.lifecycleEvents.indexOf(event) !== i) {
        p.add(`${f(`lifecycleEvents[${i}]`)} repeats ${show(event)}; each event may appear once`);
      }
    });
  }
}

/**
 * Hook settings; checks and passes go through the hook's own parser, so the stack never deploys one it
 * rejects. `events` false (an ECS-native service): its lifecycle stages are checked by
 * config/validation-native.ts instead of CodeDeploy's lifecycle events.
 */
export function validateHook(h: ResolvedHook, f: FieldNamer, p: Problems, events = true): void {
  if (events) validateHookEvents(h, f, p);
  const hookProblems = validateHookConfig({
    testBaseUrl: 'http://test-listener.invalid:8080',
    ...(h.checks !== undefined ? { checks: h.checks } : {}),
    ...(h.requiredConsecutivePasses !== undefined ? { requiredConsecutivePasses: h.requiredConsecutivePasses } : {}),
  });
  // The hook names fields from its own root (`checks[0].path`): re-rooted where the user wrote them.
  hookProblems.forEach((problem) => {
    const field = /^[A-Za-z]+/.exec(problem)?.[0] ?? '';
    p.add(`${f(field)}${problem.slice(field.length)}`);
  });
  p.option('hook.checkBudgetInSeconds', h.checkBudgetInSeconds, f('checkBudgetInSeconds'));
  p.retention(f('logRetentionInDays'), h.logRetentionInDays);
  if (h.reservedConcurrentExecutions !== undefined) p.option('hook.reservedConcurrentExecutions', h.reservedConcurrentExecutions, f('reservedConcurrentExecutions'));
}

/** Names fields of `section` for one service: its own override when it sets that field, else the environment's. */
export function sectionNamer(entry: Pick<ServiceEntry, 'field' | 'spec'>, section: 'deployment' | 'alarms' | 'hook'): FieldNamer {
  const own = entry.spec[section] as Record<string, unknown> | undefined;
  const owns = (key: string): boolean => own !== null && typeof own === 'object' && own[key] !== undefined;
  return (key) => {
    if (key === '') return own !== null && typeof own === 'object' && Object.keys(own).length > 0 ? `${entry.field}.${section}` : section;
    const first = /^[A-Za-z]+/.exec(key)![0];
    return owns(first) ? `${entry.field}.${section}.${key}` : `${section}.${key}`;
  };
}

/** Everything one service configures, with the environment's defaults merged in. */
export function validateServiceSettings(entry: ServiceEntry, s: ResolvedService, p: Problems): void {
  const f: FieldNamer = (key) => `${entry.field}.${key}`;
  p.knownFields(entry.field, entry.spec, entry.stackLevel ? ['name', ...SERVICE_FIELDS] : SERVICE_FIELDS);
  validateContainer(s, f, p);
  validateContainerSecurity(s, entry.spec as unknown as Record<string, unknown>, f, p);
  // Inherited from the environment unless the service sets it.
  p.boolean(entry.spec.autoRelease !== undefined ? f('autoRelease') : 'autoRelease', s.autoRelease);
  const routing = entry.spec.routing as Record<string, unknown> | undefined;
  if (routing !== undefined && (routing === null || typeof routing !== 'object' || Array.isArray(routing))) {
    p.add(`${f('routing')} must be an object with ${ROUTING_FIELDS.join(', ')}, got ${show(routing)}`);
  } else {
    p.knownFields(f('routing'), routing, ROUTING_FIELDS);
    if (routing?.loadBalancer !== undefined && !(SERVICE_LOAD_BALANCERS as readonly unknown[]).includes(routing.loadBalancer)) {
      p.add(`${f('routing.loadBalancer')} must be ${SERVICE_LOAD_BALANCERS.map((l) => `"${l}"`).join(' or ')}, got ${show(routing.loadBalancer)}`);
    }
  }
  const ownHealthCheck = (routing?.healthCheck ?? {}) as Record<string, unknown>;
  const hc: FieldNamer = (key) => (ownHealthCheck[key] !== undefined ? f(`routing.healthCheck.${key}`) : `loadBalancer.healthCheck.${key}`);
  const delayField = routing?.deregistrationDelayInSeconds !== undefined ? f('routing.deregistrationDelayInSeconds') : 'loadBalancer.deregistrationDelayInSeconds';
  validateTargetGroup(s.routing.healthCheck, s.routing.deregistrationDelayInSeconds, hc, delayField, p);
  const codeDeploy = s.controller !== 'ecs';
  // An ECS-native service inherits the environment's CodeDeploy settings without using them; they are
  // validated where they are written (the environment's sections), its own native ones here.
  for (const section of ['deployment', 'alarms', 'hook'] as const) knownSectionFields(f(section), section, entry.spec[section], p);
  p.knownFields(f('routing.healthCheck'), routing?.healthCheck, CONFIG_FIELDS.healthCheck);
  if (codeDeploy) validateDeployment(s.deployment, sectionNamer(entry, 'deployment'), p);
  validateAlarms(s.alarms, sectionNamer(entry, 'alarms'), p, codeDeploy);
  validateHook(s.hook, sectionNamer(entry, 'hook'), p, codeDeploy);
  validateNativeService(entry, s, p, { deployment: sectionNamer(entry, 'deployment'), hook: sectionNamer(entry, 'hook') });
}
