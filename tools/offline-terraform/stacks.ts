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
  const tsx = require.resolve('tsx/cli');
  const result = spawnSync(process.execPath, [tsx, 'main.ts'], { cwd: PROJECT_ROOT, stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
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
