/**
 * The failure diagnostics: the pure rules (what to ask, how to read the answers, which few lines the
 * terminal shows) and the budgeted shell with mocked clients (every part, permission denied, a call
 * that never answers, a verdict line that arrives late).
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient, GetDeploymentTargetCommand, ListDeploymentTargetsCommand, type DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { RELEASE_PROGRAM } from '../release/flags';
import { helpText } from '../scripts/cli';
import { join } from 'node:path';
import {
  Diagnostics,
  diagnosisLines,
  diagnosticsMarkdown,
  DiagnosticsDeps,
  DIAGNOSTICS_IAM_ACTIONS,
  ecsTargetFacts,
  failureNote,
  gatherDiagnostics,
  hookLogQuery,
  hookVerdicts,
  serviceEventsSince,
  stoppedTasks,
  targetHealth,
} from '../release/diagnostics';

const ID = 'd-ABCDEFGH1';
const CREATED = Date.parse('2026-11-26T03:00:00Z');
const TASK_SET = 'ecs-svc/1234567890123456789';
const denied = (action: string, name = 'AccessDeniedException') =>
  Object.assign(new Error(`User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`), { name });

const TARGET: DeploymentTarget = {
  deploymentTargetType: 'ECSTarget',
  ecsTarget: {
    deploymentId: ID,
    targetId: 'bluegreen-dev:web',
    targetArn: 'arn:aws:ecs:us-east-1:123456789012:service/bluegreen-dev/web',
    taskSetsInfo: [
      { identifer: 'ecs-svc/1111111111111111111', taskSetLabel: 'Blue', targetGroup: { name: 'web-blue' }, trafficWeight: 100 },
      { identifer: TASK_SET, taskSetLabel: 'Green', targetGroup: { name: 'web-green' }, trafficWeight: 0 },
    ],
  },
};

const verdictLine = (id: string, status: string, reason: string, exec = 'exec-1'): string =>
  JSON.stringify({ time: '2026-11-26T03:01:00.000Z', level: status === 'Succeeded' ? 'info' : 'warn', event: 'hook.verdict', deploymentId: id, lifecycleEventHookExecutionId: exec, status, reason });

describe('what to ask', () => {
  test('the ECS target gives cluster, service, green task set and target group; the service ARN is the fallback', () => {
    expect(ecsTargetFacts(TARGET)).toEqual({ clusterName: 'bluegreen-dev', serviceName: 'web', greenTaskSetId: TASK_SET, greenTargetGroupName: 'web-green' });
    expect(ecsTargetFacts({ ecsTarget: { targetArn: 'arn:aws:ecs:us-east-1:1:service/c/s' } })).toEqual({ clusterName: 'c', serviceName: 's' });
    expect(ecsTargetFacts(undefined)).toEqual({});
    expect(ecsTargetFacts({ instanceTarget: {} })).toEqual({});
  });

  test('the log query selects this deployment\'s verdicts from a minute before its creation; an ARN goes in logGroupIdentifier', () => {
    expect(hookLogQuery({ logGroup: '/aws/lambda/hook', deploymentId: ID, createdAtInMs: CREATED, nowInMs: CREATED + 5000 })).toEqual({
      logGroupName: '/aws/lambda/hook',
      filterPattern: `{ ($.event = "hook.verdict") && ($.deploymentId = "${ID}") }`,
      startTime: CREATED - 60_000,
      endTime: CREATED + 65_000,
    });
    const arn = hookLogQuery({ logGroup: 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/hook:*', deploymentId: 'd-"x"', createdAtInMs: 0, nowInMs: 0 });
    expect(arn).toMatchObject({ logGroupIdentifier: 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/hook', filterPattern: '{ $.event = "hook.verdict" }', startTime: 0 });
    expect(arn).not.toHaveProperty('logGroupName');
  });
});

describe('reading the answers', () => {
  test('verdict lines: the hook\'s raw JSON, behind a runtime text prefix, or wrapped by Lambda\'s JSON log format; others ignored', () => {
    const events = [
      { timestamp: 3000, logStreamName: 's', message: `${verdictLine(ID, 'Failed', 'late')}\n` },
      { timestamp: 1000, logStreamName: 's', message: `2026-11-26T03:01:00.000Z\treq\tINFO\t${verdictLine(ID, 'Failed', 'GET /health: status 503 (expected 200), 5 attempts')}` },
      { timestamp: 2000, logStreamName: 's', message: JSON.stringify({ timestamp: 'x', level: 'INFO', requestId: 'r', message: JSON.parse(verdictLine(ID, 'Succeeded', 'ok', 'exec-2')) }) },
      { timestamp: 1500, message: verdictLine('d-OTHER0000', 'Failed', 'not ours') },
      { timestamp: 1600, message: 'START RequestId: r' },
      { timestamp: 1700, message: '{ broken json' },
      { timestamp: 1800, message: JSON.stringify({ event: 'hook.start', deploymentId: ID }) },
    ];
    expect(hookVerdicts(events, ID)).toEqual([
      { time: '1970-01-01T00:00:01.000Z', logStreamName: 's', status: 'Failed', reason: 'GET /health: status 503 (expected 200), 5 attempts', lifecycleEventHookExecutionId: 'exec-1' },
      { time: '1970-01-01T00:00:02.000Z', logStreamName: 's', status: 'Succeeded', reason: 'ok', lifecycleEventHookExecutionId: 'exec-2' },
      { time: '1970-01-01T00:00:03.000Z', logStreamName: 's', status: 'Failed', reason: 'late', lifecycleEventHookExecutionId: 'exec-1' },
    ]);
  });

  test('service events since the deployment, oldest first; stopped tasks newest first with exit codes; target health', () => {
    const events = serviceEventsSince(
      [
        { id: '3', createdAt: new Date(CREATED + 2000), message: '(service web) (task abc) failed container health checks.' },
        { id: '2', createdAt: new Date(CREATED + 1000), message: '(service web) has started 1 tasks: (task abc).' },
        { id: '1', createdAt: new Date(CREATED - 1000), message: '(service web) has reached a steady state.' },
      ],
      CREATED,
    );
    expect(events.map((e) => e.message)).toEqual(['(service web) has started 1 tasks: (task abc).', '(service web) (task abc) failed container health checks.']);
    const tasks = stoppedTasks([
      { taskArn: 'arn:aws:ecs:us-east-1:1:task/c/old', desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied', stoppedAt: new Date(CREATED + 1000), containers: [{ name: 'web', reason: 'CannotPullContainerError' }] },
      { taskArn: 'arn:aws:ecs:us-east-1:1:task/c/new', desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', stoppedAt: new Date(CREATED + 2000), containers: [{ name: 'web', exitCode: 1 }, { name: 'sidecar', exitCode: 0 }] },
      { taskArn: 'arn:aws:ecs:us-east-1:1:task/c/running', desiredStatus: 'RUNNING', lastStatus: 'RUNNING', containers: [] },
    ]);
    expect(tasks.map((t) => t.taskArn.split('/').pop())).toEqual(['new', 'old']);
    expect(tasks[0]!.containers).toEqual([{ name: 'web', exitCode: 1 }, { name: 'sidecar', exitCode: 0 }]);
    expect(tasks[1]!.containers).toEqual([{ name: 'web', reason: 'CannotPullContainerError' }]);
    expect(targetHealth([{ Target: { Id: '10.0.1.23', Port: 8080 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } }, { Target: { Id: '10.0.2.7' }, TargetHealth: { State: 'healthy' } }])).toEqual([
      { id: '10.0.1.23', port: 8080, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' },
      { id: '10.0.2.7', state: 'healthy' },
    ]);
  });

  test('a failure note names the denied action from AWS\'s message, else the action called; a timeout says how long', () => {
    expect(failureNote('ecs:DescribeServices', denied('ecs:DescribeServices'))).toBe('ecs:DescribeServices denied (AccessDeniedException); grant "ecs:DescribeServices" to see this');
    expect(failureNote('elasticloadbalancing:DescribeTargetHealth', Object.assign(new Error('denied'), { name: 'AccessDenied' }))).toBe(
      'elasticloadbalancing:DescribeTargetHealth denied (AccessDenied); grant "elasticloadbalancing:DescribeTargetHealth" to see this',
    );
    expect(failureNote('ecs:ListTasks', Object.assign(new Error('nope'), { name: 'UnauthorizedOperation' }))).toMatch(/^ecs:ListTasks denied \(UnauthorizedOperation\)/);
    expect(failureNote('logs:FilterLogEvents', new Error('x'), 3000)).toBe('logs:FilterLogEvents gave no answer within 3000 ms');
    expect(failureNote('ecs:ListTasks', Object.assign(new Error('bad\nsecond line'), { name: 'ClientException' }))).toBe('ecs:ListTasks failed (ClientException: bad)');
  });
});

function diagnostics(overrides: Partial<Diagnostics> = {}): Diagnostics {
  return {
    deploymentId: ID,
    trigger: 'failed',
    gatheredAt: '2026-11-26T03:05:00.000Z',
    durationInMs: 800,
    hook: { status: 'gathered', logGroupName: '/aws/lambda/hook', verdictExpected: true, verdicts: [] },
    ecs: { status: 'gathered', clusterName: 'c', serviceName: 'web', greenTaskSetId: TASK_SET, events: [], stoppedTasks: [] },
    targets: { status: 'gathered', targetGroupName: 'web-green', targets: [{ id: '10.0.1.23', port: 8080, state: 'healthy' }] },
    ...overrides,
  };
}

describe('what the terminal shows', () => {
  const texts = (d: Diagnostics): string[] => diagnosisLines(d).map((l) => `${l.kind} ${l.text}`);

  test('hook failed: the verdict\'s reason; a Succeeded verdict is not an explanation', () => {
    const d = diagnostics({
      hook: {
        status: 'gathered',
        logGroupName: '/aws/lambda/hook',
        verdictExpected: true,
        verdicts: [
          { time: 't1', status: 'Succeeded', reason: 'all 1 checks passed' },
          { time: 't2', status: 'Failed', reason: 'GET /health: status 503 (expected 200), 5 attempts' },
        ],
      },
    });
    expect(texts(d)).toEqual(['diagnosis hook Failed: GET /health: status 503 (expected 200), 5 attempts']);
  });

  test('no verdict line: said when a hook event failed, not when the failure lies elsewhere', () => {
    const hook = { status: 'gathered' as const, logGroupName: 'g', verdicts: [], note: `no hook.verdict line for ${ID} in g` };
    expect(texts(diagnostics({ hook: { ...hook, verdictExpected: true } }))).toEqual([`diagnosis hook log: no hook.verdict line for ${ID} in g`]);
    expect(texts(diagnostics({ hook: { ...hook, verdictExpected: false } }))).toEqual([]);
  });

  test('tasks stopped: reason, stop code and exit codes, one line per kind of stop', () => {
    const stopped = (id: string, exitCode: number) => ({ taskArn: `arn:aws:ecs:us-east-1:1:task/c/${id}`, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', stoppedAt: '2026-11-26T03:02:00.000Z', containers: [{ name: 'web', exitCode }] });
    const d = diagnostics({ ecs: { ...diagnostics().ecs, stoppedTasks: [stopped('a1', 137), stopped('b2', 137), stopped('c3', 1)] } });
    expect(texts(d)).toEqual([
      'diagnosis task a1 stopped: Essential container in task exited (EssentialContainerExited); web exit 137 (and 1 more like it)',
      'diagnosis task c3 stopped: Essential container in task exited (EssentialContainerExited); web exit 1',
    ]);
  });

  test('targets unhealthy: the reason code and description, counted; all healthy shows nothing', () => {
    const d = diagnostics({
      targets: {
        status: 'gathered',
        targetGroupName: 'web-green',
        targets: [
          { id: '10.0.1.23', port: 8080, state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' },
          { id: '10.0.2.7', port: 8080, state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' },
          { id: '10.0.3.9', port: 8080, state: 'healthy' },
        ],
      },
    });
    expect(texts(d)).toEqual(['diagnosis targets web-green: 2 of 3 unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [503] (e.g. 10.0.1.23:8080)']);
    expect(texts(diagnostics())).toEqual([]);
    expect(texts(diagnostics({ targets: { status: 'gathered', targetGroupName: 'web-green', targets: [] } }))).toEqual(['diagnosis targets web-green: no targets registered']);
  });

  test('service events: only the ones that tell of a problem, the last three', () => {
    const events = ['has started 1 tasks', '(task a) failed container health checks.', 'is unable to consistently start tasks successfully.', 'deregistered 1 targets', '(task b) failed container health checks.', 'Task failed ELB health checks in (target-group web-green)'].map((m, i) => ({ time: `2026-11-26T03:0${i}:00.000Z`, message: `(service web) ${m}` }));
    expect(texts(diagnostics({ ecs: { ...diagnostics().ecs, events } }))).toEqual([
      'diagnosis ecs-event 03:02:00 (service web) is unable to consistently start tasks successfully.',
      'diagnosis ecs-event 03:04:00 (service web) (task b) failed container health checks.',
      'diagnosis ecs-event 03:05:00 (service web) Task failed ELB health checks in (target-group web-green)',
    ]);
  });

  test('permission denied on a diagnostic call: one line per part, naming the permission', () => {
    const d = diagnostics({
      hook: { status: 'skipped', logGroupName: '/aws/lambda/hook', verdictExpected: true, verdicts: [], note: failureNote('logs:FilterLogEvents', denied('logs:FilterLogEvents')) },
      ecs: { status: 'skipped', events: [], stoppedTasks: [], note: failureNote('ecs:DescribeServices', denied('ecs:DescribeServices')) },
      targets: { status: 'failed', targetGroupName: 'web-green', targets: [], note: 'elasticloadbalancing:DescribeTargetHealth gave no answer within 3000 ms' },
    });
    expect(texts(d)).toEqual([
      'diagnosis skipped hook log: logs:FilterLogEvents denied (AccessDeniedException); grant "logs:FilterLogEvents" to see this',
      'diagnosis skipped ecs: ecs:DescribeServices denied (AccessDeniedException); grant "ecs:DescribeServices" to see this',
      'diagnosis failed targets: elasticloadbalancing:DescribeTargetHealth gave no answer within 3000 ms',
    ]);
  });

  test('long texts are cut to one line of at most 300 characters', () => {
    const reason = `first\nsecond ${'x'.repeat(400)}`;
    const [line] = diagnosisLines(diagnostics({ hook: { status: 'gathered', logGroupName: 'g', verdictExpected: true, verdicts: [{ time: 't', status: 'Failed', reason }] } }));
    expect(line!.text).not.toContain('\n');
    expect(line!.text.length).toBe(300);
    expect(line!.text.endsWith('…')).toBe(true);
  });

  test('the step summary carries everything, with table cells escaped', () => {
    const d = diagnostics({
      hook: { status: 'gathered', logGroupName: '/aws/lambda/hook', verdictExpected: true, verdicts: [{ time: 't', status: 'Failed', reason: 'a | b', lifecycleEventHookExecutionId: 'exec-1' }] },
      ecs: { ...diagnostics().ecs, events: [{ time: 't', message: 'ok event' }], stoppedTasks: [{ taskArn: 'arn:x/task/c/t1', stopCode: 'EssentialContainerExited', stoppedReason: 'exited', containers: [{ name: 'web', exitCode: 2 }] }], note: 'one note' },
    });
    const md = diagnosticsMarkdown(d);
    expect(md).toContain('| t | Failed | a \\| b | exec-1 |');
    expect(md).toContain('| t1 |  | EssentialContainerExited | exited | web exit 2 |');
    expect(md).toContain('| 10.0.1.23:8080 | healthy |  |  |');
    expect(md).toContain('| t | ok event |');
    expect(md).toContain('- ECS (gathered): one note');
  });
});

describe('gathering with mocked clients', () => {
  const codedeploy = mockClient(CodeDeployClient);
  const logs = mockClient(CloudWatchLogsClient);
  const ecs = mockClient(ECSClient);
  const elbv2 = mockClient(ElasticLoadBalancingV2Client);
  const clients = {
    codedeploy: new CodeDeployClient({ region: 'us-east-1' }),
    logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
    ecs: new ECSClient({ region: 'us-east-1' }),
    elbv2: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
  };
  let sleeps: number[];
  // Sleeps advance this clock; calls take real (mock: no) time.
  let slept: number;
  const deps = (budget = { perCallInMs: 200, totalInMs: 1000 }): DiagnosticsDeps => ({
    ...clients,
    clock: () => Date.now() + slept,
    sleep: async (ms) => {
      sleeps.push(ms);
      slept += ms;
    },
    budget,
  });
  const request = { deploymentId: ID, trigger: 'failed' as const, createdAt: new Date(CREATED).toISOString(), hookLogGroupName: '/aws/lambda/hook', expectHookVerdict: true };

  beforeEach(() => {
    sleeps = [];
    slept = 0;
    for (const m of [codedeploy, logs, ecs, elbv2]) m.reset();
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['bluegreen-dev:web'] });
    codedeploy.on(GetDeploymentTargetCommand).resolves({ deploymentTarget: TARGET });
    logs.on(FilterLogEventsCommand).resolves({ events: [{ timestamp: CREATED + 60_000, message: verdictLine(ID, 'Failed', 'GET /health: status 503 (expected 200), 5 attempts') }] });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'web', events: [{ id: 'e', createdAt: new Date(CREATED + 1000), message: '(service web) (task t1) failed container health checks.' }] }] });
    ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:us-east-1:1:task/bluegreen-dev/t1'] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:1:task/bluegreen-dev/t1', desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'web', exitCode: 1 }] }] });
    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupName: 'web-green', TargetGroupArn: 'arn:tg/web-green/1' }] });
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: '10.0.1.23', Port: 8080 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } }] });
  });

  test('every part, with the requests the release documents', async () => {
    const d = await gatherDiagnostics(request, deps());
    expect(d.hook).toEqual({ status: 'gathered', logGroupName: '/aws/lambda/hook', verdictExpected: true, verdicts: [expect.objectContaining({ status: 'Failed', reason: 'GET /health: status 503 (expected 200), 5 attempts' })] });
    expect(d.ecs).toMatchObject({ status: 'gathered', clusterName: 'bluegreen-dev', serviceName: 'web', greenTaskSetId: TASK_SET, events: [{ message: '(service web) (task t1) failed container health checks.' }], stoppedTasks: [{ stopCode: 'EssentialContainerExited', containers: [{ name: 'web', exitCode: 1 }] }] });
    expect(d.ecs.note).toBeUndefined();
    expect(d.targets).toEqual({ status: 'gathered', targetGroupName: 'web-green', targetGroupArn: 'arn:tg/web-green/1', targets: [{ id: '10.0.1.23', port: 8080, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }] });
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toMatchObject({ logGroupName: '/aws/lambda/hook', filterPattern: expect.stringContaining(ID), startTime: CREATED - 60_000 });
    expect(ecs.commandCalls(ListTasksCommand)[0]!.args[0].input).toEqual({ cluster: 'bluegreen-dev', startedBy: TASK_SET, desiredStatus: 'STOPPED', maxResults: 100 });
    expect(ecs.commandCalls(DescribeTasksCommand)[0]!.args[0].input).toEqual({ cluster: 'bluegreen-dev', tasks: ['arn:aws:ecs:us-east-1:1:task/bluegreen-dev/t1'] });
    expect(elbv2.commandCalls(DescribeTargetHealthCommand)[0]!.args[0].input).toEqual({ TargetGroupArn: 'arn:tg/web-green/1' });
    // Every call carried an abort signal.
    expect((ecs.commandCalls(DescribeServicesCommand)[0]!.args as unknown[])[1]).toMatchObject({ abortSignal: expect.any(AbortSignal) });
  });

  test('the calls made are exactly the IAM actions docs/release.md lists for the diagnostics', async () => {
    await gatherDiagnostics(request, deps());
    const prefix: Record<string, string> = { logs: 'logs', ecs: 'ecs', elbv2: 'elasticloadbalancing' };
    const called = Object.entries({ logs, ecs, elbv2 }).flatMap(([name, m]) => m.calls().map((c) => `${prefix[name]}:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`));
    expect([...new Set(called)].sort()).toEqual([...DIAGNOSTICS_IAM_ACTIONS].sort());
    const docs = readFileSync(join(__dirname, '..', 'docs', 'release.md'), 'utf8');
    const iamSection = docs.slice(docs.indexOf('## IAM permissions of the caller'));
    const listed = [...iamSection.matchAll(/`((?:logs|ecs|elasticloadbalancing):[A-Za-z]+)`/g)].map((m) => m[1]);
    expect([...new Set(listed)].sort()).toEqual([...DIAGNOSTICS_IAM_ACTIONS].sort());
    const help = helpText(RELEASE_PROGRAM).replace(/\s+/g, ' ');
    for (const action of DIAGNOSTICS_IAM_ACTIONS) expect(help).toContain(action);
  });

  test('a target the release already read is not read again', async () => {
    await gatherDiagnostics({ ...request, target: TARGET }, deps());
    expect(codedeploy.calls()).toHaveLength(0);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1);
  });

  test('permission denied on each part: skipped with a note naming the permission, the other parts still gathered', async () => {
    logs.on(FilterLogEventsCommand).rejects(denied('logs:FilterLogEvents'));
    ecs.on(ListTasksCommand).rejects(denied('ecs:ListTasks'));
    elbv2.on(DescribeTargetHealthCommand).rejects(denied('elasticloadbalancing:DescribeTargetHealth', 'AccessDenied'));
    const d = await gatherDiagnostics(request, deps());
    expect(d.hook).toMatchObject({ status: 'skipped', note: 'logs:FilterLogEvents denied (AccessDeniedException); grant "logs:FilterLogEvents" to see this', verdicts: [] });
    expect(d.ecs).toMatchObject({ status: 'gathered', note: 'ecs:ListTasks denied (AccessDeniedException); grant "ecs:ListTasks" to see this', stoppedTasks: [] });
    expect(d.ecs.events).toHaveLength(1);
    expect(d.targets).toMatchObject({ status: 'skipped', note: expect.stringMatching(/^elasticloadbalancing:DescribeTargetHealth denied \(AccessDenied\)/) });
    ecs.on(DescribeServicesCommand).rejects(denied('ecs:DescribeServices'));
    expect((await gatherDiagnostics(request, deps())).ecs.status).toBe('skipped');
  });

  test('CodeDeploy target denied: ECS and target parts say so; the hook part does not need it', async () => {
    codedeploy.on(GetDeploymentTargetCommand).rejects(denied('codedeploy:GetDeploymentTarget'));
    const d = await gatherDiagnostics(request, deps());
    expect(d.hook.status).toBe('gathered');
    expect(d.ecs).toMatchObject({ status: 'skipped', note: expect.stringMatching(/^codedeploy:GetDeploymentTarget denied/) });
    expect(d.targets).toMatchObject({ status: 'skipped', note: expect.stringMatching(/^codedeploy:GetDeploymentTarget denied/) });
    expect(ecs.calls()).toHaveLength(0);
  });

  test('a call that never answers is cut off at its budget, and the whole gathering at the total', async () => {
    ecs.on(DescribeServicesCommand).callsFake(() => new Promise(() => undefined));
    elbv2.on(DescribeTargetGroupsCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    const d = await gatherDiagnostics(request, deps({ perCallInMs: 150, totalInMs: 5000 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(d.ecs.note).toContain('ecs:DescribeServices gave no answer within 150 ms');
    expect(d.ecs.stoppedTasks).toHaveLength(1);
    expect(d.targets).toMatchObject({ status: 'failed', note: 'elasticloadbalancing:DescribeTargetGroups gave no answer within 150 ms' });
  });

  test('a verdict line not ingested yet is searched for again within the budget; without a failed hook event, once', async () => {
    logs.on(FilterLogEventsCommand).resolvesOnce({ events: [] }).resolvesOnce({ events: [], nextToken: 't' }).resolvesOnce({ events: [] }).resolves({ events: [{ timestamp: CREATED, message: verdictLine(ID, 'Failed', 'finally') }] });
    const d = await gatherDiagnostics(request, deps({ perCallInMs: 200, totalInMs: 10_000 }));
    expect(d.hook.verdicts.map((v) => v.reason)).toEqual(['finally']);
    // Empty, then one search of two pages (the second empty too), then the line.
    expect(sleeps).toEqual([1000, 1000]);
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, undefined, 't', undefined]);
    // Within a total of 2 s there is room for one more search only.
    logs.reset();
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    sleeps = [];
    const short = await gatherDiagnostics(request, deps({ perCallInMs: 200, totalInMs: 2000 }));
    expect(sleeps).toEqual([1000]);
    expect(short.hook.note).toBe(`no hook.verdict line for ${ID} in /aws/lambda/hook`);
    logs.reset();
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    const once = await gatherDiagnostics({ ...request, expectHookVerdict: false }, deps());
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(1);
    expect(once.hook).toMatchObject({ status: 'gathered', verdicts: [], note: `no hook.verdict line for ${ID} in /aws/lambda/hook` });
  });

  test('no hook, no log group, no green task set: each part says so', async () => {
    logs.on(FilterLogEventsCommand).rejects(Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException' }));
    codedeploy.on(GetDeploymentTargetCommand).resolves({ deploymentTarget: { ecsTarget: { targetId: 'c:web', taskSetsInfo: [{ identifer: 'blue', taskSetLabel: 'Blue' }] } } });
    const d = await gatherDiagnostics(request, deps());
    expect(d.hook).toMatchObject({ status: 'skipped', note: expect.stringContaining('log group /aws/lambda/hook does not exist') });
    expect(d.ecs.note).toBe('green task set unknown: stopped tasks not looked up');
    expect(d.targets).toMatchObject({ status: 'failed', note: expect.stringContaining("green's target group is unknown") });
    const noHook = await gatherDiagnostics({ ...request, hookLogGroupName: undefined }, deps());
    expect(noHook.hook).toMatchObject({ status: 'skipped', note: 'no hook function in the inputs' });
  });
});
