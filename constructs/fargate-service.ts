import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService, type EcsServiceDeploymentConfiguration, type EcsServiceLoadBalancerAdvancedConfiguration } from '@cdktf/provider-aws/lib/ecs-service';
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

/**
 * Service attributes ECS owns once it deploys the service itself (the ECS controller with a
 * BLUE_GREEN, LINEAR or CANARY strategy):
 * - `task_definition`: a release starts the deployment with UpdateService (release/ecs-controller.ts),
 *   so the service runs a newer revision than the one Terraform created it with (as with CodeDeploy);
 *   Terraform putting the old one back would start a deployment of it.
 * - `load_balancer`: after a successful deployment ECS swaps `target_group_arn` and
 *   `advanced_configuration.alternate_target_group_arn` (green's target group becomes the primary one),
 *   so the next deployment registers its tasks in the other one. Sending the configured pair back would
 *   make the next deployment register green in the target group production is on
 *   (hashicorp/terraform-provider-aws#45678). `load_balancer` is a set, whose elements cannot be
 *   ignored one by one (#13192): the whole block is ignored, so routing changes after creation need a
 *   migration-style apply (docs/native.md).
 * `network_configuration` and `desired_count` stay Terraform's: ECS does not change them.
 */
export const ECS_OWNED_SERVICE_ATTRIBUTES = ['task_definition', 'load_balancer'];

/**
 * What a service switching from CodeDeploy to ECS ignores for that one apply: CodeDeploy's attributes
 * but `load_balancer`, which the switch must send (the `advanced_configuration` ECS needs, with the
 * target group CodeDeploy left serving production as the primary one).
 */
export const MIGRATION_IGNORED_SERVICE_ATTRIBUTES = CODEDEPLOY_OWNED_SERVICE_ATTRIBUTES.filter((a) => a !== 'load_balancer');

/** An ECS-native service's deployment (`deployment_controller = ECS`). */
export interface NativeServiceSettings {
  readonly deploymentConfiguration: EcsServiceDeploymentConfiguration;
  readonly advancedConfiguration: EcsServiceLoadBalancerAdvancedConfiguration;
  /** Alarms that fail and roll back a deployment; none: no `alarms` block. */
  readonly alarmNames: readonly string[];
  /** The apply that switches a CodeDeploy service to ECS ({@link MIGRATION_IGNORED_SERVICE_ATTRIBUTES}). */
  readonly migrating: boolean;
  /** Resources ECS must find in place (its roles and their policies, the rules). */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * The deployment arguments of an ECS-native service. The deployment circuit breaker is on with
 * rollback: it fails a deployment whose green tasks keep failing to start, which neither the hook
 * (green never reaches the test rule) nor the target group alarms (no traffic yet) would catch, and it
 * works with the blue/green family ("Amazon ECS deployment failure detection": both methods support
 * rolling update and blue/green deployments).
 */
function nativeDeployment(n: NativeServiceSettings) {
  return {
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: n.deploymentConfiguration,
    deploymentCircuitBreaker: { enable: true, rollback: true },
    ...(n.alarmNames.length > 0 ? { alarms: { alarmNames: [...n.alarmNames], enable: true, rollback: true } } : {}),
  };
}

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
  /** The target group the service starts with (blue; for a service migrating to ECS, the one serving production). */
  readonly blueTargetGroupArn: string;
  /**
   * ECS deploys the service itself.
   * @default - the CODE_DEPLOY controller
   */
  readonly native?: NativeServiceSettings;
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

/** An ECS service on Fargate deployed by CodeDeploy or by ECS itself: task definition, roles, log group, security group. */
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
    const n = props.native;
    this.service = new EcsService(this, 'Service', {
      name: props.names.service,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: s.desiredCount,
      launchType: 'FARGATE',
      ...(n ? nativeDeployment(n) : { deploymentController: { type: 'CODE_DEPLOY' } }),
      // Exactly one load balancer block: blue (CodeDeploy moves the service between blue and green);
      // for ECS, the primary target group with the alternate one and the rules.
      loadBalancer: [
        {
          targetGroupArn: props.blueTargetGroupArn,
          containerName: s.containerName,
          containerPort: s.containerPort,
          ...(n ? { advancedConfiguration: n.advancedConfiguration } : {}),
        },
      ],
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [this.securityGroup.id],
        assignPublicIp: props.assignPublicIp,
      },
      healthCheckGracePeriodSeconds: s.healthCheckGracePeriodInSeconds,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      // ECS refuses to attach a target group that no listener uses yet.
      dependsOn: [...props.listeners, ...(n?.dependsOn ?? [])],
      lifecycle: { ignoreChanges: !n ? CODEDEPLOY_OWNED_SERVICE_ATTRIBUTES : n.migrating ? MIGRATION_IGNORED_SERVICE_ATTRIBUTES : ECS_OWNED_SERVICE_ATTRIBUTES },
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
