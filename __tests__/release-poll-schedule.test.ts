/**
 * The poll schedule (release/poll-schedule.ts) and when changes are due (release/expected-change.ts):
 * pure functions of the deployment's state, its configuration and the clock's reading, so every rule
 * is one toEqual and no clock is faked.
 */
import type { DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { ecsProgressFrom } from '../release/ecs-progress';
import { expectedChange, stepsTaken, updateSightings, type Sightings } from '../release/expected-change';
import type { ShiftSchedule } from '../release/poll';
import { movingDelayInMs, planNextPoll, type PollScheduleFacts, targetNeededAfterStatus } from '../release/poll-schedule';
import { progressFrom, type Progress } from '../release/progress';

const T = Date.parse('2026-11-26T03:00:00Z');
const MIN = 60_000;
const at = (ms: number): Date => new Date(T + ms);

type Event = { name: string; status: string; start?: number; end?: number };
/** A CodeDeploy deployment as GetDeployment and GetDeploymentTarget answer it. */
function codeDeploy(status: string, events: readonly Event[] = [], green?: number, extra: { instanceTerminationWaitTimeStarted?: boolean } = {}): Progress {
  const target: DeploymentTarget = {
    deploymentTargetType: 'ECSTarget',
    ecsTarget: {
      lifecycleEvents: events.map((e) => ({
        lifecycleEventName: e.name,
        status: e.status as 'Succeeded',
        ...(e.start !== undefined ? { startTime: at(e.start) } : {}),
        ...(e.end !== undefined ? { endTime: at(e.end) } : {}),
      })),
      ...(green !== undefined ? { taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 100 - green }, { taskSetLabel: 'Green', trafficWeight: green }] } : {}),
    },
  };
  return progressFrom({ deploymentId: 'd-1', status: status as 'InProgress', ...extra }, target);
}

const done = (...names: string[]): Event[] => names.map((name) => ({ name, status: 'Succeeded', start: 0, end: 0 }));
const BEFORE_TRAFFIC = done('BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic');
const canary: ShiftSchedule = { type: 'TimeBasedCanary', intervalInMinutes: 5, terminationWaitInMinutes: 60, stepPercent: 10 };
const linear: ShiftSchedule = { type: 'TimeBasedLinear', intervalInMinutes: 1, terminationWaitInMinutes: 0, stepPercent: 10 };
const allAtOnce: ShiftSchedule = { type: 'AllAtOnce', intervalInMinutes: 0, terminationWaitInMinutes: 0 };

function facts(progress: Progress, over: Partial<PollScheduleFacts> = {}): PollScheduleFacts {
  return { controller: 'CODE_DEPLOY', progress, schedule: canary, sightings: {}, nowInMs: T, lastChangeAtInMs: T, targetReadable: true, deploymentReadAtInMs: T, minIntervalInMs: 1000, maxIntervalInMs: 10_000, ...over };
}

describe('when a change is due', () => {
  test('a canary: the rest of the traffic one interval after AllowTraffic began', () => {
    const p = codeDeploy('InProgress', [...BEFORE_TRAFFIC, { name: 'AllowTraffic', status: 'InProgress', start: 1000 }], 10);
    expect(expectedChange('CODE_DEPLOY', p, canary, {})).toEqual({ kind: 'canary-interval', startedAtInMs: T + 1000, dueAtInMs: T + 1000 + 5 * MIN, next: { kind: 'traffic', greenPercent: 100 } });
  });

  test('a linear shift: step n is due n intervals after AllowTraffic began, or one interval after the step before was seen, whichever is later', () => {
    const p = codeDeploy('InProgress', [...BEFORE_TRAFFIC, { name: 'AllowTraffic', status: 'InProgress', start: 0 }], 30);
    expect(expectedChange('CODE_DEPLOY', p, linear, {})).toEqual({ kind: 'linear-step', startedAtInMs: T + 2 * MIN, dueAtInMs: T + 3 * MIN, next: { kind: 'traffic', greenPercent: 40 } });
    // Seen late (CodeDeploy was slow to move to 30%): the next step cannot come before one interval after that.
    const late: Sightings = { traffic: { afterInMs: T + 2.5 * MIN, seenAtInMs: T + 2.5 * MIN + 900, greenPercent: 30 } };
    expect(expectedChange('CODE_DEPLOY', p, linear, late)?.dueAtInMs).toBe(T + 3.5 * MIN);
  });

  test('no step is expected before the first move, or all at once', () => {
    const events = [...BEFORE_TRAFFIC, { name: 'AllowTraffic', status: 'InProgress', start: 0 }];
    expect(expectedChange('CODE_DEPLOY', codeDeploy('InProgress', events, 0), canary, {})).toBeUndefined();
    expect(expectedChange('CODE_DEPLOY', codeDeploy('InProgress', events, 50), allAtOnce, {})).toBeUndefined();
    expect(expectedChange('CODE_DEPLOY', codeDeploy('InProgress', events, 100), allAtOnce, {})).toBeUndefined();
  });

  test('after the last step the shift\'s stage ends (and the final wait begins) at once', () => {
    const events = [...BEFORE_TRAFFIC, { name: 'AllowTraffic', status: 'InProgress', start: 0 }];
    const shiftEnd = (at: number) => ({ kind: 'shift-end', startedAtInMs: at, dueAtInMs: at, next: { kind: 'stage' } });
    expect(expectedChange('CODE_DEPLOY', codeDeploy('InProgress', events, 100), canary, {})).toEqual(shiftEnd(T + 5 * MIN));
    expect(expectedChange('CODE_DEPLOY', codeDeploy('InProgress', events, 100), linear, {})).toEqual(shiftEnd(T + 9 * MIN));
    const p = codeDeploy('InProgress', events, 100);
    expect(planNextPoll(facts(p, { nowInMs: T + 5 * MIN + 500 }))).toEqual({ delayInMs: 1000, calls: ['GetDeploymentTarget'], phase: 'due', expected: shiftEnd(T + 5 * MIN) });
  });

  test('the termination wait counts from AfterAllowTraffic\'s end; with none, the end itself is due then', () => {
    const after = codeDeploy('InProgress', [...done('AllowTraffic'), { name: 'AfterAllowTraffic', status: 'Succeeded', start: 0, end: 4000 }], 100);
    expect(expectedChange('CODE_DEPLOY', after, canary, {})).toEqual({ kind: 'termination-wait', startedAtInMs: T + 4000, dueAtInMs: T + 4000 + 60 * MIN, next: { kind: 'end' } });
    expect(expectedChange('CODE_DEPLOY', after, linear, {})).toEqual({ kind: 'end', startedAtInMs: T + 4000, dueAtInMs: T + 4000, next: { kind: 'end' } });
  });

  test('without the target (status only), the termination wait counts from the poll before the one that saw it start', () => {
    const waiting = codeDeploy('InProgress', [], undefined, { instanceTerminationWaitTimeStarted: true });
    expect(expectedChange('CODE_DEPLOY', waiting, canary, { finalWait: { afterInMs: T, seenAtInMs: T + 9000 } })?.dueAtInMs).toBe(T + 60 * MIN);
    expect(expectedChange('CODE_DEPLOY', waiting, canary, {})).toBeUndefined();
  });

  test('the ready wait of STOP_DEPLOYMENT: it stops unless continued, counted from AfterAllowTestTraffic\'s end', () => {
    const ready = codeDeploy('Ready', [...done('BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic'), { name: 'AfterAllowTestTraffic', status: 'Succeeded', start: 0, end: 2000 }]);
    expect(expectedChange('CODE_DEPLOY', ready, { ...canary, readyWaitInMinutes: 30 }, {})).toEqual({ kind: 'ready-wait', startedAtInMs: T + 2000, dueAtInMs: T + 2000 + 30 * MIN, next: { kind: 'stop' } });
    expect(expectedChange('CODE_DEPLOY', ready, canary, {})).toBeUndefined();
  });

  test('nothing is known without the schedule, while an event of unknown length runs, or once it ended', () => {
    const p = codeDeploy('InProgress', [...BEFORE_TRAFFIC, { name: 'AllowTraffic', status: 'InProgress', start: 0 }], 10);
    expect(expectedChange('CODE_DEPLOY', p, undefined, {})).toBeUndefined();
    expect(expectedChange('CODE_DEPLOY', codeDeploy('InProgress', [{ name: 'Install', status: 'InProgress', start: 0 }]), canary, {})).toBeUndefined();
    expect(expectedChange('CODE_DEPLOY', codeDeploy('Succeeded', done('AfterAllowTraffic')), canary, {})).toBeUndefined();
  });

  test('ECS: steps and the bake time from when the release saw them (ECS gives no times of its own)', () => {
    const ecs = (stage: string, green: number): Progress =>
      ecsProgressFrom(
        { serviceDeploymentArn: 'arn', status: 'IN_PROGRESS', lifecycleStage: stage as 'BAKE_TIME', targetServiceRevision: { arn: 'g', requestedProductionTrafficWeight: green }, sourceServiceRevisions: [{ arn: 'b', requestedProductionTrafficWeight: 100 - green }] },
        { role: 'main', stopRequested: false, nowInMs: T + 5000 },
      );
    const ecsLinear: ShiftSchedule = { type: 'TimeBasedLinear', intervalInMinutes: 2, terminationWaitInMinutes: 5, stepPercent: 25 };
    const seen: Sightings = { traffic: { afterInMs: T + 3000, seenAtInMs: T + 5000, greenPercent: 25 }, finalWait: { afterInMs: T + 3000, seenAtInMs: T + 5000 } };
    expect(expectedChange('ECS', ecs('PRODUCTION_TRAFFIC_SHIFT', 25), ecsLinear, seen)).toEqual({ kind: 'linear-step', startedAtInMs: T + 3000, dueAtInMs: T + 3000 + 2 * MIN, next: { kind: 'traffic', greenPercent: 50 } });
    expect(expectedChange('ECS', ecs('BAKE_TIME', 100), ecsLinear, seen)).toEqual({ kind: 'bake-time', startedAtInMs: T + 3000, dueAtInMs: T + 3000 + 5 * MIN, next: { kind: 'end' } });
    expect(expectedChange('ECS', ecs('CLEAN_UP', 100), ecsLinear, seen)).toEqual({ kind: 'end', startedAtInMs: T + 5000, dueAtInMs: T + 5000, next: { kind: 'end' } });
    expect(expectedChange('ECS', ecs('SCALE_UP', 0), ecsLinear, seen)).toBeUndefined();
  });

  test('steps taken, from green\'s share', () => {
    expect([0, 10, 100].map((g) => stepsTaken(g, canary))).toEqual([0, 1, 2]);
    expect([10, 30, 100, 35].map((g) => stepsTaken(g, linear))).toEqual([1, 3, 10, undefined]);
    expect(stepsTaken(10, { ...linear, stepPercent: undefined })).toBeUndefined();
  });
});

describe('sightings', () => {
  const window = { afterInMs: T, seenAtInMs: T + 2000 };
  const allow = (green: number): Progress => codeDeploy('InProgress', [...BEFORE_TRAFFIC, { name: 'AllowTraffic', status: 'InProgress', start: 0 }], green);

  test('a new traffic split happened after the poll before (the traffic read before, for CodeDeploy), and not before it was due', () => {
    expect(updateSightings({}, allow(0), allow(10), window)).toEqual({ traffic: { afterInMs: T, seenAtInMs: T + 2000, greenPercent: 10 } });
    expect(updateSightings({}, allow(0), allow(10), { ...window, trafficAfterInMs: T - 60_000 }).traffic?.afterInMs).toBe(T - 60_000);
    const due = expectedChange('CODE_DEPLOY', allow(10), canary, {})!;
    expect(updateSightings({}, allow(10), allow(100), { afterInMs: T, seenAtInMs: due.dueAtInMs + 500, trafficAfterInMs: T }, due).traffic).toEqual({ afterInMs: due.dueAtInMs, seenAtInMs: due.dueAtInMs + 500, greenPercent: 100 });
  });

  test('a sighting is kept while the state lasts and dropped when it ends', () => {
    const s = updateSightings({}, allow(0), allow(10), window);
    expect(updateSightings(s, allow(10), allow(10), { afterInMs: T + 2000, seenAtInMs: T + 4000 })).toEqual(s);
    const ready = codeDeploy('Ready');
    const r = updateSightings({}, codeDeploy('InProgress'), ready, window);
    expect(r).toEqual({ ready: window });
    expect(updateSightings(r, ready, ready, { afterInMs: T + 2000, seenAtInMs: T + 4000 })).toEqual({ ready: window });
    expect(updateSightings(r, ready, codeDeploy('InProgress'), window)).toEqual({});
  });
});

describe('the poll schedule', () => {
  const install = codeDeploy('InProgress', [...done('BeforeInstall'), { name: 'Install', status: 'InProgress', start: 0 }]);

  test('before the deployment runs: its status only, twice the fastest interval after a change, backing off', () => {
    expect(planNextPoll(facts(codeDeploy('Created')))).toEqual({ delayInMs: 2000, calls: ['GetDeployment'], phase: 'starting' });
    expect(planNextPoll(facts(codeDeploy('Queued'), { lastChangeAtInMs: T - 60_000 }))).toEqual({ delayInMs: 10_000, calls: ['GetDeployment'], phase: 'starting' });
  });

  test('events of unknown length: the target (events, traffic), and the status at least every three slowest intervals', () => {
    expect(planNextPoll(facts(install))).toEqual({ delayInMs: 2000, calls: ['GetDeploymentTarget'], phase: 'moving' });
    expect(planNextPoll(facts(install, { lastChangeAtInMs: T - 20_000 }))).toEqual({ delayInMs: 4000, calls: ['GetDeploymentTarget'], phase: 'moving' });
    expect(planNextPoll(facts(install, { deploymentReadAtInMs: T - 30_000 }))).toEqual({ delayInMs: 2000, calls: ['GetDeployment', 'GetDeploymentTarget'], phase: 'moving' });
  });

  test('the status alone where the target cannot say more: denied, Ready, every event passed with no schedule', () => {
    expect(planNextPoll(facts(install, { targetReadable: false })).calls).toEqual(['GetDeployment']);
    expect(planNextPoll(facts(codeDeploy('Ready', BEFORE_TRAFFIC.slice(0, 5)))).calls).toEqual(['GetDeployment']);
    expect(planNextPoll(facts(codeDeploy('InProgress', done('AllowTraffic', 'AfterAllowTraffic'), 100), { schedule: undefined }))).toEqual({ delayInMs: 2000, calls: ['GetDeployment'], phase: 'moving' });
  });

  test('the target shows a failed event the status does not show yet: the status at once, once', () => {
    const failed = codeDeploy('InProgress', [...done('BeforeInstall'), { name: 'Install', status: 'Failed', start: 0, end: 0 }]);
    expect(planNextPoll(facts(failed, { deploymentReadAtInMs: T - 2000 }))).toEqual({ delayInMs: 0, calls: ['GetDeployment'], phase: 'settling' });
    expect(planNextPoll(facts(failed, { deploymentReadAtInMs: T, lastChangeAtInMs: T - 1 }))).toEqual({ delayInMs: 2000, calls: ['GetDeploymentTarget'], phase: 'moving' });
  });

  test('a canary interval: the status only, at the slowest interval, then exactly when the interval ends', () => {
    const p = codeDeploy('InProgress', [...BEFORE_TRAFFIC, { name: 'AllowTraffic', status: 'InProgress', start: 0 }], 10);
    const expected = expectedChange('CODE_DEPLOY', p, canary, {});
    expect(planNextPoll(facts(p))).toEqual({ delayInMs: 10_000, calls: ['GetDeployment'], phase: 'waiting', expected });
    expect(planNextPoll(facts(p, { nowInMs: T + 5 * MIN - 3500 }))).toEqual({ delayInMs: 3500, calls: ['GetDeployment'], phase: 'waiting', expected });
    // Due: the call that shows a traffic step, at the fastest interval for 30 s, then backing off.
    expect(planNextPoll(facts(p, { nowInMs: T + 5 * MIN }))).toEqual({ delayInMs: 1000, calls: ['GetDeploymentTarget'], phase: 'due', expected });
    expect(planNextPoll(facts(p, { nowInMs: T + 5 * MIN + 30_000 }))).toEqual({ delayInMs: 1000, calls: ['GetDeploymentTarget'], phase: 'due', expected });
    expect(planNextPoll(facts(p, { nowInMs: T + 5 * MIN + 60_000, lastChangeAtInMs: T }))).toEqual({ delayInMs: 6000, calls: ['GetDeploymentTarget'], phase: 'overdue', expected });
  });

  test('a long termination wait: the status rarely until it ends, then fast for the end', () => {
    const p = codeDeploy('InProgress', [...done('AllowTraffic'), { name: 'AfterAllowTraffic', status: 'Succeeded', start: 0, end: 0 }], 100);
    const expected = expectedChange('CODE_DEPLOY', p, canary, {});
    expect(planNextPoll(facts(p, { nowInMs: T + 10 * MIN }))).toEqual({ delayInMs: 10_000, calls: ['GetDeployment'], phase: 'waiting', expected });
    expect(planNextPoll(facts(p, { nowInMs: T + 60 * MIN + 200 }))).toEqual({ delayInMs: 1000, calls: ['GetDeployment'], phase: 'due', expected });
    // No termination wait: the end is due as soon as AfterAllowTraffic passed.
    expect(planNextPoll(facts(p, { schedule: linear }))).toMatchObject({ delayInMs: 1000, calls: ['GetDeployment'], phase: 'due' });
  });

  test('ECS: one call for everything, timed the same way', () => {
    const p = ecsProgressFrom({ serviceDeploymentArn: 'arn', status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' }, { role: 'main', stopRequested: false, nowInMs: T });
    const schedule: ShiftSchedule = { type: 'AllAtOnce', intervalInMinutes: 0, terminationWaitInMinutes: 10 };
    const sightings: Sightings = { finalWait: { afterInMs: T - 1000, seenAtInMs: T } };
    expect(planNextPoll(facts(p, { controller: 'ECS', schedule, sightings }))).toMatchObject({ delayInMs: 10_000, calls: ['DescribeServiceDeployments'], phase: 'waiting' });
    expect(planNextPoll(facts(p, { controller: 'ECS', schedule, sightings, nowInMs: T + 10 * MIN }))).toMatchObject({ delayInMs: 1000, calls: ['DescribeServiceDeployments'], phase: 'due' });
    const pending = ecsProgressFrom({ serviceDeploymentArn: 'arn', status: 'PENDING' }, { role: 'main', stopRequested: false, nowInMs: T });
    expect(planNextPoll(facts(pending, { controller: 'ECS' }))).toEqual({ delayInMs: 2000, calls: ['DescribeServiceDeployments'], phase: 'starting' });
  });

  test('small intervals for tests and local stand-ins', () => {
    expect(planNextPoll(facts(install, { minIntervalInMs: 20, maxIntervalInMs: 100 })).delayInMs).toBe(40);
    expect(movingDelayInMs(600_000, 20, 100)).toBe(100);
    expect(movingDelayInMs(0, 1000, 1500)).toBe(1500);
  });
});

describe('reading the target after a new status', () => {
  test('when the deployment started, failed or stopped, or succeeded before the last events were seen', () => {
    const created = codeDeploy('Created');
    expect(['InProgress', 'Failed', 'Stopped', 'Ready', 'Created'].map((s) => targetNeededAfterStatus(created, s))).toEqual([true, true, true, false, false]);
    expect(targetNeededAfterStatus(codeDeploy('InProgress'), 'InProgress')).toBe(false);
    expect(targetNeededAfterStatus(codeDeploy('InProgress', done('AfterAllowTraffic')), 'Succeeded')).toBe(false);
    expect(targetNeededAfterStatus(codeDeploy('InProgress', done('AllowTraffic')), 'Succeeded')).toBe(true);
  });
});
