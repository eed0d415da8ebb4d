/**
 * Upgrading from the single-service release: state applied from the stacks that release synthesized
 * (__tests__/fixtures/upgrade/, see its README), then today's synth planned against it in the same
 * workspace, by real Terraform with the offline stand-in provider. Nothing may be destroyed; the only
 * replacements are the two documented ones (see REPLACED_ON_UPGRADE); what the security controls add
 * (docs/security.md) is created beside the existing resources.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../main';
import type { EnvironmentConfig } from '../config/environment';
import { ENVIRONMENTS } from '../stacks/environments';
import { describeWithTool } from '../test-support/require-tool';
import { createOfflineTerraform, readStackConfig, type OfflineTerraform, type PlanJson, type TerraformJson } from '../tools/offline-terraform/harness';
import { changes } from '../test-support/plan-changes';

const FIXTURES = path.join(__dirname, 'fixtures', 'upgrade');
const UPGRADED = ['bluegreen-dev', 'bluegreen-prod'];

/**
 * Types an upgrade may update in place: the hook function (its code changed since the fixtures were
 * made; reserved concurrency), the task definition (skip_destroy, a setting of Terraform's state only),
 * and the settings the security controls turn on in place (docs/security.md): the load balancer's
 * deletion protection and access logs, the tasks' HTTPS-only egress rule, the log groups' and the
 * AppSpec bucket's customer-managed key, and the AppSpec object (it names the task definition's new
 * revision when a container setting changed it).
 */
const UPDATED_ON_UPGRADE = [
  'aws_lambda_function',
  'aws_ecs_task_definition',
  'aws_s3_object',
  'aws_lb',
  'aws_vpc_security_group_egress_rule',
  'aws_cloudwatch_log_group',
  'aws_s3_bucket_server_side_encryption_configuration',
];

function unexpectedUpdates(planned: Record<string, string[]>): string[] {
  return (planned.update ?? []).filter((address) => !UPDATED_ON_UPGRADE.includes(address.split('.')[0]!));
}

/**
 * The replacements an upgrade may plan, each documented: the CodeDeploy role's managed policy
 * attachment (AWSCodeDeployRoleForECS → AWSCodeDeployRoleForECSLimited, created before the old one is
 * detached: docs/security.md), and a task definition whose container definition a security setting
 * changed (a new revision; skip_destroy keeps the old one registered, so nothing is destroyed).
 */
const REPLACED_ON_UPGRADE = [/^aws_iam_role_policy_attachment\.Deployment_ServiceRoleEcsPolicy_[0-9A-F]{8}$/, /^aws_ecs_task_definition\.([a-z0-9]+_)?Service_TaskDefinition_[0-9A-F]{8}$/];

/** Construct paths of what the security controls add to an existing environment (docs/security.md). */
const CREATED_BY_SECURITY_CONTROLS = /^[a-z0-9_]+\.(Deployment_ServiceRole(PassRole|StayInEnvironment|Kms)Policy|Network_Security_|EncryptionKey_|AccessLogs_)/;

function unexpectedChanges(planned: Record<string, string[]>, createdToo: (address: string) => boolean): string[] {
  const replaced = planned['create,delete'] ?? [];
  return [
    ...Object.keys(planned).filter((action) => !['update', 'create', 'create,delete'].includes(action)),
    ...replaced.filter((address) => !REPLACED_ON_UPGRADE.some((pattern) => pattern.test(address))).map((a) => `replaced ${a}`),
    ...(planned.create ?? []).filter((address) => !CREATED_BY_SECURITY_CONTROLS.test(address) && !createdToo(address)).map((a) => `created ${a}`),
    ...unexpectedUpdates(planned).map((a) => `updated ${a}`),
  ];
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
    // The first command's provider processes start while the first init runs.
    tf.pool.warm();
  }, 120000);
  afterAll(() => {
    tf?.dispose();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  /** The state file of the previous release's stack, applied once per stack for every test that upgrades it. */
  const previousState = new Map<string, Promise<string>>();
  function previousRelease(stack: string): Promise<string> {
    if (!previousState.has(stack)) {
      previousState.set(
        stack,
        (async () => {
          const ws = tf.workspace(fixture(stack), `${stack}-previous`);
          await tf.init(ws);
          await tf.mustRun(ws, ['apply', '-auto-approve', '-input=false', '-no-color']);
          return path.join(ws, 'terraform.tfstate');
        })(),
      );
    }
    return previousState.get(stack)!;
  }

  /**
   * Plans `synthDir`'s synth of `stack` against the applied state of the previous release's: what
   * changes, and (with `order`) the plan JSON, whose actions keep a replacement's order (`plan -json`
   * only says "replace").
   */
  async function upgradePlan(stack: string, synthDir: string, order = false): Promise<{ planned: Record<string, string[]>; json?: PlanJson }> {
    const state = await previousRelease(stack);
    const next = tf.workspace(path.join(outdir, synthDir, 'stacks', stack), `${stack}-${synthDir}-next`);
    // The new configuration in a copy of the applied workspace: same state, same addresses to compare.
    copyFileSync(state, path.join(next, 'terraform.tfstate'));
    await tf.init(next);
    if (!order) return { planned: (await tf.plan(next, { read: 'changes' })).changes };
    const { json } = await tf.plan(next);
    return { planned: changes(json), json };
  }

  // The three upgrades run at once: each plans in a work dir of its own (the previous release's
  // state copied in), and the two previous releases are applied at once too, each in its own.
  test.concurrent.each(UPGRADED)('%s, still one service: nothing destroyed; only the documented replacements and the security controls created', async (stack) => {
    const { planned, json } = await upgradePlan(stack, 'single', true);
    expect(unexpectedChanges(planned, () => false)).toEqual([]);
    // The CodeDeploy role moves to AWSCodeDeployRoleForECSLimited in every environment, the new
    // attachment created before the old one goes (create_before_destroy: docs/security.md), so the role
    // is never without a policy while a deployment may run.
    const attachments = json!.resource_changes!.filter((r) => REPLACED_ON_UPGRADE[0]!.test(r.address));
    expect(attachments.map((r) => r.change.actions)).toEqual([['create', 'delete']]);
  }, 180000);

  test.concurrent('bluegreen-prod with api and reports added beside web: web untouched but in-place updates, the added services created, nothing destroyed', async () => {
    const { planned } = await upgradePlan('bluegreen-prod', 'examples');
    // Beside the security controls, every created resource belongs to an added service (construct paths
    // `api/…`, `reports/…`): the ECS-native reports puts its rules on web's listeners, which stay as they are.
    expect(unexpectedChanges(planned, (address) => /^[a-z0-9_]+\.(api|reports)_/.test(address))).toEqual([]);
    expect(planned.create!.filter((address) => /^[a-z0-9_]+\.api_/.test(address)).length).toBeGreaterThan(20);
    expect(planned.create!.filter((address) => address.startsWith('aws_lb_listener_rule.reports_'))).toHaveLength(2);
  }, 180000);
});
