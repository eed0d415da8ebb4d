/**
 * The poll intervals and the plain adaptive delay: fast after a change, backing off linearly while
 * nothing happens, fast again when a change is due, and politely slower with jitter when the API
 * throttles. Waiting for another deployment of the group (active.ts, ecs-active.ts) and the retry
 * back-off (aws-calls.ts) use it; following the release's own deployment uses the schedule of
 * release/poll-schedule.ts, which also knows WHEN a change is due and WHICH call shows it.
 */

/** A minute of a deployment's configuration in AWS (`--minute-in-ms` shortens it for a local stand-in). */
export const MINUTE_IN_MS = 60_000;
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

/**
 * What the deployment's configuration says about its timed waits (CodeDeploy: the deployment config's
 * traffic routing and the group's blue/green settings; ECS: the service's deploymentConfiguration).
 * release/expected-change.ts turns it, with the deployment's state, into when the next change is due.
 */
export interface ShiftSchedule {
  readonly type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  /** Minutes between traffic steps (canary interval, linear interval, ECS step bake time); 0 for AllAtOnce. */
  readonly intervalInMinutes: number;
  /** Minutes of the final wait: CodeDeploy's termination wait, ECS's bake time. */
  readonly terminationWaitInMinutes: number;
  /**
   * Green's share added by each step, in percent (canaryPercentage / linearPercentage; ECS canaryPercent /
   * stepPercent). @default - unknown: the next step is then timed from when the current one was seen
   */
  readonly stepPercent?: number;
  /**
   * Minutes a CodeDeploy deployment waits in Ready for ContinueDeployment before it stops (the group's
   * deploymentReadyOption with STOP_DEPLOYMENT). @default - no ready wait
   */
  readonly readyWaitInMinutes?: number;
  /** How long one of these minutes lasts (`--minute-in-ms`: a local stand-in compresses time). @default MINUTE_IN_MS */
  readonly minuteInMs?: number;
}
