/**
 * How a CodeDeploy ECS blue/green deployment unfolds in the stand-in: deployment groups, deployments,
 * their lifecycle events, task sets and traffic weights, hooks, alarms and rollbacks, driven by a
 * compressed clock. What CodeDeploy accepts and answers (request checks, errors, paging, response
 * views) is in api.ts, requests.ts and views.ts; this module knows nothing about HTTP or the API's shapes.
 *
 * It is test infrastructure: it follows the documented behaviour of CodeDeploy closely enough for
 * the release CLI and the hook to be exercised against it over real HTTP, and says (in
 * docs/testing.md) where it simplifies.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ECS_HOOK_EVENTS, ECS_LIFECYCLE_EVENTS, type EcsLifecycleEvent } from '../../lib/appspec';
import { EcsDeploymentConfig, PREDEFINED_ECS_CONFIGS, trafficSchedule } from './deployment-configs';

export { ECS_LIFECYCLE_EVENTS, type EcsLifecycleEvent };

export type DeploymentStatus = 'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';
export type LifecycleEventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';
export type AutoRollbackEvent = 'DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' | 'DEPLOYMENT_STOP_ON_REQUEST';

/** Statuses after which a deployment never changes again. */
export const TERMINAL_STATUSES: readonly DeploymentStatus[] = ['Succeeded', 'Failed', 'Stopped'];
/** Statuses CodeDeploy counts as "active" (the group is busy). */
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

/** Lifecycle events that may name a hook function. */
export const HOOK_EVENTS: ReadonlySet<string> = new Set(ECS_HOOK_EVENTS);
export const ACCOUNT = '123456789012';

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

export interface LifecycleEventState {
  readonly lifecycleEventName: EcsLifecycleEvent;
  status: LifecycleEventStatus;
  startTime?: number;
  endTime?: number;
  diagnostics?: { errorCode: string; scriptName: string; message: string; logTail: string };
}

export interface TaskSetState {
  readonly identifer: string;
  readonly label: 'Blue' | 'Green';
  readonly targetGroupName: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  trafficWeight: number;
}

export interface Revision {
  readonly revisionType: 'AppSpecContent' | 'S3';
  readonly appSpecContent?: { readonly content: string; readonly sha256?: string };
  readonly s3Location?: { readonly bucket: string; readonly key: string; readonly bundleType?: string; readonly version?: string; readonly eTag?: string };
}

export interface HookExecution {
  readonly id: string;
  readonly lifecycleEvent: EcsLifecycleEvent;
  done: boolean;
  resolve?: (status: string) => void;
}

/** The stand-in's record of one deployment. */
export interface Deployment {
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

export interface ResolvedGroup {
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

function newDeploymentId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `d-${Array.from(randomBytes(9), (b) => alphabet[b % alphabet.length]).join('')}`;
}

function taskSetId(): string {
  return `ecs-svc/${BigInt('0x' + randomBytes(8).toString('hex')) % 10n ** 19n}`;
}

export function resolveGroup(spec: DeploymentGroupSpec): ResolvedGroup {
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

/** The deployments of one stand-in and how they unfold. */
export class DeploymentSimulation {
  readonly msPerMinute: number;
  readonly eventDurationInMs: number;
  readonly hookTimeoutInMinutes: number;
  readonly eventJitterInMs: number;
  readonly startDelayInMs: number;
  /** Every hook invocation, in order. */
  readonly hookInvocations: HookInvocationRecord[] = [];
  readonly groups: readonly ResolvedGroup[];
  readonly configs: ReadonlyMap<string, EcsDeploymentConfig>;
  readonly region: string;
  private readonly deployments = new Map<string, Deployment>();
  private readonly order: string[] = [];
  private readonly alarmStates = new Map<string, 'OK' | 'ALARM'>();
  private readonly alarmTriggers: { alarmName: string; greenWeightAtLeast: number }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Task set serving production per group, so the next deployment's blue is the last one's green. */
  private readonly primaryTaskSets = new Map<ResolvedGroup, string>();
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

  // ---- what the API drives ----

  /** Every deployment, oldest first. */
  all(): Deployment[] {
    return this.order.map((id) => this.deployments.get(id)!);
  }

  get(id: string): Deployment | undefined {
    return this.deployments.get(id);
  }

  /** The group's deployment that is not terminal yet, if any (one per group). */
  activeIn(group: ResolvedGroup): Deployment | undefined {
    return [...this.deployments.values()].find((d) => d.group === group && !this.isTerminal(d));
  }

  isTerminal(d: Deployment): boolean {
    return TERMINAL_STATUSES.includes(d.status);
  }

  /** Creates a deployment and starts running it (CreateDeployment, or a rollback). */
  start(args: Pick<Deployment, 'group' | 'config' | 'revision' | 'description' | 'creator' | 'autoRollback' | 'hooks'>): Deployment {
    const d = this.newDeployment(args);
    void this.runDeployment(d);
    return d;
  }

  /** StopDeployment: takes effect one step after the call answers, as in CodeDeploy (the answer says Pending). */
  requestStop(d: Deployment, rollback: boolean): void {
    this.later(this.eventDurationInMs, () => {
      if (this.isTerminal(d)) return;
      this.finish(d, { status: 'Stopped', code: 'MANUAL_STOP', message: 'The deployment was stopped by the user.', rollback: rollback && d.creator === 'user' });
    });
  }

  /** The status a hook reported: ends the wait of its lifecycle event. */
  completeHook(execution: HookExecution, status: 'Succeeded' | 'Failed'): void {
    execution.done = true;
    execution.resolve?.(status);
  }

  // ---- internals ----

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
}
