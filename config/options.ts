/**
 * Every environment option's default and allowed range, in ONE table. `resolveEnvironment` fills
 * defaults from it, `validateEnvironment` checks ranges against it, and a test
 * (`__tests__/validation-options-doc.test.ts`) fails when docs/configuration.md or the JSDoc of
 * config/environment.ts says something else. Pure: no cdktf imports, no I/O.
 *
 * Keys are the option's path as users write it and as validation messages name it
 * (`service.desiredCount`). Rules that need more than a range (Fargate CPU/memory pairs, CloudWatch's
 * retention days, the alarm period's steps) stay in config/validation.ts; their defaults still live here.
 */
import { CHECK_BUDGET_IN_SECONDS } from '../hook-lambda/config';
import { DEFAULT_REQUIRED_CONSECUTIVE_PASSES, HOOK_CONFIG_LIMITS } from '../hook-lambda/resolve-config';
import { CHECK_BUDGET_RANGE_IN_SECONDS } from './timeouts';

/** One option: its default and, for integers, the inclusive range allowed. */
export interface OptionRule {
  /**
   * Value used when the option is not set.
   * @default - none: the option is required, or unset means "off" (e.g. `certificateArn`)
   */
  readonly default?: unknown;
  /**
   * The default under `posture: 'production'`, when it is not {@link default} (the development one).
   * @default - the same as `default`
   */
  readonly productionDefault?: unknown;
  /**
   * How docs/configuration.md writes the default, when it is not the value itself (a default that
   * depends on another option, or one the hook applies).
   * @default - the default value, formatted as TypeScript
   */
  readonly documentedDefault?: string;
  /**
   * Smallest value allowed (an integer, unless `step` says otherwise).
   * @default - not a numeric option
   */
  readonly min?: number;
  /**
   * Largest value allowed.
   * @default - not a numeric option
   */
  readonly max?: number;
  /**
   * Values are multiples of this (a decimal option such as a traffic percentage).
   * @default 1 (an integer)
   */
  readonly step?: number;
  /**
   * Where the limit comes from, when AWS sets it.
   * @default - a choice of this project
   */
  readonly source?: string;
  /**
   * The controller whose services have the option (a service of another controller is refused it).
   * @default - every service
   */
  readonly appliesTo?: 'ecs';
}

/** HTTP and HTTPS ports: the production listener's default without and with a certificate. */
export const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/** The table. */
/** How docs/configuration.md writes a default that depends on the posture. */
const byPosture = (development: string, production: string): string => `\`${development}\` (\`${production}\` with \`posture: 'production'\`)`;

export const OPTIONS = {
  project: { default: 'bluegreen' },
  posture: { default: 'development' },

  'network.cidrBlock': { default: '10.0.0.0/16' },
  // Subnets are 4 bits smaller than the VPC and AWS wants load balancer subnets of /27 or larger:
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer
  'network.cidrBlock.prefixLength': { min: 16, max: 23, source: 'ALB subnets must be /27 or larger (Elastic Load Balancing user guide, "Subnets for your load balancer")' },
  'network.availabilityZoneCount': { default: 2, min: 2, max: 6 },
  // The upper bound is also availabilityZoneCount (one gateway per zone at most).
  'network.natGatewayCount': { default: 0, min: 0, max: 6 },
  'network.privateSubnetIds': { default: [] },
  'network.restrictDefaultSecurityGroup': { default: true },
  'network.flowLogs.enabled': { default: false, productionDefault: true, documentedDefault: byPosture('false', 'true') },
  'network.flowLogs.trafficType': { default: 'ALL' },
  'network.flowLogs.retentionInDays': { default: 90, source: 'PutRetentionPolicy retentionInDays values (CloudWatch Logs API reference)' },
  'network.vpcEndpoints': { default: false },

  'service.name': { default: 'default' },
  'service.containerName': { default: 'app' },
  'service.containerPort': { default: 80, min: 1, max: 65535 },
  'service.cpu': { default: 256, source: 'Fargate task CPU values (Amazon ECS developer guide, "Task CPU and memory")' },
  'service.memoryInMiB': { default: 512, source: 'Fargate task CPU and memory combinations (Amazon ECS developer guide)' },
  'service.desiredCount': { default: 2, min: 0, max: 1000 },
  'service.environment': { default: {} },
  'service.logRetentionInDays': { default: 30, source: 'PutRetentionPolicy retentionInDays values (CloudWatch Logs API reference)' },
  'service.containerInsights': { default: false },
  'service.healthCheckGracePeriodInSeconds': { default: 30, min: 0, max: 2147483647, source: 'CreateService healthCheckGracePeriodSeconds (Amazon ECS API reference)' },
  'service.controller': { default: 'codedeploy' },
  'service.routing.loadBalancer': { default: 'shared' },
  'service.routing.productionPort': { documentedDefault: 'allocated', min: 1, max: 65535 },
  'service.routing.testPort': { documentedDefault: 'allocated', min: 1, max: 65535 },
  'service.routing.deregistrationDelayInSeconds': { documentedDefault: '`loadBalancer.deregistrationDelayInSeconds`', min: 0, max: 3600 },
  'service.readonlyRootFilesystem': { default: false },
  'service.tmpfs': { default: [] },
  'service.user': { documentedDefault: "the image's user" },
  'service.capabilities.add': { default: [] },
  'service.capabilities.drop': { default: [] },
  'service.initProcessEnabled': { default: false },
  'service.egress': { default: 'all' },
  // ECS-native routes (controller 'ecs'): listener rules. Priorities: ELB CreateRule `Priority` 1-50000;
  // 5 condition values per rule (Quotas for your Application Load Balancers, "Match evaluations per rule").
  'service.routing.hosts': { default: [], appliesTo: 'ecs' },
  'service.routing.paths': { default: [], appliesTo: 'ecs' },
  'service.routing.priority': { documentedDefault: 'allocated', min: 1, max: 50000, source: 'CreateRule Priority (Elastic Load Balancing API reference)', appliesTo: 'ecs' },
  'service.routing.listeners': { default: 'shared', appliesTo: 'ecs' },

  'loadBalancer.productionPort': { documentedDefault: '`443` with a certificate, else `80`', min: 1, max: 65535 },
  'loadBalancer.sslPolicy': { default: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
  'loadBalancer.allowedCidrs': { default: ['0.0.0.0/0'] },
  'loadBalancer.deregistrationDelayInSeconds': { default: 30, min: 0, max: 3600, source: 'deregistration_delay.timeout_seconds (ELB target group attributes)' },
  'loadBalancer.idleTimeoutInSeconds': { default: 60, min: 1, max: 4000, source: 'idle_timeout.timeout_seconds (ELB load balancer attributes)' },
  'loadBalancer.deletionProtection': { default: false, productionDefault: true, documentedDefault: byPosture('false', 'true') },
  'loadBalancer.accessLogs.enabled': { default: false, productionDefault: true, documentedDefault: byPosture('false', 'true') },
  // Any whole number of days is a valid S3 lifecycle expiration; ten years is this project's bound.
  'loadBalancer.accessLogs.retentionInDays': { default: 90, min: 1, max: 3650 },
  'loadBalancer.healthCheck.path': { default: '/' },
  'loadBalancer.healthCheck.matcher': { default: '200' },
  'loadBalancer.healthCheck.intervalInSeconds': { default: 5, min: 5, max: 300, source: 'HealthCheckIntervalSeconds (ELB CreateTargetGroup)' },
  'loadBalancer.healthCheck.timeoutInSeconds': { default: 4, min: 2, max: 120, source: 'HealthCheckTimeoutSeconds (ELB CreateTargetGroup)' },
  'loadBalancer.healthCheck.healthyThreshold': { default: 2, min: 2, max: 10, source: 'HealthyThresholdCount (ELB CreateTargetGroup)' },
  'loadBalancer.healthCheck.unhealthyThreshold': { default: 2, min: 2, max: 10, source: 'UnhealthyThresholdCount (ELB CreateTargetGroup)' },

  'testListener.port': { default: 8080, min: 1, max: 65535 },
  'testListener.allowedCidrs': { default: [] },
  'testListener.allowPublicAccess': { default: false },

  'deployment.trafficRouting': { default: { type: 'predefined', name: 'CodeDeployDefault.ECSAllAtOnce' } },
  'deployment.trafficRouting.percentage': { min: 1, max: 99, source: 'TimeBasedCanary/TimeBasedLinear percentage (CodeDeploy API reference)' },
  'deployment.trafficRouting.intervalInMinutes': { min: 1, max: 2880 },
  'deployment.terminationWaitTimeInMinutes': { default: 5, min: 0, max: 2880, source: 'BlueInstanceTerminationOption terminationWaitTimeInMinutes (CodeDeploy API reference: at most 2880)' },
  'deployment.manualApprovalWaitInMinutes': { documentedDefault: 'none', min: 1, max: 2880, source: 'DeploymentReadyOption waitTimeInMinutes (CodeDeploy API reference)' },
  // ECS-native deployments (controller 'ecs'); defaults of the linear and canary settings are AWS's own.
  'deployment.strategy': { default: 'BLUE_GREEN' },
  'deployment.bakeTimeInMinutes': { default: 5, min: 0, max: 1440, source: 'DeploymentConfiguration bakeTimeInMinutes (Amazon ECS API reference)' },
  'deployment.linearConfiguration.stepPercent': { default: 10, min: 3, max: 100, step: 0.1, source: 'LinearConfiguration stepPercent: multiples of 0.1 from 3.0 to 100.0 (Amazon ECS API reference)' },
  'deployment.linearConfiguration.stepBakeTimeInMinutes': { default: 6, min: 0, max: 1440, source: 'LinearConfiguration stepBakeTimeInMinutes (Amazon ECS API reference)' },
  'deployment.canaryConfiguration.canaryPercent': { default: 5, min: 0.1, max: 100, step: 0.1, source: 'CanaryConfiguration canaryPercent: multiples of 0.1 from 0.1 to 100.0 (Amazon ECS API reference)' },
  'deployment.canaryConfiguration.canaryBakeTimeInMinutes': { default: 10, min: 0, max: 1440, source: 'CanaryConfiguration canaryBakeTimeInMinutes (Amazon ECS API reference)' },

  'alarms.enabled': { default: true },
  'alarms.target5xxThreshold': { default: 5, min: 1, max: 1000000 },
  // Also: 10, 30 or a multiple of 60 (CloudWatch PutMetricAlarm Period).
  'alarms.periodInSeconds': { default: 60, min: 10, max: 86400, source: 'PutMetricAlarm Period (CloudWatch API reference)' },
  'alarms.evaluationPeriods': { default: 1, min: 1, max: 100 },
  'alarms.additionalAlarmNames': { default: [] },

  'hook.lifecycleEvents': { default: ['BeforeAllowTraffic'] },
  'hook.lifecycleStages': { default: ['POST_TEST_TRAFFIC_SHIFT'] },
  'hook.requiredConsecutivePasses': {
    documentedDefault: `the hook's default (${DEFAULT_REQUIRED_CONSECUTIVE_PASSES})`,
    min: 1,
    max: HOOK_CONFIG_LIMITS.maxRequiredConsecutivePasses,
  },
  'hook.checkBudgetInSeconds': { default: CHECK_BUDGET_IN_SECONDS.default, min: CHECK_BUDGET_RANGE_IN_SECONDS.min, max: CHECK_BUDGET_RANGE_IN_SECONDS.max },
  'hook.logRetentionInDays': { default: 30 },
  // At most 10: a hook runs once per lifecycle event of one deployment at a time, and every reserved
  // unit comes out of the account's pool, of which Lambda keeps 100 unreserved.
  'hook.reservedConcurrentExecutions': {
    documentedDefault: 'unreserved',
    min: 1,
    max: 10,
    source: 'the account keeps at least 100 unreserved concurrent executions (AWS Lambda developer guide, "Configuring reserved concurrency")',
  },

  'encryption.createKmsKey': { default: false },
  'encryption.kmsKeyArn': { documentedDefault: 'none' },
  'encryption.encryptContainerRepository': { default: false },

  autoRelease: { default: false },
  'quotas.listenersPerLoadBalancer': { default: 50, min: 1, max: 1000, source: 'Listeners per Application Load Balancer (Elastic Load Balancing quotas, adjustable)' },
  'quotas.rulesPerSecurityGroup': { default: 60, min: 1, max: 1000, source: 'Inbound or outbound rules per security group (Amazon VPC quotas, adjustable; IPv4 and IPv6 counted separately)' },
  'quotas.rulesPerLoadBalancer': { default: 100, min: 1, max: 10000, source: 'Rules per Application Load Balancer, default rules not counted (Elastic Load Balancing quotas, adjustable)' },
  state: { default: { backend: 'local' } },
  tags: { default: {} },
} as const satisfies Readonly<Record<string, OptionRule>>;

/** Path of an option in {@link OPTIONS}. */
export type OptionPath = keyof typeof OPTIONS;

/** An option whose rule has an integer range. */
export type RangedOptionPath = {
  [K in OptionPath]: (typeof OPTIONS)[K] extends { readonly min: number; readonly max: number } ? ((typeof OPTIONS)[K] extends { readonly step: number } ? never : K) : never;
}[OptionPath];

/** An option whose values are multiples of a decimal step (`step` in its rule). */
export type SteppedOptionPath = { [K in OptionPath]: (typeof OPTIONS)[K] extends { readonly step: number } ? K : never }[OptionPath];

/** An option whose rule has a default value. */
export type DefaultedOptionPath = { [K in OptionPath]: (typeof OPTIONS)[K] extends { readonly default: unknown } ? K : never }[OptionPath];

/** The default of an option; arrays and objects are fresh copies, so callers may keep them. */
export function defaultOf<K extends DefaultedOptionPath>(path: K): (typeof OPTIONS)[K]['default'] {
  const value = (OPTIONS[path] as OptionRule).default;
  return (value !== null && typeof value === 'object' ? structuredClone(value) : value) as (typeof OPTIONS)[K]['default'];
}

/** The default of an option under a posture (`productionDefault` when the posture is production and it has one). */
export function postureDefault<K extends DefaultedOptionPath>(path: K, posture: unknown): (typeof OPTIONS)[K]['default'] {
  const rule = OPTIONS[path] as OptionRule;
  return (posture === 'production' && 'productionDefault' in rule ? rule.productionDefault : defaultOf(path)) as (typeof OPTIONS)[K]['default'];
}

/** The inclusive integer range of an option. */
export function rangeOf(path: RangedOptionPath): { readonly min: number; readonly max: number } {
  const rule = OPTIONS[path] as OptionRule;
  return { min: rule.min!, max: rule.max! };
}

/** The inclusive range and step of a decimal option. */
export function steppedRangeOf(path: SteppedOptionPath): { readonly min: number; readonly max: number; readonly step: number } {
  const rule = OPTIONS[path] as OptionRule;
  return { min: rule.min!, max: rule.max!, step: rule.step! };
}
