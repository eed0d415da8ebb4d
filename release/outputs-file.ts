/**
 * Reads stack outputs in either format the release accepts: `cdktf deploy --outputs-file`
 * (`{ "<stack>": { "<output>": value } }`) or `terraform output -json`
 * (`{ "<output>": { "value": …, "type": … } }`).
 */

/** Output values of one stack, by output name. */
export type StackOutputs = Readonly<Record<string, unknown>>;

/** The outputs of one stack, and a human description of where they came from (for messages). */
export interface LoadedOutputs {
  readonly outputs: StackOutputs;
  /** e.g. `stack "bluegreen-dev" of outputs.json`, or `outputs.json` (terraform format). */
  readonly where: string;
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
    return { outputs, where: fileName };
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
): { readonly outputs: StackOutputs; readonly where?: string; readonly unusableFile?: string; readonly problem?: string } {
  if (file === undefined) return { outputs: {} };
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    return { outputs: {}, unusableFile: file, problem: `cannot read the outputs file ${file} (from ${from}): ${(err as Error).message}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { outputs: {}, unusableFile: file, problem: `the outputs file ${file} is not valid JSON: ${(err as Error).message}` };
  }
  const selected = selectStackOutputs(doc, file, stack);
  if ('error' in selected) return { outputs: {}, unusableFile: file, problem: selected.error };
  return { outputs: selected.outputs, where: selected.where };
}
