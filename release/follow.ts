/**
 * Follows one deployment, whichever controller runs it: poll (the controller's {@link DeploymentPoller}
 * reads it into the shared progress model), print what changed, ask {@link decideAfterPoll} what comes
 * next, do it. The deciding is pure (release/next-step.ts); this module only prints and acts.
 */
import { CallInterrupted, DeadlineReached } from './abort';
import type { SessionContext } from './context';
import type { DeploymentController, DeploymentPoller } from './controller';
import { formatPercent } from './display';
import { decideAfterPoll, type FollowRole } from './next-step';
import type { ShiftSchedule } from './poll';
import { type Progress, type ProgressChange, progressChanges, progressFraction } from './progress';

/** Extra time to follow a deployment after stopping it (Ctrl-C, --stop-on-timeout). */
export const STOP_GRACE_IN_MS = 15 * 60000;

/** How following ended. */
export interface FollowEnd {
  readonly kind: 'terminal' | 'until' | 'timeout';
  readonly progress: Progress;
}

/** What one follow needs beyond the shared context. */
export interface FollowOptions {
  readonly role: FollowRole;
  readonly deadlineInMs: number;
  /** What was already printed (following on after a stop), so no line repeats. @default - nothing */
  readonly initial?: Progress;
  /** The traffic schedule, when read (`expectedChangeAt`, the final wait). @default - unknown */
  readonly schedule?: ShiftSchedule;
  /** When the release started (the display's elapsed time). */
  readonly startedAtInMs: number;
  /** Called with each poll's progress. */
  readonly onProgress: (p: Progress) => void;
  /** True once the release asked for the deployment to stop. */
  readonly stopRequested: () => boolean;
  /** Stops the deployment with rollback after the first signal (and records that it did). */
  readonly requestStop: () => Promise<void>;
}

/** Follows a deployment until it ends, reaches the `--until` stage (main only) or the deadline. */
export function followDeployment(ctx: SessionContext, controller: DeploymentController, id: string, options: FollowOptions): Promise<FollowEnd> {
  return new Follower(ctx, controller, id, options).run();
}

class Follower {
  private deadline: number;
  private previous: Progress | undefined;
  private lastChangeAt: number;
  private continued = false;
  private terminationWaitStartedAt: number | undefined;
  private readonly poller: DeploymentPoller;

  constructor(
    private readonly ctx: SessionContext,
    private readonly controller: DeploymentController,
    private readonly id: string,
    private readonly o: FollowOptions,
  ) {
    this.deadline = o.deadlineInMs;
    this.previous = o.initial;
    this.lastChangeAt = ctx.clock();
    this.poller = controller.poller(id, o.role, o.schedule);
  }

  async run(): Promise<FollowEnd> {
    const { input } = this.ctx;
    for (;;) {
      this.controller.calls.setDeadline(this.deadline);
      let p: Progress;
      try {
        p = await this.poll();
      } catch (err) {
        // A signal cut the poll short (a read that hangs): stop at once, then poll again.
        if (err instanceof CallInterrupted) {
          if (this.o.role === 'main' && !this.o.stopRequested()) await this.stop();
          continue;
        }
        // The deadline came while AWS did not answer: a timeout at the last state seen.
        if (err instanceof DeadlineReached) {
          this.emit('timeout', `${err.action} got no answer before the deadline`);
          return { kind: 'timeout', progress: this.previous ?? this.poller.unread() };
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
    const at = this.poller.expectedChangeAt(p, now);
    return at !== undefined ? { expectedChangeAtInMs: at } : {};
  }

  private emit(kind: string, text: string): void {
    if (this.o.role === 'main') this.ctx.display.line(kind, text);
    else this.ctx.display.line('rollback', `${kind} ${text}`);
  }

  /** One poll; prints what changed. */
  private async poll(): Promise<Progress> {
    const p = await this.poller.poll(this.previous, this.o.stopRequested());
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
    const finalWait = wait ? { finalWait: { label: this.controller.finalWaitKeyword.replace('-', ' '), endsAtInMs: wait.startedAtInMs + wait.waitInMinutes * 60000 } } : {};
    this.ctx.display.progress({ label: this.o.role === 'main' ? this.id : `rollback ${this.id}`, progress: p, fraction: progressFraction(p, wait), startedAtInMs: this.o.startedAtInMs, ...finalWait });
  }

  private print(c: ProgressChange, now: number): void {
    if (c.kind === 'status') {
      this.emit('status', c.detail ? `${c.status} (${c.detail})` : c.status);
      if (c.status === 'Ready' && this.o.role === 'main' && !this.ctx.input.continueWhenReady) {
        this.emit('ready', `${this.id} waits for ContinueDeployment: approve it in the console or run aws deploy continue-deployment --deployment-id ${this.id} --deployment-wait-type READY_WAIT`);
      }
    } else if (c.kind === 'lifecycle') this.emit('lifecycle', `${c.name} ${c.status}`);
    else if (c.kind === 'traffic') this.emit('traffic', `blue ${formatPercent(c.traffic.bluePercent)}% green ${formatPercent(c.traffic.greenPercent)}%`);
    else {
      this.terminationWaitStartedAt = now;
      const minutes = this.o.schedule?.terminationWaitInMinutes;
      this.emit(this.controller.finalWaitKeyword, `started${minutes !== undefined ? ` ${minutes} min` : ''}`);
    }
  }

  private async stop(): Promise<void> {
    await this.o.requestStop();
    this.deadline = Math.max(this.deadline, this.ctx.clock() + STOP_GRACE_IN_MS);
  }

  private async continueDeployment(): Promise<void> {
    this.continued = true;
    this.emit('continue', `ContinueDeployment ${this.id}`);
    const note = await this.poller.continueWhenReady();
    if (note) this.emit('continue', note);
  }
}
