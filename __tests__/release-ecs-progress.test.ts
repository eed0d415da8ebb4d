/**
 * The ECS controller's pure rules: ECS's statuses in the release's one vocabulary, the progress model
 * built from DescribeServiceDeployments answers poll after poll, the `--until` mapping, and the shared
 * decision after a poll made on an ECS deployment.
 */
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { ecsProgressFrom, isEcsTerminalFor, releaseStatusOf } from '../release/ecs-progress';
import { ECS_SERVICE_DEPLOYMENT_STAGES, ecsStageReached, ecsUntilStage, UNTIL_CHOICES, UNTIL_STAGE_MAP, untilProblem } from '../release/ecs-stages';
import { decideAfterPoll, type PollFacts } from '../release/next-step';
import type { Progress } from '../release/progress';
import { untilReached } from '../release/until';
import { statusBlock } from '../release/display';
import { progressFraction } from '../release/progress';

const T0 = Date.parse('2026-11-26T03:00:00Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/web/abc';
const GREEN = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/web/2';
const BLUE = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/web/1';

/** A DescribeServiceDeployments answer, as the SDK deserializes it. */
function answer(status: string, stage: string | undefined, greenProduction = 0, extra: Partial<ServiceDeployment> = {}): ServiceDeployment {
  return {
    serviceDeploymentArn: ARN,
    createdAt: new Date(T0),
    status: status as never,
    ...(stage ? { lifecycleStage: stage as never } : {}),
    targetServiceRevision: { arn: GREEN, requestedProductionTrafficWeight: greenProduction, requestedTestTrafficWeight: stage === 'TEST_TRAFFIC_SHIFT' ? 100 : 0 },
    sourceServiceRevisions: [{ arn: BLUE, requestedProductionTrafficWeight: 100 - greenProduction, requestedTestTrafficWeight: 100 }],
    ...extra,
  };
}

describe('ECS statuses in the release vocabulary', () => {
  test.each([
    ['PENDING', 'main', false, 'Created', false],
    ['IN_PROGRESS', 'main', false, 'InProgress', false],
    ['STOP_REQUESTED', 'main', false, 'InProgress', false],
    ['SUCCESSFUL', 'main', false, 'Succeeded', true],
    ['STOPPED', 'main', false, 'Stopped', true],
    ['ROLLBACK_REQUESTED', 'main', false, 'Failed', true],
    ['ROLLBACK_IN_PROGRESS', 'main', false, 'Failed', true],
    ['ROLLBACK_SUCCESSFUL', 'main', false, 'Failed', true],
    ['ROLLBACK_FAILED', 'main', false, 'Failed', true],
    ['ROLLBACK_REQUESTED', 'main', true, 'Stopped', true],
    ['ROLLBACK_REQUESTED', 'rollback', false, 'InProgress', false],
    ['ROLLBACK_IN_PROGRESS', 'rollback', false, 'InProgress', false],
    ['ROLLBACK_SUCCESSFUL', 'rollback', false, 'Succeeded', true],
    ['ROLLBACK_FAILED', 'rollback', false, 'Failed', true],
    ['STOPPED', 'rollback', false, 'Stopped', true],
    ['SOMETHING_NEW', 'main', false, 'SOMETHING_NEW', false],
  ] as const)('%s followed as %s (stop asked: %s) is %s, terminal %s', (ecs, role, stop, status, terminal) => {
    expect(releaseStatusOf(ecs, role, stop)).toBe(status);
    expect(isEcsTerminalFor(ecs, role)).toBe(terminal);
  });
});

describe('ecsProgressFrom', () => {
  const main = (d: ServiceDeployment, previous?: Progress, at = 10, stopRequested = false): Progress => ecsProgressFrom(d, { role: 'main', stopRequested, ...(previous ? { previous } : {}), nowInMs: T0 + at * 1000 });

  test('a running deployment: the stages up to the current one, the earlier ones succeeded; traffic from the revisions; the facts ECS gave', () => {
    const p = main(answer('IN_PROGRESS', 'POST_SCALE_UP', 0, { lifecycleHookDetails: [{ hookId: 'h', targetArn: 'arn:aws:lambda:us-east-1:1:function:hook', status: 'IN_PROGRESS' }], deploymentConfiguration: { lifecycleHooks: [{ lifecycleStages: ['POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT'] }] } }));
    expect(p).toEqual({
      deploymentId: ARN,
      status: 'InProgress',
      statusDetail: 'IN_PROGRESS',
      stageCount: 9,
      terminal: false,
      lifecycleEvents: [
        { name: 'PRE_SCALE_UP', status: 'Succeeded', endedAt: iso(10) },
        { name: 'SCALE_UP', status: 'Succeeded', endedAt: iso(10) },
        { name: 'POST_SCALE_UP', status: 'InProgress', startedAt: iso(10) },
      ],
      traffic: { bluePercent: 100, greenPercent: 0 },
      terminationWaitStarted: false,
      createdAt: iso(0),
      ecs: {
        serviceDeploymentArn: ARN,
        status: 'IN_PROGRESS',
        lifecycleStage: 'POST_SCALE_UP',
        targetServiceRevisionArn: GREEN,
        sourceServiceRevisionArns: [BLUE],
        testTraffic: { bluePercent: 100, greenPercent: 0 },
        triggeredAlarmNames: [],
        runningHooks: ['arn:aws:lambda:us-east-1:1:function:hook'],
        hookStages: ['POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT'],
      },
    });
  });

  test('stages keep the times the release saw them begin and end, poll after poll; one passed between polls has no start', () => {
    const first = main(answer('IN_PROGRESS', 'TEST_TRAFFIC_SHIFT'), undefined, 10);
    const second = main(answer('IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT', 20), first, 20);
    expect(second.lifecycleEvents.slice(3)).toEqual([
      { name: 'TEST_TRAFFIC_SHIFT', status: 'Succeeded', startedAt: iso(10), endedAt: iso(20) },
      { name: 'POST_TEST_TRAFFIC_SHIFT', status: 'Succeeded', endedAt: iso(20) },
      { name: 'PRODUCTION_TRAFFIC_SHIFT', status: 'InProgress', startedAt: iso(20) },
    ]);
    expect(second.traffic).toEqual({ bluePercent: 80, greenPercent: 20 });
  });

  test('RECONCILE_SERVICE is shown only when ECS reports it (it runs only with several active revisions)', () => {
    expect(main(answer('IN_PROGRESS', 'SCALE_UP')).lifecycleEvents.map((e) => e.name)).toEqual(['PRE_SCALE_UP', 'SCALE_UP']);
    const reconcile = main(answer('IN_PROGRESS', 'RECONCILE_SERVICE'), undefined, 1);
    expect(main(answer('IN_PROGRESS', 'SCALE_UP'), reconcile, 2).lifecycleEvents.map((e) => e.name)).toEqual(['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'SCALE_UP']);
  });

  test('BAKE_TIME is the final wait (the termination wait of the shared model); SUCCESSFUL ends every stage', () => {
    expect(main(answer('IN_PROGRESS', 'BAKE_TIME', 100)).terminationWaitStarted).toBe(true);
    const done = main(answer('SUCCESSFUL', 'CLEAN_UP', 100, { finishedAt: new Date(T0 + 30_000), statusReason: 'ok' }), undefined, 31);
    expect(done).toMatchObject({ status: 'Succeeded', terminal: true, terminationWaitStarted: false, completedAt: iso(30) });
    expect(done.lifecycleEvents.every((e) => e.status === 'Succeeded')).toBe(true);
    expect(done.lifecycleEvents.map((e) => e.name)).toEqual(ECS_SERVICE_DEPLOYMENT_STAGES.filter((s) => s !== 'RECONCILE_SERVICE'));
    expect(done).not.toHaveProperty('error');
  });

  test('a failure seen at ROLLBACK_REQUESTED marks the stage ECS was at; the same service deployment is the rollback', () => {
    const running = main(answer('IN_PROGRESS', 'TEST_TRAFFIC_SHIFT'), undefined, 5);
    const failed = main(answer('ROLLBACK_REQUESTED', 'POST_TEST_TRAFFIC_SHIFT', 0, { statusReason: 'hook returned FAILED', rollback: { reason: 'hook returned FAILED', serviceRevisionArn: BLUE } }), running, 9);
    expect(failed).toMatchObject({ status: 'Failed', statusDetail: 'ROLLBACK_REQUESTED', terminal: true, error: { code: 'SERVICE_DEPLOYMENT_FAILED', message: 'hook returned FAILED' }, rollbackDeploymentId: ARN, rollbackMessage: 'hook returned FAILED' });
    expect(failed.lifecycleEvents.slice(-2)).toEqual([
      { name: 'TEST_TRAFFIC_SHIFT', status: 'Succeeded', startedAt: iso(5), endedAt: iso(9) },
      { name: 'POST_TEST_TRAFFIC_SHIFT', status: 'Failed', startedAt: iso(9), endedAt: iso(9), diagnostics: { errorCode: 'SERVICE_DEPLOYMENT_FAILED', message: 'hook returned FAILED' } },
    ]);
  });

  test('a failure first seen while rolling back marks the last stage seen running (lifecycleStage is then the rollback\'s)', () => {
    const running = main(answer('IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT', 40), undefined, 5);
    const failed = main(answer('ROLLBACK_IN_PROGRESS', 'TEST_TRAFFIC_SHIFT', 40, { alarms: { status: 'TRIGGERED', alarmNames: ['web-5xx'], triggeredAlarmNames: ['web-5xx'] }, statusReason: 'rolled back: web-5xx in ALARM' }), running, 9);
    expect(failed.lifecycleEvents.map((e) => [e.name, e.status])).toEqual([
      ['PRE_SCALE_UP', 'Succeeded'],
      ['SCALE_UP', 'Succeeded'],
      ['POST_SCALE_UP', 'Succeeded'],
      ['TEST_TRAFFIC_SHIFT', 'Succeeded'],
      ['POST_TEST_TRAFFIC_SHIFT', 'Succeeded'],
      ['PRODUCTION_TRAFFIC_SHIFT', 'Failed'],
    ]);
    expect(failed.error).toEqual({ code: 'ALARM_ACTIVE', message: 'rolled back: web-5xx in ALARM' });
  });

  test('error codes: the circuit breaker, a stop without rollback, the release\'s own stop; a reason that does not name the alarm gets its name', () => {
    expect(main(answer('ROLLBACK_REQUESTED', 'SCALE_UP', 0, { deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 } })).error).toEqual({ code: 'CIRCUIT_BREAKER_TRIGGERED', message: 'the deployment circuit breaker failed the deployment' });
    expect(main(answer('STOPPED', 'PRODUCTION_TRAFFIC_SHIFT', 10, { statusReason: 'stopped' })).error).toEqual({ code: 'SERVICE_DEPLOYMENT_STOPPED', message: 'stopped' });
    const stopped = main(answer('ROLLBACK_REQUESTED', 'PRODUCTION_TRAFFIC_SHIFT', 10), undefined, 3, true);
    expect(stopped).toMatchObject({ status: 'Stopped', error: { code: 'STOPPED_BY_RELEASE', message: 'service deployment ROLLBACK_REQUESTED' } });
    expect(stopped.lifecycleEvents.at(-1)).toMatchObject({ name: 'PRODUCTION_TRAFFIC_SHIFT', status: 'Stopped' });
    expect(main(answer('ROLLBACK_REQUESTED', 'BAKE_TIME', 100, { alarms: { status: 'TRIGGERED', triggeredAlarmNames: ['a', 'b'] }, statusReason: 'alarm' })).error).toEqual({ code: 'ALARM_ACTIVE', message: 'a, b went into ALARM: alarm' });
  });

  test('the rollback role: its own stages as seen, traffic going back, ended by ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED', () => {
    const rb = (d: ServiceDeployment, previous?: Progress, at = 10): Progress => ecsProgressFrom(d, { role: 'rollback', stopRequested: false, ...(previous ? { previous } : {}), nowInMs: T0 + at * 1000 });
    const a = rb(answer('ROLLBACK_IN_PROGRESS', 'TEST_TRAFFIC_SHIFT', 40), undefined, 10);
    const b = rb(answer('ROLLBACK_IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT', 0), a, 12);
    const c = rb(answer('ROLLBACK_SUCCESSFUL', 'CLEAN_UP', 0, { finishedAt: new Date(T0 + 14_000) }), b, 14);
    expect(a).toMatchObject({ status: 'InProgress', terminal: false, traffic: { bluePercent: 60, greenPercent: 40 } });
    expect(c).toMatchObject({ status: 'Succeeded', statusDetail: 'ROLLBACK_SUCCESSFUL', terminal: true, completedAt: iso(14), traffic: { bluePercent: 100, greenPercent: 0 } });
    expect(c.lifecycleEvents).toEqual([
      { name: 'TEST_TRAFFIC_SHIFT', status: 'Succeeded', startedAt: iso(10), endedAt: iso(12) },
      { name: 'PRODUCTION_TRAFFIC_SHIFT', status: 'Succeeded', startedAt: iso(12), endedAt: iso(14) },
      { name: 'CLEAN_UP', status: 'Succeeded', startedAt: iso(14), endedAt: iso(14) },
    ]);
    expect(c).not.toHaveProperty('error');
    expect(rb(answer('ROLLBACK_FAILED', 'PRODUCTION_TRAFFIC_SHIFT', 0), b, 15)).toMatchObject({ status: 'Failed', terminal: true, lifecycleEvents: [{}, { name: 'PRODUCTION_TRAFFIC_SHIFT', status: 'Failed' }] });
  });

  test('no weights reported: no traffic; a stage ECS may add later is shown as it comes', () => {
    const p = main({ serviceDeploymentArn: ARN, status: 'IN_PROGRESS', lifecycleStage: 'WARM_UP' as never });
    expect(p.traffic).toBeUndefined();
    expect(p.lifecycleEvents).toEqual([{ name: 'WARM_UP', status: 'InProgress', startedAt: iso(10) }]);
  });
});

describe('--until on ECS lifecycle stages', () => {
  const at = (stage: string, status = 'IN_PROGRESS'): Progress => ecsProgressFrom(answer(status, stage), { role: 'main', stopRequested: false, nowInMs: T0 });

  test('every named stage and CodeDeploy event maps onto an ECS lifecycle stage; ECS stages map to themselves', () => {
    for (const m of UNTIL_STAGE_MAP) expect(ECS_SERVICE_DEPLOYMENT_STAGES).toContain(m.ecs);
    for (const choice of UNTIL_CHOICES) expect(ecsUntilStage(choice)).toBeDefined();
    for (const stage of ECS_SERVICE_DEPLOYMENT_STAGES) expect(ecsUntilStage(stage)).toBe(stage);
    expect(ecsUntilStage('halfway')).toBeUndefined();
  });

  test.each(UNTIL_STAGE_MAP.map((m) => [m.until, m.ecs] as const))('%s is reached once ECS has moved past %s, not before', (until, stage) => {
    const i = ECS_SERVICE_DEPLOYMENT_STAGES.indexOf(stage);
    expect(untilReached(at(stage), until)).toBe(false);
    expect(untilReached(at(ECS_SERVICE_DEPLOYMENT_STAGES[i + 1]!), until)).toBe(true);
  });

  test('a success is reached whatever the stage; a failure never is', () => {
    expect(ecsStageReached(at('PRE_SCALE_UP', 'SUCCESSFUL'), 'AfterAllowTraffic')).toBe(true);
    expect(ecsStageReached(at('BAKE_TIME', 'ROLLBACK_REQUESTED'), 'install')).toBe(false);
  });

  test('an ECS stage is refused for a CodeDeploy deployment, naming what is allowed; every choice suits ECS', () => {
    expect(untilProblem('BAKE_TIME', 'CODE_DEPLOY', '--until')).toMatch(/^--until BAKE_TIME is an ECS lifecycle stage, but the service is deployed by CodeDeploy; use one of install, test-traffic, ready, traffic-shifted, BeforeInstall, /);
    expect(untilProblem('install', 'CODE_DEPLOY', '--until')).toBeUndefined();
    for (const choice of UNTIL_CHOICES) expect(untilProblem(choice, 'ECS', '--until')).toBeUndefined();
  });
});

describe('the shared decision after a poll, on an ECS deployment', () => {
  const facts = (p: Progress, over: Partial<PollFacts> = {}): PollFacts => ({
    role: 'main',
    progress: p,
    nowInMs: T0,
    deadlineInMs: T0 + 60_000,
    interrupted: false,
    stopRequested: false,
    continueWhenReady: false,
    continued: false,
    plan: { delayInMs: 1000, calls: ['DescribeServiceDeployments'], phase: 'moving' },
    ...over,
  });
  const wait = { kind: 'wait', delayInMs: 1000, calls: ['DescribeServiceDeployments'] };
  const p = (status: string, stage: string, role: 'main' | 'rollback' = 'main'): Progress => ecsProgressFrom(answer(status, stage), { role, stopRequested: false, nowInMs: T0 });

  test('the same rules as for CodeDeploy: terminal, stop on the first signal, --until, wait', () => {
    expect(decideAfterPoll(facts(p('ROLLBACK_REQUESTED', 'SCALE_UP')))).toEqual({ kind: 'terminal' });
    expect(decideAfterPoll(facts(p('IN_PROGRESS', 'SCALE_UP'), { interrupted: true }))).toEqual({ kind: 'stop' });
    expect(decideAfterPoll(facts(p('IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT'), { until: 'test-traffic' }))).toEqual({ kind: 'until-reached' });
    expect(decideAfterPoll(facts(p('IN_PROGRESS', 'POST_TEST_TRAFFIC_SHIFT'), { until: 'test-traffic' }))).toEqual(wait);
    // A rollback is followed to its end and never stopped.
    expect(decideAfterPoll(facts(p('ROLLBACK_IN_PROGRESS', 'TEST_TRAFFIC_SHIFT', 'rollback'), { role: 'rollback', interrupted: true }))).toEqual(wait);
    expect(decideAfterPoll(facts(p('ROLLBACK_SUCCESSFUL', 'CLEAN_UP', 'rollback'), { role: 'rollback' }))).toEqual({ kind: 'terminal' });
    // ECS never waits in Ready: --continue has nothing to do.
    expect(decideAfterPoll(facts(p('IN_PROGRESS', 'BAKE_TIME'), { continueWhenReady: true }))).toEqual(wait);
  });
});

describe('the live display of an ECS deployment', () => {
  const at = (stage: string, green: number, previous?: Progress): Progress => ecsProgressFrom(answer('IN_PROGRESS', stage, green), { role: 'main', stopRequested: false, ...(previous ? { previous } : {}), nowInMs: T0 });

  test('the status block counts ECS\'s stages, shows the stage and the traffic, and counts the bake time down', () => {
    const p = at('BAKE_TIME', 100);
    const lines = statusBlock({ label: 'web', progress: p, fraction: 0.8, startedAtInMs: T0, finalWait: { label: 'bake time', endsAtInMs: T0 + 300_000 } }, T0 + 48_000, 100);
    expect(lines.slice(1)).toEqual(['  events 7/9  now: BAKE_TIME InProgress  bake time 04:12 left', '  traffic blue 0% green 100%']);
    expect(statusBlock({ label: 'web', progress: p, fraction: 0.8, startedAtInMs: T0, finalWait: { label: 'bake time', endsAtInMs: T0 } }, T0 + 5000, 100)[1]).toContain('bake time 00:00 left');
  });

  test('the progress bar: one part per stage, the production shift by green\'s weight, the bake time by its time', () => {
    const shift = at('PRODUCTION_TRAFFIC_SHIFT', 50);
    expect(progressFraction(shift)).toBeCloseTo(5.5 / 10);
    expect(progressFraction(at('BAKE_TIME', 100), { startedAtInMs: T0, nowInMs: T0 + 150_000, waitInMinutes: 5 })).toBeCloseTo(7.5 / 10);
    const fractions = ECS_SERVICE_DEPLOYMENT_STAGES.slice(1).map((s) => progressFraction(at(s, 0)));
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
  });
});
