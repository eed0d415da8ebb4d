import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { ITerraformDependable } from 'cdktf';
import type { ResolvedService } from '../config/resolve';
import { assumeRolePolicy, executionRolePolicy } from '../config/iam-policies';
import { containerDefinition, taskEgressRule, type ContainerSettings } from '../config/container-definition';

/**
 * Service attributes CodeDeploy owns once the service uses the CODE_DEPLOY controller (Terraform
 * names, emitted verbatim). ECS rejects UpdateService changes to the task definition, load balancers
 * and network configuration of such a service: they belong to the task set each CodeDeploy release
 * creates (from the AppSpec), and after a release the live task set runs a newer task definition
 * behind the *green* target group. Without these, every plan after a release would try to revert
 * production to the old revision and to blue (and fail). `desired_count` is left to the operator and
 * to autoscaling once the service exists.
 */
export const CODEDEPLOY_OWNED_SERVICE_ATTRIBUTES = ['task_definition', 'load_balancer', 'network_configuration', 'desired_count'];

/** Props of {@link FargateService}. */
export interface FargateServiceProps {
  readonly vpcId: string;
  /** Subnets of the tasks. */
  readonly subnetIds: readonly string[];
  /** Give tasks public addresses (needed without NAT to pull images and reach AWS APIs). */
  readonly assignPublicIp: boolean;
  /** The service's container and task settings. */
  readonly service: ContainerSettings &
    Pick<ResolvedService, 'cpu' | 'memoryInMiB' | 'desiredCount' | 'logRetentionInDays' | 'healthCheckGracePeriodInSeconds' | 'egress'>;
  /**
   * Customer-managed KMS key of the log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  /** ARN of the (shared) ECS cluster. */
  readonly clusterArn: string;
  /** Image reference, resolved (an external reference or `<ecr url>:<tag>`). */
  readonly imageReference: string;
  /**
   * ARN of the stack's ECR repository, when the image comes from it: the execution role may pull from it.
   * @default - an external image: the execution role gets no ECR permission
   */
  readonly repositoryArn?: string;
  readonly region: string;
  /** Security group of the load balancer: the only source allowed to reach the tasks. */
  readonly loadBalancerSecurityGroupId: string;
  /** The blue target group: the one the service starts with. */
  readonly blueTargetGroupArn: string;
  /** Listeners that must exist before the service registers targets. */
  readonly listeners: readonly ITerraformDependable[];
  readonly names: {
    readonly service: string;
    readonly taskFamily: string;
    readonly executionRole: string;
    readonly taskRole: string;
    readonly logGroup: string;
    readonly securityGroup: string;
  };
}

/** A CodeDeploy-controlled ECS service on Fargate: task definition, roles, log group, security group. */
export class FargateService extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  readonly logGroup: CloudwatchLogGroup;
  readonly securityGroup: SecurityGroup;
  /** The role the application's AWS calls run as (CodeDeploy passes it to every task set). */
  readonly taskRole: IamRole;
  /** The role ECS pulls the image and writes the logs with. */
  readonly executionRole: IamRole;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const s = props.service;
    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: props.names.logGroup,
      retentionInDays: s.logRetentionInDays,
      ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
    });
    this.executionRole = new IamRole(this, 'ExecutionRole', {
      name: props.names.executionRole,
      assumeRolePolicy: JSON.stringify(assumeRolePolicy('ecs-tasks.amazonaws.com')),
    });
    // The application's own AWS permissions go on this role (none by default).
    this.taskRole = new IamRole(this, 'TaskRole', {
      name: props.names.taskRole,
      assumeRolePolicy: JSON.stringify(assumeRolePolicy('ecs-tasks.amazonaws.com')),
    });
    this.taskDefinition = this.createTaskDefinition(props);
    this.securityGroup = this.createSecurityGroup(props);
    this.service = new EcsService(this, 'Service', {
      name: props.names.service,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: s.desiredCount,
      launchType: 'FARGATE',
      deploymentController: { type: 'CODE_DEPLOY' },
      // Exactly one load balancer block: blue. CodeDeploy moves the service between blue and green.
      loadBalancer: [{ targetGroupArn: props.blueTargetGroupArn, containerName: s.containerName, containerPort: s.containerPort }],
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [this.securityGroup.id],
        assignPublicIp: props.assignPublicIp,
      },
      healthCheckGracePeriodSeconds: s.healthCheckGracePeriodInSeconds,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      // ECS refuses to attach a target group that no listener uses yet.
      dependsOn: [...props.listeners],
      lifecycle: { ignoreChanges: CODEDEPLOY_OWNED_SERVICE_ATTRIBUTES },
    });
  }

  private createTaskDefinition(props: FargateServiceProps): EcsTaskDefinition {
    const s = props.service;
    new IamRolePolicy(this, 'ExecutionRolePolicy', {
      role: this.executionRole.id,
      name: 'pull-image-and-write-logs',
      policy: JSON.stringify(executionRolePolicy({ logGroupArn: this.logGroup.arn, repositoryArn: props.repositoryArn })),
    });
    const containerDefinitions = [containerDefinition(s, { image: props.imageReference, logGroup: this.logGroup.name, region: props.region })];
    return new EcsTaskDefinition(this, 'TaskDefinition', {
      family: props.names.taskFamily,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(s.cpu),
      memory: String(s.memoryInMiB),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      containerDefinitions: JSON.stringify(containerDefinitions),
      // Every change registers a new revision and replaces this resource. Deregistering the old one
      // would leave blue (and a manual rollback to it) on an INACTIVE revision that no new deployment
      // may use: keep it registered and let Terraform only forget it (docs/stack.md, cleanup).
      skipDestroy: true,
    });
  }

  /** The tasks' security group: the container port from the load balancer only; and the load balancer's way to it. */
  private createSecurityGroup(props: FargateServiceProps): SecurityGroup {
    const s = props.service;
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: props.names.securityGroup,
      description: 'Tasks: the container port, from the load balancer only',
      vpcId: props.vpcId,
      tags: { Name: props.names.securityGroup },
    });
    new VpcSecurityGroupIngressRule(this, 'IngressFromLoadBalancer', {
      securityGroupId: securityGroup.id,
      referencedSecurityGroupId: props.loadBalancerSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: s.containerPort,
      toPort: s.containerPort,
      description: 'Container port, from the load balancer',
    });
    // The id stays `EgressAll` whatever the egress (its address is a contract): a changed egress is an
    // in-place update of this one rule.
    new VpcSecurityGroupEgressRule(this, 'EgressAll', { securityGroupId: securityGroup.id, ...taskEgressRule(s.egress) });
    new VpcSecurityGroupEgressRule(this, 'LoadBalancerEgressToTasks', {
      securityGroupId: props.loadBalancerSecurityGroupId,
      referencedSecurityGroupId: securityGroup.id,
      ipProtocol: 'tcp',
      fromPort: s.containerPort,
      toPort: s.containerPort,
      description: 'Load balancer to the container port of the tasks',
    });
    return securityGroup;
  }
}
