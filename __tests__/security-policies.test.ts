import {
  accessLogBucketPolicy,
  accessLogWriter,
  codeDeployKmsPolicy,
  codeDeployPassRolePolicy,
  codeDeployStayInStackPolicy,
  ELB_ACCESS_LOG_ACCOUNTS,
  ELB_LOG_DELIVERY_PRINCIPAL,
  flowLogDeliveryPolicy,
  flowLogTrustPolicy,
  kmsKeyPolicy,
} from '../config/security-policies';
import { actionMatches } from '../plan-report/iam';

const list = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);

describe('access-log delivery (ALB access logs bucket policy)', () => {
  test('a region opened before August 2022 grants its Elastic Load Balancing account, in the partition of the stack', () => {
    expect(accessLogWriter('eu-west-1', 'aws')).toEqual({ AWS: 'arn:aws:iam::156460612806:root' });
    expect(accessLogWriter('us-gov-west-1', 'aws-us-gov')).toEqual({ AWS: 'arn:aws-us-gov:iam::048591011584:root' });
    expect(accessLogWriter('cn-north-1', 'aws-cn')).toEqual({ AWS: 'arn:aws-cn:iam::638102146993:root' });
  });

  test.each(['me-central-1', 'ap-south-2', 'eu-central-2', 'eu-south-2', 'ap-southeast-4', 'il-central-1', 'ca-west-1'])(
    '%s (opened in or after August 2022) grants the log delivery service principal',
    (region) => {
      expect(accessLogWriter(region, 'aws')).toEqual({ Service: ELB_LOG_DELIVERY_PRINCIPAL });
    },
  );

  test('the table holds 12-digit account ids, one per region', () => {
    for (const [region, account] of Object.entries(ELB_ACCESS_LOG_ACCOUNTS)) {
      expect(region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
      expect(account).toMatch(/^\d{12}$/);
    }
    expect(new Set(Object.values(ELB_ACCESS_LOG_ACCOUNTS)).size).toBe(Object.keys(ELB_ACCESS_LOG_ACCOUNTS).length);
  });

  test('allows PutObject only under each load balancer prefix for this account, and denies requests without TLS', () => {
    const policy = accessLogBucketPolicy({ bucketArn: 'arn:aws:s3:::logs', region: 'eu-west-1', partition: 'aws', accountId: '111122223333', prefixes: ['alb-a', 'alb-b'] });
    const [write, tls] = policy.Statement;
    expect(write).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject' });
    expect(list(write!.Resource)).toEqual(['arn:aws:s3:::logs/alb-a/AWSLogs/111122223333/*', 'arn:aws:s3:::logs/alb-b/AWSLogs/111122223333/*']);
    expect(tls).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(list(tls!.Resource)).toEqual(['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*']);
  });
});

describe('CodeDeploy service role additions to AWSCodeDeployRoleForECSLimited', () => {
  test('passes exactly the named task and execution roles, and only to ECS tasks', () => {
    const policy = codeDeployPassRolePolicy({ roleArns: ['arn:aws:iam::1:role/app-task', 'arn:aws:iam::1:role/app-execution'] });
    expect(policy.Statement).toHaveLength(1);
    const [pass] = policy.Statement;
    expect(pass).toMatchObject({ Effect: 'Allow', Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } });
    expect(list(pass!.Resource)).toEqual(['arn:aws:iam::1:role/app-task', 'arn:aws:iam::1:role/app-execution']);
    expect(list(pass!.Resource).some((r) => r.includes('*'))).toBe(false);
  });

  test('denies listener, rule and function actions outside the environment (NotResource), and nothing else', () => {
    const policy = codeDeployStayInStackPolicy({
      listenerArns: ['L1', 'L2'],
      listenerRuleArnPatterns: ['R1/*', 'R2/*'],
      hookFunctionArns: ['arn:aws:lambda:eu-west-1:1:function:CodeDeployHook_a'],
    });
    expect(policy.Statement.every((s) => s.Effect === 'Deny' && s.Resource === undefined)).toBe(true);
    const byAction = Object.fromEntries(policy.Statement.map((s) => [s.Action as string, list(s.NotResource)]));
    expect(byAction).toEqual({
      'elasticloadbalancing:ModifyListener': ['L1', 'L2'],
      'elasticloadbalancing:ModifyRule': ['R1/*', 'R2/*'],
      // Unqualified and qualified (version or alias) invocations of the hook.
      'lambda:InvokeFunction': ['arn:aws:lambda:eu-west-1:1:function:CodeDeployHook_a', 'arn:aws:lambda:eu-west-1:1:function:CodeDeployHook_a:*'],
    });
    // No Deny touches what CodeDeploy needs elsewhere (task sets, describe calls, S3 reads).
    for (const action of ['ecs:CreateTaskSet', 'elasticloadbalancing:DescribeListeners', 's3:GetObject', 'iam:PassRole']) {
      expect(policy.Statement.some((s) => list(s.Action).some((pattern) => actionMatches(pattern, action)))).toBe(false);
    }
  });

  test('decrypts AppSpec revisions with the key only through S3 of the region', () => {
    const [statement] = codeDeployKmsPolicy({ keyArn: 'arn:aws:kms:eu-west-1:1:key/k', region: 'eu-west-1', dnsSuffix: 'amazonaws.com' }).Statement;
    expect(statement).toEqual(expect.objectContaining({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:1:key/k' }));
    expect(statement!.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } });
  });
});

describe('customer-managed KMS key policy', () => {
  const policy = kmsKeyPolicy({ partition: 'aws-cn', region: 'cn-north-1', accountId: '111122223333', dnsSuffix: 'amazonaws.com.cn' });

  test('lets the account administer the key through IAM (no other AWS principal, no wildcard principal)', () => {
    const admin = policy.Statement.find((s) => s.Sid === 'AccountAdministersTheKeyThroughIam')!;
    expect(admin.Principal).toEqual({ AWS: 'arn:aws-cn:iam::111122223333:root' });
    expect(policy.Statement.every((s) => s.Principal !== '*')).toBe(true);
  });

  test('lets CloudWatch Logs of the region use it for this account log groups only', () => {
    const logs = policy.Statement.find((s) => s.Sid === 'CloudWatchLogsEncryptsThisAccountsLogGroups')!;
    expect(logs.Principal).toEqual({ Service: 'logs.cn-north-1.amazonaws.com.cn' });
    expect(logs.Condition).toEqual({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws-cn:logs:cn-north-1:111122223333:log-group:*' } });
    expect(list(logs.Action).some((a) => actionMatches(a, 'kms:ScheduleKeyDeletion') || actionMatches(a, 'kms:PutKeyPolicy'))).toBe(false);
  });
});

describe('VPC flow log delivery role', () => {
  test('only VPC Flow Logs of this account and region may assume it', () => {
    const [trust] = flowLogTrustPolicy({ partition: 'aws', region: 'eu-west-1', accountId: '111122223333' }).Statement;
    expect(trust!.Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/*' },
    });
  });

  test('writes to its own log group; lists the region log groups; no "*" resource', () => {
    const policy = flowLogDeliveryPolicy({ logGroupArn: 'arn:aws:logs:eu-west-1:1:log-group:/vpc/x', partition: 'aws', region: 'eu-west-1', accountId: '1' });
    expect(policy.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], 'arn:aws:logs:eu-west-1:1:log-group:/vpc/x:*'],
      ['logs:DescribeLogGroups', 'arn:aws:logs:eu-west-1:1:log-group:*'],
    ]);
  });
});
