/**
 * Reads stack outputs in either format the release accepts: `cdktf deploy --outputs-file`
 * (`{ "<stack>": { "<output>": value } }`) or `terraform output -json`
 * (`{ "<output>": { "value": …, "type": … } }`), and picks one service's outputs from a stack with
 * several (the `services` output of lib/outputs.ts).
 */
import { SERVICES_OUTPUT } from '../lib/outputs';

/** Output values of one stack, by output name. */
export type StackOutputs = Readonly<Record<string, unknown>>;

/** The outputs of one stack, and a human description of where they came from (for messages). */
export interface LoadedOutputs {
  readonly outputs: StackOutputs;
  /** e.g. `stack "bluegreen-dev" of outputs.json`, or `outputs.json` (terraform format). */
  readonly where: string;
  /**
   * Something the user should hear once, not an error: a stack name given with a `terraform output
   * -json` file, which holds one stack's outputs and no stack name, so the name picks nothing.
   * @default - none
   */
  readonly notice?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when every top-level entry looks like a `terraform output -json` value object. */
function isTerraformFormat(doc: Record<string, unknown>): boolean {
  const values = Object.values(doc);
  return values.length > 0 && values.every((v) => isObject(v) && 'value' in v && ('type' in v || 'sensitive' in v));
}

/**
 * Picks the stack's outputs from a parsed outputs document.
 * @returns the outputs, or an error message naming the file, the stacks found and what to pass
 */
export function selectStackOutputs(doc: unknown, fileName: string, stack: string | undefined): LoadedOutputs | { readonly error: string } {
  if (!isObject(doc)) return { error: `${fileName} is not a JSON object of stack outputs (expected cdktf --outputs-file or terraform output -json)` };
  if (isTerraformFormat(doc)) {
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) outputs[k] = (v as { value: unknown }).value;
    // The format carries no stack name to check `stack` against: say the name is not used, once.
    const notice = stack === undefined ? undefined : `${fileName} is \`terraform output -json\` of one stack (it holds no stack name), so stack ${JSON.stringify(stack)} (from --stack/RELEASE_STACK) is not used to pick or check its outputs`;
    return { outputs, where: fileName, ...(notice ? { notice } : {}) };
  }
  const stacks = Object.keys(doc).filter((k) => isObject(doc[k]));
  if (stacks.length === 0) return { error: `${fileName} holds no stack outputs (expected { "<stack>": { "<output>": value } } or terraform output -json)` };
  let chosen = stack;
  if (chosen === undefined) {
    if (stacks.length > 1) {
      return { error: `${fileName} holds outputs of ${stacks.length} stacks (${stacks.join(', ')}); choose one with --stack or RELEASE_STACK` };
    }
    chosen = stacks[0];
  }
  // Own keys only: `--stack __proto__` must not pick up Object.prototype as a stack.
  if (!Object.prototype.hasOwnProperty.call(doc, chosen) || !isObject(doc[chosen])) {
    return { error: `stack ${JSON.stringify(chosen)} (from --stack/RELEASE_STACK) is not in ${fileName}; it has: ${stacks.join(', ')}` };
  }
  return { outputs: doc[chosen] as Record<string, unknown>, where: `stack ${JSON.stringify(chosen)} of ${fileName}` };
}

/**
 * Reads, parses and selects the stack's outputs from the outputs file (when one is given).
 * @param from where the file name came from, for messages (`--outputs-file` or `RELEASE_OUTPUTS_FILE`)
 * @returns the outputs and where they came from, or the one problem that made the file unusable
 */
export function loadStackOutputs(
  file: string | undefined,
  from: string,
  stack: string | undefined,
  readFile: (path: string) => string,
): { readonly outputs: StackOutputs; readonly where?: string; readonly problem?: string; readonly notice?: string } {
  if (file === undefined) return { outputs: {} };
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    return { outputs: {}, problem: `cannot read the outputs file ${file} (from ${from}): ${(err as Error).message}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { outputs: {}, problem: `the outputs file ${file} is not valid JSON: ${(err as Error).message}` };
  }
  const selected = selectStackOutputs(doc, file, stack);
  if ('error' in selected) return { outputs: {}, problem: selected.error };
  return { outputs: selected.outputs, where: selected.where, ...(selected.notice ? { notice: selected.notice } : {}) };
}

/** One service's outputs (the stack's top-level outputs overlaid with the service's own). */
export interface ServiceOutputs {
  /** The service's name; undefined for a stack whose outputs are one service's, at the top level. */
  readonly service?: string;
  readonly outputs: StackOutputs;
  /** e.g. `service "api" of stack "bluegreen-prod" of outputs.json`. */
  readonly where: string;
}

const list = (names: readonly string[]): string => names.join(', ');

/**
 * The services of a stack's outputs to release, in the order asked for.
 * - A stack with a `services` output: `requested` names some of them (each must be one of them);
 *   without it, the stack must have exactly one service.
 * - A stack without it (one service, its outputs at the top level, as before services existed): no
 *   name can be checked, so none may be given.
 * @param from where `requested` came from, for messages (`--service`, `RELEASE_SERVICE (for --service)`)
 * @returns the services, or the one problem (naming the stack, the names it has and what to pass)
 */
export function selectServices(loaded: LoadedOutputs, requested: readonly string[] | undefined, from: string): { readonly services: readonly ServiceOutputs[] } | { readonly error: string } {
  const { [SERVICES_OUTPUT]: services, ...topLevel } = loaded.outputs;
  const wanted = requested === undefined ? undefined : [...new Set(requested)];
  if (services === undefined || services === null) {
    if (wanted === undefined) return { services: [{ outputs: loaded.outputs, where: loaded.where }] };
    return { error: `${from} names ${list(wanted.map((n) => JSON.stringify(n)))}, but ${loaded.where} has no ${JSON.stringify(SERVICES_OUTPUT)} output: its outputs are one service's, at the top level; release it without ${from.split(' ')[0]}` };
  }
  const byName = isObject(services) ? services : undefined;
  const names = byName ? Object.keys(byName) : [];
  if (!byName || names.length === 0 || names.some((n) => !isObject(byName[n]))) {
    return { error: `output ${JSON.stringify(SERVICES_OUTPUT)} in ${loaded.where} must be an object of service name to that service's outputs; received ${JSON.stringify(services)}` };
  }
  if (wanted === undefined && names.length > 1) {
    return { error: `${loaded.where} has ${names.length} services (${list(names)}); choose with --service or RELEASE_SERVICE (several, comma-separated, are released one after another)` };
  }
  const chosen = wanted ?? names;
  // Own keys only: a name such as `__proto__` must not pick up Object.prototype.
  const unknown = chosen.filter((n) => !Object.prototype.hasOwnProperty.call(byName, n));
  if (unknown.length > 0) {
    return { error: `service${unknown.length > 1 ? 's' : ''} ${list(unknown.map((n) => JSON.stringify(n)))} (from ${from}) ${unknown.length > 1 ? 'are' : 'is'} not in ${loaded.where}; it has: ${list(names)}` };
  }
  return {
    services: chosen.map((service) => ({ service, outputs: { ...topLevel, ...(byName[service] as Record<string, unknown>) }, where: `service ${JSON.stringify(service)} of ${loaded.where}` })),
  };
}
