/**
 * Follows one deployment, whichever controller runs it: poll (the controller's {@link DeploymentPoller}
 * reads it into the shared progress model, with the calls the schedule chose), print what changed, plan
 * the next poll ({@link planNextPoll}: when a change is due and which call shows it), ask
 * {@link decideAfterPoll} what comes next, do it. The deciding is pure (release/next-step.ts,
 * release/poll-schedule.ts); this module only prints and acts.
 */
import { CallInterrupted, DeadlineReached } from './abort';
import type { SessionContext } from './context';
import type { DeploymentController, DeploymentPoller } from './controller';
import { formatPercent, type ProgressView } from './display';
import { type ExpectedChange, type Sightings, updateSightings } from './expected-change';
import { decideAfterPoll, type FollowRole } from './next-step';
import { MINUTE_IN_MS, type ShiftSchedule } from './poll';
import { movingDelayInMs, type PollCall, type PollPlan, planNextPoll } from './poll-schedule';
import { type Progress, type ProgressChange, progressChanges, progressFraction } from './progress';

/** Extra time to follow a deployment after stopping it (Ctrl-C, --stop-on-timeout). */
export const STOP_GRACE_IN_MS = 15 * 60000;

/**
 * The schedule a rollback is followed with: CodeDeploy and ECS move traffic back at once and keep no
 * final wait, whatever the release's own deployment waited.
 */
export const ROLLBACK_SCHEDULE: ShiftSchedule = { type: 'AllAtOnce', intervalInMinutes: 0, terminationWaitInMinutes: 0 };

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
  /**
   * The release created the deployment a moment ago: it is Created, so the first poll comes when a
   * starting deployment's would, not at once. @default false
   */
  readonly justCreated?: boolean;
  /** The traffic schedule, when read (when changes are due, the final wait). @default - unknown */
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
  private readonly schedule: ShiftSchedule | undefined;
  private sightings: Sightings = {};
  private lastPollAt: number | undefined;
  /** What the last plan expected (a sighting of it cannot be earlier than it was due). */
  private expected: ExpectedChange | undefined;

  constructor(
    private readonly ctx: SessionContext,
    private readonly controller: DeploymentController,
    private readonly id: string,
    private readonly o: FollowOptions,
  ) {
    this.deadline = o.deadlineInMs;
    this.previous = o.initial;
    this.lastChangeAt = ctx.clock();
    this.poller = controller.poller(id, o.role);
    this.schedule = o.role === 'main' ? o.schedule : ROLLBACK_SCHEDULE;
  }

  async run(): Promise<FollowEnd> {
    const { input } = this.ctx;
    let calls: readonly PollCall[] = [this.controller.statusCall];
    if (this.o.justCreated) await this.ctx.interrupts.pause(movingDelayInMs(0, input.pollMinIntervalInMs, input.pollMaxIntervalInMs));
    for (;;) {
      this.controller.calls.setDeadline(this.deadline);
      let p: Progress;
      try {
        p = await this.poll(calls);
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
      const plan = this.plan(p, now);
      this.showStatus(p, now, plan.expected);
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
        plan,
      });
      if (step.kind === 'terminal') return { kind: 'terminal', progress: p };
      if (step.kind === 'until-reached') return { kind: 'until', progress: p };
      if (step.kind === 'timeout') return { kind: 'timeout', progress: p };
      // After a stop or a continue the status says what became of it.
      calls = step.kind === 'wait' ? step.calls : [this.controller.statusCall];
      if (step.kind === 'stop') await this.stop();
      else if (step.kind === 'continue') await this.continueDeployment();
      else await this.ctx.interrupts.pause(step.delayInMs);
    }
  }

  private plan(p: Progress, now: number): PollPlan {
    const { input } = this.ctx;
    const reads = this.poller.reads();
    const plan = planNextPoll({
      controller: this.controller.type,
      progress: p,
      ...(this.schedule ? { schedule: this.schedule } : {}),
      sightings: this.sightings,
      nowInMs: now,
      lastChangeAtInMs: this.lastChangeAt,
      targetReadable: reads.targetReadable,
      ...(reads.deploymentReadAtInMs !== undefined ? { deploymentReadAtInMs: reads.deploymentReadAtInMs } : {}),
      minIntervalInMs: input.pollMinIntervalInMs,
      maxIntervalInMs: input.pollMaxIntervalInMs,
    });
    this.expected = plan.expected;
    return plan;
  }

  private emit(kind: string, text: string): void {
    if (this.o.role === 'main') this.ctx.display.line(kind, text);
    else this.ctx.display.line('rollback', `${kind} ${text}`);
  }

  /** One poll with `calls`; records when changes were first seen, and prints them. */
  private async poll(calls: readonly PollCall[]): Promise<Progress> {
    const before = this.previous;
    const trafficReadBefore = this.poller.reads().trafficReadAtInMs;
    const p = await this.poller.poll(before, this.o.stopRequested(), calls);
    const now = this.ctx.clock();
    const afterInMs = this.lastPollAt ?? now;
    const window = { afterInMs, seenAtInMs: now, trafficAfterInMs: this.controller.type === 'ECS' ? afterInMs : (trafficReadBefore ?? afterInMs) };
    this.sightings = updateSightings(this.sightings, before, p, window, this.expected);
    this.lastPollAt = now;
    this.show(p, now);
    return p;
  }

  private show(p: Progress, now: number): void {
    const changes = progressChanges(this.previous, p);
    for (const c of changes) this.print(c, now);
    if (changes.length > 0) this.lastChangeAt = now;
    this.previous = p;
    this.o.onProgress(p);
  }

  /** The status block (a terminal's), with the countdown to the change the deployment waits for. */
  private showStatus(p: Progress, now: number, expected: ExpectedChange | undefined): void {
    const s = this.o.schedule;
    // In real minutes (a local stand-in's are shorter: --minute-in-ms).
    const waitInMinutes = s ? (s.terminationWaitInMinutes * (s.minuteInMs ?? MINUTE_IN_MS)) / MINUTE_IN_MS : 0;
    const wait = s && this.terminationWaitStartedAt !== undefined ? { startedAtInMs: this.terminationWaitStartedAt, nowInMs: now, waitInMinutes } : undefined;
    this.ctx.display.progress({
      label: this.o.role === 'main' ? this.id : `rollback ${this.id}`,
      progress: p,
      fraction: progressFraction(p, wait),
      startedAtInMs: this.o.startedAtInMs,
      ...this.countdowns(p, wait, expected),
    });
  }

  /**
   * The countdowns of the status block: the final wait (timed from AWS's own clock when known, else from
   * when the release saw it begin), and the next traffic step or the end of the ready wait.
   */
  private countdowns(p: Progress, wait: { readonly startedAtInMs: number; readonly waitInMinutes: number } | undefined, expected: ExpectedChange | undefined): Pick<ProgressView, 'finalWait' | 'expected'> {
    if (p.terminal) return {};
    const label = this.controller.finalWaitKeyword.replace('-', ' ');
    if (expected?.kind === 'termination-wait' || expected?.kind === 'bake-time') return { finalWait: { label, endsAtInMs: expected.dueAtInMs } };
    if (expected && expected.kind !== 'end' && expected.kind !== 'shift-end') return { expected };
    return wait ? { finalWait: { label, endsAtInMs: wait.startedAtInMs + wait.waitInMinutes * MINUTE_IN_MS } } : {};
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
