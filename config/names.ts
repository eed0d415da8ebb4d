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

/** Names of the resources of one environment stack. */
export interface ResourceNames {
  /** Terraform stack name, also the prefix of most resource names: `<project>-<environment>`. */
  readonly stack: string;
  readonly cluster: string;
  readonly service: string;
  readonly taskFamily: string;
  readonly loadBalancer: string;
  readonly blueTargetGroup: string;
  readonly greenTargetGroup: string;
  readonly codeDeployApplication: string;
  readonly deploymentGroup: string;
  /** Base of the custom deployment config's name, when the environment defines one (see {@link trafficConfigName}). */
  readonly deploymentConfig: string;
  /** Must start with `CodeDeployHook_` so `AWSCodeDeployRoleForECS(Limited)` may invoke it. */
  readonly hookFunction: string;
  readonly hookRole: string;
  readonly executionRole: string;
  readonly taskRole: string;
  readonly codeDeployRole: string;
  readonly serviceLogGroup: string;
  readonly hookLogGroup: string;
  readonly ecrRepository: string;
  readonly appSpecBucketPrefix: string;
  readonly appSpecObjectKey: string;
  /** Prefix of the CloudWatch alarm names. */
  readonly alarmPrefix: string;
}

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

/** Derives every resource name of an environment from its project and environment names. */
export function resourceNames(project: string, environment: string): ResourceNames {
  const base = stackName(project, environment);
  return {
    stack: base,
    cluster: boundedName(base, NAME_LIMITS.ecsName),
    service: boundedName(base, NAME_LIMITS.ecsName),
    taskFamily: boundedName(base, NAME_LIMITS.ecsName),
    // AWS reserves ALB names starting with "internal-".
    loadBalancer: boundedName(base.startsWith('internal-') ? `alb-${base}` : base, NAME_LIMITS.loadBalancer),
    blueTargetGroup: boundedName(base, NAME_LIMITS.targetGroup, '-blue'),
    greenTargetGroup: boundedName(base, NAME_LIMITS.targetGroup, '-green'),
    codeDeployApplication: boundedName(base, NAME_LIMITS.codeDeployName),
    deploymentGroup: boundedName(base, NAME_LIMITS.codeDeployName),
    deploymentConfig: boundedName(base, NAME_LIMITS.codeDeployName, '-traffic'),
    hookFunction: boundedName(`${HOOK_FUNCTION_PREFIX}${base}`, NAME_LIMITS.lambdaFunction),
    hookRole: boundedName(base, NAME_LIMITS.iamRole, '-hook'),
    executionRole: boundedName(base, NAME_LIMITS.iamRole, '-execution'),
    taskRole: boundedName(base, NAME_LIMITS.iamRole, '-task'),
    codeDeployRole: boundedName(base, NAME_LIMITS.iamRole, '-codedeploy'),
    serviceLogGroup: `/ecs/${base}`,
    hookLogGroup: `/aws/lambda/${boundedName(`${HOOK_FUNCTION_PREFIX}${base}`, NAME_LIMITS.lambdaFunction)}`,
    ecrRepository: base,
    appSpecBucketPrefix: boundedName(base, NAME_LIMITS.s3BucketPrefix, '-'),
    appSpecObjectKey: `${base}/appspec.yaml`,
    alarmPrefix: base,
  };
}
