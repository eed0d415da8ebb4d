/**
 * Shared plumbing of `npm run validate` and `npm run plan:offline`: synthesizing the app and
 * finding the synthesized stacks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** The project root (where main.ts and cdktf.out live). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Where `npm run synth` writes stacks. */
export const STACKS_DIR = path.join(PROJECT_ROOT, 'cdktf.out', 'stacks');

/** Runs `npm run synth` (tsx main.ts) with inherited output; returns its exit code. */
export function synthApp(): number {
  // The same command as `npm run synth`: tsx as a loader, without its launcher process.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: PROJECT_ROOT, stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return result.status ?? 1;
}

/** Names of the synthesized stacks in `stacksDir` (directories holding a cdk.tf.json). */
export function listStacks(stacksDir = STACKS_DIR): string[] {
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(stacksDir, d.name, 'cdk.tf.json')))
    .map((d) => d.name)
    .sort();
}

/** One line of Terraform's human output, without colour codes and the dev-override noise. */
export function terraformErrors(output: string): string {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const start = lines.findIndex((l) => /Error:/.test(l));
  return (start >= 0 ? lines.slice(start) : lines).join('\n').trim();
}

/**
 * Entry point shared by `npm run validate` and `npm run plan:offline`: parse argv (a usage error is
 * one line on stderr and exit 2, never a stack trace), run, exit with the code `run` returns; an
 * unexpected failure is one line prefixed with the command's name and exit 1.
 */
export function runCommandLine<T>(name: string, parse: (argv: readonly string[]) => T, run: (input: T) => Promise<number>): void {
  let input: T;
  try {
    input = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  run(input).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(1);
    },
  );
}
