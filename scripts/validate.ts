/**
 * `npm run validate`: synthesizes the app, then runs the real `terraform init` + `terraform validate`
 * on every stack, offline, against the stand-in provider (tools/offline-terraform).
 *
 *   npm run validate                       # synth, then validate every stack
 *   npm run validate -- --skip-synth       # validate what is already in cdktf.out/stacks
 *   npm run validate -- --stack bluegreen-dev
 *
 * Exit codes: 0 every stack is valid; 1 a stack is invalid (or synth/terraform failed); 2 usage error.
 */
import * as path from 'node:path';
import { createOfflineTerraform, readStackConfig } from '../tools/offline-terraform/harness';
import { listStacks, runCommandLine, STACKS_DIR, synthApp, terraformErrors } from '../tools/offline-terraform/stacks';

/** Parsed command line. */
export interface ValidateInput {
  readonly skipSynth: boolean;
  /** Stack names to validate; empty means all. */
  readonly stacks: readonly string[];
}

/** Parses argv (after the script name). Throws with a usage message on bad input. */
export function parseValidateArgs(argv: readonly string[]): ValidateInput {
  const stacks: string[] = [];
  let skipSynth = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--skip-synth') skipSynth = true;
    else if (a === '--stack' && argv[i + 1]) stacks.push(...argv[++i]!.split(',').filter(Boolean));
    else throw new Error(`unknown argument ${JSON.stringify(a)}; usage: npm run validate -- [--skip-synth] [--stack <name>[,<name>]]`);
  }
  return { skipSynth, stacks };
}

/** Validates the stacks; returns the exit code. */
export async function run(input: ValidateInput, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  if (!input.skipSynth && synthApp() !== 0) {
    log('synth failed; nothing validated');
    return 1;
  }
  const all = listStacks();
  const unknown = input.stacks.filter((s) => !all.includes(s));
  if (unknown.length > 0) {
    log(`no synthesized stack ${unknown.map((s) => JSON.stringify(s)).join(', ')} in ${path.relative(process.cwd(), STACKS_DIR)}; stacks: ${all.join(', ') || '(none)'}`);
    return 2;
  }
  const stacks = input.stacks.length > 0 ? [...input.stacks] : all;
  if (stacks.length === 0) {
    log(`no stacks in ${STACKS_DIR}; run npm run synth`);
    return 1;
  }
  const dirs = stacks.map((s) => path.join(STACKS_DIR, s));
  const tf = createOfflineTerraform({ configs: dirs.map(readStackConfig) });
  let failed = 0;
  try {
    for (const [i, stack] of stacks.entries()) {
      const started = Date.now();
      const ws = tf.workspace(dirs[i]!, stack);
      const init = await tf.run(ws, ['init', '-input=false', '-no-color', '-backend=false']);
      const result = init.code === 0 ? await tf.run(ws, ['validate', '-no-color']) : init;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (result.code === 0) {
        log(`ok    ${stack}: terraform validate passed (${seconds} s)`);
      } else {
        failed++;
        log(`FAIL  ${stack}: terraform ${init.code === 0 ? 'validate' : 'init'} failed (${seconds} s)`);
        log(terraformErrors(`${result.stdout}\n${result.stderr}`).replace(/^/gm, '      '));
      }
    }
  } finally {
    tf.dispose();
  }
  log(`${stacks.length - failed}/${stacks.length} stacks valid (offline stand-in provider: proves Terraform accepts the configuration, not that AWS will)`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  runCommandLine('validate', parseValidateArgs, (input) => run(input));
}
