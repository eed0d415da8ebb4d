/**
 * Validation of the security controls (docs/security.md): the posture, customer-managed encryption,
 * the new VPC's default security group, flow logs and endpoints, the load balancers' deletion
 * protection and access logs, each service's container hardening and egress, and the hook's reserved
 * concurrency. Also the synth warnings these settings deserve. Pure: no cdktf imports, no I/O.
 */
import { isInt, show, type FieldNamer, type Problems } from './problems';
import type { EnvironmentConfig } from './environment';
import type { ResolvedEnvironment, ResolvedService } from './resolve';
import { platformNames, serviceNames } from './names';
import {
  FARGATE_ADDABLE_CAPABILITIES,
  FLOW_LOG_TRAFFIC_TYPES,
  KERNEL_CAPABILITIES,
  POSTURES,
  TASK_EGRESS,
  TMPFS_MOUNT_OPTIONS,
} from './security-config';

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(-[a-z]+)+-\d{1,2}):\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
// ECS `user`: a name or a number, optionally `:group` (Amazon ECS task definition parameters, "user").
const CONTAINER_USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/;
const NETWORK_SECURITY_FIELDS = ['restrictDefaultSecurityGroup', 'flowLogs', 'vpcEndpoints'] as const;

const oneOf = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

/** The environment-level controls: posture, encryption, network and load balancer settings. */
export function validateEnvironmentSecurity(env: ResolvedEnvironment, config: EnvironmentConfig, p: Problems): void {
  if (!(POSTURES as readonly unknown[]).includes(env.posture)) p.add(`posture must be ${oneOf(POSTURES)}, got ${show(env.posture)}`);
  validateEncryption(env, config, p);
  validateNetworkSecurity(env, config, p);
  const lb = env.loadBalancer;
  p.boolean('loadBalancer.deletionProtection', lb.deletionProtection);
  p.knownFields('loadBalancer.accessLogs', config.loadBalancer?.accessLogs, ['enabled', 'retentionInDays']);
  p.boolean('loadBalancer.accessLogs.enabled', lb.accessLogs.enabled);
  p.option('loadBalancer.accessLogs.retentionInDays', lb.accessLogs.retentionInDays);
}

function validateEncryption(env: ResolvedEnvironment, config: EnvironmentConfig, p: Problems): void {
  const e = env.encryption;
  p.knownFields('encryption', config.encryption, ['createKmsKey', 'kmsKeyArn', 'encryptContainerRepository']);
  p.boolean('encryption.createKmsKey', e.createKmsKey);
  p.boolean('encryption.encryptContainerRepository', e.encryptContainerRepository);
  if (e.kmsKeyArn !== undefined) {
    const match = typeof e.kmsKeyArn === 'string' ? KMS_KEY_ARN.exec(e.kmsKeyArn) : null;
    if (!match) {
      p.add(`encryption.kmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; not an alias: log groups take a key ARN), got ${show(e.kmsKeyArn)}`);
    } else if (typeof env.region === 'string' && match[1] !== env.region) {
      p.add(`encryption.kmsKeyArn must be a key in the environment's region (${env.region}): CloudWatch Logs, S3 and ECR use keys of their own region, got ${show(e.kmsKeyArn)}`);
    }
    if (e.createKmsKey === true) p.add(`encryption.createKmsKey must be false when encryption.kmsKeyArn names a key (use one or the other), got true`);
  }
  if (e.encryptContainerRepository === true && e.createKmsKey !== true && e.kmsKeyArn === undefined) {
    p.add(`encryption.encryptContainerRepository needs a key: set encryption.createKmsKey to true or give encryption.kmsKeyArn, got true without either`);
  }
}

function validateNetworkSecurity(env: ResolvedEnvironment, config: EnvironmentConfig, p: Problems): void {
  const n = env.network;
  if (n.mode !== 'new') {
    // These act on a VPC the stack owns; an existing VPC's default group and flow logs are its owner's.
    const given = config.network as unknown as Record<string, unknown> | undefined;
    for (const field of NETWORK_SECURITY_FIELDS) {
      if (given?.[field] !== undefined) p.add(`network.${field} applies to a VPC the stack creates (network.mode "new"); remove it for network.mode "existing", got ${show(given[field])}`);
    }
    return;
  }
  p.boolean('network.restrictDefaultSecurityGroup', n.restrictDefaultSecurityGroup);
  p.boolean('network.vpcEndpoints', n.vpcEndpoints);
  if (n.vpcEndpoints === true && isInt(n.natGatewayCount) && n.natGatewayCount < 1) {
    p.add(`network.vpcEndpoints needs private subnets (network.natGatewayCount 1 or more): without NAT the tasks run in public subnets and reach AWS directly, got natGatewayCount ${n.natGatewayCount}`);
  }
  const flowLogs = (config.network as { flowLogs?: unknown } | undefined)?.flowLogs;
  if (flowLogs !== undefined && (flowLogs === null || typeof flowLogs !== 'object' || Array.isArray(flowLogs))) {
    p.add(`network.flowLogs must be an object with enabled, trafficType, retentionInDays, got ${show(flowLogs)}`);
    return;
  }
  p.knownFields('network.flowLogs', flowLogs, ['enabled', 'trafficType', 'retentionInDays']);
  p.boolean('network.flowLogs.enabled', n.flowLogs.enabled);
  if (!(FLOW_LOG_TRAFFIC_TYPES as readonly unknown[]).includes(n.flowLogs.trafficType)) {
    p.add(`network.flowLogs.trafficType must be one of ${oneOf(FLOW_LOG_TRAFFIC_TYPES)}, got ${show(n.flowLogs.trafficType)}`);
  }
  p.retention('network.flowLogs.retentionInDays', n.flowLogs.retentionInDays);
}

/** A service's container hardening and egress; `f` names its fields, `given` is the service as written. */
export function validateContainerSecurity(s: ResolvedService, given: Record<string, unknown>, f: FieldNamer, p: Problems): void {
  p.boolean(f('readonlyRootFilesystem'), s.readonlyRootFilesystem);
  p.boolean(f('initProcessEnabled'), s.initProcessEnabled);
  if (s.user !== undefined && (typeof s.user !== 'string' || !CONTAINER_USER.test(s.user))) {
    p.add(`${f('user')} must be a user or uid, optionally with :group or :gid (e.g. "101" or "nginx:nginx"), got ${show(s.user)}`);
  }
  if (!(TASK_EGRESS as readonly unknown[]).includes(s.egress)) p.add(`${f('egress')} must be ${oneOf(TASK_EGRESS)}, got ${show(s.egress)}`);
  const capabilities = given.capabilities;
  if (capabilities !== undefined && (capabilities === null || typeof capabilities !== 'object' || Array.isArray(capabilities))) {
    p.add(`${f('capabilities')} must be an object { add?, drop? }, got ${show(capabilities)}`);
  } else {
    p.knownFields(f('capabilities'), capabilities, ['add', 'drop']);
    validateCapabilities(s, f, p);
  }
  validateTmpfs(s, f, p);
}

function validateCapabilities(s: ResolvedService, f: FieldNamer, p: Problems): void {
  const lists: [string, unknown, readonly string[], string][] = [
    ['add', s.capabilities.add, FARGATE_ADDABLE_CAPABILITIES, 'the only capability Fargate lets a task add'],
    ['drop', s.capabilities.drop, KERNEL_CAPABILITIES, 'Linux capability names ECS accepts, or ALL'],
  ];
  for (const [key, values, allowed, what] of lists) {
    if (!Array.isArray(values)) {
      p.add(`${f(`capabilities.${key}`)} must be a list of capability names, got ${show(values)}`);
      continue;
    }
    values.forEach((value, i) => {
      if (!allowed.includes(value)) p.add(`${f(`capabilities.${key}[${i}]`)} must be ${allowed.length === 1 ? `"${allowed[0]}"` : `one of ${allowed.join(', ')}`} (${what}), got ${show(value)}`);
      else if (values.indexOf(value) !== i) p.add(`${f(`capabilities.${key}[${i}]`)} repeats ${show(value)}`);
    });
  }
}

function validateTmpfs(s: ResolvedService, f: FieldNamer, p: Problems): void {
  if (!Array.isArray(s.tmpfs)) {
    p.add(`${f('tmpfs')} must be a list of { containerPath, sizeInMiB, mountOptions? }, got ${show(s.tmpfs)}`);
    return;
  }
  const paths: unknown[] = [];
  let total = 0;
  s.tmpfs.forEach((mount, i) => {
    const at = (key: string): string => f(`tmpfs[${i}]${key ? `.${key}` : ''}`);
    if (mount === null || typeof mount !== 'object') {
      p.add(`${at('')} must be an object { containerPath, sizeInMiB, mountOptions? }, got ${show(mount)}`);
      return;
    }
    p.knownFields(at(''), mount, ['containerPath', 'sizeInMiB', 'mountOptions']);
    const path = mount.containerPath;
    if (typeof path !== 'string' || !/^\/[^\0]*$/.test(path) || path === '/' || path.split('/').includes('..') || path.length > 4096) {
      p.add(`${at('containerPath')} must be an absolute path other than / without .. (e.g. "/tmp"), got ${show(path)}`);
    } else if (paths.includes(path)) {
      p.add(`${at('containerPath')} repeats ${show(path)}; mount each path once`);
    }
    paths.push(path);
    if (!isInt(mount.sizeInMiB) || mount.sizeInMiB < 1 || (isInt(s.memoryInMiB) && mount.sizeInMiB > s.memoryInMiB)) {
      p.add(`${at('sizeInMiB')} must be an integer from 1 to the task memory (${show(s.memoryInMiB)} MiB): tmpfs is memory, got ${show(mount.sizeInMiB)}`);
    } else {
      total += mount.sizeInMiB;
    }
    const options = mount.mountOptions;
    if (options !== undefined && !Array.isArray(options)) p.add(`${at('mountOptions')} must be a list of mount options, got ${show(options)}`);
    (Array.isArray(options) ? options : []).forEach((option, j) => {
      const name = typeof option === 'string' ? option.split('=')[0] : undefined;
      if (!(TMPFS_MOUNT_OPTIONS as readonly unknown[]).includes(name)) {
        p.add(`${at(`mountOptions[${j}]`)} must be a tmpfs mount option (${TMPFS_MOUNT_OPTIONS.join(', ')}), alone or as name=value, got ${show(option)}`);
      }
    });
  });
  if (isInt(s.memoryInMiB) && total > s.memoryInMiB) {
    p.add(`${f('tmpfs')} must total at most the task memory (${s.memoryInMiB} MiB) in sizeInMiB: tmpfs is memory, got ${total}`);
  }
}

/**
 * IAM role names are unique in an account. Past the IAM prefix's length the roles' own parts shrink to
 * short hashes (config/names.ts), so two roles of one environment could meet: refused here.
 */
export function validateRoleNames(env: ResolvedEnvironment, p: Problems): void {
  const platform = platformNames(env.project, env.name);
  const owners = new Map<string, string>([
    [platform.codeDeployRole, 'the CodeDeploy service role'],
    [platform.flowLogRole, 'the flow log role'],
  ]);
  for (const s of env.services) {
    const names = serviceNames(env.project, env.name, s.stackLevel ? undefined : s.name, s.name);
    for (const [role, what] of [[names.taskRole, 'task role'], [names.executionRole, 'execution role'], [names.hookRole, 'hook role']] as const) {
      const owner = owners.get(role);
      if (owner === undefined) owners.set(role, `the ${what} of ${s.field}`);
      // Two roles of the same kind are reported by validateGeneratedNames already.
      else if (!owner.startsWith(`the ${what} of`)) {
        p.add(`${s.field} must not have a ${what} named like ${owner}: both would be ${show(role)} (the project and environment names leave little room in IAM's 64 characters); shorten the project, the environment or the service name`);
      }
    }
  }
}

/** Settings that are allowed but deserve a word at synth. */
export function securityWarnings(env: ResolvedEnvironment): string[] {
  const warnings: string[] = [];
  if (env.encryption.encryptContainerRepository) {
    warnings.push(
      'encryption.encryptContainerRepository is true: ECR fixes a repository\'s encryption when it is created, so an existing repository of a service is replaced and its images are deleted. ' +
        'Push the images again after the apply (or turn it on only for new services).',
    );
  }
  for (const s of env.services) {
    if (s.readonlyRootFilesystem && s.tmpfs.length === 0) {
      warnings.push(`${s.field}.readonlyRootFilesystem is true and ${s.field}.tmpfs is empty: the container can write nowhere, and most programs need at least /tmp.`);
    }
    if (env.posture === 'production' && (s.user === 'root' || s.user === '0' || s.user?.startsWith('0:') || s.user?.startsWith('root:'))) {
      warnings.push(`${s.field}.user is ${JSON.stringify(s.user)}: the container runs as root in a production environment.`);
    }
  }
  return warnings;
}
