/**
 * The stack's pure builders in lib/: subnet layout, IAM policies, alarm definitions, hook timeout,
 * auto-release environment, ZIP writer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCidr, parseIpv4Cidr, subnetLayout } from '../config/subnets';
import {
  assumeRolePolicy,
  codeDeployRevisionPolicy,
  deploymentGroupArn,
  ecrLifecyclePolicy,
  executionRolePolicy,
  hookPolicy,
  managedPolicyArn,
  MANAGED_POLICIES,
  tlsOnlyBucketPolicy,
} from '../config/iam-policies';
import { buildAlarmDefinitions, generatedAlarmCount, MAX_DEPLOYMENT_GROUP_ALARMS } from '../config/alarms';
import { CHECK_BUDGET_RANGE_IN_SECONDS, hookTimeoutInSeconds, LAMBDA_MAX_TIMEOUT_IN_SECONDS } from '../config/timeouts';
import { autoReleaseCommand, autoReleaseEnvironment } from '../lib/release-env';
import { DEFAULTS, resolveEnvironment, usesPrivateSubnets } from '../config/environment';

describe('subnets', () => {
  test('parses an IPv4 CIDR', () => {
    expect(parseIpv4Cidr('10.1.0.0/16')).toEqual({ address: 10 * 2 ** 24 + 1 * 2 ** 16, prefixLength: 16 });
  });

  test('recognises IPv4 and IPv6 CIDRs and rejects the rest', () => {
    expect(['0.0.0.0/0', '203.0.113.7/32', '2001:db8::/32', '::/0'].map(isCidr)).toEqual([true, true, true, true]);
    expect(['10.0.0.0', '10.0.0.256/24', '10.0.0.0/33', '01.0.0.0/8', '2001:db8::/129', 'x/8', 42].map(isCidr)).toEqual([false, false, false, false, false, false, false]);
  });

  test('lays out /20 public subnets from index 0 and private subnets from index 8 of a /16', () => {
    expect(subnetLayout('10.0.0.0/16', 3, true)).toEqual({
      publicCidrs: ['10.0.0.0/20', '10.0.16.0/20', '10.0.32.0/20'],
      privateCidrs: ['10.0.128.0/20', '10.0.144.0/20', '10.0.160.0/20'],
    });
  });

  test('lays out /28 subnets of a /24 and ignores host bits', () => {
    expect(subnetLayout('192.168.5.77/24', 2, false)).toEqual({ publicCidrs: ['192.168.5.0/28', '192.168.5.16/28'], privateCidrs: [] });
  });
});

describe('IAM policies', () => {
  test('trust policy lets one service assume the role', () => {
    expect(assumeRolePolicy('lambda.amazonaws.com')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  test('builds the deployment group ARN', () => {
    expect(deploymentGroupArn({ partition: 'aws', region: 'eu-west-1', accountId: '123456789012', applicationName: 'app', deploymentGroupName: 'group' })).toBe(
      'arn:aws:codedeploy:eu-west-1:123456789012:deploymentgroup:app/group',
    );
  });

  test('hook policy reports only on the given deployment group and writes only its own log group', () => {
    expect(hookPolicy({ deploymentGroupArn: 'arn:dg', logGroupArn: 'arn:lg' }).Statement).toEqual([
      { Sid: 'ReportLifecycleEventVerdict', Effect: 'Allow', Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: 'arn:dg' },
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:lg:*' },
    ]);
  });

  test('execution role policy without a repository only writes logs', () => {
    expect(executionRolePolicy({ logGroupArn: 'arn:lg' }).Statement.map((s) => s.Sid)).toEqual(['WriteContainerLogs']);
  });

  test('execution role policy pulls only from the given repository, with the registry token on "*" alone', () => {
    const statements = executionRolePolicy({ logGroupArn: 'arn:lg', repositoryArn: 'arn:repo' }).Statement;
    expect(statements.filter((s) => s.Resource === '*')).toEqual([{ Sid: 'GetRegistryToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }]);
    expect(statements.find((s) => s.Sid === 'PullImage')!.Resource).toBe('arn:repo');
  });

  test('CodeDeploy reads revisions of the AppSpec bucket only', () => {
    expect(codeDeployRevisionPolicy({ bucketArn: 'arn:b' }).Statement).toEqual([
      { Sid: 'ReadAppSpecRevisions', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: 'arn:b/*' },
    ]);
  });

  test('TLS-only bucket policy denies insecure transport on the bucket and its objects', () => {
    expect(tlsOnlyBucketPolicy({ bucketArn: 'arn:b' }).Statement[0]).toMatchObject({ Effect: 'Deny', Resource: ['arn:b', 'arn:b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test('managed policy ARNs carry the partition', () => {
    expect(managedPolicyArn('aws-cn', MANAGED_POLICIES.codeDeployForEcs)).toBe('arn:aws-cn:iam::aws:policy/AWSCodeDeployRoleForECS');
  });

  test('managed policies carry the IAM path AWS publishes them under (root for CodeDeploy ECS, service-role/ for Lambda VPC)', () => {
    expect(MANAGED_POLICIES).toEqual({
      codeDeployForEcs: 'AWSCodeDeployRoleForECS',
      codeDeployForEcsLimited: 'AWSCodeDeployRoleForECSLimited',
      lambdaVpcAccess: 'service-role/AWSLambdaVPCAccessExecutionRole',
    });
  });

  test('ECR lifecycle policy expires untagged images and keeps the newest N', () => {
    expect(ecrLifecyclePolicy(7)).toMatchObject({ rules: [{ selection: { tagStatus: 'untagged' } }, { selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 7 } }] });
  });
});

describe('alarms', () => {
  const alarms = buildAlarmDefinitions({
    namePrefix: 'p-e',
    loadBalancerArnSuffix: 'app/lb/1',
    targetGroupArnSuffixes: { blue: 'targetgroup/b/1', green: 'targetgroup/g/2' },
    target5xxThreshold: 3,
    periodInSeconds: 60,
    evaluationPeriods: 2,
  });

  test('defines 5xx and unhealthy-host alarms for blue and green', () => {
    expect(alarms.map((a) => [a.id, a.alarmName, a.metricName, a.dimensions.TargetGroup])).toEqual([
      ['BlueTarget5xxAlarm', 'p-e-blue-target-5xx', 'HTTPCode_Target_5XX_Count', 'targetgroup/b/1'],
      ['BlueUnhealthyHostsAlarm', 'p-e-blue-unhealthy-hosts', 'UnHealthyHostCount', 'targetgroup/b/1'],
      ['GreenTarget5xxAlarm', 'p-e-green-target-5xx', 'HTTPCode_Target_5XX_Count', 'targetgroup/g/2'],
      ['GreenUnhealthyHostsAlarm', 'p-e-green-unhealthy-hosts', 'UnHealthyHostCount', 'targetgroup/g/2'],
    ]);
    expect(generatedAlarmCount()).toBe(alarms.length);
    expect(alarms.length).toBeLessThanOrEqual(MAX_DEPLOYMENT_GROUP_ALARMS);
  });

  test('uses the configured threshold, period and evaluation periods, and treats missing data as fine', () => {
    expect(alarms[0]).toMatchObject({ threshold: 3, statistic: 'Sum', periodInSeconds: 60, evaluationPeriods: 2, treatMissingData: 'notBreaching' });
    expect(alarms[1]).toMatchObject({ threshold: 1, statistic: 'Maximum' });
  });
});

describe('hook timeout', () => {
  test('is the check budget plus a margin to report the verdict', () => {
    expect(hookTimeoutInSeconds(240)).toBe(300);
  });

  test('never exceeds the Lambda limit, even at the largest budget allowed', () => {
    expect(hookTimeoutInSeconds(CHECK_BUDGET_RANGE_IN_SECONDS.max)).toBe(LAMBDA_MAX_TIMEOUT_IN_SECONDS);
    expect(hookTimeoutInSeconds(CHECK_BUDGET_RANGE_IN_SECONDS.max)).toBeGreaterThan(CHECK_BUDGET_RANGE_IN_SECONDS.max);
  });
});

describe('auto-release environment', () => {
  test('runs the release CLI for the stack', () => {
    expect(autoReleaseCommand('bluegreen-dev')).toBe('npm run release -- --stack bluegreen-dev');
  });

  test('passes every value the release CLI reads', () => {
    expect(
      autoReleaseEnvironment({
        stackName: 's',
        region: 'eu-west-1',
        applicationName: 'a',
        deploymentGroupName: 'g',
        taskDefinitionArn: 'arn:td',
        containerName: 'web',
        containerPort: 8080,
        hookFunctionName: 'CodeDeployHook_s',
        hookLogGroupName: '/aws/lambda/CodeDeployHook_s',
        hookLifecycleEvents: ['AfterAllowTestTraffic', 'BeforeAllowTraffic'],
      }),
    ).toEqual({
      RELEASE_STACK: 's',
      RELEASE_APPLICATION: 'a',
      RELEASE_DEPLOYMENT_GROUP: 'g',
      RELEASE_TASK_DEFINITION_ARN: 'arn:td',
      RELEASE_CONTAINER_NAME: 'web',
      RELEASE_CONTAINER_PORT: '8080',
      RELEASE_HOOK_FUNCTION: 'CodeDeployHook_s',
      RELEASE_HOOK_EVENTS: 'AfterAllowTestTraffic,BeforeAllowTraffic',
      RELEASE_HOOK_LOG_GROUP: '/aws/lambda/CodeDeployHook_s',
      RELEASE_REGION: 'eu-west-1',
      AWS_REGION: 'eu-west-1',
    });
  });
});

describe('resolveEnvironment', () => {
  test('fills the documented defaults', () => {
    const env = resolveEnvironment({ name: 'x', region: 'eu-west-1', service: { image: { external: 'nginx' } } });
    expect(env.network).toEqual(DEFAULTS.network);
    expect(env.loadBalancer).toMatchObject({ productionPort: 80, certificateArn: undefined, deregistrationDelayInSeconds: 30, healthCheck: DEFAULTS.loadBalancer.healthCheck });
    expect(env.testListener).toEqual({ port: 8080, allowedCidrs: [], allowPublicAccess: false });
    expect(env.deployment).toEqual({
      trafficRouting: DEFAULTS.deployment.trafficRouting,
      terminationWaitTimeInMinutes: 5,
      manualApprovalWaitInMinutes: undefined,
      // The ECS-native services' defaults (AWS's linear and canary defaults).
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 5,
      linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 6 },
      canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 },
    });
    expect(env.state).toEqual({ backend: 'local' });
    expect(usesPrivateSubnets(env)).toBe(false);
  });

  test('defaults the production port to 443 with a certificate', () => {
    const env = resolveEnvironment({ name: 'x', region: 'eu-west-1', service: { image: { external: 'nginx' } }, loadBalancer: { certificateArn: 'arn' } });
    expect(env.loadBalancer.productionPort).toBe(443);
  });
});

describe('module rules', () => {
  const root = join(__dirname, '..');
  const sources = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts')).map((f) => [`${dir}/${f}`, readFileSync(join(root, dir, f), 'utf8')] as const);

  test('pure modules in lib/ import nothing from cdktf', () => {
    for (const [file, text] of sources('lib')) expect([file, /from ['"](cdktf|@cdktf\/[^'"]+|constructs)['"]/.test(text)]).toEqual([file, false]);
  });

  test('the app imports providers by deep path only (the package index costs seconds and hundreds of MB)', () => {
    const files = [...sources('constructs'), ...sources('stacks'), ['main.ts', readFileSync(join(root, 'main.ts'), 'utf8')] as const];
    for (const [file, text] of files) expect([file, /from ['"]@cdktf\/provider-(aws|null)['"]/.test(text)]).toEqual([file, false]);
  });
});
