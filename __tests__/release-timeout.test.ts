import { computeTimeout, scaledTimeoutNote, timeoutInMs, trafficShiftingMinutes } from '../release/timeout';

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

describe('timeoutInMs: the timeout on the real clock', () => {
  const computed = { totalInMinutes: 37, marginInMinutes: 20 };
  const given = { totalInMinutes: 1, marginInMinutes: 0 };

  test('against AWS a minute is 60000 ms, with or without --minute-in-ms 60000', () => {
    expect(timeoutInMs(computed)).toBe(37 * 60_000);
    expect(timeoutInMs(computed, 60_000)).toBe(37 * 60_000);
    expect(timeoutInMs(given)).toBe(60_000);
    expect(scaledTimeoutNote(computed, undefined)).toBe('');
    expect(scaledTimeoutNote(computed, 60_000)).toBe('');
  });

  test('a stand-in\'s minute shortens what the configuration states and a given timeout, not the margin', () => {
    expect(timeoutInMs(computed, 100)).toBe(17 * 100 + 20 * 60_000);
    expect(timeoutInMs(given, 6000)).toBe(6000);
    expect(scaledTimeoutNote(computed, 100)).toBe('; with --minute-in-ms 100: 1201700 ms (the margin in real minutes)');
    expect(scaledTimeoutNote(given, 6000)).toBe('; with --minute-in-ms 6000: 6000 ms');
  });
});
