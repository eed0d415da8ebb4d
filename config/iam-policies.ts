/**
 * Pure IAM policy builders. No cdktf imports: ARNs are passed in as strings, which may be Terraform
 * references resolved later. Each policy grants only what its principal needs, on named resources;
 * where AWS offers no resource-level permission (`ecr:GetAuthorizationToken`) the policy says so.
 */

/** An IAM policy statement. */
export interface PolicyStatement {
  /**
   * Statement id.
   * @default - none
   */
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  /**
   * Who the statement applies to (trust and resource policies only).
   * @default - the identity the policy is attached to
   */
  readonly Principal?: Readonly<Record<string, string | readonly string[]>> | '*';
  readonly Action: string | readonly string[];
  /**
   * Resources the actions apply to (absent in trust policies).
   * @default - none
   */
  readonly Resource?: string | readonly string[];
  /**
   * Resources the statement does NOT apply to (instead of `Resource`): a Deny with `NotResource`
   * denies everything but the listed resources.
   * @default - none
   */
  readonly NotResource?: string | readonly string[];
  /**
   * Conditions of the statement.
   * @default - none
   */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/**
 * AWS managed policies the stack attaches: name with its IAM path (the ARN is completed with the
 * partition). The paths differ: the CodeDeploy ECS policy sits at the root (`policy/<name>`), the
 * Lambda VPC policy under `service-role/`; a wrong path fails `AttachRolePolicy` with NoSuchEntity
 * on the first apply, which no offline check can see.
 */
export const MANAGED_POLICIES = {
  /**
   * CodeDeploy's full role for ECS blue/green (every function, object, topic; `iam:PassRole` on `*`).
   * Attached by the previous release; kept here to name what the upgrade removes.
   */
  codeDeployForEcs: 'AWSCodeDeployRoleForECS',
  /**
   * CodeDeploy's limited role for ECS blue/green: ECS task sets and ELB listeners on `*`, invoking only
   * `CodeDeployHook_*` functions, reading only S3 objects tagged `UseWithCodeDeploy=true`, publishing
   * only to `CodeDeployTopic_*`, passing only `ecsTaskExecutionRole`/`ECSTaskExecution*` roles.
   */
  codeDeployForEcsLimited: 'AWSCodeDeployRoleForECSLimited',
  /** ENI management for a Lambda function in a VPC (EC2 offers no resource-level scoping for it). */
  lambdaVpcAccess: 'service-role/AWSLambdaVPCAccessExecutionRole',
} as const;

/** ARN of an AWS managed policy. */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Trust policy letting an AWS service assume the role. */
export function assumeRolePolicy(servicePrincipal: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: servicePrincipal }, Action: 'sts:AssumeRole' }],
  };
}

/** Parts of a CodeDeploy deployment group ARN. */
export interface DeploymentGroupArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
}

/** `arn:<partition>:codedeploy:<region>:<account>:deploymentgroup:<application>/<group>`. */
export function deploymentGroupArn(parts: DeploymentGroupArnParts): string {
  return `arn:${parts.partition}:codedeploy:${parts.region}:${parts.accountId}:deploymentgroup:${parts.applicationName}/${parts.deploymentGroupName}`;
}

/**
 * The hook's own permissions: report the verdict of this deployment group's lifecycle events (and
 * no other group's), and write its logs to its own log group.
 */
export function hookPolicy(input: { readonly deploymentGroupArn: string; readonly logGroupArn: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReportLifecycleEventVerdict',
        Effect: 'Allow',
        Action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
        Resource: input.deploymentGroupArn,
      },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${input.logGroupArn}:*`,
      },
    ],
  };
}

/**
 * The task execution role: pull the image (from the stack's repository when there is one) and write
 * the container's logs.
 */
export function executionRolePolicy(input: { readonly logGroupArn: string; readonly repositoryArn?: string }): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: 'WriteContainerLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${input.logGroupArn}:*`,
    },
  ];
  if (input.repositoryArn !== undefined) {
    statements.push(
      {
        // GetAuthorizationToken has no resource-level permission: AWS only accepts "*" for it.
        Sid: 'GetRegistryToken',
        Effect: 'Allow',
        Action: 'ecr:GetAuthorizationToken',
        Resource: '*',
      },
      {
        Sid: 'PullImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: input.repositoryArn,
      },
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** Lets CodeDeploy read the AppSpec revisions in the stack's bucket (`revisionType: S3`). */
export function codeDeployRevisionPolicy(input: { readonly bucketArn: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadAppSpecRevisions',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: `${input.bucketArn}/*`,
      },
    ],
  };
}

/** Bucket policy refusing every request that does not use TLS. */
export function tlsOnlyBucketPolicy(input: { readonly bucketArn: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [input.bucketArn, `${input.bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}

/** ECR lifecycle policy: expire untagged images after a day and keep the newest `keep` tagged ones. */
export function ecrLifecyclePolicy(keep: number): unknown {
  return {
    rules: [
      {
        rulePriority: 1,
        description: 'Expire untagged images after 1 day',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the ${keep} newest images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  };
}
