/**
 * Pure naming rules for the resources of one environment stack. No cdktf imports.
 *
 * AWS limits some names (ALB and target group names: 32 characters; Lambda and IAM role names: 64).
 * Rather than rejecting a long project or environment name, a name that does not fit is cut and given
 * a short hash of the full name, so it stays unique and stable between synths.
 */
import { createHash } from 'node:crypto';

/** Length of the hash suffix added to names that had to be shortened. */
export const NAME_HASH_LENGTH = 6;

/** Longest names AWS accepts, per kind of resource. */
export const NAME_LIMITS = {
  loadBalancer: 32,
  targetGroup: 32,
  lambdaFunction: 64,
  iamRole: 64,
  codeDeployName: 100,
  ecsName: 255,
  ecrRepository: 256,
  logGroup: 512,
  alarm: 255,
  /** `bucket_prefix`: the provider appends a 26-character unique suffix to reach the 63-character limit. */
  s3BucketPrefix: 37,
} as const;

/** Hex sha256 prefix of a text, used to keep shortened names unique. */
export function shortHash(text: string, length: number = NAME_HASH_LENGTH): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);
}

/**
 * Returns `base + suffix` when it fits in `maxLength`, otherwise `base` cut short plus `-<hash>` plus
 * `suffix`, where the hash is taken over the full name. The suffix (e.g. `-blue`) is always kept so
 * related names stay recognisable. Trailing hyphens left by the cut are removed.
 */
export function boundedName(base: string, maxLength: number, suffix = ''): string {
  const full = `${base}${suffix}`;
  if (full.length <= maxLength) return full;
  const hash = `-${shortHash(full)}`;
  const room = maxLength - hash.length - suffix.length;
  if (room < 1) throw new Error(`boundedName: maxLength ${maxLength} leaves no room for "${base}" with suffix "${suffix}"`);
  const head = base.slice(0, room).replace(/-+$/, '');
  return `${head}${hash}${suffix}`;
}

/**
 * Longest IAM prefix (see {@link iamNamePrefix}). `<project>-<environment>` up to this length is the
 * prefix itself: the shortest role suffix (`-task`, `-hook`) fits after it, so every role name that
 * fitted in 64 characters before the prefix existed is unchanged, and no role is renamed (replaced) by
 * an upgrade. Past it, the roles' own parts are shortened, down to a hash of 4 hex digits; validation
 * refuses two roles of an environment that would end up with the same name.
 */
export const IAM_PREFIX_MAX_LENGTH = NAME_LIMITS.iamRole - '-task'.length;

/**
 * The prefix every IAM role of an environment starts with, followed by `-`, whatever the lengths of
 * the names: `<project>-<environment>` when it has at most {@link IAM_PREFIX_MAX_LENGTH} characters,
 * else its first 52 characters, `-` and 6 hex digits of its SHA-256 (59 characters). A policy scopes an
 * environment's roles with `arn:aws:iam::<account>:role/<prefix>-*` (docs/stack.md).
 */
export function iamNamePrefix(project: string, environment: string): string {
  return boundedName(stackName(project, environment), IAM_PREFIX_MAX_LENGTH);
}

/**
 * `<prefix>-<what>` within IAM's 64 characters: `what` (e.g. `api-execution`) is shortened with a hash
 * of it (keeping its last word when there is room), never the prefix.
 */
export function iamRoleName(prefix: string, what: string): string {
  const room = NAME_LIMITS.iamRole - prefix.length - 1;
  if (what.length <= room) return `${prefix}-${what}`;
  const word = /-[a-z]+$/.exec(what)?.[0] ?? '';
  const base = what.slice(0, what.length - word.length);
  // Room for at least one character, the hash and the word; otherwise the hash alone (up to 64 hex digits).
  const shortened = room >= 1 + NAME_HASH_LENGTH + 1 + word.length ? boundedName(base, room, word) : shortHash(what, Math.min(room, 64));
  return `${prefix}-${shortened}`;
}

/** Names of the resources one environment shares between its services. */
export interface PlatformNames {
  /** Terraform stack name, also the prefix of most resource names: `<project>-<environment>`. */
  readonly stack: string;
  /** What every IAM role name starts with, followed by `-` ({@link iamNamePrefix}). */
  readonly iamPrefix: string;
  readonly cluster: string;
  /** The shared load balancer. */
  readonly loadBalancer: string;
  readonly loadBalancerSecurityGroup: string;
  readonly codeDeployApplication: string;
  readonly codeDeployRole: string;
  readonly appSpecBucketPrefix: string;
  /** `bucket_prefix` of the access-log bucket. */
  readonly accessLogBucketPrefix: string;
  readonly flowLogGroup: string;
  readonly flowLogRole: string;
  /** Alias of the environment's KMS key (`alias/<stack>`). */
  readonly kmsKeyAlias: string;
  /** Security group of the VPC interface endpoints. */
  readonly endpointSecurityGroup: string;
}

/** Names of the resources of one service. */
export interface ServiceNames {
  readonly service: string;
  readonly taskFamily: string;
  readonly blueTargetGroup: string;
  readonly greenTargetGroup: string;
  readonly deploymentGroup: string;
  /** Base of the custom deployment config's name, when the service defines one (see {@link trafficConfigName}). */
  readonly deploymentConfig: string;
  /** Must start with `CodeDeployHook_` so `AWSCodeDeployRoleForECS(Limited)` may invoke it. */
  readonly hookFunction: string;
  readonly hookRole: string;
  readonly executionRole: string;
  readonly taskRole: string;
  readonly serviceLogGroup: string;
  readonly hookLogGroup: string;
  readonly ecrRepository: string;
  readonly appSpecObjectKey: string;
  /** Prefix of the CloudWatch alarm names. */
  readonly alarmPrefix: string;
  readonly tasksSecurityGroup: string;
  readonly hookSecurityGroup: string;
  /** The service's own load balancer, when its routing asks for a dedicated one. */
  readonly dedicatedLoadBalancer: string;
  readonly dedicatedLoadBalancerSecurityGroup: string;
}

/** Names of the resources of a single-service environment stack (platform and its one service). */
export type ResourceNames = PlatformNames & Omit<ServiceNames, 'tasksSecurityGroup' | 'hookSecurityGroup' | 'dedicatedLoadBalancer' | 'dedicatedLoadBalancerSecurityGroup'>;

/** A custom traffic shift: what the name of its CodeDeploy deployment configuration encodes. */
export interface TrafficShape {
  readonly type: 'canary' | 'linear';
  readonly percentage: number;
  readonly intervalInMinutes: number;
}

/**
 * Name of the custom deployment configuration for one traffic shape, e.g.
 * `bluegreen-prod-traffic-canary-10pct-every-5min`. A configuration cannot be changed, only
 * replaced, and CodeDeploy refuses to delete one a deployment group still uses: a name per shape
 * lets Terraform create the new configuration, move the group to it, then delete the old one.
 */
export function trafficConfigName(base: string, shape: TrafficShape): string {
  return boundedName(base, NAME_LIMITS.codeDeployName, `-${shape.type}-${shape.percentage}pct-every-${shape.intervalInMinutes}min`);
}

/** Prefix that lets CodeDeploy's managed ECS policies invoke the hook. */
export const HOOK_FUNCTION_PREFIX = 'CodeDeployHook_';

/** Stack name of an environment: `<project>-<environment>`. */
export function stackName(project: string, environment: string): string {
  return `${project}-${environment}`;
}

/** ALB names must not start with "internal-" (AWS reserves it). */
function loadBalancerName(base: string): string {
  return boundedName(base.startsWith('internal-') ? `alb-${base}` : base, NAME_LIMITS.loadBalancer);
}

/** Names of what an environment's services share. */
export function platformNames(project: string, environment: string): PlatformNames {
  const base = stackName(project, environment);
  const iamPrefix = iamNamePrefix(project, environment);
  return {
    stack: base,
    iamPrefix,
    cluster: boundedName(base, NAME_LIMITS.ecsName),
    loadBalancer: loadBalancerName(base),
    loadBalancerSecurityGroup: `${base}-alb`,
    codeDeployApplication: boundedName(base, NAME_LIMITS.codeDeployName),
    codeDeployRole: iamRoleName(iamPrefix, 'codedeploy'),
    appSpecBucketPrefix: boundedName(base, NAME_LIMITS.s3BucketPrefix, '-'),
    accessLogBucketPrefix: boundedName(base, NAME_LIMITS.s3BucketPrefix, '-alb-logs-'),
    flowLogGroup: `/vpc/${base}/flow-logs`,
    flowLogRole: iamRoleName(iamPrefix, 'flow-logs'),
    kmsKeyAlias: `alias/${base}`,
    endpointSecurityGroup: `${base}-endpoints`,
  };
}

/**
 * Names of one service's resources. `service` undefined: the stack-level names of a single-service
 * environment (`bluegreen-dev`, `bluegreen-dev-blue`), kept as they always were; otherwise names from
 * `<project>-<environment>-<service>`, shortened with a hash where AWS limits them.
 * @param dedicatedName name of a stack-level service's own load balancer (its `service.name`)
 */
export function serviceNames(project: string, environment: string, service?: string, dedicatedName: string = 'default'): ServiceNames {
  const stack = stackName(project, environment);
  const base = service === undefined ? stack : `${stack}-${service}`;
  const hookFunction = boundedName(`${HOOK_FUNCTION_PREFIX}${base}`, NAME_LIMITS.lambdaFunction);
  const iamPrefix = iamNamePrefix(project, environment);
  const role = (word: string): string => iamRoleName(iamPrefix, service === undefined ? word : `${service}-${word}`);
  const dedicatedBase = service === undefined ? `${stack}-${dedicatedName}` : base;
  return {
    service: boundedName(base, NAME_LIMITS.ecsName),
    taskFamily: boundedName(base, NAME_LIMITS.ecsName),
    blueTargetGroup: boundedName(base, NAME_LIMITS.targetGroup, '-blue'),
    greenTargetGroup: boundedName(base, NAME_LIMITS.targetGroup, '-green'),
    deploymentGroup: boundedName(base, NAME_LIMITS.codeDeployName),
    deploymentConfig: boundedName(base, NAME_LIMITS.codeDeployName, '-traffic'),
    hookFunction,
    hookRole: role('hook'),
    executionRole: role('execution'),
    taskRole: role('task'),
    serviceLogGroup: `/ecs/${base}`,
    hookLogGroup: `/aws/lambda/${hookFunction}`,
    ecrRepository: boundedName(base, NAME_LIMITS.ecrRepository),
    appSpecObjectKey: service === undefined ? `${stack}/appspec.yaml` : `${stack}/${service}/appspec.yaml`,
    alarmPrefix: base,
    tasksSecurityGroup: `${base}-tasks`,
    hookSecurityGroup: `${base}-hook`,
    dedicatedLoadBalancer: loadBalancerName(dedicatedBase),
    dedicatedLoadBalancerSecurityGroup: `${dedicatedBase}-alb`,
  };
}

/** Derives every resource name of a single-service environment from its project and environment names. */
export function resourceNames(project: string, environment: string): ResourceNames {
  const { tasksSecurityGroup: _t, hookSecurityGroup: _h, dedicatedLoadBalancer: _d, dedicatedLoadBalancerSecurityGroup: _s, ...service } = serviceNames(project, environment);
  return { ...platformNames(project, environment), ...service };
}

/**
 * The empty target group a load balancer's shared listeners forward unmatched requests to (ECS-native
 * rules on a port no service owns): `<load balancer name>-unrouted`.
 */
export function unroutedTargetGroupName(loadBalancerName: string): string {
  return boundedName(loadBalancerName, NAME_LIMITS.targetGroup, '-unrouted');
}

/**
 * IAM roles of an ECS-native service: the infrastructure role for load balancers and the role ECS
 * invokes the hook with, named like the service's other roles (`<IAM prefix>-[<service>-]<what>`,
 * {@link iamRoleName}). Their last words (`infrastructure`, `invoke`) are no other role's (`hook`,
 * `execution`, `task`, `codedeploy`), so no service name makes them clash with another role.
 * @param service undefined for the environment's `service` (stack-level names)
 */
export function nativeRoleNames(project: string, environment: string, service?: string): { readonly infrastructureRole: string; readonly hookInvokeRole: string } {
  const prefix = iamNamePrefix(project, environment);
  const role = (word: string): string => iamRoleName(prefix, service === undefined ? word : `${service}-${word}`);
  return { infrastructureRole: role('ecs-infrastructure'), hookInvokeRole: role('hook-invoke') };
}
