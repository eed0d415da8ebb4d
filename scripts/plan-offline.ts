/**
 * `npm run plan:offline -- <stack> [--out plan.json]`: synthesizes the app, then runs the real
 * `terraform init` + `terraform plan` on one stack against the offline stand-in provider and writes
 * `terraform show -json` of the plan to a file (input for `npm run plan:report`).
 *
 * Options:
 *   --out <file>      where to write the plan JSON (default: cdktf.out/plans/<stack>.json)
 *   --state <file>    start from this terraform.tfstate instead of an empty state
 *   --drift <file>    JSON array of drift patches ({type, match, set}) applied when Terraform refreshes
 *   --skip-synth      use what is already in cdktf.out/stacks
 *
 * Exit codes: 0 plan written; 1 synth or terraform failed; 2 usage error.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DriftPatch } from '../tools/offline-terraform/behaviour';
import { createOfflineTerraform, readStackConfig } from '../tools/offline-terraform/harness';
import { listStacks, PROJECT_ROOT, runCommandLine, STACKS_DIR, synthApp, terraformErrors } from '../tools/offline-terraform/stacks';

/** Parsed command line. */
export interface PlanOfflineInput {
  readonly stack: string;
  readonly out: string;
  readonly statePath?: string;
  readonly driftPath?: string;
  readonly skipSynth: boolean;
}

const USAGE = 'usage: npm run plan:offline -- <stack> [--out plan.json] [--state terraform.tfstate] [--drift drift.json] [--skip-synth]';

/** Parses argv (after the script name). Throws with a usage message on bad input. */
export function parsePlanOfflineArgs(argv: readonly string[]): PlanOfflineInput {
  let stack: string | undefined;
  let out: string | undefined;
  let statePath: string | undefined;
  let driftPath: string | undefined;
  let skipSynth = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value; ${USAGE}`);
      return v;
    };
    if (a === '--out') out = value();
    else if (a === '--state') statePath = value();
    else if (a === '--drift') driftPath = value();
    else if (a === '--skip-synth') skipSynth = true;
    else if (!a.startsWith('--') && stack === undefined) stack = a;
    else throw new Error(`unexpected argument ${JSON.stringify(a)}; ${USAGE}`);
  }
  if (!stack) throw new Error(`no stack given; ${USAGE}`);
  return {
    stack,
    out: path.resolve(out ?? path.join(PROJECT_ROOT, 'cdktf.out', 'plans', `${stack}.json`)),
    skipSynth,
    ...(statePath ? { statePath: path.resolve(statePath) } : {}),
    ...(driftPath ? { driftPath: path.resolve(driftPath) } : {}),
  };
}

/** Plans the stack and writes the plan JSON; returns the exit code. */
export async function run(input: PlanOfflineInput, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  for (const [flag, file] of [['--state', input.statePath], ['--drift', input.driftPath]] as const) {
    if (file && !existsSync(file)) {
      log(`${flag} ${file}: no such file`);
      return 2;
    }
  }
  if (!input.skipSynth && synthApp() !== 0) {
    log('synth failed; no plan');
    return 1;
  }
  const stacks = listStacks();
  if (!stacks.includes(input.stack)) {
    log(`no synthesized stack ${JSON.stringify(input.stack)}; stacks: ${stacks.join(', ') || '(none)'}`);
    return 2;
  }
  const stackDir = path.join(STACKS_DIR, input.stack);
  const tf = createOfflineTerraform({ configs: [readStackConfig(stackDir)] });
  try {
    const ws = tf.workspace(stackDir, input.stack);
    if (input.statePath) copyFileSync(input.statePath, path.join(ws, 'terraform.tfstate'));
    const drift = input.driftPath ? (JSON.parse(readFileSync(input.driftPath, 'utf8')) as DriftPatch[]) : undefined;
    for (const args of [
      ['init', '-input=false', '-no-color'],
      ['plan', '-input=false', '-no-color', '-out=tfplan'],
      ['show', '-json', 'tfplan'],
    ]) {
      const result = await tf.run(ws, args, drift ? { drift } : {});
      if (result.code !== 0) {
        log(`terraform ${args[0]} failed for ${input.stack}:`);
        log(terraformErrors(`${result.stdout}\n${result.stderr}`));
        return 1;
      }
      if (args[0] === 'plan') log(result.stdout.split('\n').find((l) => /^(Plan:|No changes)/.test(l)) ?? 'planned');
      if (args[0] === 'show') {
        mkdirSync(path.dirname(input.out), { recursive: true });
        writeFileSync(input.out, result.stdout);
      }
    }
  } finally {
    tf.dispose();
  }
  log(`plan JSON written to ${path.relative(process.cwd(), input.out)} (offline stand-in provider: fake ids and ARNs)`);
  return 0;
}

if (require.main === module) {
  runCommandLine('plan:offline', parsePlanOfflineArgs, (input) => run(input));
}
