/**
 * The ELBv2 stand-in over real HTTP with the real ElasticLoadBalancingV2Client (the Query protocol:
 * form-encoded requests, XML answers and XML errors).
 */
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { decodeQueryInput, toXml } from '../test-support/aws-query-server';
import { Elbv2StandIn, startElbv2StandIn } from '../test-support/elbv2';

describe('Query protocol encoding', () => {
  test('form fields decode into lists and nested structures in index order', () => {
    const params = new URLSearchParams('Action=X&Version=1&Names.member.2=b&Names.member.1=a&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=80&PageSize=5');
    expect(decodeQueryInput(params)).toEqual({ Names: ['a', 'b'], Targets: [{ Id: '10.0.0.1', Port: '80' }], PageSize: '5' });
  });

  test('answers encode lists as member elements and escape text', () => {
    expect(toXml('R', { L: ['a<b', 'c'], S: { N: 1, B: true }, U: undefined })).toBe('<R><L><member>a&lt;b</member><member>c</member></L><S><N>1</N><B>true</B></S></R>');
  });
});

describe('ELBv2 stand-in over HTTP', () => {
  let elbv2: Elbv2StandIn;
  let client: ElasticLoadBalancingV2Client;

  beforeEach(async () => {
    elbv2 = await startElbv2StandIn({
      targetGroups: [
        { name: 'web-blue', port: 8080, targets: [{ id: '10.0.1.10', state: 'healthy' }] },
        {
          name: 'web-green',
          port: 8080,
          healthCheckPath: '/health',
          targets: [
            { id: '10.0.1.23', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' },
            { id: '10.0.2.7', state: 'initial', reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' },
          ],
        },
        { name: 'other' },
      ],
    });
    client = new ElasticLoadBalancingV2Client({ endpoint: elbv2.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  });
  afterEach(async () => {
    client.destroy();
    await elbv2.close();
  });

  test('DescribeTargetGroups by name answers the group; DescribeTargetHealth its targets with state, reason and description', async () => {
    const groups = await client.send(new DescribeTargetGroupsCommand({ Names: ['web-green'] }));
    expect(groups.TargetGroups).toHaveLength(1);
    const tg = groups.TargetGroups![0]!;
    expect(tg).toMatchObject({ TargetGroupName: 'web-green', Port: 8080, TargetType: 'ip', HealthCheckPath: '/health', HealthCheckEnabled: true, Matcher: { HttpCode: '200' }, LoadBalancerArns: [] });
    expect(tg.TargetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/web-green\/[0-9a-f]{16}$/);
    const health = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }));
    expect(health.TargetHealthDescriptions).toEqual([
      { Target: { Id: '10.0.1.23', Port: 8080, AvailabilityZone: 'us-east-1a' }, HealthCheckPort: '8080', TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [503]' } },
      { Target: { Id: '10.0.2.7', Port: 8080, AvailabilityZone: 'us-east-1a' }, HealthCheckPort: '8080', TargetHealth: { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' } },
    ]);
  });

  test('a target asked for but not registered is unused with Target.NotRegistered; setTargets changes health', async () => {
    const arn = (await client.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'] }))).TargetGroups![0]!.TargetGroupArn!;
    const one = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.9.9.9', Port: 8080 }] }));
    expect(one.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
    elbv2.model.setTargets('web-blue', [{ id: '10.0.1.10', state: 'draining', reason: 'Target.DeregistrationInProgress' }]);
    const after = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    expect(after.TargetHealthDescriptions?.map((d) => d.TargetHealth?.State)).toEqual(['draining']);
  });

  test('pages with PageSize and NextMarker; all groups without a filter', async () => {
    const first = await client.send(new DescribeTargetGroupsCommand({ PageSize: 2 }));
    expect(first.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['web-blue', 'web-green']);
    const second = await client.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: first.NextMarker! }));
    expect(second.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['other']);
    expect(second.NextMarker).toBeUndefined();
  });

  test('errors come back as the SDK parses them: TargetGroupNotFound, ValidationError, AccessDenied (403)', async () => {
    await expect(client.send(new DescribeTargetGroupsCommand({ Names: ['nope'] }))).rejects.toMatchObject({ name: 'TargetGroupNotFoundException', message: 'One or more target groups not found' });
    await expect(client.send(new DescribeTargetHealthCommand({ TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1' }))).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
    await expect(client.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'], TargetGroupArns: ['x'] }))).rejects.toMatchObject({ name: 'ValidationError' });
    elbv2.faults.deny('DescribeTargetHealth');
    const denied = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: 'x' })).catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
    expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((denied as { message: string }).message).toContain('not authorized to perform: elasticloadbalancing:DescribeTargetHealth');
    expect(elbv2.faults.injected).toEqual({ DescribeTargetHealth: 1 });
  });

  test('throttling answers Throttling, which the SDK retries', async () => {
    elbv2.faults.throttle('DescribeTargetGroups', 1);
    const retrying = new ElasticLoadBalancingV2Client({ endpoint: elbv2.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 2 });
    try {
      expect((await retrying.send(new DescribeTargetGroupsCommand({ Names: ['other'] }))).TargetGroups).toHaveLength(1);
    } finally {
      retrying.destroy();
    }
    expect(elbv2.calls.map((c) => [c.operation, c.errorCode])).toEqual([
      ['DescribeTargetGroups', 'Throttling'],
      ['DescribeTargetGroups', undefined],
    ]);
  });
});
