/**
 * `npm run validate`: synthesizes the stacks the app declares, then runs the real `terraform validate`
 * on each of them, in parallel, offline against the stand-in provider (tools/offline-terraform).
 * A stack directory in cdktf.out that the app does not declare (an environment since deleted) is
 * named and left out. See docs/offline-terraform.md.
 */
import * as path from 'node:path';
import { createOfflineTerraform, readStackConfig, type OfflineTerraform } from '../tools/offline-terraform/harness';
import type { SharedProviders } from '../tools/offline-terraform/shared-providers';
import { listStacks, terraformErrors } from '../tools/offline-terraform/stacks';
import { runProgram, UsageError, type ParsedCommandLine, type ProgramIo, type ProgramSpec } from './cli';
import { declaredStacks, selectStacks, synthesizeWhile, withTerraform, type DeclaredStack } from './offline-stacks';

export const VALIDATE_PROGRAM: ProgramSpec = {
  name: 'validate',
  command: 'npm run validate --',
  summary:
    'Synthesizes the stacks the app declares (stacks/environments.ts), then runs the real `terraform validate` on each, in parallel, offline: Terraform reaches a local stand-in provider built from the schemas in @cdktf/provider-aws. Proves that Terraform accepts the configuration, not that AWS will. Needs terraform (1.x) on PATH; no network, no AWS credentials.',
  flags: [
    { name: 'stack', type: 'list', valueName: '<name>[,<name>]', help: 'Validate only these stacks (repeat or comma-separate). Default: every stack the app declares.' },
    { name: 'skip-synth', type: 'boolean', help: 'Validate what is already in cdktf.out/stacks instead of synthesizing first.' },
  ],
  exitCodes: [
    { code: 0, meaning: 'every stack is valid' },
    { code: 1, meaning: 'a stack is invalid, not synthesized, or the synth or terraform failed' },
    { code: 2, meaning: 'bad input: unknown flag or stack' },
  ],
};

/** What `validate` does. */
export interface ValidateInput {
  readonly skipSynth: boolean;
  /** Stack names to validate; empty means every declared stack. */
  readonly stacks: readonly string[];
}

/**
 * The input from a parsed command line.
 * @throws UsageError naming every --stack the app does not declare
 */
export function validateInput(parsed: ParsedCommandLine): ValidateInput {
  const stacks = (parsed.values.stack as readonly string[] | undefined) ?? [];
  const selected = selectStacks(declaredStacks(), stacks);
  if ('problems' in selected) throw new UsageError(selected.problems[0]!, selected.problems.map((p) => `--stack ${p}`));
  return { skipSynth: parsed.values['skip-synth'] === true, stacks };
}

/** Outcome of one stack. */
interface StackResult {
  readonly stack: string;
  readonly ok: boolean;
  readonly seconds: string;
  readonly errors?: string;
}

async function validateOne(tf: OfflineTerraform, providers: SharedProviders, dir: string, stack: string): Promise<StackResult> {
  const started = Date.now();
  // No `terraform init`: providers reached through TF_REATTACH_PROVIDERS are not installed.
  const ws = tf.workspace(dir, stack);
  const result = await tf.run(ws, ['validate', '-no-color'], { providers });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return result.code === 0 ? { stack, ok: true, seconds } : { stack, ok: false, seconds, errors: terraformErrors(`${result.stdout}\n${result.stderr}`) };
}

/** Lines naming stack directories the app does not declare (left from a deleted environment). */
export function staleStackNotes(present: readonly string[], declared: readonly DeclaredStack[], dir: string): string[] {
  const known = new Set(declared.map((d) => d.stack));
  return present
    .filter((s) => !known.has(s))
    .map((s) => `note  ${path.join(path.relative(process.cwd(), dir) || '.', s)} is not a stack of the app (stacks/environments.ts): not validated`);
}

/** Validates the stacks; returns the exit code. `log` receives one line at a time. */
export async function validate(input: ValidateInput, log: (line: string) => void): Promise<number> {
  const declared = declaredStacks();
  const selected = selectStacks(declared, input.stacks);
  if ('problems' in selected) throw new UsageError(selected.problems[0]!, selected.problems.map((p) => `--stack ${p}`));
  // The provider starts while the app synthesizes: its start-up is off the critical path.
  const tf = createOfflineTerraform({ configs: [] });
  try {
    const synth = await synthesizeWhile(selected.stacks, input.skipSynth, () => tf.startProviders());
    if (!synth.ok) {
      synth.problems.forEach((p) => log(`FAIL  ${p}`));
      return 1;
    }
    staleStackNotes(listStacks(synth.dir), declared, synth.dir).forEach((l) => log(l));
    tf.serve(selected.stacks.map((s) => readStackConfig(path.join(synth.dir, s.stack))));
    const results = await Promise.all(selected.stacks.map((s) => validateOne(tf, synth.started, path.join(synth.dir, s.stack), s.stack)));
    for (const r of results) {
      log(r.ok ? `ok    ${r.stack}: terraform validate passed (${r.seconds} s)` : `FAIL  ${r.stack}: terraform validate failed (${r.seconds} s)`);
      if (r.errors) log(r.errors.replace(/^/gm, '      '));
    }
    const valid = results.filter((r) => r.ok).length;
    log(`${valid}/${results.length} stacks valid (offline stand-in provider: proves Terraform accepts the configuration, not that AWS will)`);
    return valid === results.length ? 0 : 1;
  } finally {
    tf.dispose();
  }
}

/** Entry point: `npm run validate -- …`. */
export function main(io?: ProgramIo): Promise<number> {
  return runProgram(
    VALIDATE_PROGRAM,
    (parsed, pio) => {
      const log = (line: string): void => pio.stdout(`${line}\n`);
      return withTerraform(log, () => validate(validateInput(parsed), log));
    },
    io,
  );
}

if (require.main === module) void main();
