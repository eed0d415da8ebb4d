/**
 * `npm run apply:offline -- <stack> [<stack> …]`: synthesizes the stacks asked for, applies each with
 * the real `terraform apply` offline against the stand-in provider, and writes its outputs as
 * `terraform output -json` gives them, so the docs' release commands can be tried as written
 * (`npm run release -- --outputs-file <file> --dry-run`). Every id and ARN is fake and says so where a
 * value can: account 000000000000, names marked `offline`, and an `offline_notice` output. Nothing
 * touches AWS. The offline state is kept, so the next apply of the same stack plans against it.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createOfflineTerraform, readStackConfig, type OfflineTerraform } from '../tools/offline-terraform/harness';
import type { SharedProviders } from '../tools/offline-terraform/shared-providers';
import { terraformErrors } from '../tools/offline-terraform/stacks';
import { runProgram, UsageError, type ParsedCommandLine, type ProgramIo, type ProgramSpec } from './cli';
import { outFileProblems } from './file-flags';
import { declaredStacks, outDir, selectStacks, synthesizeWhile, withTerraform, type DeclaredStack, type SynthOptions } from './offline-stacks';

/** The account of every fake ARN an offline apply makes: no real AWS account has this id. */
export const OFFLINE_ACCOUNT_ID = '000000000000';
/** The word put into names the stand-in makes up (DNS names, buckets). */
export const OFFLINE_NAME_MARK = 'offline';
/** The extra output that says what the file is. */
export const OFFLINE_NOTICE_OUTPUT = 'offline_notice';

export const APPLY_OFFLINE_PROGRAM: ProgramSpec = {
  name: 'apply:offline',
  command: 'npm run apply:offline --',
  summary:
    'Synthesizes the stacks named, applies each with the real `terraform apply` offline against a local stand-in provider, and writes its outputs as `terraform output -json` does: input for `npm run release -- --outputs-file <file>` (with --dry-run, or against a local stand-in). Every id and ARN is fake (account 000000000000, names marked "offline"); nothing exists in AWS. The offline state is kept in cdktf.out/offline/<stack>/, so the next apply plans against it. Needs terraform (1.x) on PATH.',
  positionals: { usage: '<stack> [<stack> ...]', min: 1, max: 100 },
  flags: [
    { name: 'out', type: 'string', valueName: '<file>', help: 'Where to write the outputs JSON (one stack only). Default: cdktf.out/offline/<stack>/outputs.json.' },
    { name: 'fresh', type: 'boolean', help: 'Start from an empty state instead of the previous offline apply.' },
    { name: 'skip-synth', type: 'boolean', help: 'Apply what is already in cdktf.out/stacks instead of synthesizing first.' },
  ],
  exitCodes: [
    { code: 0, meaning: 'every stack applied and its outputs written' },
    { code: 1, meaning: 'the synth or terraform failed (or terraform is missing)' },
    { code: 2, meaning: 'bad input: unknown flag or stack, --out with several stacks, an --out that is a directory or in an unwritable folder' },
  ],
};

/** What `apply:offline` does. */
export interface ApplyOfflineInput {
  readonly stacks: readonly string[];
  /** Outputs file per stack, absolute. */
  readonly out: Readonly<Record<string, string>>;
  readonly fresh: boolean;
  readonly skipSynth: boolean;
}

/** Where a stack's offline state and outputs live: `<cdktf.out>/offline/<stack>`. */
export function offlineDir(stack: string): string {
  return path.join(outDir(), 'offline', stack);
}

/**
 * The input from a parsed command line.
 * @throws UsageError naming every problem
 */
export function applyOfflineInput(parsed: ParsedCommandLine): ApplyOfflineInput {
  const stacks = [...new Set(parsed.positionals)];
  const out = parsed.values.out as string | undefined;
  const selected = selectStacks(declaredStacks(), stacks);
  const problems = 'problems' in selected ? [...selected.problems] : [];
  if (out !== undefined && stacks.length > 1) problems.push(`--out takes one stack; received ${stacks.length} (${stacks.join(', ')})`);
  if (out !== undefined) problems.push(...outFileProblems('out', out));
  if (problems.length > 0) throw new UsageError(problems[0]!, problems);
  return {
    stacks,
    out: Object.fromEntries(stacks.map((s) => [s, path.resolve(out ?? path.join(offlineDir(s), 'outputs.json'))])),
    fresh: parsed.values.fresh === true,
    skipSynth: parsed.values['skip-synth'] === true,
  };
}

/** `terraform output -json` with the notice added (same shape: value, type, sensitive). */
export function withOfflineNotice(outputs: Record<string, unknown>): Record<string, unknown> {
  return {
    ...outputs,
    [OFFLINE_NOTICE_OUTPUT]: {
      sensitive: false,
      type: 'string',
      value: `Made by npm run apply:offline: a local stand-in provider, not AWS. Every id and ARN is fake (account ${OFFLINE_ACCOUNT_ID}); nothing here exists in any account.`,
    },
  };
}

/** One applied stack. */
export interface AppliedStack {
  readonly stack: string;
  readonly outputsFile: string;
  /** The apply's summary line, e.g. `Apply complete! Resources: 47 added, 0 changed, 0 destroyed.` */
  readonly summary: string;
}

async function applyOne(tf: OfflineTerraform, providers: SharedProviders, dir: string, stack: DeclaredStack, input: ApplyOfflineInput, log: (line: string) => void): Promise<AppliedStack | undefined> {
  const ws = tf.workspace(path.join(dir, stack.stack), stack.stack);
  const kept = path.join(offlineDir(stack.stack), 'terraform.tfstate');
  if (!input.fresh && existsSync(kept)) copyFileSync(kept, path.join(ws, 'terraform.tfstate'));
  const apply = await tf.run(ws, ['apply', '-auto-approve', '-input=false', '-no-color'], { providers });
  // The state is kept even after a failed apply: what was created is in it, as with a real apply.
  mkdirSync(offlineDir(stack.stack), { recursive: true });
  if (existsSync(path.join(ws, 'terraform.tfstate'))) copyFileSync(path.join(ws, 'terraform.tfstate'), kept);
  const output = apply.code === 0 ? await tf.run(ws, ['output', '-json'], { providers }) : apply;
  if (output.code !== 0) {
    log(`FAIL  ${stack.stack}: terraform ${apply.code === 0 ? 'output' : 'apply'} failed`);
    log(terraformErrors(`${output.stdout}\n${output.stderr}`).replace(/^/gm, '      '));
    return undefined;
  }
  const file = input.out[stack.stack]!;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(withOfflineNotice(JSON.parse(output.stdout) as Record<string, unknown>), null, 2)}\n`);
  const summary = apply.stdout.split('\n').find((l) => l.startsWith('Apply complete!')) ?? 'applied';
  return { stack: stack.stack, outputsFile: file, summary };
}

/** Options of {@link applyOffline}. */
export interface ApplyOfflineOptions {
  /** Where the synth's own output goes. @default - inherited */
  readonly synth?: SynthOptions;
}

/**
 * Applies the stacks offline and writes their outputs.
 * @returns the applied stacks, or undefined when one failed (the reasons went to `log`)
 */
export async function applyOffline(input: ApplyOfflineInput, log: (line: string) => void, options: ApplyOfflineOptions = {}): Promise<AppliedStack[] | undefined> {
  const selected = selectStacks(declaredStacks(), input.stacks);
  if ('problems' in selected) throw new UsageError(selected.problems[0]!, selected.problems);
  const tf = createOfflineTerraform({ configs: [] });
  try {
    // One provider set per stack: apply configures the provider (region, default tags).
    const start = (): Promise<SharedProviders[]> => Promise.all(selected.stacks.map(() => tf.startProviders({ accountId: OFFLINE_ACCOUNT_ID, nameMark: OFFLINE_NAME_MARK })));
    const synth = await synthesizeWhile(selected.stacks, input.skipSynth, start, options.synth);
    if (!synth.ok) {
      synth.problems.forEach((p) => log(`FAIL  ${p}`));
      return undefined;
    }
    tf.serve(selected.stacks.map((s) => readStackConfig(path.join(synth.dir, s.stack))));
    const applied = await Promise.all(selected.stacks.map((s, i) => applyOne(tf, synth.started[i]!, synth.dir, s, input, log)));
    return applied.every((a) => a !== undefined) ? (applied as AppliedStack[]) : undefined;
  } finally {
    tf.dispose();
  }
}

/** Entry point: `npm run apply:offline -- …`. */
export function main(io?: ProgramIo): Promise<number> {
  return runProgram(
    APPLY_OFFLINE_PROGRAM,
    (parsed, pio) => {
      const log = (line: string): void => pio.stdout(`${line}\n`);
      return withTerraform(log, async () => {
        const applied = await applyOffline(applyOfflineInput(parsed), log);
        for (const a of applied ?? []) {
          const file = path.relative(process.cwd(), a.outputsFile);
          log(`${a.stack}: ${a.summary} (offline: fake ids and ARNs in account ${OFFLINE_ACCOUNT_ID}; nothing was created in AWS)`);
          log(`${a.stack}: outputs written to ${file}; try: npm run release -- --outputs-file ${file} --stack ${a.stack} --dry-run`);
        }
        return applied ? 0 : 1;
      });
    },
    io,
  );
}

if (require.main === module) void main();
