/**
 * What the stand-in provider does with a resource: plan, apply, read (with drift) and data source
 * reads. Pure functions over cty-shaped values; the gRPC shell in provider-server.ts does the I/O.
 */
import { createHash } from 'node:crypto';
import { conform, conformBlock, isObject, Unknown, UNKNOWN, valuesEqual } from './cty';
import type { CtyType, SchemaBlock, Value } from './cty';
import { FORCE_NEW } from './provider-facts';

/** Environment variable naming a drift file: a JSON array of {@link DriftPatch}. */
export const DRIFT_FILE_ENV = 'OFFLINE_TF_DRIFT_FILE';

/** The fake AWS account every ARN is issued in, unless {@link ACCOUNT_ID_ENV} names another. */
export const FAKE_ACCOUNT_ID = '123456789012';

/**
 * Environment variable of the provider process: the 12-digit account its fake ARNs and ids use
 * (e.g. `000000000000`, which no real account has, for values a person will read).
 */
export const ACCOUNT_ID_ENV = 'OFFLINE_TF_ACCOUNT_ID';

/**
 * Environment variable of the provider process: a word put into the names the provider makes up
 * (load balancer DNS names, buckets named from a prefix), e.g. `offline`, so nobody mistakes them
 * for real ones.
 */
export const NAME_MARK_ENV = 'OFFLINE_TF_NAME_MARK';

/** Provider-level settings that shape planned and applied values. */
export interface ProviderSettings {
  readonly region: string;
  readonly defaultTags: { readonly [key: string]: string };
  /** The fake account of ARNs and ids. */
  readonly accountId: string;
  /** Word put into made-up names (see {@link NAME_MARK_ENV}). @default - none */
  readonly nameMark?: string;
}

/** Settings when the provider configuration gives none. */
export const DEFAULT_SETTINGS: ProviderSettings = { region: 'us-east-1', defaultTags: {}, accountId: FAKE_ACCOUNT_ID };

/**
 * The account id named by {@link ACCOUNT_ID_ENV} in `env`, or {@link FAKE_ACCOUNT_ID}.
 * @throws when the variable is set but is not 12 digits
 */
export function accountIdFrom(env: Readonly<Record<string, string | undefined>>): string {
  const value = env[ACCOUNT_ID_ENV];
  if (value === undefined || value === '') return FAKE_ACCOUNT_ID;
  if (!/^\d{12}$/.test(value)) throw new Error(`${ACCOUNT_ID_ENV} must be 12 digits (an AWS account id); received ${JSON.stringify(value)}`);
  return value;
}

/**
 * The provider-process settings of `env`: {@link ACCOUNT_ID_ENV} and {@link NAME_MARK_ENV}.
 * @throws when the account is not 12 digits or the mark is not lowercase letters and digits (1–16)
 */
export function processSettings(env: Readonly<Record<string, string | undefined>>): ProviderSettings {
  const mark = env[NAME_MARK_ENV];
  if (mark !== undefined && mark !== '' && !/^[a-z0-9]{1,16}$/.test(mark)) {
    throw new Error(`${NAME_MARK_ENV} must be 1 to 16 lowercase letters or digits (it goes into DNS and bucket names); received ${JSON.stringify(mark)}`);
  }
  return { ...DEFAULT_SETTINGS, accountId: accountIdFrom(env), ...(mark ? { nameMark: mark } : {}) };
}

/** Reads region and default_tags out of a decoded provider configuration; account and mark come from `base`. */
export function providerSettings(config: Value, base: ProviderSettings = DEFAULT_SETTINGS): ProviderSettings {
  if (!isObject(config)) return base;
  const region = typeof config.region === 'string' && config.region ? config.region : DEFAULT_SETTINGS.region;
  const defaultTags: Record<string, string> = {};
  const dt = config.default_tags;
  for (const block of Array.isArray(dt) ? dt : []) {
    if (isObject(block) && isObject(block.tags)) {
      for (const [k, v] of Object.entries(block.tags)) if (typeof v === 'string') defaultTags[k] = v;
    }
  }
  return { region, defaultTags, accountId: base.accountId, ...(base.nameMark ? { nameMark: base.nameMark } : {}) };
}

type Obj = { [key: string]: Value };

function mergedTags(settings: ProviderSettings, tags: Value): Value {
  if (tags instanceof Unknown) return UNKNOWN;
  const own = isObject(tags) ? tags : {};
  if (Object.values(own).some((v) => v instanceof Unknown)) return UNKNOWN;
  return { ...settings.defaultTags, ...own };
}

/** Set-valued attributes compare without regard to order. */
function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    if (valuesEqual(a, b)) return true;
    const key = (v: Value): string => JSON.stringify(v);
    const sa = a.map(key).sort();
    const sb = b.map(key).sort();
    return sa.every((x, i) => x === sb[i]);
  }
  return valuesEqual(a, b);
}

/** Marks unset computed attributes unknown, recursively through nested blocks (create only). */
function unknownComputed(block: SchemaBlock, planned: Obj, config: Value): void {
  const cfg = isObject(config) ? config : {};
  for (const [name, a] of Object.entries(block.attributes)) {
    if (a.computed && (cfg[name] === null || cfg[name] === undefined)) planned[name] = UNKNOWN;
  }
  for (const [name, nb] of Object.entries(block.blocks)) {
    const pv = planned[name];
    const cv = cfg[name];
    if (nb.nesting === 'single' && isObject(pv)) unknownComputed(nb.block, pv, cv);
    if ((nb.nesting === 'list' || nb.nesting === 'set') && Array.isArray(pv)) {
      pv.forEach((el, i) => {
        if (isObject(el)) unknownComputed(nb.block, el, Array.isArray(cv) ? cv[i] : null);
      });
    }
  }
}

/** The result of planning one resource instance. */
export interface PlanResult {
  readonly planned: Value;
  /** Top-level attribute paths whose change forces replacement. */
  readonly requiresReplace: string[][];
}

/**
 * Plans a change. Starts from Terraform's proposed new state (configuration merged with prior
 * computed values), then: on create, unset computed attributes become unknown; region and
 * tags_all follow the provider configuration; force-new arguments that changed require replacement.
 */
export function planResource(
  type: string,
  schema: SchemaBlock,
  prior: Value,
  proposed: Value,
  config: Value,
  settings: ProviderSettings,
): PlanResult {
  if (proposed === null || !isObject(proposed)) return { planned: null, requiresReplace: [] };
  const planned = structuredCloneValue(proposed) as Obj;
  const cfg = isObject(config) ? config : {};
  const creating = !isObject(prior);
  if (creating) unknownComputed(schema, planned, config);
  if (schema.attributes.region?.computed && (cfg.region === null || cfg.region === undefined)) planned.region = settings.region;
  if (schema.attributes.tags_all?.computed && schema.attributes.tags) planned.tags_all = mergedTags(settings, cfg.tags ?? null);
  const requiresReplace: string[][] = [];
  if (isObject(prior)) {
    for (const name of FORCE_NEW[type] ?? []) {
      if (!(name in planned)) continue;
      if (!sameValue(prior[name], planned[name])) requiresReplace.push([name]);
    }
  }
  return { planned, requiresReplace };
}

function structuredCloneValue(v: Value): Value {
  if (v instanceof Unknown || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(structuredCloneValue);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneValue(x)]));
}

function hex(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}#${i}`).digest('hex');
  return out.slice(0, length);
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A short, stable name for the object, used inside fake ids and ARNs. */
function identity(type: string, obj: Obj): string {
  for (const key of ['name', 'family', 'function_name', 'bucket', 'deployment_group_name', 'alarm_name', 'deployment_config_name', 'statement_id', 'key', 'role']) {
    const v = str(obj[key]);
    if (v) return v.split('/').pop()!;
  }
  return `${type.replace(/^aws_/, '')}-${hex(JSON.stringify(obj), 8)}`;
}

function lastSegment(v: Value | undefined): string | undefined {
  const s = str(v);
  return s ? s.split(/[/:]/).pop() : undefined;
}

/** What a faker knows of the object it makes values for. */
interface FakeContext {
  readonly type: string;
  readonly obj: Obj;
  /** The short, stable name of the object (see {@link identity}). */
  readonly name: string;
  /** Seed of the object's hashes. */
  readonly seed: string;
  readonly region: string;
  readonly acct: string;
  /** The name mark followed by a dash, or empty. */
  readonly mark: string;
  /** An ARN of this account (in the region unless `regional` is false). */
  readonly arn: (service: string, resource: string, regional?: boolean) => string;
}

type Faker = (c: FakeContext) => Obj;

const elbArn = (c: FakeContext, resource: string): string => c.arn('elasticloadbalancing', resource);

const listenerFakes: Faker = ({ type, obj, arn }) => {
  const lb = /loadbalancer\/(\w+\/[^/]+\/[0-9a-f]+)/.exec(str(obj.load_balancer_arn) ?? str(obj.listener_arn) ?? '')?.[1] ?? `app/unknown/${hex('lb', 16)}`;
  const listenerSeed = `${lb}:${JSON.stringify(obj.port ?? null)}:${JSON.stringify(obj.priority ?? null)}`;
  const elb = (resource: string): string => arn('elasticloadbalancing', resource);
  const a =
    type === 'aws_lb_listener'
      ? elb(`listener/${lb}/${hex(listenerSeed, 16)}`)
      : `${str(obj.listener_arn)?.replace(':listener/', ':listener-rule/') ?? elb(`listener-rule/${lb}/${hex('l', 16)}`)}/${hex(listenerSeed, 16)}`;
  return { arn: a, id: a };
};

const securityGroupRuleFakes: Faker = ({ obj, arn }) => {
  const id = `sgr-${hex(JSON.stringify(obj), 17)}`;
  return { arn: arn('ec2', `security-group-rule/${id}`), id, security_group_rule_id: id };
};

/** Fakers of the load balancer, ECS and CodeDeploy types. */
const SERVICE_FAKERS: Readonly<Record<string, Faker>> = {
  aws_ecs_cluster: ({ name, arn }) => ({ arn: arn('ecs', `cluster/${name}`), id: arn('ecs', `cluster/${name}`) }),
  aws_ecs_service: ({ obj, name, arn }) => {
    const a = arn('ecs', `service/${lastSegment(obj.cluster) ?? 'default'}/${name}`);
    return { arn: a, id: a, cluster: str(obj.cluster) ?? arn('ecs', 'cluster/default') };
  },
  aws_ecs_task_definition: ({ name, arn }) => ({ arn: arn('ecs', `task-definition/${name}:1`), arn_without_revision: arn('ecs', `task-definition/${name}`), id: name, revision: 1 }),
  aws_lb: (c) => {
    const { obj, name, seed, region, mark } = c;
    const kind = obj.load_balancer_type === 'network' ? 'net' : obj.load_balancer_type === 'gateway' ? 'gwy' : 'app';
    const suffix = `${kind}/${name}/${hex(seed, 16)}`;
    return {
      arn: elbArn(c, `loadbalancer/${suffix}`),
      arn_suffix: suffix,
      id: elbArn(c, `loadbalancer/${suffix}`),
      dns_name: `${obj.internal === true ? 'internal-' : ''}${name}-${mark}${parseInt(hex(seed, 8), 16) % 1000000000}.${region}.elb.amazonaws.com`,
      zone_id: 'Z35SXDOTRQ7X7K',
      vpc_id: `vpc-${hex(`vpc/${seed}`, 17)}`,
    };
  },
  aws_lb_target_group: (c) => {
    const suffix = `targetgroup/${c.name}/${hex(c.seed, 16)}`;
    return { arn: elbArn(c, suffix), arn_suffix: suffix, id: elbArn(c, suffix), load_balancer_arns: [] };
  },
  aws_lb_listener: listenerFakes,
  aws_lb_listener_rule: listenerFakes,
  aws_codedeploy_app: ({ name, seed, arn }) => {
    const appId = uuid(seed);
    return { arn: arn('codedeploy', `application:${name}`), application_id: appId, id: `${appId}:${name}`, github_account_name: '', linked_to_github: false };
  },
  aws_codedeploy_deployment_group: ({ obj, name, arn }) => {
    const id = uuid(`${obj.app_name}/${name}`);
    return { arn: arn('codedeploy', `deploymentgroup:${str(obj.app_name) ?? 'app'}/${name}`), id, deployment_group_id: id, compute_platform: 'ECS' };
  },
  aws_codedeploy_deployment_config: ({ name, seed, arn }) => ({ arn: arn('codedeploy', `deploymentconfig:${name}`), id: name, deployment_config_id: uuid(seed) }),
};

/** Fakers of the IAM, Lambda, logging, network, storage and other types. */
const OTHER_FAKERS: Readonly<Record<string, Faker>> = {
  aws_iam_role: ({ obj, name, seed, acct }) => ({ arn: `arn:aws:iam::${acct}:role${str(obj.path) ?? '/'}${name}`, id: name, name, unique_id: `AROA${hex(seed, 17).toUpperCase()}`, create_date: '2026-01-01T00:00:00Z' }),
  aws_iam_policy: ({ obj, name, seed, acct }) => {
    const a = `arn:aws:iam::${acct}:policy${str(obj.path) ?? '/'}${name}`;
    return { arn: a, id: a, policy_id: `ANPA${hex(seed, 17).toUpperCase()}`, attachment_count: 0 };
  },
  aws_iam_role_policy: ({ obj, name }) => ({ id: `${str(obj.role) ?? 'role'}:${name}` }),
  aws_iam_role_policy_attachment: ({ obj }) => ({ id: `${str(obj.role) ?? 'role'}-${hex(JSON.stringify(obj.policy_arn ?? null), 26)}` }),
  aws_lambda_function: ({ name, region, arn }) => {
    const a = arn('lambda', `function:${name}`);
    const invoke = (fn: string): string => `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${fn}/invocations`;
    return { arn: a, id: name, invoke_arn: invoke(a), qualified_arn: `${a}:$LATEST`, qualified_invoke_arn: invoke(`${a}:$LATEST`), version: '$LATEST', last_modified: '2026-01-01T00:00:00.000+0000', source_code_size: 1024 };
  },
  aws_lambda_permission: ({ name }) => ({ id: name }),
  aws_cloudwatch_log_group: ({ name, arn }) => ({ arn: arn('logs', `log-group:${name}`), id: name, name }),
  aws_cloudwatch_metric_alarm: ({ name, arn }) => ({ arn: arn('cloudwatch', `alarm:${name}`), id: name }),
  aws_security_group: ({ obj, seed, acct, arn }) => {
    const id = `sg-${hex(seed, 17)}`;
    return { arn: arn('ec2', `security-group/${id}`), id, owner_id: acct, name: str(obj.name) ?? `terraform-${hex(seed, 26)}` };
  },
  aws_vpc_security_group_ingress_rule: securityGroupRuleFakes,
  aws_vpc_security_group_egress_rule: securityGroupRuleFakes,
  aws_s3_bucket: ({ name, region }) => ({
    arn: `arn:aws:s3:::${name}`,
    id: name,
    bucket: name,
    bucket_domain_name: `${name}.s3.amazonaws.com`,
    bucket_regional_domain_name: `${name}.s3.${region}.amazonaws.com`,
    hosted_zone_id: 'Z3AQBSTGFYJSTF',
  }),
  aws_s3_object: ({ obj }) => ({ id: `${str(obj.bucket) ?? 'bucket'}/${str(obj.key) ?? 'key'}`, etag: hex(JSON.stringify(obj.content ?? obj.source ?? null), 32), version_id: '' }),
  aws_ecr_repository: ({ name, region, acct, arn }) => ({ arn: arn('ecr', `repository/${name}`), id: name, registry_id: acct, repository_url: `${acct}.dkr.ecr.${region}.amazonaws.com/${name}` }),
  aws_sns_topic: ({ name, acct, arn }) => ({ arn: arn('sns', name), id: arn('sns', name), owner: acct }),
  null_resource: ({ obj, name }) => ({ id: String(BigInt(`0x${hex(JSON.stringify(obj.triggers ?? null) + name, 15)}`)) }),
};

/** Any other type: an id from its type and an ARN of its service. */
const genericFakes: Faker = ({ type, name, seed, arn }) => ({
  arn: arn(type.split('_')[1] ?? 'aws', `${type.replace(/^aws_/, '')}/${name}`),
  id: `${type.replace(/^aws_/, '').replace(/_/g, '-')}-${hex(seed, 17)}`,
});

/**
 * Well-formed values for the computed attributes of the types our stacks use. Deterministic: the
 * same configuration always gets the same ids and ARNs.
 */
function knownFakes(type: string, obj: Obj, settings: ProviderSettings): Obj {
  const { region, accountId: acct, nameMark } = settings;
  const mark = nameMark ? `${nameMark}-` : '';
  // A bucket named from a prefix: Terraform appends a unique suffix (26 characters) to the prefix.
  const prefixed = str(obj.bucket_prefix) && !str(obj.bucket) ? `${str(obj.bucket_prefix)}${mark}${hex(JSON.stringify(obj.bucket_prefix), 26 - mark.length)}` : undefined;
  const name = prefixed ?? identity(type, obj);
  const seed = `${type}/${name}/${JSON.stringify(obj.vpc_id ?? null)}`;
  const arn = (service: string, resource: string, regional = true): string => `arn:aws:${service}:${regional ? region : ''}:${acct}:${resource}`;
  const faker = SERVICE_FAKERS[type] ?? OTHER_FAKERS[type] ?? genericFakes;
  return faker({ type, obj, name, seed, region, acct, mark, arn });
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A plausible value of `type` for a computed attribute nothing more specific is known about. */
function genericFake(name: string, type: CtyType, seed: string, acct: string): Value {
  if (type === 'string') return /account_id|owner_id$/.test(name) ? acct : `${name.replace(/_/g, '-')}-${hex(`${seed}/${name}`, 8)}`;
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (type === 'dynamic') return null;
  if (type[0] === 'map') return {};
  if (type[0] === 'object') return conform({}, type);
  return [];
}

function resolveUnknowns(block: SchemaBlock, obj: Obj, fakes: Obj, seed: string, acct: string): Obj {
  const out: Obj = { ...obj };
  for (const [name, a] of Object.entries(block.attributes)) {
    if (out[name] instanceof Unknown) out[name] = name in fakes ? conform(fakes[name], a.type) : genericFake(name, a.type, seed, acct);
  }
  for (const [name, nb] of Object.entries(block.blocks)) {
    const v = out[name];
    if (nb.nesting === 'single' && isObject(v)) out[name] = resolveUnknowns(nb.block, v, {}, `${seed}/${name}`, acct);
    if (Array.isArray(v)) out[name] = v.map((el, i) => (isObject(el) ? resolveUnknowns(nb.block, el, {}, `${seed}/${name}/${i}`, acct) : el));
  }
  return out;
}

/** Applies a planned change: the planned state with every unknown replaced by a fake value. */
export function applyResource(type: string, schema: SchemaBlock, planned: Value, settings: ProviderSettings): Value {
  if (!isObject(planned)) return null;
  const fakes = knownFakes(type, planned, settings);
  return resolveUnknowns(schema, planned, fakes, `${type}/${identity(type, planned)}`, settings.accountId);
}

/** One drift patch: in state of `type` whose attributes equal `match`, overwrite `set`. */
export interface DriftPatch {
  readonly type: string;
  readonly match: { readonly [attribute: string]: Value };
  readonly set: { readonly [attribute: string]: Value };
}

/** Current state as the (pretend) remote API reports it: stored state, patched by drift. */
export function readResource(type: string, schema: SchemaBlock, current: Value, drift: readonly DriftPatch[]): Value {
  if (!isObject(current)) return current;
  let state: Obj = current;
  for (const patch of drift) {
    if (patch.type !== type) continue;
    if (!Object.entries(patch.match).every(([k, v]) => sameValue(state[k], v))) continue;
    state = conformBlock({ ...state, ...patch.set }, schema) as Obj;
  }
  return state;
}

/** Renders an aws_iam_policy_document configuration to its policy JSON. */
export function renderPolicyDocument(config: Obj): string {
  const list = (v: Value | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').sort() : []);
  const one = (xs: string[]): string | string[] => (xs.length === 1 ? xs[0]! : xs);
  const statements = (Array.isArray(config.statement) ? config.statement : []).filter(isObject).map((s) => {
    const out: Record<string, unknown> = {};
    if (str(s.sid)) out.Sid = s.sid;
    out.Effect = str(s.effect) ?? 'Allow';
    if (list(s.actions).length) out.Action = one(list(s.actions));
    if (list(s.not_actions).length) out.NotAction = one(list(s.not_actions));
    if (list(s.resources).length) out.Resource = one(list(s.resources));
    if (list(s.not_resources).length) out.NotResource = one(list(s.not_resources));
    const principals = (key: string): Record<string, string | string[]> | undefined => {
      const blocks = (Array.isArray(s[key]) ? s[key] : []).filter(isObject);
      if (!blocks.length) return undefined;
      return Object.fromEntries(blocks.map((p) => [String(p.type), one(list(p.identifiers))]));
    };
    if (principals('principals')) out.Principal = principals('principals');
    if (principals('not_principals')) out.NotPrincipal = principals('not_principals');
    const conditions = (Array.isArray(s.condition) ? s.condition : []).filter(isObject);
    if (conditions.length) {
      const c: Record<string, Record<string, string | string[]>> = {};
      for (const cond of conditions) (c[String(cond.test)] ??= {})[String(cond.variable)] = one(list(cond.values));
      out.Condition = c;
    }
    return out;
  });
  return JSON.stringify({ Version: str(config.version) ?? '2012-10-17', Statement: statements }, null, 2);
}

/** Plausible, known values for a data source read. */
export function readDataSource(type: string, schema: SchemaBlock, config: Value, settings: ProviderSettings): Value {
  const cfg: Obj = isObject(config) ? { ...config } : {};
  const region = str(cfg.region) ?? settings.region;
  const known: Obj = {};
  switch (type) {
    case 'aws_region':
      Object.assign(known, { id: region, name: region, region, description: 'Offline stand-in region', endpoint: `ec2.${region}.amazonaws.com` });
      break;
    case 'aws_caller_identity':
      Object.assign(known, { id: settings.accountId, account_id: settings.accountId, arn: `arn:aws:iam::${settings.accountId}:user/offline-terraform`, user_id: 'AIDAOFFLINESTANDIN0001' });
      break;
    case 'aws_partition':
      Object.assign(known, { id: 'aws', partition: 'aws', dns_suffix: 'amazonaws.com', reverse_dns_prefix: 'com.amazonaws' });
      break;
    case 'aws_availability_zones': {
      const prefix = region.replace(/^(\w\w)-(\w)\w*-(\d+)$/, '$1$2$3');
      Object.assign(known, { id: region, names: ['a', 'b', 'c'].map((z) => `${region}${z}`), zone_ids: [1, 2, 3].map((n) => `${prefix}-az${n}`), group_names: [region] });
      break;
    }
    case 'aws_iam_policy_document': {
      const json = renderPolicyDocument(cfg);
      Object.assign(known, { id: hex(json, 10), json, minified_json: JSON.stringify(JSON.parse(json)) });
      break;
    }
    default:
      break;
  }
  const out: Obj = conformBlock(cfg, schema) as Obj;
  for (const [name, a] of Object.entries(schema.attributes)) {
    if (!a.computed || (out[name] !== null && out[name] !== undefined)) continue;
    out[name] = name in known ? conform(known[name], a.type) : genericFake(name, a.type, `${type}/${JSON.stringify(cfg)}`, settings.accountId);
  }
  return out;
}
