import { Construct } from 'constructs';
import { AssetType, TerraformAsset, type ITerraformDependable } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { toHookEnvironment, type HookConfig } from '../hook-lambda/config';
import { archiveHookBundle, type HookBundle } from '../hook-build/bundle';
import { assumeRolePolicy, hookPolicy, managedPolicyArn, MANAGED_POLICIES } from '../config/iam-policies';
import { ecsHookPolicy } from '../config/native-iam';
import { hookTimeoutInSeconds } from '../config/timeouts';

/** Where the hook runs when it runs inside the VPC. */
export interface HookVpcPlacement {
  readonly vpcId: string;
  /** Private subnets with NAT egress. */
  readonly subnetIds: readonly string[];
  /** Port of the test listener the hook calls (through NAT, on the load balancer's public address). */
  readonly testPort: number;
}

/**
 * The hook's code as a Terraform asset, once per stack: every service's function deploys the same zip.
 */
export class HookCode extends Construct {
  /** Path of the zip relative to the synthesized stack directory. */
  readonly path: string;
  /** `index.handler`. */
  readonly handler: string;
  /** Lambda's `source_code_hash`: base64 of the bundle's sha256. */
  readonly sourceCodeHash: string;

  constructor(scope: Construct, id: string, props: { readonly bundle: HookBundle }) {
    super(scope, id);
    // A ready-made, reproducible zip as a FILE asset rather than AssetType.ARCHIVE of the bundle
    // directory: cdktf zips ARCHIVE assets in a child process per stack (most of the synth time) and
    // records file mtimes (different bytes on every machine). See hook-build/zip.ts.
    const asset = new TerraformAsset(this, 'Code', {
      path: archiveHookBundle(props.bundle),
      type: AssetType.FILE,
      // The bundle's content hash: the archive path (and so the plan) changes exactly when the code does.
      assetHash: props.bundle.sha256.slice(0, 32).toUpperCase(),
    });
    this.path = asset.path;
    this.handler = props.bundle.handler;
    this.sourceCodeHash = Buffer.from(props.bundle.sha256, 'hex').toString('base64');
  }
}

/** Props of {@link HookFunction}. */
export interface HookFunctionProps {
  /** The hook's code asset (shared by the stack's hooks). */
  readonly code: HookCode;
  /** The hook's configuration, written into its environment. */
  readonly config: HookConfig & { readonly checkBudgetInSeconds: number };
  /**
   * ARN of the deployment group whose lifecycle events the hook may report on (and no other).
   * @default - an ECS lifecycle hook: it reports nothing (ECS reads its answer), so only its logs are allowed
   */
  readonly deploymentGroupArn?: string;
  /**
   * Description of the function.
   * @default - the CodeDeploy hook's
   */
  readonly description?: string;
  /** Partition, for managed policy ARNs. */
  readonly partition: string;
  readonly logRetentionInDays: number;
  /**
   * Run inside the VPC (private subnets, NAT egress).
   * @default - outside the VPC
   */
  readonly vpc?: HookVpcPlacement;
  readonly names: { readonly function: string; readonly role: string; readonly logGroup: string; readonly securityGroup: string };
  /**
   * Concurrency reserved for the function (`hook.reservedConcurrentExecutions`).
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Customer-managed KMS key of the log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
}

/** One service's lifecycle hook Lambda (CodeDeploy's or ECS's contract): role, log group and (in a VPC) security group. */
export class HookFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: HookFunctionProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: props.names.logGroup,
      retentionInDays: props.logRetentionInDays,
      ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
    });

    const role = new IamRole(this, 'Role', {
      name: props.names.role,
      assumeRolePolicy: JSON.stringify(assumeRolePolicy('lambda.amazonaws.com')),
    });
    const rolePolicy = new IamRolePolicy(this, 'RolePolicy', {
      role: role.id,
      name: 'report-lifecycle-event-and-write-logs',
      policy: JSON.stringify(
        props.deploymentGroupArn !== undefined ? hookPolicy({ deploymentGroupArn: props.deploymentGroupArn, logGroupArn: this.logGroup.arn }) : ecsHookPolicy({ logGroupArn: this.logGroup.arn }),
      ),
    });

    // The log group must exist first, or the first invocation creates it without retention.
    const dependsOn: ITerraformDependable[] = [this.logGroup, rolePolicy];
    const vpcConfig = props.vpc ? this.placeInVpc(props, props.vpc, role, dependsOn) : undefined;
    this.function = new LambdaFunction(this, 'Function', {
      functionName: props.names.function,
      description: props.description ?? 'CodeDeploy lifecycle hook: checks green through the test listener and reports the verdict',
      runtime: 'nodejs22.x',
      handler: props.code.handler,
      filename: props.code.path,
      sourceCodeHash: props.code.sourceCodeHash,
      role: role.arn,
      timeout: hookTimeoutInSeconds(props.config.checkBudgetInSeconds),
      memorySize: 256,
      environment: { variables: toHookEnvironment(props.config) },
      // Text: the hook already writes one JSON object per line; JSON format would wrap each in another.
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      ...(vpcConfig ? { vpcConfig } : {}),
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      dependsOn,
    });
  }

  /** The function's security group (egress to the test port and HTTPS only) and the VPC access policy. */
  private placeInVpc(props: HookFunctionProps, vpc: HookVpcPlacement, role: IamRole, dependsOn: ITerraformDependable[]): { subnetIds: string[]; securityGroupIds: string[] } {
    const sg = new SecurityGroup(this, 'SecurityGroup', {
      name: props.names.securityGroup,
      description: 'Hook Lambda: egress to the test listener and AWS APIs only',
      vpcId: vpc.vpcId,
      tags: { Name: props.names.securityGroup },
    });
    new VpcSecurityGroupEgressRule(this, 'EgressTestListener', {
      securityGroupId: sg.id,
      ipProtocol: 'tcp',
      fromPort: vpc.testPort,
      toPort: vpc.testPort,
      cidrIpv4: '0.0.0.0/0',
      description: 'Test listener (public address of the load balancer, through NAT)',
    });
    new VpcSecurityGroupEgressRule(this, 'EgressHttps', {
      securityGroupId: sg.id,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
      description: 'CodeDeploy API (PutLifecycleEventHookExecutionStatus)',
    });
    // Creating and deleting the function's network interfaces; EC2 offers no narrower scope.
    dependsOn.push(new IamRolePolicyAttachment(this, 'VpcAccess', { role: role.name, policyArn: managedPolicyArn(props.partition, MANAGED_POLICIES.lambdaVpcAccess) }));
    return { subnetIds: [...vpc.subnetIds], securityGroupIds: [sg.id] };
  }
}
