/**
 * Adaptive poll delay. CodeDeploy has no push channel for ECS deployments, so the release polls:
 * fast while things move (detect the terminal state within ~2 s), slow while nothing happens (a
 * 15-minute canary interval does not need 900 GetDeployment calls), fast again just before a change
 * is due, and politely slower with jitter when the API throttles.
 */

/** Default fastest poll interval. */
export const DEFAULT_POLL_MIN_INTERVAL_IN_MS = 1000;
/** Default slowest poll interval. */
export const DEFAULT_POLL_MAX_INTERVAL_IN_MS = 10000;
/** How long after a change the release keeps polling at the fastest interval. */
export const RECENT_CHANGE_WINDOW_IN_MS = 10000;
/** How long after an expected change that did not come yet polling stays fast. */
export const EXPECTED_CHANGE_GRACE_IN_MS = 30000;
/** Throttling backs off to at most this many times the slowest interval. */
export const THROTTLE_CAP_FACTOR = 4;

/** Everything {@link nextPollDelay} decides on. */
export interface PollState {
  readonly nowInMs: number;
  /** When the last visible change was seen (or following started). */
  readonly lastChangeAtInMs: number;
  /** Throttling errors in a row (0 when the last call succeeded). */
  readonly consecutiveThrottles: number;
  readonly minIntervalInMs: number;
  readonly maxIntervalInMs: number;
  /**
   * When the next change is due if known (end of a canary/linear interval or of the termination wait).
   * @default - unknown
   */
  readonly expectedChangeAtInMs?: number;
  /** A random number in [0, 1) for throttling jitter (a parameter so the function stays pure). */
  readonly random: number;
}

/** Milliseconds to wait before the next poll. */
export function nextPollDelay(state: PollState): number {
  const min = Math.max(1, state.minIntervalInMs);
  const max = Math.max(min, state.maxIntervalInMs);
  const quietInMs = Math.max(0, state.nowInMs - state.lastChangeAtInMs);
  // Linear back-off after the recent-change window: +1 s every 5 s of quiet with the defaults.
  let delay = quietInMs < RECENT_CHANGE_WINDOW_IN_MS ? min : Math.min(max, min + (quietInMs - RECENT_CHANGE_WINDOW_IN_MS) / 5);
  if (state.expectedChangeAtInMs !== undefined) {
    const untilExpected = state.expectedChangeAtInMs - state.nowInMs;
    if (untilExpected > 0) delay = Math.min(delay, Math.max(min, untilExpected));
    else if (-untilExpected <= EXPECTED_CHANGE_GRACE_IN_MS) delay = min;
  }
  if (state.consecutiveThrottles > 0) {
    const ceiling = Math.min(max * THROTTLE_CAP_FACTOR, min * 2 ** Math.min(state.consecutiveThrottles, 20));
    // "Equal jitter": at least half the back-off, so retries spread out but never hammer.
    const jittered = ceiling / 2 + (ceiling / 2) * Math.min(Math.max(state.random, 0), 1);
    delay = Math.max(delay, jittered);
  }
  return Math.round(delay);
}

/** The deployment config's traffic routing, as far as the expectation of the next change needs it. */
export interface ShiftSchedule {
  readonly type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  readonly intervalInMinutes: number;
  readonly terminationWaitInMinutes: number;
}

/**
 * When the next change is due, from the schedule and the lifecycle events' start/end times: the next
 * canary/linear step during AllowTraffic, or the end of the termination wait. Undefined when unknown.
 */
export function expectedChangeAt(
  events: ReadonlyArray<{ readonly name: string; readonly status: string; readonly startedAt?: string; readonly endedAt?: string }>,
  schedule: ShiftSchedule | undefined,
  nowInMs: number,
): number | undefined {
  if (!schedule) return undefined;
  const allow = events.find((e) => e.name === 'AllowTraffic');
  if (allow?.status === 'InProgress' && allow.startedAt && schedule.type !== 'AllAtOnce' && schedule.intervalInMinutes > 0) {
    const start = Date.parse(allow.startedAt);
    const step = schedule.intervalInMinutes * 60000;
    const k = Math.max(1, Math.ceil((nowInMs - start) / step));
    return start + k * step;
  }
  const after = events.find((e) => e.name === 'AfterAllowTraffic');
  if (after?.status === 'Succeeded' && after.endedAt) {
    return Date.parse(after.endedAt) + schedule.terminationWaitInMinutes * 60000;
  }
  return undefined;
}
