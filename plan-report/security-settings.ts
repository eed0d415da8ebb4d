/**
 * Security settings a plan turns OFF: deletion protection, access and connection logs, VPC flow logs,
 * customer-managed encryption, the S3 public access block, the TLS policy, ECR scan on push and tag
 * immutability, and the load balancer's dropping of invalid headers.
 *
 * Only a change from on to off counts (an update, or a replacement whose new values are off), plus
 * the deletion of a resource whose whole job is the setting (a flow log, a public access block, an
 * encryption configuration) — unless what it protects is deleted by the same plan. A resource
 * created with a setting off is not reported here: nothing was turned off.
 */
import { minimumTlsVersion, MINIMUM_STRONG_TLS } from './tls';
import { changeKind } from './summarize';
import type { Finding, HazardId, Plan, ResourceChange, Severity } from './types';

type Values = Record<string, unknown>;

function isObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Value at a path of attribute names, taking the first element of each nested block list. */
function get(values: unknown, ...path: string[]): unknown {
  let current: unknown = values;
  for (const key of path) {
    if (Array.isArray(current)) current = current[0];
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

const isTrue = (value: unknown): boolean => value === true;
const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value !== '';
const show = (value: unknown): string => (value === undefined || value === null || value === '' ? 'unset' : JSON.stringify(value));

/** One security setting check. */
interface SettingCheck {
  readonly id: HazardId;
  readonly severity: Severity;
  readonly types: readonly string[];
  /** What the change turns off, as short phrases; empty when nothing. `before` and `after` are objects. */
  readonly turnedOff: (before: Values, after: Values) => string[];
  /** For resources that are the setting: deleting one turns it off (unless its parent goes too). */
  readonly deletion?: Deletion;
  readonly consequence: string;
}

/** A resource type that is the setting itself: deleting one turns the setting off. */
interface Deletion {
  readonly types: readonly string[];
  readonly what: string;
  readonly parent?: ParentLink;
  /** Only when its values before the plan had the setting on. @default always */
  readonly onlyIf?: (before: Values) => boolean;
}

/** How a dedicated resource names what it protects, to tell "turned off" from "deleted with it". */
interface ParentLink {
  readonly attribute: string;
  readonly parents: readonly { readonly type: string; readonly attribute: string }[];
}

/** A boolean that was true and no longer is. */
function flagOff(before: Values, after: Values, label: string, ...path: string[]): string[] {
  return isTrue(get(before, ...path)) && !isTrue(get(after, ...path)) ? [`${label} (${path.join('.')} true → ${show(get(after, ...path))})`] : [];
}

/** A key reference that was set and no longer is. */
function keyRemoved(before: Values, after: Values, label: string, ...path: string[]): string[] {
  return nonEmpty(get(before, ...path)) && !nonEmpty(get(after, ...path)) ? [`${label} (${path.join('.')} removed)`] : [];
}

const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];
const KMS_TYPES = ['KMS', 'KMS_DSSE'];

function s3Encryption(before: Values, after: Values): string[] {
  const path = ['rule', 'apply_server_side_encryption_by_default'];
  const was = get(before, ...path, 'sse_algorithm');
  const now = get(after, ...path, 'sse_algorithm');
  if (KMS_ALGORITHMS.includes(String(was)) && !KMS_ALGORITHMS.includes(String(now))) return [`S3 default encryption with KMS (sse_algorithm ${show(was)} → ${show(now)})`];
  return keyRemoved(before, after, 'the customer-managed KMS key of S3 default encryption', ...path, 'kms_master_key_id');
}

function ecrEncryption(before: Values, after: Values): string[] {
  const was = get(before, 'encryption_configuration', 'encryption_type');
  const now = get(after, 'encryption_configuration', 'encryption_type');
  if (KMS_TYPES.includes(String(was)) && !KMS_TYPES.includes(String(now))) return [`ECR encryption with KMS (encryption_type ${show(was)} → ${show(now)})`];
  return keyRemoved(before, after, 'the customer-managed KMS key of the repository', 'encryption_configuration', 'kms_key');
}

function tagImmutability(before: Values, after: Values): string[] {
  const was = String(get(before, 'image_tag_mutability') ?? '');
  const now = String(get(after, 'image_tag_mutability') ?? 'MUTABLE');
  const rank = (value: string): number => (value === 'IMMUTABLE' ? 2 : value === 'IMMUTABLE_WITH_EXCLUSION' ? 1 : 0);
  return rank(now) < rank(was) ? [`image tag immutability (image_tag_mutability ${was} → ${now})`] : [];
}

function tls(before: Values, after: Values): string[] {
  const secure = (values: Values): boolean => ['HTTPS', 'TLS'].includes(String(values.protocol));
  if (!secure(before)) return [];
  if (!secure(after)) return [`TLS (protocol ${show(before.protocol)} → ${show(after.protocol)}: clients talk in clear text)`];
  const was = minimumTlsVersion(before.ssl_policy);
  const now = minimumTlsVersion(after.ssl_policy);
  if (now === undefined || now >= MINIMUM_STRONG_TLS || (was !== undefined && was <= now)) return [];
  return [`TLS 1.2 as the lowest version (ssl_policy ${show(before.ssl_policy)} → ${show(after.ssl_policy)} accepts TLS ${now.toFixed(1)})`];
}

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
const LB = ['aws_lb', 'aws_alb'];

/** Every check, one per hazard id. */
export const SETTING_CHECKS: readonly SettingCheck[] = [
  {
    id: 'deletion-protection-off',
    severity: 'warning',
    types: [...LB, 'aws_cloudwatch_log_group'],
    turnedOff: (b, a) => [...flagOff(b, a, 'deletion protection', 'enable_deletion_protection'), ...flagOff(b, a, 'deletion protection', 'deletion_protection_enabled')],
    consequence: 'one mistaken apply, console click or API call can now delete it (a load balancer takes all traffic with it; a log group its history)',
  },
  {
    id: 'access-logs-off',
    severity: 'warning',
    types: LB,
    turnedOff: (b, a) => [...flagOff(b, a, 'access logs', 'access_logs', 'enabled'), ...flagOff(b, a, 'connection logs', 'connection_logs', 'enabled')],
    consequence: 'requests (or TLS connections) to the load balancer are no longer recorded, so an incident cannot be investigated from them',
  },
  {
    id: 'flow-logs-off',
    severity: 'warning',
    types: ['aws_flow_log'],
    turnedOff: () => [],
    deletion: {
      types: ['aws_flow_log'],
      what: 'the VPC flow log (deleted)',
      parent: { attribute: 'vpc_id', parents: [{ type: 'aws_vpc', attribute: 'id' }] },
    },
    consequence: 'network traffic in the VPC is no longer recorded, so an intrusion or a data leak leaves no network trail',
  },
  {
    id: 'encryption-downgraded',
    severity: 'warning',
    types: ['aws_s3_bucket_server_side_encryption_configuration', 'aws_cloudwatch_log_group', 'aws_ecr_repository'],
    turnedOff: (b, a) => [...s3Encryption(b, a), ...keyRemoved(b, a, 'the customer-managed KMS key of the log group', 'kms_key_id'), ...ecrEncryption(b, a)],
    deletion: {
      types: ['aws_s3_bucket_server_side_encryption_configuration'],
      what: 'S3 default encryption with KMS (the encryption configuration is deleted)',
      parent: { attribute: 'bucket', parents: [{ type: 'aws_s3_bucket', attribute: 'bucket' }] },
      // Without a configuration S3 still encrypts with SSE-S3 (since January 2023), so only a KMS one is a loss.
      onlyIf: (before) => s3Encryption(before, {}).length > 0,
    },
    consequence: 'data falls back to AWS-managed encryption: the customer-managed key no longer controls or logs who can read it, and disabling the key no longer cuts access',
  },
  {
    id: 's3-public-access-block-off',
    severity: 'blocking',
    types: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'],
    turnedOff: (b, a) => {
      const off = PUBLIC_ACCESS_FLAGS.filter((flag) => isTrue(b[flag]) && !isTrue(a[flag]));
      return off.length > 0 ? [`the public access block (${off.join(', ')} true → false)`] : [];
    },
    deletion: {
      types: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'],
      what: 'the public access block (deleted)',
      parent: { attribute: 'bucket', parents: [{ type: 'aws_s3_bucket', attribute: 'bucket' }] },
    },
    consequence: 'a bucket policy or ACL can now make objects public (AWS no longer refuses it), one edit away from a data leak',
  },
  {
    id: 'tls-policy-downgraded',
    severity: 'blocking',
    types: ['aws_lb_listener', 'aws_alb_listener'],
    turnedOff: tls,
    consequence: 'clients can connect with deprecated TLS 1.0/1.1 (RFC 8996) or none at all, which PCI DSS and most security baselines forbid',
  },
  {
    id: 'ecr-scan-on-push-off',
    severity: 'warning',
    types: ['aws_ecr_repository'],
    turnedOff: (b, a) => flagOff(b, a, 'scan on push', 'image_scanning_configuration', 'scan_on_push'),
    consequence: 'new images are no longer scanned for known vulnerabilities when they are pushed, so a vulnerable image can be released unnoticed',
  },
  {
    id: 'ecr-tags-mutable',
    severity: 'warning',
    types: ['aws_ecr_repository'],
    turnedOff: tagImmutability,
    consequence: 'a pushed tag can be overwritten: the image a task definition names can change under it, so a rollback or a scale-out may run code nobody released',
  },
  {
    id: 'drop-invalid-header-fields-off',
    severity: 'warning',
    types: LB,
    turnedOff: (b, a) => flagOff(b, a, 'dropping invalid HTTP header fields', 'drop_invalid_header_fields'),
    consequence: 'requests with malformed header names reach the service again, which opens the door to HTTP request smuggling and header injection',
  },
];

/** True when the same plan deletes what a dedicated resource protects (a bucket, a VPC). */
function parentDeleted(plan: Plan, before: Values, link: ParentLink | undefined): boolean {
  if (link === undefined) return false;
  const key = before[link.attribute];
  if (typeof key !== 'string') return false;
  return plan.resource_changes.some((r: ResourceChange) => {
    const parent = link.parents.find((p) => p.type === r.type);
    const values = r.change.before;
    return parent !== undefined && changeKind(r.change.actions) === 'delete' && isObject(values) && values[parent.attribute] === key;
  });
}

function check(plan: Plan, resource: ResourceChange, rule: SettingCheck): string[] {
  const kind = changeKind(resource.change.actions);
  const { before, after } = resource.change;
  if (!isObject(before)) return [];
  if (kind === 'delete') {
    const deletion = rule.deletion;
    if (deletion === undefined || !deletion.types.includes(resource.type) || parentDeleted(plan, before, deletion.parent)) return [];
    return deletion.onlyIf === undefined || deletion.onlyIf(before) ? [deletion.what] : [];
  }
  if ((kind !== 'update' && kind !== 'replace') || !isObject(after)) return [];
  return rule.turnedOff(before, after);
}

/** Findings for every security setting the plan turns off, one per resource and setting. */
export function securitySettingFindings(plan: Plan, resource: ResourceChange): Finding[] {
  if (resource.mode !== 'managed') return [];
  const out: Finding[] = [];
  for (const rule of SETTING_CHECKS) {
    if (!rule.types.includes(resource.type)) continue;
    const what = [...new Set(check(plan, resource, rule))];
    if (what.length > 0) {
      out.push({ id: rule.id, severity: rule.severity, address: resource.address, message: `Turns off ${what.join(' and ')}: ${rule.consequence}.` });
    }
  }
  return out;
}
