import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { ECS_HOOK_EVENTS, type EcsHookEvent } from '../lib/appspec';
import type { OutputKey } from '../lib/outputs';
import { deploymentGroupArn } from '../config/iam-policies';
import { serviceNames, type ServiceNames } from '../config/names';
import type { ResolvedService } from '../config/resolve';
import { AppSpecRevision } from './appspec-revision';
import { AutoRelease } from './auto-release';
import { BlueGreenDeployment } from './codedeploy-deployment';
import { ContainerRepository } from './container-repository';
import { DeploymentAlarms } from './deployment-alarms';
import { FargateService } from './fargate-service';
import { HookFunction } from './hook-function';
import { ApplicationLoadBalancer } from './load-balancer';
import type { BlueGreenPlatform } from './platform';
import { ServiceListeners } from './service-listeners';

/** Props of {@link BlueGreenService}. */
export interface BlueGreenServiceProps {
  /** The platform of the environment that declares the service. */
  readonly platform: BlueGreenPlatform;
  /** Name of the service: a key of the environment's `services`, or its `service`'s name (`'default'` unless set). */
  readonly service: string;
}

/** A stack output of one service: its value (a Terraform reference or a literal) and description. */
export interface ServiceOutput {
  readonly value: string | number;
  readonly description: string;
}

/**
 * One CodeDeploy blue/green service on a {@link BlueGreenPlatform}: its blue and green target groups
 * and its production and test listeners (on the shared load balancer, or a dedicated one), the ECS
 * service with `deployment_controller = CODE_DEPLOY` and its task definition, ECR repository (for an
 * `ecrTag` image), log groups, the deployment group with its alarms, its hook Lambda (allowed to
 * report on this deployment group only), its AppSpec object, and an optional auto-release.
 *
 * Its construct ids repeat the single-service stack's (`LoadBalancer/BlueTargetGroup`, `Service/Service`,
 * `Hook/Function`, `Deployment/DeploymentGroup`, …): the stack-level service of a {@link BlueGreenStack}
 * is built with the id `Default` inside the platform (id `Default` too), so it keeps its addresses.
 */
export class BlueGreenService extends Construct {
  /** The service's settings, every default filled in. */
  readonly config: ResolvedService;
  readonly names: ServiceNames;
  /** The load balancer its listeners are on. */
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly listeners: ServiceListeners;
  readonly repository: ContainerRepository | undefined;
  readonly fargate: FargateService;
  readonly hook: HookFunction;
  readonly appSpec: AppSpecRevision;
  readonly deployment: BlueGreenDeployment;
  /** Lifecycle events the hook runs at, in AppSpec order. */
  readonly hookEvents: readonly EcsHookEvent[];
  /** What the release reads, keyed as in `OUTPUT_NAMES` (lib/outputs.ts). */
  readonly outputs: Readonly<Record<OutputKey, ServiceOutput>>;

  /**
   * @throws Error when the platform's environment has no such service, or it is built twice
   */
  constructor(scope: Construct, id: string, props: BlueGreenServiceProps) {
    const controller = props.platform.environment.services.find((x) => x.name === props.service)?.controller;
    if (controller === 'ecs') throw new Error(`service ${JSON.stringify(props.service)} uses controller "ecs": build it with NativeBlueGreenService (constructs/native-service.ts)`);
    const s = props.platform.claimService(props.service);
    super(scope, id);
    const platform = props.platform;
    const env = platform.environment;
    this.config = s;
    this.names = serviceNames(env.project, env.name, s.stackLevel ? undefined : s.name, s.name);
    this.loadBalancer = s.routing.loadBalancer === 'dedicated' ? this.dedicatedLoadBalancer(platform) : platform.sharedLoadBalancer;
    this.listeners = new ServiceListeners(this, 'LoadBalancer', {
      loadBalancer: this.loadBalancer,
      vpcId: platform.network.vpcId,
      routing: s.routing,
      containerPort: s.containerPort,
      productionCidrs: env.loadBalancer.allowedCidrs,
      testAccess: { allowPublicAccess: env.testListener.allowPublicAccess, allowedCidrs: env.testListener.allowedCidrs, natEgressCidrs: platform.network.natEgressCidrs },
      certificateArn: env.loadBalancer.certificateArn,
      sslPolicy: env.loadBalancer.sslPolicy,
      names: { blueTargetGroup: this.names.blueTargetGroup, greenTargetGroup: this.names.greenTargetGroup },
    });
    // ECS-native services may put rules on these listeners (same port, same role).
    platform.listeners.register(s, this.listeners);
    const ecrKey = env.encryption.encryptContainerRepository ? platform.kmsKeyArn : undefined;
    this.repository = 'ecrTag' in s.image ? new ContainerRepository(this, 'ContainerRepository', { name: this.names.ecrRepository, kmsKeyArn: ecrKey }) : undefined;
    this.fargate = this.fargateService(platform);
    const alarmNames = s.alarms.enabled ? this.alarms() : [];
    this.hook = this.hookFunction(platform);
    this.hookEvents = ECS_HOOK_EVENTS.filter((e) => s.hook.lifecycleEvents.includes(e));
    this.appSpec = new AppSpecRevision(this, 'AppSpec', {
      appSpec: {
        taskDefinitionArn: this.fargate.taskDefinition.arn,
        containerName: s.containerName,
        containerPort: s.containerPort,
        hooks: Object.fromEntries(this.hookEvents.map((e) => [e, this.hook.function.functionName])) as Partial<Record<EcsHookEvent, string>>,
      },
      bucket: platform.appSpecBucket,
      objectKey: this.names.appSpecObjectKey,
    });
    this.deployment = new BlueGreenDeployment(this, 'Deployment', {
      application: platform.codeDeploy,
      deployment: s.deployment,
      clusterName: platform.cluster.name,
      serviceName: this.fargate.service.name,
      productionListenerArn: this.listeners.productionListener.arn,
      testListenerArn: this.listeners.testListener.arn,
      blueTargetGroupName: this.listeners.blueTargetGroup.name,
      greenTargetGroupName: this.listeners.greenTargetGroup.name,
      alarmNames: [...alarmNames, ...s.alarms.additionalAlarmNames],
      names: { deploymentGroup: this.names.deploymentGroup, deploymentConfig: this.names.deploymentConfig },
    });
    // What CodeDeploy's shared service role may act on for this service (docs/security.md).
    platform.codeDeploy.addService({
      taskRoleArns: [this.fargate.taskRole.arn, this.fargate.executionRole.arn],
      listenerArns: [this.listeners.productionListener.arn, this.listeners.testListener.arn],
      hookFunctionArn: this.hook.function.arn,
    });
    if (s.autoRelease) this.addAutoRelease(platform);
    this.outputs = this.outputValues(platform);
  }

  private dedicatedLoadBalancer(platform: BlueGreenPlatform): ApplicationLoadBalancer {
    const lb = platform.environment.loadBalancer;
    return new ApplicationLoadBalancer(this, 'DedicatedLoadBalancer', {
      vpcId: platform.network.vpcId,
      publicSubnetIds: platform.network.publicSubnetIds,
      certificateArn: lb.certificateArn,
      redirectToPort: this.config.routing.productionPort,
      allowedCidrs: lb.allowedCidrs,
      idleTimeoutInSeconds: lb.idleTimeoutInSeconds,
      names: { loadBalancer: this.names.dedicatedLoadBalancer, securityGroup: this.names.dedicatedLoadBalancerSecurityGroup },
      ...platform.loadBalancerProtection,
    });
  }

  private fargateService(platform: BlueGreenPlatform): FargateService {
    const s = this.config;
    const network = platform.network;
    const image = s.image;
    const imageReference = 'ecrTag' in image ? `${this.repository!.repository.repositoryUrl}:${image.ecrTag}` : image.external;
    return new FargateService(this, 'Service', {
      vpcId: network.vpcId,
      subnetIds: platform.privateSubnets ? network.privateSubnetIds : network.publicSubnetIds,
      assignPublicIp: !platform.privateSubnets,
      service: s,
      clusterArn: platform.cluster.arn,
      imageReference,
      repositoryArn: this.repository?.repository.arn,
      region: platform.environment.region,
      kmsKeyArn: platform.kmsKeyArn,
      loadBalancerSecurityGroupId: this.loadBalancer.securityGroup.id,
      blueTargetGroupArn: this.listeners.blueTargetGroup.arn,
      listeners: [this.listeners.productionListener, this.listeners.testListener],
      names: {
        service: this.names.service,
        taskFamily: this.names.taskFamily,
        executionRole: this.names.executionRole,
        taskRole: this.names.taskRole,
        logGroup: this.names.serviceLogGroup,
        securityGroup: this.names.tasksSecurityGroup,
      },
    });
  }

  /** The rollback alarms; their names as references, so the deployment group waits for them. */
  private alarms(): string[] {
    const a = this.config.alarms;
    return new DeploymentAlarms(this, 'Alarms', {
      namePrefix: this.names.alarmPrefix,
      loadBalancerArnSuffix: this.loadBalancer.loadBalancer.arnSuffix,
      targetGroupArnSuffixes: { blue: this.listeners.blueTargetGroup.arnSuffix, green: this.listeners.greenTargetGroup.arnSuffix },
      target5xxThreshold: a.target5xxThreshold,
      periodInSeconds: a.periodInSeconds,
      evaluationPeriods: a.evaluationPeriods,
    }).alarmNames;
  }

  private hookFunction(platform: BlueGreenPlatform): HookFunction {
    const s = this.config;
    const network = platform.network;
    // The hook may report on this service's deployment group only. The ARN is built from names (not
    // from the group resource) so the hook and the AppSpec do not wait for the group.
    const groupArn = deploymentGroupArn({
      partition: platform.partition,
      region: platform.environment.region,
      accountId: platform.accountId,
      applicationName: platform.names.codeDeployApplication,
      deploymentGroupName: this.names.deploymentGroup,
    });
    return new HookFunction(this, 'Hook', {
      code: platform.hookCode,
      config: {
        testBaseUrl: this.listeners.testUrl,
        checks: s.hook.checks,
        requiredConsecutivePasses: s.hook.requiredConsecutivePasses,
        checkBudgetInSeconds: s.hook.checkBudgetInSeconds,
      },
      deploymentGroupArn: groupArn,
      partition: platform.partition,
      logRetentionInDays: s.hook.logRetentionInDays,
      vpc: platform.privateSubnets ? { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, testPort: s.routing.testPort } : undefined,
      names: { function: this.names.hookFunction, role: this.names.hookRole, logGroup: this.names.hookLogGroup, securityGroup: this.names.hookSecurityGroup },
      reservedConcurrentExecutions: s.hook.reservedConcurrentExecutions,
      kmsKeyArn: platform.kmsKeyArn,
    });
  }

  private addAutoRelease(platform: BlueGreenPlatform): void {
    const stack = TerraformStack.of(this);
    // The null provider, once per stack (a stack built by BlueGreenStack already has it).
    if (!stack.node.findAll().some((c) => c instanceof NullProvider)) new NullProvider(stack, 'Null', {});
    const s = this.config;
    new AutoRelease(this, 'AutoRelease', {
      release: {
        stackName: stack.node.id,
        region: platform.environment.region,
        applicationName: platform.codeDeploy.application.name,
        deploymentGroupName: this.deployment.deploymentGroup.deploymentGroupName,
        taskDefinitionArn: this.fargate.taskDefinition.arn,
        containerName: s.containerName,
        containerPort: s.containerPort,
        hookFunctionName: this.hook.function.functionName,
        hookLogGroupName: this.hook.logGroup.name,
        hookLifecycleEvents: this.hookEvents,
      },
      dependsOn: [this.deployment.deploymentGroup, this.fargate.service, this.hook.function, this.appSpec.object],
    });
  }

  private outputValues(platform: BlueGreenPlatform): Record<OutputKey, ServiceOutput> {
    const s = this.config;
    return {
      region: { value: platform.environment.region, description: 'AWS region of the stack' },
      applicationName: { value: platform.codeDeploy.application.name, description: 'CodeDeploy application' },
      deploymentGroupName: { value: this.deployment.deploymentGroup.deploymentGroupName, description: 'CodeDeploy deployment group' },
      deploymentConfigName: { value: this.deployment.deploymentConfigName, description: 'Deployment configuration (traffic shifting) of the group' },
      clusterName: { value: platform.cluster.name, description: 'ECS cluster' },
      serviceName: { value: this.fargate.service.name, description: 'ECS service' },
      taskDefinitionArn: { value: this.fargate.taskDefinition.arn, description: 'Task definition the next release deploys' },
      containerName: { value: s.containerName, description: 'Container that receives traffic' },
      containerPort: { value: s.containerPort, description: 'Port of that container' },
      hookFunctionName: { value: this.hook.function.functionName, description: 'Hook Lambda (its logs explain a failed release)' },
      hookLifecycleEvents: { value: this.hookEvents.join(','), description: 'Lifecycle events the hook runs at, in AppSpec order' },
      appSpecBucketName: { value: platform.appSpecBucket.bucket.bucket, description: 'Bucket of the AppSpec revision' },
      appSpecObjectKey: { value: this.appSpec.object.key, description: 'Key of the AppSpec revision' },
      appSpecObjectVersionId: { value: this.appSpec.object.versionId, description: 'Version of the current AppSpec revision' },
      productionUrl: { value: this.listeners.productionUrl, description: 'Production URL' },
      testUrl: { value: this.listeners.testUrl, description: 'Test listener URL (green during a release)' },
      ecrRepositoryUrl: { value: this.repository ? this.repository.repository.repositoryUrl : '', description: 'ECR repository (empty: the service uses an external image)' },
      serviceLogGroupName: { value: this.fargate.logGroup.name, description: 'Log group of the containers' },
      hookLogGroupName: { value: this.hook.logGroup.name, description: 'Log group of the hook' },
      deploymentController: { value: 'CODE_DEPLOY', description: 'Deployment controller of the service (CODE_DEPLOY or ECS): which one npm run release drives' },
      hookLifecycleStages: { value: '', description: 'ECS lifecycle stages of the hook (ECS-native services only)' },
      blueTargetGroupArn: { value: this.listeners.blueTargetGroup.arn, description: 'Blue target group' },
      greenTargetGroupArn: { value: this.listeners.greenTargetGroup.arn, description: 'Green target group' },
      productionListenerRuleArn: { value: '', description: 'Production listener rule (ECS-native services only)' },
      testListenerRuleArn: { value: '', description: 'Test listener rule (ECS-native services only)' },
    };
  }
}
