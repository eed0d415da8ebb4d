/**
 * The tfplugin6 messages the stand-in uses, written from the protocol's public documentation
 * (Terraform plugin protocol 6: docs/plugin-protocol/tfplugin6.proto in the Terraform repository).
 * Field numbers are the documented ones; only the fields the stand-in reads or writes appear.
 */
import type { SchemaBlock, SchemaNestedBlock } from './cty';
import { ProtoReader, ProtoWriter } from './wire';

/** A diagnostic returned to Terraform. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  /** Attribute path as attribute names from the resource root. */
  readonly attribute?: readonly string[];
}

const NESTING = { single: 1, list: 2, set: 3, map: 4 } as const;

function attributePath(names: readonly string[]): ProtoWriter {
  const w = new ProtoWriter();
  // AttributePath.steps = 1; Step.attribute_name = 1
  for (const n of names) w.message(1, new ProtoWriter().string(1, n));
  return w;
}

function diagnostic(d: Diagnostic): ProtoWriter {
  // Diagnostic: severity = 1 (ERROR=1, WARNING=2), summary = 2, detail = 3, attribute = 4
  return new ProtoWriter()
    .varint(1, d.severity === 'error' ? 1 : 2)
    .string(2, d.summary)
    .string(3, d.detail)
    .message(4, d.attribute ? attributePath(d.attribute) : undefined);
}

function block(b: SchemaBlock): ProtoWriter {
  // Schema.Block: version = 1, attributes = 2, block_types = 3
  const w = new ProtoWriter();
  for (const [name, a] of Object.entries(b.attributes)) {
    // Schema.Attribute: name = 1, type = 2 (cty type JSON), required = 4, optional = 5, computed = 6, sensitive = 7
    w.message(
      2,
      new ProtoWriter()
        .string(1, name)
        .bytes(2, Buffer.from(JSON.stringify(a.type)))
        .varint(4, a.required === true)
        .varint(5, a.optional === true)
        .varint(6, a.computed === true)
        .varint(7, a.sensitive === true),
    );
  }
  for (const [name, nb] of Object.entries(b.blocks)) w.message(3, nestedBlock(name, nb));
  return w;
}

function nestedBlock(name: string, nb: SchemaNestedBlock): ProtoWriter {
  // Schema.NestedBlock: type_name = 1, block = 2, nesting = 3, min_items = 4, max_items = 5
  return new ProtoWriter()
    .string(1, name)
    .message(2, block(nb.block))
    .varint(3, NESTING[nb.nesting])
    .varint(4, nb.minItems)
    .varint(5, nb.maxItems);
}

function schema(b: SchemaBlock): ProtoWriter {
  // Schema: version = 1, block = 2
  return new ProtoWriter().message(2, block(b));
}

function mapEntry(key: string, value: ProtoWriter): ProtoWriter {
  return new ProtoWriter().string(1, key).message(2, value);
}

/** GetProviderSchema.Response. */
export function encodeGetProviderSchemaResponse(s: {
  provider: SchemaBlock;
  resources: { [type: string]: SchemaBlock };
  dataSources: { [type: string]: SchemaBlock };
}): Buffer {
  // provider = 1, resource_schemas = 2, data_source_schemas = 3, server_capabilities = 6
  const w = new ProtoWriter().message(1, schema(s.provider));
  for (const [t, b] of Object.entries(s.resources)) w.message(2, mapEntry(t, schema(b)));
  for (const [t, b] of Object.entries(s.dataSources)) w.message(3, mapEntry(t, schema(b)));
  // ServerCapabilities.get_provider_schema_optional = 2: Terraform may reuse the schema it fetched.
  w.message(6, new ProtoWriter().varint(2, true));
  return w.finish();
}

/** GetMetadata.Response: capabilities and the type names served. */
export function encodeGetMetadataResponse(resources: string[], dataSources: string[]): Buffer {
  const w = new ProtoWriter().message(1, new ProtoWriter().varint(2, true));
  for (const t of dataSources) w.message(3, new ProtoWriter().string(1, t));
  for (const t of resources) w.message(4, new ProtoWriter().string(1, t));
  return w.finish();
}

/** A response made only of diagnostics, at the documented field number. */
export function encodeDiagnosticsOnly(field: number, diags: readonly Diagnostic[]): Buffer {
  const w = new ProtoWriter();
  for (const d of diags) w.message(field, diagnostic(d));
  return w.finish();
}

function dynamicValue(msgpack: Uint8Array): ProtoWriter {
  // DynamicValue: msgpack = 1, json = 2
  return new ProtoWriter().bytes(1, msgpack.length ? msgpack : Buffer.from([0xc0]));
}

/** A decoded DynamicValue: msgpack bytes, or JSON text. */
export interface DynamicValueIn {
  readonly msgpack?: Buffer;
  readonly json?: Buffer;
}

function readDynamic(r: ProtoReader, field: number): DynamicValueIn | undefined {
  const m = r.message(field);
  if (!m) return undefined;
  return { msgpack: m.bytes(1), json: m.bytes(2) };
}

/** Decoded request fields, by name, for the RPCs the stand-in implements. */
export interface ResourceRequest {
  readonly typeName: string;
  readonly config?: DynamicValueIn;
  readonly priorState?: DynamicValueIn;
  readonly proposedNewState?: DynamicValueIn;
  readonly plannedState?: DynamicValueIn;
  readonly currentState?: DynamicValueIn;
  readonly rawStateJson?: Buffer;
  readonly version?: bigint;
}

/** Field numbers of each request message (all documented in tfplugin6). */
export function decodeRequest(method: string, buf: Buffer): ResourceRequest {
  const r = new ProtoReader(buf);
  switch (method) {
    case 'ValidateProviderConfig':
      return { typeName: '', config: readDynamic(r, 1) };
    case 'ConfigureProvider':
      return { typeName: '', config: readDynamic(r, 2) };
    case 'ValidateResourceConfig':
    case 'ValidateDataResourceConfig':
    case 'ReadDataSource':
      return { typeName: r.string(1), config: readDynamic(r, 2) };
    case 'UpgradeResourceState':
      return { typeName: r.string(1), version: r.varint(2), rawStateJson: r.message(3)?.bytes(1) };
    case 'ReadResource':
      return { typeName: r.string(1), currentState: readDynamic(r, 2) };
    case 'PlanResourceChange':
      return { typeName: r.string(1), priorState: readDynamic(r, 2), proposedNewState: readDynamic(r, 3), config: readDynamic(r, 4) };
    case 'ApplyResourceChange':
      return { typeName: r.string(1), priorState: readDynamic(r, 2), plannedState: readDynamic(r, 3), config: readDynamic(r, 4) };
    default:
      return { typeName: '' };
  }
}

/** UpgradeResourceState.Response: upgraded_state = 1, diagnostics = 2. */
export function encodeUpgradeResponse(state: Uint8Array, diags: readonly Diagnostic[]): Buffer {
  const w = new ProtoWriter().message(1, dynamicValue(state));
  for (const d of diags) w.message(2, diagnostic(d));
  return w.finish();
}

/** ReadResource.Response: new_state = 1, diagnostics = 2. */
export function encodeReadResponse(state: Uint8Array, diags: readonly Diagnostic[]): Buffer {
  const w = new ProtoWriter().message(1, dynamicValue(state));
  for (const d of diags) w.message(2, diagnostic(d));
  return w.finish();
}

/** PlanResourceChange.Response: planned_state = 1, requires_replace = 2, diagnostics = 4. */
export function encodePlanResponse(planned: Uint8Array, requiresReplace: readonly (readonly string[])[], diags: readonly Diagnostic[]): Buffer {
  const w = new ProtoWriter().message(1, dynamicValue(planned));
  for (const p of requiresReplace) w.message(2, attributePath(p));
  for (const d of diags) w.message(4, diagnostic(d));
  return w.finish();
}

/** ApplyResourceChange.Response: new_state = 1, diagnostics = 3. */
export function encodeApplyResponse(state: Uint8Array, diags: readonly Diagnostic[]): Buffer {
  const w = new ProtoWriter().message(1, dynamicValue(state));
  for (const d of diags) w.message(3, diagnostic(d));
  return w.finish();
}

/** ReadDataSource.Response: state = 1, diagnostics = 2. */
export function encodeReadDataSourceResponse(state: Uint8Array, diags: readonly Diagnostic[]): Buffer {
  return encodeReadResponse(state, diags);
}
