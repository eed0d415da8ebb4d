/**
 * Real Terraform (offline stand-in provider) on the synthesized example environments: validate, plan from
 * empty, apply, CodeDeploy's drift after a release, a new image.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../main';
import { ENVIRONMENTS, prod } from '../stacks/environments';
import { describeWithTool } from '../test-support/require-tool';
import { codeDeployReleaseDrift, stateResources, withoutIgnoreChanges } from '../tools/offline-terraform/codedeploy-drift';
import { createOfflineTerraform, plannedChanges, readStackConfig } from '../tools/offline-terraform/harness';
import { diagnosticsText } from '../tools/offline-terraform/plan-stream';
import type { OfflineTerraform, PlanChanges, PlanJson, PlanResult, TerraformJson } from '../tools/offline-terraform/harness';
import { listStacks } from '../tools/offline-terraform/stacks';

const DEV_STACK = 'bluegreen-dev';

function changed(plan: PlanJson): Record<string, readonly string[]> {
  return Object.fromEntries(
    (plan.resource_changes ?? []).filter((r) => !['no-op', 'read'].includes(r.change.actions.join())).map((r) => [r.address, r.change.actions]),
  );
}

test("plannedChanges reads a plan's changes from terraform plan -json as show -json lists them", () => {
  const line = (type: string, addr: string, action: string) => JSON.stringify({ '@level': 'info', '@message': `${addr}: ${action}`, change: { resource: { addr, resource_type: addr.split('.')[0] }, action }, type });
  const stream = [
    JSON.stringify({ '@level': 'info', '@message': 'Terraform 1.11.4', terraform: '1.11.4', type: 'version', ui: '1.2' }),
    line('resource_drift', 'aws_ecs_service.drifted', 'update'),
    line('planned_change', 'aws_s3_object.b', 'update'),
    line('planned_change', 'aws_ecs_service.s', 'replace'),
    line('planned_change', 'aws_s3_object.a', 'update'),
    line('planned_change', 'aws_lb.new', 'create'),
    line('planned_change', 'aws_lb.old', 'delete'),
    line('planned_change', 'data.aws_region.r', 'read'),
    line('planned_change', 'aws_lb.moved', 'move'),
    line('planned_change', 'aws_lb.imported', 'import'),
    line('planned_change', 'aws_ecs_task_definition.t', 'remove'),
    line('planned_change', 'aws_lb.odd', 'frobnicate'),
    JSON.stringify({ '@level': 'info', '@message': 'Plan: 2 to add, 2 to change, 2 to destroy.', changes: { add: 2 }, type: 'change_summary' }),
    '',
  ].join('\n');
  expect(plannedChanges(stream)).toEqual({
    update: ['aws_s3_object.a', 'aws_s3_object.b'],
    'create,delete': ['aws_ecs_service.s'],
    create: ['aws_lb.new'],
    delete: ['aws_lb.old'],
    forget: ['aws_ecs_task_definition.t'],
    frobnicate: ['aws_lb.odd'],
  });
  expect(plannedChanges(line('change_summary', 'x.y', 'create'))).toEqual({});
});

test('a failed terraform plan -json is reported by its diagnostics, as the human-readable output words them', () => {
  const diagnostic = { severity: 'error', summary: 'Reference to undeclared resource', detail: 'A managed resource "aws_lb" "gone" has not been declared in the root module.', range: { filename: 'cdk.tf.json', start: { line: 274, column: 16 } } };
  const stream = [
    JSON.stringify({ '@level': 'info', '@message': 'Terraform 1.11.4', type: 'version' }),
    JSON.stringify({ '@level': 'error', '@message': 'Error: Reference to undeclared resource', diagnostic, type: 'diagnostic' }),
    JSON.stringify({ '@level': 'warn', '@message': 'Warning: Deprecated', diagnostic: { severity: 'warning', summary: 'Deprecated' }, type: 'diagnostic' }),
    'panic: not JSON',
  ].join('\n');
  expect(diagnosticsText(stream).split('\n')).toEqual([
    'Error: Reference to undeclared resource: A managed resource "aws_lb" "gone" has not been declared in the root module. (cdk.tf.json:274)',
    'Warning: Deprecated',
    'panic: not JSON',
  ]);
});

describeWithTool('real terraform, offline, on the synthesized example environments', 'terraform', () => {
  let outdir: string;
  let stacksDir: string;
  let tf: OfflineTerraform;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'tf-stacks-'));
    synthesize(ENVIRONMENTS, { outdir, warn: () => undefined });
    stacksDir = path.join(outdir, 'stacks');
    tf = createOfflineTerraform({ configs: listStacks(stacksDir).map((s) => readStackConfig(path.join(stacksDir, s))) });
    // The first command's provider processes start while the first init runs.
    tf.pool.warm();
  }, 90000);
  afterAll(async () => {
    // No command of a plan or apply made once for several tests may still run when the home goes.
    await Promise.allSettled([...plans.values(), ...applies.values()]);
    tf?.dispose();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  type Plan = PlanResult & { readonly changes: PlanChanges };
  const plans = new Map<string, Promise<{ ws: string; plan: Plan }>>();
  const applies = new Map<string, Promise<{ ws: string; state: unknown }>>();
  /** The plan of `stack` from empty state, made once for every test that reads it (its work dir keeps the plan file). */
  function planFromEmpty(stack: string): Promise<{ ws: string; plan: Plan }> {
    if (!plans.has(stack)) {
      plans.set(
        stack,
        (async () => {
          const ws = tf.workspace(path.join(stacksDir, stack), stack);
          await tf.init(ws);
          return { ws, plan: await tf.plan(ws, { read: 'changes' }) };
        })(),
      );
    }
    return plans.get(stack)!;
  }
  /** `stack` applied from empty state, once: its plan from empty, applied as saved (no second plan). */
  function appliedFromEmpty(stack: string): Promise<{ ws: string; state: unknown }> {
    if (!applies.has(stack)) {
      applies.set(
        stack,
        planFromEmpty(stack).then(async ({ ws, plan }) => ({ ws, state: await tf.apply(ws, { planFile: plan.planFile }) })),
      );
    }
    return applies.get(stack)!;
  }

  /** bluegreen-dev applied from empty. */
  async function devApplied(): Promise<{ applied: string; state: unknown }> {
    const { ws: applied, state } = await appliedFromEmpty(DEV_STACK);
    return { applied, state };
  }

  /** A work dir of `variant`, initialized first, then given the applied state of `stack`. */
  async function withAppliedState(variant: TerraformJson | string, name: string, stack = DEV_STACK): Promise<string> {
    // Lambda zips and other assets are referenced by relative path: the variant needs them too.
    const ws = tf.workspace(variant, name, typeof variant === 'string' ? variant : path.join(stacksDir, stack));
    await tf.init(ws);
    const { ws: applied } = await appliedFromEmpty(stack);
    copyFileSync(path.join(applied, 'terraform.tfstate'), path.join(ws, 'terraform.tfstate'));
    return ws;
  }

  // The tests run concurrently: each plans in a work dir of its own (Terraform locks a work dir's
  // state), the stacks are planned and applied from empty once for all of them.
  test.concurrent('every example environment plans from empty state: everything created, nothing else', async () => {
    const stacks = listStacks(stacksDir);
    const failures = await Promise.all(
      stacks.map(async (stack) => {
        const { plan } = await planFromEmpty(stack);
        const actions = Object.keys(plan.changes);
        return plan.code !== 2 || actions.some((a) => a !== 'create') ? [`${stack}: exit ${plan.code}, actions ${actions.join(' ')}`] : [];
      }),
    );
    expect(failures.flat()).toEqual([]);
  }, 120000);

  test.concurrent('bluegreen-prod, a new canary shape: creates the new traffic config before deleting the old one and moves the deployment group to it in place', async () => {
    const variantOut = mkdtempSync(path.join(os.tmpdir(), 'tf-prod-canary-'));
    try {
      const canary20 = { ...prod, deployment: { ...prod.deployment, trafficRouting: { type: 'canary' as const, percentage: 20, intervalInMinutes: 5 } } };
      synthesize([canary20], { outdir: variantOut, warn: () => undefined, variables: {} });
      const ws = await withAppliedState(path.join(variantOut, 'stacks', 'bluegreen-prod'), 'prod-canary-20', 'bluegreen-prod');
      const plan = await tf.plan(ws);
      const changes = changed(plan.json);
      const config = Object.keys(changes).filter((a) => a.startsWith('aws_codedeploy_deployment_config.'));
      const group = Object.keys(changes).filter((a) => a.startsWith('aws_codedeploy_deployment_group.'));
      expect(config).toHaveLength(1);
      // create before delete: CodeDeploy refuses to delete a configuration its group still uses.
      expect(changes[config[0]!]).toEqual(['create', 'delete']);
      expect(group.map((a) => changes[a])).toEqual([['update']]);
      expect(plan.code).toBe(2);
    } finally {
      rmSync(variantOut, { recursive: true, force: true });
    }
  }, 180000);

  test.concurrent(`${DEV_STACK} after an apply, a new image (issue 11 §5): the second apply replaces the task definition with skip_destroy on the old revision, so the provider only forgets it`, async () => {
    const image = 'public.ecr.aws/nginx/nginx:1.27';
    const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
    expect(JSON.stringify(dev.service!.image)).not.toContain(image);
    const out = mkdtempSync(path.join(os.tmpdir(), 'tf-image-'));
    try {
      synthesize([{ ...dev, service: { ...dev.service!, image: { external: image } } }], { outdir: out, warn: () => undefined, variables: {} });
      const second = await withAppliedState(path.join(out, 'stacks', DEV_STACK), 'image-2');
      const { state } = await devApplied();
      const revision = (s: unknown) => stateResources(s).find((r) => r.address.startsWith('aws_ecs_task_definition.'))!;
      const before = revision(state);
      expect(before.values.skip_destroy).toBe(true);

      const plan = await tf.plan(second);
      const change = plan.json.resource_changes!.find((r) => r.address === before.address)!;
      // Terraform plans a replacement (a revision cannot change), but the revision it deletes has
      // skip_destroy: the AWS provider's delete then only removes it from the state and leaves it
      // registered (ACTIVE) for blue and for a manual rollback.
      expect([...change.change.actions].sort()).toEqual(['create', 'delete']);
      expect(change.change.before).toMatchObject({ arn: before.values.arn, skip_destroy: true });
      // The running service is left to CodeDeploy; only the revision and the AppSpec change.
      expect(Object.keys(changed(plan.json)).map((a) => a.split('.')[0]).sort()).toEqual(['aws_ecs_task_definition', 'aws_s3_object']);

      // The plan just read, applied as saved.
      const after = revision(await tf.apply(second, { planFile: plan.planFile }));
      // (The stand-in numbers every revision 1; AWS would register bluegreen-dev:2 beside :1.)
      expect(JSON.parse(String(after.values.container_definitions))[0].image).toBe(image);
      expect(after.values.skip_destroy).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180000);

  test.concurrent(`${DEV_STACK} after an apply: the harness reads the state file as terraform show -json gives the state`, async () => {
    const { applied, state } = await devApplied();
    type Shown = { values: { outputs: unknown; root_module: { resources: Record<string, unknown>[] } } };
    const shown = JSON.parse((await tf.mustRun(applied, ['show', '-json'])).stdout) as Shown;
    const read = ({ address, mode, type, name, index, provider_name, schema_version, values }: Record<string, unknown>) => ({ address, mode, type, name, index, provider_name, schema_version, values });
    expect(shown.values.root_module.resources.length).toBeGreaterThan(40);
    expect(stateResources(state).map((r) => read(r as unknown as Record<string, unknown>))).toEqual(shown.values.root_module.resources.map(read));
    expect((state as Shown).values.outputs).toEqual(shown.values.outputs);
  }, 120000);

  test.concurrent(`${DEV_STACK} after an apply: plan -detailed-exitcode right after apply exits 0`, async () => {
    // In a copy of the applied work dir (state, lock file, providers): no command runs in the work dir
    // the tests copy.
    const { applied } = await devApplied();
    const plan = await tf.plan(tf.copyWorkspace(applied, 'applied-again'), { read: 'changes' });
    expect(plan.changes).toEqual({});
    expect(plan.code).toBe(0);
  }, 120000);

  test.concurrent(`${DEV_STACK} after an apply: CodeDeploy release drift (new revision, green target group, swapped weighted listeners) plans no changes`, async () => {
    const { applied, state } = await devApplied();
    const drift = codeDeployReleaseDrift(state);
    expect(drift.filter((d) => d.type === 'aws_lb_listener').length).toBeGreaterThanOrEqual(2);
    const plan = await tf.plan(tf.copyWorkspace(applied, 'released'), { drift, read: 'changes' });
    expect(plan.changes).toEqual({});
    expect(plan.code).toBe(0);
  }, 120000);

  test.concurrent(`${DEV_STACK} after an apply: without the stack's ignore_changes the same drift plans updates to the service and the listeners`, async () => {
    const ws = await withAppliedState(withoutIgnoreChanges(readStackConfig(path.join(stacksDir, DEV_STACK))), 'no-ignore');
    const { state } = await devApplied();
    const drift = codeDeployReleaseDrift(state);
    const plan = await tf.plan(ws, { drift, read: 'changes' });
    const drifted = new Set(drift.map((d) => String(d.match.arn)));
    const expected = stateResources(state)
      .filter((r) => drifted.has(String(r.values.arn)))
      .map((r) => r.address)
      .sort();
    expect(expected).toHaveLength(drift.length);
    expect(plan.changes).toEqual({ update: expected });
    expect(plan.code).toBe(2);
  }, 120000);

  test.concurrent(`${DEV_STACK} after an apply: a new ECS service name plans the service as a replacement in the plan JSON`, async () => {
    const renamed = JSON.parse(JSON.stringify(readStackConfig(path.join(stacksDir, DEV_STACK)))) as { resource: Record<string, Record<string, { name: string }>> };
    const services = Object.entries(renamed.resource.aws_ecs_service ?? {});
    expect(services).toHaveLength(1);
    const [serviceName, service] = services[0]!;
    service.name = `${service.name}-renamed`;
    const ws = await withAppliedState(renamed as unknown as TerraformJson, 'renamed');
    const plan = await tf.plan(ws);
    const change = plan.json.resource_changes!.find((r) => r.address === `aws_ecs_service.${serviceName}`)!;
    expect([...change.change.actions].sort()).toEqual(['create', 'delete']);
    expect(change.change.replace_paths).toContainEqual(['name']);
  }, 120000);

  test.concurrent('every example environment synthesizes a stack and passes terraform validate', async () => {
    const stacks = listStacks(stacksDir);
    expect(stacks).toHaveLength(ENVIRONMENTS.length);
    expect(stacks).toContain(DEV_STACK);
    const failures = await Promise.all(
      stacks.map(async (stack) => {
        const ws = tf.workspace(path.join(stacksDir, stack), `${stack}-validate`);
        await tf.mustRun(ws, ['init', '-input=false', '-no-color', '-backend=false']);
        const r = await tf.run(ws, ['validate', '-no-color']);
        return r.code !== 0 ? [`${stack}: ${r.stderr}${r.stdout}`] : [];
      }),
    );
    expect(failures.flat()).toEqual([]);
  }, 120000);
});
