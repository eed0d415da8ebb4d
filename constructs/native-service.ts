import { Construct } from 'constructs';
import type { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { EcsServiceDeploymentConfiguration } from '@cdktf/provider-aws/lib/ecs-service';
import { ECS_HOOK_STAGES } from '../hook-lambda/events';
import type { HealthCheckSpec } from '../hook-lambda/config';
import { ECS_HOOK_EVENTS, type EcsHookEvent } from '../lib/appspec';
import type { OutputKey } from '../lib/outputs';
import { nativeRoleNames, serviceNames, type ServiceNames } from '../config/names';
import { routedChecks } from '../config/native-routes';
import type { ResolvedNative } from '../config/native';
import type { ResolvedService } from '../config/resolve';
import { AppSpecRevision } from './appspec-revision';
import { BlueGreenDeployment } from './codedeploy-deployment';
import { ContainerRepository } from './container-repository';
import { FargateService } from './fargate-service';
import { HookFunction } from './hook-function';
import type { ApplicationLoadBalancer } from './load-balancer';
import { NativeDeploymentRoles, NativeListenerRules } from './native-routing';
import type { BlueGreenPlatform } from './platform';
import type { BlueGreenServiceProps } from './service';
import { serviceTargetGroup, type ServiceListeners } from './service-listeners';
import { commonOutputs, dedicatedLoadBalancer, fargateBaseProps, hookBaseProps, ownListeners, rollbackAlarms, serviceDeploymentGroupArn, type ServiceOutput } from './service-parts';
import { listenerUrl } from './shared-listeners';

/** Props of {@link NativeBlueGreenService}: those of a CodeDeploy service. */
export type NativeBlueGreenServiceProps = BlueGreenServiceProps;

/** The CodeDeploy resources a service keeps during the apply that switches it to ECS. */
export interface CodeDeployRemnants {
  readonly deployment: BlueGreenDeployment;
  readonly appSpec: AppSpecRevision;
}

/**
 * One ECS-native blue/green service (`controller: 'ecs'`) on a {@link BlueGreenPlatform}: its blue and
 * green target groups, a production and a test listener rule (on listeners it shares, or on two of its
 * own with `routing.listeners: 'own'`), the ECS service with `deployment_controller = ECS` and the
 * chosen strategy, bake time, lifecycle hook, alarms with rollback and the deployment circuit breaker,
 * the two roles ECS assumes (load balancers; invoking the hook), its task definition, ECR repository
 * (for an `ecrTag` image), log groups and hook Lambda (the ECS contract: it answers `hookStatus`).
 *
 * Its construct ids are a CodeDeploy service's where the resource is the same (`LoadBalancer/BlueTargetGroup`,
 * `Service/Service`, `Hook/Function`, `Alarms/…`, and during a migration `Deployment/…` and `AppSpec/…`),
 * so switching a service between the controllers changes resources in place instead of replacing them.
 */
export class NativeBlueGreenService extends Construct {
  readonly config: ResolvedService;
  readonly native: ResolvedNative;
  readonly names: ServiceNames;
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly blueTargetGroup: LbTargetGroup;
  readonly greenTargetGroup: LbTargetGroup;
  /** Its own listeners (`routing.listeners: 'own'`). */
  readonly ownListeners: ServiceListeners | undefined;
  readonly productionListener: LbListener;
  readonly testListener: LbListener;
  readonly rules: NativeListenerRules;
  readonly roles: NativeDeploymentRoles;
  readonly repository: ContainerRepository | undefined;
  readonly hook: HookFunction;
  readonly fargate: FargateService;
  /** Kept while `migration` is set: the deployment group and AppSpec of its CodeDeploy days. */
  readonly codeDeploy: CodeDeployRemnants | undefined;
  /** What the release reads, keyed as in `OUTPUT_NAMES` (lib/outputs.ts). */
  readonly outputs: Readonly<Record<OutputKey, ServiceOutput>>;

  /**
   * @throws Error when the platform's environment has no such service, it is not `controller: 'ecs'`,
   * it is built twice, or a service whose listener its rules go on was not built before it
   */
  constructor(scope: Construct, id: string, props: NativeBlueGreenServiceProps) {
    const found = props.platform.environment.services.find((x) => x.name === props.service);
    if (found && found.controller !== 'ecs') throw new Error(`service ${JSON.stringify(props.service)} uses controller ${JSON.stringify(found.controller)}: build it with BlueGreenService`);
    const s = props.platform.claimService(props.service);
    super(scope, id);
    const platform = props.platform;
    const env = platform.environment;
    this.config = s;
    this.native = s.native!;
    this.names = serviceNames(env.project, env.name, s.stackLevel ? undefined : s.name, s.name);
    this.loadBalancer = s.routing.loadBalancer === 'dedicated' ? dedicatedLoadBalancer(this, platform, s, this.names) : platform.sharedLoadBalancer;
    if (this.native.route.listeners === 'own') {
      // Listeners of its own, exactly as a CodeDeploy service has them (a migrated service keeps them).
      this.ownListeners = ownListeners(this, platform, s, this.loadBalancer, this.names);
      platform.listeners.register(s, this.ownListeners);
      [this.blueTargetGroup, this.greenTargetGroup] = [this.ownListeners.blueTargetGroup, this.ownListeners.greenTargetGroup];
    } else {
      // Same ids as a CodeDeploy service's target groups (`LoadBalancer/BlueTargetGroup`).
      const route = new Construct(this, 'LoadBalancer');
      const targetGroup = (tgId: string, name: string) => serviceTargetGroup(route, tgId, { vpcId: platform.network.vpcId, routing: s.routing, containerPort: s.containerPort, name });
      this.blueTargetGroup = targetGroup('BlueTargetGroup', this.names.blueTargetGroup);
      this.greenTargetGroup = targetGroup('GreenTargetGroup', this.names.greenTargetGroup);
    }
    this.productionListener = platform.listeners.listenerFor(s, 'production', this.loadBalancer);
    this.testListener = platform.listeners.listenerFor(s, 'test', this.loadBalancer);
    // A migration keeps production where CodeDeploy left it: that target group becomes the primary one.
    const greenLive = this.native.migration?.productionTargetGroup === 'green';
    const [primary, alternate] = greenLive ? [this.greenTargetGroup, this.blueTargetGroup] : [this.blueTargetGroup, this.greenTargetGroup];
    this.rules = new NativeListenerRules(this, 'Routing', { route: this.native.route, productionListener: this.productionListener, testListener: this.testListener, primary, alternate });
    const ecrKey = env.encryption.encryptContainerRepository ? platform.kmsKeyArn : undefined;
    this.repository = 'ecrTag' in s.image ? new ContainerRepository(this, 'ContainerRepository', { name: this.names.ecrRepository, kmsKeyArn: ecrKey }) : undefined;
    this.hook = this.hookFunction(platform);
    this.roles = new NativeDeploymentRoles(this, 'Native', {
      targetGroups: [this.blueTargetGroup, this.greenTargetGroup],
      rules: this.rules,
      listeners: [this.productionListener, this.testListener],
      hookFunctionArn: this.hook.function.arn,
      names: nativeRoleNames(env.project, env.name, s.stackLevel ? undefined : s.name),
    });
    const alarms = s.alarms.enabled ? rollbackAlarms(this, s, this.names, this.loadBalancer, { blue: this.blueTargetGroup, green: this.greenTargetGroup }, 'ECS') : [];
    const alarmNames = [...alarms, ...s.alarms.additionalAlarmNames];
    this.fargate = this.fargateService(platform, primary, alternate, alarmNames);
    this.codeDeploy = this.native.migration ? this.codeDeployRemnants(platform, alarmNames) : undefined;
    this.outputs = this.outputValues(platform);
  }

  /** The lifecycle stages of the hook, in ECS's order. */
  get hookStages(): string[] {
    return ECS_HOOK_STAGES.filter((stage) => this.native.lifecycleStages.includes(stage));
  }



  /** Base URLs of its routes (with `routing.hosts`, requests need one of those host names). */
  private urls(platform: BlueGreenPlatform): { production: string; test: string } {
    const dns = this.loadBalancer.loadBalancer.dnsName;
    const https = platform.environment.loadBalancer.certificateArn !== undefined;
    return { production: listenerUrl(dns, this.config.routing.productionPort, https), test: listenerUrl(dns, this.config.routing.testPort, false) };
  }

  private hookFunction(platform: BlueGreenPlatform): HookFunction {
    const s = this.config;
    const route = this.native.route;
    // With host conditions, every check needs a Host header the test rule matches (config/native-routes.ts).
    const checks: readonly HealthCheckSpec[] | undefined = route.hosts.length > 0 ? routedChecks(s.hook.checks ?? [{}], route) : s.hook.checks;
    const migrating = this.native.migration !== undefined;
    return new HookFunction(this, 'Hook', {
      ...hookBaseProps(platform, s, this.names),
      config: { testBaseUrl: this.urls(platform).test, checks, requiredConsecutivePasses: s.hook.requiredConsecutivePasses, checkBudgetInSeconds: s.hook.checkBudgetInSeconds },
      // During the switch the CodeDeploy deployment group still exists: the hook keeps its permission.
      ...(migrating ? { deploymentGroupArn: serviceDeploymentGroupArn(platform, this.names) } : {}),
      description: 'ECS lifecycle hook: checks green through the test listener rule and answers hookStatus',
    });
  }



  /** `deployment_configuration`: the strategy with its step settings, the bake time and the hook. */
  private deploymentConfiguration(): EcsServiceDeploymentConfiguration {
    const d = this.native.deployment;
    return {
      strategy: d.strategy,
      // The provider types these as strings (nullable integers in the schema).
      bakeTimeInMinutes: String(d.bakeTimeInMinutes),
      ...(d.strategy === 'LINEAR'
        ? { linearConfiguration: { stepPercent: d.linearConfiguration.stepPercent, stepBakeTimeInMinutes: String(d.linearConfiguration.stepBakeTimeInMinutes) } }
        : {}),
      ...(d.strategy === 'CANARY'
        ? { canaryConfiguration: { canaryPercent: d.canaryConfiguration.canaryPercent, canaryBakeTimeInMinutes: String(d.canaryConfiguration.canaryBakeTimeInMinutes) } }
        : {}),
      lifecycleHook: [
        {
          hookTargetArn: this.hook.function.arn,
          roleArn: this.roles.hookInvokeRole.arn,
          lifecycleStages: this.hookStages,
          // Passed to every invocation (the hook logs the event): which service the hook checks.
          hookDetails: JSON.stringify({ service: this.config.name }),
        },
      ],
    };
  }

  private fargateService(platform: BlueGreenPlatform, primary: LbTargetGroup, alternate: LbTargetGroup, alarmNames: readonly string[]): FargateService {
    return new FargateService(this, 'Service', {
      ...fargateBaseProps(platform, this.config, this.names, this.repository, this.loadBalancer),
      blueTargetGroupArn: primary.arn,
      listeners: [this.productionListener, this.testListener],
      native: {
        deploymentConfiguration: this.deploymentConfiguration(),
        advancedConfiguration: {
          alternateTargetGroupArn: alternate.arn,
          productionListenerRule: this.rules.productionRule.arn,
          testListenerRule: this.rules.testRule.arn,
          roleArn: this.roles.infrastructureRole.arn,
        },
        alarmNames,
        migrating: this.native.migration !== undefined,
        dependsOn: [this.rules.productionRule, this.rules.testRule, ...this.roles.ready],
      },
    });
  }

  /**
   * During the switch from CodeDeploy: the deployment group (and its traffic configuration) and the
   * AppSpec object stay, exactly as the CodeDeploy service had them, so the switch destroys nothing;
   * the next apply, without `migration`, deletes them.
   */
  private codeDeployRemnants(platform: BlueGreenPlatform, alarmNames: readonly string[]): CodeDeployRemnants {
    const s = this.config;
    const own = this.ownListeners!;
    const events = ECS_HOOK_EVENTS.filter((e) => s.hook.lifecycleEvents.includes(e));
    const appSpec = new AppSpecRevision(this, 'AppSpec', {
      appSpec: {
        taskDefinitionArn: this.fargate.taskDefinition.arn,
        containerName: s.containerName,
        containerPort: s.containerPort,
        hooks: Object.fromEntries(events.map((e) => [e, this.hook.function.functionName])) as Partial<Record<EcsHookEvent, string>>,
      },
      bucket: platform.appSpecBucket,
      objectKey: this.names.appSpecObjectKey,
    });
    const deployment = new BlueGreenDeployment(this, 'Deployment', {
      application: platform.codeDeploy,
      deployment: s.deployment,
      clusterName: platform.cluster.name,
      serviceName: this.fargate.service.name,
      productionListenerArn: own.productionListener.arn,
      testListenerArn: own.testListener.arn,
      blueTargetGroupName: own.blueTargetGroup.name,
      greenTargetGroupName: own.greenTargetGroup.name,
      alarmNames: [...alarmNames],
      names: { deploymentGroup: this.names.deploymentGroup, deploymentConfig: this.names.deploymentConfig },
    });
    // CodeDeploy's shared role keeps what it may act on for this service until the group is gone.
    platform.codeDeploy.addService({
      taskRoleArns: [this.fargate.taskRole.arn, this.fargate.executionRole.arn],
      listenerArns: [own.productionListener.arn, own.testListener.arn],
      hookFunctionArn: this.hook.function.arn,
    });
    return { deployment, appSpec };
  }

  private outputValues(platform: BlueGreenPlatform): Record<OutputKey, ServiceOutput> {
    const s = this.config;
    const urls = this.urls(platform);
    const cd = this.codeDeploy;
    const none = (what: string) => ({ value: '', description: `${what} (CodeDeploy services only: empty)` });
    return {
      ...commonOutputs(platform, s, this),
      applicationName: cd ? { value: platform.codeDeploy.application.name, description: 'CodeDeploy application (kept during the switch to ECS)' } : none('CodeDeploy application'),
      deploymentGroupName: cd ? { value: cd.deployment.deploymentGroup.deploymentGroupName, description: 'CodeDeploy deployment group (kept during the switch to ECS)' } : none('CodeDeploy deployment group'),
      deploymentConfigName: cd ? { value: cd.deployment.deploymentConfigName, description: 'Deployment configuration of the group (kept during the switch to ECS)' } : none('CodeDeploy deployment configuration'),
      hookLifecycleEvents: none('CodeDeploy lifecycle events of the hook'),
      appSpecBucketName: cd ? { value: platform.appSpecBucket.bucket.bucket, description: 'Bucket of the AppSpec revision (kept during the switch to ECS)' } : none('AppSpec bucket'),
      appSpecObjectKey: cd ? { value: cd.appSpec.object.key, description: 'Key of the AppSpec revision (kept during the switch to ECS)' } : none('AppSpec key'),
      appSpecObjectVersionId: cd ? { value: cd.appSpec.object.versionId, description: 'Version of the AppSpec revision (kept during the switch to ECS)' } : none('AppSpec version'),
      productionUrl: { value: urls.production, description: `Production URL${this.native.route.hosts.length > 0 ? ` (requests need a host name of ${this.native.route.hosts.join(', ')})` : ''}` },
      testUrl: { value: urls.test, description: 'Test listener URL (its test rule leads to green during a release)' },
      deploymentController: { value: 'ECS', description: 'Deployment controller of the service (CODE_DEPLOY or ECS): which one npm run release drives' },
      hookLifecycleStages: { value: this.hookStages.join(','), description: 'ECS lifecycle stages the hook runs at, in ECS order' },
      blueTargetGroupArn: { value: this.blueTargetGroup.arn, description: 'Blue target group' },
      greenTargetGroupArn: { value: this.greenTargetGroup.arn, description: 'Green target group' },
      productionListenerRuleArn: { value: this.rules.productionRule.arn, description: 'Production listener rule (ECS sets its weights)' },
      testListenerRuleArn: { value: this.rules.testRule.arn, description: 'Test listener rule (ECS sets its weights)' },
    };
  }
}
