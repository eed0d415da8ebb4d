import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import type { HookBundle } from '../hook-build/bundle';
import { defaultHookBundle } from '../hook-build/prebuilt';
import type { EnvironmentConfig } from '../config/environment';
import { usesPrivateSubnets, type ResolvedEnvironment, type ResolvedService } from '../config/resolve';
import { platformNames, type PlatformNames } from '../config/names';
import { assertValidEnvironment, environmentWarnings } from '../config/validation';
import { AccessLogBucket, ACCESS_LOG_PREFIX } from './access-logs';
import { AppSpecBucket } from './appspec-revision';
import { EncryptionKey } from './encryption-key';
import { CodeDeployApplication } from './codedeploy-deployment';
import { HookCode } from './hook-function';
import { ApplicationLoadBalancer, type ApplicationLoadBalancerProps } from './load-balancer';
import { Network } from './network';
import { ListenerRegistry } from './shared-listeners';
import { unroutedTargetGroupName } from '../config/names';

/** Props of {@link BlueGreenPlatform}. */
export interface BlueGreenPlatformProps {
  /**
   * The environment: what its services share (network, load balancer, state, tags) and the services
   * themselves (`service` and/or `services`), each then built by a {@link BlueGreenService}. Validated
   * here, every problem at once, before anything is created.
   */
  readonly environment: EnvironmentConfig;
  /**
   * The bundled hook Lambda.
   * @default - the package's prebuilt bundle; from the sources, `hook-lambda/index.ts` bundled with esbuild (content-hash cached)
   */
  readonly hookBundle?: HookBundle;
}

/**
 * What the services of one environment share: the network (a new VPC with NAT, or an existing one),
 * one ECS cluster, one internet-facing load balancer (HTTPS with the HTTP redirect, or HTTP; created
 * when a service uses it), one CodeDeploy application with its service role, the AppSpec bucket and
 * the hook's code. The AWS provider, state backend and tags belong to the stack that holds it.
 *
 * Construct ids inside it repeat the single-service stack's (`Network`, `LoadBalancer`, `Service/Cluster`,
 * `Deployment/Application`, `AppSpec/Bucket`, `Hook/Code`): {@link BlueGreenStack} gives it the id
 * `Default`, which cdktf leaves out of logical ids, so existing stacks keep their Terraform addresses.
 */
export class BlueGreenPlatform extends Construct {
  /** The environment with every default filled in (its services' ports allocated). */
  readonly environment: ResolvedEnvironment;
  readonly names: PlatformNames;
  /** Synth-time warnings (e.g. a public test port). */
  readonly warnings: readonly string[];
  /** AWS partition (`aws`, `aws-cn`, …) as a Terraform reference. */
  readonly partition: string;
  /** `amazonaws.com` (`amazonaws.com.cn` in China), the end of service principals, as a Terraform reference. */
  readonly dnsSuffix: string;
  /**
   * The customer-managed KMS key of the log groups and the AppSpec bucket (`encryption`): the one the
   * platform created, or the one named.
   */
  readonly kmsKeyArn: string | undefined;
  /** Account id as a Terraform reference. */
  readonly accountId: string;
  readonly network: Network;
  /** True when tasks and hooks run in private subnets behind NAT. */
  readonly privateSubnets: boolean;
  readonly cluster: EcsCluster;
  readonly codeDeploy: CodeDeployApplication;
  readonly appSpecBucket: AppSpecBucket;
  /** The listeners ECS-native rules go on: the services' own, or shared ones created on demand. */
  readonly listeners: ListenerRegistry;
  private readonly hookBundle: HookBundle | undefined;
  private sharedAlb: ApplicationLoadBalancer | undefined;
  private accessLogBucket: AccessLogBucket | undefined;
  private code: HookCode | undefined;
  private readonly built = new Set<string>();

  /**
   * @throws EnvironmentConfigError when the environment is invalid (before anything is created)
   */
  constructor(scope: Construct, id: string, props: BlueGreenPlatformProps) {
    const env = assertValidEnvironment(props.environment);
    super(scope, id);
    this.environment = env;
    this.names = platformNames(env.project, env.name);
    this.warnings = environmentWarnings(env);
    this.hookBundle = props.hookBundle;
    const partition = new DataAwsPartition(this, 'Partition', {});
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
    this.accountId = new DataAwsCallerIdentity(this, 'CallerIdentity', {}).accountId;
    this.privateSubnets = usesPrivateSubnets(env);
    const aws = { region: env.region, accountId: this.accountId, partition: this.partition };
    this.kmsKeyArn = env.encryption.createKmsKey
      ? new EncryptionKey(this, 'EncryptionKey', { ...aws, dnsSuffix: this.dnsSuffix, alias: this.names.kmsKeyAlias }).key.arn
      : env.encryption.kmsKeyArn;
    this.network = new Network(this, 'Network', {
      network: env.network,
      namePrefix: this.names.stack,
      security: {
        aws: { ...aws, reverseDnsPrefix: partition.reverseDnsPrefix },
        kmsKeyArn: this.kmsKeyArn,
        names: { flowLogGroup: this.names.flowLogGroup, flowLogRole: this.names.flowLogRole, endpointSecurityGroup: this.names.endpointSecurityGroup, namePrefix: this.names.stack },
      },
    });
    this.listeners = new ListenerRegistry(env, {
      productionCidrs: env.loadBalancer.allowedCidrs,
      test: { allowPublicAccess: env.testListener.allowPublicAccess, allowedCidrs: env.testListener.allowedCidrs, natEgressCidrs: this.network.natEgressCidrs },
      certificateArn: env.loadBalancer.certificateArn,
      sslPolicy: env.loadBalancer.sslPolicy,
      vpcId: this.network.vpcId,
      unroutedTargetGroupName: (lb) => unroutedTargetGroupName(lb.loadBalancer.nameInput ?? this.names.loadBalancer),
    });
    // `Service/Cluster`: where the single-service stack kept its cluster.
    this.cluster = new EcsCluster(new Construct(this, 'Service'), 'Cluster', {
      name: this.names.cluster,
      // A cluster setting: on when any service asks for it.
      setting: [{ name: 'containerInsights', value: env.services.some((s) => s.containerInsights) ? 'enabled' : 'disabled' }],
    });
    this.appSpecBucket = new AppSpecBucket(this, 'AppSpec', { bucketPrefix: this.names.appSpecBucketPrefix, kmsKeyArn: this.kmsKeyArn });
    this.codeDeploy = new CodeDeployApplication(this, 'Deployment', {
      appSpecBucketArn: this.appSpecBucket.bucket.arn,
      partition: this.partition,
      names: { application: this.names.codeDeployApplication, role: this.names.codeDeployRole },
      ...(this.kmsKeyArn !== undefined ? { appSpecKey: { arn: this.kmsKeyArn, region: env.region, dnsSuffix: this.dnsSuffix } } : {}),
    });
  }

  /** The shared load balancer, created with the first service that uses it. */
  get sharedLoadBalancer(): ApplicationLoadBalancer {
    if (!this.sharedAlb) {
      const lb = this.environment.loadBalancer;
      const first = this.environment.services.find((s) => s.routing.loadBalancer === 'shared');
      this.sharedAlb = new ApplicationLoadBalancer(this, 'LoadBalancer', {
        vpcId: this.network.vpcId,
        publicSubnetIds: this.network.publicSubnetIds,
        certificateArn: lb.certificateArn,
        redirectToPort: first?.routing.productionPort ?? lb.productionPort,
        allowedCidrs: lb.allowedCidrs,
        idleTimeoutInSeconds: lb.idleTimeoutInSeconds,
        names: { loadBalancer: this.names.loadBalancer, securityGroup: this.names.loadBalancerSecurityGroup },
        ...this.loadBalancerProtection,
      });
    }
    return this.sharedAlb;
  }

  /**
   * Deletion protection and access logs of every load balancer of the environment (the shared one and
   * the services' dedicated ones); the access-log bucket is created with the first that needs it.
   */
  get loadBalancerProtection(): Pick<ApplicationLoadBalancerProps, 'deletionProtection' | 'accessLogs'> {
    const lb = this.environment.loadBalancer;
    if (!lb.accessLogs.enabled) return { deletionProtection: lb.deletionProtection };
    this.accessLogBucket ??= new AccessLogBucket(this, 'AccessLogs', {
      bucketPrefix: this.names.accessLogBucketPrefix,
      region: this.environment.region,
      partition: this.partition,
      accountId: this.accountId,
      retentionInDays: lb.accessLogs.retentionInDays,
      forceDestroy: !lb.deletionProtection,
    });
    return { deletionProtection: lb.deletionProtection, accessLogs: { bucket: this.accessLogBucket.bucket.id, prefix: ACCESS_LOG_PREFIX, ready: this.accessLogBucket.ready } };
  }

  /** The hook's code asset, shared by every service's hook function. */
  get hookCode(): HookCode {
    this.code ??= new HookCode(this, 'Hook', { bundle: this.hookBundle ?? defaultHookBundle() });
    return this.code;
  }

  /** Names of the environment's services, in order. */
  get serviceNames(): string[] {
    return this.environment.services.map((s) => s.name);
  }

  /**
   * The resolved settings of a service, reserved for one {@link BlueGreenService}.
   * @throws Error when the environment has no such service, or it was built already
   */
  claimService(name: string): ResolvedService {
    const service = this.environment.services.find((s) => s.name === name);
    if (!service) {
      throw new Error(`environment ${JSON.stringify(this.environment.name)} has no service ${JSON.stringify(name)}; its services are ${this.serviceNames.map((n) => JSON.stringify(n)).join(', ')}`);
    }
    if (this.built.has(name)) throw new Error(`service ${JSON.stringify(name)} of environment ${JSON.stringify(this.environment.name)} is built twice; build each service once`);
    this.built.add(name);
    return service;
  }
}
