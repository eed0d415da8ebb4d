/**
 * The CodeDeploy stand-in's model of ECS blue/green deployments: deployment groups, deployments,
 * their lifecycle events, task sets and traffic weights, driven by a compressed clock.
 *
 * It is test infrastructure: it follows the documented behaviour of CodeDeploy closely enough for
 * the release CLI and the hook to be exercised against it over real HTTP, and says (in
 * docs/testing.md) where it simplifies. The HTTP layer (server.ts) turns its methods into the
 * JSON 1.1 operations; this module knows nothing about HTTP.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ECS_HOOK_EVENTS, ECS_LIFECYCLE_EVENTS, type EcsLifecycleEvent } from '../../lib/appspec';
import { AwsJsonError } from '../aws-json-server';
import { EcsDeploymentConfig, PREDEFINED_ECS_CONFIGS, trafficSchedule } from './deployment-configs';

export { ECS_LIFECYCLE_EVENTS, type EcsLifecycleEvent };



export type DeploymentStatus = 'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';
export type LifecycleEventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';
export type AutoRollbackEvent = 'DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' | 'DEPLOYMENT_STOP_ON_REQUEST';

/** Statuses after which a deployment never changes again. */
export const TERMINAL_STATUSES: readonly DeploymentStatus[] = ['Succeeded', 'Failed', 'Stopped'];
/** Statuses CodeDeploy counts as "active" (the group is busy). */
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

const HOOK_EVENTS: ReadonlySet<string> = new Set(ECS_HOOK_EVENTS);
const ACCOUNT = '123456789012';

/** A deployment group as a test declares it. */
export interface DeploymentGroupSpec {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** @default 'CodeDeployDefault.ECSAllAtOnce' */
  readonly deploymentConfigName?: string;
  /** @default 'bluegreen-cluster' */
  readonly clusterName?: string;
  /** @default 'bluegreen-service' */
  readonly serviceName?: string;
  /** @default ['<service>-blue', '<service>-green'] */
  readonly targetGroupNames?: readonly [string, string];
  /** Minutes blue keeps running after traffic moved. @default 0 */
  readonly terminationWaitTimeInMinutes?: number;
  /**
   * Manual approval before production traffic moves: with `STOP_DEPLOYMENT` the deployment waits in
   * `Ready` for ContinueDeployment up to `waitTimeInMinutes`, then stops.
   * @default { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 }
   */
  readonly deploymentReadyOption?: { readonly actionOnTimeout: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT'; readonly waitTimeInMinutes: number };
  /** CloudWatch alarm names that stop a deployment. @default [] (alarm configuration disabled) */
  readonly alarms?: readonly string[];
  /** @default { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] } */
  readonly autoRollbackConfiguration?: { readonly enabled: boolean; readonly events: readonly AutoRollbackEvent[] };
  /** Tasks in each task set. @default 2 */
  readonly desiredCount?: number;
}

/** Timing of the stand-in; every duration CodeDeploy counts in minutes is scaled by `msPerMinute`. */
export interface StandInTiming {
  /** Real milliseconds per simulated CodeDeploy minute. @default 100 */
  readonly msPerMinute?: number;
  /** Real milliseconds an event without a hook (Install, AllowTestTraffic, ...) takes. @default 20 */
  readonly eventDurationInMs?: number;
  /**
   * Real milliseconds a deployment stays `Created` before it starts (its targets cannot be read
   * until then: DeploymentNotStartedException).
   * @default eventDurationInMs
   */
  readonly startDelayInMs?: number;
  /** Simulated minutes CodeDeploy waits for a hook's status report. @default 60 (as AWS) */
  readonly hookTimeoutInMinutes?: number;
  /**
   * Up to this many random extra ms per event without a hook, so a client's poll phase cannot lock
   * onto the stand-in's steps (benchmarks).
   * @default 0
   */
  readonly eventJitterInMs?: number;
}

/** The event a hook function receives, exactly as CodeDeploy sends it. */
export interface HookEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/**
 * Invokes a hook function asynchronously (as CodeDeploy invokes Lambda with InvocationType Event):
 * the stand-in does not wait for the returned promise, only for PutLifecycleEventHookExecutionStatus.
 */
export type HookInvoker = (functionName: string, event: HookEvent) => Promise<unknown>;

/** One hook invocation, for assertions. */
export interface HookInvocationRecord {
  readonly functionName: string;
  readonly lifecycleEvent: string;
  readonly event: HookEvent;
  readonly at: number;
  /** Status reported through PutLifecycleEventHookExecutionStatus, or 'timeout'. */
  reported?: string;
  /** Error thrown by the invocation itself (the Lambda failed), if any. */
  invocationError?: string;
}

interface LifecycleEventState {
  readonly lifecycleEventName: EcsLifecycleEvent;
  status: LifecycleEventStatus;
  startTime?: number;
  endTime?: number;
  diagnostics?: { errorCode: string; scriptName: string; message: string; logTail: string };
}

interface TaskSetState {
  readonly identifer: string;
  readonly label: 'Blue' | 'Green';
  readonly targetGroupName: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  trafficWeight: number;
}

interface Revision {
  readonly revisionType: 'AppSpecContent' | 'S3';
  readonly appSpecContent?: { readonly content: string; readonly sha256?: string };
  readonly s3Location?: { readonly bucket: string; readonly key: string; readonly bundleType?: string; readonly version?: string; readonly eTag?: string };
}

interface HookExecution {
  readonly id: string;
  readonly lifecycleEvent: EcsLifecycleEvent;
  done: boolean;
  resolve?: (status: string) => void;
}

/** The stand-in's record of one deployment. */
interface Deployment {
  readonly id: string;
  readonly group: ResolvedGroup;
  readonly config: EcsDeploymentConfig;
  readonly revision: Revision;
  readonly description?: string;
  readonly creator: 'user' | 'codeDeployRollback';
  readonly autoRollback: { enabled: boolean; events: AutoRollbackEvent[] };
  readonly hooks: Partial<Record<EcsLifecycleEvent, string>>;
  readonly createTime: number;
  status: DeploymentStatus;
  startTime?: number;
  completeTime?: number;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: { rollbackDeploymentId?: string; rollbackTriggeringDeploymentId?: string; rollbackMessage?: string };
  instanceTerminationWaitTimeStarted: boolean;
  targetStatus: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Ready' | 'Skipped' | 'Unknown';
  lastUpdatedAt: number;
  readonly events: LifecycleEventState[];
  readonly taskSets: TaskSetState[];
  testTrafficTo: 'Blue' | 'Green';
  readonly hookExecutions: Map<string, HookExecution>;
  readonly abort: AbortController;
  readonly history: { status: DeploymentStatus; at: number }[];
  readonly trafficHistory: { greenWeight: number; at: number }[];
  continueReady?: () => void;
  continueTermination?: () => void;
}

interface ResolvedGroup {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupId: string;
  readonly deploymentConfigName: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly targetGroupNames: readonly [string, string];
  readonly terminationWaitTimeInMinutes: number;
  readonly deploymentReadyOption: { readonly actionOnTimeout: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT'; readonly waitTimeInMinutes: number };
  readonly alarms: readonly string[];
  readonly autoRollbackConfiguration: { readonly enabled: boolean; readonly events: readonly AutoRollbackEvent[] };
  readonly desiredCount: number;
}

/** What a test can see of a deployment (plain data, safe to assert with `toEqual`). */
export interface DeploymentSnapshot {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentConfigName: string;
  readonly status: DeploymentStatus;
  readonly creator: string;
  readonly description?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly rollbackDeploymentId?: string;
  readonly rollbackTriggeringDeploymentId?: string;
  readonly greenWeight: number;
  readonly blueWeight: number;
  readonly events: ReadonlyArray<{ readonly name: string; readonly status: LifecycleEventStatus }>;
  readonly history: ReadonlyArray<{ readonly status: DeploymentStatus; readonly at: number }>;
  /**
   * Every production traffic weight green was given, in order (a rollback's too), so tests assert
   * the shift's steps without sampling `greenWeight` (a sampler on a loaded machine misses steps).
   */
  readonly trafficHistory: ReadonlyArray<{ readonly greenWeight: number; readonly at: number }>;
  /** Wall-clock ms when the deployment reached a terminal status. */
  readonly terminalAt?: number;
  readonly hooks: Readonly<Record<string, string>>;
}

/** Options of {@link CodeDeployModel}. */
export interface CodeDeployModelOptions extends StandInTiming {
  readonly groups: readonly DeploymentGroupSpec[];
  /** Custom ECS deployment configurations besides the predefined ones. @default [] */
  readonly customDeploymentConfigs?: readonly EcsDeploymentConfig[];
  /** Calls hook functions named in AppSpecs. @default - every hook invocation fails (no function) */
  readonly hookInvoker?: HookInvoker;
  /** Region in ARNs. @default 'us-east-1' */
  readonly region?: string;
}

/** Thrown into a deployment's runner when the deployment ended while it was waiting. */
class Interrupted extends Error {}

const epoch = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

function newDeploymentId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `d-${Array.from(randomBytes(9), (b) => alphabet[b % alphabet.length]).join('')}`;
}

function taskSetId(): string {
  return `ecs-svc/${BigInt('0x' + randomBytes(8).toString('hex')) % 10n ** 19n}`;
}

function resolveGroup(spec: DeploymentGroupSpec): ResolvedGroup {
  const serviceName = spec.serviceName ?? 'bluegreen-service';
  return {
    applicationName: spec.applicationName,
    deploymentGroupName: spec.deploymentGroupName,
    deploymentGroupId: randomUUID(),
    deploymentConfigName: spec.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce',
    clusterName: spec.clusterName ?? 'bluegreen-cluster',
    serviceName,
    targetGroupNames: spec.targetGroupNames ?? [`${serviceName}-blue`, `${serviceName}-green`],
    terminationWaitTimeInMinutes: spec.terminationWaitTimeInMinutes ?? 0,
    deploymentReadyOption: spec.deploymentReadyOption ?? { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 },
    alarms: spec.alarms ?? [],
    autoRollbackConfiguration: spec.autoRollbackConfiguration ?? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    desiredCount: spec.desiredCount ?? 2,
  };
}

/** Parses an ECS AppSpec (JSON or YAML) into the hook function per lifecycle event. */
export function parseAppSpecHooks(content: string): Partial<Record<EcsLifecycleEvent, string>> {
  let doc: unknown;
  try {
    doc = parseYaml(content); // YAML is a superset of JSON, so this reads both forms.
  } catch (err) {
    throw new AwsJsonError('InvalidRevisionException', `The AppSpec content could not be parsed: ${(err as Error).message}`);
  }
  const resources = (doc as { Resources?: unknown })?.Resources;
  const target = Array.isArray(resources) ? (resources[0] as { TargetService?: { Type?: string } })?.TargetService : undefined;
  if (!target || target.Type !== 'AWS::ECS::Service') {
    throw new AwsJsonError('InvalidRevisionException', 'The AppSpec content must have Resources[0].TargetService of Type AWS::ECS::Service');
  }
  const hooks: Partial<Record<EcsLifecycleEvent, string>> = {};
  const list = (doc as { Hooks?: unknown }).Hooks;
  for (const entry of Array.isArray(list) ? list : []) {
    for (const [event, fn] of Object.entries(entry as Record<string, unknown>)) {
      if (!HOOK_EVENTS.has(event)) {
        throw new AwsJsonError('InvalidRevisionException', `The AppSpec names a hook for ${event}, which is not an ECS lifecycle hook event`);
      }
      hooks[event as EcsLifecycleEvent] = String(fn);
    }
  }
  return hooks;
}

/** The state of every deployment group and deployment of one stand-in. */
export class CodeDeployModel {
  readonly msPerMinute: number;
  readonly eventDurationInMs: number;
  readonly hookTimeoutInMinutes: number;
  readonly eventJitterInMs: number;
  readonly startDelayInMs: number;
  /** Every hook invocation, in order. */
  readonly hookInvocations: HookInvocationRecord[] = [];
  private readonly groups: ResolvedGroup[];
  private readonly configs: Map<string, EcsDeploymentConfig>;
  private readonly deployments = new Map<string, Deployment>();
  private readonly order: string[] = [];
  private readonly alarmStates = new Map<string, 'OK' | 'ALARM'>();
  private readonly s3Objects = new Map<string, string>();
  private readonly alarmTriggers: { alarmName: string; greenWeightAtLeast: number }[] = [];
  private readonly region: string;
  private hookInvoker?: HookInvoker;
  private closed = false;

  constructor(options: CodeDeployModelOptions) {
    this.msPerMinute = options.msPerMinute ?? 100;
    this.eventDurationInMs = options.eventDurationInMs ?? 20;
    this.hookTimeoutInMinutes = options.hookTimeoutInMinutes ?? 60;
    this.eventJitterInMs = options.eventJitterInMs ?? 0;
    this.startDelayInMs = options.startDelayInMs ?? this.eventDurationInMs;
    this.groups = options.groups.map(resolveGroup);
    this.configs = new Map([...PREDEFINED_ECS_CONFIGS, ...(options.customDeploymentConfigs ?? [])].map((c) => [c.deploymentConfigName, c]));
    this.hookInvoker = options.hookInvoker;
    this.region = options.region ?? 'us-east-1';
  }

  /** Replaces the hook invoker (e.g. once a green app's URL is known). */
  setHookInvoker(invoker: HookInvoker | undefined): void {
    this.hookInvoker = invoker;
  }

  /** Makes an S3 AppSpec object available to `revisionType: 'S3'` deployments. */
  putS3Object(bucket: string, key: string, content: string, version?: string): void {
    this.s3Objects.set(`${bucket}/${key}`, content);
    if (version) this.s3Objects.set(`${bucket}/${key}?${version}`, content);
  }

  /** Sets a CloudWatch alarm's state; ALARM stops every active deployment whose group watches it. */
  setAlarmState(alarmName: string, state: 'OK' | 'ALARM'): void {
    this.alarmStates.set(alarmName, state);
    if (state === 'ALARM') this.evaluateAlarms();
  }

  /** Puts `alarmName` into ALARM as soon as a deployment's green weight reaches the given percentage. */
  addAlarmTrigger(alarmName: string, greenWeightAtLeast: number): void {
    this.alarmTriggers.push({ alarmName, greenWeightAtLeast });
  }

  /** Removes alarm triggers and sets every alarm back to OK. */
  clearAlarms(): void {
    this.alarmTriggers.length = 0;
    this.alarmStates.clear();
  }

  // ---- API operations (throw AwsJsonError like CodeDeploy) ----

  createDeployment(input: any): { deploymentId: string } {
    const group = this.findGroup(input.applicationName, input.deploymentGroupName);
    const configName: string = input.deploymentConfigName ?? group.deploymentConfigName;
    const config = this.configs.get(configName);
    if (!config) throw new AwsJsonError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${configName}`);
    const revision = input.revision as Revision | undefined;
    if (!revision) throw new AwsJsonError('RevisionRequiredException', 'Revision must be specified.');
    const hooks = this.hooksOfRevision(revision);
    const active = this.activeIn(group);
    if (active) {
      throw new AwsJsonError(
        'DeploymentLimitExceededException',
        `The Deployment Group '${group.deploymentGroupName}' already has an active Deployment '${active.id}'`,
      );
    }
    const rollbackOverride = input.autoRollbackConfiguration as { enabled?: boolean; events?: AutoRollbackEvent[] } | undefined;
    const d = this.newDeployment({
      group,
      config,
      revision,
      description: input.description,
      creator: 'user',
      autoRollback: rollbackOverride
        ? { enabled: Boolean(rollbackOverride.enabled), events: [...(rollbackOverride.events ?? [])] }
        : { enabled: group.autoRollbackConfiguration.enabled, events: [...group.autoRollbackConfiguration.events] },
      hooks,
    });
    void this.runDeployment(d);
    return { deploymentId: d.id };
  }

  getDeployment(input: any): { deploymentInfo: unknown } {
    return { deploymentInfo: this.deploymentInfo(this.findDeployment(input.deploymentId)) };
  }

  batchGetDeployments(input: any): { deploymentsInfo: unknown[] } {
    const ids: unknown = input.deploymentIds;
    if (!Array.isArray(ids) || ids.length === 0) throw new AwsJsonError('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (ids.length > 25) throw new AwsJsonError('BatchLimitExceededException', 'The maximum number of deployment IDs you can specify is 25.');
    return { deploymentsInfo: ids.map((id) => this.deployments.get(String(id))).filter((d): d is Deployment => !!d).map((d) => this.deploymentInfo(d)) };
  }

  listDeployments(input: any): { deployments: string[]; nextToken?: string } {
    let list = this.order.map((id) => this.deployments.get(id)!).reverse(); // newest first, as CodeDeploy lists them
    if (input.applicationName !== undefined || input.deploymentGroupName !== undefined) {
      if (input.applicationName === undefined) throw new AwsJsonError('ApplicationNameRequiredException', 'The application name must be specified.');
      if (input.deploymentGroupName === undefined) throw new AwsJsonError('DeploymentGroupNameRequiredException', 'The deployment group name must be specified.');
      const group = this.findGroup(input.applicationName, input.deploymentGroupName);
      list = list.filter((d) => d.group === group);
    }
    const statuses: unknown = input.includeOnlyStatuses;
    if (Array.isArray(statuses) && statuses.length > 0) {
      for (const s of statuses) {
        if (![...ACTIVE_STATUSES, ...TERMINAL_STATUSES].includes(s)) throw new AwsJsonError('InvalidDeploymentStatusException', `Invalid deployment status: ${s}`);
      }
      list = list.filter((d) => statuses.includes(d.status));
    }
    const range = input.createTimeRange as { start?: number; end?: number } | undefined;
    if (range?.start !== undefined) list = list.filter((d) => d.createTime / 1000 >= range.start!);
    if (range?.end !== undefined) list = list.filter((d) => d.createTime / 1000 <= range.end!);
    return this.page(list.map((d) => d.id), input.nextToken);
  }

  listDeploymentTargets(input: any): { targetIds: string[] } {
    const d = this.startedDeployment(input.deploymentId);
    return { targetIds: [this.targetId(d)] };
  }

  getDeploymentTarget(input: any): { deploymentTarget: unknown } {
    const d = this.startedDeployment(input.deploymentId);
    if (!input.targetId) throw new AwsJsonError('DeploymentTargetIdRequiredException', 'A deployment target ID must be specified.');
    if (input.targetId !== this.targetId(d)) {
      throw new AwsJsonError('DeploymentTargetDoesNotExistException', `The deployment target ${input.targetId} does not exist in deployment ${d.id}`);
    }
    return { deploymentTarget: this.deploymentTarget(d) };
  }

  batchGetDeploymentTargets(input: any): { deploymentTargets: unknown[] } {
    const d = this.startedDeployment(input.deploymentId);
    const ids: unknown = input.targetIds;
    if (!Array.isArray(ids) || ids.length === 0) throw new AwsJsonError('DeploymentTargetIdRequiredException', 'A deployment target ID must be specified.');
    for (const id of ids) {
      if (id !== this.targetId(d)) throw new AwsJsonError('DeploymentTargetDoesNotExistException', `The deployment target ${id} does not exist in deployment ${d.id}`);
    }
    return { deploymentTargets: ids.map(() => this.deploymentTarget(d)) };
  }

  stopDeployment(input: any): { status: 'Pending' | 'Succeeded'; statusMessage: string } {
    const d = this.findDeployment(input.deploymentId);
    if (this.isTerminal(d)) throw new AwsJsonError('DeploymentAlreadyCompletedException', `Deployment ${d.id} has already completed`);
    const rollback =
      typeof input.autoRollbackEnabled === 'boolean'
        ? input.autoRollbackEnabled
        : d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
    // The stop takes effect shortly after the call answers, as in CodeDeploy (the answer says Pending).
    this.later(this.eventDurationInMs, () => {
      if (this.isTerminal(d)) return;
      this.finish(d, { status: 'Stopped', code: 'MANUAL_STOP', message: 'The deployment was stopped by the user.', rollback: rollback && d.creator === 'user' });
    });
    return { status: 'Pending', statusMessage: `Stopping Pending. Stop of deployment ${d.id} initiated` };
  }

  continueDeployment(input: any): Record<string, never> {
    const d = this.findDeployment(input.deploymentId);
    if (this.isTerminal(d)) throw new AwsJsonError('DeploymentAlreadyCompletedException', `Deployment ${d.id} has already completed`);
    const type = input.deploymentWaitType ?? 'READY_WAIT';
    if (type !== 'READY_WAIT' && type !== 'TERMINATION_WAIT') throw new AwsJsonError('InvalidDeploymentWaitTypeException', `Invalid deployment wait type: ${type}`);
    const resume = type === 'READY_WAIT' ? d.continueReady : d.continueTermination;
    if (!resume) {
      throw new AwsJsonError('DeploymentIsNotInReadyStateException', `Deployment ${d.id} is not waiting (${type}); its status is ${d.status}`);
    }
    resume();
    return {};
  }

  getDeploymentGroup(input: any): { deploymentGroupInfo: unknown } {
    const g = this.findGroup(input.applicationName, input.deploymentGroupName);
    const last = (pred: (d: Deployment) => boolean) => {
      const d = this.order.map((id) => this.deployments.get(id)!).filter((x) => x.group === g && pred(x)).pop();
      return d ? { deploymentId: d.id, status: d.status, endTime: epoch(d.completeTime), createTime: epoch(d.createTime) } : undefined;
    };
    return {
      deploymentGroupInfo: {
        applicationName: g.applicationName,
        deploymentGroupId: g.deploymentGroupId,
        deploymentGroupName: g.deploymentGroupName,
        deploymentConfigName: g.deploymentConfigName,
        ec2TagFilters: [],
        onPremisesInstanceTagFilters: [],
        autoScalingGroups: [],
        serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/${g.applicationName}-codedeploy`,
        triggerConfigurations: [],
        alarmConfiguration: { enabled: g.alarms.length > 0, ignorePollAlarmFailure: false, alarms: g.alarms.map((name) => ({ name })) },
        autoRollbackConfiguration: { enabled: g.autoRollbackConfiguration.enabled, events: [...g.autoRollbackConfiguration.events] },
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        outdatedInstancesStrategy: 'UPDATE',
        blueGreenDeploymentConfiguration: {
          terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: g.terminationWaitTimeInMinutes },
          deploymentReadyOption: { ...g.deploymentReadyOption },
        },
        loadBalancerInfo: {
          targetGroupPairInfoList: [
            {
              targetGroups: g.targetGroupNames.map((name) => ({ name })),
              prodTrafficRoute: { listenerArns: [this.listenerArn(g, 'prod')] },
              testTrafficRoute: { listenerArns: [this.listenerArn(g, 'test')] },
            },
          ],
        },
        ...(last(() => true) ? { lastAttemptedDeployment: last(() => true) } : {}),
        ...(last((d) => d.status === 'Succeeded') ? { lastSuccessfulDeployment: last((d) => d.status === 'Succeeded') } : {}),
        computePlatform: 'ECS',
        ecsServices: [{ serviceName: g.serviceName, clusterName: g.clusterName }],
      },
    };
  }

  getDeploymentConfig(input: any): { deploymentConfigInfo: unknown } {
    if (!input.deploymentConfigName) throw new AwsJsonError('DeploymentConfigNameRequiredException', 'Deployment configuration name must be specified.');
    const config = this.configs.get(input.deploymentConfigName);
    if (!config) throw new AwsJsonError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${input.deploymentConfigName}`);
    return {
      deploymentConfigInfo: {
        // A stable id per name, as CodeDeploy's are.
        deploymentConfigId: createHash('sha256').update(config.deploymentConfigName).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
        deploymentConfigName: config.deploymentConfigName,
        createTime: 1_546_300_800,
        computePlatform: 'ECS',
        trafficRoutingConfig: config.trafficRoutingConfig,
      },
    };
  }

  getApplicationRevision(input: any): unknown {
    if (!input.applicationName) throw new AwsJsonError('ApplicationNameRequiredException', 'The application name must be specified.');
    if (!this.groups.some((g) => g.applicationName === input.applicationName)) {
      throw new AwsJsonError('ApplicationDoesNotExistException', `No application found for name: ${input.applicationName}`);
    }
    if (!input.revision) throw new AwsJsonError('RevisionRequiredException', 'Revision must be specified.');
    const key = JSON.stringify(input.revision);
    const used = this.order.map((id) => this.deployments.get(id)!).filter((d) => d.group.applicationName === input.applicationName && JSON.stringify(d.revision) === key);
    if (used.length === 0) throw new AwsJsonError('RevisionDoesNotExistException', 'No application revision found for the given revision');
    return {
      applicationName: input.applicationName,
      revision: input.revision,
      revisionInfo: {
        description: used[used.length - 1]!.description,
        deploymentGroups: [...new Set(used.map((d) => d.group.deploymentGroupName))],
        firstUsedTime: epoch(used[0]!.createTime),
        lastUsedTime: epoch(used[used.length - 1]!.createTime),
        registerTime: epoch(used[0]!.createTime),
      },
    };
  }

  putLifecycleEventHookExecutionStatus(input: any): { lifecycleEventHookExecutionId: string } {
    const d = this.findDeployment(input.deploymentId);
    if (input.status !== 'Succeeded' && input.status !== 'Failed') {
      throw new AwsJsonError('InvalidLifecycleEventHookExecutionStatusException', `The status ${input.status} is not allowed; use Succeeded or Failed`);
    }
    const execution = d.hookExecutions.get(input.lifecycleEventHookExecutionId);
    if (!execution) {
      throw new AwsJsonError('InvalidLifecycleEventHookExecutionIdException', `The lifecycle event hook execution ID ${input.lifecycleEventHookExecutionId} is not valid`);
    }
    if (execution.done || this.isTerminal(d)) {
      throw new AwsJsonError('LifecycleEventAlreadyCompletedException', `The lifecycle event ${execution.lifecycleEvent} of deployment ${d.id} is already completed`);
    }
    execution.done = true;
    execution.resolve?.(input.status);
    return { lifecycleEventHookExecutionId: execution.id };
  }

  // ---- test API ----

  /** Every deployment, oldest first. */
  snapshots(): DeploymentSnapshot[] {
    return this.order.map((id) => this.snapshot(id)!);
  }

  snapshot(id: string): DeploymentSnapshot | undefined {
    const d = this.deployments.get(id);
    if (!d) return undefined;
    const green = d.taskSets.find((t) => t.label === 'Green');
    const blue = d.taskSets.find((t) => t.label === 'Blue');
    const terminal = d.history.find((h) => TERMINAL_STATUSES.includes(h.status));
    return {
      deploymentId: d.id,
      applicationName: d.group.applicationName,
      deploymentGroupName: d.group.deploymentGroupName,
      deploymentConfigName: d.config.deploymentConfigName,
      status: d.status,
      creator: d.creator,
      ...(d.description !== undefined ? { description: d.description } : {}),
      ...(d.errorInformation ? { errorCode: d.errorInformation.code, errorMessage: d.errorInformation.message } : {}),
      ...(d.rollbackInfo?.rollbackDeploymentId ? { rollbackDeploymentId: d.rollbackInfo.rollbackDeploymentId } : {}),
      ...(d.rollbackInfo?.rollbackTriggeringDeploymentId ? { rollbackTriggeringDeploymentId: d.rollbackInfo.rollbackTriggeringDeploymentId } : {}),
      greenWeight: green?.trafficWeight ?? 0,
      blueWeight: blue?.trafficWeight ?? 0,
      events: d.events.map((e) => ({ name: e.lifecycleEventName, status: e.status })),
      history: d.history.map((h) => ({ ...h })),
      trafficHistory: d.trafficHistory.map((h) => ({ ...h })),
      ...(terminal ? { terminalAt: terminal.at } : {}),
      hooks: { ...d.hooks },
    };
  }

  /** Deployments not yet in a terminal status. */
  activeDeployments(): DeploymentSnapshot[] {
    return this.snapshots().filter((s) => !TERMINAL_STATUSES.includes(s.status));
  }

  /** Ends every runner and timer; later calls answer but nothing moves any more. */
  close(): void {
    this.closed = true;
    for (const d of this.deployments.values()) d.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---- internals ----

  private readonly timers = new Set<NodeJS.Timeout>();
  /** Task set serving production per group, so the next deployment's blue is the last one's green. */
  private readonly primaryTaskSets = new Map<ResolvedGroup, string>();

  /** Real ms of one event without a hook. */
  private stepMs(): number {
    return this.eventDurationInMs + Math.random() * this.eventJitterInMs;
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private page(ids: string[], nextToken: unknown): { deployments: string[]; nextToken?: string } {
    const size = 100;
    const start = typeof nextToken === 'string' && /^\d+$/.test(nextToken) ? Number(nextToken) : 0;
    if (nextToken !== undefined && typeof nextToken === 'string' && !/^\d+$/.test(nextToken)) {
      throw new AwsJsonError('InvalidNextTokenException', 'The next token was specified in an invalid format.');
    }
    const slice = ids.slice(start, start + size);
    return { deployments: slice, ...(start + size < ids.length ? { nextToken: String(start + size) } : {}) };
  }

  private findGroup(applicationName: unknown, deploymentGroupName: unknown): ResolvedGroup {
    if (!applicationName) throw new AwsJsonError('ApplicationNameRequiredException', 'The application name must be specified.');
    if (!this.groups.some((g) => g.applicationName === applicationName)) {
      throw new AwsJsonError('ApplicationDoesNotExistException', `No application found for name: ${applicationName}`);
    }
    if (!deploymentGroupName) throw new AwsJsonError('DeploymentGroupNameRequiredException', 'The deployment group name must be specified.');
    const g = this.groups.find((x) => x.applicationName === applicationName && x.deploymentGroupName === deploymentGroupName);
    if (!g) throw new AwsJsonError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${deploymentGroupName}`);
    return g;
  }

  private findDeployment(id: unknown): Deployment {
    if (id === undefined || id === null || id === '') throw new AwsJsonError('DeploymentIdRequiredException', 'A deployment ID must be specified.');
    if (typeof id !== 'string' || !/^d-[A-Z0-9]{9}$/.test(id)) throw new AwsJsonError('InvalidDeploymentIdException', `Specified DeploymentId is not in the valid format: ${String(id)}`);
    const d = this.deployments.get(id);
    if (!d) throw new AwsJsonError('DeploymentDoesNotExistException', `The deployment ${id} could not be found`);
    return d;
  }

  /** Deployment targets exist only once the deployment has started, as in CodeDeploy. */
  private startedDeployment(id: unknown): Deployment {
    const d = this.findDeployment(id);
    if (d.status === 'Created' || d.status === 'Queued') {
      throw new AwsJsonError('DeploymentNotStartedException', `The deployment ${d.id} has not started.`);
    }
    return d;
  }

  private hooksOfRevision(revision: Revision): Partial<Record<EcsLifecycleEvent, string>> {
    if (revision.revisionType === 'AppSpecContent') {
      const content = revision.appSpecContent?.content;
      if (typeof content !== 'string' || content.length === 0) throw new AwsJsonError('InvalidRevisionException', 'appSpecContent.content must be specified');
      const sha = revision.appSpecContent?.sha256;
      if (sha !== undefined && sha !== createHash('sha256').update(content, 'utf8').digest('hex')) {
        throw new AwsJsonError('InvalidRevisionException', 'The SHA-256 of the AppSpec content does not match appSpecContent.sha256');
      }
      return parseAppSpecHooks(content);
    }
    if (revision.revisionType === 'S3') {
      const loc = revision.s3Location;
      if (!loc?.bucket || !loc.key) throw new AwsJsonError('InvalidRevisionException', 's3Location.bucket and s3Location.key must be specified');
      if (loc.bundleType !== undefined && !['YAML', 'JSON'].includes(loc.bundleType)) {
        throw new AwsJsonError('InvalidRevisionException', `An ECS AppSpec in S3 must have bundleType YAML or JSON, got ${loc.bundleType}`);
      }
      const content = this.s3Objects.get(loc.version ? `${loc.bucket}/${loc.key}?${loc.version}` : `${loc.bucket}/${loc.key}`);
      if (content === undefined) throw new AwsJsonError('RevisionDoesNotExistException', `The revision s3://${loc.bucket}/${loc.key} does not exist`);
      return parseAppSpecHooks(content);
    }
    throw new AwsJsonError('InvalidRevisionException', `revisionType ${String((revision as Revision).revisionType)} is not supported for ECS (use AppSpecContent or S3)`);
  }

  private activeIn(group: ResolvedGroup): Deployment | undefined {
    return [...this.deployments.values()].find((d) => d.group === group && !this.isTerminal(d));
  }

  private isTerminal(d: Deployment): boolean {
    return TERMINAL_STATUSES.includes(d.status);
  }

  private newDeployment(args: Pick<Deployment, 'group' | 'config' | 'revision' | 'description' | 'creator' | 'autoRollback' | 'hooks'>): Deployment {
    const now = Date.now();
    const previous = this.lastTaskSets(args.group);
    const d: Deployment = {
      ...args,
      id: newDeploymentId(),
      createTime: now,
      status: 'Created',
      instanceTerminationWaitTimeStarted: false,
      targetStatus: 'Pending',
      lastUpdatedAt: now,
      events: ECS_LIFECYCLE_EVENTS.map((name) => ({ lifecycleEventName: name, status: 'Pending' as LifecycleEventStatus })),
      taskSets: previous,
      testTrafficTo: 'Blue',
      hookExecutions: new Map(),
      abort: new AbortController(),
      history: [{ status: 'Created', at: now }],
      trafficHistory: [],
    };
    this.deployments.set(d.id, d);
    this.order.push(d.id);
    return d;
  }

  /** The running (blue) task set of a group: the green of its last successful deployment, else an initial one. */
  private lastTaskSets(group: ResolvedGroup): TaskSetState[] {
    const blueTargetGroup = group.targetGroupNames[0];
    return [
      {
        identifer: this.primaryTaskSets.get(group) ?? taskSetId(),
        label: 'Blue',
        targetGroupName: blueTargetGroup,
        desiredCount: group.desiredCount,
        pendingCount: 0,
        runningCount: group.desiredCount,
        status: 'PRIMARY',
        trafficWeight: 100,
      },
    ];
  }

  private setStatus(d: Deployment, status: DeploymentStatus): void {
    if (d.status === status) return;
    d.status = status;
    d.lastUpdatedAt = Date.now();
    d.history.push({ status, at: d.lastUpdatedAt });
  }

  private event(d: Deployment, name: EcsLifecycleEvent): LifecycleEventState {
    return d.events.find((e) => e.lifecycleEventName === name)!;
  }

  private startEvent(d: Deployment, name: EcsLifecycleEvent): LifecycleEventState {
    const e = this.event(d, name);
    e.status = 'InProgress';
    e.startTime = Date.now();
    d.lastUpdatedAt = e.startTime;
    return e;
  }

  private endEvent(e: LifecycleEventState, d: Deployment, status: LifecycleEventStatus): void {
    e.status = status;
    e.endTime = Date.now();
    d.lastUpdatedAt = e.endTime;
  }

  /** Waits `ms`, or until `register`'s callback fires; rejects with Interrupted when the deployment ends. */
  private wait<T>(d: Deployment, ms: number, register?: (resolve: (value: T) => void) => void): Promise<T | 'timeout'> {
    return new Promise((resolve, reject) => {
      if (d.abort.signal.aborted) {
        reject(new Interrupted());
        return;
      }
      const onAbort = (): void => {
        cleanup();
        reject(new Interrupted());
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve('timeout');
      }, ms);
      this.timers.add(timer);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        d.abort.signal.removeEventListener('abort', onAbort);
      };
      d.abort.signal.addEventListener('abort', onAbort, { once: true });
      register?.((value) => {
        cleanup();
        resolve(value);
      });
    });
  }

  private async runDeployment(d: Deployment): Promise<void> {
    try {
      await this.wait(d, this.startDelayInMs + Math.random() * this.eventJitterInMs);
      this.setStatus(d, 'InProgress');
      d.startTime = Date.now();
      d.targetStatus = 'InProgress';
      if (d.creator === 'codeDeployRollback') {
        await this.runRollback(d);
        return;
      }
      if (this.firingAlarm(d)) {
        this.stopForAlarm(d, this.firingAlarm(d)!);
        return;
      }
      for (const name of ECS_LIFECYCLE_EVENTS) {
        if (name === 'BeforeAllowTraffic') await this.readyWait(d);
        if (HOOK_EVENTS.has(name)) await this.runHookEvent(d, name);
        else await this.runActionEvent(d, name);
      }
      await this.terminationWait(d);
      // Deleting the original task set takes a moment in ECS too, so the end is not exactly
      // predictable from the termination wait.
      const blue = d.taskSets.find((t) => t.label === 'Blue');
      if (blue) Object.assign(blue, { desiredCount: 0, status: 'DRAINING' });
      await this.wait(d, this.stepMs());
      if (blue) Object.assign(blue, { runningCount: 0, pendingCount: 0 });
      this.complete(d);
    } catch (err) {
      if (err instanceof Interrupted) return;
      if (!this.isTerminal(d)) this.finish(d, { status: 'Failed', code: 'INTERNAL_ERROR', message: `stand-in error: ${(err as Error).message}`, rollback: false });
    }
  }

  private async runActionEvent(d: Deployment, name: EcsLifecycleEvent): Promise<void> {
    const e = this.startEvent(d, name);
    if (name === 'Install') {
      const green: TaskSetState = {
        identifer: taskSetId(),
        label: 'Green',
        targetGroupName: d.group.targetGroupNames[1],
        desiredCount: d.group.desiredCount,
        pendingCount: d.group.desiredCount,
        runningCount: 0,
        status: 'ACTIVE',
        trafficWeight: 0,
      };
      d.taskSets.push(green);
      await this.wait(d, this.stepMs());
      Object.assign(green, { pendingCount: 0, runningCount: d.group.desiredCount });
    } else if (name === 'AllowTestTraffic') {
      await this.wait(d, this.stepMs());
      d.testTrafficTo = 'Green';
    } else if (name === 'AllowTraffic') {
      await this.shiftTraffic(d);
    }
    this.endEvent(e, d, 'Succeeded');
  }

  private async shiftTraffic(d: Deployment): Promise<void> {
    // Intervals count from the moment the first weight (the canary, or the first linear step) is
    // set, as in CodeDeploy; that first move itself takes one step.
    let shiftStartedAt: number | undefined;
    for (const step of trafficSchedule(d.config.trafficRoutingConfig)) {
      if (shiftStartedAt === undefined) {
        await this.wait(d, this.stepMs());
        shiftStartedAt = Date.now() - step.atMinute * this.msPerMinute;
      } else {
        await this.wait(d, Math.max(0, shiftStartedAt + step.atMinute * this.msPerMinute - Date.now()));
      }
      this.setGreenWeight(d, step.greenPercent);
    }
    const green = d.taskSets.find((t) => t.label === 'Green');
    const blue = d.taskSets.find((t) => t.label === 'Blue');
    if (green) green.status = 'PRIMARY';
    if (blue) blue.status = 'ACTIVE';
  }

  private setGreenWeight(d: Deployment, percent: number): void {
    const green = d.taskSets.find((t) => t.label === 'Green');
    const blue = d.taskSets.find((t) => t.label === 'Blue');
    if (green) green.trafficWeight = percent;
    if (blue) blue.trafficWeight = 100 - percent;
    d.lastUpdatedAt = Date.now();
    d.trafficHistory.push({ greenWeight: percent, at: d.lastUpdatedAt });
    for (const trigger of this.alarmTriggers.splice(0)) {
      if (percent >= trigger.greenWeightAtLeast && d.creator === 'user') {
        // Deferred so the runner is parked at its next wait when the stop lands, as a real alarm
        // evaluation happens between CodeDeploy's own steps.
        this.later(0, () => this.setAlarmState(trigger.alarmName, 'ALARM'));
      } else {
        this.alarmTriggers.push(trigger);
      }
    }
  }

  private async runHookEvent(d: Deployment, name: EcsLifecycleEvent): Promise<void> {
    const e = this.startEvent(d, name);
    const fn = d.hooks[name];
    if (!fn) {
      this.endEvent(e, d, 'Succeeded');
      return;
    }
    const execution: HookExecution = { id: randomUUID(), lifecycleEvent: name, done: false };
    d.hookExecutions.set(execution.id, execution);
    const event: HookEvent = { DeploymentId: d.id, LifecycleEventHookExecutionId: execution.id };
    const record: HookInvocationRecord = { functionName: fn, lifecycleEvent: name, event, at: Date.now() };
    this.hookInvocations.push(record);
    const waiting = this.wait<string>(d, this.hookTimeoutInMinutes * this.msPerMinute, (resolve) => {
      execution.resolve = resolve;
    });
    if (this.hookInvoker) {
      this.hookInvoker(fn, event).catch((err: unknown) => {
        record.invocationError = err instanceof Error ? err.message : String(err);
      });
    } else {
      record.invocationError = `no hook invoker: the function ${fn} cannot be called`;
    }
    const outcome = await waiting;
    execution.done = true;
    record.reported = outcome;
    if (outcome === 'Succeeded') {
      this.endEvent(e, d, 'Succeeded');
      return;
    }
    const timedOut = outcome === 'timeout';
    e.diagnostics = {
      errorCode: timedOut ? 'ScriptTimedOut' : 'ScriptFailed',
      scriptName: fn,
      message: timedOut
        ? `The lifecycle event hook ${fn} did not report a status within ${this.hookTimeoutInMinutes} minutes`
        : `The lifecycle event hook ${fn} reported Failed`,
      logTail: record.invocationError ?? '',
    };
    this.endEvent(e, d, 'Failed');
    this.finish(d, {
      status: 'Failed',
      code: 'HOOK_EXECUTION_FAILURE',
      message: timedOut
        ? `The deployment failed because the ${name} lifecycle event hook ${fn} timed out.`
        : `The deployment failed because a lifecycle event hook failed: ${name} (${fn}) reported Failed.`,
      rollback: d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_FAILURE'),
    });
    throw new Interrupted();
  }

  private async readyWait(d: Deployment): Promise<void> {
    const option = d.group.deploymentReadyOption;
    if (option.actionOnTimeout !== 'STOP_DEPLOYMENT') return;
    this.setStatus(d, 'Ready');
    d.targetStatus = 'Ready';
    const outcome = await this.wait<'continue'>(d, option.waitTimeInMinutes * this.msPerMinute, (resolve) => {
      d.continueReady = () => resolve('continue');
    });
    d.continueReady = undefined;
    if (outcome === 'timeout') {
      this.finish(d, {
        status: 'Stopped',
        code: 'TIMEOUT',
        message: `The deployment was not continued within the ready wait of ${option.waitTimeInMinutes} minutes.`,
        rollback: d.autoRollback.enabled,
      });
      throw new Interrupted();
    }
    this.setStatus(d, 'InProgress');
    d.targetStatus = 'InProgress';
  }

  private async terminationWait(d: Deployment): Promise<void> {
    const minutes = d.group.terminationWaitTimeInMinutes;
    if (minutes <= 0) return;
    d.instanceTerminationWaitTimeStarted = true;
    d.lastUpdatedAt = Date.now();
    await this.wait<'continue'>(d, minutes * this.msPerMinute, (resolve) => {
      d.continueTermination = () => resolve('continue');
    });
    d.continueTermination = undefined;
  }

  /** A rollback of ECS: production and test traffic back to blue, green removed. */
  private async runRollback(d: Deployment): Promise<void> {
    for (const name of ECS_LIFECYCLE_EVENTS) {
      const e = this.startEvent(d, name);
      if (name === 'AllowTraffic' || name === 'AllowTestTraffic') {
        await this.wait(d, this.stepMs());
        if (name === 'AllowTraffic') this.setGreenWeight(d, 0);
        else d.testTrafficTo = 'Blue';
        this.endEvent(e, d, 'Succeeded');
      } else {
        // CodeDeploy does not run the AppSpec's hooks when it rolls an ECS deployment back.
        this.endEvent(e, d, 'Skipped');
      }
    }
    const green = d.taskSets.find((t) => t.label === 'Green');
    const blue = d.taskSets.find((t) => t.label === 'Blue');
    if (blue) blue.status = 'PRIMARY';
    if (green) Object.assign(green, { desiredCount: 0, runningCount: 0, pendingCount: 0, status: 'DRAINING' });
    this.complete(d);
  }

  private complete(d: Deployment): void {
    const green = d.taskSets.find((t) => t.label === 'Green');
    if (d.creator === 'user' && green) this.primaryTaskSets.set(d.group, green.identifer);
    d.completeTime = Date.now();
    d.targetStatus = 'Succeeded';
    this.setStatus(d, 'Succeeded');
  }

  private firingAlarm(d: Deployment): string | undefined {
    return d.group.alarms.find((a) => this.alarmStates.get(a) === 'ALARM');
  }

  private evaluateAlarms(): void {
    for (const d of this.deployments.values()) {
      if (this.isTerminal(d) || d.creator !== 'user' || d.status === 'Created') continue;
      const alarm = this.firingAlarm(d);
      if (alarm) this.stopForAlarm(d, alarm);
    }
  }

  private stopForAlarm(d: Deployment, alarm: string): void {
    const current = d.events.find((e) => e.status === 'InProgress');
    if (current) {
      current.diagnostics = { errorCode: 'UnknownError', scriptName: '', message: `Alarm ${alarm} is in ALARM state`, logTail: '' };
      this.endEvent(current, d, 'Failed');
    }
    this.finish(d, {
      status: 'Stopped',
      code: 'ALARM_ACTIVE',
      message: `One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <${alarm}>`,
      rollback: d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_ALARM'),
    });
  }

  /** Ends a deployment unsuccessfully and, when asked, starts its rollback as a new deployment. */
  private finish(d: Deployment, outcome: { status: 'Failed' | 'Stopped'; code: string; message: string; rollback: boolean }): void {
    if (this.isTerminal(d)) return;
    for (const e of d.events) {
      if (e.status === 'Pending') e.status = 'Skipped';
      if (e.status === 'InProgress') this.endEvent(e, d, 'Failed');
    }
    for (const x of d.hookExecutions.values()) x.done = true;
    d.errorInformation = { code: outcome.code, message: outcome.message };
    d.completeTime = Date.now();
    d.targetStatus = 'Failed';
    d.continueReady = undefined;
    d.continueTermination = undefined;
    if (outcome.rollback) {
      const rb = this.newDeployment({
        group: d.group,
        config: d.config,
        revision: d.revision,
        description: undefined,
        creator: 'codeDeployRollback',
        autoRollback: { enabled: false, events: [] },
        hooks: {},
      });
      // The rollback starts from the traffic as the failed deployment left it.
      rb.taskSets.length = 0;
      rb.taskSets.push(...d.taskSets.map((t) => ({ ...t })));
      rb.rollbackInfo = { rollbackTriggeringDeploymentId: d.id, rollbackMessage: `Rollback of deployment ${d.id}` };
      d.rollbackInfo = { rollbackDeploymentId: rb.id, rollbackMessage: `Deployment ${d.id} is rolled back by ${rb.id}` };
      void this.runDeployment(rb);
    }
    this.setStatus(d, outcome.status);
    d.abort.abort();
  }

  private targetId(d: Deployment): string {
    return `${d.group.clusterName}:${d.group.serviceName}`;
  }

  private listenerArn(g: ResolvedGroup, which: 'prod' | 'test'): string {
    const id = createHash('sha256').update(`${g.serviceName}/${which}`).digest('hex');
    return `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT}:listener/app/${g.serviceName}/${id.slice(0, 16)}/${id.slice(16, 32)}`;
  }

  private deploymentInfo(d: Deployment): Record<string, unknown> {
    const counts = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
    if (d.targetStatus !== 'Unknown') counts[d.targetStatus] += 1;
    const g = d.group;
    return {
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      deploymentConfigName: d.config.deploymentConfigName,
      deploymentId: d.id,
      revision: d.revision,
      status: d.status,
      ...(d.errorInformation ? { errorInformation: { ...d.errorInformation } } : {}),
      createTime: epoch(d.createTime),
      ...(d.startTime !== undefined ? { startTime: epoch(d.startTime) } : {}),
      ...(d.completeTime !== undefined ? { completeTime: epoch(d.completeTime) } : {}),
      deploymentOverview: counts,
      ...(d.description !== undefined ? { description: d.description } : {}),
      creator: d.creator,
      ignoreApplicationStopFailures: false,
      autoRollbackConfiguration: { enabled: d.autoRollback.enabled, events: [...d.autoRollback.events] },
      updateOutdatedInstancesOnly: false,
      ...(d.rollbackInfo ? { rollbackInfo: { ...d.rollbackInfo } } : {}),
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      instanceTerminationWaitTimeStarted: d.instanceTerminationWaitTimeStarted,
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: g.terminationWaitTimeInMinutes },
        deploymentReadyOption: { ...g.deploymentReadyOption },
      },
      loadBalancerInfo: { targetGroupPairInfoList: [{ targetGroups: g.targetGroupNames.map((name) => ({ name })) }] },
      fileExistsBehavior: 'DISALLOW',
      deploymentStatusMessages: [],
      computePlatform: 'ECS',
    };
  }

  private deploymentTarget(d: Deployment): Record<string, unknown> {
    const g = d.group;
    return {
      deploymentTargetType: 'ECSTarget',
      ecsTarget: {
        deploymentId: d.id,
        targetId: this.targetId(d),
        targetArn: `arn:aws:ecs:${this.region}:${ACCOUNT}:service/${g.clusterName}/${g.serviceName}`,
        lastUpdatedAt: epoch(d.lastUpdatedAt),
        lifecycleEvents: d.events.map((e) => ({
          lifecycleEventName: e.lifecycleEventName,
          ...(e.diagnostics ? { diagnostics: { ...e.diagnostics } } : {}),
          ...(e.startTime !== undefined ? { startTime: epoch(e.startTime) } : {}),
          ...(e.endTime !== undefined ? { endTime: epoch(e.endTime) } : {}),
          status: e.status,
        })),
        status: d.targetStatus,
        taskSetsInfo: d.taskSets.map((t) => ({
          identifer: t.identifer,
          desiredCount: t.desiredCount,
          pendingCount: t.pendingCount,
          runningCount: t.runningCount,
          status: t.status,
          trafficWeight: t.trafficWeight,
          targetGroup: { name: t.targetGroupName },
          taskSetLabel: t.label,
        })),
      },
    };
  }
}
