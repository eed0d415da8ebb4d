/**
 * Policy documents of the security controls (docs/security.md): the CodeDeploy service role's
 * additions to `AWSCodeDeployRoleForECSLimited`, the access-log bucket's log-delivery grant, the
 * customer-managed KMS key's policy, and the VPC flow log's delivery role. Pure: ARNs are passed in
 * as strings, which may be Terraform references resolved later.
 */
import type { PolicyDocument, PolicyStatement } from './iam-policies';

/**
 * The Elastic Load Balancing account of each region that opened before August 2022, which AWS
 * documents as the principal allowed to write access logs there ("Enable access logs for your
 * Application Load Balancer", step 2, docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html;
 * the same table is hashicorp/aws's `aws_elb_service_account` data source). Regions that opened
 * later are not listed: their bucket policy grants the log delivery service principal
 * {@link ELB_LOG_DELIVERY_PRINCIPAL} instead.
 */
export const ELB_ACCESS_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-south-1': '718504428378',
  'ap-northeast-1': '582318560864',
  'ap-northeast-2': '600734575887',
  'ap-northeast-3': '383597477331',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-southeast-3': '589379963580',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-west-3': '009996457667',
  'eu-south-1': '635631232127',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
  'us-gov-west-1': '048591011584',
  'us-gov-east-1': '190560391635',
  'cn-north-1': '638102146993',
  'cn-northwest-1': '037604701340',
};

/** The service principal that writes access logs in regions opened in or after August 2022. */
export const ELB_LOG_DELIVERY_PRINCIPAL = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** Who writes a region's access logs, as a bucket policy `Principal`. */
export function accessLogWriter(region: string, partition: string): Readonly<Record<string, string>> {
  const account = ELB_ACCESS_LOG_ACCOUNTS[region];
  return account === undefined ? { Service: ELB_LOG_DELIVERY_PRINCIPAL } : { AWS: `arn:${partition}:iam::${account}:root` };
}

/** Statement refusing every request to a bucket that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * The access-log bucket's policy: Elastic Load Balancing may put objects under each load balancer's
 * prefix, for this account only (`<prefix>/AWSLogs/<account>/…`, the key layout AWS documents), and
 * nobody may use the bucket without TLS.
 */
export function accessLogBucketPolicy(input: {
  readonly bucketArn: string;
  readonly region: string;
  readonly partition: string;
  readonly accountId: string;
  /** One key prefix per load balancer writing here. */
  readonly prefixes: readonly string[];
}): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ElasticLoadBalancingWritesAccessLogs',
        Effect: 'Allow',
        Principal: accessLogWriter(input.region, input.partition),
        Action: 's3:PutObject',
        Resource: input.prefixes.map((prefix) => `${input.bucketArn}/${prefix}/AWSLogs/${input.accountId}/*`),
      },
      denyInsecureTransport(input.bucketArn),
    ],
  };
}

/**
 * What the CodeDeploy service role needs beyond `AWSCodeDeployRoleForECSLimited`: that policy passes
 * only roles named `ecsTaskExecutionRole` or `ECSTaskExecution*`, so CodeDeploy could not hand the
 * stack's task and execution roles to the task sets it creates. AWS's ECS developer guide ("Amazon
 * ECS CodeDeploy IAM Role") asks for exactly this inline `iam:PassRole` grant, one ARN per role.
 */
export function codeDeployPassRolePolicy(input: { readonly roleArns: readonly string[] }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PassTaskRolesToEcsTasks',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [...input.roleArns],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ],
  };
}

/** The environment's resources CodeDeploy acts on, for {@link codeDeployStayInStackPolicy}. */
export interface CodeDeployTargets {
  /** Every production and test listener of the environment's CodeDeploy services. */
  readonly listenerArns: readonly string[];
  /** ARN patterns of those listeners' rules (`…:listener-rule/app/<lb>/<id>/<listener id>/*`). */
  readonly listenerRuleArnPatterns: readonly string[];
  /** Every hook function of the environment (unqualified ARNs). */
  readonly hookFunctionArns: readonly string[];
}

/**
 * Narrows what `AWSCodeDeployRoleForECSLimited` allows on every resource to this environment: an
 * explicit Deny of listener and rule changes outside its listeners, and of invoking any function but
 * its hooks. Both actions take resource-level permissions (Service Authorization Reference: Elastic
 * Load Balancing V2 `ModifyListener` → `listener/app`, `ModifyRule` → `listener-rule/app`; AWS
 * Lambda `InvokeFunction` → `function`), so a deployment group pointed at this role by mistake (or on
 * purpose) cannot move another application's traffic or run another function.
 */
export function codeDeployStayInStackPolicy(targets: CodeDeployTargets): PolicyDocument {
  const functions = targets.hookFunctionArns.flatMap((arn) => [arn, `${arn}:*`]);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OnlyThisEnvironmentsListeners',
        Effect: 'Deny',
        Action: 'elasticloadbalancing:ModifyListener',
        NotResource: [...targets.listenerArns],
      },
      {
        Sid: 'OnlyThisEnvironmentsListenerRules',
        Effect: 'Deny',
        Action: 'elasticloadbalancing:ModifyRule',
        NotResource: [...targets.listenerRuleArnPatterns],
      },
      {
        Sid: 'OnlyThisEnvironmentsHooks',
        Effect: 'Deny',
        Action: 'lambda:InvokeFunction',
        NotResource: functions,
      },
    ],
  };
}

/**
 * Lets CodeDeploy read AppSpec revisions encrypted with the environment's KMS key, through S3 only
 * (`kms:ViaService`): S3 decrypts with the caller's permission (Amazon S3 user guide, "Using
 * server-side encryption with AWS KMS keys").
 */
export function codeDeployKmsPolicy(input: { readonly keyArn: string; readonly region: string; readonly dnsSuffix: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DecryptAppSpecRevisionsThroughS3',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: input.keyArn,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${input.region}.${input.dnsSuffix}` } },
      },
    ],
  };
}

/**
 * The environment's customer-managed key: the account administers it through IAM (the key policy
 * AWS creates by default; without it nobody could manage the key), and CloudWatch Logs of this region
 * may use it for this account's log groups only (CloudWatch Logs user guide, "Encrypt log data in
 * CloudWatch Logs using AWS KMS", step 2: principal `logs.<region>.amazonaws.com`, condition on
 * `kms:EncryptionContext:aws:logs:arn`). S3 and ECR use it with their callers' IAM permissions.
 */
export function kmsKeyPolicy(input: { readonly partition: string; readonly region: string; readonly accountId: string; readonly dnsSuffix: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersTheKeyThroughIam',
        Effect: 'Allow',
        Principal: { AWS: `arn:${input.partition}:iam::${input.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${input.region}.${input.dnsSuffix}` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${input.partition}:logs:${input.region}:${input.accountId}:log-group:*` } },
      },
    ],
  };
}

/**
 * Trust policy of the flow log's delivery role: only VPC Flow Logs, and only for flow logs of this
 * account and region (`aws:SourceAccount`, `aws:SourceArn`: Amazon VPC user guide, "IAM role for
 * publishing flow logs to CloudWatch Logs", confused deputy prevention).
 */
export function flowLogTrustPolicy(input: { readonly partition: string; readonly region: string; readonly accountId: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': input.accountId },
          ArnLike: { 'aws:SourceArn': `arn:${input.partition}:ec2:${input.region}:${input.accountId}:vpc-flow-log/*` },
        },
      },
    ],
  };
}

/**
 * The flow log's delivery permissions (the actions the Amazon VPC user guide lists), on its own log
 * group; `DescribeLogGroups` lists the account's groups, so it is scoped to the region's log groups.
 */
export function flowLogDeliveryPolicy(input: { readonly logGroupArn: string; readonly partition: string; readonly region: string; readonly accountId: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'WriteFlowLogRecords',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: `${input.logGroupArn}:*`,
      },
      {
        Sid: 'FindTheLogGroup',
        Effect: 'Allow',
        Action: 'logs:DescribeLogGroups',
        Resource: `arn:${input.partition}:logs:${input.region}:${input.accountId}:log-group:*`,
      },
    ],
  };
}
