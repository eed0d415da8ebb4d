/**
 * Configuration of one environment (one Terraform stack): the typed input users write in
 * `stacks/environments.ts`, its defaults, and `resolveEnvironment`, which fills the defaults into a
 * new object. Pure: no cdktf imports, no I/O.
 */
import type { EcsHookEvent } from '../lib/appspec';
import type { HealthCheckSpec } from '../hook-lambda/config';
import type { AccessLogsConfig, EncryptionConfig, FlowLogsConfig, LinuxCapabilitiesConfig, Posture, TaskEgress, TmpfsMount } from './security-config';
import type { EcsHookStage } from '../hook-lambda/events';

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
  /**
   * Strip every rule from the VPC's default security group (nothing the stack creates uses it), so a
   * resource placed in the VPC without a group of its own gets no traffic.
   * @default true
   */
  readonly restrictDefaultSecurityGroup?: boolean;
  /**
   * VPC flow logs to CloudWatch Logs.
   * @default - off (on with posture 'production'): see {@link FlowLogsConfig}
   */
  readonly flowLogs?: FlowLogsConfig;
  /**
   * Interface endpoints for ECR (API and Docker) and CloudWatch Logs in the private subnets, and the S3
   * gateway endpoint on their route tables, so image pulls and logs stay off the internet. Needs NAT
   * (`natGatewayCount` 1 or more). Interface endpoints are billed per zone-hour and per GB.
   * @default false
   */
  readonly vpcEndpoints?: boolean;
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
   * Port of the production listener of `service`, and the first port offered to `services` that
   * declare none.
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
  /**
   * Deletion protection of every load balancer of the environment: `cdktf destroy` fails until it is
   * turned off and applied.
   * @default false (true with posture 'production')
   */
  readonly deletionProtection?: boolean;
  /**
   * Access logs of every load balancer of the environment, to one S3 bucket.
   * @default - off (on with posture 'production'): see {@link AccessLogsConfig}
   */
  readonly accessLogs?: AccessLogsConfig;
}

/** The test listener, through which green is checked before production traffic moves. */
export interface TestListenerConfig {
  /**
   * Port of the test listener of `service` (it must differ from the production port, and from 80 with
   * HTTPS), and the first port offered to `services` that declare none.
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
  /**
   * What moves traffic from blue to green. `'codedeploy'`: a CodeDeploy deployment group whose traffic
   * routes are two listeners of the service's own. `'ecs'`: ECS's own blue/green, linear or canary
   * deployment (`deployment_controller = ECS`), whose traffic routes are listener rules (host header
   * and/or path) on listeners several services share (see {@link ServiceRoutingConfig}).
   * @default 'codedeploy'
   */
  readonly controller?: ServiceController;
  /**
   * The one apply that switches a CodeDeploy service to `controller: 'ecs'` in place (docs/native.md,
   * "Migration from CodeDeploy"); remove it in the next apply.
   * @default - not migrating
   */
  readonly migration?: MigrationConfig;
  /**
   * Load balancer, listener ports and target groups of this service.
   * @default - the shared load balancer, allocated ports, the environment's health check
   */
  readonly routing?: ServiceRoutingConfig;
  /**
   * This service's deployment group settings, each field overriding the environment's `deployment`.
   * @default - the environment's `deployment`
   */
  readonly deployment?: DeploymentConfig;
  /**
   * This service's rollback alarms, each field overriding the environment's `alarms`.
   * @default - the environment's `alarms`
   */
  readonly alarms?: AlarmsConfig;
  /**
   * This service's hook, each field overriding the environment's `hook`.
   * @default - the environment's `hook`
   */
  readonly hook?: HookSettings;
  /**
   * Start a release of this service from `terraform apply` when its task definition changes.
   * @default - the environment's `autoRelease`
   */
  readonly autoRelease?: boolean;
  /**
   * Mount the container's root filesystem read-only; give it writable `tmpfs` paths where it writes.
   * @default false
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Memory-backed writable directories (e.g. `/tmp`); their sizes come out of the task's memory.
   * @default []
   */
  readonly tmpfs?: readonly TmpfsMount[];
  /**
   * User the container runs as: `uid`, `uid:gid`, `user` or `user:group` (ECS `user`).
   * @default - the image's user
   */
  readonly user?: string;
  /**
   * Linux capabilities to drop (e.g. `['ALL']`) or add (Fargate: only `SYS_PTRACE`).
   * @default - Docker's default set
   */
  readonly capabilities?: LinuxCapabilitiesConfig;
  /**
   * Run an init process as PID 1 that forwards signals and reaps zombie processes (ECS `initProcessEnabled`).
   * @default false
   */
  readonly initProcessEnabled?: boolean;
  /**
   * Where the tasks may connect: `'all'`, or `'https'` (TCP 443 only, to any address).
   * @default 'all'
   */
  readonly egress?: TaskEgress;
}

/** Deployment controllers a service may use. */
export const SERVICE_CONTROLLERS = ['codedeploy', 'ecs'] as const;

/** A deployment controller. */
export type ServiceController = (typeof SERVICE_CONTROLLERS)[number];

/** Load balancers a service may use. */
export const SERVICE_LOAD_BALANCERS = ['shared', 'dedicated'] as const;

/** Where an ECS-native service's listener rules go: listeners it shares, or two of its own. */
export const NATIVE_LISTENER_MODES = ['shared', 'own'] as const;

/** The switch of a CodeDeploy service to the ECS controller (one apply). */
export interface MigrationConfig {
  /**
   * The service was deployed by CodeDeploy until this apply. `productionTargetGroup` is the target
   * group CodeDeploy left serving production (`aws ecs describe-services … --query
   * 'services[0].loadBalancers[0].targetGroupArn'`): it becomes the primary target group and the one
   * the production rule forwards to, so traffic does not move during the switch.
   */
  readonly fromCodeDeploy: { readonly productionTargetGroup: 'blue' | 'green' };
}

/**
 * How traffic reaches a service. CodeDeploy's ECS traffic routes are listeners (a deployment group's
 * `prodTrafficRoute` and `testTrafficRoute` each name one listener, and CodeDeploy rewrites that
 * listener's default action), so every CodeDeploy service owns two listener ports on its load
 * balancer. ECS-native routes (`controller: 'ecs'`) are listener rules: a production and a test rule
 * with the same host and/or path conditions, on listeners several services share
 * (`hosts`, `paths`, `priority`, `listeners` apply to them only).
 */
export interface ServiceRoutingConfig {
  /**
   * `'shared'`: the environment's load balancer; `'dedicated'`: a load balancer of its own (its own DNS
   * name, ports and quotas; about 16-20 USD a month more).
   * @default 'shared'
   */
  readonly loadBalancer?: (typeof SERVICE_LOAD_BALANCERS)[number];
  /**
   * Port of the production listener (1-65535), unique on its load balancer.
   * @default - the first free port of: `loadBalancer.productionPort`, then 8443, 8444, … (HTTPS) or 8000, 8001, … (HTTP)
   */
  readonly productionPort?: number;
  /**
   * Port of the test listener (1-65535), unique on its load balancer.
   * @default - the first free port from `testListener.port` upwards
   */
  readonly testPort?: number;
  /**
   * Health check of the service's target groups, each field overriding `loadBalancer.healthCheck`.
   * @default - the environment's `loadBalancer.healthCheck`
   */
  readonly healthCheck?: TargetHealthCheckConfig;
  /**
   * Deregistration delay of the service's target groups (0-3600).
   * @default - the environment's `loadBalancer.deregistrationDelayInSeconds`
   */
  readonly deregistrationDelayInSeconds?: number;
  /**
   * `controller: 'ecs'` only: host names the production and test rules match (host-header condition:
   * up to 128 of `A-Za-z0-9-.*?` each, `*` and `?` wildcards). At least one of `hosts` and `paths`;
   * 5 values in all (ALB: 5 match evaluations per rule).
   * @default []
   */
  readonly hosts?: readonly string[];
  /**
   * `controller: 'ecs'` only: path patterns the rules match (path-pattern condition: starts with `/`,
   * up to 128 characters, `*` and `?` wildcards, case-sensitive).
   * @default []
   */
  readonly paths?: readonly string[];
  /**
   * `controller: 'ecs'` only: priority of the production and the test rule on their listeners (1-50000,
   * lowest first; unique per listener).
   * @default - allocated: the first free of 100, 200, 300, … on the service's load balancer, in declaration order
   */
  readonly priority?: number;
  /**
   * `controller: 'ecs'` only. `'shared'`: the rules go on the listeners at `productionPort` and
   * `testPort` (by default `loadBalancer.productionPort` and `testListener.port`), which other services
   * share: a CodeDeploy service's or an `'own'` service's listener on that port, or else one the
   * platform creates. `'own'`: the service has a production and a test listener of its own, as a
   * CodeDeploy service has (what a service migrated from CodeDeploy keeps).
   * @default 'shared'
   */
  readonly listeners?: (typeof NATIVE_LISTENER_MODES)[number];
}

/** The one service of a single-service environment (`service`), as environments were first written. */
export interface StackServiceConfig extends ServiceConfig {
  /**
   * Name of the service in the stack outputs (`services.<name>`) and for `npm run release -- --service`.
   * Its resources keep the stack-level names and Terraform addresses whatever the name.
   * @default 'default'
   */
  readonly name?: string;
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

/** ECS-native deployment strategies (DeploymentConfiguration.strategy, Amazon ECS API reference). */
export const NATIVE_DEPLOYMENT_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY'] as const;

/** An ECS-native deployment strategy. */
export type NativeDeploymentStrategy = (typeof NATIVE_DEPLOYMENT_STRATEGIES)[number];

/** LINEAR: production traffic moves in equal steps (LinearConfiguration, Amazon ECS API reference). */
export interface LinearConfigurationConfig {
  /**
   * Percent of production traffic each step moves (3-100, a multiple of 0.1).
   * @default 10
   */
  readonly stepPercent?: number;
  /**
   * Minutes between steps (0-1440).
   * @default 6
   */
  readonly stepBakeTimeInMinutes?: number;
}

/** CANARY: a share first, the rest after a bake (CanaryConfiguration, Amazon ECS API reference). */
export interface CanaryConfigurationConfig {
  /**
   * Percent of production traffic the canary gets (0.1-100, a multiple of 0.1).
   * @default 5
   */
  readonly canaryPercent?: number;
  /**
   * Minutes the canary runs before the rest of the traffic moves (0-1440).
   * @default 10
   */
  readonly canaryBakeTimeInMinutes?: number;
}

/**
 * How a release is deployed. `trafficRouting`, `terminationWaitTimeInMinutes` and
 * `manualApprovalWaitInMinutes` configure a CodeDeploy deployment group; `strategy`,
 * `bakeTimeInMinutes`, `linearConfiguration` and `canaryConfiguration` an ECS-native deployment
 * (`controller: 'ecs'`). The environment's `deployment` may hold both kinds, as every service's
 * defaults; a service's own `deployment` holds those of its controller.
 */
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
  /**
   * `controller: 'ecs'`: `'BLUE_GREEN'` (all production traffic at once), `'LINEAR'` or `'CANARY'`.
   * @default 'BLUE_GREEN'
   */
  readonly strategy?: NativeDeploymentStrategy;
  /**
   * `controller: 'ecs'`: minutes blue keeps running after all production traffic moved, while alarms
   * can still roll the deployment back (0-1440).
   * @default 5
   */
  readonly bakeTimeInMinutes?: number;
  /**
   * `controller: 'ecs'` with `strategy: 'LINEAR'`: the steps.
   * @default - 10 % every 6 minutes
   */
  readonly linearConfiguration?: LinearConfigurationConfig;
  /**
   * `controller: 'ecs'` with `strategy: 'CANARY'`: the canary.
   * @default - 5 % for 10 minutes
   */
  readonly canaryConfiguration?: CanaryConfigurationConfig;
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
   * Lifecycle events the hook runs at (CodeDeploy services).
   * @default ['BeforeAllowTraffic']
   */
  readonly lifecycleEvents?: readonly EcsHookEvent[];
  /**
   * Lifecycle stages ECS invokes the hook at (`controller: 'ecs'` services): stages at which the test
   * rule leads to green.
   * @default ['POST_TEST_TRAFFIC_SHIFT']
   */
  readonly lifecycleStages?: readonly EcsHookStage[];
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
  /**
   * Concurrency reserved for the hook (1-10), so a release's hook still runs when the account's other
   * functions use up its Lambda concurrency. Lambda keeps at least 100 of the account's concurrency
   * unreserved: in an account whose quota is lower the apply fails.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
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

/** Adjustable AWS quotas the services of an environment must fit in. */
export interface QuotasConfig {
  /**
   * Listeners per Application Load Balancer (1-1000).
   * @default 50
   */
  readonly listenersPerLoadBalancer?: number;
  /**
   * Inbound (and outbound) rules per security group, counted separately for IPv4 and IPv6 (1-1000).
   * @default 60
   */
  readonly rulesPerSecurityGroup?: number;
  /**
   * Listener rules per Application Load Balancer, default rules not counted (1-10000): 2 per
   * `controller: 'ecs'` service.
   * @default 100
   */
  readonly rulesPerLoadBalancer?: number;
}

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
   * `'production'` turns on, unless set otherwise, ALB access logs, ALB deletion protection and VPC
   * flow logs (docs/security.md).
   * @default 'development'
   */
  readonly posture?: Posture;
  /**
   * Customer-managed KMS encryption of the log groups, the AppSpec bucket and (opt-in) ECR.
   * @default - AWS-managed encryption: see {@link EncryptionConfig}
   */
  readonly encryption?: EncryptionConfig;
  /**
   * Network.
   * @default { mode: 'new' } (2 AZs, no NAT)
   */
  readonly network?: NetworkConfig;
  /**
   * The environment's one service, with the stack-level names (`bluegreen-dev`) and Terraform addresses
   * single-service environments have always had. It may be combined with `services`.
   * @default - none: give `services` instead
   */
  readonly service?: StackServiceConfig;
  /**
   * Services by name (1-32 lowercase letters, digits, hyphens), each with resources named
   * `<project>-<environment>-<name>`, sharing the network, cluster, load balancer and CodeDeploy
   * application. Order matters for allocated ports: a new service goes last.
   * @default {}
   */
  readonly services?: Readonly<Record<string, ServiceConfig>>;
  /**
   * The shared load balancer, and the production listener of the first service on it.
   * @default - HTTP on port 80, open to the internet
   */
  readonly loadBalancer?: LoadBalancerConfig;
  /**
   * Who may reach the test listeners, and the first service's test port.
   * @default - port 8080, reachable only from the NAT gateways
   */
  readonly testListener?: TestListenerConfig;
  /**
   * CodeDeploy deployment group of every service (a service's own `deployment` overrides it field by field).
   * @default - all at once, 5 minutes termination wait
   */
  readonly deployment?: DeploymentConfig;
  /**
   * Rollback alarms of every service (a service's own `alarms` overrides them field by field).
   * @default - enabled
   */
  readonly alarms?: AlarmsConfig;
  /**
   * Hook Lambda of every service (a service's own `hook` overrides it field by field).
   * @default - BeforeAllowTraffic, GET / expecting 200
   */
  readonly hook?: HookSettings;
  /**
   * Start a release (`npm run release`) from `terraform apply` whenever a task definition changes
   * (every service's default).
   * @default false
   */
  readonly autoRelease?: boolean;
  /**
   * AWS quotas the validation checks against, for an account where they were raised.
   * @default - AWS's defaults: 50 listeners per load balancer, 60 rules per security group
   */
  readonly quotas?: QuotasConfig;
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

// Resolution (defaults filled in) lives in config/resolve.ts; re-exported here for callers that
// import everything about an environment from one module.
export { DEFAULT_SERVICE_NAME, DEFAULTS, resolveEnvironment, usesPrivateSubnets } from './resolve';
export type { ResolvedEnvironment, ResolvedService, ResolvedRouting } from './resolve';
