/**
 * The ECS stand-in's state: services, service revisions, service deployments and tasks, as plain
 * records the simulation changes and the views render. Names and enums are ECS's own
 * (botocore's `ecs/2014-11-13/service-2.json`).
 */
import { randomBytes } from 'node:crypto';
import { ECS_HOOK_STAGES, type EcsHookStage } from '../../hook-lambda/events';

export const ACCOUNT = '123456789012';

/** ServiceDeploymentStatus of the ECS API. */
export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOP_REQUESTED'
  | 'STOPPED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/** Statuses after which a service deployment never changes again. */
export const TERMINAL_DEPLOYMENT_STATUSES: readonly ServiceDeploymentStatus[] = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

/** ServiceDeploymentLifecycleStage of the ECS API (what DescribeServiceDeployments shows). */
export type LifecycleStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP';

/** DeploymentLifecycleHookStage: where a hook may run (PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage only). */
export type HookStage = EcsHookStage;

export const HOOK_STAGES: readonly HookStage[] = ECS_HOOK_STAGES;

export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** A lifecycle hook as the API declares it (DeploymentLifecycleHook). */
export interface LifecycleHookConfig {
  readonly targetType?: 'AWS_LAMBDA' | 'PAUSE';
  readonly hookTargetArn?: string;
  readonly roleArn?: string;
  readonly lifecycleStages?: readonly HookStage[];
  readonly hookDetails?: Readonly<Record<string, unknown>>;
}

/** The service's DeploymentConfiguration, as the API carries it. */
export interface DeploymentConfiguration {
  readonly strategy?: DeploymentStrategy;
  readonly bakeTimeInMinutes?: number;
  readonly maximumPercent?: number;
  readonly minimumHealthyPercent?: number;
  readonly deploymentCircuitBreaker?: { readonly enable: boolean; readonly rollback: boolean };
  readonly alarms?: { readonly alarmNames: readonly string[]; readonly enable: boolean; readonly rollback: boolean };
  readonly lifecycleHooks?: readonly LifecycleHookConfig[];
  readonly linearConfiguration?: { readonly stepPercent?: number; readonly stepBakeTimeInMinutes?: number };
  readonly canaryConfiguration?: { readonly canaryPercent?: number; readonly canaryBakeTimeInMinutes?: number };
}

/** One container of a task definition. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
}

/** A service revision: what a deployment deploys. */
export interface RevisionState {
  readonly arn: string;
  readonly taskDefinition: string;
  readonly containers: readonly ContainerSpec[];
  readonly createdAt: number;
}

export type TaskLastStatus = 'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED';

export interface ContainerState {
  readonly name: string;
  readonly image: string;
  readonly containerArn: string;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  exitCode?: number;
  reason?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
}

export interface TaskState {
  readonly arn: string;
  readonly revision: RevisionState;
  /** `ecs-svc/<id>` of the deployment that started it, as ECS sets `startedBy`. */
  readonly startedBy: string;
  readonly createdAt: number;
  lastStatus: TaskLastStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated' | 'ServiceSchedulerInitiated';
  stoppedReason?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  readonly containers: ContainerState[];
}

/** One lifecycle hook invocation, for assertions and DescribeServiceDeployments' lifecycleHookDetails. */
export interface HookInvocationRecord {
  readonly hookId: string;
  readonly functionArn: string;
  readonly stage: HookStage;
  readonly event: EcsHookPayload;
  readonly at: number;
  /** `hookStatus` returned, `'invalid'` for an answer without a valid one, or the invocation error. */
  result?: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS' | 'invalid' | 'error' | 'TIMED_OUT';
  returned?: unknown;
  error?: string;
}

/**
 * The event ECS sends a lifecycle hook Lambda, as documented in "Lambda hooks for Amazon ECS service
 * deployments" (Amazon ECS Developer Guide, "Lifecycle payloads").
 */
export interface EcsHookPayload {
  readonly executionId: string;
  readonly lifecycleStage: HookStage;
  readonly resourceArn: string;
  readonly executionDetails: {
    readonly serviceArn: string;
    readonly targetServiceRevisionArn: string;
    readonly testTrafficWeights: Readonly<Record<string, number>>;
    readonly productionTrafficWeights: Readonly<Record<string, number>>;
  };
  readonly hookDetails?: Readonly<Record<string, unknown>>;
}

export interface DeploymentState {
  readonly arn: string;
  /** The legacy `Deployment.id` (`ecs-svc/<digits>`) of DescribeServices and tasks' `startedBy`. */
  readonly ecsDeploymentId: string;
  readonly service: ServiceState;
  readonly source: RevisionState;
  readonly target: RevisionState;
  readonly configuration: DeploymentConfiguration;
  readonly createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  stoppedAt?: number;
  updatedAt: number;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage?: LifecycleStage;
  /** Green's share of production and test traffic, in percent. */
  productionWeight: number;
  testWeight: number;
  rollback?: { readonly reason: string; readonly startedAt: number; readonly serviceRevisionArn: string };
  triggeredAlarms: string[];
  circuitBreakerFailures: number;
  circuitBreakerTriggered: boolean;
  /** Aborted when the forward run must stop (a rollback, a stop, a newer deployment, close). */
  runner: AbortController;
  readonly hooks: HookInvocationRecord[];
  readonly history: { readonly status: ServiceDeploymentStatus; readonly stage?: LifecycleStage; readonly at: number }[];
  readonly trafficHistory: { readonly productionWeight: number; readonly testWeight: number; readonly at: number }[];
}

export interface ServiceState {
  readonly serviceName: string;
  readonly clusterName: string;
  readonly arn: string;
  readonly clusterArn: string;
  readonly createdAt: number;
  desiredCount: number;
  /** The task definition the service is set to (the target of its latest deployment). */
  taskDefinition: string;
  deploymentConfiguration: DeploymentConfiguration;
  readonly loadBalancers: readonly Record<string, unknown>[];
  /** The revision serving production. */
  current: RevisionState;
  readonly deployments: DeploymentState[];
  readonly tasks: TaskState[];
  /** Newest first, as DescribeServices lists them. */
  readonly events: { readonly id: string; readonly createdAt: number; readonly message: string }[];
}

/** Epoch seconds, as the JSON 1.1 protocol sends timestamps. */
export const epoch = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
  return Array.from(randomBytes(length), (b) => ALNUM[b % ALNUM.length]).join('');
}

export function randomDigits(length: number): string {
  return Array.from(randomBytes(length), (b) => String(b % 10)).join('').replace(/^0/, '1');
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** ARNs of the stand-in's resources. */
export function arns(region: string) {
  const base = `arn:aws:ecs:${region}:${ACCOUNT}`;
  return {
    cluster: (cluster: string) => `${base}:cluster/${cluster}`,
    service: (cluster: string, service: string) => `${base}:service/${cluster}/${service}`,
    serviceRevision: (cluster: string, service: string) => `${base}:service-revision/${cluster}/${service}/${randomDigits(19)}`,
    serviceDeployment: (cluster: string, service: string) => `${base}:service-deployment/${cluster}/${service}/${randomAlnum(21)}`,
    task: (cluster: string) => `${base}:task/${cluster}/${randomHex(32)}`,
    container: (cluster: string) => `${base}:container/${cluster}/${randomHex(32)}/${randomHex(8)}-${randomHex(4)}-${randomHex(4)}-${randomHex(4)}-${randomHex(12)}`,
    taskDefinition: (familyRevision: string) => `${base}:task-definition/${familyRevision}`,
    lambdaName: (arnOrName: string) => arnOrName.replace(/^arn:aws[a-z-]*:lambda:[^:]+:\d+:function:/, '').replace(/:[^:]+$/, (m) => (/^:\d+$|^:\$LATEST$/.test(m) ? '' : m)),
  };
}

/** The resolved deployment configuration: every default ECS applies, in one place. */
export function resolveDeploymentConfiguration(c: DeploymentConfiguration | undefined): Required<Omit<DeploymentConfiguration, 'linearConfiguration' | 'canaryConfiguration'>> & DeploymentConfiguration {
  return {
    strategy: c?.strategy ?? 'BLUE_GREEN',
    bakeTimeInMinutes: c?.bakeTimeInMinutes ?? 0,
    maximumPercent: c?.maximumPercent ?? 200,
    minimumHealthyPercent: c?.minimumHealthyPercent ?? 100,
    deploymentCircuitBreaker: c?.deploymentCircuitBreaker ?? { enable: false, rollback: false },
    alarms: c?.alarms ?? { alarmNames: [], enable: false, rollback: false },
    lifecycleHooks: c?.lifecycleHooks ?? [],
    ...(c?.linearConfiguration ? { linearConfiguration: c.linearConfiguration } : {}),
    ...(c?.canaryConfiguration ? { canaryConfiguration: c.canaryConfiguration } : {}),
  };
}

/**
 * The production traffic steps of a strategy: green's weight and the minutes to bake after it.
 * BLUE_GREEN moves all at once; LINEAR in `stepPercent` steps with `stepBakeTimeInMinutes` between
 * them; CANARY sends `canaryPercent`, bakes `canaryBakeTimeInMinutes`, then the rest.
 */
export function productionSteps(c: DeploymentConfiguration): { greenPercent: number; bakeMinutes: number }[] {
  if (c.strategy === 'LINEAR') {
    const step = c.linearConfiguration?.stepPercent ?? 10;
    const bake = c.linearConfiguration?.stepBakeTimeInMinutes ?? 6;
    const steps: { greenPercent: number; bakeMinutes: number }[] = [];
    for (let p = step; p < 100 - 1e-9; p += step) steps.push({ greenPercent: Math.round(p * 10) / 10, bakeMinutes: bake });
    steps.push({ greenPercent: 100, bakeMinutes: 0 });
    return steps;
  }
  if (c.strategy === 'CANARY') {
    return [
      { greenPercent: c.canaryConfiguration?.canaryPercent ?? 5, bakeMinutes: c.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10 },
      { greenPercent: 100, bakeMinutes: 0 },
    ];
  }
  return [{ greenPercent: 100, bakeMinutes: 0 }];
}

/** Circuit breaker threshold: 0.5 × desired count, at least 3 and at most 200 (DeploymentCircuitBreaker docs). */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(0.5 * desiredCount)));
}
