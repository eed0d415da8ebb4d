import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import type { HookBundle } from '../hook-build/bundle';
import { defaultHookBundle } from '../hook-build/prebuilt';
import { ECS_HOOK_EVENTS, type EcsHookEvent } from '../lib/appspec';
import type { EnvironmentConfig, ResolvedEnvironment } from '../config/environment';
import { usesPrivateSubnets } from '../config/environment';
import { deploymentGroupArn } from '../config/iam-policies';
import { resourceNames, type ResourceNames } from '../config/names';
import { OUTPUT_NAMES, type OutputKey } from '../lib/outputs';
import { assertValidEnvironment, environmentWarnings } from '../config/validation';
import { AppSpecRevision } from '../constructs/appspec-revision';
import { AutoRelease } from '../constructs/auto-release';
import { BlueGreenDeployment } from '../constructs/codedeploy-deployment';
import { ContainerRepository } from '../constructs/container-repository';
import { DeploymentAlarms } from '../constructs/deployment-alarms';
import { FargateService } from '../constructs/fargate-service';
import { HookFunction } from '../constructs/hook-function';
import { BlueGreenLoadBalancer } from '../constructs/load-balancer';
import { Network } from '../constructs/network';

/** Props of {@link BlueGreenStack}. */
export interface BlueGreenStackProps {
  /** The environment; validated before any resource is created. */
  readonly environment: EnvironmentConfig;
  /**
   * A bundled hook to use.
   * @default - the package's prebuilt bundle; from the sources, `hook-lambda/index.ts` bundled with esbuild (content-hash cached)
   */
  readonly hookBundle?: HookBundle;
  /**
   * Called with each synth-time warning (e.g. a public test port).
   * @default - warnings are only kept in {@link BlueGreenStack.warnings}
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * One environment: network, ALB with blue/green target groups, the CodeDeploy-controlled ECS
 * service, the hook Lambda, the AppSpec revision, alarms, and the outputs the release reads.
 * The stack's id is its name: `<project>-<environment>` (e.g. `bluegreen-dev`).
 */
export class BlueGreenStack extends TerraformStack {
  /** The environment with defaults filled in. */
  readonly environment: ResolvedEnvironment;
  readonly names: ResourceNames;
  /** Synth-time warnings of this environment. */
  readonly warnings: readonly string[];

  /**
   * @throws EnvironmentConfigError when the environment is invalid (before anything is created)
   * @throws HookBundleError when the hook cannot be bundled
   */
  constructor(scope: Construct, props: BlueGreenStackProps) {
    // Validate before the stack construct itself exists: nothing of an invalid environment is created.
    const env = assertValidEnvironment(props.environment);
    const names = resourceNames(env.project, env.name);
    const bundle = props.hookBundle ?? defaultHookBundle();
    super(scope, names.stack);
    this.environment = env;
    this.names = names;
    this.warnings = environmentWarnings(env).map((w) => `${names.stack}: ${w}`);
    this.warnings.forEach((w) => props.onWarning?.(w));

    this.configureState(env, names);
    new AwsProvider(this, 'Aws', {
      region: env.region,
      defaultTags: [{ tags: { ...env.tags, environment: env.name, project: env.project } }],
    });
    if (env.autoRelease) new NullProvider(this, 'Null', {});

    const partition = new DataAwsPartition(this, 'Partition', {});
    const caller = new DataAwsCallerIdentity(this, 'CallerIdentity', {});
    const privateSubnets = usesPrivateSubnets(env);

    const network = new Network(this, 'Network', { network: env.network, namePrefix: names.stack });
    const lb = new BlueGreenLoadBalancer(this, 'LoadBalancer', {
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      natEgressCidrs: network.natEgressCidrs,
      loadBalancer: env.loadBalancer,
      testListener: env.testListener,
      containerPort: env.service.containerPort,
      names: { loadBalancer: names.loadBalancer, blueTargetGroup: names.blueTargetGroup, greenTargetGroup: names.greenTargetGroup, securityGroup: `${names.stack}-alb` },
    });

    const image = env.service.image;
    const repository = 'ecrTag' in image ? new ContainerRepository(this, 'ContainerRepository', { name: names.ecrRepository }) : undefined;
    const imageReference = 'ecrTag' in image ? `${repository!.repository.repositoryUrl}:${image.ecrTag}` : image.external;

    const service = new FargateService(this, 'Service', {
      vpcId: network.vpcId,
      subnetIds: privateSubnets ? network.privateSubnetIds : network.publicSubnetIds,
      assignPublicIp: !privateSubnets,
      service: env.service,
      imageReference,
      repositoryArn: repository?.repository.arn,
      region: env.region,
      loadBalancerSecurityGroupId: lb.securityGroup.id,
      blueTargetGroupArn: lb.blueTargetGroup.arn,
      listeners: [lb.productionListener, lb.testListener],
      names: {
        cluster: names.cluster,
        service: names.service,
        taskFamily: names.taskFamily,
        executionRole: names.executionRole,
        taskRole: names.taskRole,
        logGroup: names.serviceLogGroup,
        securityGroup: `${names.stack}-tasks`,
      },
    });

    const alarms = env.alarms.enabled
      ? new DeploymentAlarms(this, 'Alarms', {
          namePrefix: names.alarmPrefix,
          loadBalancerArnSuffix: lb.loadBalancer.arnSuffix,
          targetGroupArnSuffixes: { blue: lb.blueTargetGroup.arnSuffix, green: lb.greenTargetGroup.arnSuffix },
          target5xxThreshold: env.alarms.target5xxThreshold,
          periodInSeconds: env.alarms.periodInSeconds,
          evaluationPeriods: env.alarms.evaluationPeriods,
        }).alarmNames
      : [];

    // The hook's permission names the deployment group's ARN, built from names (not from the group
    // resource) so the hook and the AppSpec do not wait for the group.
    const groupArn = deploymentGroupArn({
      partition: partition.partition,
      region: env.region,
      accountId: caller.accountId,
      applicationName: names.codeDeployApplication,
      deploymentGroupName: names.deploymentGroup,
    });
    const hook = new HookFunction(this, 'Hook', {
      bundle,
      config: {
        testBaseUrl: lb.testUrl,
        checks: env.hook.checks,
        requiredConsecutivePasses: env.hook.requiredConsecutivePasses,
        checkBudgetInSeconds: env.hook.checkBudgetInSeconds,
      },
      deploymentGroupArn: groupArn,
      partition: partition.partition,
      logRetentionInDays: env.hook.logRetentionInDays,
      vpc: privateSubnets ? { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, testPort: env.testListener.port } : undefined,
      names: { function: names.hookFunction, role: names.hookRole, logGroup: names.hookLogGroup, securityGroup: `${names.stack}-hook` },
    });

    const hookEvents = ECS_HOOK_EVENTS.filter((e) => env.hook.lifecycleEvents.includes(e));
    const revision = new AppSpecRevision(this, 'AppSpec', {
      appSpec: {
        taskDefinitionArn: service.taskDefinition.arn,
        containerName: env.service.containerName,
        containerPort: env.service.containerPort,
        hooks: Object.fromEntries(hookEvents.map((e) => [e, hook.function.functionName])) as Partial<Record<EcsHookEvent, string>>,
      },
      bucketPrefix: names.appSpecBucketPrefix,
      objectKey: names.appSpecObjectKey,
    });

    const deployment = new BlueGreenDeployment(this, 'Deployment', {
      deployment: env.deployment,
      clusterName: service.cluster.name,
      serviceName: service.service.name,
      productionListenerArn: lb.productionListener.arn,
      testListenerArn: lb.testListener.arn,
      blueTargetGroupName: lb.blueTargetGroup.name,
      greenTargetGroupName: lb.greenTargetGroup.name,
      alarmNames: [...alarms, ...env.alarms.additionalAlarmNames],
      appSpecBucketArn: revision.bucket.arn,
      partition: partition.partition,
      names: { application: names.codeDeployApplication, deploymentGroup: names.deploymentGroup, deploymentConfig: names.deploymentConfig, role: names.codeDeployRole },
    });

    if (env.autoRelease) {
      new AutoRelease(this, 'AutoRelease', {
        release: {
          stackName: names.stack,
          region: env.region,
          applicationName: deployment.application.name,
          deploymentGroupName: deployment.deploymentGroup.deploymentGroupName,
          taskDefinitionArn: service.taskDefinition.arn,
          containerName: env.service.containerName,
          containerPort: env.service.containerPort,
          hookFunctionName: hook.function.functionName,
          hookLogGroupName: hook.logGroup.name,
          hookLifecycleEvents: hookEvents,
        },
        dependsOn: [deployment.deploymentGroup, service.service, hook.function, revision.object],
      });
    }

    const outputs: Record<OutputKey, { value: string | number; description: string }> = {
      region: { value: env.region, description: 'AWS region of the stack' },
      applicationName: { value: deployment.application.name, description: 'CodeDeploy application' },
      deploymentGroupName: { value: deployment.deploymentGroup.deploymentGroupName, description: 'CodeDeploy deployment group' },
      deploymentConfigName: { value: deployment.deploymentConfigName, description: 'Deployment configuration (traffic shifting) of the group' },
      clusterName: { value: service.cluster.name, description: 'ECS cluster' },
      serviceName: { value: service.service.name, description: 'ECS service' },
      taskDefinitionArn: { value: service.taskDefinition.arn, description: 'Task definition the next release deploys' },
      containerName: { value: env.service.containerName, description: 'Container that receives traffic' },
      containerPort: { value: env.service.containerPort, description: 'Port of that container' },
      hookFunctionName: { value: hook.function.functionName, description: 'Hook Lambda (its logs explain a failed release)' },
      hookLifecycleEvents: { value: hookEvents.join(','), description: 'Lifecycle events the hook runs at, in AppSpec order' },
      appSpecBucketName: { value: revision.bucket.bucket, description: 'Bucket of the AppSpec revision' },
      appSpecObjectKey: { value: revision.object.key, description: 'Key of the AppSpec revision' },
      appSpecObjectVersionId: { value: revision.object.versionId, description: 'Version of the current AppSpec revision' },
      productionUrl: { value: lb.productionUrl, description: 'Production URL' },
      testUrl: { value: lb.testUrl, description: 'Test listener URL (green during a release)' },
      ecrRepositoryUrl: { value: repository ? repository.repository.repositoryUrl : '', description: 'ECR repository (empty: the environment uses an external image)' },
      serviceLogGroupName: { value: service.logGroup.name, description: 'Log group of the containers' },
      hookLogGroupName: { value: hook.logGroup.name, description: 'Log group of the hook' },
    };
    for (const key of Object.keys(OUTPUT_NAMES) as OutputKey[]) {
      // Output ids are the contract with the release CLI: top-level, exactly OUTPUT_NAMES.
      new TerraformOutput(this, OUTPUT_NAMES[key], outputs[key]);
    }
  }

  private configureState(env: ResolvedEnvironment, names: ResourceNames): void {
    const state = env.state;
    if (state.backend === 's3') {
      new S3Backend(this, {
        bucket: state.bucket,
        key: state.key ?? `${names.stack}/terraform.tfstate`,
        region: state.region ?? env.region,
        encrypt: true,
        ...(state.dynamodbTable ? { dynamodbTable: state.dynamodbTable } : {}),
      });
      // S3-native locking (Terraform 1.10+); cdktf 0.21's S3Backend has no property for it yet.
      if (!state.dynamodbTable) this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Relative to the synthesized stack directory (cdktf.out/stacks/<stack>): the project root, as
      // cdktf's default, but without writing this machine's absolute path into the output.
      new LocalBackend(this, { path: state.path ?? `../../../terraform.${names.stack}.tfstate` });
    }
  }
}
