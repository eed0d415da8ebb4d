import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { ResolvedNewVpc } from '../config/resolve';
import { flowLogDeliveryPolicy, flowLogTrustPolicy } from '../config/security-policies';

/** The AWS context of the environment: region, account and partition (Terraform references). */
export interface AwsContext {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  /** `com.amazonaws` (or `cn.com.amazonaws`): the start of VPC endpoint service names. */
  readonly reverseDnsPrefix: string;
}

/** Props of {@link VpcSecurity}. */
export interface VpcSecurityProps {
  readonly network: ResolvedNewVpc;
  readonly vpcId: string;
  readonly vpcCidrBlock: string;
  readonly privateSubnetIds: readonly string[];
  readonly privateRouteTableIds: readonly string[];
  readonly aws: AwsContext;
  /**
   * KMS key of the flow log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  readonly names: { readonly flowLogGroup: string; readonly flowLogRole: string; readonly endpointSecurityGroup: string; readonly namePrefix: string };
}

/** Interface endpoints that keep a Fargate task's image pull and logs in the VPC (ECS developer guide, "Amazon ECS interface VPC endpoints"). */
export const INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs'] as const;

/**
 * What the stack does for the security of a VPC it creates: strips the default security group of its
 * rules, records flow logs to CloudWatch Logs, and adds the VPC endpoints of image pulls and logs.
 * Each part only when its setting asks for it (docs/security.md).
 */
export class VpcSecurity extends Construct {
  /** Security group of the interface endpoints (tasks reach them on 443), when there are any. */
  readonly endpointSecurityGroup: SecurityGroup | undefined;

  constructor(scope: Construct, id: string, props: VpcSecurityProps) {
    super(scope, id);
    const n = props.network;
    if (n.restrictDefaultSecurityGroup) {
      // Adopts the VPC's default group; with no ingress or egress blocks Terraform removes every rule.
      new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { vpcId: props.vpcId, tags: { Name: `${props.names.namePrefix}-default-closed` } });
    }
    if (n.flowLogs.enabled) this.flowLog(props);
    this.endpointSecurityGroup = n.vpcEndpoints && props.privateSubnetIds.length > 0 ? this.endpoints(props) : undefined;
  }

  private flowLog(props: VpcSecurityProps): void {
    const { aws, names } = props;
    const group = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      name: names.flowLogGroup,
      retentionInDays: props.network.flowLogs.retentionInDays,
      ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
    });
    const role = new IamRole(this, 'FlowLogRole', {
      name: names.flowLogRole,
      assumeRolePolicy: JSON.stringify(flowLogTrustPolicy(aws)),
    });
    const policy = new IamRolePolicy(this, 'FlowLogRolePolicy', {
      role: role.id,
      name: 'deliver-flow-logs',
      policy: JSON.stringify(flowLogDeliveryPolicy({ logGroupArn: group.arn, partition: aws.partition, region: aws.region, accountId: aws.accountId })),
    });
    new FlowLog(this, 'FlowLog', {
      vpcId: props.vpcId,
      trafficType: props.network.flowLogs.trafficType,
      logDestinationType: 'cloud-watch-logs',
      logDestination: group.arn,
      iamRoleArn: role.arn,
      tags: { Name: `${names.namePrefix}-flow-log` },
      // VPC Flow Logs checks the role when the flow log is created.
      dependsOn: [policy],
    });
  }

  private endpoints(props: VpcSecurityProps): SecurityGroup {
    const { aws, names } = props;
    const group = new SecurityGroup(this, 'EndpointSecurityGroup', {
      name: names.endpointSecurityGroup,
      description: 'VPC interface endpoints: HTTPS from the VPC',
      vpcId: props.vpcId,
      tags: { Name: names.endpointSecurityGroup },
    });
    new VpcSecurityGroupIngressRule(this, 'EndpointIngressHttps', {
      securityGroupId: group.id,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidrBlock,
      description: 'HTTPS from the VPC (tasks and hooks)',
    });
    for (const service of INTERFACE_ENDPOINTS) {
      const id = service.split('.').map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');
      new VpcEndpoint(this, `${id}Endpoint`, {
        vpcId: props.vpcId,
        serviceName: `${aws.reverseDnsPrefix}.${aws.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: [...props.privateSubnetIds],
        securityGroupIds: [group.id],
        tags: { Name: `${names.namePrefix}-${service}` },
      });
    }
    // ECR serves image layers from S3: the gateway endpoint (free) on the private route tables.
    new VpcEndpoint(this, 'S3Endpoint', {
      vpcId: props.vpcId,
      serviceName: `${aws.reverseDnsPrefix}.${aws.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...props.privateRouteTableIds],
      tags: { Name: `${names.namePrefix}-s3` },
    });
    return group;
  }
}
