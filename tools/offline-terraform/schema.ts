/**
 * Reconstructs Terraform provider schemas from the generated CDKTF bindings installed in
 * node_modules (`@cdktf/provider-aws`, `@cdktf/provider-null`), one resource type at a time:
 *
 * - `synthesizeHclAttributes()` of the type's class, run against probe objects, yields every
 *   argument with block vs attribute, list/set/map/struct and the element storage type; the nested
 *   `…ToHclTerraform` functions it calls yield the nested blocks the same way.
 * - the `.d.ts` config interfaces give required (`name: T`) vs optional (`name?: T`).
 * - getters without a matching `…Input` getter are computed-only attributes.
 *
 * Only the deep module of each requested type is loaded (never the package index), and the result
 * is cached on disk per package version, so a Terraform run does not repeat the work.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CtyType, SchemaAttribute, SchemaBlock, SchemaNestedBlock } from './cty';
import { OPTIONAL_COMPUTED } from './provider-facts';

/** Bumped whenever the reconstruction logic changes, so stale caches are ignored. */
const EXTRACTOR_VERSION = 3;

/** The Terraform providers the stand-in can play, and the binding package each schema comes from. */
export const PROVIDER_PACKAGES = {
  aws: '@cdktf/provider-aws',
  null: '@cdktf/provider-null',
} as const;

/** A provider name the stand-in supports (`aws` or `null`). */
export type ProviderName = keyof typeof PROVIDER_PACKAGES;

/** What a schema describes. */
export type SchemaKind = 'provider' | 'resource' | 'data';

/** The schemas one provider process serves. */
export interface ProviderSchemas {
  readonly provider: SchemaBlock;
  readonly resources: { readonly [type: string]: SchemaBlock };
  readonly dataSources: { readonly [type: string]: SchemaBlock };
}

/** The provider a resource type belongs to, from its name prefix (`aws_lb` → aws, `null_resource` → null). */
export function providerOfType(type: string): ProviderName {
  const prefix = type.split('_')[0];
  if (prefix === 'aws' || prefix === 'null') return prefix;
  throw new Error(`resource type "${type}": only aws_* and null_* types can be run offline`);
}

/** The deep module of the binding package that defines `type` (e.g. aws_ecs_service → lib/ecs-service). */
export function bindingModule(kind: SchemaKind, type: string): string {
  const provider = kind === 'provider' ? (type as ProviderName) : providerOfType(type);
  const pkg = PROVIDER_PACKAGES[provider];
  if (kind === 'provider') return `${pkg}/lib/provider`;
  if (provider === 'null') return kind === 'data' ? `${pkg}/lib/data-null-data-source` : `${pkg}/lib/resource`;
  const kebab = type.replace(/_/g, '-');
  return kind === 'data' ? `${pkg}/lib/data-${kebab}` : `${pkg}/lib/${kebab.replace(/^aws-/, '')}`;
}

type HclMeta = { value: unknown; isBlock: boolean; type: string; storageClassType: string };

// ---------------------------------------------------------------------------------------------
// Probes: objects that answer every property read with another probe, so the generated
// `synthesizeHclAttributes` / `…ToHclTerraform` code walks every argument it knows about.

const ARRAY_INTERNALS = new Set(['length', 'constructor', 'map']);

function structProbe(): object {
  return new Proxy(
    {},
    {
      get: (_t, p) => (typeof p === 'symbol' || p === 'resolve' || p === 'toJSON' ? undefined : valueProbe()),
      has: () => false,
    },
  );
}

/** Looks like a one-element array of structs to list mappers, and like a struct to block mappers. */
function valueProbe(): unknown {
  const target: unknown[] = [structProbe()];
  return new Proxy(target, {
    get: (t, p, receiver) => {
      if (typeof p === 'symbol' || ARRAY_INTERNALS.has(p) || /^\d+$/.test(p)) return Reflect.get(t, p, receiver);
      if (p === 'resolve' || p === 'toJSON') return undefined;
      return valueProbe();
    },
  });
}

function isMeta(v: unknown): v is HclMeta {
  return typeof v === 'object' && v !== null && 'isBlock' in v && 'storageClassType' in v && 'type' in v;
}

function primitive(storage: string): CtyType | undefined {
  const map: Record<string, CtyType> = { string: 'string', number: 'number', boolean: 'bool', any: 'dynamic' };
  return map[storage];
}

/** Element type from a storage class such as `stringList`, `numberMap`, `stringListList`. */
function elementType(storage: string): CtyType | undefined {
  const p = primitive(storage);
  if (p) return p;
  const m = /^(.*)(List|Map)$/.exec(storage);
  if (!m) return undefined;
  const inner = elementType(m[1]!);
  if (!inner) return undefined;
  return [m[2] === 'List' ? 'list' : 'map', inner];
}

function objectTypeOf(metas: Record<string, unknown>): CtyType {
  const attrs: Record<string, CtyType> = {};
  for (const [name, meta] of Object.entries(metas)) if (isMeta(meta)) attrs[name] = attributeType(meta);
  return ['object', attrs];
}

function attributeType(meta: HclMeta): CtyType {
  const { type, storageClassType: storage, value } = meta;
  if (type === 'simple') return primitive(storage) ?? 'dynamic';
  const nestedObject = (): CtyType => {
    const sample = Array.isArray(value) ? value[0] : value;
    if (typeof sample === 'object' && sample !== null && !Array.isArray(sample)) return objectTypeOf(sample as Record<string, unknown>);
    return 'dynamic';
  };
  if (type === 'struct') return nestedObject();
  const kind = type === 'set' ? 'set' : type === 'map' ? 'map' : 'list';
  // The storage class names the outer collection last: `stringList` is list(string), `numberMap`
  // map(number), `stringListList` list(list(string)); anything else is a nested object type.
  const element = elementType(storage.replace(/(List|Map)$/, ''));
  return [kind, element ?? nestedObject()];
}

// ---------------------------------------------------------------------------------------------
// .d.ts parsing: required vs optional per interface, keyed by Terraform (snake_case) name.

function interfaceFields(dts: string, name: string): Map<string, boolean> | undefined {
  const start = dts.indexOf(`export interface ${name} `);
  if (start < 0) return undefined;
  const open = dts.indexOf('{', start);
  let depth = 0;
  let end = open;
  for (; end < dts.length; end++) {
    if (dts[end] === '{') depth++;
    else if (dts[end] === '}' && --depth === 0) break;
  }
  const body = dts.slice(open, end);
  const fields = new Map<string, boolean>();
  const re = /#(\w+) [^}]*\}[\s\S]*?\*\/\s*readonly (\w+)(\?)?:/g;
  for (let m = re.exec(body); m; m = re.exec(body)) fields.set(m[1]!, m[3] !== '?');
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Computed-only attributes: getters without an `…Input` twin.

const ATTRIBUTE_GETTERS: Record<string, CtyType> = {
  getStringAttribute: 'string',
  getNumberAttribute: 'number',
  getBooleanAttribute: 'bool',
  getListAttribute: ['list', 'string'],
  getNumberListAttribute: ['list', 'number'],
  getStringMapAttribute: ['map', 'string'],
  getNumberMapAttribute: ['map', 'number'],
  getBooleanMapAttribute: ['map', 'bool'],
  getAnyMapAttribute: ['map', 'dynamic'],
};

const MAP_CLASSES: Record<string, CtyType> = {
  StringMap: ['map', 'string'],
  NumberMap: ['map', 'number'],
  BooleanMap: ['map', 'bool'],
  AnyMap: ['map', 'dynamic'],
};

function getterNames(proto: object): string[] {
  return Object.entries(Object.getOwnPropertyDescriptors(proto))
    .filter(([, d]) => typeof d.get === 'function')
    .map(([n]) => n);
}

/** Computed-only attributes of `instance` (a resource, or a nested block's output reference). */
function computedAttributes(instance: object, depth = 0): Map<string, CtyType> {
  const out = new Map<string, CtyType>();
  const proto = Object.getPrototypeOf(instance) as object;
  const getters = new Set(getterNames(proto));
  for (const name of getters) {
    if (name.endsWith('Input') || getters.has(`${name}Input`) || name === 'internalValue') continue;
    const getter = Object.getOwnPropertyDescriptor(proto, name)!.get!;
    const src = getter.toString();
    const simple = /this\.(get\w+Attribute)\('([^']+)'\)/.exec(src);
    if (simple && ATTRIBUTE_GETTERS[simple[1]!]) {
      let t = ATTRIBUTE_GETTERS[simple[1]!]!;
      // Sets are exposed to CDKTF users as lists through Fn.tolist.
      if (/tolist\(/.test(src) && Array.isArray(t) && t[0] === 'list') t = ['set', t[1] as CtyType];
      out.set(simple[2]!, t);
      continue;
    }
    let value: unknown;
    try {
      value = getter.call(instance);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null || !('terraformAttribute' in value)) continue;
    const attr = String((value as { terraformAttribute: unknown }).terraformAttribute);
    const ctorName = (value as object).constructor.name;
    if (MAP_CLASSES[ctorName]) {
      out.set(attr, MAP_CLASSES[ctorName]!);
      continue;
    }
    const get = (value as { get?: (k: unknown) => unknown }).get;
    if (typeof get !== 'function' || depth > 3) continue;
    const isMap = /Map$/.test(ctorName);
    const element = get.call(value, isMap ? 'key' : 0) as object;
    const inner = computedAttributes(element, depth + 1);
    const objectType: CtyType = ['object', Object.fromEntries(inner)];
    const wrapsSet = (value as { wrapsSet?: boolean }).wrapsSet === true;
    out.set(attr, [isMap ? 'map' : wrapsSet ? 'set' : 'list', objectType]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function blockFromMetas(
  metas: Record<string, unknown>,
  dts: string,
  interfaceName: string,
  computed: Map<string, CtyType>,
  nestedInstances: Map<string, object>,
): SchemaBlock {
  const fields = interfaceFields(dts, interfaceName) ?? new Map<string, boolean>();
  const attributes: Record<string, SchemaAttribute> = {};
  const blocks: Record<string, SchemaNestedBlock> = {};
  for (const [name, meta] of Object.entries(metas)) {
    if (!isMeta(meta)) continue;
    const required = fields.get(name) === true;
    if (!meta.isBlock) {
      attributes[name] = required ? { type: attributeType(meta), required: true } : { type: attributeType(meta), optional: true };
      continue;
    }
    const nestedInterface = meta.storageClassType.replace(/List$|Map$/, '');
    const sample = Array.isArray(meta.value) ? meta.value[0] : meta.value;
    const nestedComputed = new Map<string, CtyType>();
    const ref = nestedInstances.get(name);
    if (ref) for (const [k, v] of computedAttributes(ref)) nestedComputed.set(k, v);
    const inner = blockFromMetas((sample ?? {}) as Record<string, unknown>, dts, nestedInterface, nestedComputed, new Map());
    const nesting = meta.type === 'struct' ? 'single' : meta.type === 'set' ? 'set' : meta.type === 'map' ? 'map' : 'list';
    const single = nesting === 'list' && !Array.isArray(meta.value);
    blocks[name] = {
      nesting,
      block: inner,
      ...(required && nesting !== 'single' ? { minItems: 1 } : {}),
      ...(single ? { maxItems: 1 } : {}),
    };
  }
  for (const [name, type] of computed) {
    if (!attributes[name] && !blocks[name]) attributes[name] = { type, computed: true };
  }
  return { attributes, blocks };
}

type BindingClass = {
  new (scope: unknown, id: string, config: unknown): object;
  tfResourceType: string;
  prototype: { synthesizeHclAttributes(): Record<string, unknown> };
  name: string;
};

/** Reconstructs one schema from the bindings (no cache). */
export function reconstructSchema(kind: SchemaKind, type: string): SchemaBlock {
  const modulePath = bindingModule(kind, type);
  let mod: Record<string, unknown>;
  try {
    mod = require(modulePath) as Record<string, unknown>;
  } catch {
    throw new Error(`${kind} type "${type}": no binding module ${modulePath} in the installed provider package`);
  }
  // Provider classes carry the provider name ("aws") in tfResourceType, resources their type name.
  const cls = Object.values(mod).find(
    (v): v is BindingClass => typeof v === 'function' && (v as { tfResourceType?: unknown }).tfResourceType === type,
  );
  if (!cls) throw new Error(`${kind} type "${type}": ${modulePath} exports no class for it`);
  const dts = readFileSync(require.resolve(modulePath).replace(/\.js$/, '.d.ts'), 'utf8');

  const thisProbe = new Proxy({}, { get: (_t, p) => (typeof p === 'symbol' ? undefined : valueProbe()) });
  const metas = cls.prototype.synthesizeHclAttributes.call(thisProbe);

  // A real instance (in a throwaway stack) lets getters reveal computed attributes and nested types.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdktf = require('cdktf') as typeof import('cdktf');
  // The App makes its outdir at once; nothing is synthesized into it, so it goes straight away.
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'offline-tf-probe-'));
  const stack = new cdktf.TerraformStack(new cdktf.App({ outdir }), 'probe');
  rmSync(outdir, { recursive: true, force: true });
  const instance = new cls(stack, 'probe', {});
  const computed = kind === 'provider' ? new Map<string, CtyType>() : computedAttributes(instance);
  const nestedInstances = new Map<string, object>();
  for (const [name, meta] of Object.entries(metas)) {
    if (!isMeta(meta) || !meta.isBlock) continue;
    const getterName = name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    try {
      const list = (instance as Record<string, unknown>)[getterName] as { get?: (i: number) => object } | object | undefined;
      if (list && typeof (list as { get?: unknown }).get === 'function') nestedInstances.set(name, (list as { get: (i: number) => object }).get(0));
      else if (list && typeof list === 'object') nestedInstances.set(name, list);
    } catch {
      // No reference object for this block: its computed attributes stay unknown to us.
    }
  }
  const block = blockFromMetas(metas, dts, `${cls.name}Config`, computed, nestedInstances);
  if (kind === 'provider') {
    // `alias` is a Terraform meta-argument, not part of the provider's own schema.
    const { alias: _alias, ...attributes } = block.attributes;
    return { attributes, blocks: block.blocks };
  }
  return block;
}

function packageVersion(provider: ProviderName): string {
  const pkgJson = require.resolve(`${PROVIDER_PACKAGES[provider]}/package.json`);
  return (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
}

/** Where reconstructed schemas are cached: `node_modules/.cache/offline-terraform` of this project. */
export function defaultCacheDir(): string {
  return path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'offline-terraform');
}

/** Adds the documented optional+computed markers (see provider-facts.ts) to a reconstructed schema. */
function withOverlays(type: string, block: SchemaBlock): SchemaBlock {
  const marks = new Set([...(OPTIONAL_COMPUTED['*'] ?? []), ...(OPTIONAL_COMPUTED[type] ?? [])]);
  const attributes: Record<string, SchemaAttribute> = {};
  for (const [name, a] of Object.entries(block.attributes)) {
    attributes[name] = marks.has(name) && a.optional ? { ...a, computed: true } : a;
  }
  return { attributes, blocks: block.blocks };
}

/** A schema, from the on-disk cache when present (keyed by binding package version). */
export function loadSchema(kind: SchemaKind, type: string, cacheDir = defaultCacheDir()): SchemaBlock {
  const provider = kind === 'provider' ? (type as ProviderName) : providerOfType(type);
  const dir = path.join(cacheDir, `${PROVIDER_PACKAGES[provider].replace('/', '+')}@${packageVersion(provider)}-v${EXTRACTOR_VERSION}`);
  const file = path.join(dir, `${kind}.${type}.json`);
  let block: SchemaBlock;
  if (existsSync(file)) {
    block = JSON.parse(readFileSync(file, 'utf8')) as SchemaBlock;
  } else {
    block = reconstructSchema(kind, type);
    mkdirSync(dir, { recursive: true });
    // Write-then-rename so concurrent runs never read a half-written file.
    const tmp = `${file}.${process.pid}.${createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 6)}`;
    writeFileSync(tmp, JSON.stringify(block));
    renameSync(tmp, file);
  }
  return kind === 'provider' ? block : withOverlays(type, block);
}

/** The resource and data source types a Terraform JSON configuration uses, grouped by provider. */
export function typesUsed(config: { resource?: Record<string, unknown>; data?: Record<string, unknown> }): {
  resources: string[];
  dataSources: string[];
} {
  return { resources: Object.keys(config.resource ?? {}).sort(), dataSources: Object.keys(config.data ?? {}).sort() };
}

/** The providers Terraform needs for `config`: those of its resource and data types, and those its provider blocks or required_providers name. */
export function providersOf(config: { readonly [key: string]: unknown }): ProviderName[] {
  const { resources, dataSources } = typesUsed(config as { resource?: Record<string, unknown>; data?: Record<string, unknown> });
  const terraform = config.terraform as { required_providers?: object } | undefined;
  const named = [...Object.keys((config.provider as object | undefined) ?? {}), ...Object.keys(terraform?.required_providers ?? {})];
  return (Object.keys(PROVIDER_PACKAGES) as ProviderName[]).filter((p) => named.includes(p) || [...resources, ...dataSources].some((t) => providerOfType(t) === p));
}

/** The providers some of `configs` needs; every one while they need none (none given yet: a program starts its providers while it synthesizes). */
export function providersNeeded(configs: readonly Parameters<typeof providersOf>[0][]): ProviderName[] {
  const needed = new Set(configs.flatMap(providersOf));
  return (Object.keys(PROVIDER_PACKAGES) as ProviderName[]).filter((p) => needed.size === 0 || needed.has(p));
}

/** The schemas one provider needs to serve the given types. */
export function buildProviderSchemas(
  provider: ProviderName,
  types: { resources: readonly string[]; dataSources: readonly string[] },
  cacheDir = defaultCacheDir(),
): ProviderSchemas {
  const mine = (t: string): boolean => providerOfType(t) === provider;
  return {
    provider: loadSchema('provider', provider, cacheDir),
    resources: Object.fromEntries(types.resources.filter(mine).map((t) => [t, loadSchema('resource', t, cacheDir)])),
    dataSources: Object.fromEntries(types.dataSources.filter(mine).map((t) => [t, loadSchema('data', t, cacheDir)])),
  };
}
