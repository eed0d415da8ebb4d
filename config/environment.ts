/**
 * Configuration of one environment (one Terraform stack): the typed input users write in
 * `stacks/environments.ts`, its defaults, and `resolveEnvironment`, which fills the defaults into a
 * new object. Pure: no cdktf imports, no I/O.
 */
import type { EcsHookEvent } from '../lib/appspec';
import type { HealthCheckSpec } from '../hook-lambda/config';
import { DEFAULT_PORTS, OPTIONS } from './options';

/** A new VPC created by the stack. */
export interface NewVpcConfig {
  readonly mode: 'new';
  /**
   * IPv4 CIDR block of the VPC (/16 to /23, so its subnets are /27 or larger); subnets are carved out of it.
   * @default '10.0.0.0/16'
   */
  readonly cidrBlock?: string;
  /**
   * Number of availability zones (and of public subnets, and of private subnets with NAT).
   * @default 2
   */
  readonly availabilityZoneCount?: number;
  /**
   * NAT gateways. 0: no private subnets; tasks get public IPs and the hook runs outside the VPC (cheap).
   * 1..availabilityZoneCount: private subnets for tasks and the hook, egress through NAT.
   * @default 0
   */
  readonly natGatewayCount?: number;
}

/** An existing VPC and subnets, given by id. */
export interface ExistingVpcConfig {
  readonly mode: 'existing';
  /** Id of the VPC, e.g. `vpc-0123456789abcdef0`. */
  readonly vpcId: string;
  /** Public subnets (2 or more, in different AZs) for the load balancer. */
  readonly publicSubnetIds: readonly string[];
  /**
   * Private subnets with NAT egress for the tasks and the hook.
   * @default - none: tasks run in the public subnets with public IPs and the hook outside the VPC
   */
  readonly privateSubnetIds?: readonly string[];
}

/** Where the stack's resources live. */
export type NetworkConfig = NewVpcConfig | ExistingVpcConfig;

/** Target group health check, as the ALB runs it. */
export interface TargetHealthCheckConfig {
  /**
   * Path the ALB requests.
   * @default '/'
   */
  readonly path?: string;
  /**
   * HTTP codes counted as healthy: "200", "200,204" or "200-299" (200-499).
   * @default '200'
   */
  readonly matcher?: string;
  /**
   * Time between checks (5-300).
   * @default 5
   */
  readonly intervalInSeconds?: number;
  /**
   * Time a check may take (2-120, less than the interval).
   * @default 4
   */
  readonly timeoutInSeconds?: number;
  /**
   * Consecutive passes before a target is healthy (2-10).
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Consecutive failures before a target is unhealthy (2-10).
   * @default 2
   */
  readonly unhealthyThreshold?: number;
}

/** The application load balancer and its production listener. */
export interface LoadBalancerConfig {
  /**
   * ACM certificate ARN. When set, the production listener speaks HTTPS and port 80 redirects to it.
   * @default - HTTP only
   */
  readonly certificateArn?: string;
  /**
   * Port of the production listener.
   * @default 443 with a certificate, 80 without
   */
  readonly productionPort?: number;
  /**
   * TLS policy of the HTTPS listener.
   * @default 'ELBSecurityPolicy-TLS13-1-2-2021-06'
   */
  readonly sslPolicy?: string;
  /**
   * CIDRs allowed to reach the production listener (and the HTTP redirect).
   * @default ['0.0.0.0/0']
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Target health check.
   * @default - see {@link TargetHealthCheckConfig}
   */
  readonly healthCheck?: TargetHealthCheckConfig;
  /**
   * Time the ALB lets in-flight requests finish on a deregistered target (0-3600).
   * @default 30
   */
  readonly deregistrationDelayInSeconds?: number;
  /**
   * Idle timeout of connections (1-4000).
   * @default 60
   */
  readonly idleTimeoutInSeconds?: number;
}

/** The test listener, through which green is checked before production traffic moves. */
export interface TestListenerConfig {
  /**
   * Port of the test listener; must differ from the production port (and from 80 with HTTPS).
   * @default 8080
   */
  readonly port?: number;
  /**
   * CIDRs allowed to reach the test port, besides the NAT gateways' addresses (e.g. your office, CI).
   * @default []
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Open the test port to the whole internet. Needed when the hook runs outside the VPC (no NAT); a
   * warning is printed at synth because green is then reachable by anyone before it is released.
   * @default false
   */
  readonly allowPublicAccess?: boolean;
}

/** The container image: an external reference, or an ECR repository created by the stack. */
export type ImageConfig =
  | {
      /** An image reference, e.g. `public.ecr.aws/nginx/nginx:stable`. No ECR repository is created. */
      readonly external: string;
    }
  | {
      /** Tag of the image in the stack's ECR repository (immutable tags: one tag per build). */
      readonly ecrTag: string;
    };

/** The ECS service and its task definition. */
export interface ServiceConfig {
  /** The container image. */
  readonly image: ImageConfig;
  /**
   * Name of the container that receives traffic.
   * @default 'app'
   */
  readonly containerName?: string;
  /**
   * Port the container listens on.
   * @default 80
   */
  readonly containerPort?: number;
  /**
   * Fargate CPU units (256, 512, 1024, 2048, 4096, 8192, 16384).
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Fargate memory in MiB; must be a valid combination with `cpu`.
   * @default 512
   */
  readonly memoryInMiB?: number;
  /**
   * Number of tasks (0-1000).
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Plain environment variables of the container.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retention of the container log group (a value CloudWatch accepts, e.g. 7, 30, 365).
   * @default 30
   */
  readonly logRetentionInDays?: number;
  /**
   * CloudWatch Container Insights on the cluster (extra cost).
   * @default false
   */
  readonly containerInsights?: boolean;
  /**
   * Time ECS ignores failing load balancer health checks of a new task (0-2147483647).
   * @default 30
   */
  readonly healthCheckGracePeriodInSeconds?: number;
}

/** Predefined ECS deployment configurations of CodeDeploy. */
export const PREDEFINED_ECS_DEPLOYMENT_CONFIGS = [
  'CodeDeployDefault.ECSAllAtOnce',
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
  'CodeDeployDefault.ECSCanary10Percent5Minutes',
  'CodeDeployDefault.ECSCanary10Percent15Minutes',
] as const;

/** Name of a predefined ECS deployment configuration. */
export type PredefinedEcsDeploymentConfig = (typeof PREDEFINED_ECS_DEPLOYMENT_CONFIGS)[number];

/** How traffic moves from blue to green. */
export type TrafficRoutingConfig =
  | { readonly type: 'predefined'; readonly name: PredefinedEcsDeploymentConfig }
  /** `percentage` first, the rest after `intervalInMinutes`. */
  | { readonly type: 'canary'; readonly percentage: number; readonly intervalInMinutes: number }
  /** `percentage` more every `intervalInMinutes`. */
  | { readonly type: 'linear'; readonly percentage: number; readonly intervalInMinutes: number };

/** The CodeDeploy deployment group. */
export interface DeploymentConfig {
  /**
   * Traffic shifting.
   * @default { type: 'predefined', name: 'CodeDeployDefault.ECSAllAtOnce' }
   */
  readonly trafficRouting?: TrafficRoutingConfig;
  /**
   * Time blue tasks keep running after a successful deployment, for a fast manual rollback (0-2880).
   * @default 5
   */
  readonly terminationWaitTimeInMinutes?: number;
  /**
   * When set, green waits this long for a manual `ContinueDeployment` before traffic moves, and the
   * deployment stops if nobody continues it (1-2880).
   * @default - traffic moves as soon as green is ready (CONTINUE_DEPLOYMENT)
   */
  readonly manualApprovalWaitInMinutes?: number;
}

/** CloudWatch alarms that roll a deployment back. */
export interface AlarmsConfig {
  /**
   * Create the 5xx and unhealthy-host alarms on both target groups.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Target 5xx responses per period that trip the alarm (1 or more).
   * @default 5
   */
  readonly target5xxThreshold?: number;
  /**
   * Period of the alarms (10, 30, or a multiple of 60).
   * @default 60
   */
  readonly periodInSeconds?: number;
  /**
   * Periods that must breach before the alarm fires (1-100).
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * Names of existing alarms to add to the deployment group (CodeDeploy allows 10 in all).
   * @default []
   */
  readonly additionalAlarmNames?: readonly string[];
}

/** The hook Lambda that checks green through the test listener. */
export interface HookSettings {
  /**
   * Lifecycle events the hook runs at.
   * @default ['BeforeAllowTraffic']
   */
  readonly lifecycleEvents?: readonly EcsHookEvent[];
  /**
   * HTTP checks against the test listener.
   * @default - the hook's default: GET / expecting 200
   */
  readonly checks?: readonly HealthCheckSpec[];
  /**
   * Consecutive passes each check needs (1-20).
   * @default - the hook's default (2)
   */
  readonly requiredConsecutivePasses?: number;
  /**
   * Upper bound of the checking time (10-840); the Lambda timeout is this plus a margin.
   * @default 240
   */
  readonly checkBudgetInSeconds?: number;
  /**
   * Retention of the hook's log group.
   * @default 30
   */
  readonly logRetentionInDays?: number;
}

/** Where Terraform keeps the stack's state. */
export type StateConfig =
  | {
      readonly backend: 'local';
      /**
       * State file path, relative to the stack's output directory.
       * @default 'terraform.<stackName>.tfstate' in the project root
       */
      readonly path?: string;
    }
  | {
      readonly backend: 's3';
      /** Bucket holding the state. */
      readonly bucket: string;
      /**
       * Object key of the state.
       * @default '<stackName>/terraform.tfstate'
       */
      readonly key?: string;
      /**
       * Region of the bucket.
       * @default - the environment's region
       */
      readonly region?: string;
      /**
       * Lock with a DynamoDB table instead of S3's native lock file.
       * @default - `use_lockfile = true` (S3 native locking, Terraform 1.10+)
       */
      readonly dynamodbTable?: string;
    };

/** One environment: everything one `BlueGreenStack` needs. */
export interface EnvironmentConfig {
  /** Environment name (lowercase letters, digits, hyphens), e.g. `dev`. */
  readonly name: string;
  /**
   * Project name, the first part of every resource name.
   * @default 'bluegreen'
   */
  readonly project?: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Network.
   * @default { mode: 'new' } (2 AZs, no NAT)
   */
  readonly network?: NetworkConfig;
  /** The service. */
  readonly service: ServiceConfig;
  /**
   * Load balancer and production listener.
   * @default - HTTP on port 80, open to the internet
   */
  readonly loadBalancer?: LoadBalancerConfig;
  /**
   * Test listener.
   * @default - port 8080, reachable only from the NAT gateways
   */
  readonly testListener?: TestListenerConfig;
  /**
   * CodeDeploy deployment group.
   * @default - all at once, 5 minutes termination wait
   */
  readonly deployment?: DeploymentConfig;
  /**
   * Rollback alarms.
   * @default - enabled
   */
  readonly alarms?: AlarmsConfig;
  /**
   * Hook Lambda.
   * @default - BeforeAllowTraffic, GET / expecting 200
   */
  readonly hook?: HookSettings;
  /**
   * Start a release (`npm run release`) from `terraform apply` whenever the task definition changes.
   * @default false
   */
  readonly autoRelease?: boolean;
  /**
   * Terraform state. At synth, a non-empty `BLUEGREEN_STATE_BUCKET` overrides it with an S3 backend
   * (see `resolveStateBackend` in config/state-backend.ts), so CI can keep every environment's state in
   * one bucket without editing this.
   * @default { backend: 'local' }
   */
  readonly state?: StateConfig;
  /**
   * Extra tags on every resource (besides `environment` and `project`).
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** An environment with every default filled in. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  readonly network: Required<NewVpcConfig> | (ExistingVpcConfig & { readonly privateSubnetIds: readonly string[] });
  readonly service: Required<ServiceConfig>;
  readonly loadBalancer: Required<Omit<LoadBalancerConfig, 'certificateArn' | 'healthCheck'>> & {
    readonly certificateArn: string | undefined;
    readonly healthCheck: Required<TargetHealthCheckConfig>;
  };
  readonly testListener: Required<TestListenerConfig>;
  readonly deployment: Required<Omit<DeploymentConfig, 'manualApprovalWaitInMinutes'>> & {
    readonly manualApprovalWaitInMinutes: number | undefined;
  };
  readonly alarms: Required<AlarmsConfig>;
  readonly hook: Required<Omit<HookSettings, 'checks' | 'requiredConsecutivePasses'>> & {
    readonly checks: readonly HealthCheckSpec[] | undefined;
    readonly requiredConsecutivePasses: number | undefined;
  };
  readonly autoRelease: boolean;
  readonly state: StateConfig;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Defaults of every optional setting, grouped as the configuration is: a view of config/options.ts
 * (the one table of defaults and ranges), kept for callers that want a whole section at once.
 */
export const DEFAULTS = {
  project: OPTIONS.project.default,
  network: {
    mode: 'new',
    cidrBlock: OPTIONS['network.cidrBlock'].default,
    availabilityZoneCount: OPTIONS['network.availabilityZoneCount'].default,
    natGatewayCount: OPTIONS['network.natGatewayCount'].default,
  },
  service: {
    containerName: OPTIONS['service.containerName'].default,
    containerPort: OPTIONS['service.containerPort'].default,
    cpu: OPTIONS['service.cpu'].default,
    memoryInMiB: OPTIONS['service.memoryInMiB'].default,
    desiredCount: OPTIONS['service.desiredCount'].default,
    logRetentionInDays: OPTIONS['service.logRetentionInDays'].default,
    containerInsights: OPTIONS['service.containerInsights'].default,
    healthCheckGracePeriodInSeconds: OPTIONS['service.healthCheckGracePeriodInSeconds'].default,
  },
  loadBalancer: {
    httpPort: DEFAULT_PORTS.http,
    httpsPort: DEFAULT_PORTS.https,
    sslPolicy: OPTIONS['loadBalancer.sslPolicy'].default,
    allowedCidrs: OPTIONS['loadBalancer.allowedCidrs'].default,
    deregistrationDelayInSeconds: OPTIONS['loadBalancer.deregistrationDelayInSeconds'].default,
    idleTimeoutInSeconds: OPTIONS['loadBalancer.idleTimeoutInSeconds'].default,
    healthCheck: {
      path: OPTIONS['loadBalancer.healthCheck.path'].default,
      matcher: OPTIONS['loadBalancer.healthCheck.matcher'].default,
      intervalInSeconds: OPTIONS['loadBalancer.healthCheck.intervalInSeconds'].default,
      timeoutInSeconds: OPTIONS['loadBalancer.healthCheck.timeoutInSeconds'].default,
      healthyThreshold: OPTIONS['loadBalancer.healthCheck.healthyThreshold'].default,
      unhealthyThreshold: OPTIONS['loadBalancer.healthCheck.unhealthyThreshold'].default,
    },
  },
  testListener: { port: OPTIONS['testListener.port'].default, allowPublicAccess: OPTIONS['testListener.allowPublicAccess'].default },
  deployment: {
    trafficRouting: OPTIONS['deployment.trafficRouting'].default,
    terminationWaitTimeInMinutes: OPTIONS['deployment.terminationWaitTimeInMinutes'].default,
  },
  alarms: {
    enabled: OPTIONS['alarms.enabled'].default,
    target5xxThreshold: OPTIONS['alarms.target5xxThreshold'].default,
    periodInSeconds: OPTIONS['alarms.periodInSeconds'].default,
    evaluationPeriods: OPTIONS['alarms.evaluationPeriods'].default,
  },
  hook: {
    lifecycleEvents: OPTIONS['hook.lifecycleEvents'].default,
    checkBudgetInSeconds: OPTIONS['hook.checkBudgetInSeconds'].default,
    logRetentionInDays: OPTIONS['hook.logRetentionInDays'].default,
  },
} as const;

/**
 * Fills every default into a new object; the input is not modified. Does not validate: call
 * `validateEnvironment` on the result (it names fields as the user wrote them).
 */
export function resolveEnvironment(config: EnvironmentConfig): ResolvedEnvironment {
  // Lists are copied; a value that is not a list is kept as it is, for validation to report.
  const list = <T>(value: readonly T[] | undefined, fallback: readonly T[]): T[] =>
    (Array.isArray(value) ? [...value] : (value ?? [...fallback])) as T[];
  const network = config.network ?? { mode: 'new' };
  const lb = config.loadBalancer ?? {};
  const https = lb.certificateArn !== undefined;
  const test = config.testListener ?? {};
  const deployment = config.deployment ?? {};
  const alarms = config.alarms ?? {};
  const hook = config.hook ?? {};
  const service = config.service ?? ({} as ServiceConfig);
  return {
    name: config.name,
    project: config.project ?? DEFAULTS.project,
    region: config.region,
    network:
      network.mode === 'existing'
        ? { ...network, publicSubnetIds: list(network.publicSubnetIds, []), privateSubnetIds: list(network.privateSubnetIds, OPTIONS['network.privateSubnetIds'].default) }
        : {
            mode: 'new',
            cidrBlock: network.cidrBlock ?? DEFAULTS.network.cidrBlock,
            availabilityZoneCount: network.availabilityZoneCount ?? DEFAULTS.network.availabilityZoneCount,
            natGatewayCount: network.natGatewayCount ?? DEFAULTS.network.natGatewayCount,
          },
    service: {
      image: service.image,
      containerName: service.containerName ?? DEFAULTS.service.containerName,
      containerPort: service.containerPort ?? DEFAULTS.service.containerPort,
      cpu: service.cpu ?? DEFAULTS.service.cpu,
      memoryInMiB: service.memoryInMiB ?? DEFAULTS.service.memoryInMiB,
      desiredCount: service.desiredCount ?? DEFAULTS.service.desiredCount,
      environment: { ...(service.environment ?? OPTIONS['service.environment'].default) },
      logRetentionInDays: service.logRetentionInDays ?? DEFAULTS.service.logRetentionInDays,
      containerInsights: service.containerInsights ?? DEFAULTS.service.containerInsights,
      healthCheckGracePeriodInSeconds: service.healthCheckGracePeriodInSeconds ?? DEFAULTS.service.healthCheckGracePeriodInSeconds,
    },
    loadBalancer: {
      certificateArn: lb.certificateArn,
      productionPort: lb.productionPort ?? (https ? DEFAULTS.loadBalancer.httpsPort : DEFAULTS.loadBalancer.httpPort),
      sslPolicy: lb.sslPolicy ?? DEFAULTS.loadBalancer.sslPolicy,
      allowedCidrs: list(lb.allowedCidrs, DEFAULTS.loadBalancer.allowedCidrs),
      deregistrationDelayInSeconds: lb.deregistrationDelayInSeconds ?? DEFAULTS.loadBalancer.deregistrationDelayInSeconds,
      idleTimeoutInSeconds: lb.idleTimeoutInSeconds ?? DEFAULTS.loadBalancer.idleTimeoutInSeconds,
      healthCheck: { ...DEFAULTS.loadBalancer.healthCheck, ...(lb.healthCheck ?? {}) },
    },
    testListener: {
      port: test.port ?? DEFAULTS.testListener.port,
      allowedCidrs: list(test.allowedCidrs, OPTIONS['testListener.allowedCidrs'].default),
      allowPublicAccess: test.allowPublicAccess ?? DEFAULTS.testListener.allowPublicAccess,
    },
    deployment: {
      trafficRouting: { ...(deployment.trafficRouting ?? DEFAULTS.deployment.trafficRouting) },
      terminationWaitTimeInMinutes: deployment.terminationWaitTimeInMinutes ?? DEFAULTS.deployment.terminationWaitTimeInMinutes,
      manualApprovalWaitInMinutes: deployment.manualApprovalWaitInMinutes,
    },
    alarms: {
      enabled: alarms.enabled ?? DEFAULTS.alarms.enabled,
      target5xxThreshold: alarms.target5xxThreshold ?? DEFAULTS.alarms.target5xxThreshold,
      periodInSeconds: alarms.periodInSeconds ?? DEFAULTS.alarms.periodInSeconds,
      evaluationPeriods: alarms.evaluationPeriods ?? DEFAULTS.alarms.evaluationPeriods,
      additionalAlarmNames: list(alarms.additionalAlarmNames, OPTIONS['alarms.additionalAlarmNames'].default),
    },
    hook: {
      lifecycleEvents: list(hook.lifecycleEvents, DEFAULTS.hook.lifecycleEvents),
      checks: Array.isArray(hook.checks) ? hook.checks.map((c) => (c !== null && typeof c === 'object' ? { ...c } : c)) : hook.checks,
      requiredConsecutivePasses: hook.requiredConsecutivePasses,
      checkBudgetInSeconds: hook.checkBudgetInSeconds ?? DEFAULTS.hook.checkBudgetInSeconds,
      logRetentionInDays: hook.logRetentionInDays ?? DEFAULTS.hook.logRetentionInDays,
    },
    autoRelease: config.autoRelease ?? OPTIONS.autoRelease.default,
    state: config.state ? { ...config.state } : { ...OPTIONS.state.default },
    tags: { ...(config.tags ?? OPTIONS.tags.default) },
  };
}

/** True when the tasks and the hook run in private subnets behind NAT. */
export function usesPrivateSubnets(env: ResolvedEnvironment): boolean {
  return env.network.mode === 'new' ? env.network.natGatewayCount > 0 : env.network.privateSubnetIds.length > 0;
}
