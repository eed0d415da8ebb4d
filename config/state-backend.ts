/**
 * The Terraform state backend a stack is synthesized with: the environment's own `state`, or, when
 * `BLUEGREEN_STATE_BUCKET` is set, an S3 backend in that bucket. This lets CI keep every
 * environment's state in one bucket (a runner loses local state) while `npm run synth` on a laptop
 * keeps the configured backend (local for the `bluegreen-dev` example). Pure: no cdktf imports, no I/O;
 * the process environment is a parameter.
 */
import type { EnvironmentConfig, StateConfig } from './environment';
import { DEFAULTS } from './environment';
import { stackName } from './names';
import { AWS_REGION_PATTERN, EnvironmentConfigError } from './validation';
import { show } from './problems';

/** Names of the variables read at synth time. */
export const STATE_BACKEND_ENV = {
  /** S3 bucket for every environment's state; empty or unset: each environment's `state` applies. */
  bucket: 'BLUEGREEN_STATE_BUCKET',
  /** Region of that bucket; empty or unset: the environment's region. */
  region: 'BLUEGREEN_STATE_REGION',
  /** Prepended verbatim to `<environment>.tfstate`; empty or unset: `<project>/`. */
  keyPrefix: 'BLUEGREEN_STATE_KEY_PREFIX',
} as const;

/** Variables as `process.env` holds them. */
export type StateBackendVariables = Readonly<Record<string, string | undefined>>;

/** What of an environment the choice depends on. */
export type StateBackendEnvironment = Pick<EnvironmentConfig, 'name' | 'region' | 'project' | 'state'>;

/** The backend to synthesize, and why. */
export interface StateBackendChoice {
  /** The backend; a new object (the environment's `state` is not shared). */
  readonly state: StateConfig;
  /** `configuration`: the environment's `state` (or its default); `variables`: `BLUEGREEN_STATE_BUCKET`. */
  readonly source: 'configuration' | 'variables';
  /** A line for the synth log when the variables decided; undefined otherwise. */
  readonly notice: string | undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;
/** S3's limit on an object key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** Room for `<environment>.tfstate` (environment names are at most 32 characters). */
const MAX_PREFIX_BYTES = MAX_KEY_BYTES - 32 - '.tfstate'.length;


/** A variable's value, with the empty string as unset (GitHub expands an undefined `vars.X` to ''). */
function read(variables: StateBackendVariables, name: string): string | undefined {
  const value = variables[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Why `name` is not a general purpose S3 bucket name, or undefined when it is one
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 */
export function bucketNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9.-]{3,63}$/.test(name)) return '3-63 lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'starting and ending with a letter or digit';
  if (name.includes('..')) return 'without two adjacent dots';
  if (IPV4.test(name)) return 'not formatted as an IP address';
  const prefix = RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `not starting with the reserved prefix "${prefix}"`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `not ending with the reserved suffix "${suffix}"`;
  return undefined;
}

/**
 * Checks the state variables; one message per problem, naming the variable, the value received and
 * what is allowed. The region and the key prefix are only checked (and used) with a bucket.
 */
export function stateBackendVariableProblems(variables: StateBackendVariables): string[] {
  const bucket = read(variables, STATE_BACKEND_ENV.bucket);
  if (bucket === undefined) return [];
  const problems: string[] = [];
  const bucketProblem = bucketNameProblem(bucket);
  if (bucketProblem) problems.push(`${STATE_BACKEND_ENV.bucket} must be an S3 bucket name (${bucketProblem}), got ${show(bucket)}`);
  const region = read(variables, STATE_BACKEND_ENV.region);
  if (region !== undefined && !AWS_REGION_PATTERN.test(region)) {
    problems.push(`${STATE_BACKEND_ENV.region} must be an AWS region code such as eu-west-1 (or empty: each environment's region), got ${show(region)}`);
  }
  const prefix = read(variables, STATE_BACKEND_ENV.keyPrefix);
  if (prefix !== undefined) {
    // Terraform's s3 backend rejects such keys at `terraform init`; say so at synth instead.
    if (prefix.startsWith('/') || prefix.includes('//')) {
      problems.push(`${STATE_BACKEND_ENV.keyPrefix} must not start with "/" nor contain "//" (Terraform's s3 backend rejects such keys), got ${show(prefix)}`);
    } else if (Buffer.byteLength(prefix, 'utf8') > MAX_PREFIX_BYTES) {
      problems.push(`${STATE_BACKEND_ENV.keyPrefix} must be at most ${MAX_PREFIX_BYTES} bytes (S3 keys are at most ${MAX_KEY_BYTES}), got ${Buffer.byteLength(prefix, 'utf8')} bytes`);
    }
  }
  return problems;
}

function describeBackend(state: StateConfig): string {
  if (state.backend === 'local') return 'local backend';
  return `s3 backend (bucket ${show(state.bucket)}${state.key !== undefined ? `, key ${show(state.key)}` : ''})`;
}

/**
 * The state backend of `environment`. Unset (or empty) `BLUEGREEN_STATE_BUCKET`: the environment's
 * `state`, `{ backend: 'local' }` by default. Set: it overrides every environment's `state` with
 * `{ backend: 's3', bucket, key: <prefix><name>.tfstate, region }` — prefix `BLUEGREEN_STATE_KEY_PREFIX`
 * or `<project>/`, region `BLUEGREEN_STATE_REGION` or the environment's — locked with S3's native lock
 * file (no `dynamodbTable`), and a notice says so.
 * @throws EnvironmentConfigError when a variable is invalid
 */
export function resolveStateBackend(variables: StateBackendVariables, environment: StateBackendEnvironment): StateBackendChoice {
  const configured: StateConfig = environment.state ? { ...environment.state } : { backend: 'local' };
  const problems = stateBackendVariableProblems(variables);
  if (problems.length > 0) throw new EnvironmentConfigError(environment.name, problems);
  const bucket = read(variables, STATE_BACKEND_ENV.bucket);
  if (bucket === undefined) return { state: configured, source: 'configuration', notice: undefined };

  const project = environment.project ?? DEFAULTS.project;
  const key = `${read(variables, STATE_BACKEND_ENV.keyPrefix) ?? `${project}/`}${environment.name}.tfstate`;
  const region = read(variables, STATE_BACKEND_ENV.region) ?? environment.region;
  const state: StateConfig = { backend: 's3', bucket, key, region };
  const notice =
    `${stackName(project, environment.name)}: Terraform state in s3://${bucket}/${key} (region ${region}, S3 lock file), ` +
    `set by ${STATE_BACKEND_ENV.bucket}; it overrides the configured ${describeBackend(configured)}`;
  return { state, source: 'variables', notice };
}
