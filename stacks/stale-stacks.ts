/**
 * Stack directories `npm run synth` left in `cdktf.out/stacks/` for environments the app no longer
 * declares. cdktf never removes them, so `npm run validate` would go on checking (and a pipeline
 * applying) a deleted environment. Only directories that are certainly ours go, and never one that
 * holds Terraform state.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { OUTPUT_NAMES, SERVICES_OUTPUT } from '../lib/outputs';

/** What to do with the directories of `cdktf.out/stacks/` the app does not declare. */
export interface StaleStackScan {
  /** Names of directories to remove: synthesized by this app, for a stack it no longer declares. */
  readonly remove: readonly string[];
  /** Directories that look like an undeclared stack of ours but are kept, and why. */
  readonly kept: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * True when `dir/cdk.tf.json` was synthesized by this app for a stack named `name`: cdktf's metadata
 * names it, and it declares one of the outputs every stack of ours has had (`services`, or the
 * single-service `codedeploy_deployment_group_name` of earlier releases).
 */
export function isOurStack(dir: string, name: string): boolean {
  const file = path.join(dir, 'cdk.tf.json');
  if (!existsSync(file)) return false;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { '//'?: { metadata?: { stackName?: unknown } }; output?: Record<string, unknown> };
    const outputs = json.output ?? {};
    return json['//']?.metadata?.stackName === name && (SERVICES_OUTPUT in outputs || OUTPUT_NAMES.deploymentGroupName in outputs);
  } catch {
    return false;
  }
}

/**
 * Sorts the undeclared directories of `stacksDir`: ours without state are to be removed; ours with a
 * Terraform state file in them (a local `state.path` inside the stack directory) are kept; anything
 * else (not a directory, a symbolic link, another tool's stack) is not ours and not mentioned.
 */
export function scanStaleStacks(stacksDir: string, declared: readonly string[]): StaleStackScan {
  if (!existsSync(stacksDir)) return { remove: [], kept: [] };
  const remove: string[] = [];
  const kept: { name: string; reason: string }[] = [];
  for (const name of readdirSync(stacksDir).sort()) {
    if (declared.includes(name)) continue;
    const dir = path.join(stacksDir, name);
    if (!lstatSync(dir).isDirectory() || !isOurStack(dir, name)) continue;
    const state = readdirSync(dir).filter((f) => /\.tfstate(\.backup)?$/.test(f));
    if (state.length > 0) kept.push({ name, reason: `it holds Terraform state (${state.join(', ')}); move or delete it yourself` });
    else remove.push(name);
  }
  return { remove, kept };
}

/**
 * Removes the stale stack directories of `stacksDir` and reports each one (removed or kept) to `log`.
 * @returns the names removed
 */
export function removeStaleStacks(stacksDir: string, declared: readonly string[], log: (message: string) => void): string[] {
  const scan = scanStaleStacks(stacksDir, declared);
  for (const name of scan.remove) {
    rmSync(path.join(stacksDir, name), { recursive: true, force: true });
    log(`removed ${path.join(stacksDir, name)}: no environment declares stack ${name} any more`);
  }
  for (const { name, reason } of scan.kept) log(`kept ${path.join(stacksDir, name)} although no environment declares stack ${name}: ${reason}`);
  return [...scan.remove];
}
