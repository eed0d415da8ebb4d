/**
 * What an ECS service's deployment configuration says about a deployment's duration: the overall
 * timeout and the traffic schedule the poll schedule and the display use. Pure.
 *
 * Defaults and ranges are the ECS API's (DeploymentConfiguration, LinearConfiguration and
 * CanaryConfiguration in botocore's `ecs/2014-11-13/service-2.json`): LINEAR shifts `stepPercent`
 * (default 10) per step and waits `stepBakeTimeInMinutes` (default 6, 0–1440) between steps, not after
 * reaching 100%; CANARY shifts `canaryPercent` (default 5), waits `canaryBakeTimeInMinutes` (default 10),
 * then the rest; `bakeTimeInMinutes` (0–1440) is the wait with both revisions running after the shift.
 */
import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import type { ShiftSchedule } from './poll';
import { TIMEOUT_MARGIN_IN_MINUTES } from './timeout';

/** LinearConfiguration.stepPercent when not set. */
export const DEFAULT_LINEAR_STEP_PERCENT = 10;
/** LinearConfiguration.stepBakeTimeInMinutes when not set. */
export const DEFAULT_LINEAR_STEP_BAKE_IN_MINUTES = 6;
/** CanaryConfiguration.canaryPercent when not set. */
export const DEFAULT_CANARY_PERCENT = 5;
/** CanaryConfiguration.canaryBakeTimeInMinutes when not set. */
export const DEFAULT_CANARY_BAKE_IN_MINUTES = 10;

/** The timeout of an ECS release and what it is made of (printed so users can see why it is what it is). */
export interface EcsTimeoutBreakdown {
  readonly strategy: string;
  /** The bake times between traffic steps (LINEAR, CANARY). */
  readonly trafficShiftingInMinutes: number;
  /** `bakeTimeInMinutes`: both revisions run after production traffic moved. */
  readonly bakeTimeInMinutes: number;
  readonly marginInMinutes: number;
  readonly totalInMinutes: number;
}

const nonNegative = (n: number | undefined, fallback: number): number => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : fallback);

/** The number of waits between the production traffic steps of a linear shift. */
export function linearBakes(stepPercent: number): number {
  if (!(stepPercent > 0)) return 0;
  // Steps at stepPercent, 2×stepPercent, … then 100; no wait after the last one.
  return Math.max(0, Math.ceil(100 / stepPercent - 1e-9) - 1);
}

/** Minutes the traffic shifting of a strategy waits in all (0 for BLUE_GREEN and ROLLING). */
export function ecsTrafficShiftingMinutes(config: DeploymentConfiguration | undefined): number {
  if (config?.strategy === 'LINEAR') {
    const step = nonNegative(config.linearConfiguration?.stepPercent, DEFAULT_LINEAR_STEP_PERCENT);
    return linearBakes(step) * nonNegative(config.linearConfiguration?.stepBakeTimeInMinutes, DEFAULT_LINEAR_STEP_BAKE_IN_MINUTES);
  }
  if (config?.strategy === 'CANARY') return nonNegative(config.canaryConfiguration?.canaryBakeTimeInMinutes, DEFAULT_CANARY_BAKE_IN_MINUTES);
  return 0;
}

/** The overall timeout: traffic shifting, bake time, and the margin for what no setting states (tasks starting, hooks). */
export function computeEcsTimeout(config: DeploymentConfiguration | undefined): EcsTimeoutBreakdown {
  const trafficShiftingInMinutes = ecsTrafficShiftingMinutes(config);
  const bakeTimeInMinutes = nonNegative(config?.bakeTimeInMinutes, 0);
  return {
    strategy: config?.strategy ?? 'ROLLING',
    trafficShiftingInMinutes,
    bakeTimeInMinutes,
    marginInMinutes: TIMEOUT_MARGIN_IN_MINUTES,
    totalInMinutes: trafficShiftingInMinutes + bakeTimeInMinutes + TIMEOUT_MARGIN_IN_MINUTES,
  };
}

/** The strategy as the `timeout` line names it, e.g. `LINEAR 20% every 1 min`. */
export function describeStrategy(config: DeploymentConfiguration | undefined): string {
  if (config?.strategy === 'LINEAR') {
    return `LINEAR ${nonNegative(config.linearConfiguration?.stepPercent, DEFAULT_LINEAR_STEP_PERCENT)}% every ${nonNegative(config.linearConfiguration?.stepBakeTimeInMinutes, DEFAULT_LINEAR_STEP_BAKE_IN_MINUTES)} min`;
  }
  if (config?.strategy === 'CANARY') {
    return `CANARY ${nonNegative(config.canaryConfiguration?.canaryPercent, DEFAULT_CANARY_PERCENT)}% for ${nonNegative(config.canaryConfiguration?.canaryBakeTimeInMinutes, DEFAULT_CANARY_BAKE_IN_MINUTES)} min`;
  }
  return config?.strategy ?? 'ROLLING';
}

/**
 * The strategy as the shared traffic schedule: CANARY is a time-based canary and LINEAR a time-based
 * linear shift (their step bake time the interval, canaryPercent/stepPercent the step), BLUE_GREEN all
 * at once; the bake time is the final wait. When each change is due: release/expected-change.ts.
 */
export function ecsShiftSchedule(config: DeploymentConfiguration | undefined): ShiftSchedule {
  const terminationWaitInMinutes = nonNegative(config?.bakeTimeInMinutes, 0);
  if (config?.strategy === 'LINEAR') {
    return {
      type: 'TimeBasedLinear',
      intervalInMinutes: nonNegative(config.linearConfiguration?.stepBakeTimeInMinutes, DEFAULT_LINEAR_STEP_BAKE_IN_MINUTES),
      terminationWaitInMinutes,
      stepPercent: nonNegative(config.linearConfiguration?.stepPercent, DEFAULT_LINEAR_STEP_PERCENT),
    };
  }
  if (config?.strategy === 'CANARY') {
    return {
      type: 'TimeBasedCanary',
      intervalInMinutes: nonNegative(config.canaryConfiguration?.canaryBakeTimeInMinutes, DEFAULT_CANARY_BAKE_IN_MINUTES),
      terminationWaitInMinutes,
      stepPercent: nonNegative(config.canaryConfiguration?.canaryPercent, DEFAULT_CANARY_PERCENT),
    };
  }
  return { type: 'AllAtOnce', intervalInMinutes: 0, terminationWaitInMinutes };
}
