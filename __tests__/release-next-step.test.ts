/**
 * What the release does after each poll (release/next-step.ts): a pure function of the poll's facts,
 * so every rule is one toEqual and no clock is faked.
 */
import { decideAfterPoll, type PollFacts } from '../release/next-step';
import { progressFrom, type Progress } from '../release/progress';

const T = Date.parse('2026-11-26T03:00:00Z');
const events = (statuses: Record<string, string>) => ({
  deploymentTargetType: 'ECSTarget' as const,
  ecsTarget: { lifecycleEvents: Object.entries(statuses).map(([lifecycleEventName, status]) => ({ lifecycleEventName, status: status as 'Succeeded' })) },
});
const progress = (status: string, lifecycle: Record<string, string> = {}): Progress => progressFrom({ deploymentId: 'd-1', status: status as 'InProgress' }, events(lifecycle));

function facts(overrides: Partial<PollFacts> = {}): PollFacts {
  return {
    role: 'main',
    progress: progress('InProgress', { BeforeInstall: 'Succeeded', Install: 'InProgress' }),
    nowInMs: T,
    deadlineInMs: T + 60 * 60000,
    interrupted: false,
    stopRequested: false,
    continueWhenReady: false,
    continued: false,
    plan: { delayInMs: 2000, calls: ['GetDeploymentTarget'], phase: 'moving' },
    ...overrides,
  };
}
const wait = { kind: 'wait', delayInMs: 2000, calls: ['GetDeploymentTarget'] };

describe('decideAfterPoll', () => {
  test('otherwise polls again as the schedule planned: when, and with which calls', () => {
    expect(decideAfterPoll(facts())).toEqual(wait);
    const waiting = { delayInMs: 10000, calls: ['GetDeployment'] as const, phase: 'waiting' as const };
    expect(decideAfterPoll(facts({ plan: waiting }))).toEqual({ kind: 'wait', delayInMs: 10000, calls: ['GetDeployment'] });
  });

  test('never waits past the deadline', () => {
    expect(decideAfterPoll(facts({ deadlineInMs: T + 400 }))).toEqual({ ...wait, delayInMs: 400 });
    expect(decideAfterPoll(facts({ deadlineInMs: T + 1 }))).toEqual({ ...wait, delayInMs: 1 });
  });

  test('an ended deployment ends the follow, even after a signal (a stop would be moot)', () => {
    for (const status of ['Succeeded', 'Failed', 'Stopped']) {
      expect(decideAfterPoll(facts({ progress: progress(status), interrupted: true }))).toEqual({ kind: 'terminal' });
    }
  });

  test('the first signal stops the release\'s own deployment once, and never a rollback', () => {
    expect(decideAfterPoll(facts({ interrupted: true }))).toEqual({ kind: 'stop' });
    expect(decideAfterPoll(facts({ interrupted: true, stopRequested: true }))).toEqual(wait);
    expect(decideAfterPoll(facts({ role: 'rollback', interrupted: true }))).toEqual(wait);
  });

  test('--until ends the follow at its stage, but not once a stop was asked for', () => {
    const installed = progress('InProgress', { BeforeInstall: 'Succeeded', Install: 'Succeeded', AfterInstall: 'InProgress' });
    expect(decideAfterPoll(facts({ progress: installed, until: 'install' }))).toEqual({ kind: 'until-reached' });
    expect(decideAfterPoll(facts({ progress: installed, until: 'test-traffic' }))).toEqual(wait);
    expect(decideAfterPoll(facts({ progress: installed, until: 'install', stopRequested: true }))).toEqual(wait);
    expect(decideAfterPoll(facts({ progress: installed, until: 'install', role: 'rollback' }))).toEqual(wait);
  });

  test('--continue approves a Ready deployment once', () => {
    expect(decideAfterPoll(facts({ progress: progress('Ready'), continueWhenReady: true }))).toEqual({ kind: 'continue' });
    expect(decideAfterPoll(facts({ progress: progress('Ready'), continueWhenReady: true, continued: true }))).toEqual(wait);
    expect(decideAfterPoll(facts({ progress: progress('Ready'), continueWhenReady: false }))).toEqual(wait);
  });

  test('times out at the deadline', () => {
    expect(decideAfterPoll(facts({ nowInMs: T + 60 * 60000 }))).toEqual({ kind: 'timeout' });
  });
});
