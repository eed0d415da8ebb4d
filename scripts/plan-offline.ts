/**
 * `npm run plan:offline -- <stack> [<stack> …]`: synthesizes only the stacks asked for, then runs the
 * real `terraform plan` on each, in parallel, offline against the stand-in provider, and writes
 * `terraform show -json` of each plan (the input of `npm run plan:report`). See
 * docs/offline-terraform.md.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DriftPatch } from '../tools/offline-terraform/behaviour';
import { createOfflineTerraform, readStackConfig, type OfflineTerraform } from '../tools/offline-terraform/harness';
import type { SharedProviders } from '../tools/offline-terraform/shared-providers';
import { terraformErrors } from '../tools/offline-terraform/stacks';
import { runProgram, UsageError, type ParsedCommandLine, type ProgramIo, type ProgramSpec } from './cli';
import { outFileProblems, stateFileProblems } from './file-flags';
import { declaredStacks, PROJECT_ROOT, selectStacks, synthesizeWhile, withTerraform, type DeclaredStack } from './offline-stacks';

export const PLAN_OFFLINE_PROGRAM: ProgramSpec = {
  name: 'plan:offline',
  command: 'npm run plan:offline --',
  summary:
    'Synthesizes only the stacks named, then runs the real `terraform plan` on each, in parallel, offline against a local stand-in provider (fake ids and ARNs), and writes `terraform show -json` of each plan: the input of `npm run plan:report`. Needs terraform (1.x) on PATH; no network, no AWS credentials.',
  positionals: { usage: '<stack> [<stack> ...]', min: 1, max: 100 },
  flags: [
    { name: 'out', type: 'string', valueName: '<file>', help: 'Where to write the plan JSON (one stack only). Default: cdktf.out/plans/<stack>.json.' },
    { name: 'state', type: 'string', valueName: '<file>', help: 'Plan against this terraform.tfstate instead of an empty state (one stack only).' },
    { name: 'drift', type: 'string', valueName: '<file>', help: 'JSON array of drift patches ({type, match, set}) the provider applies when Terraform refreshes.' },
    { name: 'skip-synth', type: 'boolean', help: 'Plan what is already in cdktf.out/stacks instead of synthesizing first.' },
  ],
  exitCodes: [
    { code: 0, meaning: 'every plan written' },
    { code: 1, meaning: 'the synth or terraform failed (or terraform is missing)' },
    { code: 2, meaning: 'bad input: unknown flag or stack, --out/--state with several stacks, a missing or malformed --state/--drift file, an --out that is a directory or in an unwritable folder' },
  ],
};

/** What `plan:offline` does. */
export interface PlanOfflineInput {
  readonly stacks: readonly string[];
  /** Output file per stack, absolute. */
  readonly out: Readonly<Record<string, string>>;
  readonly statePath?: string;
  readonly driftPath?: string;
  readonly skipSynth: boolean;
}

/** Where a stack's plan JSON goes unless --out says otherwise. */
export function defaultPlanFile(stack: string): string {
  return path.join(PROJECT_ROOT, 'cdktf.out', 'plans', `${stack}.json`);
}

/**
 * The input from a parsed command line.
 * @throws UsageError naming every problem (several stacks with --out/--state, missing files)
 */
export function planOfflineInput(parsed: ParsedCommandLine): PlanOfflineInput {
  const stacks = [...new Set(parsed.positionals)];
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const selected = selectStacks(declaredStacks(), stacks);
  const problems: string[] = 'problems' in selected ? [...selected.problems] : [];
  for (const flag of ['out', 'state'] as const) {
    if (typeof v[flag] === 'string' && stacks.length > 1) problems.push(`--${flag} takes one stack; received ${stacks.length} (${stacks.join(', ')})`);
  }
  if (typeof v.drift === 'string' && !existsSync(v.drift)) problems.push(`--drift ${v.drift}: no such file`);
  if (typeof v.state === 'string') problems.push(...stateFileProblems('state', v.state));
  if (typeof v.out === 'string') problems.push(...outFileProblems('out', v.out));
  if (problems.length > 0) throw new UsageError(problems[0]!, problems);
  const out = Object.fromEntries(stacks.map((s) => [s, path.resolve(typeof v.out === 'string' ? v.out : defaultPlanFile(s))]));
  return {
    stacks,
    out,
    skipSynth: v['skip-synth'] === true,
    ...(typeof v.state === 'string' ? { statePath: path.resolve(v.state) } : {}),
    ...(typeof v.drift === 'string' ? { driftPath: path.resolve(v.drift) } : {}),
  };
}

/**
 * The drift patches of a --drift file.
 * @throws UsageError when it is not a JSON array of {type, match, set} objects
 */
export function readDrift(file: string): DriftPatch[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--drift ${file}: not JSON (${(err as Error).message})`);
  }
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!Array.isArray(parsed)) throw new UsageError(`--drift ${file}: must be a JSON array of {type, match, set}; received ${parsed === null ? 'null' : typeof parsed}`);
  const bad = parsed.map((p, i) => (isObj(p) && typeof p.type === 'string' && isObj(p.match) && isObj(p.set) ? undefined : i)).filter((i) => i !== undefined);
  if (bad.length > 0) throw new UsageError(`--drift ${file}: entries ${bad.join(', ')} are not {type: string, match: object, set: object}`);
  return parsed as DriftPatch[];
}

async function planOne(tf: OfflineTerraform, providers: SharedProviders, dir: string, stack: DeclaredStack, input: PlanOfflineInput, log: (line: string) => void): Promise<boolean> {
  const ws = tf.workspace(path.join(dir, stack.stack), stack.stack);
  if (input.statePath) copyFileSync(input.statePath, path.join(ws, 'terraform.tfstate'));
  // No `terraform init`: providers reached through TF_REATTACH_PROVIDERS are not installed.
  for (const args of [['plan', '-input=false', '-no-color', '-out=tfplan'], ['show', '-json', 'tfplan']]) {
    const result = await tf.run(ws, args, { providers });
    if (result.code !== 0) {
      log(`FAIL  ${stack.stack}: terraform ${args[0]} failed`);
      log(terraformErrors(`${result.stdout}\n${result.stderr}`).replace(/^/gm, '      '));
      return false;
    }
    if (args[0] === 'plan') log(`${stack.stack}: ${result.stdout.split('\n').find((l) => /^(Plan:|No changes)/.test(l)) ?? 'planned'}`);
    else {
      const out = input.out[stack.stack]!;
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, result.stdout);
      log(`${stack.stack}: plan JSON written to ${path.relative(process.cwd(), out)}`);
    }
  }
  return true;
}

/** Plans the stacks and writes each plan JSON; returns the exit code. */
export async function planOffline(input: PlanOfflineInput, log: (line: string) => void): Promise<number> {
  const selected = selectStacks(declaredStacks(), input.stacks);
  if ('problems' in selected) throw new UsageError(selected.problems[0]!, selected.problems);
  const drift = input.driftPath ? readDrift(input.driftPath) : undefined;
  const tf = createOfflineTerraform({ configs: [] });
  try {
    // One provider set per stack: plan configures the provider (region, default tags) and a shared
    // process remembers the last configuration.
    const synth = await synthesizeWhile(selected.stacks, input.skipSynth, () => Promise.all(selected.stacks.map(() => tf.startProviders({ drift }))));
    if (!synth.ok) {
      synth.problems.forEach((p) => log(`FAIL  ${p}`));
      return 1;
    }
    tf.serve(selected.stacks.map((s) => readStackConfig(path.join(synth.dir, s.stack))));
    const ok = await Promise.all(selected.stacks.map((s, i) => planOne(tf, synth.started[i]!, synth.dir, s, input, log)));
    log('offline stand-in provider: ids and ARNs in the plan are fake');
    return ok.every(Boolean) ? 0 : 1;
  } finally {
    tf.dispose();
  }
}

/** Entry point: `npm run plan:offline -- …`. Progress goes to stderr (stdout stays free for a pipe). */
export function main(io?: ProgramIo): Promise<number> {
  return runProgram(
    PLAN_OFFLINE_PROGRAM,
    (parsed, pio) => {
      const log = (line: string): void => pio.stderr(`${line}\n`);
      return withTerraform(log, () => planOffline(planOfflineInput(parsed), log));
    },
    io,
  );
}

if (require.main === module) void main();
