import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { ECS_HOOK_EVENTS, type EcsHookEvent } from '../lib/appspec';
import type { OutputKey } from '../lib/outputs';
import { serviceNames, type ServiceNames } from '../config/names';
import type { ResolvedService } from '../config/resolve';
import { AppSpecRevision } from './appspec-revision';
import { AutoRelease } from './auto-release';
import { BlueGreenDeployment } from './codedeploy-deployment';
import { ContainerRepository } from './container-repository';
import { FargateService } from './fargate-service';
import { HookFunction } from './hook-function';
import type { ApplicationLoadBalancer } from './load-balancer';
import type { BlueGreenPlatform } from './platform';
import type { ServiceListeners } from './service-listeners';
import { commonOutputs, dedicatedLoadBalancer, fargateBaseProps, hookBaseProps, ownListeners, rollbackAlarms, serviceDeploymentGroupArn, type ServiceOutput } from './service-parts';

/** Props of {@link BlueGreenService}. */
export interface BlueGreenServiceProps {
  /** The platform of the environment that declares the service. */
  readonly platform: BlueGreenPlatform;
  /** Name of the service: a key of the environment's `services`, or its `service`'s name (`'default'` unless set). */
  readonly service: string;
}

export type { ServiceOutput } from './service-parts';

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
    this.loadBalancer = s.routing.loadBalancer === 'dedicated' ? dedicatedLoadBalancer(this, platform, s, this.names) : platform.sharedLoadBalancer;
    this.listeners = ownListeners(this, platform, s, this.loadBalancer, this.names);
    // ECS-native services may put rules on these listeners (same port, same role).
    platform.listeners.register(s, this.listeners);
    const ecrKey = env.encryption.encryptContainerRepository ? platform.kmsKeyArn : undefined;
    this.repository = 'ecrTag' in s.image ? new ContainerRepository(this, 'ContainerRepository', { name: this.names.ecrRepository, kmsKeyArn: ecrKey }) : undefined;
    this.fargate = this.fargateService(platform);
    const alarmNames = s.alarms.enabled ? rollbackAlarms(this, s, this.names, this.loadBalancer, { blue: this.listeners.blueTargetGroup, green: this.listeners.greenTargetGroup }) : [];
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


  private fargateService(platform: BlueGreenPlatform): FargateService {
    return new FargateService(this, 'Service', {
      ...fargateBaseProps(platform, this.config, this.names, this.repository, this.loadBalancer),
      blueTargetGroupArn: this.listeners.blueTargetGroup.arn,
      listeners: [this.listeners.productionListener, this.listeners.testListener],
    });
  }


  private hookFunction(platform: BlueGreenPlatform): HookFunction {
    const s = this.config;
    return new HookFunction(this, 'Hook', {
      ...hookBaseProps(platform, s, this.names),
      config: {
        testBaseUrl: this.listeners.testUrl,
        checks: s.hook.checks,
        requiredConsecutivePasses: s.hook.requiredConsecutivePasses,
        checkBudgetInSeconds: s.hook.checkBudgetInSeconds,
      },
      // The hook may report on this service's deployment group only.
      deploymentGroupArn: serviceDeploymentGroupArn(platform, this.names),
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
    return {
      ...commonOutputs(platform, this.config, this),
      applicationName: { value: platform.codeDeploy.application.name, description: 'CodeDeploy application' },
      deploymentGroupName: { value: this.deployment.deploymentGroup.deploymentGroupName, description: 'CodeDeploy deployment group' },
      deploymentConfigName: { value: this.deployment.deploymentConfigName, description: 'Deployment configuration (traffic shifting) of the group' },
      hookLifecycleEvents: { value: this.hookEvents.join(','), description: 'Lifecycle events the hook runs at, in AppSpec order' },
      appSpecBucketName: { value: platform.appSpecBucket.bucket.bucket, description: 'Bucket of the AppSpec revision' },
      appSpecObjectKey: { value: this.appSpec.object.key, description: 'Key of the AppSpec revision' },
      appSpecObjectVersionId: { value: this.appSpec.object.versionId, description: 'Version of the current AppSpec revision' },
      productionUrl: { value: this.listeners.productionUrl, description: 'Production URL' },
      testUrl: { value: this.listeners.testUrl, description: 'Test listener URL (green during a release)' },
      deploymentController: { value: 'CODE_DEPLOY', description: 'Deployment controller of the service (CODE_DEPLOY or ECS): which one npm run release drives' },
      hookLifecycleStages: { value: '', description: 'ECS lifecycle stages of the hook (ECS-native services only)' },
      blueTargetGroupArn: { value: this.listeners.blueTargetGroup.arn, description: 'Blue target group' },
      greenTargetGroupArn: { value: this.listeners.greenTargetGroup.arn, description: 'Green target group' },
      productionListenerRuleArn: { value: '', description: 'Production listener rule (ECS-native services only)' },
      testListenerRuleArn: { value: '', description: 'Test listener rule (ECS-native services only)' },
    };
  }
}
