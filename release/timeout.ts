/**
 * The overall release timeout, computed from what the deployment group and the deployment config say
 * the deployment will wait for, so a canary with a 15-minute interval is not cut off at a fixed limit
 * and an all-at-once deployment does not hang for an hour.
 */
import type { DeploymentConfigInfo, DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { MINUTE_IN_MS } from './poll';

/** Minutes added for what no configuration states: starting the green task set, hooks, listener changes. */
export const TIMEOUT_MARGIN_IN_MINUTES = 20;

/** The timeout and what it is made of (printed so users can see why it is what it is). */
export interface TimeoutBreakdown {
  /** Wait for ContinueDeployment (only when the group stops and waits before rerouting). */
  readonly readyWaitInMinutes: number;
  /** Canary/linear intervals of the traffic-shifting config. */
  readonly trafficShiftingInMinutes: number;
  /** Wait before the blue task set is terminated. */
  readonly terminationWaitInMinutes: number;
  readonly marginInMinutes: number;
  readonly totalInMinutes: number;
}

/** Minutes the traffic shifting of a deployment config takes (0 for all-at-once or an unknown config). */
export function trafficShiftingMinutes(config: DeploymentConfigInfo | undefined): number {
  const routing = config?.trafficRoutingConfig;
  if (!routing) return 0;
  if (routing.type === 'TimeBasedCanary') return Math.max(0, routing.timeBasedCanary?.canaryInterval ?? 0);
  if (routing.type === 'TimeBasedLinear') {
    const percent = routing.timeBasedLinear?.linearPercentage ?? 0;
    const interval = routing.timeBasedLinear?.linearInterval ?? 0;
    if (percent <= 0 || interval <= 0) return 0;
    // One interval per step: generous by at most one interval, never short.
    return Math.ceil(100 / percent) * interval;
  }
  return 0;
}

/** Computes the overall timeout from the deployment group and the effective deployment config. */
export function computeTimeout(
  deploymentGroup: DeploymentGroupInfo | undefined,
  deploymentConfig: DeploymentConfigInfo | undefined,
): TimeoutBreakdown {
  const blueGreen = deploymentGroup?.blueGreenDeploymentConfiguration;
  const ready = blueGreen?.deploymentReadyOption;
  // With CONTINUE_DEPLOYMENT traffic is rerouted at once; the wait time only applies when it stops.
  const readyWaitInMinutes = ready?.actionOnTimeout === 'STOP_DEPLOYMENT' ? Math.max(0, ready.waitTimeInMinutes ?? 0) : 0;
  const termination = blueGreen?.terminateBlueInstancesOnDeploymentSuccess;
  const terminationWaitInMinutes =
    termination?.action === 'KEEP_ALIVE' ? 0 : Math.max(0, termination?.terminationWaitTimeInMinutes ?? 0);
  const trafficShiftingInMinutes = trafficShiftingMinutes(deploymentConfig);
  const marginInMinutes = TIMEOUT_MARGIN_IN_MINUTES;
  return {
    readyWaitInMinutes,
    trafficShiftingInMinutes,
    terminationWaitInMinutes,
    marginInMinutes,
    totalInMinutes: readyWaitInMinutes + trafficShiftingInMinutes + terminationWaitInMinutes + marginInMinutes,
  };
}

/**
 * The timeout's length on the real clock. Its minutes are the deployment's: a local stand-in that
 * compresses time (`--minute-in-ms`) shortens them as it shortens the waits they add up. The margin
 * covers what no configuration states (task starts, hooks, listener changes); hooks run on the real
 * clock even against a stand-in, so the margin stays in real minutes. In AWS every minute is 60000 ms.
 */
export function timeoutInMs(timeout: { readonly totalInMinutes: number; readonly marginInMinutes: number }, minuteInMs: number = MINUTE_IN_MS): number {
  return (timeout.totalInMinutes - timeout.marginInMinutes) * minuteInMs + timeout.marginInMinutes * MINUTE_IN_MS;
}

/** What the `timeout` line adds when `--minute-in-ms` shortens the minutes: the real length. */
export function scaledTimeoutNote(timeout: { readonly totalInMinutes: number; readonly marginInMinutes: number }, minuteInMs: number | undefined): string {
  if (minuteInMs === undefined || minuteInMs === MINUTE_IN_MS) return '';
  return `; with --minute-in-ms ${minuteInMs}: ${timeoutInMs(timeout, minuteInMs)} ms${timeout.marginInMinutes > 0 ? ' (the margin in real minutes)' : ''}`;
}
