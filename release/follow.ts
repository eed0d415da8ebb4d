/**
 * Follows one deployment: poll (GetDeployment and its ECS target), print what changed, ask
 * {@link decideAfterPoll} what comes next, do it. The deciding is pure (release/next-step.ts); this
 * module only does the calls and the printing.
 */
import { ContinueDeploymentCommand, GetDeploymentCommand, GetDeploymentTargetCommand, ListDeploymentTargetsCommand, type DeploymentInfo, type DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { CallInterrupted, DeadlineReached, ReleaseAbort } from './abort';
import { classifyAwsError } from './aws-errors';
import type { ReleaseContext } from './context';
import { formatPercent } from './display';
import { decideAfterPoll, type FollowRole } from './next-step';
import { expectedChangeAt, type ShiftSchedule } from './poll';
import { type Progress, type ProgressChange, progressChanges, progressFraction, progressFrom } from './progress';

/** Extra time to follow a deployment after stopping it (Ctrl-C, --stop-on-timeout). */
export const STOP_GRACE_IN_MS = 15 * 60000;

/** Errors of the target calls that only mean "not there yet". */
const TARGET_NOT_READY_CODES: readonly string[] = ['DeploymentNotStartedException', 'DeploymentTargetDoesNotExistException', 'InstanceDoesNotExistException'];

/** ContinueDeployment errors that only mean the deployment is not waiting any more. */
const CONTINUE_MOOT_CODES: readonly string[] = ['DeploymentIsNotInReadyStateException', 'DeploymentAlreadyCompletedException'];

/** How following ended. */
export interface FollowEnd {
  readonly kind: 'terminal' | 'until' | 'timeout';
  readonly progress: Progress;
}

/** Whether the caller may read deployment targets; once denied, the release follows the status only. */
export interface TargetAccess {
  denied: boolean;
}

/** What one follow needs beyond the shared context. */
export interface FollowOptions {
  readonly role: FollowRole;
  readonly deadlineInMs: number;
  /** What was already printed (following on after a stop), so no line repeats. @default - nothing */
  readonly initial?: Progress;
  /** The deployment config's traffic schedule, when read (`expectedChangeAt`, termination wait). @default - unknown */
  readonly schedule?: ShiftSchedule;
  /** When the release started (the display's elapsed time). */
  readonly startedAtInMs: number;
  readonly targets: TargetAccess;
  /** Called with each poll's progress. */
  readonly onProgress: (p: Progress) => void;
  /** True once StopDeployment was sent for this deployment. */
  readonly stopRequested: () => boolean;
  /** Sends StopDeployment with rollback after the first signal (and records that it did). */
  readonly requestStop: () => Promise<void>;
}

/** Follows a deployment until it ends, reaches the `--until` stage (main only) or the deadline. */
export function followDeployment(ctx: ReleaseContext, id: string, options: FollowOptions): Promise<FollowEnd> {
  return new Follower(ctx, id, options).run();
}

class Follower {
  private deadline: number;
  private previous: Progress | undefined;
  private targetId: string | undefined;
  private lastChangeAt: number;
  private continued = false;
  private terminationWaitStartedAt: number | undefined;

  constructor(
    private readonly ctx: ReleaseContext,
    private readonly id: string,
    private readonly o: FollowOptions,
  ) {
    this.deadline = o.deadlineInMs;
    this.previous = o.initial;
    this.lastChangeAt = ctx.clock();
  }

  async run(): Promise<FollowEnd> {
    const { input } = this.ctx;
    for (;;) {
      this.ctx.calls.setDeadline(this.deadline);
      let p: Progress;
      try {
        p = await this.poll();
      } catch (err) {
        // A signal cut the poll short (a GetDeployment that hangs): stop at once, then poll again.
        if (err instanceof CallInterrupted) {
          if (this.o.role === 'main' && !this.o.stopRequested()) await this.stop();
          continue;
        }
        // The deadline came while CodeDeploy did not answer: a timeout at the last state seen.
        if (err instanceof DeadlineReached) {
          this.emit('timeout', `${err.action} got no answer before the deadline`);
          return { kind: 'timeout', progress: this.previous ?? progressFrom({ deploymentId: this.id }) };
        }
        throw err;
      }
      const now = this.ctx.clock();
      const step = decideAfterPoll({
        role: this.o.role,
        progress: p,
        nowInMs: now,
        deadlineInMs: this.deadline,
        ...(input.until !== undefined ? { until: input.until } : {}),
        interrupted: this.ctx.interrupts.received > 0,
        stopRequested: this.o.stopRequested(),
        continueWhenReady: input.continueWhenReady,
        continued: this.continued,
        lastChangeAtInMs: this.lastChangeAt,
        ...this.expectedChange(p, now),
        minIntervalInMs: input.pollMinIntervalInMs,
        maxIntervalInMs: input.pollMaxIntervalInMs,
        random: this.ctx.random(),
      });
      if (step.kind === 'terminal') return { kind: 'terminal', progress: p };
      if (step.kind === 'until-reached') return { kind: 'until', progress: p };
      if (step.kind === 'timeout') return { kind: 'timeout', progress: p };
      if (step.kind === 'stop') await this.stop();
      else if (step.kind === 'continue') await this.continueDeployment();
      else await this.ctx.interrupts.pause(step.delayInMs);
    }
  }

  private expectedChange(p: Progress, now: number): { expectedChangeAtInMs?: number } {
    const at = expectedChangeAt(p.lifecycleEvents, this.o.schedule, now);
    return at !== undefined ? { expectedChangeAtInMs: at } : {};
  }

  private emit(kind: string, text: string): void {
    if (this.o.role === 'main') this.ctx.display.line(kind, text);
    else this.ctx.display.line('rollback', `${kind} ${text}`);
  }

  /** One poll: the deployment and (when readable) its ECS target; prints what changed. */
  private async poll(): Promise<Progress> {
    const { calls } = this.ctx;
    const deployment = (await calls.call<{ deploymentInfo?: DeploymentInfo }>('GetDeployment', new GetDeploymentCommand({ deploymentId: this.id }))).deploymentInfo ?? {};
    if (!this.targetId && !this.o.targets.denied) {
      this.targetId = (await this.targetCall<{ targetIds?: string[] }>('ListDeploymentTargets', new ListDeploymentTargetsCommand({ deploymentId: this.id })))?.targetIds?.[0];
    }
    const target =
      this.targetId && !this.o.targets.denied
        ? (await this.targetCall<{ deploymentTarget?: DeploymentTarget }>('GetDeploymentTarget', new GetDeploymentTargetCommand({ deploymentId: this.id, targetId: this.targetId })))?.deploymentTarget
        : undefined;
    if (this.o.role === 'main' && this.previous === undefined && this.ctx.input.followDeploymentId) this.warnOtherGroup(deployment);
    const p = progressFrom({ deploymentId: this.id, ...deployment }, target);
    this.show(p);
    return p;
  }

  private show(p: Progress): void {
    const now = this.ctx.clock();
    const changes = progressChanges(this.previous, p);
    for (const c of changes) this.print(c, now);
    if (changes.length > 0) this.lastChangeAt = now;
    this.previous = p;
    this.o.onProgress(p);
    const s = this.o.schedule;
    const wait = s && this.terminationWaitStartedAt !== undefined ? { startedAtInMs: this.terminationWaitStartedAt, nowInMs: now, waitInMinutes: s.terminationWaitInMinutes } : undefined;
    this.ctx.display.progress({ label: this.o.role === 'main' ? this.id : `rollback ${this.id}`, progress: p, fraction: progressFraction(p, wait), startedAtInMs: this.o.startedAtInMs });
  }

  private print(c: ProgressChange, now: number): void {
    if (c.kind === 'status') {
      this.emit('status', c.status);
      if (c.status === 'Ready' && this.o.role === 'main' && !this.ctx.input.continueWhenReady) {
        this.emit('ready', `${this.id} waits for ContinueDeployment: approve it in the console or run aws deploy continue-deployment --deployment-id ${this.id} --deployment-wait-type READY_WAIT`);
      }
    } else if (c.kind === 'lifecycle') this.emit('lifecycle', `${c.name} ${c.status}`);
    else if (c.kind === 'traffic') this.emit('traffic', `blue ${formatPercent(c.traffic.bluePercent)}% green ${formatPercent(c.traffic.greenPercent)}%`);
    else {
      this.terminationWaitStartedAt = now;
      const minutes = this.o.schedule?.terminationWaitInMinutes;
      this.emit('termination-wait', `started${minutes !== undefined ? ` ${minutes} min` : ''}`);
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

  private async stop(): Promise<void> {
    await this.o.requestStop();
    this.deadline = Math.max(this.deadline, this.ctx.clock() + STOP_GRACE_IN_MS);
  }

  private async continueDeployment(): Promise<void> {
    this.continued = true;
    this.emit('continue', `ContinueDeployment ${this.id}`);
    try {
      await this.ctx.calls.call('ContinueDeployment', new ContinueDeploymentCommand({ deploymentId: this.id, deploymentWaitType: 'READY_WAIT' }));
    } catch (err) {
      // Approved in the console (or by a retried call of ours) between the poll and the call, or it
      // ended meanwhile: the deployment goes on either way, so keep following it instead of exiting 5.
      if (!(err instanceof ReleaseAbort) || !CONTINUE_MOOT_CODES.includes(err.code)) throw err;
      this.emit('continue', `${this.id} is no longer Ready (${err.code}); following it`);
    }
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
        this.o.targets.denied = true;
        this.ctx.display.line('warning', `${err.message} Following the deployment's status only (no lifecycle events or traffic).`);
        return undefined;
      }
      throw err;
    }
  }
}
