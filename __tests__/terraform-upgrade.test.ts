/**
 * Upgrading from the single-service release: state applied from the stacks that release synthesized
 * (__tests__/fixtures/upgrade/, see its README), then today's synth planned against it in the same
 * workspace, by real Terraform with the offline stand-in provider. Nothing may be destroyed or replaced.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../main';
import type { EnvironmentConfig } from '../config/environment';
import { ENVIRONMENTS } from '../stacks/environments';
import { describeWithTool } from '../test-support/require-tool';
import { createOfflineTerraform, readStackConfig, type OfflineTerraform, type PlanJson, type TerraformJson } from '../tools/offline-terraform/harness';

const FIXTURES = path.join(__dirname, 'fixtures', 'upgrade');
const UPGRADED = ['bluegreen-dev', 'bluegreen-prod'];

/** Addresses by planned actions (`create`, `update`, `delete`, `create,delete` …), no-ops and reads left out. */
function changes(plan: PlanJson): Record<string, string[]> {
  const byAction: Record<string, string[]> = {};
  for (const r of plan.resource_changes ?? []) {
    const action = [...r.change.actions].sort().join(',');
    if (action === 'no-op' || action === 'read') continue;
    (byAction[action] ??= []).push(r.address);
  }
  return byAction;
}

/**
 * Types an upgrade may update in place: the hook function (its code changed since the fixtures were
 * made) and the task definition (skip_destroy, a setting of Terraform's state only).
 */
const UPDATED_ON_UPGRADE = ['aws_lambda_function', 'aws_ecs_task_definition'];

function unexpectedUpdates(planned: Record<string, string[]>): string[] {
  return (planned.update ?? []).filter((address) => !UPDATED_ON_UPGRADE.includes(address.split('.')[0]!));
}

/** The environment as the previous release knew it: its one `service`, none of the added `services`. */
function singleService(env: EnvironmentConfig): EnvironmentConfig {
  const { services: _added, ...previous } = env;
  return previous;
}

describeWithTool('upgrade from the single-service release: no destroy, no replacement (offline Terraform)', 'terraform', () => {
  let outdir: string;
  let tf: OfflineTerraform;
  const fixture = (stack: string): TerraformJson => JSON.parse(readFileSync(path.join(FIXTURES, stack, 'cdk.tf.json'), 'utf8')) as TerraformJson;
  const environmentOf = (stack: string): EnvironmentConfig => ENVIRONMENTS.find((e) => `${e.project ?? 'bluegreen'}-${e.name}` === stack)!;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'tf-upgrade-'));
    synthesize(UPGRADED.map((s) => singleService(environmentOf(s))), { outdir: path.join(outdir, 'single'), warn: () => undefined, variables: {} });
    synthesize(UPGRADED.map(environmentOf), { outdir: path.join(outdir, 'examples'), warn: () => undefined, variables: {} });
    const configs = [...UPGRADED.map(fixture), ...UPGRADED.flatMap((s) => ['single', 'examples'].map((d) => readStackConfig(path.join(outdir, d, 'stacks', s))))];
    tf = createOfflineTerraform({ configs });
  }, 120000);
  afterAll(() => {
    tf?.dispose();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  /** Applies the previous release's stack, then plans `synthDir`'s synth of it in the same workspace. */
  async function upgradePlan(stack: string, synthDir: string): Promise<Record<string, string[]>> {
    const ws = tf.workspace(fixture(stack), `${stack}-previous`);
    await tf.init(ws);
    await tf.apply(ws);
    const next = tf.workspace(path.join(outdir, synthDir, 'stacks', stack), `${stack}-next`);
    // The new configuration in the applied workspace: same state, same addresses to compare.
    copyFileSync(path.join(ws, 'terraform.tfstate'), path.join(next, 'terraform.tfstate'));
    await tf.init(next);
    return changes((await tf.plan(next)).json);
  }

  test.each(UPGRADED)('%s, still one service: nothing destroyed, replaced or created; updates in place only', async (stack) => {
    const planned = await upgradePlan(stack, 'single');
    expect(Object.keys(planned).filter((a) => a !== 'update')).toEqual([]);
    expect(unexpectedUpdates(planned)).toEqual([]);
  }, 180000);

  test('bluegreen-prod with api added beside web: web untouched but in-place updates, api created, nothing destroyed', async () => {
    const planned = await upgradePlan('bluegreen-prod', 'examples');
    expect(Object.keys(planned).filter((a) => a !== 'update' && a !== 'create')).toEqual([]);
    expect(unexpectedUpdates(planned)).toEqual([]);
    expect(planned.create!.length).toBeGreaterThan(20);
    // Every created resource belongs to the added service (construct path `api/…`).
    expect(planned.create!.filter((address) => !/^[a-z0-9_]+\.api_/.test(address))).toEqual([]);
  }, 180000);
});
