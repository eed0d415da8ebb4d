import { classifyAwsError, describeAwsError } from '../release/aws-errors';
import { formatElapsed, formatPercent, plainDisplay, plainTimestamp, progressBar, statusBlock, ttyDisplay } from '../release/display';
import { exitCodeFor } from '../release/exit-codes';
import { githubOutputLines, ReleaseReport, stepSummaryMarkdown } from '../release/report';
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
  test('redraws the status block in place under the permanent lines', () => {
    let text = '';
    let now = 0;
    const d = ttyDisplay({ write: (t) => void (text += t) }, () => now);
    const progress = progressFrom({ deploymentId: 'd-1', status: 'InProgress' }, { ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'BeforeInstall', status: 'InProgress' }], taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 100 }, { taskSetLabel: 'Green', trafficWeight: 0 }] } });
    d.progress({ label: 'd-1', progress, fraction: 0.5, startedAtInMs: 0 });
    now = 65000;
    d.tick();
    expect(text).toContain('\x1b[3A\x1b[0J'); // moved up over the 3-line block and cleared it
    expect(text).toContain('01:05');
    d.line('lifecycle', 'BeforeInstall InProgress'); // in-progress noise stays in the block
    expect(text).not.toContain('lifecycle BeforeInstall InProgress');
    d.line('lifecycle', 'BeforeInstall Succeeded');
    expect(text).toContain('lifecycle BeforeInstall Succeeded');
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
  test('step summary: result heading, linked deployment, lifecycle table; escapes table pipes', () => {
    const md = stepSummaryMarkdown({ ...report, error: { code: 'X', message: 'a|b' } });
    expect(md.split('\n')).toEqual(
      expect.arrayContaining(['### ✅ Release Succeeded — `d-1`', '| Deployment | [d-1](https://x) |', '| Duration | 60 s |', '| Install | Succeeded | a | b |', '| Error | X: a\\|b |']),
    );
  });
});
