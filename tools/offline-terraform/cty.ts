/**
 * Values as Terraform exchanges them with providers: cty types (as JSON), MessagePack encoding with
 * cty's unknown-value extension, and normalisation of plain JS values against a block schema.
 */
import { decode, encode, ExtData, ExtensionCodec } from '@msgpack/msgpack';

/** A cty type in its JSON form: `"string"`, `["list","string"]`, `["object",{...}]`, `"dynamic"`. */
export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | readonly ['list' | 'set' | 'map', CtyType]
  | readonly ['object', { readonly [name: string]: CtyType }];

/** One attribute of a block schema. */
export interface SchemaAttribute {
  readonly type: CtyType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
}

/** How a nested block repeats, as in the plugin protocol. */
export type Nesting = 'single' | 'list' | 'set' | 'map';

/** A nested block type inside a block schema. */
export interface SchemaNestedBlock {
  readonly nesting: Nesting;
  readonly block: SchemaBlock;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** A configuration block: its attributes and nested block types. */
export interface SchemaBlock {
  readonly attributes: { readonly [name: string]: SchemaAttribute };
  readonly blocks: { readonly [name: string]: SchemaNestedBlock };
}

/** A value that is not known until apply. A singleton so identity checks work. */
export class Unknown {
  toJSON(): string {
    return '(known after apply)';
  }
}
/** The unknown value. */
export const UNKNOWN = new Unknown();

/** A JS representation of a cty value (objects and maps are plain objects; lists and sets arrays). */
export type Value = null | string | number | boolean | Unknown | Value[] | { [key: string]: Value };

export function isObject(v: unknown): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

const codec = new ExtensionCodec();
// cty marks an unknown value with extension type 0; newer cty versions send "refined" unknowns
// (extension 12) that we treat the same way, since the stand-in never needs the refinements.
for (const type of [0, 12]) {
  codec.register({
    type,
    encode: (input: unknown) => (input instanceof Unknown && type === 0 ? new Uint8Array([0]) : null),
    decode: () => UNKNOWN,
  });
}

/** Decodes a msgpack DynamicValue. Dynamic-typed attributes keep cty's `[type, value]` pair form. */
export function decodeMsgpack(bytes: Uint8Array): Value {
  if (bytes.length === 0) return null;
  return fixExt(decode(bytes, { extensionCodec: codec }));
}

function fixExt(v: unknown): Value {
  if (v instanceof ExtData) return UNKNOWN;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return v.map(fixExt);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fixExt(x)]));
  return v as Value;
}

/** Encodes a value that already conforms to its schema (see {@link conformBlock}). */
export function encodeMsgpack(value: Value): Uint8Array {
  return encode(value, { extensionCodec: codec, ignoreUndefined: true });
}

/** The implied object type of a block, as Terraform derives it. */
export function impliedType(block: SchemaBlock): CtyType {
  const attrs: { [name: string]: CtyType } = {};
  for (const [name, a] of Object.entries(block.attributes)) attrs[name] = a.type;
  for (const [name, b] of Object.entries(block.blocks)) {
    const inner = impliedType(b.block);
    attrs[name] = b.nesting === 'single' ? inner : [b.nesting, inner];
  }
  return ['object', attrs];
}

/**
 * Makes `value` conform to `type`: drops unknown object keys, fills missing ones with null and
 * coerces primitives the way cty would (numbers from strings, strings from numbers/bools).
 */
export function conform(value: Value | undefined, type: CtyType): Value {
  if (value === undefined || value === null) return null;
  if (value instanceof Unknown) return UNKNOWN;
  if (type === 'dynamic') return value;
  if (type === 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (type === 'number') return typeof value === 'number' ? value : Number(value);
  if (type === 'bool') return typeof value === 'boolean' ? value : value === 'true';
  const [kind, inner] = type;
  if (kind === 'object') {
    const src = isObject(value) ? value : {};
    const out: { [key: string]: Value } = {};
    for (const [name, t] of Object.entries(inner)) out[name] = conform(src[name], t);
    return out;
  }
  if (kind === 'map') {
    if (!isObject(value)) return null;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, conform(v, inner)]));
  }
  if (!Array.isArray(value)) return null;
  return value.map((v) => conform(v, inner));
}

/** {@link conform} for a block, where absent list/set blocks are empty lists, not null. */
export function conformBlock(value: Value | undefined, block: SchemaBlock): Value {
  if (value instanceof Unknown) return UNKNOWN;
  const src = isObject(value) ? value : {};
  const out: { [key: string]: Value } = {};
  for (const [name, a] of Object.entries(block.attributes)) out[name] = conform(src[name], a.type);
  for (const [name, b] of Object.entries(block.blocks)) {
    const v = src[name];
    if (v instanceof Unknown) out[name] = UNKNOWN;
    else if (b.nesting === 'single') out[name] = v === null || v === undefined ? null : conformBlock(v, b.block);
    else if (b.nesting === 'map') out[name] = isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conformBlock(x, b.block)])) : {};
    else out[name] = Array.isArray(v) ? v.map((x) => conformBlock(x, b.block)) : [];
  }
  return out;
}

/** Deep equality of two values (unknown equals only unknown). */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a instanceof Unknown || b instanceof Unknown) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => valuesEqual(a[k], b[k]));
  }
  return a === b;
}
