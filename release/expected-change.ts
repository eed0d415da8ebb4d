/**
 * When the next change of a deployment is due, from its state and its configuration: the end of the
 * canary interval or of a linear step (the next traffic step), the end of the termination wait (ECS:
 * the bake time) and so of the deployment, or the end of the ready wait. Pure: the poll schedule
 * (release/poll-schedule.ts) polls where a change is due, and the live display counts down to it.
 *
 * Every time here is the EARLIEST moment the change can come, so polling fast from then on cannot
 * miss it by more than one fast interval:
 * - CodeDeploy times its steps from the first traffic move, which comes right after AllowTraffic
 *   starts: step n (n ≥ 1) is due `n × interval` after AllowTraffic's `startTime` at the earliest;
 *   the termination wait counts from AfterAllowTraffic's `endTime`; the ready wait from
 *   AfterAllowTestTraffic's `endTime` (CodeDeploy's own timestamps, GetDeploymentTarget).
 * - Where AWS gives no time (ECS reports only the current lifecycle stage; a caller who may not read
 *   CodeDeploy's target), the release's own sightings bound it: a change first seen at one poll
 *   happened after the poll before it ({@link Sighting}).
 */
import type { DeploymentControllerType } from './ecs-stages';
import { MINUTE_IN_MS, type ShiftSchedule } from './poll';
import type { LifecycleEventProgress, Progress } from './progress';

/**
 * The timed waits a release can be in; `shift-end` (the last traffic step was taken: the shift's stage
 * ends and the final wait begins at once) and `end` (the end is due, no wait left).
 */
export type ExpectedChangeKind = 'ready-wait' | 'canary-interval' | 'linear-step' | 'termination-wait' | 'bake-time' | 'shift-end' | 'end';

/** The next change a deployment waits for, and when it is due. */
export interface ExpectedChange {
  readonly kind: ExpectedChangeKind;
  /** When the wait began, at the earliest (ms since the epoch). */
  readonly startedAtInMs: number;
  /** The earliest moment the change can come (ms since the epoch); the countdown counts to it. */
  readonly dueAtInMs: number;
  /**
   * What comes then: a traffic step (green's share after it), the next stage (after the last step), the
   * deployment's end, or (the ready wait) a stop unless someone continues the deployment first.
   */
  readonly next: { readonly kind: 'traffic'; readonly greenPercent: number } | { readonly kind: 'stage' } | { readonly kind: 'end' } | { readonly kind: 'stop' };
}

/** A change the release saw: after `afterInMs` (the poll before), at the latest at `seenAtInMs`. */
export interface Sighting {
  readonly afterInMs: number;
  readonly seenAtInMs: number;
}

/** When the release first saw the current traffic split, the Ready status and the final wait. */
export interface Sightings {
  readonly traffic?: Sighting & { readonly greenPercent: number };
  readonly ready?: Sighting;
  readonly finalWait?: Sighting;
}

/** The window of one poll: it read the deployment at `seenAtInMs`; the poll before it was at `afterInMs`. */
export interface PollWindow extends Sighting {
  /**
   * When the traffic was read before (CodeDeploy reads it with GetDeploymentTarget, not at every poll).
   * @default afterInMs
   */
  readonly trafficAfterInMs?: number;
}

/**
 * The sightings after one poll. A change first seen now happened after the poll before (for the traffic:
 * the read of it before), and not before it was due when it was expected (`expected`).
 */
export function updateSightings(s: Sightings, before: Progress | undefined, after: Progress, window: PollWindow, expected?: ExpectedChange): Sightings {
  const next: { -readonly [K in keyof Sightings]: Sightings[K] } = { ...s };
  const t = after.traffic;
  if (!t) delete next.traffic;
  else if (!s.traffic || s.traffic.greenPercent !== t.greenPercent) {
    const due = expected?.next.kind === 'traffic' ? expected.dueAtInMs : -Infinity;
    const afterInMs = Math.min(window.seenAtInMs, Math.max(window.trafficAfterInMs ?? window.afterInMs, due));
    next.traffic = { afterInMs, seenAtInMs: window.seenAtInMs, greenPercent: t.greenPercent };
  }
  const sighting = { afterInMs: window.afterInMs, seenAtInMs: window.seenAtInMs };
  if (after.status !== 'Ready') delete next.ready;
  else if (before?.status !== 'Ready' || !s.ready) next.ready = sighting;
  if (!after.terminationWaitStarted) delete next.finalWait;
  else if (!s.finalWait) next.finalWait = sighting;
  return next;
}

const minute = (schedule: ShiftSchedule): number => schedule.minuteInMs ?? MINUTE_IN_MS;
const timeOf = (iso: string | undefined): number | undefined => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};
const passed = (e: LifecycleEventProgress | undefined): boolean => e?.status === 'Succeeded' || e?.status === 'Skipped';
const event = (p: Progress, name: string): LifecycleEventProgress | undefined => p.lifecycleEvents.find((e) => e.name === name);
const running = (p: Progress, name: string): LifecycleEventProgress | undefined => p.lifecycleEvents.find((e) => e.name === name && e.status === 'InProgress');
const latest = (...times: readonly (number | undefined)[]): number | undefined => {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
};

/**
 * Steps already taken of a canary or linear shift, from green's share. Undefined when the step size is
 * unknown or the share fits no step.
 */
export function stepsTaken(greenPercent: number, schedule: ShiftSchedule): number | undefined {
  const step = schedule.stepPercent;
  if (step === undefined || !(step > 0)) return undefined;
  if (schedule.type === 'TimeBasedCanary') return greenPercent >= 100 ? 2 : greenPercent > 0 ? 1 : 0;
  const n = Math.round(greenPercent / step);
  return Math.abs(n * step - greenPercent) < 1e-6 ? n : undefined;
}

/** Green's share after the next step. */
function nextGreen(greenPercent: number, schedule: ShiftSchedule): number {
  const step = schedule.stepPercent;
  if (schedule.type === 'TimeBasedCanary' || step === undefined) return 100;
  return Math.min(100, Math.round((greenPercent + step) * 10) / 10);
}

/**
 * The wait between two traffic steps, while the shift stage runs with green between 0 and 100%; once it
 * reached 100%, the stage's end (the final wait begins at once).
 */
function trafficStep(p: Progress, schedule: ShiftSchedule, sightings: Sightings, shiftStartedAtInMs: number | undefined): ExpectedChange | undefined {
  const t = p.traffic;
  if (schedule.type === 'AllAtOnce' || !(schedule.intervalInMinutes > 0) || !t || !(t.greenPercent > 0)) return undefined;
  const interval = schedule.intervalInMinutes * (schedule.minuteInMs ?? MINUTE_IN_MS);
  const n = stepsTaken(t.greenPercent, schedule);
  const seen = sightings.traffic?.greenPercent === t.greenPercent ? sightings.traffic : undefined;
  if (t.greenPercent >= 100) {
    const reachedAtInMs = latest(shiftStartedAtInMs !== undefined && n !== undefined ? shiftStartedAtInMs + (n - 1) * interval : undefined, seen?.afterInMs);
    return reachedAtInMs === undefined ? undefined : { kind: 'shift-end', startedAtInMs: reachedAtInMs, dueAtInMs: reachedAtInMs, next: { kind: 'stage' } };
  }
  const dueAtInMs = latest(shiftStartedAtInMs !== undefined && n !== undefined ? shiftStartedAtInMs + n * interval : undefined, seen ? seen.afterInMs + interval : undefined);
  if (dueAtInMs === undefined) return undefined;
  return {
    kind: schedule.type === 'TimeBasedCanary' ? 'canary-interval' : 'linear-step',
    startedAtInMs: dueAtInMs - interval,
    dueAtInMs,
    next: { kind: 'traffic', greenPercent: nextGreen(t.greenPercent, schedule) },
  };
}

/** The final wait (or, when it is 0 minutes, the end itself) from when it began. */
function finalWait(kind: 'termination-wait' | 'bake-time', startedAtInMs: number | undefined, minutes: number, minuteInMs: number): ExpectedChange | undefined {
  if (startedAtInMs === undefined) return undefined;
  const waitInMs = Math.max(0, minutes) * minuteInMs;
  return { kind: waitInMs > 0 ? kind : 'end', startedAtInMs, dueAtInMs: startedAtInMs + waitInMs, next: { kind: 'end' } };
}

function codeDeployChange(p: Progress, schedule: ShiftSchedule, sightings: Sightings): ExpectedChange | undefined {
  const ready = schedule.readyWaitInMinutes ?? 0;
  if (p.status === 'Ready' && ready > 0) {
    const startedAtInMs = timeOf(event(p, 'AfterAllowTestTraffic')?.endedAt) ?? sightings.ready?.afterInMs;
    return startedAtInMs === undefined ? undefined : { kind: 'ready-wait', startedAtInMs, dueAtInMs: startedAtInMs + ready * minute(schedule), next: { kind: 'stop' } };
  }
  const allow = running(p, 'AllowTraffic');
  if (allow) return trafficStep(p, schedule, sightings, timeOf(allow.startedAt));
  const after = event(p, 'AfterAllowTraffic');
  if (p.status === 'InProgress' && (p.terminationWaitStarted || passed(after))) {
    return finalWait('termination-wait', timeOf(after?.endedAt) ?? sightings.finalWait?.afterInMs, schedule.terminationWaitInMinutes, minute(schedule));
  }
  return undefined;
}

function ecsChange(p: Progress, schedule: ShiftSchedule, sightings: Sightings): ExpectedChange | undefined {
  if (running(p, 'PRODUCTION_TRAFFIC_SHIFT')) return trafficStep(p, schedule, sightings, undefined);
  if (running(p, 'BAKE_TIME')) return finalWait('bake-time', sightings.finalWait?.afterInMs ?? timeOf(running(p, 'BAKE_TIME')?.startedAt), schedule.terminationWaitInMinutes, minute(schedule));
  // ECS reports no time of its own: the stage's start is when the release saw it (within one poll).
  const cleanUp = running(p, 'CLEAN_UP');
  if (cleanUp) return finalWait('bake-time', timeOf(cleanUp.startedAt), 0, minute(schedule));
  return undefined;
}

/**
 * The next change the deployment waits for and when it is due, or undefined when nothing says (a
 * lifecycle event of unknown length runs: green tasks starting, a hook; the schedule was not read).
 */
export function expectedChange(controller: DeploymentControllerType, p: Progress, schedule: ShiftSchedule | undefined, sightings: Sightings): ExpectedChange | undefined {
  if (!schedule || p.terminal) return undefined;
  return controller === 'ECS' ? ecsChange(p, schedule, sightings) : codeDeployChange(p, schedule, sightings);
}
