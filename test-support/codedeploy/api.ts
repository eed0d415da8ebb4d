/**
 * What CodeDeploy accepts and answers, as the stand-in's operations (one method per JSON 1.1
 * operation; server.ts serves them over HTTP): request checks and errors (requests.ts), then a state
 * change or a read of the simulation (state-machine.ts), then the answer in the API's shapes (views.ts).
 */
import type { AutoRollbackEvent, CodeDeployModelOptions, Deployment, DeploymentSnapshot, HookInvocationRecord, HookInvoker, Revision } from './state-machine';
import { ACTIVE_STATUSES, DeploymentSimulation, TERMINAL_STATUSES } from './state-machine';
import { AwsJsonError } from '../aws-json-server';
import { findDeployment, findGroup, hooksOfRevision, page, startedDeployment } from './requests';
import { applicationRevisionInfo, deploymentConfigInfo, deploymentGroupInfo, deploymentInfo, deploymentTarget, targetId } from './views';

/** The CodeDeploy stand-in: its operations, and the test's handle on the simulation behind them. */
export class CodeDeployModel {
  readonly simulation: DeploymentSimulation;
  private readonly s3Objects = new Map<string, string>();

  constructor(options: CodeDeployModelOptions) {
    this.simulation = new DeploymentSimulation(options);
  }

  get msPerMinute(): number {
    return this.simulation.msPerMinute;
  }
  get eventDurationInMs(): number {
    return this.simulation.eventDurationInMs;
  }
  get hookTimeoutInMinutes(): number {
    return this.simulation.hookTimeoutInMinutes;
  }
  /** Every hook invocation, in order. */
  get hookInvocations(): HookInvocationRecord[] {
    return this.simulation.hookInvocations;
  }

  /** Replaces the hook invoker (e.g. once a green app's URL is known). */
  setHookInvoker(invoker: HookInvoker | undefined): void {
    this.simulation.setHookInvoker(invoker);
  }

  /** Makes an S3 AppSpec object available to `revisionType: 'S3'` deployments. */
  putS3Object(bucket: string, key: string, content: string, version?: string): void {
    this.s3Objects.set(`${bucket}/${key}`, content);
    if (version) this.s3Objects.set(`${bucket}/${key}?${version}`, content);
  }

  /** Sets a CloudWatch alarm's state; ALARM stops every active deployment whose group watches it. */
  setAlarmState(alarmName: string, state: 'OK' | 'ALARM'): void {
    this.simulation.setAlarmState(alarmName, state);
  }

  /** Puts `alarmName` into ALARM as soon as a deployment's green weight reaches the given percentage. */
  addAlarmTrigger(alarmName: string, greenWeightAtLeast: number): void {
    this.simulation.addAlarmTrigger(alarmName, greenWeightAtLeast);
  }

  /** Removes alarm triggers and sets every alarm back to OK. */
  clearAlarms(): void {
    this.simulation.clearAlarms();
  }

  /** Every deployment, oldest first. */
  snapshots(): DeploymentSnapshot[] {
    return this.simulation.snapshots();
  }

  snapshot(id: string): DeploymentSnapshot | undefined {
    return this.simulation.snapshot(id);
  }

  /** Deployments not yet in a terminal status. */
  activeDeployments(): DeploymentSnapshot[] {
    return this.simulation.activeDeployments();
  }

  /** Ends every runner and timer; later calls answer but nothing moves any more. */
  close(): void {
    this.simulation.close();
  }

  // ---- API operations (throw AwsJsonError like CodeDeploy) ----

  createDeployment(input: any): { deploymentId: string } {
    const group = findGroup(this.simulation.groups, input.applicationName, input.deploymentGroupName);
    const configName: string = input.deploymentConfigName ?? group.deploymentConfigName;
    const config = this.simulation.configs.get(configName);
    if (!config) throw new AwsJsonError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${configName}`);
    const revision = input.revision as Revision | undefined;
    if (!revision) throw new AwsJsonError('RevisionRequiredException', 'Revision must be specified.');
    const hooks = hooksOfRevision(revision, this.s3Objects);
    const active = this.simulation.activeIn(group);
    if (active) {
      throw new AwsJsonError(
        'DeploymentLimitExceededException',
        `The Deployment Group '${group.deploymentGroupName}' already has an active Deployment '${active.id}'`,
      );
    }
    const rollbackOverride = input.autoRollbackConfiguration as { enabled?: boolean; events?: AutoRollbackEvent[] } | undefined;
    const d = this.simulation.start({
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
    return { deploymentId: d.id };
  }

  getDeployment(input: any): { deploymentInfo: unknown } {
    return { deploymentInfo: deploymentInfo(findDeployment(this.simulation, input.deploymentId)) };
  }

  batchGetDeployments(input: any): { deploymentsInfo: unknown[] } {
    const ids: unknown = input.deploymentIds;
    if (!Array.isArray(ids) || ids.length === 0) throw new AwsJsonError('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (ids.length > 25) throw new AwsJsonError('BatchLimitExceededException', 'The maximum number of deployment IDs you can specify is 25.');
    return { deploymentsInfo: ids.map((id) => this.simulation.get(String(id))).filter((d): d is Deployment => !!d).map((d) => deploymentInfo(d)) };
  }

  listDeployments(input: any): { deployments: string[]; nextToken?: string } {
    let list = this.simulation.all().reverse(); // newest first, as CodeDeploy lists them
    if (input.applicationName !== undefined || input.deploymentGroupName !== undefined) {
      if (input.applicationName === undefined) throw new AwsJsonError('ApplicationNameRequiredException', 'The application name must be specified.');
      if (input.deploymentGroupName === undefined) throw new AwsJsonError('DeploymentGroupNameRequiredException', 'The deployment group name must be specified.');
      const group = findGroup(this.simulation.groups, input.applicationName, input.deploymentGroupName);
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
    return page(list.map((d) => d.id), input.nextToken);
  }

  listDeploymentTargets(input: any): { targetIds: string[] } {
    const d = startedDeployment(this.simulation, input.deploymentId);
    return { targetIds: [targetId(d)] };
  }

  getDeploymentTarget(input: any): { deploymentTarget: unknown } {
    const d = startedDeployment(this.simulation, input.deploymentId);
    if (!input.targetId) throw new AwsJsonError('DeploymentTargetIdRequiredException', 'A deployment target ID must be specified.');
    if (input.targetId !== targetId(d)) {
      throw new AwsJsonError('DeploymentTargetDoesNotExistException', `The deployment target ${input.targetId} does not exist in deployment ${d.id}`);
    }
    return { deploymentTarget: deploymentTarget(d, this.simulation.region) };
  }

  batchGetDeploymentTargets(input: any): { deploymentTargets: unknown[] } {
    const d = startedDeployment(this.simulation, input.deploymentId);
    const ids: unknown = input.targetIds;
    if (!Array.isArray(ids) || ids.length === 0) throw new AwsJsonError('DeploymentTargetIdRequiredException', 'A deployment target ID must be specified.');
    for (const id of ids) {
      if (id !== targetId(d)) throw new AwsJsonError('DeploymentTargetDoesNotExistException', `The deployment target ${id} does not exist in deployment ${d.id}`);
    }
    return { deploymentTargets: ids.map(() => deploymentTarget(d, this.simulation.region)) };
  }

  stopDeployment(input: any): { status: 'Pending' | 'Succeeded'; statusMessage: string } {
    const d = findDeployment(this.simulation, input.deploymentId);
    if (this.simulation.isTerminal(d)) throw new AwsJsonError('DeploymentAlreadyCompletedException', `Deployment ${d.id} has already completed`);
    const rollback =
      typeof input.autoRollbackEnabled === 'boolean'
        ? input.autoRollbackEnabled
        : d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
    this.simulation.requestStop(d, rollback);
    return { status: 'Pending', statusMessage: `Stopping Pending. Stop of deployment ${d.id} initiated` };
  }

  continueDeployment(input: any): Record<string, never> {
    const d = findDeployment(this.simulation, input.deploymentId);
    if (this.simulation.isTerminal(d)) throw new AwsJsonError('DeploymentAlreadyCompletedException', `Deployment ${d.id} has already completed`);
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
    return deploymentGroupInfo(findGroup(this.simulation.groups, input.applicationName, input.deploymentGroupName), this.simulation.all(), this.simulation.region);
  }

  getDeploymentConfig(input: any): { deploymentConfigInfo: unknown } {
    if (!input.deploymentConfigName) throw new AwsJsonError('DeploymentConfigNameRequiredException', 'Deployment configuration name must be specified.');
    const config = this.simulation.configs.get(input.deploymentConfigName);
    if (!config) throw new AwsJsonError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${input.deploymentConfigName}`);
    return deploymentConfigInfo(config);
  }

  getApplicationRevision(input: any): unknown {
    if (!input.applicationName) throw new AwsJsonError('ApplicationNameRequiredException', 'The application name must be specified.');
    if (!this.simulation.groups.some((g) => g.applicationName === input.applicationName)) {
      throw new AwsJsonError('ApplicationDoesNotExistException', `No application found for name: ${input.applicationName}`);
    }
    if (!input.revision) throw new AwsJsonError('RevisionRequiredException', 'Revision must be specified.');
    const key = JSON.stringify(input.revision);
    const used = this.simulation.all().filter((d) => d.group.applicationName === input.applicationName && JSON.stringify(d.revision) === key);
    if (used.length === 0) throw new AwsJsonError('RevisionDoesNotExistException', 'No application revision found for the given revision');
    return applicationRevisionInfo(input.applicationName, input.revision, used);
  }

  putLifecycleEventHookExecutionStatus(input: any): { lifecycleEventHookExecutionId: string } {
    const d = findDeployment(this.simulation, input.deploymentId);
    if (input.status !== 'Succeeded' && input.status !== 'Failed') {
      throw new AwsJsonError('InvalidLifecycleEventHookExecutionStatusException', `The status ${input.status} is not allowed; use Succeeded or Failed`);
    }
    const execution = d.hookExecutions.get(input.lifecycleEventHookExecutionId);
    if (!execution) {
      throw new AwsJsonError('InvalidLifecycleEventHookExecutionIdException', `The lifecycle event hook execution ID ${input.lifecycleEventHookExecutionId} is not valid`);
    }
    if (execution.done || this.simulation.isTerminal(d)) {
      throw new AwsJsonError('LifecycleEventAlreadyCompletedException', `The lifecycle event ${execution.lifecycleEvent} of deployment ${d.id} is already completed`);
    }
    this.simulation.completeHook(execution, input.status);
    return { lifecycleEventHookExecutionId: execution.id };
  }
}
