/**
 * Fidelity of the CloudWatch Logs and ELBv2 stand-ins, judged independently of the JS SDK: their
 * answers and errors against botocore's service models (what the AWS CLI parses with), and the AWS
 * CLI itself over the wire (its own JSON 1.1 and Query/XML parsers, its own paginator).
 */
import { AwsCli, AwsCliResult, describeWithAwsCli, startAwsCli } from '../test-support/aws-cli';
import { AwsJsonError } from '../test-support/aws-json-server';
import { AwsQueryError } from '../test-support/aws-query-server';
import { isolatedAwsEnv, removeIsolatedAwsHomes } from '../test-support/codedeploy/release-process';
import { ELBV2_VERSION, ELBV2_XML_NAMESPACE, Elbv2Model, Elbv2StandIn, startElbv2StandIn } from '../test-support/elbv2';
import { LOGS_TARGET_PREFIX, LogsModel, LogsStandIn, startLogsStandIn } from '../test-support/logs';
import { conformToShape, describeWithServiceModels, errorCodeOf, ServiceModel } from '../test-support/service-model';

const GROUP = '/aws/lambda/bluegreen-dev-hook';
const verdict = (id: string, reason: string): string => JSON.stringify({ event: 'hook.verdict', deploymentId: id, status: 'Failed', reason });

/**
 * Errors every Query API may answer besides the ones an operation declares (Elastic Load Balancing API
 * reference, "Common errors"): the stand-in answers ValidationError for bad input.
 */
const QUERY_COMMON_ERRORS = ['ValidationError', 'AccessDenied', 'Throttling'];

/** Calls `fn`, keeping the answer or the error's code. */
function record(answers: { operation: string; body: unknown }[], errors: { operation: string; code: string }[], operation: string, fn: () => unknown): void {
  try {
    answers.push({ operation, body: fn() });
  } catch (err) {
    if (err instanceof AwsJsonError) errors.push({ operation, code: err.type });
    else if (err instanceof AwsQueryError) errors.push({ operation, code: err.code });
    else throw err;
  }
}

describeWithServiceModels(
  "the CloudWatch Logs and ELBv2 stand-ins conform to botocore's service models",
  ['logs', 'elbv2'],
  (models) => {
    let logsModel: ServiceModel;
    let elbv2Model: ServiceModel;
    beforeAll(() => {
      logsModel = models.get('logs');
      elbv2Model = models.get('elbv2');
    });

    test('protocols, target prefix, API version and XML namespace are the models\'', () => {
      expect(logsModel.metadata).toMatchObject({ protocol: 'json', targetPrefix: LOGS_TARGET_PREFIX });
      expect(elbv2Model.metadata).toMatchObject({ protocol: 'query', apiVersion: ELBV2_VERSION, xmlNamespace: ELBV2_XML_NAMESPACE });
    });

    test('CloudWatch Logs: every answer\'s members, types and errors are the model\'s', () => {
      const answers: { operation: string; body: unknown }[] = [];
      const errors: { operation: string; code: string }[] = [];
      const m = new LogsModel({ pageSize: 1 });
      const call = (op: string, input: object): void => record(answers, errors, op, () => JSON.parse(JSON.stringify((m as any)[op[0]!.toLowerCase() + op.slice(1)](input))));
      call('CreateLogGroup', { logGroupName: GROUP });
      call('CreateLogGroup', { logGroupName: GROUP });
      call('CreateLogStream', { logGroupName: GROUP, logStreamName: 's' });
      call('PutLogEvents', { logGroupName: GROUP, logStreamName: 's', logEvents: [{ timestamp: 1, message: verdict('d-A', 'a') }, { timestamp: 2, message: verdict('d-A', 'b') }] });
      call('PutLogEvents', { logGroupName: GROUP, logStreamName: 'none', logEvents: [] });
      call('FilterLogEvents', { logGroupName: GROUP, filterPattern: '{ $.deploymentId = "d-A" }', startTime: 0, endTime: 10 });
      const token = (answers.at(-1)!.body as { nextToken: string }).nextToken;
      call('FilterLogEvents', { logGroupName: GROUP, filterPattern: '{ $.deploymentId = "d-A" }', startTime: 0, endTime: 10, nextToken: token });
      m.emptyPagesLeft = 1;
      call('FilterLogEvents', { logGroupIdentifier: m.arnOf(GROUP) });
      call('FilterLogEvents', { logGroupName: '/none' });
      call('FilterLogEvents', { logGroupName: GROUP, logGroupIdentifier: GROUP });
      call('FilterLogEvents', { logGroupName: GROUP, filterPattern: '{ $.a = ' });
      call('FilterLogEvents', { logGroupName: GROUP, nextToken: 'x' });
      expect(answers.filter((a) => a.operation === 'FilterLogEvents')).toHaveLength(3);
      const problems = answers.flatMap(({ operation, body }) => {
        const output = logsModel.operations[operation]!.output;
        return output ? conformToShape(logsModel, output.shape, body, operation) : Object.keys(body as object).length === 0 ? [] : [`${operation}: no output in the model`];
      });
      expect(problems).toEqual([]);
      const undeclared = errors.filter(({ operation, code }) => !(logsModel.operations[operation]!.errors ?? []).some((e) => errorCodeOf(logsModel, e.shape) === code));
      expect(undeclared).toEqual([]);
      expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['ResourceAlreadyExistsException', 'ResourceNotFoundException', 'InvalidParameterException']));
      // What fault injection answers is a shape of the model too.
      expect(logsModel.shapes.AccessDeniedException?.exception).toBe(true);
      expect(logsModel.shapes.ThrottlingException?.exception).toBe(true);
    });

    test('ELBv2: every answer\'s members, types and errors are the model\'s', () => {
      const answers: { operation: string; body: unknown }[] = [];
      const errors: { operation: string; code: string }[] = [];
      const m = new Elbv2Model({
        targetGroups: [
          { name: 'green', targets: [{ id: '10.0.1.23', state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }, { id: '10.0.2.7', state: 'healthy' }] },
          { name: 'blue', targets: [{ id: '10.0.1.10', state: 'draining', reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress' }] },
        ],
      });
      const call = (op: string, input: object): void => record(answers, errors, op, () => (m as any)[op[0]!.toLowerCase() + op.slice(1)](input));
      call('DescribeTargetGroups', {});
      call('DescribeTargetGroups', { Names: ['green'] });
      call('DescribeTargetGroups', { PageSize: '1' });
      const arn = ((answers[1]!.body as { TargetGroups: { TargetGroupArn: string }[] }).TargetGroups[0]!).TargetGroupArn;
      call('DescribeTargetHealth', { TargetGroupArn: arn });
      call('DescribeTargetHealth', { TargetGroupArn: arn, Targets: [{ Id: '10.9.9.9' }] });
      call('DescribeTargetGroups', { Names: ['nope'] });
      call('DescribeTargetGroups', { Names: ['green'], LoadBalancerArn: 'x' });
      call('DescribeTargetHealth', { TargetGroupArn: `${arn}0` });
      call('DescribeTargetHealth', {});
      const problems = answers.flatMap(({ operation, body }) => conformToShape(elbv2Model, elbv2Model.operations[operation]!.output!.shape, body, operation, 'date'));
      expect(problems).toEqual([]);
      const undeclared = errors.filter(
        ({ operation, code }) => !QUERY_COMMON_ERRORS.includes(code) && !(elbv2Model.operations[operation]!.errors ?? []).some((e) => errorCodeOf(elbv2Model, e.shape) === code),
      );
      expect(undeclared).toEqual([]);
      expect(errors.map((e) => e.code)).toEqual(['TargetGroupNotFound', 'ValidationError', 'TargetGroupNotFound', 'ValidationError']);
    });

    test('the check itself catches a misspelt member and an enum value the model does not have', () => {
      expect(conformToShape(elbv2Model, 'TargetHealth', { State: 'sick', Reasons: 'x' }, 'TargetHealth', 'date')).toEqual([
        'TargetHealth.State: "sick" is not one of initial, healthy, unhealthy, unhealthy.draining, unused, draining, unavailable',
        'TargetHealth.Reasons: not a member of TargetHealth',
      ]);
    });
  },
);

describeWithAwsCli('the AWS CLI parses the CloudWatch Logs and ELBv2 stand-ins', () => {
  let logs: LogsStandIn;
  let elbv2: Elbv2StandIn;
  let cli: AwsCli;

  const aws = (args: readonly string[], endpoint: string): Promise<AwsCliResult> => cli.run([...args, '--endpoint-url', endpoint, '--output', 'json']);
  const awsJson = (args: readonly string[], endpoint: string): Promise<any> => cli.json([...args, '--endpoint-url', endpoint, '--output', 'json']);

  beforeAll(async () => {
    // One event per page, so the CLI's own paginator has to follow nextToken.
    logs = await startLogsStandIn({ pageSize: 1 });
    logs.append(GROUP, '2026/11/26/[$LATEST]abc', [
      { timestamp: 1_796_000_000_000, message: 'START RequestId: r Version: $LATEST' },
      { timestamp: 1_796_000_001_000, message: verdict('d-AAAAAAAAA', 'GET /health: status 503 (expected 200), 5 attempts') },
      { timestamp: 1_796_000_002_000, message: verdict('d-AAAAAAAAA', 'again') },
      { timestamp: 1_796_000_003_000, message: verdict('d-BBBBBBBBB', 'other deployment') },
    ]);
    elbv2 = await startElbv2StandIn({
      targetGroups: [{ name: 'web-green', port: 8080, targets: [{ id: '10.0.1.23', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' }] }],
    });
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    cli = await startAwsCli({ ...base, ...isolatedAwsEnv('[default]\ncli_timestamp_format = iso8601\n'), AWS_PAGER: '' });
  });
  afterAll(async () => {
    await cli?.close();
    removeIsolatedAwsHomes();
    await logs?.close();
    await elbv2?.close();
  });

  test('logs filter-log-events: a JSON pattern and a time range, followed across pages by the CLI', async () => {
    const out = await awsJson(
      ['logs', 'filter-log-events', '--log-group-name', GROUP, '--filter-pattern', '{ ($.event = "hook.verdict") && ($.deploymentId = "d-AAAAAAAAA") }', '--start-time', '1796000000000', '--end-time', '1796000002000'],
      logs.endpoint,
    );
    expect(out.events.map((e: { message: string }) => JSON.parse(e.message).reason)).toEqual(['GET /health: status 503 (expected 200), 5 attempts', 'again']);
    expect(out.events[0]).toMatchObject({ logStreamName: '2026/11/26/[$LATEST]abc', timestamp: 1_796_000_001_000 });
    expect(logs.calls.filter((c) => c.operation === 'FilterLogEvents').length).toBeGreaterThanOrEqual(2);
    expect(logs.calls[0]!.userAgent).toMatch(/aws-cli/);
  });

  test('logs errors: a missing group and an injected AccessDeniedException', async () => {
    const missing = await aws(['logs', 'filter-log-events', '--log-group-name', '/none'], logs.endpoint);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/ResourceNotFoundException.*The specified log group does not exist/);
    logs.faults.deny('FilterLogEvents');
    const denied = await aws(['logs', 'filter-log-events', '--log-group-name', GROUP], logs.endpoint);
    logs.faults.clear();
    expect(denied.stderr).toMatch(/AccessDeniedException.*logs:FilterLogEvents/);
  });

  test('elbv2 describe-target-groups and describe-target-health', async () => {
    const groups = await awsJson(['elbv2', 'describe-target-groups', '--names', 'web-green'], elbv2.endpoint);
    expect(groups.TargetGroups).toHaveLength(1);
    expect(groups.TargetGroups[0]).toMatchObject({ TargetGroupName: 'web-green', Port: 8080, HealthCheckEnabled: true, TargetType: 'ip', Matcher: { HttpCode: '200' } });
    const health = await awsJson(['elbv2', 'describe-target-health', '--target-group-arn', groups.TargetGroups[0].TargetGroupArn], elbv2.endpoint);
    expect(health.TargetHealthDescriptions).toEqual([
      { Target: { Id: '10.0.1.23', Port: 8080, AvailabilityZone: 'us-east-1a' }, HealthCheckPort: '8080', TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [503]' } },
    ]);
  });

  test('elbv2 errors: TargetGroupNotFound and an injected AccessDenied', async () => {
    const missing = await aws(['elbv2', 'describe-target-groups', '--names', 'nope'], elbv2.endpoint);
    expect(missing.stderr).toMatch(/TargetGroupNotFound.*One or more target groups not found/);
    elbv2.faults.deny('DescribeTargetHealth');
    const denied = await aws(['elbv2', 'describe-target-health', '--target-group-arn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1'], elbv2.endpoint);
    elbv2.faults.clear();
    expect(denied.stderr).toMatch(/AccessDenied.*elasticloadbalancing:DescribeTargetHealth/);
  });
});
