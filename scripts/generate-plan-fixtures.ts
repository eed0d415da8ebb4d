/**
 * Regenerates the plan JSON fixtures in __tests__/fixtures/plans/generated/ from the real example
 * stacks, planned by real Terraform against the offline stand-in provider:
 *
 *   npx tsx scripts/generate-plan-fixtures.ts
 *
 * Every file is `terraform show -json <planfile>` output (format_version 1.2) with fake, stable ids
 * and ARNs (account 123456789012). See the README written next to them for what each one shows.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeDeployReleaseDrift, withoutIgnoreChanges } from '../tools/offline-terraform/codedeploy-drift';
import { createOfflineTerraform, readStackConfig } from '../tools/offline-terraform/harness';
import type { PlanJson, TerraformJson } from '../tools/offline-terraform/harness';
import { listStacks } from '../tools/offline-terraform/stacks';
import { PROJECT_ROOT } from './offline-stacks';

const OUT_DIR = path.join(PROJECT_ROOT, '__tests__', 'fixtures', 'plans', 'generated');

const DESCRIPTIONS: Record<string, string> = {
  'bluegreen-dev-create.json': 'First plan of the dev stack from empty state: everything is created.',
  'bluegreen-prod-create.json': 'First plan of the prod stack from empty state: everything is created.',
  'bluegreen-dev-no-changes.json': 'Plan right after applying the dev stack: no changes (exit 0).',
  'bluegreen-dev-after-release.json':
    'Dev stack after a CodeDeploy release (service on task definition revision 2 behind the green target group, listeners swapped, weighted forward actions), planned with the stack\'s ignore_changes: no changes (exit 0).',
  'bluegreen-dev-after-release-without-ignore-changes.json':
    'The same release drift, planned with the ignore_changes removed from the service and listeners: updates that would undo the release (exit 2). The failure this project prevents.',
  'bluegreen-dev-service-replaced.json': 'Dev stack with the ECS service renamed: the service is replaced (delete + create, replace_paths [["name"]]).',
};

function scrub(plan: PlanJson, workDirs: readonly string[]): string {
  // Compact, like terraform's own output: indentation would double the size for nothing.
  let text = JSON.stringify(plan);
  for (const dir of workDirs) text = text.split(dir).join('.');
  return `${text}\n`;
}

/** Writes the plans, with this machine's work folders scrubbed, and the folder's README. */
function writeFixtures(files: Readonly<Record<string, PlanJson>>, workDirs: readonly string[]): void {
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [name, plan] of Object.entries(files)) writeFileSync(path.join(OUT_DIR, name), scrub(plan, workDirs));
  const readme = [
    '# Generated plan fixtures',
    '',
    'Written by `npx tsx scripts/generate-plan-fixtures.ts` (do not edit by hand): real Terraform',
    '1.11 plans of the example stacks, made offline against the stand-in provider (docs/offline-terraform.md).',
    'Each file is `terraform show -json <planfile>` output (one line, as Terraform writes it). Ids and ARNs are fake but well-formed and stable',
    '(account 123456789012).',
    '',
    ...Object.keys(files)
      .sort()
      .map((f) => `- \`${f}\`: ${DESCRIPTIONS[f] ?? 'plan of the stack.'}`),
    '',
  ].join('\n');
  writeFileSync(path.join(OUT_DIR, 'README.md'), readme);
  process.stdout.write(`wrote ${Object.keys(files).length} plan fixtures to ${path.relative(process.cwd(), OUT_DIR)}\n`);
}

async function main(): Promise<void> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'plan-fixtures-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesize } = require('../main') as typeof import('../main');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ENVIRONMENTS } = require('../stacks/environments') as typeof import('../stacks/environments');
  synthesize(ENVIRONMENTS, { outdir, warn: () => undefined });
  const stacksDir = path.join(outdir, 'stacks');
  const stacks = listStacks(stacksDir);
  const tf = createOfflineTerraform({ configs: stacks.map((s) => readStackConfig(path.join(stacksDir, s))) });
  const dirs: string[] = [];
  const files: Record<string, PlanJson> = {};
  try {
    for (const stack of stacks) {
      const ws = tf.workspace(path.join(stacksDir, stack), stack);
      dirs.push(ws);
      await tf.init(ws);
      files[`${stack}-create.json`] = (await tf.plan(ws)).json;
    }
    const devDir = path.join(stacksDir, 'bluegreen-dev');
    const config = readStackConfig(devDir);
    const applied = tf.workspace(devDir, 'applied');
    dirs.push(applied);
    await tf.init(applied);
    const state = await tf.apply(applied);
    files['bluegreen-dev-no-changes.json'] = (await tf.plan(applied)).json;
    const drift = codeDeployReleaseDrift(state);
    files['bluegreen-dev-after-release.json'] = (await tf.plan(applied, { drift })).json;
    const fromApplied = async (variant: TerraformJson, name: string): Promise<string> => {
      const ws = tf.workspace(variant, name, devDir);
      dirs.push(ws);
      copyFileSync(path.join(applied, 'terraform.tfstate'), path.join(ws, 'terraform.tfstate'));
      await tf.init(ws);
      return ws;
    };
    files['bluegreen-dev-after-release-without-ignore-changes.json'] = (await tf.plan(await fromApplied(withoutIgnoreChanges(config), 'no-ignore'), { drift })).json;
    const renamed = JSON.parse(JSON.stringify(config)) as { resource: Record<string, Record<string, { name: string }>> };
    for (const svc of Object.values(renamed.resource.aws_ecs_service ?? {})) svc.name = `${svc.name}-renamed`;
    files['bluegreen-dev-service-replaced.json'] = (await tf.plan(await fromApplied(renamed as unknown as TerraformJson, 'renamed'))).json;

    writeFixtures(files, [...dirs, outdir, tf.home]);
  } finally {
    tf.dispose();
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}
