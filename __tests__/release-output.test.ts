import { classifyAwsError, describeAwsError } from '../release/aws-errors';
import { captureProcessWarnings, countdownText, fitToWidth, formatElapsed, formatPercent, LiveArea, plainDisplay, plainTimestamp, progressBar, type ProgressView, statusBlock, ttyDisplay, WarningEmitter, warningLine } from '../release/display';
import type { ExpectedChange } from '../release/expected-change';
import { exitCodeFor } from '../release/exit-codes';
import { githubOutputLines, githubOutputText, ReleaseReport, stepSummaryMarkdown } from '../release/report';
import { consoleUrl, lambdaLogGroup } from '../release/request';
import { progressFrom } from '../release/progress';

describe('exitCodeFor', () => {
  test('maps every outcome to the documented exit code', () => {
    expect([
      exitCodeFor({ kind: 'succeeded' }),
      exitCodeFor({ kind: 'dry-run' }),
      exitCodeFor({ kind: 'until-reached', stage: 'ready' }),
      exitCodeFor({ kind: 'failed', status: 'Failed' }),
      exitCodeFor({ kind: 'invalid-input' }),
      exitCodeFor({ kind: 'timeout' }),
      exitCodeFor({ kind: 'active-deployment', activeDeploymentId: 'd-1' }),
      exitCodeFor({ kind: 'aws-error' }),
      exitCodeFor({ kind: 'interrupted' }),
    ]).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 130]);
  });
});

describe('classifyAwsError', () => {
  const err = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
  test('sorts errors by how the release reacts', () => {
    expect(classifyAwsError(err('ThrottlingException')).kind).toBe('throttling');
    expect(classifyAwsError(err('Whatever', 429)).kind).toBe('throttling');
    expect(classifyAwsError(err('AccessDeniedException')).kind).toBe('access-denied');
    expect(classifyAwsError(err('ExpiredTokenException')).kind).toBe('credentials');
    expect(classifyAwsError(err('DeploymentLimitExceededException')).kind).toBe('deployment-limit');
    expect(classifyAwsError(err('DeploymentGroupDoesNotExistException')).kind).toBe('not-found');
    expect(classifyAwsError(err('InternalFailure', 500)).kind).toBe('transient');
    expect(classifyAwsError(err('SomethingElse', 400)).kind).toBe('other');
  });
  test('every throttling code of the AWS SDK, and its throttling flag, is throttling', () => {
    for (const name of ['ThrottledException', 'RequestThrottledException', 'RequestThrottled', 'PriorRequestNotComplete', 'BandwidthLimitExceeded']) {
      expect(classifyAwsError(err(name, 400)).kind).toBe('throttling');
    }
    expect(classifyAwsError(Object.assign(err('RateExceeded', 400), { $retryable: { throttling: true } })).kind).toBe('throttling');
  });
  test('access denied inside CreateDeployment names the action AWS denied, not CreateDeployment', () => {
    const denied = Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/ci/gh is not authorized to perform: codedeploy:RegisterApplicationRevision on resource: arn:aws:codedeploy:us-east-1:123456789012:application:app'), { name: 'AccessDeniedException' });
    expect(describeAwsError('CreateDeployment', classifyAwsError(denied))).toMatch(/^AWS denied codedeploy:RegisterApplicationRevision \(AccessDeniedException: User: .*\)\. Grant the caller the IAM permission "codedeploy:RegisterApplicationRevision"/);
  });
  test('access denied names the action and the IAM permission', () => {
    expect(describeAwsError('StopDeployment', classifyAwsError(err('AccessDeniedException')))).toBe(
      'AWS denied codedeploy:StopDeployment (AccessDeniedException: AccessDeniedException happened). Grant the caller the IAM permission "codedeploy:StopDeployment" (see npm run release -- --help for the full list).',
    );
  });
});

describe('links', () => {
  test('console URL per partition and the hook log group from a name or an ARN', () => {
    expect(consoleUrl('eu-west-1', 'd-ABC')).toBe('https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABC?region=eu-west-1');
    expect(consoleUrl('cn-north-1', 'd-ABC')).toBe('https://cn-north-1.console.amazonaws.cn/codesuite/codedeploy/deployments/d-ABC?region=cn-north-1');
    expect(consoleUrl('us-gov-west-1', 'd-ABC')).toBe('https://console.amazonaws-us-gov.com/codesuite/codedeploy/deployments/d-ABC?region=us-gov-west-1');
    expect(lambdaLogGroup('CodeDeployHook_x')).toBe('/aws/lambda/CodeDeployHook_x');
    expect(lambdaLogGroup('arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_x:live')).toBe('/aws/lambda/CodeDeployHook_x');
  });
});

describe('plain display', () => {
  test('one timestamped line per call, second precision UTC', () => {
    let text = '';
    const d = plainDisplay({ write: (t) => void (text += t) }, () => Date.parse('2026-11-26T03:00:01.999Z'));
    d.line('lifecycle', 'BeforeAllowTraffic InProgress');
    d.line('traffic', `blue ${formatPercent(87.5)}% green ${formatPercent(12.5)}%`);
    expect(text).toBe('2026-11-26T03:00:01Z lifecycle BeforeAllowTraffic InProgress\n2026-11-26T03:00:01Z traffic blue 87.5% green 12.5%\n');
    expect(plainTimestamp(0)).toBe('1970-01-01T00:00:00Z');
    expect(formatPercent(10)).toBe('10');
  });
});

describe('tty display', () => {
  /** A live area that keeps what log-update would be asked to draw. */
  function fakeLiveArea(): LiveArea & { frames: string[]; calls: string[] } {
    const frames: string[] = [];
    const calls: string[] = [];
    return {
      frames,
      calls,
      render: (text) => (frames.push(text), calls.push('render')),
      clear: () => void calls.push('clear'),
      done: () => void calls.push('done'),
    };
  }

  test('permanent lines go above the block (cleared, written, redrawn); in-progress noise stays in the block', () => {
    let text = '';
    let now = 0;
    const live = fakeLiveArea();
    const d = ttyDisplay({ write: (t) => void (text += t), columns: 80 }, () => now, { live, colors: false });
    const progress = progressFrom({ deploymentId: 'd-1', status: 'InProgress' }, { ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'BeforeInstall', status: 'InProgress' }], taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 100 }, { taskSetLabel: 'Green', trafficWeight: 0 }] } });
    d.progress({ label: 'd-1', progress, fraction: 0.5, startedAtInMs: 0 });
    now = 65000;
    d.tick();
    expect(live.frames[live.frames.length - 1]).toContain('01:05');
    d.line('lifecycle', 'BeforeInstall InProgress');
    expect(text).toBe('');
    live.calls.length = 0;
    d.line('lifecycle', 'BeforeInstall Succeeded');
    expect(text).toBe('00:01:05 lifecycle BeforeInstall Succeeded\n');
    expect(live.calls).toEqual(['clear', 'render']);
    // Every traffic step stays in the scrollback, in the plain line's words (issue 16 §3); statuses do not.
    d.line('traffic', 'blue 90% green 10%');
    d.line('status', 'InProgress');
    expect(text).toBe('00:01:05 lifecycle BeforeInstall Succeeded\n00:01:05 traffic blue 90% green 10%\n');
    d.close();
    expect(live.calls.slice(-2)).toEqual(['render', 'done']);
    d.line('result', 'Succeeded d-1 exit 0');
    expect(live.calls.slice(-1)).toEqual(['clear']); // nothing is redrawn after close
  });

  test('the block fits any width: no line reaches the last column; the bar shrinks, then gives way', () => {
    const progress = progressFrom({ deploymentId: 'd-ABCDEF123', status: 'InProgress' }, { ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'AfterAllowTestTraffic', status: 'InProgress' }], taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 87.5 }, { taskSetLabel: 'Green', trafficWeight: 12.5 }] } });
    for (const label of ['d-ABCDEF123', 'rollback d-ABCDEF123']) {
      for (let columns = 1; columns <= 120; columns++) {
        const lines = statusBlock({ label, progress: { ...progress, terminationWaitStarted: true }, fraction: 0.58, startedAtInMs: 0 }, 151_000, columns);
        for (const l of lines) expect([...l].length).toBeLessThanOrEqual(Math.max(1, columns - 1));
        if (columns >= 60) expect(lines[0]).toMatch(/^\S+( \S+)? InProgress {2}[█░]{8,24}  58% {2}02:31$/);
      }
    }
    expect(statusBlock({ label: 'd-ABCDEF123', progress, fraction: 0.58, startedAtInMs: 0 }, 151_000, 40)[0]).toBe('d-ABCDEF123 InProgress  58%  02:31');
    expect(statusBlock({ label: 'rollback d-ABCDEF123', progress, fraction: 0.58, startedAtInMs: 0 }, 151_000, 40)[0]).toBe('rollback d-ABCDEF123 InProgress  02:31');
    expect(fitToWidth('abcdef', 4)).toBe('abc…');
    expect(fitToWidth('abc', 3)).toBe('abc');
  });

  test('process warnings: one line each, delivered to the display, Node\'s printer given back', () => {
    const listeners = new Map<string, ((w: Error) => void)[]>([['warning', []]]);
    const printed: string[] = [];
    const printer = (w: Error): void => void printed.push(w.message);
    listeners.get('warning')!.push(printer);
    const proc = {
      on: (_: string, l: (w: Error) => void) => (listeners.get('warning')!.push(l), proc),
      off: (_: string, l: (w: Error) => void) => (listeners.get('warning')!.splice(listeners.get('warning')!.indexOf(l), 1), proc),
      listeners: () => [...listeners.get('warning')!],
    };
    const emit = (w: Error): void => listeners.get('warning')!.forEach((l) => l(w));
    const capture = captureProcessWarnings(proc as unknown as WarningEmitter);
    const sdk = Object.assign(new Error('NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions published after …\n\nMore information can be found at: https://a.co/c895JFp'), { name: 'Warning' });
    emit(sdk); // before anyone listens: kept
    const lines: string[] = [];
    const unsubscribe = capture.subscribe((t) => lines.push(t));
    emit(Object.assign(new Error('two\nlines'), { name: 'DeprecationWarning' }));
    expect(lines).toEqual(['NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) versions published after … More information can be found at: https://a.co/c895JFp', 'DeprecationWarning: two lines']);
    expect(printed).toEqual([]);
    unsubscribe();
    capture.release();
    emit(new Error('after'));
    expect(printed).toEqual(['after']);
    expect(warningLine(Object.assign(new Error('x'), { name: 'TestWarning' }))).toBe('TestWarning: x');
  });

  test('status block: bar, percent, elapsed, current event and traffic', () => {
    const progress = progressFrom({ deploymentId: 'd-1', status: 'InProgress' }, { ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'AllowTraffic', status: 'InProgress' }], taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 90 }, { taskSetLabel: 'Green', trafficWeight: 10 }] } });
    const lines = statusBlock({ label: 'd-1', progress, fraction: 0.25, startedAtInMs: 0 }, 3723000);
    expect(lines[0]).toContain(`${progressBar(0.25)}  25%  1:02:03`);
    expect(lines[1]).toBe('  events 0/8  now: AllowTraffic InProgress');
    expect(lines[2]).toBe('  traffic blue 90% green 10%');
    expect(progressBar(0.5, 4)).toBe('██░░');
    expect(formatElapsed(59000)).toBe('00:59');
  });

  test('status block: a countdown for every timed wait, held at 00:00 until the change is seen, none once it ended', () => {
    const shifting = progressFrom({ deploymentId: 'd-1', status: 'InProgress' }, { ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'AllowTraffic', status: 'InProgress' }], taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 90 }, { taskSetLabel: 'Green', trafficWeight: 10 }] } });
    const view = (expected: ExpectedChange, progress = shifting): ProgressView => ({ label: 'd-1', progress, fraction: 0.5, startedAtInMs: 0, expected });
    const wait = (kind: ExpectedChange['kind'], next: ExpectedChange['next']): ExpectedChange => ({ kind, startedAtInMs: 0, dueAtInMs: 300_000, next });
    const traffic = (greenPercent: number): ExpectedChange['next'] => ({ kind: 'traffic', greenPercent });
    expect(statusBlock(view(wait('canary-interval', traffic(100))), 48_000)).toEqual([expect.any(String), '  events 0/8  now: AllowTraffic InProgress', '  traffic blue 90% green 10%', '  canary interval 04:12 left, then green 100%']);
    expect(statusBlock(view(wait('linear-step', traffic(20))), 299_500).at(-1)).toBe('  linear step 00:00 left, then green 20%');
    expect(statusBlock(view(wait('linear-step', traffic(20))), 400_000).at(-1)).toBe('  linear step 00:00 left, then green 20%');
    const ready = progressFrom({ deploymentId: 'd-1', status: 'Ready' }, { ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'AfterAllowTestTraffic', status: 'Succeeded' }] } });
    expect(statusBlock(view(wait('ready-wait', { kind: 'stop' }), ready), 0).at(-1)).toBe('  ready wait 05:00 left, then it stops unless continued');
    expect(countdownText(wait('termination-wait', { kind: 'end' }), 240_000)).toEqual({ head: 'termination wait 01:00 left', tail: '' });
    expect(countdownText(wait('bake-time', { kind: 'end' }), 0)).toEqual({ head: 'bake time 05:00 left', tail: '' });
    // A narrow terminal keeps the countdown and drops what comes after it.
    expect(statusBlock(view(wait('canary-interval', traffic(100))), 48_000, 40).at(-1)).toBe('  canary interval 04:12 left');
    expect(countdownText(wait('end', { kind: 'end' }), 0)).toBeUndefined();
    const ended = progressFrom({ deploymentId: 'd-1', status: 'Succeeded' }, { ecsTarget: { lifecycleEvents: [] } });
    expect(statusBlock(view(wait('canary-interval', traffic(100)), ended), 0)).toHaveLength(2);
  });
});

describe('GitHub report', () => {
  const report: ReleaseReport = {
    deploymentId: 'd-1',
    status: 'Succeeded',
    exitCode: 0,
    applicationName: 'app',
    deploymentGroupName: 'grp',
    startedAt: '2026-11-26T03:00:00.000Z',
    endedAt: '2026-11-26T03:01:00.000Z',
    durationInSeconds: 60,
    consoleUrl: 'https://x',
    lifecycleEvents: [{ name: 'Install', status: 'Succeeded', startedAt: 'a', endedAt: 'b' }],
  };
  test('GITHUB_OUTPUT lines', () => {
    expect(githubOutputLines(report)).toBe('deployment_id=d-1\nstatus=Succeeded\n');
    expect(githubOutputLines({ ...report, deploymentId: null, status: null })).toBe('deployment_id=\nstatus=\n');
  });
  test('GITHUB_OUTPUT: a value with a line break uses the delimiter form and cannot add outputs', () => {
    expect(githubOutputText({ a: 'x', b: 'one\nevil=1' })).toBe('a=x\nb<<ghadelimiter_0\none\nevil=1\nghadelimiter_0\n');
    expect(githubOutputText({ b: 'ghadelimiter_0\nz' })).toBe('b<<ghadelimiter_1\nghadelimiter_0\nz\nghadelimiter_1\n');
  });
  test('step summary: result heading, linked deployment, lifecycle table; escapes table pipes', () => {
    const md = stepSummaryMarkdown({ ...report, error: { code: 'X', message: 'a|b' } });
    expect(md.split('\n')).toEqual(
      expect.arrayContaining(['### ✅ Release Succeeded — `d-1`', '| Deployment | [d-1](https://x) |', '| Duration | 60 s |', '| Install | Succeeded | a | b |', '| Error | X: a\\|b |']),
    );
  });
});
