/**
 * ECS-native blue/green services (`controller: 'ecs'`): their settings with defaults filled in, and
 * the priorities of their listener rules. Pure: no cdktf imports, no I/O. Defaults come from
 * config/options.ts; validation is in config/validation-native.ts.
 *
 * An ECS-native service is deployed by ECS itself (`deployment_controller = ECS` with a BLUE_GREEN,
 * LINEAR or CANARY strategy, Amazon ECS Developer Guide, "Amazon ECS blue/green deployments"). Its
 * traffic routes are a production and a test listener rule (the service's
 * `load_balancer.advanced_configuration`), whose forward weights ECS rewrites during a deployment.
 */
import type { EcsHookStage } from '../hook-lambda/events';
import type {
  CanaryConfigurationConfig,
  DeploymentConfig,
  LinearConfigurationConfig,
  MigrationConfig,
  NativeDeploymentStrategy,
  ServiceRoutingConfig,
} from './environment';
import { OPTIONS } from './options';
import { loadBalancerKey } from './routes';

/** Fields of `deployment` that configure a CodeDeploy deployment group. */
export const CODEDEPLOY_DEPLOYMENT_FIELDS = ['trafficRouting', 'terminationWaitTimeInMinutes', 'manualApprovalWaitInMinutes'] as const;

/** Fields of `deployment` that configure an ECS-native deployment. */
export const NATIVE_DEPLOYMENT_FIELDS = ['strategy', 'bakeTimeInMinutes', 'linearConfiguration', 'canaryConfiguration'] as const;

/** Fields of `routing` that only ECS-native services have. */
export const NATIVE_ROUTING_FIELDS = ['hosts', 'paths', 'priority', 'listeners'] as const;

/** Fields of `hook` by controller: CodeDeploy's lifecycle events, ECS's lifecycle stages. */
export const CONTROLLER_HOOK_FIELDS = { codedeploy: 'lifecycleEvents', ecs: 'lifecycleStages' } as const;

/** An ECS-native deployment configuration with defaults (both step shapes resolved; the strategy picks one). */
export interface ResolvedNativeDeployment {
  readonly strategy: NativeDeploymentStrategy;
  readonly bakeTimeInMinutes: number;
  readonly linearConfiguration: Required<LinearConfigurationConfig>;
  readonly canaryConfiguration: Required<CanaryConfigurationConfig>;
}

/** Where an ECS-native service's rules are and what they match. */
export interface ResolvedNativeRoute {
  /** `shared`: rules on listeners other services share; `own`: on two listeners of its own. */
  readonly listeners: 'shared' | 'own';
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
  /** Priority of both rules on their listeners. */
  readonly priority: number;
}

/** Everything an ECS-native service adds to a service's settings. */
export interface ResolvedNative {
  readonly deployment: ResolvedNativeDeployment;
  readonly route: ResolvedNativeRoute;
  /** Stages ECS invokes the hook at. */
  readonly lifecycleStages: readonly EcsHookStage[];
  /** Set during the apply that switches a CodeDeploy service to ECS. */
  readonly migration: MigrationConfig['fromCodeDeploy'] | undefined;
}

const fieldsOf = <T extends object>(value: T | undefined): Partial<T> =>
  value !== null && typeof value === 'object' ? (Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>) : {};

/** The native fields of a `deployment` section with defaults; a value that is not an object is kept for validation to report. */
export function resolveNativeDeployment(d: DeploymentConfig): ResolvedNativeDeployment {
  return {
    strategy: d.strategy ?? OPTIONS['deployment.strategy'].default,
    bakeTimeInMinutes: d.bakeTimeInMinutes ?? OPTIONS['deployment.bakeTimeInMinutes'].default,
    linearConfiguration: {
      stepPercent: OPTIONS['deployment.linearConfiguration.stepPercent'].default,
      stepBakeTimeInMinutes: OPTIONS['deployment.linearConfiguration.stepBakeTimeInMinutes'].default,
      ...fieldsOf(d.linearConfiguration),
    },
    canaryConfiguration: {
      canaryPercent: OPTIONS['deployment.canaryConfiguration.canaryPercent'].default,
      canaryBakeTimeInMinutes: OPTIONS['deployment.canaryConfiguration.canaryBakeTimeInMinutes'].default,
      ...fieldsOf(d.canaryConfiguration),
    },
  };
}

/**
 * Merges a service's `deployment` over the environment's for the native fields: the nested step
 * settings field by field, like the sections themselves.
 */
export function mergeNativeDeployment(env: DeploymentConfig, own: DeploymentConfig | undefined): DeploymentConfig {
  const o = fieldsOf(own);
  return {
    strategy: o.strategy ?? env.strategy,
    bakeTimeInMinutes: o.bakeTimeInMinutes ?? env.bakeTimeInMinutes,
    linearConfiguration: { ...fieldsOf(env.linearConfiguration), ...fieldsOf(o.linearConfiguration) },
    canaryConfiguration: { ...fieldsOf(env.canaryConfiguration), ...fieldsOf(o.canaryConfiguration) },
  };
}

/** One native service asking for a rule priority. */
export interface PriorityRequest {
  readonly name: string;
  readonly loadBalancer: 'shared' | 'dedicated';
  /** Declared priority; undefined: allocate one. */
  readonly priority: unknown;
}

/** First allocated priority, and the step between allocated priorities (room to declare one between). */
export const PRIORITY_ALLOCATION = { first: 100, step: 100 } as const;

/**
 * Rule priorities, in request order: a declared one is kept (an invalid one too, for validation to
 * report); a missing one is the first multiple of 100 not yet taken on the service's load balancer
 * (by a declared priority or an earlier allocation). A service added last never moves the others.
 */
export function allocatePriorities(requests: readonly PriorityRequest[]): number[] {
  const taken = new Map<string, Set<unknown>>();
  const on = (r: PriorityRequest): Set<unknown> => {
    const key = loadBalancerKey(r);
    let set = taken.get(key);
    if (!set) taken.set(key, (set = new Set()));
    return set;
  };
  for (const r of requests) if (r.priority !== undefined) on(r).add(r.priority);
  return requests.map((r) => {
    if (r.priority !== undefined) return r.priority as number;
    const used = on(r);
    let priority: number = PRIORITY_ALLOCATION.first;
    while (used.has(priority)) priority += PRIORITY_ALLOCATION.step;
    used.add(priority);
    return priority;
  });
}

/** The route fields of a native service's `routing`, with defaults (priority from {@link allocatePriorities}). */
export function resolveNativeRoute(routing: ServiceRoutingConfig | undefined, priority: number): ResolvedNativeRoute {
  const r = fieldsOf(routing);
  const list = (v: unknown): string[] => (Array.isArray(v) ? [...(v as string[])] : (v as string[]));
  return {
    listeners: r.listeners ?? OPTIONS['service.routing.listeners'].default,
    hosts: r.hosts === undefined ? [...OPTIONS['service.routing.hosts'].default] : list(r.hosts),
    paths: r.paths === undefined ? [...OPTIONS['service.routing.paths'].default] : list(r.paths),
    priority,
  };
}
