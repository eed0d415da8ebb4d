/**
 * Validation of an environment before any resource is created. Pure: no cdktf imports, no I/O.
 *
 * Every problem is collected (not just the first) and each message names the field as the user wrote
 * it, the value received and what is allowed, so one run shows everything to fix.
 */
import { ECS_HOOK_EVENTS } from '../lib/appspec';
import {
  PREDEFINED_ECS_DEPLOYMENT_CONFIGS,
  resolveEnvironment,
  usesPrivateSubnets,
  type EnvironmentConfig,
  type ResolvedEnvironment,
} from './environment';
import { isCidr, parseIpv4Cidr } from './subnets';
import { rangeOf, type RangedOptionPath } from './options';
import { validateHookConfig } from '../hook-lambda/resolve-config';
import { generatedAlarmCount, MAX_DEPLOYMENT_GROUP_ALARMS } from './alarms';
import { AWS_REGION_PATTERN } from '../lib/aws-region';

/** Memory sizes (MiB) Fargate accepts for each CPU size. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Lifecycle events at which the test listener routes to green, so the hook can check it. */
export const HOOK_CHECKABLE_EVENTS = ['AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'] as const;

/**
 * Extra tags an environment may set. S3 accepts at most 10 tags on an object, and the AppSpec object
 * carries the provider's default tags (`environment`, `project`, the extra ones) plus its own
 * `UseWithCodeDeploy`: more than 7 extra tags would fail its upload on the first apply.
 */
export const MAX_EXTRA_TAGS = 10 - 3;

/** Thrown when an environment is invalid; lists every problem. */
export class EnvironmentConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration of environment ${JSON.stringify(environment)} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvironmentConfigError';
  }
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

const show = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value));

const NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
export { AWS_REGION_PATTERN };
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SSL_POLICY = /^ELBSecurityPolicy-[A-Za-z0-9-]+$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DYNAMODB_TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const MATCHER = /^(\d{3}(,\d{3})*|\d{3}-\d{3})$/;

// Docker reference grammar: [registry[:port]/]path[:tag][@sha256:digest].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::\\d+)?)`;
const PATH_COMPONENT = '(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)';
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** True for a container image reference such as `public.ecr.aws/nginx/nginx:stable`. */
export function isImageReference(text: unknown): boolean {
  return typeof text === 'string' && text.length <= 1024 && IMAGE_REFERENCE.test(text);
}

/** True for an ACM certificate ARN. */
export function isCertificateArn(text: unknown): boolean {
  return typeof text === 'string' && CERTIFICATE_ARN.test(text);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Collects problems; each helper pushes one message in the project's format. */
class Problems {
  readonly list: string[] = [];

  add(message: string): void {
    this.list.push(message);
  }

  intRange(field: string, value: unknown, min: number, max: number): boolean {
    if (isInt(value) && value >= min && value <= max) return true;
    this.add(`${field} must be an integer from ${min} to ${max}, got ${show(value)}`);
    return false;
  }

  /** Checks an integer option against its range in config/options.ts; `field` names it as the user wrote it. */
  option(option: RangedOptionPath, value: unknown, field: string = option): boolean {
    const { min, max } = rangeOf(option);
    return this.intRange(field, value, min, max);
  }

  name(field: string, value: unknown): void {
    if (typeof value === 'string' && NAME.test(value)) return;
    this.add(`${field} must be 1-32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got ${show(value)}`);
  }

  cidrs(field: string, value: unknown, allowEmpty: boolean): void {
    if (!Array.isArray(value)) {
      this.add(`${field} must be a list of CIDR blocks, got ${show(value)}`);
      return;
    }
    if (!allowEmpty && value.length === 0) this.add(`${field} must list at least one CIDR block, got []`);
    value.forEach((cidr, i) => {
      if (!isCidr(cidr)) this.add(`${field}[${i}] must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32, got ${show(cidr)}`);
    });
  }

  retention(field: string, value: unknown): void {
    if ((LOG_RETENTION_DAYS as readonly unknown[]).includes(value)) return;
    this.add(`${field} must be one of ${LOG_RETENTION_DAYS.join(', ')} (days CloudWatch Logs accepts), got ${show(value)}`);
  }

  region(field: string, value: unknown): void {
    if (typeof value === 'string' && AWS_REGION_PATTERN.test(value)) return;
    this.add(`${field} must be an AWS region code such as eu-west-1, got ${show(value)}`);
  }
}

/**
 * Returns every problem of an environment (empty when it is valid). Takes the user's input, resolves
 * the defaults itself, and names fields as the user writes them.
 */
export function validateEnvironment(config: EnvironmentConfig): string[] {
  const p = new Problems();
  if (config === null || typeof config !== 'object') return [`environment must be an object, got ${show(config)}`];
  if (config.service === null || typeof config.service !== 'object') {
    return [`service must be an object with at least an image, got ${show(config.service)}`];
  }
  const env = resolveEnvironment(config);
  p.name('name', env.name);
  p.name('project', env.project);
  // Security group names are `<project>-<environment>-…`, and EC2 refuses group names starting "sg-".
  if (typeof env.project === 'string' && NAME.test(env.project) && (env.project === 'sg' || env.project.startsWith('sg-'))) {
    p.add(`project must not be "sg" or start with "sg-" (security group names start with the project, and EC2 reserves that prefix), got ${show(env.project)}`);
  }
  p.region('region', env.region);
  const mode = (config.network as { mode?: unknown } | undefined)?.mode;
  const networkModeValid = config.network === undefined || mode === 'new' || mode === 'existing';
  if (!networkModeValid) {
    p.add(`network.mode must be "new" or "existing", got ${show(mode)}`);
  } else {
    validateNetwork(env, p);
  }
  validateService(env, p);
  validateLoadBalancer(env, p);
  validateTestListener(env, p, networkModeValid);
  validateDeployment(env, p);
  validateAlarms(env, p);
  validateHook(env, p);
  validateState(env, p);
  if (typeof env.autoRelease !== 'boolean') p.add(`autoRelease must be true or false, got ${show(env.autoRelease)}`);
  const extraTags = Object.keys(env.tags).filter((key) => key !== 'environment' && key !== 'project');
  if (extraTags.length > MAX_EXTRA_TAGS) {
    p.add(`tags must have at most ${MAX_EXTRA_TAGS} entries (S3 allows 10 tags on the AppSpec object, which also carries environment, project and UseWithCodeDeploy), got ${extraTags.length}`);
  }
  for (const [key, value] of Object.entries(env.tags)) {
    if (key === 'environment' || key === 'project') {
      p.add(`tags.${key} is set by the stack from the environment's ${key === 'environment' ? 'name' : 'project'}; remove it, got ${show(value)}`);
    } else if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith('aws:')) {
      p.add(`tags key must be 1-128 characters and not start with "aws:", got ${show(key)}`);
    } else if (typeof value !== 'string' || value.length > 256) {
      p.add(`tags.${key} must be a string of at most 256 characters, got ${show(value)}`);
    }
  }
  return p.list;
}

function validateNetwork(env: ResolvedEnvironment, p: Problems): void {
  const n = env.network;
  if (n.mode === 'new') {
    const parsed = parseIpv4Cidr(n.cidrBlock);
    // Subnets are 4 bits smaller than the VPC, and AWS asks for load balancer subnets of /27 or larger
    // (with 8 free addresses, shared here with NAT gateways and tasks): the VPC may be /23 at most.
    const prefix = rangeOf('network.cidrBlock.prefixLength');
    if (!parsed || parsed.prefixLength < prefix.min || parsed.prefixLength > prefix.max) {
      p.add(`network.cidrBlock must be an IPv4 CIDR block from /${prefix.min} to /${prefix.max} (its subnets, 4 bits smaller, must be /27 or larger for the load balancer), got ${show(n.cidrBlock)}`);
    }
    if (p.option('network.availabilityZoneCount', n.availabilityZoneCount)) {
      // One NAT gateway per zone at most.
      p.intRange('network.natGatewayCount', n.natGatewayCount, rangeOf('network.natGatewayCount').min, n.availabilityZoneCount);
    } else {
      p.option('network.natGatewayCount', n.natGatewayCount);
    }
  } else {
    if (typeof n.vpcId !== 'string' || !VPC_ID.test(n.vpcId)) p.add(`network.vpcId must be a VPC id such as vpc-0123456789abcdef0, got ${show(n.vpcId)}`);
    if (n.publicSubnetIds.length < 2) {
      p.add(`network.publicSubnetIds must list at least 2 subnets in different availability zones (an ALB needs 2), got ${show(n.publicSubnetIds)}`);
    }
    for (const [field, ids] of [['publicSubnetIds', n.publicSubnetIds], ['privateSubnetIds', n.privateSubnetIds]] as const) {
      ids.forEach((id, i) => {
        if (typeof id !== 'string' || !SUBNET_ID.test(id)) p.add(`network.${field}[${i}] must be a subnet id such as subnet-0123456789abcdef0, got ${show(id)}`);
      });
    }
  }
}

function validateService(env: ResolvedEnvironment, p: Problems): void {
  const s = env.service;
  const image = s.image as unknown as Record<string, unknown> | undefined;
  const hasExternal = image !== null && typeof image === 'object' && 'external' in image;
  const hasEcr = image !== null && typeof image === 'object' && 'ecrTag' in image;
  if (hasExternal === hasEcr) {
    p.add(`service.image must be either { external: '<image reference>' } or { ecrTag: '<tag>' }, got ${show(image)}`);
  } else if (hasExternal && !isImageReference(image!.external)) {
    p.add(`service.image.external must be an image reference such as public.ecr.aws/nginx/nginx:stable or registry/repo@sha256:<64 hex>, got ${show(image!.external)}`);
  } else if (hasEcr && (typeof image!.ecrTag !== 'string' || !IMAGE_TAG.test(image!.ecrTag))) {
    p.add(`service.image.ecrTag must be an image tag (1-128 letters, digits, _ . -, not starting with . or -), got ${show(image!.ecrTag)}`);
  }
  if (typeof s.containerName !== 'string' || !CONTAINER_NAME.test(s.containerName)) {
    p.add(`service.containerName must be 1-255 letters, digits, hyphens or underscores, got ${show(s.containerName)}`);
  }
  p.option('service.containerPort', s.containerPort);
  const memories = FARGATE_MEMORY_BY_CPU[s.cpu as number];
  if (!isInt(s.cpu) || memories === undefined) {
    p.add(`service.cpu must be one of ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')} (Fargate CPU units), got ${show(s.cpu)}`);
  } else if (!memories.includes(s.memoryInMiB)) {
    p.add(`service.memoryInMiB must be one of ${describeMemories(memories)} with service.cpu ${s.cpu} (Fargate), got ${show(s.memoryInMiB)}`);
  }
  p.option('service.desiredCount', s.desiredCount);
  if (s.environment === null || typeof s.environment !== 'object') {
    p.add(`service.environment must be an object of name: value strings, got ${show(s.environment)}`);
  } else {
    for (const [key, value] of Object.entries(s.environment)) {
      if (!ENV_VAR_NAME.test(key)) p.add(`service.environment key must be a variable name (letters, digits, _; not starting with a digit), got ${show(key)}`);
      else if (typeof value !== 'string') p.add(`service.environment.${key} must be a string, got ${show(value)}`);
    }
  }
  p.retention('service.logRetentionInDays', s.logRetentionInDays);
  if (typeof s.containerInsights !== 'boolean') p.add(`service.containerInsights must be true or false, got ${show(s.containerInsights)}`);
  p.option('service.healthCheckGracePeriodInSeconds', s.healthCheckGracePeriodInSeconds);
}

function describeMemories(values: readonly number[]): string {
  if (values.length <= 3) return values.join(', ');
  return `${values[0]}-${values[values.length - 1]} in steps of ${values[1]! - values[0]!}`;
}

function validateLoadBalancer(env: ResolvedEnvironment, p: Problems): void {
  const lb = env.loadBalancer;
  if (lb.certificateArn !== undefined && !isCertificateArn(lb.certificateArn)) {
    p.add(`loadBalancer.certificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>), got ${show(lb.certificateArn)}`);
  } else if (lb.certificateArn !== undefined && typeof env.region === 'string' && AWS_REGION_PATTERN.test(env.region) && lb.certificateArn.split(':')[3] !== env.region) {
    // A load balancer only uses certificates of its own region; CreateListener would fail on the first
    // apply. An invalid region is reported on its own.
    p.add(`loadBalancer.certificateArn must be a certificate in the environment's region (${env.region}): a load balancer only uses ACM certificates of its own region, got ${show(lb.certificateArn)}`);
  }
  if (p.option('loadBalancer.productionPort', lb.productionPort) && lb.certificateArn !== undefined && lb.productionPort === 80) {
    p.add(`loadBalancer.productionPort must not be 80 with a certificate (port 80 redirects to HTTPS), got 80`);
  }
  if (typeof lb.sslPolicy !== 'string' || !SSL_POLICY.test(lb.sslPolicy)) {
    p.add(`loadBalancer.sslPolicy must be an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-2021-06, got ${show(lb.sslPolicy)}`);
  }
  p.cidrs('loadBalancer.allowedCidrs', lb.allowedCidrs, false);
  const hc = lb.healthCheck;
  if (typeof hc.path !== 'string' || !hc.path.startsWith('/') || hc.path.length > 1024) {
    p.add(`loadBalancer.healthCheck.path must start with / and have at most 1024 characters, got ${show(hc.path)}`);
  }
  if (typeof hc.matcher !== 'string' || !MATCHER.test(hc.matcher) || hc.matcher.split(/[,-]/).some((c) => Number(c) < 200 || Number(c) > 499)) {
    p.add(`loadBalancer.healthCheck.matcher must be HTTP codes from 200 to 499 such as "200", "200,204" or "200-299", got ${show(hc.matcher)}`);
  }
  const intervalOk = p.option('loadBalancer.healthCheck.intervalInSeconds', hc.intervalInSeconds);
  if (p.option('loadBalancer.healthCheck.timeoutInSeconds', hc.timeoutInSeconds) && intervalOk && hc.timeoutInSeconds >= hc.intervalInSeconds) {
    p.add(`loadBalancer.healthCheck.timeoutInSeconds must be less than loadBalancer.healthCheck.intervalInSeconds (${hc.intervalInSeconds}), got ${hc.timeoutInSeconds}`);
  }
  p.option('loadBalancer.healthCheck.healthyThreshold', hc.healthyThreshold);
  p.option('loadBalancer.healthCheck.unhealthyThreshold', hc.unhealthyThreshold);
  p.option('loadBalancer.deregistrationDelayInSeconds', lb.deregistrationDelayInSeconds);
  p.option('loadBalancer.idleTimeoutInSeconds', lb.idleTimeoutInSeconds);
}

function validateTestListener(env: ResolvedEnvironment, p: Problems, networkModeValid: boolean): void {
  const t = env.testListener;
  if (p.option('testListener.port', t.port)) {
    if (t.port === env.loadBalancer.productionPort) {
      p.add(`testListener.port must differ from loadBalancer.productionPort (${env.loadBalancer.productionPort}), got ${t.port}`);
    } else if (env.loadBalancer.certificateArn !== undefined && t.port === 80) {
      p.add(`testListener.port must not be 80 with a certificate (port 80 redirects to HTTPS), got 80`);
    }
  }
  p.cidrs('testListener.allowedCidrs', t.allowedCidrs, true);
  if (Array.isArray(t.allowedCidrs)) {
    t.allowedCidrs.forEach((cidr, i) => {
      if (isCidr(cidr) && /\/0$/.test(cidr)) {
        p.add(`testListener.allowedCidrs[${i}] must not open the test port to the whole internet; set testListener.allowPublicAccess to true to do that explicitly, got ${show(cidr)}`);
      }
    });
  }
  if (typeof t.allowPublicAccess !== 'boolean') {
    p.add(`testListener.allowPublicAccess must be true or false, got ${show(t.allowPublicAccess)}`);
    return;
  }
  // Where the hook runs depends on the network; an invalid network mode is reported on its own.
  if (t.allowPublicAccess || !networkModeValid) return;
  if (!usesPrivateSubnets(env)) {
    p.add(
      'testListener.allowPublicAccess must be true when the hook runs outside the VPC (no NAT: network.natGatewayCount 0 or no network.privateSubnetIds), ' +
        'because the hook then calls the test listener from addresses AWS does not fix; add NAT or opt in explicitly, got false',
    );
  } else if (env.network.mode === 'existing' && t.allowedCidrs.length === 0) {
    p.add(`testListener.allowedCidrs must list the NAT addresses of network.privateSubnetIds (the hook reaches the test listener through them) unless testListener.allowPublicAccess is true, got []`);
  }
}

function validateDeployment(env: ResolvedEnvironment, p: Problems): void {
  const d = env.deployment;
  const routing = d.trafficRouting as { type?: unknown; name?: unknown; percentage?: unknown; intervalInMinutes?: unknown };
  if (routing.type === 'predefined') {
    if (!(PREDEFINED_ECS_DEPLOYMENT_CONFIGS as readonly unknown[]).includes(routing.name)) {
      p.add(`deployment.trafficRouting.name must be one of ${PREDEFINED_ECS_DEPLOYMENT_CONFIGS.join(', ')}, got ${show(routing.name)}`);
    }
  } else if (routing.type === 'canary' || routing.type === 'linear') {
    p.option('deployment.trafficRouting.percentage', routing.percentage);
    p.option('deployment.trafficRouting.intervalInMinutes', routing.intervalInMinutes);
  } else {
    p.add(`deployment.trafficRouting.type must be "predefined", "canary" or "linear", got ${show(routing.type)}`);
  }
  p.option('deployment.terminationWaitTimeInMinutes', d.terminationWaitTimeInMinutes);
  if (d.manualApprovalWaitInMinutes !== undefined) p.option('deployment.manualApprovalWaitInMinutes', d.manualApprovalWaitInMinutes);
}

function validateAlarms(env: ResolvedEnvironment, p: Problems): void {
  const a = env.alarms;
  if (typeof a.enabled !== 'boolean') p.add(`alarms.enabled must be true or false, got ${show(a.enabled)}`);
  p.option('alarms.target5xxThreshold', a.target5xxThreshold);
  const period = a.periodInSeconds;
  const periods = rangeOf('alarms.periodInSeconds');
  if (!isInt(period) || !(period === 10 || period === 30 || (period >= 60 && period <= periods.max && period % 60 === 0))) {
    p.add(`alarms.periodInSeconds must be 10, 30 or a multiple of 60 up to ${periods.max}, got ${show(period)}`);
  }
  p.option('alarms.evaluationPeriods', a.evaluationPeriods);
  a.additionalAlarmNames.forEach((name, i) => {
    if (typeof name !== 'string' || name.length < 1 || name.length > 255) p.add(`alarms.additionalAlarmNames[${i}] must be an alarm name of 1-255 characters, got ${show(name)}`);
  });
  const generated = a.enabled === true ? generatedAlarmCount() : 0;
  const total = generated + a.additionalAlarmNames.length;
  if (total > MAX_DEPLOYMENT_GROUP_ALARMS) {
    p.add(
      `alarms must total at most ${MAX_DEPLOYMENT_GROUP_ALARMS} per deployment group (CodeDeploy's limit), got ${total} (${generated} generated + ${a.additionalAlarmNames.length} in alarms.additionalAlarmNames)`,
    );
  }
}

function validateHook(env: ResolvedEnvironment, p: Problems): void {
  const h = env.hook;
  if (!Array.isArray(h.lifecycleEvents) || h.lifecycleEvents.length === 0) {
    p.add(`hook.lifecycleEvents must list at least one of ${HOOK_CHECKABLE_EVENTS.join(', ')}, got ${show(h.lifecycleEvents)}`);
  } else {
    h.lifecycleEvents.forEach((event, i) => {
      if (!(HOOK_CHECKABLE_EVENTS as readonly string[]).includes(event)) {
        const known = (ECS_HOOK_EVENTS as readonly string[]).includes(event);
        p.add(
          `hook.lifecycleEvents[${i}] must be one of ${HOOK_CHECKABLE_EVENTS.join(', ')}${known ? ' (the test listener does not route to green yet at that event)' : ''}, got ${show(event)}`,
        );
      } else if (h.lifecycleEvents.indexOf(event) !== i) {
        p.add(`hook.lifecycleEvents[${i}] repeats ${show(event)}; each event may appear once`);
      }
    });
  }
  // Checks and passes are validated by the hook's own parser, so the stack never deploys a
  // configuration the hook would reject at run time (its messages, prefixed with `hook.`).
  const hookProblems = validateHookConfig({
    testBaseUrl: 'http://test-listener.invalid:8080',
    ...(h.checks !== undefined ? { checks: h.checks } : {}),
    ...(h.requiredConsecutivePasses !== undefined ? { requiredConsecutivePasses: h.requiredConsecutivePasses } : {}),
  });
  hookProblems.forEach((problem) => p.add(`hook.${problem}`));
  p.option('hook.checkBudgetInSeconds', h.checkBudgetInSeconds);
  p.retention('hook.logRetentionInDays', h.logRetentionInDays);
}

function validateState(env: ResolvedEnvironment, p: Problems): void {
  const s = env.state as { backend?: unknown; path?: unknown; bucket?: unknown; key?: unknown; region?: unknown; dynamodbTable?: unknown };
  if (s.backend === 'local') {
    if (s.path !== undefined && (typeof s.path !== 'string' || s.path.length === 0)) p.add(`state.path must be a non-empty file path, got ${show(s.path)}`);
  } else if (s.backend === 's3') {
    if (typeof s.bucket !== 'string' || !S3_BUCKET.test(s.bucket)) p.add(`state.bucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got ${show(s.bucket)}`);
    if (s.key !== undefined && (typeof s.key !== 'string' || s.key.length === 0 || s.key.length > 1024)) p.add(`state.key must be an object key of 1-1024 characters, got ${show(s.key)}`);
    if (s.region !== undefined) p.region('state.region', s.region);
    if (s.dynamodbTable !== undefined && (typeof s.dynamodbTable !== 'string' || !DYNAMODB_TABLE.test(s.dynamodbTable))) {
      p.add(`state.dynamodbTable must be a DynamoDB table name (3-255 letters, digits, _ . -), got ${show(s.dynamodbTable)}`);
    }
  } else {
    p.add(`state.backend must be "local" or "s3", got ${show(s.backend)}`);
  }
}

/**
 * Validates and resolves an environment.
 * @throws EnvironmentConfigError listing every problem
 */
export function assertValidEnvironment(config: EnvironmentConfig): ResolvedEnvironment {
  const problems = validateEnvironment(config);
  const name = config && typeof config === 'object' && typeof config.name === 'string' ? config.name : '?';
  if (problems.length > 0) throw new EnvironmentConfigError(name, problems);
  return resolveEnvironment(config);
}

/** Things that are allowed but deserve a warning at synth (e.g. a test port open to the internet). */
export function environmentWarnings(env: ResolvedEnvironment): string[] {
  const warnings: string[] = [];
  // ELB policy names carry their lowest TLS version ("…-1-2-…", "…TLS13-1-3-…"); older ones still accept TLS 1.0/1.1.
  if (env.loadBalancer.certificateArn !== undefined && !/-1-[23]-/.test(env.loadBalancer.sslPolicy)) {
    warnings.push(
      `loadBalancer.sslPolicy ${env.loadBalancer.sslPolicy} accepts TLS versions older than 1.2 on the production listener. ` +
        'Use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (the default).',
    );
  }
  if (env.testListener.allowPublicAccess) {
    warnings.push(
      `testListener.allowPublicAccess is true: port ${env.testListener.port} of the load balancer (the green task set during a release) is reachable from the whole internet. ` +
        'Use NAT (network.natGatewayCount >= 1) to keep it private.',
    );
  }
  return warnings;
}
