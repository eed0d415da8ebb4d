/**
 * What a CodeDeploy service (constructs/service.ts) and an ECS-native service
 * (constructs/native-service.ts) build the same way. Each function takes the service construct as
 * `scope` and uses the ids the services always used, so construct paths — and with them Terraform
 * resource addresses, a public contract — are unchanged.
 */
import type { Construct } from 'constructs';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { OutputKey } from '../lib/outputs';
import { deploymentGroupArn } from '../config/iam-policies';
import type { ServiceNames } from '../config/names';
import type { ResolvedService } from '../config/resolve';
import type { ContainerRepository } from './container-repository';
import { DeploymentAlarms } from './deployment-alarms';
import type { FargateService, FargateServiceProps } from './fargate-service';
import type { HookFunction, HookFunctionProps } from './hook-function';
import { ApplicationLoadBalancer } from './load-balancer';
import type { BlueGreenPlatform } from './platform';
import { ServiceListeners } from './service-listeners';

/** A stack output of one service: its value (a Terraform reference or a literal) and description. */
export interface ServiceOutput {
  readonly value: string | number;
  readonly description: string;
}

/** A load balancer of the service's own (`routing.loadBalancer: 'dedicated'`), id `DedicatedLoadBalancer`. */
export function dedicatedLoadBalancer(scope: Construct, platform: BlueGreenPlatform, config: ResolvedService, names: ServiceNames): ApplicationLoadBalancer {
  const lb = platform.environment.loadBalancer;
  return new ApplicationLoadBalancer(scope, 'DedicatedLoadBalancer', {
    vpcId: platform.network.vpcId,
    publicSubnetIds: platform.network.publicSubnetIds,
    certificateArn: lb.certificateArn,
    redirectToPort: config.routing.productionPort,
    allowedCidrs: lb.allowedCidrs,
    idleTimeoutInSeconds: lb.idleTimeoutInSeconds,
    names: { loadBalancer: names.dedicatedLoadBalancer, securityGroup: names.dedicatedLoadBalancerSecurityGroup },
    ...platform.loadBalancerProtection,
  });
}

/** The service's own production and test listeners with its blue and green target groups, id `LoadBalancer`. */
export function ownListeners(scope: Construct, platform: BlueGreenPlatform, config: ResolvedService, loadBalancer: ApplicationLoadBalancer, names: ServiceNames): ServiceListeners {
  const env = platform.environment;
  return new ServiceListeners(scope, 'LoadBalancer', {
    loadBalancer,
    vpcId: platform.network.vpcId,
    routing: config.routing,
    containerPort: config.containerPort,
    productionCidrs: env.loadBalancer.allowedCidrs,
    testAccess: { allowPublicAccess: env.testListener.allowPublicAccess, allowedCidrs: env.testListener.allowedCidrs, natEgressCidrs: platform.network.natEgressCidrs },
    certificateArn: env.loadBalancer.certificateArn,
    sslPolicy: env.loadBalancer.sslPolicy,
    names: { blueTargetGroup: names.blueTargetGroup, greenTargetGroup: names.greenTargetGroup },
  });
}

/**
 * The ARN of the service's CodeDeploy deployment group, built from names (not from the group resource)
 * so the hook and the AppSpec do not wait for the group.
 */
export function serviceDeploymentGroupArn(platform: BlueGreenPlatform, names: ServiceNames): string {
  return deploymentGroupArn({
    partition: platform.partition,
    region: platform.environment.region,
    accountId: platform.accountId,
    applicationName: platform.names.codeDeployApplication,
    deploymentGroupName: names.deploymentGroup,
  });
}

/** The rollback alarms on both target groups (id `Alarms`); their names as references, so users wait for them. */
export function rollbackAlarms(
  scope: Construct,
  config: ResolvedService,
  names: ServiceNames,
  loadBalancer: ApplicationLoadBalancer,
  targetGroups: { readonly blue: LbTargetGroup; readonly green: LbTargetGroup },
  rolledBackBy?: 'ECS',
): string[] {
  const a = config.alarms;
  return new DeploymentAlarms(scope, 'Alarms', {
    namePrefix: names.alarmPrefix,
    loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
    targetGroupArnSuffixes: { blue: targetGroups.blue.arnSuffix, green: targetGroups.green.arnSuffix },
    target5xxThreshold: a.target5xxThreshold,
    periodInSeconds: a.periodInSeconds,
    evaluationPeriods: a.evaluationPeriods,
    ...(rolledBackBy ? { rolledBackBy } : {}),
  }).alarmNames;
}

/** The props of the ECS service both controllers share (placement, image, names). */
export function fargateBaseProps(
  platform: BlueGreenPlatform,
  config: ResolvedService,
  names: ServiceNames,
  repository: ContainerRepository | undefined,
  loadBalancer: ApplicationLoadBalancer,
): Omit<FargateServiceProps, 'blueTargetGroupArn' | 'listeners' | 'native'> {
  const network = platform.network;
  const image = config.image;
  return {
    vpcId: network.vpcId,
    subnetIds: platform.privateSubnets ? network.privateSubnetIds : network.publicSubnetIds,
    assignPublicIp: !platform.privateSubnets,
    service: config,
    clusterArn: platform.cluster.arn,
    imageReference: 'ecrTag' in image ? `${repository!.repository.repositoryUrl}:${image.ecrTag}` : image.external,
    repositoryArn: repository?.repository.arn,
    region: platform.environment.region,
    kmsKeyArn: platform.kmsKeyArn,
    loadBalancerSecurityGroupId: loadBalancer.securityGroup.id,
    names: {
      service: names.service,
      taskFamily: names.taskFamily,
      executionRole: names.executionRole,
      taskRole: names.taskRole,
      logGroup: names.serviceLogGroup,
      securityGroup: names.tasksSecurityGroup,
    },
  };
}

/** The props of the hook Lambda both controllers share (placement, names, limits). */
export function hookBaseProps(platform: BlueGreenPlatform, config: ResolvedService, names: ServiceNames): Omit<HookFunctionProps, 'config' | 'deploymentGroupArn' | 'description'> {
  const network = platform.network;
  return {
    code: platform.hookCode,
    partition: platform.partition,
    logRetentionInDays: config.hook.logRetentionInDays,
    vpc: platform.privateSubnets ? { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, testPort: config.routing.testPort } : undefined,
    names: { function: names.hookFunction, role: names.hookRole, logGroup: names.hookLogGroup, securityGroup: names.hookSecurityGroup },
    reservedConcurrentExecutions: config.hook.reservedConcurrentExecutions,
    kmsKeyArn: platform.kmsKeyArn,
  };
}

/** The outputs whose value and meaning are the same under both controllers. */
export function commonOutputs(
  platform: BlueGreenPlatform,
  config: ResolvedService,
  parts: { readonly fargate: FargateService; readonly hook: HookFunction; readonly repository: ContainerRepository | undefined },
): Pick<Record<OutputKey, ServiceOutput>, 'region' | 'clusterName' | 'serviceName' | 'taskDefinitionArn' | 'containerName' | 'containerPort' | 'hookFunctionName' | 'ecrRepositoryUrl' | 'serviceLogGroupName' | 'hookLogGroupName'> {
  return {
    region: { value: platform.environment.region, description: 'AWS region of the stack' },
    clusterName: { value: platform.cluster.name, description: 'ECS cluster' },
    serviceName: { value: parts.fargate.service.name, description: 'ECS service' },
    taskDefinitionArn: { value: parts.fargate.taskDefinition.arn, description: 'Task definition the next release deploys' },
    containerName: { value: config.containerName, description: 'Container that receives traffic' },
    containerPort: { value: config.containerPort, description: 'Port of that container' },
    hookFunctionName: { value: parts.hook.function.functionName, description: 'Hook Lambda (its logs explain a failed release)' },
    ecrRepositoryUrl: { value: parts.repository ? parts.repository.repository.repositoryUrl : '', description: 'ECR repository (empty: the service uses an external image)' },
    serviceLogGroupName: { value: parts.fargate.logGroup.name, description: 'Log group of the containers' },
    hookLogGroupName: { value: parts.hook.logGroup.name, description: 'Log group of the hook' },
  };
}
