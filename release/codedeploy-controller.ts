/**
 * The CodeDeploy controller (the default): a deployment group's settings, CreateDeployment after the
 * active-deployment choice, GetDeployment and its ECS target per poll, StopDeployment with rollback,
 * the rollback deployment CodeDeploy starts. What it does is in active.ts, group-settings.ts and
 * failure.ts; this module binds them to the shared {@link DeploymentController} interface.
 */
import { ContinueDeploymentCommand, GetDeploymentCommand, GetDeploymentTargetCommand, ListDeploymentTargetsCommand, type DeploymentInfo, type DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { ReleaseAbort } from './abort';
import { createDeployment } from './active';
import { classifyAwsError } from './aws-errors';
import type { ReleaseContext } from './context';
import type { DeploymentController, DeploymentPoller, PollerReads, ReportIdentity, RollbackFound, StartResult } from './controller';
import { diagnosticsRequestFor, type DiagnosticsRequest, type DiagnosticsTrigger } from './diagnostics';
import { dryRunText } from './dry-run';
import { failureLines, findRollback, type Line } from './failure';
import { type GroupSettings, readGroupSettings } from './group-settings';
import type { FollowRole } from './next-step';
import { NOT_STARTED_STATUSES, type PollCall, targetNeededAfterStatus } from './poll-schedule';
import { type Progress, progressFrom } from './progress';
import { buildCreateDeploymentRequest, consoleUrl } from './request';
import { describeRevision } from './revision';

/** Errors of the target calls that only mean "not there yet". */
const TARGET_NOT_READY_CODES: readonly string[] = ['DeploymentNotStartedException', 'DeploymentTargetDoesNotExistException', 'InstanceDoesNotExistException'];

/** ContinueDeployment errors that only mean the deployment is not waiting any more. */
const CONTINUE_MOOT_CODES: readonly string[] = ['DeploymentIsNotInReadyStateException', 'DeploymentAlreadyCompletedException'];

/** Whether the caller may read deployment targets; once denied, the release follows the status only. */
export interface TargetAccess {
  denied: boolean;
}

/** The CodeDeploy controller of one release. */
export class CodeDeployController implements DeploymentController {
  readonly type = 'CODE_DEPLOY' as const;
  readonly statusCall = 'GetDeployment' as const;
  readonly finalWaitKeyword = 'termination-wait';
  /** Shared by every follow of the release: once denied, no follow reads targets again. */
  readonly targets: TargetAccess = { denied: false };
  /** The group's ECS target id, when its settings were read. */
  private ecsTargetId: string | undefined;

  constructor(private readonly ctx: ReleaseContext) {}

  get calls(): ReleaseContext['calls'] {
    return this.ctx.calls;
  }

  describeTarget(): string {
    const i = this.ctx.input;
    return `application ${i.applicationName} group ${i.deploymentGroupName} region ${i.region}`;
  }

  describeRevision(): string {
    return describeRevision(this.ctx.input.revision);
  }

  async readSettings(): Promise<GroupSettings> {
    const settings = await readGroupSettings(this.ctx);
    this.ecsTargetId = settings.ecsTargetId;
    return settings;
  }

  async start(timeoutInMs: number): Promise<StartResult> {
    return { kind: 'started', id: await createDeployment(this.ctx, timeoutInMs) };
  }

  poller(id: string, role: FollowRole): DeploymentPoller {
    return new CodeDeployPoller(this.ctx, this.targets, id, role, this.ecsTargetId);
  }

  stopWithRollback(id: string): Promise<void> {
    return this.ctx.calls.stopWithRollback(id);
  }

  findRollback(id: string, last: Progress): Promise<RollbackFound> {
    return findRollback(this.ctx, id, last);
  }

  consoleUrl(id: string): string {
    return consoleUrl(this.ctx.input.region, id);
  }

  dryRun(): { readonly text: string; readonly request: object } {
    return { text: dryRunText(this.ctx.input), request: buildCreateDeploymentRequest(this.ctx.input) };
  }

  failureLines(p: Progress): Line[] {
    return failureLines(p, this.ctx.input, this.targets.denied);
  }

  diagnosticsRequest(trigger: DiagnosticsTrigger, deploymentId: string, p: Progress): DiagnosticsRequest {
    const i = this.ctx.input;
    return diagnosticsRequestFor({
      deploymentId,
      trigger,
      lifecycleEvents: p.lifecycleEvents,
      revision: i.revision,
      ...(p.createdAt ? { createdAt: p.createdAt } : {}),
      ...(i.hookFunctionName ? { hookFunctionName: i.hookFunctionName } : {}),
      ...(i.hookLogGroupName ? { hookLogGroupName: i.hookLogGroupName } : {}),
    });
  }

  reportIdentity(): ReportIdentity {
    return { controller: 'CODE_DEPLOY', applicationName: this.ctx.input.applicationName, deploymentGroupName: this.ctx.input.deploymentGroupName };
  }
}

/**
 * One follow of a CodeDeploy deployment: GetDeployment (status, error, rollback, termination wait) and
 * its ECS target (lifecycle events, traffic; GetDeploymentTarget, after ListDeploymentTargets once), each
 * only when the poll schedule asks for it (release/poll-schedule.ts), merged with the other's last answer.
 */
class CodeDeployPoller implements DeploymentPoller {
  /** The target's id: the group's (when read), else ListDeploymentTargets'. */
  private targetId: string | undefined;
  private targetIdListed = false;
  private deployment: DeploymentInfo | undefined;
  private target: DeploymentTarget | undefined;
  private deploymentReadAtInMs: number | undefined;
  private trafficReadAtInMs: number | undefined;

  constructor(
    private readonly ctx: ReleaseContext,
    private readonly targets: TargetAccess,
    private readonly id: string,
    private readonly role: FollowRole,
    groupTargetId: string | undefined,
  ) {
    this.targetId = groupTargetId;
  }

  async poll(previous: Progress | undefined, _stopRequested: boolean, calls: readonly PollCall[]): Promise<Progress> {
    let readTarget = calls.includes('GetDeploymentTarget');
    if (calls.includes('GetDeployment') || !this.deployment) {
      this.deployment = (await this.ctx.calls.call<{ deploymentInfo?: DeploymentInfo }>('GetDeployment', new GetDeploymentCommand({ deploymentId: this.id }))).deploymentInfo ?? {};
      this.deploymentReadAtInMs = this.ctx.clock();
      // A new status the target explains, or a follow that has not read the target yet (--follow, the
      // follow on after a stop: its first poll shows the events as they are).
      readTarget ||= targetNeededAfterStatus(previous, this.deployment.status ?? 'Unknown') || this.target === undefined;
    }
    // Before the deployment starts its target does not exist (DeploymentNotStartedException).
    if (readTarget && !this.targets.denied && !NOT_STARTED_STATUSES.includes(this.deployment.status ?? 'Unknown')) await this.readTarget();
    if (this.role === 'main' && previous === undefined && this.ctx.input.followDeploymentId) this.warnOtherGroup(this.deployment);
    return progressFrom({ deploymentId: this.id, ...this.deployment }, this.target);
  }

  reads(): PollerReads {
    return {
      targetReadable: !this.targets.denied,
      ...(this.deploymentReadAtInMs !== undefined ? { deploymentReadAtInMs: this.deploymentReadAtInMs } : {}),
      ...(this.trafficReadAtInMs !== undefined ? { trafficReadAtInMs: this.trafficReadAtInMs } : {}),
    };
  }

  private async readTarget(): Promise<void> {
    if (!this.targetId) {
      this.targetId = (await this.targetCall<{ targetIds?: string[] }>('ListDeploymentTargets', new ListDeploymentTargetsCommand({ deploymentId: this.id })))?.targetIds?.[0];
      this.targetIdListed = this.targetId !== undefined;
    }
    if (!this.targetId || this.targets.denied) return;
    const answer = await this.targetCall<{ deploymentTarget?: DeploymentTarget }>('GetDeploymentTarget', new GetDeploymentTargetCommand({ deploymentId: this.id, targetId: this.targetId }));
    if (answer?.deploymentTarget) {
      this.target = answer.deploymentTarget;
      this.trafficReadAtInMs = this.ctx.clock();
    } else if (!this.targetIdListed) {
      // The group's target id did not name this deployment's target: ask CodeDeploy next time.
      this.targetId = undefined;
    }
  }

  unread(): Progress {
    return progressFrom({ deploymentId: this.id });
  }

  async continueWhenReady(): Promise<string | undefined> {
    try {
      await this.ctx.calls.call('ContinueDeployment', new ContinueDeploymentCommand({ deploymentId: this.id, deploymentWaitType: 'READY_WAIT' }));
      return undefined;
    } catch (err) {
      // Approved in the console (or by a retried call of ours) between the poll and the call, or it
      // ended meanwhile: the deployment goes on either way, so keep following it instead of exiting 5.
      if (!(err instanceof ReleaseAbort) || !CONTINUE_MOOT_CODES.includes(err.code)) throw err;
      return `${this.id} is no longer Ready (${err.code}); following it`;
    }
  }

  private warnOtherGroup(info: DeploymentInfo): void {
    const input = this.ctx.input;
    const other = [
      info.applicationName && info.applicationName !== input.applicationName ? `application ${info.applicationName}` : '',
      info.deploymentGroupName && info.deploymentGroupName !== input.deploymentGroupName ? `group ${info.deploymentGroupName}` : '',
    ].filter(Boolean);
    if (other.length > 0) this.ctx.display.line('warning', `${this.id} belongs to ${other.join(' and ')}, not to the ${input.applicationName}/${input.deploymentGroupName} of the inputs`);
  }

  /**
   * Lifecycle events and traffic are detail: when the target is not there yet, or the caller may not
   * read it, the release keeps following the deployment's status instead of abandoning a running
   * deployment over a missing read permission.
   */
  private async targetCall<T>(action: string, command: { readonly input: object }): Promise<T | undefined> {
    try {
      return await this.ctx.calls.call<T>(action, command);
    } catch (err) {
      if (!(err instanceof ReleaseAbort)) throw err;
      if (TARGET_NOT_READY_CODES.includes(err.code)) return undefined;
      if (classifyAwsError({ name: err.code }).kind === 'access-denied') {
        this.targets.denied = true;
        this.ctx.display.line('warning', `${err.message} Following the deployment's status only (no lifecycle events or traffic).`);
        return undefined;
      }
      throw err;
    }
  }
}
