/**
 * What the stand-in provider answers to each tfplugin6 call, request bytes in, response bytes out:
 * the protocol side of provider-server.ts (which serves these over gRPC), without loading gRPC.
 */
import { readFileSync, statSync } from 'node:fs';
import { applyResource, DEFAULT_SETTINGS, DRIFT_FILE_ENV, planResource, providerSettings, readDataSource, readResource } from './behaviour';
import type { DriftPatch, ProviderSettings } from './behaviour';
import { conformBlock, decodeMsgpack, encodeMsgpack } from './cty';
import type { SchemaBlock, Value } from './cty';
import * as msg from './messages';
import type { Diagnostic, DynamicValueIn } from './messages';
import type { ProviderSchemas } from './schema';

function decodeValue(v: DynamicValueIn | undefined): Value {
  if (!v) return null;
  if (v.msgpack && v.msgpack.length) return decodeMsgpack(v.msgpack);
  if (v.json && v.json.length) return JSON.parse(v.json.toString('utf8')) as Value;
  return null;
}

function loadDrift(): DriftPatch[] {
  const file = process.env[DRIFT_FILE_ENV];
  if (!file) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${DRIFT_FILE_ENV}: ${file} must hold a JSON array of {type, match, set}`);
  return parsed as DriftPatch[];
}

/**
 * The schemas of `file`, read again whenever the file changes: a shared provider may start before
 * the harness knows which types the configurations use.
 */
export function schemaFileLoader(file: string): () => ProviderSchemas {
  let loaded: { stamp: string; schemas: ProviderSchemas } | undefined;
  return () => {
    const st = statSync(file);
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (loaded?.stamp !== stamp) loaded = { stamp, schemas: JSON.parse(readFileSync(file, 'utf8')) as ProviderSchemas };
    return loaded.schemas;
  };
}

/** Handles one RPC: request bytes in, response bytes out. */
export function createHandlers(source: ProviderSchemas | (() => ProviderSchemas), baseSettings: ProviderSettings = DEFAULT_SETTINGS): Record<string, (req: Buffer) => Buffer> {
  const load = typeof source === 'function' ? source : () => source;
  let settings: ProviderSettings = baseSettings;
  const resourceSchema = (t: string): SchemaBlock => {
    const s = load().resources[t];
    if (!s) throw new Error(`the offline stand-in has no schema for resource type ${t}`);
    return s;
  };
  const noDiags: Diagnostic[] = [];
  // Terraform asks for the whole schema on every command (and phase); a shared provider serves many
  // commands, and encoding it again each time was about a fifth of such a process's CPU. Encoded
  // again only when the loader has read a new file.
  let schemaResponse: { readonly schemas: ProviderSchemas; readonly bytes: Buffer } | undefined;
  return {
    GetMetadata: () => msg.encodeGetMetadataResponse(Object.keys(load().resources), Object.keys(load().dataSources)),
    GetProviderSchema: () => {
      const schemas = load();
      if (schemaResponse?.schemas !== schemas) schemaResponse = { schemas, bytes: msg.encodeGetProviderSchemaResponse(schemas) };
      return schemaResponse.bytes;
    },
    ValidateProviderConfig: () => msg.encodeDiagnosticsOnly(2, noDiags),
    ValidateResourceConfig: () => msg.encodeDiagnosticsOnly(1, noDiags),
    ValidateDataResourceConfig: () => msg.encodeDiagnosticsOnly(1, noDiags),
    ConfigureProvider: (buf) => {
      settings = providerSettings(decodeValue(msg.decodeRequest('ConfigureProvider', buf).config), baseSettings);
      return msg.encodeDiagnosticsOnly(1, noDiags);
    },
    UpgradeResourceState: (buf) => {
      const req = msg.decodeRequest('UpgradeResourceState', buf);
      const raw = req.rawStateJson?.length ? (JSON.parse(req.rawStateJson.toString('utf8')) as Value) : null;
      return msg.encodeUpgradeResponse(encodeMsgpack(conformBlock(raw, resourceSchema(req.typeName))), noDiags);
    },
    ReadResource: (buf) => {
      const req = msg.decodeRequest('ReadResource', buf);
      const state = readResource(req.typeName, resourceSchema(req.typeName), decodeValue(req.currentState), loadDrift());
      return msg.encodeReadResponse(encodeMsgpack(state), noDiags);
    },
    PlanResourceChange: (buf) => {
      const req = msg.decodeRequest('PlanResourceChange', buf);
      const values = [req.priorState, req.proposedNewState, req.config].map(decodeValue) as [Value, Value, Value];
      const { planned, requiresReplace } = planResource(req.typeName, resourceSchema(req.typeName), ...values, settings);
      return msg.encodePlanResponse(encodeMsgpack(planned), requiresReplace, noDiags);
    },
    ApplyResourceChange: (buf) => {
      const req = msg.decodeRequest('ApplyResourceChange', buf);
      const state = applyResource(req.typeName, resourceSchema(req.typeName), decodeValue(req.plannedState), settings);
      return msg.encodeApplyResponse(encodeMsgpack(state), noDiags);
    },
    ReadDataSource: (buf) => {
      const req = msg.decodeRequest('ReadDataSource', buf);
      const schema = load().dataSources[req.typeName];
      if (!schema) throw new Error(`the offline stand-in has no schema for data source ${req.typeName}`);
      const state = readDataSource(req.typeName, schema, decodeValue(req.config), settings);
      return msg.encodeReadDataSourceResponse(encodeMsgpack(state), noDiags);
    },
    StopProvider: () => Buffer.alloc(0),
  };
}
