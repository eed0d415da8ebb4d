/**
 * The plan reporter flags a plan that turns a security setting off (issue 15 item 7): each setting has
 * a triggering change in security-settings-off.json and a near-identical harmless change of the same
 * resource in security-settings-kept.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findHazards, validatePlan, type Finding } from '../plan-report';
import { minimumTlsVersion } from '../plan-report/tls';

const FIXTURES = join(__dirname, 'fixtures', 'plans');
const raw = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const hazardsOf = (document: unknown): Finding[] => findHazards(validatePlan(document));
const summary = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.severity} ${f.id} ${f.address}`);

/** Each resource of the pair and what turning its setting off must raise. */
const EXPECTED: readonly [string, string][] = [
  ['aws_lb.deletion_protection', 'warning deletion-protection-off'],
  ['aws_cloudwatch_log_group.deletion_protection', 'warning deletion-protection-off'],
  ['aws_lb.access_logs', 'warning access-logs-off'],
  ['aws_lb.connection_logs', 'warning access-logs-off'],
  ['aws_flow_log.vpc', 'warning flow-logs-off'],
  ['aws_s3_bucket_server_side_encryption_configuration.kms_algorithm', 'warning encryption-downgraded'],
  ['aws_s3_bucket_server_side_encryption_configuration.kms_key', 'warning encryption-downgraded'],
  ['aws_cloudwatch_log_group.kms_key', 'warning encryption-downgraded'],
  ['aws_ecr_repository.encryption', 'warning encryption-downgraded'],
  ['aws_s3_bucket_public_access_block.appspec', 'blocking s3-public-access-block-off'],
  ['aws_s3_account_public_access_block.account', 'blocking s3-public-access-block-off'],
  ['aws_lb_listener.tls_policy', 'blocking tls-policy-downgraded'],
  ['aws_lb_listener.tls_protocol', 'blocking tls-policy-downgraded'],
  ['aws_ecr_repository.scan_on_push', 'warning ecr-scan-on-push-off'],
  ['aws_ecr_repository.tag_mutability', 'warning ecr-tags-mutable'],
  ['aws_lb.invalid_headers', 'warning drop-invalid-header-fields-off'],
];

/** Everything but the findings this suite is about (the ECR replacement is also data-resource-deleted). */
const settingFindings = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.id !== 'data-resource-deleted');

describe('a plan that turns a security setting off', () => {
  const off = settingFindings(hazardsOf(raw('security-settings-off.json')));
  const kept = settingFindings(hazardsOf(raw('security-settings-kept.json')));

  test.each(EXPECTED)('%s: %s when turned off, nothing when kept', (address, expected) => {
    expect(summary(off.filter((f) => f.address === address))).toEqual([`${expected} ${address}`]);
    expect(summary(kept.filter((f) => f.address === address))).toEqual([]);
  });

  test('every finding of the off plan is one of the expected ones, and the kept plan has none', () => {
    expect(summary(off).sort()).toEqual(EXPECTED.map(([address, expected]) => `${expected} ${address}`).sort());
    expect(kept).toEqual([]);
  });

  test('the message names the setting, its before and after values, and the consequence', () => {
    const message = (address: string): string => off.find((f) => f.address === address)!.message;
    expect(message('aws_lb.deletion_protection')).toBe(
      'Turns off deletion protection (enable_deletion_protection true → false): one mistaken apply, console click or API call can now delete it (a load balancer takes all traffic with it; a log group its history).',
    );
    expect(message('aws_lb_listener.tls_policy')).toContain('ssl_policy "ELBSecurityPolicy-TLS13-1-2-2021-06" → "ELBSecurityPolicy-2016-08" accepts TLS 1.0');
    expect(message('aws_s3_account_public_access_block.account')).toContain('the public access block (ignore_public_acls, restrict_public_buckets true → false)');
    expect(message('aws_ecr_repository.encryption')).toContain('encryption_type "KMS" → "AES256"');
  });
});

describe('deleting a resource that is the setting', () => {
  const only = (plan: any, ...addresses: string[]): any => ({
    ...plan,
    resource_changes: plan.resource_changes.filter((r: any) => addresses.includes(r.address)),
  });
  const deleted = (address: string): any => {
    const plan = only(raw('security-settings-kept.json'), address);
    Object.assign(plan.resource_changes[0].change, { actions: ['delete'], after: null, after_sensitive: false });
    return plan;
  };

  test('a public access block deleted on its own is blocking; deleted with its bucket it is not', () => {
    expect(summary(hazardsOf(deleted('aws_s3_bucket_public_access_block.appspec')))).toEqual(['blocking s3-public-access-block-off aws_s3_bucket_public_access_block.appspec']);
    expect(summary(hazardsOf(deleted('aws_s3_account_public_access_block.account')))).toEqual(['blocking s3-public-access-block-off aws_s3_account_public_access_block.account']);
    const withBucket = deleted('aws_s3_bucket_public_access_block.appspec');
    withBucket.resource_changes.push({
      address: 'aws_s3_bucket.appspec',
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'appspec',
      change: { actions: ['delete'], before: { bucket: 'bg-prod-appspec-111122223333' }, after: null },
    });
    expect(summary(settingFindings(hazardsOf(withBucket)))).toEqual([]);
  });

  test('a flow log deleted with its VPC is not reported (the VPC deletion is what matters)', () => {
    const plan = deleted('aws_flow_log.vpc');
    expect(summary(hazardsOf(plan))).toEqual(['warning flow-logs-off aws_flow_log.vpc']);
    plan.resource_changes.push({ address: 'aws_vpc.main', mode: 'managed', type: 'aws_vpc', name: 'main', change: { actions: ['delete'], before: { id: 'vpc-0123456789abcdef0' }, after: null } });
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('a flow log replaced (deleted, then created again) is not turned off', () => {
    const plan = only(raw('security-settings-kept.json'), 'aws_flow_log.vpc');
    plan.resource_changes[0].change.actions = ['delete', 'create'];
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('deleting a KMS encryption configuration is a downgrade; deleting an SSE-S3 one is not (S3 encrypts with SSE-S3 anyway)', () => {
    expect(summary(hazardsOf(deleted('aws_s3_bucket_server_side_encryption_configuration.kms_key')))).toEqual([
      'warning encryption-downgraded aws_s3_bucket_server_side_encryption_configuration.kms_key',
    ]);
    const aes = deleted('aws_s3_bucket_server_side_encryption_configuration.kms_key');
    aes.resource_changes[0].change.before.rule[0].apply_server_side_encryption_by_default[0] = { sse_algorithm: 'AES256', kms_master_key_id: '' };
    expect(hazardsOf(aes)).toEqual([]);
  });

  test('deleting a load balancer or a repository is not "turning a setting off" (other hazards cover it)', () => {
    const plan = deleted('aws_lb.deletion_protection');
    expect(hazardsOf(plan).map((f) => f.id)).toEqual(['bluegreen-resource-deleted']);
  });
});

describe('what is not turning a setting off', () => {
  const variant = (address: string, after: (values: any) => void, actions = ['update']): any => {
    const plan = raw('security-settings-kept.json');
    plan.resource_changes = plan.resource_changes.filter((r: any) => r.address === address);
    const change = plan.resource_changes[0].change;
    change.actions = actions;
    after(change.after);
    return plan;
  };

  test('a resource created with a setting off (nothing was on before)', () => {
    const plan = variant('aws_lb.deletion_protection', (v) => (v.enable_deletion_protection = false), ['create']);
    plan.resource_changes[0].change.before = null;
    expect(hazardsOf(plan)).toEqual([]);
  });

  test('a replacement whose new load balancer drops deletion protection is turning it off', () => {
    const plan = variant('aws_lb.deletion_protection', (v) => (v.enable_deletion_protection = false), ['delete', 'create']);
    expect(hazardsOf(plan).map((f) => f.id)).toEqual(['bluegreen-resource-replaced', 'deletion-protection-off']);
  });

  test.each([
    ['ELBSecurityPolicy-TLS13-1-3-2021-06', 'ELBSecurityPolicy-TLS13-1-2-2021-06', []],
    ['ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', []],
    ['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-FS-1-1-2019-08', []],
    ['ELBSecurityPolicy-TLS13-1-1-2021-06', 'ELBSecurityPolicy-TLS13-1-0-2021-06', ['tls-policy-downgraded']],
    ['ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-TLS13-1-1-2021-06', ['tls-policy-downgraded']],
    ['ELBSecurityPolicy-FS-1-2-Res-2020-10', 'ELBSecurityPolicy-FS-2018-06', ['tls-policy-downgraded']],
    ['ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-Future-2031-01', []],
    ['ELBSecurityPolicy-Unknown-2031-01', 'ELBSecurityPolicy-2016-08', ['tls-policy-downgraded']],
  ])('ssl_policy %s → %s: %j', (from, to, ids) => {
    const plan = variant('aws_lb_listener.tls_policy', (v) => (v.ssl_policy = to));
    plan.resource_changes[0].change.before.ssl_policy = from;
    expect(hazardsOf(plan).map((f) => f.id)).toEqual(ids);
  });

  test('an HTTP listener staying HTTP, and HTTP becoming HTTPS', () => {
    const http = (values: any): void => Object.assign(values, { protocol: 'HTTP', ssl_policy: '', certificate_arn: '' });
    const plan = variant('aws_lb_listener.tls_protocol', http);
    http(plan.resource_changes[0].change.before);
    expect(hazardsOf(plan)).toEqual([]);
    const upgrade = variant('aws_lb_listener.tls_protocol', () => undefined);
    http(upgrade.resource_changes[0].change.before);
    expect(hazardsOf(upgrade)).toEqual([]);
  });

  test('tag immutability: IMMUTABLE → IMMUTABLE_WITH_EXCLUSION is partly off; MUTABLE → IMMUTABLE is on', () => {
    expect(hazardsOf(variant('aws_ecr_repository.tag_mutability', (v) => (v.image_tag_mutability = 'IMMUTABLE_WITH_EXCLUSION'))).map((f) => f.id)).toEqual(['ecr-tags-mutable']);
    const on = variant('aws_ecr_repository.tag_mutability', () => undefined);
    on.resource_changes[0].change.before.image_tag_mutability = 'MUTABLE';
    expect(hazardsOf(on)).toEqual([]);
  });
});

describe('minimumTlsVersion', () => {
  test.each([
    ['ELBSecurityPolicy-2016-08', 1.0],
    ['ELBSecurityPolicy-2015-05', 1.0],
    ['ELBSecurityPolicy-FS-2018-06', 1.0],
    ['ELBSecurityPolicy-TLS-1-0-2015-04', 1.0],
    ['ELBSecurityPolicy-TLS-1-1-2017-01', 1.1],
    ['ELBSecurityPolicy-FS-1-1-2019-08', 1.1],
    ['ELBSecurityPolicy-TLS13-1-0-2021-06', 1.0],
    ['ELBSecurityPolicy-TLS13-1-1-2021-06', 1.1],
    ['ELBSecurityPolicy-TLS-1-2-Ext-2018-06', 1.2],
    ['ELBSecurityPolicy-FS-1-2-Res-2020-10', 1.2],
    ['ELBSecurityPolicy-TLS13-1-2-2021-06', 1.2],
    ['ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', 1.2],
    ['ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04', 1.3],
    ['ELBSecurityPolicy-Future-2031-01', undefined],
    ['', undefined],
    [null, undefined],
  ])('%p accepts TLS %p and up', (policy, version) => {
    expect(minimumTlsVersion(policy)).toBe(version);
  });
});
