/**
 * botocore's service models (what the AWS CLI parses answers with), for checking a stand-in's
 * answers member by member: a JS SDK client silently drops members it does not know, so only a
 * check against the model catches a misspelt field or an enum value AWS never sends.
 */
import { spawnSync } from 'node:child_process';
import { describeWhen } from './require-tool';

/**
 * Python that prints the service models named in its arguments as one JSON object, with pip's
 * botocore or the copy Debian's awscli vendors; exit status 3 when neither can be imported.
 */
const LOAD_MODELS_PYTHON = [
  'import json, sys',
  'try:\n from botocore.loaders import Loader',
  'except ImportError:\n try:\n  from awscli.botocore.loaders import Loader\n except ImportError:\n  sys.exit(3)',
  'loader = Loader()',
  "print(json.dumps({s: loader.load_service_model(s, 'service-2') for s in sys.argv[1:]}))",
].join('\n');

interface Shape {
  readonly type: string;
  readonly members?: Record<string, { readonly shape: string }>;
  readonly member?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly enum?: readonly string[];
  readonly exception?: boolean;
  readonly error?: { readonly code?: string };
  /** A free-form JSON document (e.g. ECS's `HookDetails`): any value conforms. */
  readonly document?: boolean;
}

/** The parts of a botocore model the checks read. */
export interface ServiceModel {
  readonly metadata: { readonly protocol: string; readonly targetPrefix?: string; readonly apiVersion: string };
  readonly operations: Record<string, { readonly output?: { readonly shape: string }; readonly errors?: ReadonlyArray<{ readonly shape: string }> }>;
  readonly shapes: Record<string, Shape>;
}

/** Service models by name; `get` throws why a model could not be loaded. */
export interface ServiceModels {
  get(service: string): ServiceModel;
}

/**
 * `describe` for tests of botocore's models of `services` (e.g. `logs`, `elbv2`): one `python3` loads
 * them all while the file is collected, and is the tool check too (skipped with the reason, or failing
 * under `REQUIRE_TEST_TOOLS=1`, when python3 cannot run or import botocore). A model botocore does not
 * have fails the tests that ask for it.
 */
export function describeWithServiceModels(title: string, services: readonly string[], body: (models: ServiceModels) => void): void {
  const r = spawnSync('python3', ['-c', LOAD_MODELS_PYTHON, ...services], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  const missing = r.error || r.status === 3 ? { need: 'python3', reason: `python3 with botocore is not on PATH (or does not run)${r.error ? `: ${r.error.message}` : ''}` } : undefined;
  const loaded: Record<string, ServiceModel> = r.status === 0 ? JSON.parse(r.stdout) : {};
  const models: ServiceModels = {
    get(service) {
      const model = loaded[service];
      if (!model) throw new Error(`could not load botocore's ${service} model: ${r.status === 0 ? 'not asked for' : `exit ${r.status ?? r.signal}: ${r.stderr}`}`);
      return model;
    },
  };
  describeWhen(title, missing, () => body(models));
}

/**
 * Problems of `value` against `shapeName`, as `path: problem` strings (empty when it conforms).
 * `timestamps` says how the protocol sends them: epoch seconds (JSON) or Date objects that the
 * Query server writes as ISO 8601.
 */
export function conformToShape(model: ServiceModel, shapeName: string, value: unknown, path: string, timestamps: 'epoch-seconds' | 'date' = 'epoch-seconds'): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: unknown shape ${shapeName}`];
  if (value === null || value === undefined) return [`${path}: null`];
  if (shape.document) return [];
  const recurse = (s: string, v: unknown, p: string): string[] => conformToShape(model, s, v, p, timestamps);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return [`${path}: expected a structure (${shapeName})`];
      return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
        const member = shape.members?.[k];
        return member ? recurse(member.shape, v, `${path}.${k}`) : [`${path}.${k}: not a member of ${shapeName}`];
      });
    }
    case 'list':
      return Array.isArray(value) ? value.flatMap((v, i) => recurse(shape.member!.shape, v, `${path}[${i}]`)) : [`${path}: expected a list`];
    case 'map':
      return typeof value === 'object' ? Object.entries(value as object).flatMap(([k, v]) => recurse(shape.value!.shape, v, `${path}.${k}`)) : [`${path}: expected a map`];
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      return shape.enum && !shape.enum.includes(value) ? [`${path}: ${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`] : [];
    case 'timestamp':
      if (timestamps === 'date') return value instanceof Date ? [] : [`${path}: expected a Date`];
      return typeof value === 'number' ? [] : [`${path}: expected epoch seconds, got ${JSON.stringify(value)}`];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    default:
      return [`${path}: unchecked type ${shape.type}`];
  }
}

/** The error code a model's exception shape is sent as (Query services may rename: `TargetGroupNotFound`). */
export function errorCodeOf(model: ServiceModel, shapeName: string): string {
  return model.shapes[shapeName]?.error?.code ?? shapeName;
}
