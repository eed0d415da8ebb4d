/**
 * What the offline Terraform commands (`validate`, `plan:offline`, `apply:offline`, `demo`) and the
 * workflows know of the app: which stacks it declares and for which environment, where it writes
 * them, and how it is synthesized. tools/offline-terraform/ knows none of this.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, type EnvironmentConfig } from '../config/environment';
import { stackName } from '../config/names';
import { TerraformNotFoundError } from '../tools/offline-terraform/harness';
import { listStacks } from '../tools/offline-terraform/stacks';
import { ENVIRONMENTS } from '../stacks/environments';

/** The project root (where package.json and main.ts live). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** One stack the app declares. */
export interface DeclaredStack {
  /** Terraform stack name, e.g. `bluegreen-dev` (the directory under `cdktf.out/stacks`). */
  readonly stack: string;
  /** Environment name, e.g. `dev` (what `ENVIRONMENTS` selects, and the GitHub environment). */
  readonly environment: string;
}

/**
 * The stacks the app declares, in synth order: one per environment of stacks/environments.ts, named as
 * the stack names itself (config/names.ts). A test checks this list against a real synth.
 */
export function declaredStacks(environments: readonly EnvironmentConfig[] = ENVIRONMENTS): DeclaredStack[] {
  return environments.map((e) => ({ stack: stackName(e.project ?? DEFAULTS.project, e.name), environment: e.name }));
}

/**
 * The declared stacks named in `names` (all of them when `names` is empty), in declaration order.
 * @returns the stacks, or one problem per unknown name, naming it and the stacks there are
 */
export function selectStacks(declared: readonly DeclaredStack[], names: readonly string[]): { stacks: DeclaredStack[] } | { problems: string[] } {
  if (names.length === 0) return { stacks: [...declared] };
  const known = declared.map((d) => d.stack);
  const problems = [...new Set(names)]
    .filter((n) => !known.includes(n))
    .map((n) => `${JSON.stringify(n)} is not a stack of the app; its stacks are ${known.join(', ') || '(none)'} (stacks/environments.ts)`);
  if (problems.length > 0) return { problems };
  return { stacks: declared.filter((d) => names.includes(d.stack)) };
}

/** cdktf's output directory: `CDKTF_OUTDIR`, default `cdktf.out` of the project. */
export function outDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.resolve(PROJECT_ROOT, env.CDKTF_OUTDIR || 'cdktf.out');
}

/** Where the app writes its stacks: {@link outDir} + `stacks`. */
export function stacksDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.join(outDir(env), 'stacks');
}

/** The command `npm run synth` runs (package.json's `synth` script), so every synth is that one. */
export function synthCommand(): string {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.synth;
  if (!command) throw new Error('package.json has no "synth" script');
  return command;
}

/** Options of {@link synthesizeStacks}. */
export interface SynthOptions {
  /** Receives the synth's stdout and stderr (warnings, errors). @default - inherited */
  readonly output?: (text: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Synthesizes only `stacks` (through `ENVIRONMENTS`), running exactly what `npm run synth` runs, as
 * npm runs it (`sh -c`, node_modules/.bin first on PATH).
 * @returns the synth's exit code
 */
export function synthesizeStacks(stacks: readonly DeclaredStack[], options: SynthOptions = {}): Promise<number> {
  const base = options.env ?? process.env;
  const env = {
    ...base,
    ENVIRONMENTS: stacks.map((s) => s.environment).join(','),
    CHECKPOINT_DISABLE: '1',
    PATH: `${path.join(PROJECT_ROOT, 'node_modules', '.bin')}${path.delimiter}${base.PATH ?? ''}`,
  };
  const child = spawn('sh', ['-c', synthCommand()], { cwd: PROJECT_ROOT, env, stdio: options.output ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  if (options.output) {
    child.stdout!.on('data', (d: Buffer) => options.output!(d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => options.output!(d.toString('utf8')));
  }
  return new Promise((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Result of {@link synthesizeWhile}. */
export type SynthOutcome<T> = { readonly ok: true; readonly started: T; readonly dir: string } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Synthesizes `stacks` (unless `skipSynth`) while `start` runs (e.g. starting provider processes), then
 * checks that each stack was written; with `skipSynth`, a stack missing already fails before `start`
 * runs. Once `start` has run, its result is returned even when the synth fails, for the caller to
 * clean up; a failed `start` rejects.
 */
export async function synthesizeWhile<T>(stacks: readonly DeclaredStack[], skipSynth: boolean, start: () => Promise<T>, options: SynthOptions = {}): Promise<SynthOutcome<T>> {
  // Without a synth, a missing stack is known at once: no provider processes are started for nothing.
  const missingBefore = skipSynth ? missingStacks(stacks, skipSynth, options) : undefined;
  if (missingBefore) return missingBefore;
  const [started, code] = await Promise.all([start(), skipSynth ? Promise.resolve(0) : synthesizeStacks(stacks, options)]);
  if (code !== 0) return { ok: false, problems: [`the synth failed (exit ${code}); nothing was run`] };
  return missingStacks(stacks, skipSynth, options) ?? { ok: true, started, dir: stacksDir(options.env) };
}

/** The outcome naming the stacks that are not in the stacks directory; undefined when every one is. */
function missingStacks(stacks: readonly DeclaredStack[], skipSynth: boolean, options: SynthOptions): { readonly ok: false; readonly problems: readonly string[] } | undefined {
  const dir = stacksDir(options.env);
  const present = new Set(listStacks(dir));
  const missing = stacks.filter((s) => !present.has(s.stack));
  if (missing.length === 0) return undefined;
  const where = path.relative(process.cwd(), dir) || '.';
  return { ok: false, problems: missing.map((m) => `${m.stack} is not synthesized in ${where}${skipSynth ? ' (run npm run synth, or drop --skip-synth)' : ''}`) };
}

/**
 * Runs `body`; a missing terraform is one line through `log` and exit 1 (a tool to install, not a bug
 * of the program), any other error propagates (the shell's internal error).
 */
export async function withTerraform(log: (line: string) => void, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof TerraformNotFoundError) {
      log(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
