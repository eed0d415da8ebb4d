import { computeTimeout, trafficShiftingMinutes } from '../release/timeout';

const group = (ready?: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT'; waitTimeInMinutes?: number }, termination?: { action: 'TERMINATE' | 'KEEP_ALIVE'; terminationWaitTimeInMinutes?: number }) => ({
  blueGreenDeploymentConfiguration: { ...(ready ? { deploymentReadyOption: ready } : {}), ...(termination ? { terminateBlueInstancesOnDeploymentSuccess: termination } : {}) },
});

describe('computeTimeout', () => {
  test('all-at-once with a termination wait: termination wait plus the margin', () => {
    expect(computeTimeout(group({ actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 }, { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 }), { trafficRoutingConfig: { type: 'AllAtOnce' } })).toEqual({
      readyWaitInMinutes: 0,
      trafficShiftingInMinutes: 0,
      terminationWaitInMinutes: 5,
      marginInMinutes: 20,
      totalInMinutes: 25,
    });
  });

  test('counts the ready wait only when the group stops and waits for ContinueDeployment', () => {
    const stop = computeTimeout(group({ actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 }), undefined);
    expect(stop.readyWaitInMinutes).toBe(30);
    expect(stop.totalInMinutes).toBe(50);
    expect(computeTimeout(group({ actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 30 }), undefined).readyWaitInMinutes).toBe(0);
  });

  test('a canary config adds its interval', () => {
    const t = computeTimeout(group(undefined, { action: 'TERMINATE', terminationWaitTimeInMinutes: 60 }), {
      trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 } },
    });
    expect(t).toEqual({ readyWaitInMinutes: 0, trafficShiftingInMinutes: 15, terminationWaitInMinutes: 60, marginInMinutes: 20, totalInMinutes: 95 });
  });

  test('a linear config adds one interval per step', () => {
    expect(trafficShiftingMinutes({ trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 3 } } })).toBe(30);
    expect(trafficShiftingMinutes({ trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 30, linearInterval: 2 } } })).toBe(8);
    expect(trafficShiftingMinutes({ trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 0, linearInterval: 2 } } })).toBe(0);
  });

  test('keeping the blue task set alive means no termination wait to sit through', () => {
    expect(computeTimeout(group(undefined, { action: 'KEEP_ALIVE', terminationWaitTimeInMinutes: 120 }), undefined).terminationWaitInMinutes).toBe(0);
  });

  test('an unknown group and config still give the margin', () => {
    expect(computeTimeout(undefined, undefined).totalInMinutes).toBe(20);
  });
});
