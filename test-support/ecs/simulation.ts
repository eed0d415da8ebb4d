/**
 * How an ECS-native deployment unfolds in the stand-in, on a compressed clock: the lifecycle stages
 * (PRE_SCALE_UP … CLEAN_UP), green tasks starting (or failing, by fault), test and production traffic
 * moving by strategy (BLUE_GREEN, LINEAR, CANARY), bake times, lifecycle hook Lambdas (ECS contract:
 * a returned `hookStatus`, IN_PROGRESS re-invoked after `callBackDelay`), alarms, the circuit breaker,
 * StopServiceDeployment, and the rollback. What the API accepts and answers is in api.ts and views.ts.
 *
 * Sources: "Amazon ECS blue/green deployments", "Lambda hooks for Amazon ECS service deployments"
 * (payloads, IN_PROGRESS and callBackDelay, hooks re-invoked at TEST_TRAFFIC_SHIFT and
 * PRODUCTION_TRAFFIC_SHIFT during a rollback, PRE_/PRODUCTION_TRAFFIC_SHIFT at each linear/canary step),
 * "Stopping Amazon ECS service deployments" (Amazon ECS Developer Guide), and botocore's ECS model.
 */
import { randomUUID } from 'node:crypto';
import {
  arns,
  circuitBreakerThreshold,
  ContainerSpec,
  DeploymentConfiguration,
  DeploymentState,
  EcsHookPayload,
  HookInvocationRecord,
  HookStage,
  LifecycleStage,
  productionSteps,
  randomDigits,
  resolveDeploymentConfiguration,
  RevisionState,
  ServiceDeploymentStatus,
  ServiceState,
  TaskState,
  TERMINAL_DEPLOYMENT_STATUSES,
} from './state';

/** Invokes a Lambda function synchronously and resolves with what it returned (ECS reads `hookStatus`). */
export type LambdaInvoker = (functionName: string, event: EcsHookPayload) => Promise<unknown>;

/** Timing; every duration ECS counts in minutes or seconds is scaled by `msPerMinute`. */
export interface EcsTiming {
  /** Real milliseconds per simulated minute (a second is 1/60 of it). @default 100 */
  readonly msPerMinute?: number;
  /** Real milliseconds one step without a wait takes (a task state change, a traffic move). @default 20 */
  readonly stepInMs?: number;
  /**
   * Up to this many random extra ms per step, so a client's poll phase cannot lock onto the steps
   * (benchmarks). @default 0
   */
  readonly stepJitterInMs?: number;
  /** Simulated minutes ECS waits for a Lambda hook to return SUCCEEDED or FAILED. @default 1440 (AWS's default) */
  readonly hookTimeoutInMinutes?: number;
}

/** How green tasks fail to start, set by a test (faults.failGreenTasks). */
export interface TaskFailure {
  /** Tasks still to fail. @default Infinity */
  remaining: number;
  readonly stopCode: 'TaskFailedToStart' | 'EssentialContainerExited';
  readonly stoppedReason: string;
  /** Container exit code; none for a task that never started its container (an image pull error). */
  readonly exitCode?: number;
  readonly containerReason?: string;
}

class Interrupted extends Error {}

const PER_STEP_EVENTS = 'PRODUCTION_TRAFFIC_SHIFT';

/** The deployments, tasks and clock of one stand-in. */
export class EcsSimulation {
  readonly msPerMinute: number;
  readonly stepInMs: number;
  readonly stepJitterInMs: number;
  readonly hookTimeoutInMinutes: number;
  /** Every Lambda hook invocation, in order. */
  readonly hookInvocations: HookInvocationRecord[] = [];
  readonly services: ServiceState[] = [];
  private readonly alarmStates = new Map<string, 'OK' | 'ALARM'>();
  private readonly alarmTriggers: { alarmName: string; greenWeightAtLeast: number }[] = [];
  private readonly taskFailures = new Map<ServiceState, TaskFailure>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly arn: ReturnType<typeof arns>;
  private closed = false;

  constructor(
    readonly region: string,
    timing: EcsTiming,
    public hookInvoker: LambdaInvoker | undefined,
  ) {
    this.msPerMinute = timing.msPerMinute ?? 100;
    this.stepInMs = timing.stepInMs ?? 20;
    this.stepJitterInMs = timing.stepJitterInMs ?? 0;
    this.hookTimeoutInMinutes = timing.hookTimeoutInMinutes ?? 1440;
    this.arn = arns(region);
  }

  /** Real ms of one step. */
  private step(): number {
    return this.stepInMs + Math.random() * this.stepJitterInMs;
  }

  // ---- what the API and the tests drive ----

  /** Starts a service deployment to `target` (UpdateService); a deployment still running is superseded. */
  startDeployment(service: ServiceState, target: RevisionState, configuration: DeploymentConfiguration): DeploymentState {
    const now = Date.now();
    for (const running of service.deployments.filter((d) => !this.isTerminal(d))) {
      this.endRun(running, 'STOPPED', `The service deployment was superseded by a newer service deployment.`);
      this.stopTasks(running, running.target, 'ServiceSchedulerInitiated', 'Scaling activity initiated by a newer service deployment');
    }
    const d: DeploymentState = {
      arn: this.arn.serviceDeployment(service.clusterName, service.serviceName),
      ecsDeploymentId: `ecs-svc/${randomDigits(19)}`,
      service,
      source: service.current,
      target,
      configuration: resolveDeploymentConfiguration(configuration),
      createdAt: now,
      updatedAt: now,
      status: 'PENDING',
      productionWeight: 0,
      testWeight: 0,
      triggeredAlarms: [],
      circuitBreakerFailures: 0,
      circuitBreakerTriggered: false,
      runner: new AbortController(),
      hooks: [],
      history: [{ status: 'PENDING', at: now }],
      trafficHistory: [],
    };
    service.deployments.push(d);
    service.taskDefinition = target.taskDefinition;
    void this.runForward(d);
    return d;
  }

  /** StopServiceDeployment: ROLLBACK (the default) rolls back; ABORT stops where it is. */
  requestStop(d: DeploymentState, stopType: 'ROLLBACK' | 'ABORT'): void {
    if (stopType === 'ABORT') {
      if (d.status === 'PENDING' || d.status === 'IN_PROGRESS') {
        this.setStatus(d, 'STOP_REQUESTED');
        this.later(this.stepInMs, () => this.endRun(d, 'STOPPED', 'The service deployment was stopped by a StopServiceDeployment request.'));
      }
      return;
    }
    if (d.status === 'PENDING' || d.status === 'IN_PROGRESS') this.startRollback(d, 'Service deployment rolled back because of a StopServiceDeployment request.');
  }

  /** Sets a CloudWatch alarm's state; ALARM fails every running deployment that watches it. */
  setAlarmState(alarmName: string, state: 'OK' | 'ALARM'): void {
    this.alarmStates.set(alarmName, state);
    if (state !== 'ALARM') return;
    for (const d of this.services.flatMap((s) => s.deployments)) {
      if (d.status === 'IN_PROGRESS' && this.firingAlarms(d).length > 0) this.onAlarm(d);
    }
  }

  /** Puts `alarmName` into ALARM once a deployment gives green `greenWeightAtLeast` percent of production. */
  addAlarmTrigger(alarmName: string, greenWeightAtLeast: number): void {
    this.alarmTriggers.push({ alarmName, greenWeightAtLeast });
  }

  /** Makes the service's next green tasks fail to start (see {@link TaskFailure}). */
  setTaskFailure(service: ServiceState, failure: TaskFailure | undefined): void {
    if (failure) this.taskFailures.set(service, failure);
    else this.taskFailures.delete(service);
  }

  clearFaults(): void {
    this.alarmTriggers.length = 0;
    this.alarmStates.clear();
    this.taskFailures.clear();
  }

  isTerminal(d: DeploymentState): boolean {
    return TERMINAL_DEPLOYMENT_STATUSES.includes(d.status);
  }

  /** Ends every runner and timer; later calls answer but nothing moves any more. */
  close(): void {
    this.closed = true;
    for (const d of this.services.flatMap((s) => s.deployments)) d.runner.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Records a service event (newest first; DescribeServices shows the latest 100). */
  addEvent(service: ServiceState, message: string): void {
    service.events.unshift({ id: randomUUID(), createdAt: Date.now(), message: `(service ${service.serviceName}) ${message}` });
    if (service.events.length > 100) service.events.length = 100;
  }

  /** Starts `count` tasks of a revision at once, already RUNNING (a service's initial tasks). */
  launchRunning(service: ServiceState, revision: RevisionState, count: number, startedBy: string): void {
    for (let i = 0; i < count; i++) {
      const task = this.newTask(service, revision, startedBy);
      Object.assign(task, { lastStatus: 'RUNNING', startedAt: task.createdAt, healthStatus: 'HEALTHY' });
      for (const c of task.containers) Object.assign(c, { lastStatus: 'RUNNING', healthStatus: 'HEALTHY' });
    }
  }

  // ---- the forward run ----

  private async runForward(d: DeploymentState): Promise<void> {
    const signal = d.runner.signal;
    try {
      await this.wait(signal, this.step());
      d.startedAt = Date.now();
      this.setStatus(d, 'IN_PROGRESS');
      this.addEvent(d.service, `has started a service deployment (${d.ecsDeploymentId}) to ${d.target.taskDefinition}.`);
      if (this.firingAlarms(d).length > 0) return this.onAlarm(d);
      await this.stageWithHooks(d, 'PRE_SCALE_UP', signal);
      this.setStage(d, 'SCALE_UP');
      await this.scaleUpGreen(d, signal);
      await this.stageWithHooks(d, 'POST_SCALE_UP', signal);
      this.setStage(d, 'TEST_TRAFFIC_SHIFT');
      await this.wait(signal, this.step());
      this.setWeights(d, d.productionWeight, 100);
      await this.runHooks(d, 'TEST_TRAFFIC_SHIFT', signal);
      await this.stageWithHooks(d, 'POST_TEST_TRAFFIC_SHIFT', signal);
      await this.shiftProduction(d, signal);
      await this.stageWithHooks(d, 'POST_PRODUCTION_TRAFFIC_SHIFT', signal);
      this.setStage(d, 'BAKE_TIME');
      await this.wait(signal, (d.configuration.bakeTimeInMinutes ?? 0) * this.msPerMinute);
      this.setStage(d, 'CLEAN_UP');
      this.stopTasks(d, d.source, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${d.ecsDeploymentId})`);
      await this.wait(signal, this.step());
      d.service.current = d.target;
      this.addEvent(d.service, `(deployment ${d.ecsDeploymentId}) deployment completed.`);
      this.addEvent(d.service, 'has reached a steady state.');
      this.endRun(d, 'SUCCESSFUL', 'Service deployment completed successfully.');
    } catch (err) {
      if (err instanceof Interrupted) return;
      if (!this.isTerminal(d)) this.endRun(d, 'ROLLBACK_FAILED', `stand-in error: ${(err as Error).message}`);
    }
  }

  private async stageWithHooks(d: DeploymentState, stage: Exclude<HookStage, 'PRE_PRODUCTION_TRAFFIC_SHIFT'>, signal: AbortSignal): Promise<void> {
    this.setStage(d, stage);
    await this.runHooks(d, stage, signal);
  }

  private async scaleUpGreen(d: DeploymentState, signal: AbortSignal): Promise<void> {
    const want = d.service.desiredCount;
    const threshold = circuitBreakerThreshold(want);
    for (;;) {
      const running = d.service.tasks.filter((t) => t.revision === d.target && t.desiredStatus === 'RUNNING');
      if (running.length >= want && running.every((t) => t.lastStatus === 'RUNNING')) break;
      const started = Array.from({ length: want - running.length }, () => this.newTask(d.service, d.target, d.ecsDeploymentId));
      if (started.length > 0) this.addEvent(d.service, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.arn.split('/').pop()})`).join(' ')}.`);
      await this.wait(signal, this.step());
      for (const t of started) this.advanceTask(t, 'PENDING');
      await this.wait(signal, this.step());
      for (const t of started) this.startOrFail(d, t);
      const breaker = d.configuration.deploymentCircuitBreaker;
      if (breaker?.enable && d.circuitBreakerFailures >= threshold) {
        d.circuitBreakerTriggered = true;
        this.addEvent(d.service, `(deployment ${d.ecsDeploymentId}) deployment failed: tasks failed to start.`);
        const reason = `Service deployment failed: the circuit breaker detected ${d.circuitBreakerFailures} failed tasks (threshold ${threshold}).`;
        if (breaker.rollback) this.startRollback(d, reason);
        else {
          this.endRun(d, 'STOPPED', reason);
        }
        throw new Interrupted();
      }
    }
    this.addEvent(d.service, `registered ${want} targets in (target-group ${this.targetGroup(d.service, 'alternate')})`);
  }

  private startOrFail(d: DeploymentState, t: TaskState): void {
    const failure = this.taskFailures.get(d.service);
    if (!failure || failure.remaining <= 0) {
      this.advanceTask(t, 'RUNNING');
      return;
    }
    failure.remaining -= 1;
    d.circuitBreakerFailures += 1;
    const now = Date.now();
    Object.assign(t, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppingAt: now, stoppedAt: now, stopCode: failure.stopCode, stoppedReason: failure.stoppedReason, healthStatus: 'UNKNOWN' });
    t.containers.forEach((c, i) => {
      c.lastStatus = 'STOPPED';
      if (i === 0 && failure.exitCode !== undefined) c.exitCode = failure.exitCode;
      if (i === 0 && failure.containerReason !== undefined) c.reason = failure.containerReason;
    });
    this.addEvent(d.service, `has stopped 1 running tasks: (task ${t.arn.split('/').pop()}).`);
  }

  private async shiftProduction(d: DeploymentState, signal: AbortSignal): Promise<void> {
    this.setStage(d, 'PRODUCTION_TRAFFIC_SHIFT');
    for (const step of productionSteps(d.configuration)) {
      await this.runHooks(d, 'PRE_PRODUCTION_TRAFFIC_SHIFT', signal);
      await this.wait(signal, this.step());
      this.setWeights(d, step.greenPercent, d.testWeight);
      await this.runHooks(d, PER_STEP_EVENTS, signal);
      await this.wait(signal, step.bakeMinutes * this.msPerMinute);
    }
  }

  // ---- hooks ----

  private payload(d: DeploymentState, stage: HookStage, hookDetails: Record<string, unknown> | undefined, executionId: string): EcsHookPayload {
    const weights = (green: number, shown: boolean): Record<string, number> => (shown ? { [d.target.arn]: green, [d.source.arn]: 100 - green } : {});
    const rollingBack = d.status === 'ROLLBACK_IN_PROGRESS';
    return {
      executionId,
      lifecycleStage: stage,
      resourceArn: d.arn,
      executionDetails: {
        serviceArn: d.service.arn,
        targetServiceRevisionArn: d.target.arn,
        testTrafficWeights: weights(d.testWeight, stage === 'TEST_TRAFFIC_SHIFT' || (rollingBack && stage !== 'PRODUCTION_TRAFFIC_SHIFT')),
        productionTrafficWeights: weights(d.productionWeight, stage === 'PRODUCTION_TRAFFIC_SHIFT' || stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT'),
      },
      ...(hookDetails ? { hookDetails } : {}),
    };
  }

  /** Runs every Lambda hook configured for `stage`, one after another; a failure rolls the deployment back. */
  private async runHooks(d: DeploymentState, stage: HookStage, signal: AbortSignal): Promise<void> {
    for (const hook of d.configuration.lifecycleHooks ?? []) {
      if ((hook.targetType ?? 'AWS_LAMBDA') !== 'AWS_LAMBDA' || !hook.lifecycleStages?.includes(stage) || !hook.hookTargetArn) continue;
      const outcome = await this.invokeUntilDone(d, stage, hook.hookTargetArn, hook.hookDetails as Record<string, unknown> | undefined, signal);
      if (outcome.result === 'SUCCEEDED') continue;
      const what = {
        TIMED_OUT: `did not return SUCCEEDED or FAILED within ${this.hookTimeoutInMinutes} minutes`,
        FAILED: 'returned FAILED',
        invalid: 'returned no valid hookStatus',
        error: `failed (${outcome.error ?? 'invocation error'})`,
      }[outcome.result];
      const reason = `Lifecycle hook ${hook.hookTargetArn} ${what} at ${stage}.`;
      if (d.status === 'ROLLBACK_IN_PROGRESS') throw Object.assign(new Error(reason), { rollbackHookFailed: true });
      this.startRollback(d, reason);
      throw new Interrupted();
    }
  }

  /** One hook execution: invoked again after `callBackDelay` seconds while it answers IN_PROGRESS. */
  private async invokeUntilDone(
    d: DeploymentState,
    stage: HookStage,
    target: string,
    configured: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<{ result: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'invalid' | 'error'; error?: string }> {
    const executionId = randomUUID();
    const expiresAt = Date.now() + this.hookTimeoutInMinutes * this.msPerMinute;
    let details = configured;
    for (;;) {
      const event = this.payload(d, stage, details, executionId);
      const record: HookInvocationRecord = { hookId: executionId, functionArn: target, stage, event, at: Date.now() };
      this.hookInvocations.push(record);
      d.hooks.push(record);
      const answer = await this.invoke(target, event, expiresAt - Date.now(), signal);
      Object.assign(record, answer);
      if (record.result !== 'IN_PROGRESS') return { result: record.result ?? 'error', ...(record.error ? { error: record.error } : {}) };
      const returned = answer.returned as { callBackDelay?: unknown; hookDetails?: unknown };
      if (returned.hookDetails && typeof returned.hookDetails === 'object') details = { ...(details ?? {}), ...(returned.hookDetails as Record<string, unknown>) };
      const delaySeconds = typeof returned.callBackDelay === 'number' && returned.callBackDelay >= 0 ? returned.callBackDelay : 30;
      if (Date.now() + delaySeconds * (this.msPerMinute / 60) >= expiresAt) return { result: 'TIMED_OUT' };
      await this.wait(signal, delaySeconds * (this.msPerMinute / 60));
    }
  }

  private async invoke(target: string, event: EcsHookPayload, timeLeftInMs: number, signal: AbortSignal): Promise<Pick<HookInvocationRecord, 'result' | 'returned' | 'error'>> {
    if (!this.hookInvoker) return { result: 'error', error: `no hook invoker: the function ${target} cannot be called` };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, timeLeftInMs));
    });
    const aborted = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
    try {
      const returned = await Promise.race([this.hookInvoker(this.arn.lambdaName(target), event), timeout, aborted]);
      if (returned === 'aborted') throw new Interrupted();
      if (returned === 'timeout') return { result: 'TIMED_OUT' };
      const status = (returned as { hookStatus?: unknown } | null)?.hookStatus;
      return status === 'SUCCEEDED' || status === 'FAILED' || status === 'IN_PROGRESS' ? { result: status, returned } : { result: 'invalid', returned };
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      return { result: 'error', error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- alarms, rollback, the end ----

  private firingAlarms(d: DeploymentState): string[] {
    const alarms = d.configuration.alarms;
    if (!alarms?.enable) return [];
    return alarms.alarmNames.filter((a) => this.alarmStates.get(a) === 'ALARM');
  }

  private onAlarm(d: DeploymentState): void {
    const firing = this.firingAlarms(d);
    d.triggeredAlarms = [...new Set([...d.triggeredAlarms, ...firing])];
    this.addEvent(d.service, `(deployment ${d.ecsDeploymentId}) deployment failed: alarm detected.`);
    const reason = `Service deployment rolled back because the CloudWatch alarm(s) ${firing.join(', ')} went into ALARM.`;
    if (d.configuration.alarms?.rollback) this.startRollback(d, reason);
    else this.endRun(d, 'STOPPED', reason.replace('rolled back', 'stopped'));
  }

  /** Rolls a BLUE_GREEN deployment back: test and production traffic to blue (hooks re-invoked), green stopped. */
  private startRollback(d: DeploymentState, reason: string): void {
    if (this.isTerminal(d) || d.status.startsWith('ROLLBACK')) return;
    d.runner.abort();
    d.runner = new AbortController();
    const signal = d.runner.signal;
    d.rollback = { reason, startedAt: Date.now(), serviceRevisionArn: d.source.arn };
    d.statusReason = reason;
    this.setStatus(d, 'ROLLBACK_REQUESTED');
    void (async () => {
      try {
        await this.wait(signal, this.step());
        this.setStatus(d, 'ROLLBACK_IN_PROGRESS');
        if (d.testWeight > 0) {
          this.setStage(d, 'TEST_TRAFFIC_SHIFT');
          this.setWeights(d, d.productionWeight, 0);
          await this.runHooks(d, 'TEST_TRAFFIC_SHIFT', signal);
        }
        if (d.productionWeight > 0) {
          this.setStage(d, 'PRODUCTION_TRAFFIC_SHIFT');
          await this.wait(signal, this.step());
          this.setWeights(d, 0, 0);
          await this.runHooks(d, 'PRODUCTION_TRAFFIC_SHIFT', signal);
        }
        this.setStage(d, 'CLEAN_UP');
        this.stopTasks(d, d.target, 'ServiceSchedulerInitiated', `Scaling activity initiated by (deployment ${d.ecsDeploymentId})`);
        d.service.taskDefinition = d.source.taskDefinition;
        await this.wait(signal, this.step());
        this.addEvent(d.service, `(deployment ${d.ecsDeploymentId}) rolled back to ${d.source.taskDefinition}.`);
        this.endRun(d, 'ROLLBACK_SUCCESSFUL', reason);
      } catch (err) {
        if (err instanceof Interrupted) return;
        this.endRun(d, 'ROLLBACK_FAILED', `${reason} The rollback failed: ${(err as Error).message}`);
      }
    })();
  }

  private endRun(d: DeploymentState, status: ServiceDeploymentStatus, reason: string): void {
    if (this.isTerminal(d)) return;
    d.runner.abort();
    const now = Date.now();
    d.statusReason = reason;
    if (status === 'STOPPED') d.stoppedAt = now;
    else d.finishedAt = now;
    this.setStatus(d, status);
  }

  // ---- small state changes ----

  private setStatus(d: DeploymentState, status: ServiceDeploymentStatus): void {
    d.status = status;
    d.updatedAt = Date.now();
    d.history.push({ status, ...(d.lifecycleStage ? { stage: d.lifecycleStage } : {}), at: d.updatedAt });
  }

  private setStage(d: DeploymentState, stage: LifecycleStage): void {
    d.lifecycleStage = stage;
    d.updatedAt = Date.now();
    d.history.push({ status: d.status, stage, at: d.updatedAt });
  }

  private setWeights(d: DeploymentState, productionWeight: number, testWeight: number): void {
    d.productionWeight = productionWeight;
    d.testWeight = testWeight;
    d.updatedAt = Date.now();
    d.trafficHistory.push({ productionWeight, testWeight, at: d.updatedAt });
    for (const trigger of this.alarmTriggers.splice(0)) {
      if (productionWeight >= trigger.greenWeightAtLeast && d.status === 'IN_PROGRESS') {
        // Deferred, as a real alarm evaluation happens between ECS's own steps.
        this.later(0, () => this.setAlarmState(trigger.alarmName, 'ALARM'));
      } else this.alarmTriggers.push(trigger);
    }
  }

  private newTask(service: ServiceState, revision: RevisionState, startedBy: string): TaskState {
    const task: TaskState = {
      arn: this.arn.task(service.clusterName),
      revision,
      startedBy,
      createdAt: Date.now(),
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      healthStatus: 'UNKNOWN',
      containers: revision.containers.map((c: ContainerSpec) => ({ ...c, containerArn: this.arn.container(service.clusterName), lastStatus: 'PENDING', healthStatus: 'UNKNOWN' })),
    };
    service.tasks.push(task);
    return task;
  }

  private advanceTask(t: TaskState, to: 'PENDING' | 'RUNNING'): void {
    if (t.desiredStatus !== 'RUNNING') return;
    t.lastStatus = to;
    if (to === 'RUNNING') {
      Object.assign(t, { startedAt: Date.now(), healthStatus: 'HEALTHY' });
      for (const c of t.containers) Object.assign(c, { lastStatus: 'RUNNING', healthStatus: 'HEALTHY' });
    }
  }

  private stopTasks(d: DeploymentState, revision: RevisionState, stopCode: TaskState['stopCode'], stoppedReason: string): void {
    const now = Date.now();
    const stopping = d.service.tasks.filter((t) => t.revision === revision && t.desiredStatus === 'RUNNING');
    for (const t of stopping) {
      Object.assign(t, { desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppingAt: now, stoppedAt: now, stopCode, stoppedReason });
      for (const c of t.containers) Object.assign(c, { lastStatus: 'STOPPED', exitCode: 0 });
    }
    if (stopping.length > 0) this.addEvent(d.service, `has stopped ${stopping.length} running tasks: ${stopping.map((t) => `(task ${t.arn.split('/').pop()})`).join(' ')}.`);
  }

  targetGroup(service: ServiceState, which: 'primary' | 'alternate'): string {
    const lb = service.loadBalancers[0] as { targetGroupArn?: string; advancedConfiguration?: { alternateTargetGroupArn?: string } } | undefined;
    return (which === 'primary' ? lb?.targetGroupArn : lb?.advancedConfiguration?.alternateTargetGroupArn) ?? `${service.serviceName}-${which === 'primary' ? 'blue' : 'green'}`;
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Waits `ms`; rejects with Interrupted when the run is aborted (or at once when it already is). */
  private wait(signal: AbortSignal, ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted || this.closed) {
        reject(new Interrupted());
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        reject(new Interrupted());
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      this.timers.add(timer);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
