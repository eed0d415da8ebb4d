/**
 * One budget of API calls per process, AWS service and Region, shared by every release the process
 * runs (several services in one command): a token bucket that paces the calls, and that every sharer
 * slows down with as soon as one of them is throttled. (The failure diagnostics have their own clients
 * and a time budget of their own: release/diagnostics.)
 *
 * AWS throttles per account and Region with token buckets (Amazon ECS API Reference, "Request
 * throttling for the Amazon ECS API": e.g. 50 tokens refilled at 20 per second for cluster reads;
 * CodeDeploy does not publish its rates). A release's own schedule needs far less (release/
 * poll-schedule.ts: about one call a second at its busiest), so the budget is only felt when many
 * releases share it, or when AWS says the account is over its rate: then the rate halves for all
 * sharers at once (once per {@link CallBudgetLimits}.throttleWindowInMs: a burst of throttling answers
 * is one event) and every call waits its turn, and it grows back by `recoveryPerSecond` each second
 * (additive increase, multiplicative decrease).
 *
 * The bucket's arithmetic is pure ({@link reserveCall}, {@link afterThrottle}); {@link CallBudget} only
 * holds its state for the sharers. Releases in separate processes (a workflow's matrix jobs) each have
 * their own budget: they share AWS's, and each backs off on the throttling it meets.
 */

/** The budget's limits. */
export interface CallBudgetLimits {
  /** Calls per second when nothing is throttled (the bucket's refill rate). */
  readonly ratePerSecond: number;
  /** Calls that may go at once (the bucket's size). */
  readonly burst: number;
  /** The rate never goes below this after throttling. */
  readonly minRatePerSecond: number;
  /** Calls per second the rate regains per second without throttling. */
  readonly recoveryPerSecond: number;
  /** Throttling answers within this many ms of the one that halved the rate do not halve it again. */
  readonly throttleWindowInMs: number;
}

/**
 * The default: 5 calls a second with bursts of 10 per process, service and Region (a quarter of ECS's
 * published refill rate for reads, so other tools in the account keep theirs); halved on throttling (at
 * most once a second) down to one call every 5 s, regaining 0.5 call/s each second.
 */
export const CALL_BUDGET: CallBudgetLimits = { ratePerSecond: 5, burst: 10, minRatePerSecond: 0.2, recoveryPerSecond: 0.5, throttleWindowInMs: 1000 };

/**
 * The limits for a process whose releases poll at most every `minIntervalInMs` (`--poll-min-interval-in-ms`):
 * {@link CALL_BUDGET}, its rate raised to three calls per fastest interval when that is shorter (a local
 * stand-in polled every 100 ms), so the budget never slows one release's own schedule down.
 */
export function callBudgetLimits(minIntervalInMs: number): CallBudgetLimits {
  const ratePerSecond = Math.max(CALL_BUDGET.ratePerSecond, 3000 / Math.max(1, minIntervalInMs));
  return { ...CALL_BUDGET, ratePerSecond, burst: Math.max(CALL_BUDGET.burst, 2 * ratePerSecond) };
}

/** The bucket at one moment. */
export interface BucketState {
  /** Tokens left; negative when calls have reserved tokens not yet refilled (they wait). */
  readonly tokens: number;
  /** The current refill rate (calls per second). */
  readonly ratePerSecond: number;
  /** When the state was computed (ms since the epoch). */
  readonly atInMs: number;
  /** When throttling last halved the rate. @default - never */
  readonly halvedAtInMs?: number;
}

/** A full bucket at `nowInMs`. */
export function fullBucket(limits: CallBudgetLimits, nowInMs: number): BucketState {
  return { tokens: limits.burst, ratePerSecond: limits.ratePerSecond, atInMs: nowInMs };
}

/** The bucket at `nowInMs`: refilled at its rate, and its rate recovered, since it was last computed. */
export function refill(s: BucketState, nowInMs: number, limits: CallBudgetLimits): BucketState {
  const seconds = Math.max(0, nowInMs - s.atInMs) / 1000;
  const ratePerSecond = Math.min(limits.ratePerSecond, s.ratePerSecond + seconds * limits.recoveryPerSecond);
  // Refilled at the mean of the old and the new rate over the interval (the rate grew linearly).
  const tokens = Math.min(limits.burst, s.tokens + (seconds * (s.ratePerSecond + ratePerSecond)) / 2);
  return { ...s, tokens, ratePerSecond, atInMs: Math.max(s.atInMs, nowInMs) };
}

/** Takes one token: the new state, and how long the call must wait for it (0 when one is left). */
export function reserveCall(s: BucketState, nowInMs: number, limits: CallBudgetLimits): { readonly state: BucketState; readonly waitInMs: number } {
  const r = refill(s, nowInMs, limits);
  const tokens = r.tokens - 1;
  return { state: { ...r, tokens }, waitInMs: tokens >= 0 ? 0 : Math.ceil((-tokens / r.ratePerSecond) * 1000) };
}

/**
 * After a throttling answer: no token is left for anyone, and the rate halves (never below the minimum)
 * unless it already did within the throttle window.
 */
export function afterThrottle(s: BucketState, nowInMs: number, limits: CallBudgetLimits): BucketState {
  const r = refill(s, nowInMs, limits);
  const tokens = Math.min(0, r.tokens);
  if (r.halvedAtInMs !== undefined && r.atInMs - r.halvedAtInMs < limits.throttleWindowInMs) return { ...r, tokens };
  return { tokens, ratePerSecond: Math.max(limits.minRatePerSecond, r.ratePerSecond / 2), atInMs: r.atInMs, halvedAtInMs: r.atInMs };
}

/** The budget one process's releases share for one service and Region. */
export class CallBudget {
  private state: BucketState | undefined;

  constructor(readonly limits: CallBudgetLimits = CALL_BUDGET) {}

  /** Milliseconds the caller waits before its call goes out (a token is taken for it now). */
  reserve(nowInMs: number): number {
    const { state, waitInMs } = reserveCall(this.state ?? fullBucket(this.limits, nowInMs), nowInMs, this.limits);
    this.state = state;
    return waitInMs;
  }

  /** AWS throttled a call: every sharer slows down. */
  throttled(nowInMs: number): void {
    this.state = afterThrottle(this.state ?? fullBucket(this.limits, nowInMs), nowInMs, this.limits);
  }

  /** The current rate (calls per second), for messages. */
  ratePerSecond(nowInMs: number): number {
    return this.state ? refill(this.state, nowInMs, this.limits).ratePerSecond : this.limits.ratePerSecond;
  }
}

/** The budgets of one process, by service and Region (and endpoint, when one is given). */
export class CallBudgets {
  private readonly budgets = new Map<string, CallBudget>();

  constructor(private readonly limits: CallBudgetLimits = CALL_BUDGET) {}

  /** The budget of `service` in `region` (at `endpoint`), made on first use. */
  for(service: string, region: string, endpoint?: string): CallBudget {
    const key = `${service} ${region} ${endpoint ?? ''}`;
    let budget = this.budgets.get(key);
    if (!budget) this.budgets.set(key, (budget = new CallBudget(this.limits)));
    return budget;
  }
}
