import { progressChanges, progressFraction, progressFrom, stageReached, isUntilStage } from '../release/progress';

const at = (s: number) => new Date(Date.parse('2026-11-26T03:00:00Z') + s * 1000);
const target = (events: Array<[string, string]>, blue?: number, green?: number) => ({
  deploymentTargetType: 'ECSTarget' as const,
  ecsTarget: {
    lifecycleEvents: events.map(([lifecycleEventName, status], i) => ({ lifecycleEventName, status: status as 'Succeeded', startTime: at(i), ...(status === 'Succeeded' ? { endTime: at(i + 1) } : {}) })),
    taskSetsInfo: [
      ...(blue !== undefined ? [{ taskSetLabel: 'Blue' as const, trafficWeight: blue }] : []),
      ...(green !== undefined ? [{ taskSetLabel: 'Green' as const, trafficWeight: green }] : []),
    ],
  },
});

describe('progressFrom', () => {
  test('builds the model from GetDeployment and GetDeploymentTarget, lifecycle events in CodeDeploy order', () => {
    const p = progressFrom(
      { deploymentId: 'd-1', status: 'Failed', createTime: at(0), completeTime: at(30), errorInformation: { code: 'HOOK_FAILED' as never, message: 'hook said no' }, rollbackInfo: { rollbackDeploymentId: 'd-2', rollbackMessage: 'rolled back' } },
      {
        ecsTarget: {
          lifecycleEvents: [
            { lifecycleEventName: 'Install', status: 'Succeeded', startTime: at(1), endTime: at(2) },
            { lifecycleEventName: 'BeforeInstall', status: 'Succeeded', startTime: at(0), endTime: at(1) },
            { lifecycleEventName: 'AfterAllowTestTraffic', status: 'Failed', startTime: at(3), endTime: at(4), diagnostics: { errorCode: 'ScriptFailed', message: '503', logTail: '' } },
          ],
          taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 100 }, { taskSetLabel: 'Green', trafficWeight: 0 }],
        },
      },
    );
    expect(p).toEqual({
      deploymentId: 'd-1',
      status: 'Failed',
      terminal: true,
      lifecycleEvents: [
        { name: 'BeforeInstall', status: 'Succeeded', startedAt: '2026-11-26T03:00:00.000Z', endedAt: '2026-11-26T03:00:01.000Z' },
        { name: 'Install', status: 'Succeeded', startedAt: '2026-11-26T03:00:01.000Z', endedAt: '2026-11-26T03:00:02.000Z' },
        { name: 'AfterAllowTestTraffic', status: 'Failed', startedAt: '2026-11-26T03:00:03.000Z', endedAt: '2026-11-26T03:00:04.000Z', diagnostics: { errorCode: 'ScriptFailed', message: '503' } },
      ],
      traffic: { bluePercent: 100, greenPercent: 0 },
      terminationWaitStarted: false,
      createdAt: '2026-11-26T03:00:00.000Z',
      completedAt: '2026-11-26T03:00:30.000Z',
      error: { code: 'HOOK_FAILED', message: 'hook said no' },
      rollbackDeploymentId: 'd-2',
      rollbackMessage: 'rolled back',
    });
  });

  test('traffic of a task set that is gone is what the other one does not carry', () => {
    expect(progressFrom({ status: 'InProgress' }, target([], undefined, 100)).traffic).toEqual({ bluePercent: 0, greenPercent: 100 });
    expect(progressFrom({ status: 'InProgress' }, target([], 100, undefined)).traffic).toEqual({ bluePercent: 100, greenPercent: 0 });
    expect(progressFrom({ status: 'InProgress' }, target([])).traffic).toBeUndefined();
    expect(progressFrom({ status: 'Created' }).lifecycleEvents).toEqual([]);
  });

  test('the termination wait starts when AfterAllowTraffic succeeded and the deployment still runs', () => {
    const all = ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'].map((n) => [n, 'Succeeded'] as [string, string]);
    expect(progressFrom({ status: 'InProgress' }, target(all, 0, 100)).terminationWaitStarted).toBe(true);
    expect(progressFrom({ status: 'InProgress', instanceTerminationWaitTimeStarted: true }).terminationWaitStarted).toBe(true);
    expect(progressFrom({ status: 'InProgress' }, target(all.slice(0, 7), 0, 100)).terminationWaitStarted).toBe(false);
  });
});

describe('progressChanges', () => {
  test('reports new event states, traffic and status once, in display order; skips untouched Pending events', () => {
    const a = progressFrom({ deploymentId: 'd', status: 'InProgress' }, target([['BeforeInstall', 'InProgress'], ['Install', 'Pending']], 100, 0));
    expect(progressChanges(undefined, a)).toEqual([
      { kind: 'lifecycle', name: 'BeforeInstall', status: 'InProgress' },
      { kind: 'traffic', traffic: { bluePercent: 100, greenPercent: 0 } },
      { kind: 'status', status: 'InProgress' },
    ]);
    expect(progressChanges(a, a)).toEqual([]);
    const b = progressFrom({ deploymentId: 'd', status: 'InProgress' }, target([['BeforeInstall', 'Succeeded'], ['Install', 'InProgress']], 90, 10));
    expect(progressChanges(a, b)).toEqual([
      { kind: 'lifecycle', name: 'BeforeInstall', status: 'Succeeded' },
      { kind: 'lifecycle', name: 'Install', status: 'InProgress' },
      { kind: 'traffic', traffic: { bluePercent: 90, greenPercent: 10 } },
    ]);
  });

  test('reports the termination wait once', () => {
    const before = progressFrom({ status: 'InProgress' });
    const during = progressFrom({ status: 'InProgress', instanceTerminationWaitTimeStarted: true });
    expect(progressChanges(before, during)).toEqual([{ kind: 'termination-wait' }]);
    expect(progressChanges(during, during)).toEqual([]);
  });
});

describe('stageReached', () => {
  const events = (n: number) => ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'].map((name, i) => [name, i < n ? 'Succeeded' : i === n ? 'InProgress' : 'Pending'] as [string, string]);
  const p = (n: number, status = 'InProgress') => progressFrom({ status: status as "InProgress" }, target(events(n)));

  test.each([
    ['install', 2],
    ['test-traffic', 5],
    ['ready', 6],
    ['traffic-shifted', 7],
    ['AfterInstall', 3],
    ['AfterAllowTraffic', 8],
  ])('%s is reached once %i events succeeded, not one before', (stage, n) => {
    expect(stageReached(p(n), stage)).toBe(true);
    expect(stageReached(p(n - 1), stage)).toBe(false);
  });

  test('a hook event CodeDeploy skipped (no hook in the AppSpec) counts as passed for --until', () => {
    const skipped = events(5).map(([name, status]) => [name, name === 'AfterAllowTestTraffic' ? 'Skipped' : status] as [string, string]);
    expect(stageReached(progressFrom({ status: 'InProgress' }, target(skipped)), 'test-traffic')).toBe(true);
    const waiting = events(8).map(([name, status]) => [name, name === 'AfterAllowTraffic' ? 'Skipped' : status] as [string, string]);
    expect(progressFrom({ status: 'InProgress' }, target(waiting)).terminationWaitStarted).toBe(true);
  });

  test('ready is also reached when the deployment waits in Ready', () => {
    expect(stageReached(p(5, 'Ready'), 'ready')).toBe(true);
  });

  test('a succeeded deployment has passed every stage; a failed one none', () => {
    expect(stageReached(p(0, 'Succeeded'), 'traffic-shifted')).toBe(true);
    expect(stageReached(p(6, 'Failed'), 'install')).toBe(false);
  });

  test('isUntilStage knows the named stages and the lifecycle events', () => {
    expect(['install', 'test-traffic', 'ready', 'traffic-shifted', 'BeforeAllowTraffic'].every(isUntilStage)).toBe(true);
    expect(isUntilStage('halfway')).toBe(false);
  });
});

describe('progressFraction', () => {
  test('counts finished events, green weight during AllowTraffic and the termination wait', () => {
    const shifting = progressFrom({ status: 'InProgress' }, target([...Array(6)].map((_, i) => [`E${i}`, 'Succeeded'] as [string, string]).concat([['AllowTraffic', 'InProgress']]), 50, 50));
    expect(progressFraction(shifting)).toBeCloseTo(6.5 / 9);
    const waiting = progressFrom({ status: 'InProgress', instanceTerminationWaitTimeStarted: true }, target([...Array(8)].map((_, i) => [`E${i}`, 'Succeeded'] as [string, string])));
    expect(progressFraction(waiting, { startedAtInMs: 0, nowInMs: 150000, waitInMinutes: 5 })).toBeCloseTo(8.5 / 9);
    expect(progressFraction(progressFrom({ status: 'Succeeded' }))).toBe(1);
  });
});
