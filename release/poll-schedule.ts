/**
 * When the release polls next, and which calls it makes. Pure: every fact is a parameter (the
 * deployment as last seen, its configuration, the clock's reading), so each rule is tested with
 * `toEqual` (__tests__/release-poll-schedule.test.ts).
 *
 * Neither CodeDeploy nor ECS pushes deployment changes, so the release polls, and spends its calls
 * where a change is due:
 * - **waiting**: in a timed wait (canary interval, linear step, termination wait, ECS bake time, ready
 *   wait) nothing is due before it ends, so only the cheapest call that shows a surprise (a stop, an
 *   alarm, an approval: GetDeployment's status, ECS's service deployment) is made, at the slowest
 *   interval, and one exactly when the wait ends;
 * - **due**: from that moment on, the call that shows the change (GetDeploymentTarget for a traffic
 *   step, GetDeployment for the end) at the fastest interval, for {@link DUE_GRACE_IN_MS}; then it backs
 *   off (**overdue**) as in a moving phase;
 * - **moving**: lifecycle events of unknown length (green tasks starting, hooks): CodeDeploy's target
 *   (lifecycle events, traffic) at twice the fastest interval, backing off while nothing changes, and
 *   GetDeployment at least every {@link STATUS_CHECK_FACTOR} slowest intervals (a stop or an alarm the
 *   target may not show);
 * - **starting**: before the deployment runs, only its status can change.
 * A CodeDeploy poll that finds the status changed also reads the target at once ({@link targetNeededAfterStatus}).
 */
import type { DeploymentControllerType } from './ecs-stages';
import { type ExpectedChange, expectedChange, type Sightings } from './expected-change';
import { EXPECTED_CHANGE_GRACE_IN_MS, RECENT_CHANGE_WINDOW_IN_MS, type ShiftSchedule } from './poll';
import type { Progress } from './progress';

/** The read calls a poll makes (CodeDeploy's two, or ECS's one). */
export type PollCall = 'GetDeployment' | 'GetDeploymentTarget' | 'DescribeServiceDeployments';

/** Why a poll comes when it does (see the module's comment). */
export type PollPhase = 'starting' | 'moving' | 'settling' | 'waiting' | 'due' | 'overdue';

/** The next poll. */
export interface PollPlan {
  /** Milliseconds from now. */
  readonly delayInMs: number;
  readonly calls: readonly PollCall[];
  readonly phase: PollPhase;
  /** The change the deployment waits for, when known (the live display counts down to it). */
  readonly expected?: ExpectedChange;
}

/** A moving phase polls at this many times the fastest interval right after a change. */
export const MOVING_FACTOR = 2;
/** How long after a change was due the release polls at the fastest interval for it. */
export const DUE_GRACE_IN_MS = EXPECTED_CHANGE_GRACE_IN_MS;
/** While CodeDeploy's target is polled, GetDeployment comes at least every this many slowest intervals. */
export const STATUS_CHECK_FACTOR = 3;
/** Statuses before a deployment runs (CodeDeploy's, and ECS's PENDING as the release names it). */
export const NOT_STARTED_STATUSES: readonly string[] = ['Created', 'Queued', 'Unknown'];

/** Everything {@link planNextPoll} decides on. */
export interface PollScheduleFacts {
  readonly controller: DeploymentControllerType;
  /** The deployment as the last poll left it (each call's answer merged with the other's last one). */
  readonly progress: Progress;
  /** @default - not read (`--timeout-in-minutes`): no wait is known */
  readonly schedule?: ShiftSchedule;
  readonly sightings: Sightings;
  readonly nowInMs: number;
  /** When the last visible change was seen (or following started). */
  readonly lastChangeAtInMs: number;
  /** CodeDeploy: the caller may read the deployment's ECS target (not denied). */
  readonly targetReadable: boolean;
  /** CodeDeploy: when GetDeployment last answered. @default - never */
  readonly deploymentReadAtInMs?: number;
  readonly minIntervalInMs: number;
  readonly maxIntervalInMs: number;
}

/** The delay of a moving phase `quietInMs` after the last change: 2× the fastest, then +1 s per 5 s quiet. */
export function movingDelayInMs(quietInMs: number, minIntervalInMs: number, maxIntervalInMs: number): number {
  const min = Math.max(1, minIntervalInMs);
  const max = Math.max(min, maxIntervalInMs);
  const fast = Math.min(max, MOVING_FACTOR * min);
  const quiet = Math.max(0, quietInMs);
  return Math.round(quiet < RECENT_CHANGE_WINDOW_IN_MS ? fast : Math.min(max, fast + (quiet - RECENT_CHANGE_WINDOW_IN_MS) / 5));
}

const isPassed = (status: string): boolean => status === 'Succeeded' || status === 'Skipped';
const allEventsPassed = (p: Progress): boolean => p.lifecycleEvents.some((e) => e.name === 'AfterAllowTraffic' && isPassed(e.status));

/** CodeDeploy's calls in a moving phase. */
function movingCalls(f: PollScheduleFacts): readonly PollCall[] {
  const p = f.progress;
  // Ready, every event passed, or no target to read: only the status can say more.
  if (!f.targetReadable || p.status === 'Ready' || allEventsPassed(p)) return ['GetDeployment'];
  const statusDue = f.deploymentReadAtInMs === undefined || f.nowInMs - f.deploymentReadAtInMs >= STATUS_CHECK_FACTOR * Math.max(f.minIntervalInMs, f.maxIntervalInMs);
  return statusDue ? ['GetDeployment', 'GetDeploymentTarget'] : ['GetDeploymentTarget'];
}

/** The next poll: when, and which calls (see the module's comment for the rules). */
export function planNextPoll(f: PollScheduleFacts): PollPlan {
  const min = Math.max(1, f.minIntervalInMs);
  const max = Math.max(min, f.maxIntervalInMs);
  const p = f.progress;
  const ecs = f.controller === 'ECS';
  const status: PollCall = ecs ? 'DescribeServiceDeployments' : 'GetDeployment';
  const moving = (since: number): number => movingDelayInMs(f.nowInMs - since, min, max);
  if (NOT_STARTED_STATUSES.includes(p.status)) return { delayInMs: moving(f.lastChangeAtInMs), calls: [status], phase: 'starting' };
  // The target shows a failed event its status does not show yet: the status (error, rollback) now.
  if (!ecs && p.lifecycleEvents.some((e) => e.status === 'Failed') && (f.deploymentReadAtInMs ?? -Infinity) < f.lastChangeAtInMs) {
    return { delayInMs: 0, calls: ['GetDeployment'], phase: 'settling' };
  }
  const expected = expectedChange(f.controller, p, f.schedule, f.sightings);
  if (expected) {
    const untilDue = expected.dueAtInMs - f.nowInMs;
    const detail: PollCall = ecs ? status : f.targetReadable ? 'GetDeploymentTarget' : 'GetDeployment';
    const call = expected.next.kind === 'traffic' || expected.next.kind === 'stage' ? detail : status;
    if (untilDue > 0) return { delayInMs: Math.round(Math.min(max, untilDue)), calls: [status], phase: 'waiting', expected };
    if (-untilDue <= DUE_GRACE_IN_MS) return { delayInMs: min, calls: [call], phase: 'due', expected };
    return { delayInMs: moving(Math.max(f.lastChangeAtInMs, expected.dueAtInMs + DUE_GRACE_IN_MS)), calls: [call], phase: 'overdue', expected };
  }
  return { delayInMs: moving(f.lastChangeAtInMs), calls: ecs ? [status] : movingCalls(f), phase: 'moving' };
}

/**
 * Whether a CodeDeploy poll that read a new status also reads the target at once: the deployment
 * started (its lifecycle events begin), failed or stopped (the failed event's diagnostics explain it),
 * or succeeded while the last target read had not seen every event pass (the story's last lines).
 */
export function targetNeededAfterStatus(before: Progress | undefined, statusNow: string): boolean {
  if (before?.status === statusNow) return false;
  if (statusNow === 'InProgress' || statusNow === 'Failed' || statusNow === 'Stopped') return true;
  return statusNow === 'Succeeded' && !(before && allEventsPassed(before));
}
