/**
 * What the release does after each poll of a deployment it follows. Pure: every fact is a parameter
 * (the clock's reading, and the poll schedule's plan), so each rule is tested with `toEqual` and no fake clock.
 */
import type { PollCall, PollPlan } from './poll-schedule';
import type { Progress } from './progress';
import { untilReached } from './until';

/** Which deployment is followed: the release's own, or the rollback CodeDeploy started for it. */
export type FollowRole = 'main' | 'rollback';

/** Everything {@link decideAfterPoll} decides on. */
export interface PollFacts {
  readonly role: FollowRole;
  /** The deployment as this poll saw it. */
  readonly progress: Progress;
  readonly nowInMs: number;
  /** When following ends with a timeout. */
  readonly deadlineInMs: number;
  /** `--until` stage. @default - follow to the end */
  readonly until?: string;
  /** A first signal (Ctrl-C, SIGTERM) was received. */
  readonly interrupted: boolean;
  /** StopDeployment was already sent for this deployment (after a signal or a timeout). */
  readonly stopRequested: boolean;
  /** `--continue`. */
  readonly continueWhenReady: boolean;
  /** ContinueDeployment was already sent for this deployment. */
  readonly continued: boolean;
  /** When and how to poll next, if the follow goes on (release/poll-schedule.ts). */
  readonly plan: PollPlan;
}

/** What happens next. */
export type NextStep =
  /** It ended (Succeeded, Failed, Stopped): stop following. */
  | { readonly kind: 'terminal' }
  /** The first signal: send StopDeployment with rollback, then poll again at once. */
  | { readonly kind: 'stop' }
  /** The `--until` stage is reached: stop following, the deployment goes on. */
  | { readonly kind: 'until-reached' }
  /** It waits in Ready and `--continue` was given: send ContinueDeployment, then poll again at once. */
  | { readonly kind: 'continue' }
  /** The deadline has passed. */
  | { readonly kind: 'timeout' }
  /** Poll again with `calls` after this many milliseconds (never past the deadline by more than 1 ms). */
  | { readonly kind: 'wait'; readonly delayInMs: number; readonly calls: readonly PollCall[] };

/**
 * Decides what to do after a poll. In order: an ended deployment ends the follow (a stop would be
 * moot); a first signal stops the release's own deployment with rollback (never a rollback: that would
 * leave the service half-deployed); the `--until` stage (not once a stop was asked for); `--continue`
 * on Ready (once); the deadline; otherwise the next poll of the schedule (release/poll-schedule.ts).
 */
export function decideAfterPoll(f: PollFacts): NextStep {
  const main = f.role === 'main';
  if (f.progress.terminal) return { kind: 'terminal' };
  if (main && f.interrupted && !f.stopRequested) return { kind: 'stop' };
  if (main && f.until !== undefined && !f.stopRequested && !f.interrupted && untilReached(f.progress, f.until)) return { kind: 'until-reached' };
  if (main && f.continueWhenReady && f.progress.status === 'Ready' && !f.continued && !f.stopRequested) return { kind: 'continue' };
  if (f.nowInMs >= f.deadlineInMs) return { kind: 'timeout' };
  return { kind: 'wait', delayInMs: Math.min(f.plan.delayInMs, Math.max(1, f.deadlineInMs - f.nowInMs)), calls: f.plan.calls };
}
