/**
 * An environment with every default filled in: `resolveEnvironment` turns the user's
 * `EnvironmentConfig` into a new `ResolvedEnvironment` (the input is never modified), with one
 * `ResolvedService` per service, its listener ports allocated. Defaults come from config/options.ts.
 * Pure: no cdktf imports, no I/O. Does not validate: config/validation.ts does, naming fields as the
 * user wrote them.
 */
import type {
  AlarmsConfig,
  DeploymentConfig,
  EnvironmentConfig,
  ExistingVpcConfig,
  HookSettings,
  ImageConfig,
  LoadBalancerConfig,
  NewVpcConfig,
  ServiceConfig,
  ServiceController,
  StateConfig,
  TargetHealthCheckConfig,
  TestListenerConfig,
} from './environment';
import type { HealthCheckSpec } from '../hook-lambda/config';
import { DEFAULT_PORTS, OPTIONS, postureDefault } from './options';
import type { AccessLogsConfig, EncryptionConfig, FlowLogsConfig, Posture, TaskEgress, TmpfsMount } from './security-config';
import { allocatePorts, type RouteRequest } from './routes';
import { allocatePriorities, mergeNativeDeployment, resolveNativeDeployment, resolveNativeRoute, type ResolvedNative, type ResolvedNativeDeployment, type NATIVE_DEPLOYMENT_FIELDS } from './native';

/** Name of the `service` of a single-service environment when it gives none. */
export const DEFAULT_SERVICE_NAME = OPTIONS['service.name'].default;

/** Deployment group settings with defaults (the CodeDeploy fields; native ones are in {@link ResolvedNative}). */
export type ResolvedDeployment = Required<Omit<DeploymentConfig, 'manualApprovalWaitInMinutes' | (typeof NATIVE_DEPLOYMENT_FIELDS)[number]>> & {
  readonly manualApprovalWaitInMinutes: number | undefined;
};

/** Hook settings with defaults (checks and passes left to the hook's own defaults when unset). */
export type ResolvedHook = Required<Omit<HookSettings, 'checks' | 'requiredConsecutivePasses' | 'reservedConcurrentExecutions'>> & {
  readonly checks: readonly HealthCheckSpec[] | undefined;
  readonly requiredConsecutivePasses: number | undefined;
  /** Undefined: unreserved. */
  readonly reservedConcurrentExecutions: number | undefined;
};

/** A new VPC with defaults, its flow logs resolved. */
export type ResolvedNewVpc = Required<Omit<NewVpcConfig, 'flowLogs'>> & { readonly flowLogs: Required<FlowLogsConfig> };

/** Customer-managed encryption with defaults. */
export type ResolvedEncryption = Required<Omit<EncryptionConfig, 'kmsKeyArn'>> & { readonly kmsKeyArn: string | undefined };

/** A service's load balancer, listener ports and target group settings. */
export interface ResolvedRouting {
  /** `shared`: the environment's load balancer; `dedicated`: one of the service's own. */
  readonly loadBalancer: 'shared' | 'dedicated';
  readonly productionPort: number;
  readonly testPort: number;
  readonly healthCheck: Required<TargetHealthCheckConfig>;
  readonly deregistrationDelayInSeconds: number;
}

/** One service with every default filled in. */
export interface ResolvedService {
  /** Its name: the key in `services`, or `service.name` (default {@link DEFAULT_SERVICE_NAME}). */
  readonly name: string;
  /** Where it is configured, as validation messages name it: `service` or `services.<name>`. */
  readonly field: string;
  /** True for `service`: the stack-level resource names and Terraform addresses of a single-service stack. */
  readonly stackLevel: boolean;
  readonly image: ImageConfig;
  readonly containerName: string;
  readonly containerPort: number;
  readonly cpu: number;
  readonly memoryInMiB: number;
  readonly desiredCount: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionInDays: number;
  readonly containerInsights: boolean;
  readonly healthCheckGracePeriodInSeconds: number;
  readonly controller: ServiceController;
  /**
   * `controller: 'ecs'`: its deployment, rules and hook stages (config/native.ts).
   * @default - undefined for a CodeDeploy service
   */
  readonly native: ResolvedNative | undefined;
  readonly routing: ResolvedRouting;
  readonly deployment: ResolvedDeployment;
  readonly alarms: Required<AlarmsConfig>;
  readonly hook: ResolvedHook;
  readonly autoRelease: boolean;
  readonly readonlyRootFilesystem: boolean;
  readonly tmpfs: readonly TmpfsMount[];
  /** Undefined: the image's user. */
  readonly user: string | undefined;
  readonly capabilities: { readonly add: readonly string[]; readonly drop: readonly string[] };
  readonly initProcessEnabled: boolean;
  readonly egress: TaskEgress;
}

/** An environment with every default filled in. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  readonly posture: Posture;
  readonly encryption: ResolvedEncryption;
  readonly network: ResolvedNewVpc | (ExistingVpcConfig & { readonly privateSubnetIds: readonly string[] });
  /** Shared load balancer settings; `productionPort`, `healthCheck` and the delay are the services' defaults. */
  readonly loadBalancer: Required<Omit<LoadBalancerConfig, 'certificateArn' | 'healthCheck' | 'accessLogs'>> & {
    readonly certificateArn: string | undefined;
    readonly healthCheck: Required<TargetHealthCheckConfig>;
    readonly accessLogs: Required<AccessLogsConfig>;
  };
  /** Test listener access; `port` is the first service's default. */
  readonly testListener: Required<TestListenerConfig>;
  /** The services' defaults: the CodeDeploy fields, and the ECS-native ones (config/native.ts). */
  readonly deployment: ResolvedDeployment & ResolvedNativeDeployment;
  readonly alarms: Required<AlarmsConfig>;
  readonly hook: ResolvedHook;
  readonly autoRelease: boolean;
  /** The services: `service` first, then `services` in declaration order. */
  readonly services: readonly ResolvedService[];
  readonly quotas: { readonly listenersPerLoadBalancer: number; readonly rulesPerSecurityGroup: number; readonly rulesPerLoadBalancer: number };
  readonly state: StateConfig;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Defaults of every optional setting, grouped as the configuration is: a view of config/options.ts
 * (the one table of defaults and ranges), kept for callers that want a whole section at once.
 */
export const DEFAULTS = {
  project: OPTIONS.project.default,
  network: {
    mode: 'new',
    cidrBlock: OPTIONS['network.cidrBlock'].default,
    availabilityZoneCount: OPTIONS['network.availabilityZoneCount'].default,
    natGatewayCount: OPTIONS['network.natGatewayCount'].default,
    restrictDefaultSecurityGroup: OPTIONS['network.restrictDefaultSecurityGroup'].default,
    flowLogs: {
      enabled: OPTIONS['network.flowLogs.enabled'].default,
      trafficType: OPTIONS['network.flowLogs.trafficType'].default,
      retentionInDays: OPTIONS['network.flowLogs.retentionInDays'].default,
    },
    vpcEndpoints: OPTIONS['network.vpcEndpoints'].default,
  },
  service: {
    containerName: OPTIONS['service.containerName'].default,
    containerPort: OPTIONS['service.containerPort'].default,
    cpu: OPTIONS['service.cpu'].default,
    memoryInMiB: OPTIONS['service.memoryInMiB'].default,
    desiredCount: OPTIONS['service.desiredCount'].default,
    logRetentionInDays: OPTIONS['service.logRetentionInDays'].default,
    containerInsights: OPTIONS['service.containerInsights'].default,
    healthCheckGracePeriodInSeconds: OPTIONS['service.healthCheckGracePeriodInSeconds'].default,
  },
  loadBalancer: {
    httpPort: DEFAULT_PORTS.http,
    httpsPort: DEFAULT_PORTS.https,
    sslPolicy: OPTIONS['loadBalancer.sslPolicy'].default,
    allowedCidrs: OPTIONS['loadBalancer.allowedCidrs'].default,
    deregistrationDelayInSeconds: OPTIONS['loadBalancer.deregistrationDelayInSeconds'].default,
    idleTimeoutInSeconds: OPTIONS['loadBalancer.idleTimeoutInSeconds'].default,
    healthCheck: {
      path: OPTIONS['loadBalancer.healthCheck.path'].default,
      matcher: OPTIONS['loadBalancer.healthCheck.matcher'].default,
      intervalInSeconds: OPTIONS['loadBalancer.healthCheck.intervalInSeconds'].default,
      timeoutInSeconds: OPTIONS['loadBalancer.healthCheck.timeoutInSeconds'].default,
      healthyThreshold: OPTIONS['loadBalancer.healthCheck.healthyThreshold'].default,
      unhealthyThreshold: OPTIONS['loadBalancer.healthCheck.unhealthyThreshold'].default,
    },
  },
  testListener: { port: OPTIONS['testListener.port'].default, allowPublicAccess: OPTIONS['testListener.allowPublicAccess'].default },
  deployment: {
    trafficRouting: OPTIONS['deployment.trafficRouting'].default,
    terminationWaitTimeInMinutes: OPTIONS['deployment.terminationWaitTimeInMinutes'].default,
  },
  alarms: {
    enabled: OPTIONS['alarms.enabled'].default,
    target5xxThreshold: OPTIONS['alarms.target5xxThreshold'].default,
    periodInSeconds: OPTIONS['alarms.periodInSeconds'].default,
    evaluationPeriods: OPTIONS['alarms.evaluationPeriods'].default,
  },
  hook: {
    lifecycleEvents: OPTIONS['hook.lifecycleEvents'].default,
    checkBudgetInSeconds: OPTIONS['hook.checkBudgetInSeconds'].default,
    logRetentionInDays: OPTIONS['hook.logRetentionInDays'].default,
  },
} as const;

// Lists are copied; a value that is not a list is kept as it is, for validation to report.
const list = <T>(value: readonly T[] | undefined, fallback: readonly T[]): T[] => (Array.isArray(value) ? [...value] : (value ?? [...fallback])) as T[];

/** The fields of `override` that are set, for a field-by-field merge over a default section. */
function setFields<T extends object>(override: T | undefined): Partial<T> {
  if (override === null || typeof override !== 'object') return {};
  return Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function resolveDeployment(d: DeploymentConfig): ResolvedDeployment {
  return {
    trafficRouting: { ...(d.trafficRouting ?? DEFAULTS.deployment.trafficRouting) },
    terminationWaitTimeInMinutes: d.terminationWaitTimeInMinutes ?? DEFAULTS.deployment.terminationWaitTimeInMinutes,
    manualApprovalWaitInMinutes: d.manualApprovalWaitInMinutes,
  };
}

function resolveAlarms(a: AlarmsConfig): Required<AlarmsConfig> {
  return {
    enabled: a.enabled ?? DEFAULTS.alarms.enabled,
    target5xxThreshold: a.target5xxThreshold ?? DEFAULTS.alarms.target5xxThreshold,
    periodInSeconds: a.periodInSeconds ?? DEFAULTS.alarms.periodInSeconds,
    evaluationPeriods: a.evaluationPeriods ?? DEFAULTS.alarms.evaluationPeriods,
    additionalAlarmNames: list(a.additionalAlarmNames, OPTIONS['alarms.additionalAlarmNames'].default),
  };
}

function resolveHook(h: HookSettings): ResolvedHook {
  return {
    lifecycleEvents: list(h.lifecycleEvents, DEFAULTS.hook.lifecycleEvents),
    lifecycleStages: list(h.lifecycleStages, OPTIONS['hook.lifecycleStages'].default),
    checks: Array.isArray(h.checks) ? h.checks.map((c) => (c !== null && typeof c === 'object' ? { ...c } : c)) : h.checks,
    requiredConsecutivePasses: h.requiredConsecutivePasses,
    checkBudgetInSeconds: h.checkBudgetInSeconds ?? DEFAULTS.hook.checkBudgetInSeconds,
    logRetentionInDays: h.logRetentionInDays ?? DEFAULTS.hook.logRetentionInDays,
    reservedConcurrentExecutions: h.reservedConcurrentExecutions,
  };
}

/** One service as the user wrote it, before defaults. */
export interface ServiceEntry {
  readonly name: string;
  readonly field: string;
  readonly stackLevel: boolean;
  /** The user's object (an empty one when it is not an object: validation reports that). */
  readonly spec: ServiceConfig;
}

/** The services of an environment in order: `service` first, then the entries of `services`. */
export function serviceEntries(config: EnvironmentConfig): ServiceEntry[] {
  const asSpec = (value: unknown): ServiceConfig => (value !== null && typeof value === 'object' ? (value as ServiceConfig) : ({} as ServiceConfig));
  const entries: ServiceEntry[] = [];
  if (config.service !== undefined) {
    const name = (config.service as { name?: unknown } | null)?.name;
    entries.push({ name: typeof name === 'string' ? name : DEFAULT_SERVICE_NAME, field: 'service', stackLevel: true, spec: asSpec(config.service) });
  }
  const services = config.services;
  if (services !== null && typeof services === 'object' && !Array.isArray(services)) {
    for (const [name, spec] of Object.entries(services)) entries.push({ name, field: `services.${name}`, stackLevel: false, spec: asSpec(spec) });
  }
  return entries;
}

type EnvLevel = Omit<ResolvedEnvironment, 'services'>;

/** A new VPC's settings with defaults; the posture picks the flow logs' default. */
function resolveNewVpc(network: NewVpcConfig, posture: unknown): ResolvedNewVpc {
  const flowLogs = setFields(network.flowLogs);
  return {
    mode: 'new',
    cidrBlock: network.cidrBlock ?? DEFAULTS.network.cidrBlock,
    availabilityZoneCount: network.availabilityZoneCount ?? DEFAULTS.network.availabilityZoneCount,
    natGatewayCount: network.natGatewayCount ?? DEFAULTS.network.natGatewayCount,
    restrictDefaultSecurityGroup: network.restrictDefaultSecurityGroup ?? OPTIONS['network.restrictDefaultSecurityGroup'].default,
    flowLogs: {
      enabled: flowLogs.enabled ?? postureDefault('network.flowLogs.enabled', posture),
      trafficType: flowLogs.trafficType ?? OPTIONS['network.flowLogs.trafficType'].default,
      retentionInDays: flowLogs.retentionInDays ?? OPTIONS['network.flowLogs.retentionInDays'].default,
    },
    vpcEndpoints: network.vpcEndpoints ?? OPTIONS['network.vpcEndpoints'].default,
  };
}

function resolveEncryption(config: EnvironmentConfig): ResolvedEncryption {
  const e = setFields(config.encryption);
  return {
    createKmsKey: e.createKmsKey ?? OPTIONS['encryption.createKmsKey'].default,
    kmsKeyArn: e.kmsKeyArn,
    encryptContainerRepository: e.encryptContainerRepository ?? OPTIONS['encryption.encryptContainerRepository'].default,
  };
}

function resolveEnvLevel(config: EnvironmentConfig): EnvLevel {
  const network = config.network ?? { mode: 'new' };
  const lb = config.loadBalancer ?? {};
  const test = config.testListener ?? {};
  const quotas = config.quotas ?? {};
  // Kept as written (validation reports a bad one); anything but 'production' picks the development defaults.
  const posture = (config.posture ?? OPTIONS.posture.default) as Posture;
  const accessLogs = setFields(lb.accessLogs);
  return {
    name: config.name,
    project: config.project ?? DEFAULTS.project,
    region: config.region,
    posture,
    encryption: resolveEncryption(config),
    network:
      network.mode === 'existing'
        ? { ...network, publicSubnetIds: list(network.publicSubnetIds, []), privateSubnetIds: list(network.privateSubnetIds, OPTIONS['network.privateSubnetIds'].default) }
        : resolveNewVpc(network, posture),
    loadBalancer: {
      certificateArn: lb.certificateArn,
      productionPort: lb.productionPort ?? (lb.certificateArn !== undefined ? DEFAULTS.loadBalancer.httpsPort : DEFAULTS.loadBalancer.httpPort),
      sslPolicy: lb.sslPolicy ?? DEFAULTS.loadBalancer.sslPolicy,
      allowedCidrs: list(lb.allowedCidrs, DEFAULTS.loadBalancer.allowedCidrs),
      deregistrationDelayInSeconds: lb.deregistrationDelayInSeconds ?? DEFAULTS.loadBalancer.deregistrationDelayInSeconds,
      idleTimeoutInSeconds: lb.idleTimeoutInSeconds ?? DEFAULTS.loadBalancer.idleTimeoutInSeconds,
      healthCheck: { ...DEFAULTS.loadBalancer.healthCheck, ...(lb.healthCheck ?? {}) },
      deletionProtection: lb.deletionProtection ?? postureDefault('loadBalancer.deletionProtection', posture),
      accessLogs: {
        enabled: accessLogs.enabled ?? postureDefault('loadBalancer.accessLogs.enabled', posture),
        retentionInDays: accessLogs.retentionInDays ?? OPTIONS['loadBalancer.accessLogs.retentionInDays'].default,
      },
    },
    testListener: {
      port: test.port ?? DEFAULTS.testListener.port,
      allowedCidrs: list(test.allowedCidrs, OPTIONS['testListener.allowedCidrs'].default),
      allowPublicAccess: test.allowPublicAccess ?? DEFAULTS.testListener.allowPublicAccess,
    },
    deployment: { ...resolveDeployment(config.deployment ?? {}), ...resolveNativeDeployment(config.deployment ?? {}) },
    alarms: resolveAlarms(config.alarms ?? {}),
    hook: resolveHook(config.hook ?? {}),
    autoRelease: config.autoRelease ?? OPTIONS.autoRelease.default,
    quotas: {
      listenersPerLoadBalancer: quotas.listenersPerLoadBalancer ?? OPTIONS['quotas.listenersPerLoadBalancer'].default,
      rulesPerSecurityGroup: quotas.rulesPerSecurityGroup ?? OPTIONS['quotas.rulesPerSecurityGroup'].default,
      rulesPerLoadBalancer: quotas.rulesPerLoadBalancer ?? OPTIONS['quotas.rulesPerLoadBalancer'].default,
    },
    state: config.state ? { ...config.state } : { ...OPTIONS.state.default },
    tags: { ...(config.tags ?? OPTIONS.tags.default) },
  };
}

/** True for an ECS-native service whose rules go on shared listeners (`routing.listeners` 'shared', the default). */
export function isSharedNative(entry: Pick<ServiceEntry, 'spec'>): boolean {
  const routing = entry.spec.routing as { listeners?: unknown } | undefined;
  return entry.spec.controller === 'ecs' && (routing === null || typeof routing !== 'object' || routing.listeners === undefined || routing.listeners === 'shared');
}

/** What the port allocation is asked for one service (see config/routes.ts). */
function routeRequest(entry: ServiceEntry, env: EnvLevel): RouteRequest {
  const routing = setFields(entry.spec.routing);
  const loadBalancer = routing.loadBalancer === 'dedicated' ? 'dedicated' : 'shared';
  // `service` keeps the ports single-service environments always had: exactly the configured ones; an
  // ECS-native service on shared listeners uses the environment's (shared by design, never allocated).
  const fixed = entry.stackLevel || isSharedNative(entry);
  const productionPort = routing.productionPort ?? (fixed ? env.loadBalancer.productionPort : undefined);
  const testPort = routing.testPort ?? (fixed ? env.testListener.port : undefined);
  return { name: entry.name, loadBalancer, productionPort, testPort };
}

function resolveNative(entry: ServiceEntry, env: EnvLevel, hook: ResolvedHook, priority: number): ResolvedNative | undefined {
  const s = entry.spec;
  if (s.controller !== 'ecs') return undefined;
  const migration = (s.migration as { fromCodeDeploy?: unknown } | undefined)?.fromCodeDeploy;
  return {
    deployment: resolveNativeDeployment(mergeNativeDeployment(nativeDeploymentInput(env), s.deployment)),
    route: resolveNativeRoute(s.routing, priority),
    lifecycleStages: hook.lifecycleStages,
    migration: migration === undefined ? undefined : (migration as ResolvedNative['migration']),
  };
}

/** The environment's native deployment settings as a `deployment` section, to merge a service's over. */
function nativeDeploymentInput(env: EnvLevel): DeploymentConfig {
  const d = env.deployment;
  return { strategy: d.strategy, bakeTimeInMinutes: d.bakeTimeInMinutes, linearConfiguration: d.linearConfiguration, canaryConfiguration: d.canaryConfiguration };
}

function resolveService(entry: ServiceEntry, env: EnvLevel, ports: { productionPort: number; testPort: number }, priority: number): ResolvedService {
  const s = entry.spec;
  const routing = setFields(s.routing);
  const hook = resolveHook({ ...env.hook, ...setFields(s.hook) });
  return {
    name: entry.name,
    field: entry.field,
    stackLevel: entry.stackLevel,
    image: s.image,
    containerName: s.containerName ?? DEFAULTS.service.containerName,
    containerPort: s.containerPort ?? DEFAULTS.service.containerPort,
    cpu: s.cpu ?? DEFAULTS.service.cpu,
    memoryInMiB: s.memoryInMiB ?? DEFAULTS.service.memoryInMiB,
    desiredCount: s.desiredCount ?? DEFAULTS.service.desiredCount,
    environment: { ...(s.environment ?? OPTIONS['service.environment'].default) },
    logRetentionInDays: s.logRetentionInDays ?? DEFAULTS.service.logRetentionInDays,
    containerInsights: s.containerInsights ?? DEFAULTS.service.containerInsights,
    healthCheckGracePeriodInSeconds: s.healthCheckGracePeriodInSeconds ?? DEFAULTS.service.healthCheckGracePeriodInSeconds,
    controller: s.controller ?? OPTIONS['service.controller'].default,
    native: resolveNative(entry, env, hook, priority),
    routing: {
      loadBalancer: routing.loadBalancer ?? OPTIONS['service.routing.loadBalancer'].default,
      productionPort: ports.productionPort,
      testPort: ports.testPort,
      healthCheck: { ...env.loadBalancer.healthCheck, ...setFields(routing.healthCheck) },
      deregistrationDelayInSeconds: routing.deregistrationDelayInSeconds ?? env.loadBalancer.deregistrationDelayInSeconds,
    },
    deployment: resolveDeployment({ ...pickCodeDeploy(env.deployment), ...setFields(s.deployment) }),
    alarms: resolveAlarms({ ...env.alarms, ...setFields(s.alarms) }),
    hook,
    autoRelease: s.autoRelease ?? env.autoRelease,
    ...resolveContainerSecurity(s),
  };
}

/** A service's container hardening and egress, with defaults. */
function resolveContainerSecurity(s: ServiceConfig): Pick<ResolvedService, 'readonlyRootFilesystem' | 'tmpfs' | 'user' | 'capabilities' | 'initProcessEnabled' | 'egress'> {
  const capabilities = setFields(s.capabilities);
  return {
    readonlyRootFilesystem: s.readonlyRootFilesystem ?? OPTIONS['service.readonlyRootFilesystem'].default,
    tmpfs: Array.isArray(s.tmpfs) ? s.tmpfs.map((m) => (m !== null && typeof m === 'object' ? { ...m } : m)) : (s.tmpfs ?? [...OPTIONS['service.tmpfs'].default]),
    user: s.user,
    capabilities: { add: list(capabilities.add, OPTIONS['service.capabilities.add'].default), drop: list(capabilities.drop, OPTIONS['service.capabilities.drop'].default) },
    initProcessEnabled: s.initProcessEnabled ?? OPTIONS['service.initProcessEnabled'].default,
    egress: s.egress ?? OPTIONS['service.egress'].default,
  };
}

/**
 * Fills every default into a new object; the input is not modified. Does not validate: call
 * `validateEnvironment` on the input (it names fields as the user wrote them).
 */
export function resolveEnvironment(config: EnvironmentConfig): ResolvedEnvironment {
  const env = resolveEnvLevel(config);
  const entries = serviceEntries(config);
  const ports = allocatePorts(
    entries.map((e) => routeRequest(e, env)),
    { https: env.loadBalancer.certificateArn !== undefined, productionPort: env.loadBalancer.productionPort, testPort: env.testListener.port },
  );
  const native = entries.filter((e) => e.spec.controller === 'ecs');
  const priorities = allocatePriorities(native.map((e) => ({ name: e.name, ...pick(routeRequest(e, env), 'loadBalancer'), priority: setFields(e.spec.routing).priority })));
  const priorityOf = new Map(native.map((e, i) => [e, priorities[i]!]));
  return { ...env, services: entries.map((e, i) => resolveService(e, env, ports[i]!, priorityOf.get(e) ?? 0)) };
}

const pickCodeDeploy = (d: ResolvedDeployment): ResolvedDeployment => ({
  trafficRouting: d.trafficRouting,
  terminationWaitTimeInMinutes: d.terminationWaitTimeInMinutes,
  manualApprovalWaitInMinutes: d.manualApprovalWaitInMinutes,
});

const pick = <T extends object, K extends keyof T>(o: T, key: K): Pick<T, K> => ({ [key]: o[key] }) as Pick<T, K>;

/** True when the tasks and the hook run in private subnets behind NAT. */
export function usesPrivateSubnets(env: Pick<ResolvedEnvironment, 'network'>): boolean {
  return env.network.mode === 'new' ? env.network.natGatewayCount > 0 : env.network.privateSubnetIds.length > 0;
}
