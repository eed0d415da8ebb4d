/**
 * The security controls of docs/security.md as predicates over a synthesized stack's Terraform JSON,
 * each with the attribute flips that turn it off. `__tests__/security-controls.test.ts` requires every
 * check to pass on a stack with every control on, and to fail on each flipped copy, so no control can
 * regress without a test failing (and a check that cannot fail is itself caught). Ids are the
 * `Id` column of docs/security.md's table.
 */
import { publicExposure, isCidr } from '../lib/cidr';
import { minimumTlsVersion, MINIMUM_STRONG_TLS } from '../plan-report/tls';

/** Synthesized Terraform JSON (`cdk.tf.json`). */
export type StackJson = Record<string, any>;

/** One control: what must hold, and edits of the JSON that each break it. */
export interface SecurityControl {
  readonly id: string;
  /** Violations found; empty when the control holds. */
  readonly check: (json: StackJson) => string[];
  /** Named edits (in place, on a copy) that turn the control off. */
  readonly flips: Readonly<Record<string, (json: StackJson) => void>>;
}

const of = (json: StackJson, type: string): [string, StackJson][] => Object.entries(json.resource?.[type] ?? {});
const first = (json: StackJson, type: string, match: RegExp = /./): StackJson => of(json, type).find(([id]) => match.test(id))![1];
const ref = (type: string, id: string, attribute: string): string => `\${${type}.${id}.${attribute}}`;
const idOf = (json: StackJson, type: string, match: RegExp): string => of(json, type).find(([id]) => match.test(id))![0];
/** A policy document; `${…}` interpolations (which may hold quotes, e.g. `replace(x, ":a", ":b")`) read as `TF`. */
const policyOf = (resource: StackJson, key = 'policy'): any => JSON.parse(String(resource[key]).replace(/\$\{[^}]*\}/g, 'TF'));
const fails = (condition: boolean, message: string): string[] => (condition ? [] : [message]);

/** The stack-level service's (`web` in the prod example) container definition. */
const webContainer = (json: StackJson): any => JSON.parse(first(json, 'aws_ecs_task_definition', /^Service_TaskDefinition_/).container_definitions)[0];
const editWebContainer = (json: StackJson, edit: (container: any) => void): void => {
  const td = first(json, 'aws_ecs_task_definition', /^Service_TaskDefinition_/);
  const definitions = JSON.parse(td.container_definitions);
  edit(definitions[0]);
  td.container_definitions = JSON.stringify(definitions);
};

/** Buckets by logical id, and the companion resources that name each one. */
function bucketCompanions(json: StackJson, type: string): Map<string, StackJson> {
  const byBucket = new Map<string, StackJson>();
  for (const [, r] of of(json, type)) byBucket.set(String(r.bucket), r);
  return byBucket;
}
const bucketIds = (json: StackJson): string[] => of(json, 'aws_s3_bucket').map(([id]) => ref('aws_s3_bucket', id, 'id'));

function everyBucketHas(json: StackJson, type: string, ok: (companion: StackJson) => boolean, what: string): string[] {
  const companions = bucketCompanions(json, type);
  return bucketIds(json).flatMap((bucket) => fails(companions.has(bucket) && ok(companions.get(bucket)!), `${bucket}: ${what}`));
}

/** Ports of the test listeners. */
const testPorts = (json: StackJson): number[] => of(json, 'aws_lb_listener').filter(([id]) => /TestListener_/.test(id)).map(([, r]) => Number(r.port));

export const SECURITY_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'codedeploy-least-privilege',
    check: (json) => {
      const attachment = first(json, 'aws_iam_role_policy_attachment', /^Deployment_ServiceRoleEcsPolicy_/);
      const pass = policyOf(first(json, 'aws_iam_role_policy', /^Deployment_ServiceRolePassRolePolicy_/)).Statement;
      const stay = policyOf(first(json, 'aws_iam_role_policy', /^Deployment_ServiceRoleStayInEnvironmentPolicy_/)).Statement;
      return [
        ...fails(String(attachment.policy_arn).endsWith(':iam::aws:policy/AWSCodeDeployRoleForECSLimited'), `managed policy ${attachment.policy_arn}`),
        ...fails(pass.every((s: any) => s.Effect === 'Allow' && [].concat(s.Resource).every((r: string) => !r.includes('*')) && s.Condition?.StringEquals?.['iam:PassedToService'] === 'ecs-tasks.amazonaws.com'), 'PassRole scoped to named roles, to ECS tasks'),
        ...fails(['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule', 'lambda:InvokeFunction'].every((a) => stay.some((s: any) => s.Effect === 'Deny' && s.Action === a && [].concat(s.NotResource ?? []).length > 0)), 'Deny outside the environment'),
      ];
    },
    flips: {
      'the full managed policy': (json) => void (first(json, 'aws_iam_role_policy_attachment', /^Deployment_ServiceRoleEcsPolicy_/).policy_arn = 'arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS'),
      'PassRole on *': (json) => {
        const p = first(json, 'aws_iam_role_policy', /^Deployment_ServiceRolePassRolePolicy_/);
        const doc = policyOf(p);
        doc.Statement[0].Resource = '*';
        p.policy = JSON.stringify(doc);
      },
      'no stay-in-environment Deny': (json) => void delete json.resource.aws_iam_role_policy[idOf(json, 'aws_iam_role_policy', /^Deployment_ServiceRoleStayInEnvironmentPolicy_/)],
    },
  },
  {
    id: 'alb-access-logs',
    check: (json) => of(json, 'aws_lb').flatMap(([id, lb]) => fails(lb.access_logs?.enabled === true && String(lb.access_logs?.bucket).includes('aws_s3_bucket.AccessLogs_'), `${id}: access logs`)),
    flips: {
      'enabled false': (json) => void (first(json, 'aws_lb').access_logs.enabled = false),
      'block removed': (json) => void delete first(json, 'aws_lb').access_logs,
    },
  },
  {
    id: 'access-log-retention',
    check: (json) => {
      const rule = first(json, 'aws_s3_bucket_lifecycle_configuration', /^AccessLogs_Retention_/).rule?.[0];
      return fails(rule?.status === 'Enabled' && rule.expiration?.[0]?.days > 0 && rule.noncurrent_version_expiration?.[0]?.noncurrent_days > 0, 'lifecycle expiry of logs and old versions');
    },
    flips: {
      'rule disabled': (json) => void (first(json, 'aws_s3_bucket_lifecycle_configuration').rule[0].status = 'Disabled'),
      'no expiration': (json) => void delete first(json, 'aws_s3_bucket_lifecycle_configuration').rule[0].expiration,
    },
  },
  {
    id: 'alb-deletion-protection',
    check: (json) => of(json, 'aws_lb').flatMap(([id, lb]) => fails(lb.enable_deletion_protection === true, `${id}: deletion protection`)),
    flips: { false: (json) => void (first(json, 'aws_lb').enable_deletion_protection = false) },
  },
  {
    id: 'default-security-group-closed',
    check: (json) => {
      const groups = of(json, 'aws_default_security_group');
      const vpc = ref('aws_vpc', idOf(json, 'aws_vpc', /^Network_Vpc_/), 'id');
      return fails(groups.length === 1 && groups[0]![1].vpc_id === vpc && groups[0]![1].ingress === undefined && groups[0]![1].egress === undefined, 'the VPC default group adopted with no rules');
    },
    flips: {
      'an ingress rule': (json) => void (first(json, 'aws_default_security_group').ingress = [{ protocol: '-1', from_port: 0, to_port: 0, self: true }]),
      'not adopted': (json) => void delete json.resource.aws_default_security_group,
    },
  },
  {
    id: 'vpc-flow-logs',
    check: (json) => {
      const vpc = ref('aws_vpc', idOf(json, 'aws_vpc', /^Network_Vpc_/), 'id');
      const log = of(json, 'aws_flow_log').find(([, r]) => r.vpc_id === vpc)?.[1];
      const trust = policyOf(first(json, 'aws_iam_role', /FlowLogRole_/), 'assume_role_policy').Statement[0];
      return [
        ...fails(log !== undefined && log.traffic_type === 'ALL' && log.log_destination_type === 'cloud-watch-logs', 'a flow log of the VPC, all traffic'),
        ...fails(trust.Principal?.Service === 'vpc-flow-logs.amazonaws.com' && trust.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined, 'role only VPC Flow Logs of the account may assume'),
      ];
    },
    flips: {
      deleted: (json) => void delete json.resource.aws_flow_log,
      'rejected traffic only': (json) => void (first(json, 'aws_flow_log').traffic_type = 'REJECT'),
      'role assumable by anyone': (json) => {
        const role = first(json, 'aws_iam_role', /FlowLogRole_/);
        const doc = policyOf(role, 'assume_role_policy');
        doc.Statement[0].Principal = '*';
        role.assume_role_policy = JSON.stringify(doc);
      },
    },
  },
  {
    id: 'container-read-only-root',
    check: (json) => {
      const c = webContainer(json);
      return fails(c.readonlyRootFilesystem === true && (c.linuxParameters?.tmpfs ?? []).some((m: any) => m.containerPath === '/tmp' && m.size > 0), 'read-only root with a tmpfs /tmp');
    },
    flips: {
      writable: (json) => editWebContainer(json, (c) => void (c.readonlyRootFilesystem = false)),
      'key removed': (json) => editWebContainer(json, (c) => void delete c.readonlyRootFilesystem),
    },
  },
  {
    id: 'container-non-root-user',
    check: (json) => {
      const user = webContainer(json).user;
      return fails(typeof user === 'string' && !/^(0|root)(:|$)/.test(user), `user ${JSON.stringify(user)}`);
    },
    flips: { root: (json) => editWebContainer(json, (c) => void (c.user = '0')), "the image's user": (json) => editWebContainer(json, (c) => void delete c.user) },
  },
  {
    id: 'container-capabilities-dropped',
    check: (json) => fails((webContainer(json).linuxParameters?.capabilities?.drop ?? []).includes('ALL'), 'every capability dropped'),
    flips: { 'none dropped': (json) => editWebContainer(json, (c) => void delete c.linuxParameters.capabilities) },
  },
  {
    id: 'container-init-process',
    check: (json) => fails(webContainer(json).linuxParameters?.initProcessEnabled === true, 'init process'),
    flips: { off: (json) => editWebContainer(json, (c) => void (c.linuxParameters.initProcessEnabled = false)) },
  },
  {
    id: 'task-egress-https',
    check: (json) => {
      const rule = first(json, 'aws_vpc_security_group_egress_rule', /^Service_EgressAll_/);
      return fails(rule.ip_protocol === 'tcp' && rule.from_port === 443 && rule.to_port === 443, `egress ${rule.ip_protocol} ${rule.from_port}-${rule.to_port}`);
    },
    flips: {
      'all protocols': (json) => void Object.assign(first(json, 'aws_vpc_security_group_egress_rule', /^Service_EgressAll_/), { ip_protocol: '-1', from_port: undefined, to_port: undefined }),
      'every port': (json) => void Object.assign(first(json, 'aws_vpc_security_group_egress_rule', /^Service_EgressAll_/), { from_port: 0, to_port: 65535 }),
    },
  },
  {
    id: 'vpc-endpoints',
    check: (json) => {
      const endpoints = of(json, 'aws_vpc_endpoint').map(([, r]) => r);
      const iface = (service: string) => endpoints.find((e) => String(e.service_name).endsWith(`.${service}`) && e.vpc_endpoint_type === 'Interface' && e.private_dns_enabled === true && e.subnet_ids?.length > 0);
      const s3 = endpoints.find((e) => String(e.service_name).endsWith('.s3') && e.vpc_endpoint_type === 'Gateway' && e.route_table_ids?.length > 0);
      return [...['ecr.api', 'ecr.dkr', 'logs'].flatMap((service) => fails(iface(service) !== undefined, `${service} interface endpoint`)), ...fails(s3 !== undefined, 'S3 gateway endpoint')];
    },
    flips: {
      'no logs endpoint': (json) => void delete json.resource.aws_vpc_endpoint[idOf(json, 'aws_vpc_endpoint', /LogsEndpoint_/)],
      'no private DNS': (json) => void (first(json, 'aws_vpc_endpoint', /EcrDkrEndpoint_/).private_dns_enabled = false),
    },
  },
  {
    id: 'kms-log-groups',
    check: (json) => of(json, 'aws_cloudwatch_log_group').flatMap(([id, g]) => fails(String(g.kms_key_id ?? '').includes('aws_kms_key.'), `${id}: customer-managed key`)),
    flips: { 'one group without': (json) => void delete first(json, 'aws_cloudwatch_log_group', /^Service_LogGroup_/).kms_key_id },
  },
  {
    id: 'kms-appspec-bucket',
    check: (json) => {
      const rule = first(json, 'aws_s3_bucket_server_side_encryption_configuration', /^AppSpec_Encryption_/).rule[0].apply_server_side_encryption_by_default;
      return fails(rule.sse_algorithm === 'aws:kms' && String(rule.kms_master_key_id).includes('aws_kms_key.'), `AppSpec bucket ${rule.sse_algorithm}`);
    },
    flips: { 'SSE-S3': (json) => void (first(json, 'aws_s3_bucket_server_side_encryption_configuration', /^AppSpec_Encryption_/).rule[0].apply_server_side_encryption_by_default = { sse_algorithm: 'AES256' }) },
  },
  {
    id: 'kms-ecr',
    check: (json) => of(json, 'aws_ecr_repository').flatMap(([id, r]) => fails(r.encryption_configuration?.[0]?.encryption_type === 'KMS' && String(r.encryption_configuration[0].kms_key).includes('aws_kms_key.'), `${id}: KMS`)),
    flips: { AES256: (json) => void (first(json, 'aws_ecr_repository').encryption_configuration = [{ encryption_type: 'AES256' }]) },
  },
  {
    id: 'kms-key-rotation',
    check: (json) => {
      const key = first(json, 'aws_kms_key');
      const statements = policyOf(key).Statement;
      return [
        ...fails(key.enable_key_rotation === true && key.deletion_window_in_days === 30, 'rotation on, 30-day deletion window'),
        ...fails(statements.every((s: any) => s.Principal !== '*' && s.Principal?.AWS !== '*'), 'no wildcard principal'),
        ...fails(statements.some((s: any) => String(s.Principal?.Service).startsWith('logs.') && s.Condition?.ArnLike?.['kms:EncryptionContext:aws:logs:arn'] !== undefined), 'CloudWatch Logs only for the account log groups'),
      ];
    },
    flips: {
      'no rotation': (json) => void (first(json, 'aws_kms_key').enable_key_rotation = false),
      'wildcard principal': (json) => {
        const key = first(json, 'aws_kms_key');
        const doc = policyOf(key);
        doc.Statement[0].Principal = '*';
        key.policy = JSON.stringify(doc);
      },
    },
  },
  {
    id: 'hook-reserved-concurrency',
    check: (json) => of(json, 'aws_lambda_function').flatMap(([id, f]) => fails(Number.isInteger(f.reserved_concurrent_executions) && f.reserved_concurrent_executions >= 1, `${id}: reserved concurrency`)),
    flips: { unreserved: (json) => void delete first(json, 'aws_lambda_function').reserved_concurrent_executions, '-1': (json) => void (first(json, 'aws_lambda_function').reserved_concurrent_executions = -1) },
  },
  {
    id: 's3-public-access-block',
    check: (json) => everyBucketHas(json, 'aws_s3_bucket_public_access_block', (b) => b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets, 'all four public access blocks'),
    flips: {
      'one flag off': (json) => void (first(json, 'aws_s3_bucket_public_access_block').restrict_public_buckets = false),
      'block deleted': (json) => void delete json.resource.aws_s3_bucket_public_access_block[idOf(json, 'aws_s3_bucket_public_access_block', /^AccessLogs_/)],
    },
  },
  {
    id: 's3-tls-only',
    check: (json) =>
      everyBucketHas(json, 'aws_s3_bucket_policy', (p) => policyOf(p).Statement.some((s: any) => s.Effect === 'Deny' && s.Principal === '*' && s.Action === 's3:*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'), 'TLS-only Deny'),
    flips: {
      'Deny removed': (json) => {
        const p = first(json, 'aws_s3_bucket_policy', /^AppSpec_/);
        const doc = policyOf(p);
        doc.Statement = doc.Statement.filter((s: any) => s.Effect !== 'Deny');
        doc.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: '*' });
        p.policy = JSON.stringify(doc);
      },
    },
  },
  {
    id: 's3-encryption',
    check: (json) => everyBucketHas(json, 'aws_s3_bucket_server_side_encryption_configuration', (e) => ['AES256', 'aws:kms'].includes(e.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm), 'default encryption'),
    flips: { deleted: (json) => void delete json.resource.aws_s3_bucket_server_side_encryption_configuration[idOf(json, 'aws_s3_bucket_server_side_encryption_configuration', /^AccessLogs_/)] },
  },
  {
    id: 's3-versioning',
    check: (json) => everyBucketHas(json, 'aws_s3_bucket_versioning', (v) => v.versioning_configuration?.status === 'Enabled', 'versioning'),
    flips: { suspended: (json) => void (first(json, 'aws_s3_bucket_versioning', /^AppSpec_/).versioning_configuration.status = 'Suspended') },
  },
  {
    id: 's3-acls-disabled',
    check: (json) => everyBucketHas(json, 'aws_s3_bucket_ownership_controls', (o) => o.rule?.object_ownership === 'BucketOwnerEnforced', 'ACLs disabled'),
    flips: { 'object writer': (json) => void (first(json, 'aws_s3_bucket_ownership_controls').rule.object_ownership = 'ObjectWriter') },
  },
  {
    id: 'alb-drop-invalid-headers',
    check: (json) => of(json, 'aws_lb').flatMap(([id, lb]) => fails(lb.drop_invalid_header_fields === true, `${id}: drops invalid headers`)),
    flips: { false: (json) => void (first(json, 'aws_lb').drop_invalid_header_fields = false) },
  },
  {
    id: 'alb-tls-policy',
    check: (json) =>
      of(json, 'aws_lb_listener')
        .filter(([, l]) => l.protocol === 'HTTPS')
        .flatMap(([id, l]) => fails((minimumTlsVersion(l.ssl_policy) ?? 0) >= MINIMUM_STRONG_TLS, `${id}: ${l.ssl_policy}`)),
    flips: { 'TLS 1.0 policy': (json) => void (first(json, 'aws_lb_listener', /ProductionListener_/).ssl_policy = 'ELBSecurityPolicy-2016-08') },
  },
  {
    id: 'alb-https',
    check: (json) => {
      const listeners = of(json, 'aws_lb_listener');
      return [
        ...listeners.filter(([id]) => /ProductionListener_/.test(id)).flatMap(([id, l]) => fails(l.protocol === 'HTTPS' && typeof l.certificate_arn === 'string', `${id}: ${l.protocol}`)),
        ...fails(listeners.some(([, l]) => l.port === 80 && l.default_action?.[0]?.redirect?.protocol === 'HTTPS'), 'port 80 redirects to HTTPS'),
      ];
    },
    flips: {
      'HTTP production': (json) => void Object.assign(first(json, 'aws_lb_listener', /ProductionListener_/), { protocol: 'HTTP', certificate_arn: undefined, ssl_policy: undefined }),
      'no redirect': (json) => void delete json.resource.aws_lb_listener[idOf(json, 'aws_lb_listener', /RedirectListener_/)],
    },
  },
  {
    id: 'test-port-not-public',
    check: (json) => {
      const ports = testPorts(json);
      const cidrs = of(json, 'aws_vpc_security_group_ingress_rule')
        .map(([, r]) => r)
        .filter((r) => ports.includes(r.from_port))
        .flatMap((r) => [r.cidr_ipv4, r.cidr_ipv6].filter((c) => isCidr(c)));
      return fails(!publicExposure(cidrs).coversAllPublic, 'test ports not open to the whole internet (union of the ranges)');
    },
    flips: {
      'two halves of IPv4': (json) => {
        const port = testPorts(json)[0];
        json.resource.aws_vpc_security_group_ingress_rule.FlipA = { ip_protocol: 'tcp', from_port: port, to_port: port, cidr_ipv4: '0.0.0.0/1' };
        json.resource.aws_vpc_security_group_ingress_rule.FlipB = { ip_protocol: 'tcp', from_port: port, to_port: port, cidr_ipv4: '128.0.0.0/1' };
      },
    },
  },
  {
    id: 'tasks-from-alb-only',
    check: (json) =>
      of(json, 'aws_vpc_security_group_ingress_rule')
        .filter(([id]) => /Service_IngressFromLoadBalancer_/.test(id))
        .flatMap(([id, r]) => fails(String(r.referenced_security_group_id).includes('LoadBalancer_SecurityGroup') && r.cidr_ipv4 === undefined && r.cidr_ipv6 === undefined, `${id}: from the load balancer only`)),
    flips: { 'from anywhere': (json) => void Object.assign(first(json, 'aws_vpc_security_group_ingress_rule', /Service_IngressFromLoadBalancer_/), { referenced_security_group_id: undefined, cidr_ipv4: '0.0.0.0/0' }) },
  },
  {
    id: 'tasks-no-public-ip',
    check: (json) => [
      ...of(json, 'aws_ecs_service').flatMap(([id, s]) => fails(s.network_configuration?.assign_public_ip === false, `${id}: no public address`)),
      ...of(json, 'aws_subnet').flatMap(([id, s]) => fails(s.map_public_ip_on_launch !== true, `${id}: no public address on launch`)),
    ],
    flips: {
      'public service': (json) => void (first(json, 'aws_ecs_service').network_configuration.assign_public_ip = true),
      'public subnet': (json) => void (first(json, 'aws_subnet').map_public_ip_on_launch = true),
    },
  },
  {
    id: 'ecr-immutable-tags',
    check: (json) => of(json, 'aws_ecr_repository').flatMap(([id, r]) => fails(r.image_tag_mutability === 'IMMUTABLE', `${id}: immutable tags`)),
    flips: { mutable: (json) => void (first(json, 'aws_ecr_repository').image_tag_mutability = 'MUTABLE') },
  },
  {
    id: 'ecr-scan-on-push',
    check: (json) => of(json, 'aws_ecr_repository').flatMap(([id, r]) => fails(r.image_scanning_configuration?.scan_on_push === true, `${id}: scan on push`)),
    flips: { off: (json) => void (first(json, 'aws_ecr_repository').image_scanning_configuration.scan_on_push = false) },
  },
  {
    id: 'log-retention',
    check: (json) => of(json, 'aws_cloudwatch_log_group').flatMap(([id, g]) => fails(Number.isInteger(g.retention_in_days) && g.retention_in_days > 0, `${id}: retention`)),
    flips: { 'never expire': (json) => void delete first(json, 'aws_cloudwatch_log_group').retention_in_days },
  },
  {
    id: 'separate-task-roles',
    check: (json) => of(json, 'aws_ecs_task_definition').flatMap(([id, t]) => fails(t.task_role_arn !== t.execution_role_arn, `${id}: separate roles`)),
    flips: { 'one role': (json) => void ((t) => (t.task_role_arn = t.execution_role_arn))(first(json, 'aws_ecs_task_definition')) },
  },
  {
    id: 'hook-in-vpc',
    check: (json) => of(json, 'aws_lambda_function').flatMap(([id, f]) => fails(f.vpc_config?.subnet_ids?.length > 0 && f.vpc_config?.security_group_ids?.length > 0, `${id}: in the VPC`)),
    flips: { outside: (json) => void delete first(json, 'aws_lambda_function').vpc_config },
  },
];
