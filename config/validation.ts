/**
 * Validation of an environment before any resource is created. Pure: no cdktf imports, no I/O.
 *
 * Every problem is collected (not just the first) and each message names the field as the user wrote
 * it, the value received and what is allowed, so one run shows everything to fix. What each service
 * configures is checked in config/validation-service.ts, what the services must agree on (names, ports,
 * quotas) in config/validation-routes.ts.
 */
import { resolveEnvironment, usesPrivateSubnets, type EnvironmentConfig, type ResolvedEnvironment } from './environment';
import { serviceEntries } from './resolve';
import { parseIpv4Cidr } from './subnets';
import { rangeOf } from './options';
import { CONFIG_FIELDS, knownSectionFields } from './fields';
import { AWS_REGION_PATTERN, PROJECT_MAX_LENGTH, PROJECT_PATTERN, Problems, show, type FieldNamer } from './problems';
import { validateAlarms, validateDeployment, validateHook, validateServiceSettings, validateTargetGroup } from './validation-service';
import { validateGeneratedNames, validatePorts, validateQuotas, validateServiceNames } from './validation-routes';
import { broadExposureWarnings, testListenerExposureProblems } from './listener-exposure';
import { securityWarnings, validateEnvironmentSecurity, validateRoleNames } from './validation-security';
import { validateNativeEnvironment, validateNativeRoutes } from './validation-native';

export { AWS_REGION_PATTERN, LOG_RETENTION_DAYS } from './problems';
export { CONFIG_FIELDS } from './fields';
export { FARGATE_MEMORY_BY_CPU, HOOK_CHECKABLE_EVENTS, isImageReference } from './validation-service';

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

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SSL_POLICY = /^ELBSecurityPolicy-[A-Za-z0-9-]+$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DYNAMODB_TABLE = /^[A-Za-z0-9_.-]{3,255}$/;

/** True for an ACM certificate ARN. */
export function isCertificateArn(text: unknown): boolean {
  return typeof text === 'string' && CERTIFICATE_ARN.test(text);
}

/** Environment sections that must be objects when given. */
const OBJECT_SECTIONS = ['encryption', 'network', 'loadBalancer', 'testListener', 'deployment', 'alarms', 'hook', 'quotas', 'state', 'tags'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reports a section given as a non-object ("network must be an object") and returns the configuration
 * without it, so every other problem is still found against the defaults.
 */
function withoutBrokenSections(config: EnvironmentConfig, p: Problems): EnvironmentConfig {
  const broken = OBJECT_SECTIONS.filter((key) => config[key] !== undefined && !isObject(config[key]));
  for (const key of broken) p.add(`${key} must be an object, got ${show(config[key])}`);
  return broken.length === 0 ? config : { ...config, ...Object.fromEntries(broken.map((key) => [key, undefined])) };
}

/** Refuses unknown keys at every level of the environment's own sections (services check their own). */
function validateKnownFields(config: EnvironmentConfig, p: Problems): void {
  p.knownFields('', config, CONFIG_FIELDS.environment);
  const network = config.network as Record<string, unknown> | undefined;
  if (network?.mode === 'new' || network?.mode === 'existing') p.knownFields('network', network, CONFIG_FIELDS[`network (mode "${network.mode}")`]);
  p.knownFields('loadBalancer', config.loadBalancer, CONFIG_FIELDS.loadBalancer);
  p.knownFields('loadBalancer.healthCheck', config.loadBalancer?.healthCheck, CONFIG_FIELDS.healthCheck);
  p.knownFields('testListener', config.testListener, CONFIG_FIELDS.testListener);
  for (const section of ['deployment', 'alarms', 'hook'] as const) knownSectionFields(section, section, config[section], p);
  p.knownFields('quotas', config.quotas, CONFIG_FIELDS.quotas);
  const state = config.state as Record<string, unknown> | undefined;
  if (state?.backend === 'local' || state?.backend === 's3') p.knownFields('state', state, CONFIG_FIELDS[`state (backend "${state.backend}")`]);
}

/** The environment's own section names: `deployment.x`, `alarms` itself for key ''. */
const envLevel = (section: string): FieldNamer => (key) => (key === '' ? section : `${section}.${key}`);

/** Why an environment has no usable service list, or undefined when it has one. */
function servicesProblem(config: EnvironmentConfig): string | undefined {
  const services = config.services as unknown;
  if (services !== undefined && (services === null || typeof services !== 'object' || Array.isArray(services))) {
    return `services must be an object of service name: service settings, got ${show(services)}`;
  }
  if (config.service === undefined && services === undefined) return `service must be an object with at least an image, got undefined`;
  if (config.service === undefined && Object.keys(services as object).length === 0) return 'services must name at least one service (or give service), got {}';
  return undefined;
}

/**
 * Returns every problem of an environment (empty when it is valid). Takes the user's input, resolves
 * the defaults itself, and names fields as the user writes them.
 */
export function validateEnvironment(input: EnvironmentConfig): string[] {
  const p = new Problems();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [`environment must be an object, got ${show(input)}`];
  const config = withoutBrokenSections(input, p);
  validateKnownFields(config, p);
  const listProblem = servicesProblem(config);
  if (listProblem) return [...p.list, listProblem];
  const entries = serviceEntries(config);
  const unusable = entries.filter((e) => (e.stackLevel ? config.service : config.services?.[e.name]) === null || typeof (e.stackLevel ? config.service : config.services?.[e.name]) !== 'object');
  if (unusable.length > 0) {
    return [...p.list, ...unusable.map((e) => `${e.field} must be an object with at least an image, got ${show(e.stackLevel ? config.service : config.services?.[e.name])}`)];
  }
  const env = resolveEnvironment(config);
  p.name('name', env.name);
  p.name('project', env.project, PROJECT_PATTERN, PROJECT_MAX_LENGTH);
  // Security group names are `<project>-<environment>-…`, and EC2 refuses group names starting "sg-".
  if (typeof env.project === 'string' && PROJECT_PATTERN.test(env.project) && (env.project === 'sg' || env.project.startsWith('sg-'))) {
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
  const namesValid = validateServiceNames(entries, p);
  entries.forEach((entry, i) => validateServiceSettings(entry, env.services[i]!, p));
  validateSharedLoadBalancer(env, p);
  validateEnvironmentSecurity(env, config, p);
  // The environment's own sections, once, even where every service overrides them.
  validateTargetGroup(env.loadBalancer.healthCheck, env.loadBalancer.deregistrationDelayInSeconds, envLevel('loadBalancer.healthCheck'), 'loadBalancer.deregistrationDelayInSeconds', p);
  validateTestListener(env, p, networkModeValid);
  validateDeployment(env.deployment, envLevel('deployment'), p);
  validateAlarms(env.alarms, envLevel('alarms'), p);
  validateHook(env.hook, envLevel('hook'), p);
  validateNativeEnvironment(config, env, p);
  validatePorts(env, entries, p);
  validateNativeRoutes(env, entries, p);
  validateQuotas(env, p);
  if (namesValid) {
    validateGeneratedNames(env, p);
    if (typeof env.project === 'string' && typeof env.name === 'string') validateRoleNames(env, p);
  }
  validateState(env, p);
  p.boolean('autoRelease', env.autoRelease);
  validateTags(env, p);
  return p.list;
}

function validateTags(env: ResolvedEnvironment, p: Problems): void {
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

function validateSharedLoadBalancer(env: ResolvedEnvironment, p: Problems): void {
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
  // Judged by the union of the ranges: 0.0.0.0/1 + 128.0.0.0/1 is the whole internet as surely as 0.0.0.0/0.
  testListenerExposureProblems(t.allowedCidrs, t.allowPublicAccess).forEach((problem) => p.add(problem));
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

/** "port 8080" or "ports 8080 (api) and 8081 (web)". */
function describeTestPorts(env: ResolvedEnvironment): string {
  if (env.services.length === 1) return `port ${env.services[0]!.routing.testPort}`;
  const ports = env.services.map((s) => `${s.routing.testPort} (${s.name})`);
  return `ports ${ports.slice(0, -1).join(', ')} and ${ports[ports.length - 1]}`;
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
  warnings.push(
    ...broadExposureWarnings(env.loadBalancer.allowedCidrs, { field: 'loadBalancer.allowedCidrs', what: 'the production listeners' }),
    ...(env.testListener.allowPublicAccess ? [] : broadExposureWarnings(env.testListener.allowedCidrs, { field: 'testListener.allowedCidrs', what: `the test ${describeTestPorts(env)} (green during a release)` })),
    ...securityWarnings(env),
  );
  if (env.testListener.allowPublicAccess) {
    const one = env.services.length === 1;
    warnings.push(
      `testListener.allowPublicAccess is true: ${describeTestPorts(env)} of the load balancer${one ? '' : 's'} (the green task set${one ? '' : 's'} during a release) ${one ? 'is' : 'are'} reachable from the whole internet. ` +
        'Use NAT (network.natGatewayCount >= 1) to keep it private.',
    );
  }
  return warnings;
}
