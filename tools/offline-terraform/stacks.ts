/**
 * Generic helpers for CDKTF output directories and Terraform's human output. Nothing here knows the
 * app (where it lives, how it synthesizes, which stacks it declares): see scripts/offline-stacks.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** Names of the synthesized stacks in `stacksDir` (directories holding a cdk.tf.json), sorted. */
export function listStacks(stacksDir: string): string[] {
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(stacksDir, d.name, 'cdk.tf.json')))
    .map((d) => d.name)
    .sort();
}

/** Terraform's human output from its first `Error:` on, without colour codes. */
export function terraformErrors(output: string): string {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const start = lines.findIndex((l) => /Error:/.test(l));
  return (start >= 0 ? lines.slice(start) : lines).join('\n').trim();
}
