/**
 * The offline Terraform harness (tools/offline-terraform): the environment terraform runs with, and
 * real terraform on a small blue/green fixture stack (validate, apply, plan, CodeDeploy's release
 * drift, a replacement), the provider started by Terraform itself (AutoMTLS) and from the pool.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeWithTool } from '../test-support/require-tool';
import { codeDeployReleaseDrift, stateResources, withoutIgnoreChanges } from '../tools/offline-terraform/codedeploy-drift';
import { createOfflineTerraform, offlineTerraformEnv, readStackConfig } from '../tools/offline-terraform/harness';
import type { OfflineTerraform, PlanJson, ProviderMode, RunOptions, TerraformJson } from '../tools/offline-terraform/harness';
import { providersNeeded, providersOf } from '../tools/offline-terraform/schema';

const FIXTURE_DIR = path.join(__dirname, 'fixtures', 'terraform', 'bluegreen-mini');

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** A deep copy of the fixture with `edit` applied to its resources. */
function variant(base: TerraformJson, edit: (resources: Resources, config: Record<string, unknown>) => void): TerraformJson {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  edit(copy.resource as Resources, copy);
  return copy as TerraformJson;
}

function changed(plan: PlanJson): Record<string, readonly string[]> {
  return Object.fromEntries((plan.resource_changes ?? []).filter((r) => r.change.actions.join() !== 'no-op' && r.change.actions.join() !== 'read').map((r) => [r.address, r.change.actions]));
}

describe('the environment terraform runs with', () => {
  test("drops the caller's TF_* variables (CLI args, data dir, reattached providers) and the stand-in's settings but keeps logging and the rest", () => {
    const env = offlineTerraformEnv(
      {
        PATH: 'bin-dir',
        TF_CLI_ARGS_plan: '-refresh=false',
        TF_CLI_ARGS: '-no-color',
        TF_DATA_DIR: 'elsewhere',
        TF_REATTACH_PROVIDERS: '{}',
        TF_WORKSPACE: 'prod',
        TF_LOG: 'DEBUG',
        OFFLINE_TF_DRIFT_FILE: 'old.json',
        OFFLINE_TF_ACCOUNT_ID: '000000000000',
        OFFLINE_TF_NAME_MARK: 'mark',
      },
      path.join('home', 'offline'),
    );
    expect(env).toEqual({
      PATH: 'bin-dir',
      TF_LOG: 'DEBUG',
      TF_CLI_CONFIG_FILE: path.join('home', 'offline', 'terraform.rc'),
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      TF_PLUGIN_CACHE_DIR: '',
      GOGC: '400',
      GOMAXPROCS: '1',
    });
    expect(offlineTerraformEnv({ GOGC: '100' }, 'home').GOGC).toBe('100');
    expect(offlineTerraformEnv({ GOMAXPROCS: '2' }, 'home').GOMAXPROCS).toBe('2');
  });
});

describe('the providers a set of provider processes runs', () => {
  test('those the configurations need: of their resource and data types, named by a provider block or required_providers', () => {
    expect(providersOf({ resource: { aws_lb: {} }, data: { aws_region: {} } })).toEqual(['aws']);
    expect(providersOf({ resource: { null_resource: {} } })).toEqual(['null']);
    expect(providersOf({ provider: { null: [{}] } })).toEqual(['null']);
    expect(providersOf({ terraform: { required_providers: { null: { source: 'null' } } } })).toEqual(['null']);
    expect(providersOf({ output: { x: { value: 1 } } })).toEqual([]);
    expect(providersNeeded([{ resource: { aws_lb: {} } }, { resource: { null_resource: {} } }])).toEqual(['aws', 'null']);
    // A program starts its set while it synthesizes, before it has any configuration: every provider.
    expect(providersNeeded([])).toEqual(['aws', 'null']);
  });

  test('a harness of configurations without null resources (like our stacks) starts no null provider, and refuses one that needs it later', async () => {
    const tf = createOfflineTerraform({ configs: [{ resource: { aws_lb: { alb: {} } } }] });
    try {
      const providers = await tf.startProviders();
      expect(Object.keys(JSON.parse(providers.reattach) as object)).toEqual(['registry.terraform.io/hashicorp/aws']);
      expect(() => tf.serve([readStackConfig(FIXTURE_DIR)])).toThrow(/needs a provider that the provider processes already started do not run/);
    } finally {
      tf.dispose();
    }
  });
});

describeWithTool('real terraform, offline, on a small blue/green fixture stack', 'terraform', () => {
  // Leave room for a busy 2-core machine.
  jest.setTimeout(60000);
  const base = readStackConfig(FIXTURE_DIR);
  const camelCaseIgnore = variant(base, (r) => {
    (r.aws_ecs_service!.app!.lifecycle as Record<string, unknown>).ignore_changes = ['loadBalancer'];
  });
  const missingAttribute = variant(base, (_r, c) => {
    (c.output as Record<string, unknown>).broken = { value: '${aws_lb.alb.not_an_attribute}' };
  });
  const renamedService = variant(base, (r) => {
    r.aws_ecs_service!.app!.name = 'mini-app-v2';
  });
  let tf: OfflineTerraform;
  /**
   * The fixture applied once, started in beforeAll and awaited by the tests that need it (the others
   * run meanwhile). No command runs in its work dir after the apply: a test that plans against that
   * state does so in a copy (Terraform locks a work dir's state, so two commands there would clash).
   */
  let fixtureApplied: Promise<{ applied: string; state: unknown }>;

  beforeAll(() => {
    tf = createOfflineTerraform({ configs: [base] });
    // The first command's provider processes start while the first init runs.
    tf.pool.warm();
    fixtureApplied = (async () => {
      const applied = tf.workspace(FIXTURE_DIR, 'applied');
      await tf.init(applied);
      return { applied, state: await tf.apply(applied) };
    })();
    // Whoever awaits it sees a failure; it is not an unhandled rejection meanwhile.
    fixtureApplied.catch(() => undefined);
  });
  afterAll(async () => {
    await Promise.allSettled([fixtureApplied]);
    tf?.dispose();
  });

  const appliedState = async (): Promise<unknown> => (await fixtureApplied).state;

  /** A work dir for `config` (initialized first), then given a copy of the applied state. */
  async function withAppliedState(config: TerraformJson, name: string): Promise<string> {
    const ws = tf.workspace(config, name);
    await tf.init(ws);
    copyFileSync(path.join((await fixtureApplied).applied, 'terraform.tfstate'), path.join(ws, 'terraform.tfstate'));
    return ws;
  }

  /** A copy of the applied work dir (state, lock file, providers: no init). */
  const appliedCopy = async (name: string): Promise<string> => tf.copyWorkspace((await fixtureApplied).applied, name);

  /**
   * Plans `ws` and expects no changes: `plan -detailed-exitcode` exiting 0 is Terraform's own "no
   * changes" (any change is exit 2). The plan JSON costs a `show -json` more (Terraform starting the
   * provider again when `providers` is 'terraform'), so it is read only when the plan has changes, for
   * the failure to name them.
   */
  async function expectNoChanges(ws: string, options: RunOptions = {}): Promise<void> {
    const plan = await tf.mustRun(ws, ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=tfplan-no-changes'], options, [0, 2]);
    if (plan.code !== 0) {
      const json = JSON.parse((await tf.mustRun(ws, ['show', '-json', 'tfplan-no-changes'])).stdout) as PlanJson;
      expect(changed(json)).toEqual({});
    }
    expect(plan.code).toBe(0);
  }

  async function validate(config: TerraformJson, name: string, providers?: ProviderMode): Promise<{ code: number; output: string }> {
    const ws = tf.workspace(config, name);
    await tf.mustRun(ws, ['init', '-input=false', '-no-color', '-backend=false']);
    const r = await tf.run(ws, ['validate', '-no-color'], { providers });
    return { code: r.code, output: `${r.stdout}\n${r.stderr}` };
  }

  // The path of a real provider: installed by init from the mirror, started by Terraform, AutoMTLS.
  test.concurrent('the fixture (with an s3 backend, replaced by local state) passes terraform validate, Terraform starting the provider itself', async () => {
    const r = await validate(base, 'valid', 'terraform');
    expect(r.output).toContain('Success! The configuration is valid');
    expect(r.code).toBe(0);
  });

  test.concurrent('ignore_changes naming the camelCase attribute "loadBalancer" fails validation', async () => {
    const r = await validate(camelCaseIgnore, 'camel');
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/Unsupported attribute/);
    expect(r.output).toContain('loadBalancer');
  });

  test.concurrent('a raw reference to an attribute aws_lb does not have fails validation', async () => {
    const r = await validate(missingAttribute, 'missing');
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/Unsupported attribute/);
    expect(r.output).toContain('not_an_attribute');
  });

  test.concurrent('apply fills computed attributes with well-formed fake values in the configured region', async () => {
    const byAddress = Object.fromEntries(stateResources(await appliedState()).map((r) => [r.address, r.values]));
    expect(byAddress['aws_lb.alb']!.arn).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer\/app\/mini-alb\/[0-9a-f]{16}$/);
    expect(byAddress['aws_lb_target_group.blue']!.arn).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup\/mini-blue\/[0-9a-f]{16}$/);
    expect(byAddress['aws_ecs_task_definition.app']!.arn).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/mini-app:1');
    expect(byAddress['aws_ecs_service.app']!.task_definition).toBe(byAddress['aws_ecs_task_definition.app']!.arn);
    expect(byAddress['aws_lb.alb']!.tags_all).toEqual({ project: 'bluegreen-mini', Name: 'mini-alb' });
    expect(byAddress['null_resource.appspec']!.id).toMatch(/^\d+$/);
  });

  test.concurrent('apply then plan -detailed-exitcode exits 0 (idempotent), Terraform starting the provider itself', async () => {
    await expectNoChanges(await appliedCopy('applied-again'), { providers: 'terraform' });
  });

  test.concurrent('the release drift leaves both listeners forwarding to the target group the service did not use (CodeDeploy never moves the test route back)', async () => {
    const byAddress = Object.fromEntries(stateResources(await appliedState()).map((r) => [r.address, r.values]));
    const blueArn = byAddress['aws_lb_target_group.blue']!.arn;
    const greenArn = byAddress['aws_lb_target_group.green']!.arn;
    const forwards = codeDeployReleaseDrift(await appliedState())
      .filter((d) => d.type === 'aws_lb_listener')
      .map((d) => (d.set.default_action as Array<{ forward: Array<{ target_group: unknown }> }>)[0]!.forward[0]!.target_group);
    expect(forwards).toEqual([
      [{ arn: greenArn, weight: 1 }, { arn: blueArn, weight: 0 }],
      [{ arn: greenArn, weight: 1 }, { arn: blueArn, weight: 0 }],
    ]);
  });

  test.concurrent('after a CodeDeploy release (new revision, green target group, swapped listeners) plan shows no changes', async () => {
    const drift = codeDeployReleaseDrift(await appliedState());
    expect(drift.map((d) => d.type).sort()).toEqual(['aws_ecs_service', 'aws_lb_listener', 'aws_lb_listener']);
    await expectNoChanges(await appliedCopy('released'), { drift });
  });

  test.concurrent('with the ignore_changes removed, the same release drift plans updates (exit 2)', async () => {
    const ws = await withAppliedState(withoutIgnoreChanges(base), 'no-ignore');
    const plan = await tf.plan(ws, { drift: codeDeployReleaseDrift(await appliedState()) });
    expect(changed(plan.json)).toEqual({
      'aws_ecs_service.app': ['update'],
      'aws_lb_listener.prod': ['update'],
      'aws_lb_listener.test': ['update'],
    });
    expect(plan.output).toMatch(/task-definition\/mini-app:2" -> "arn:aws:ecs:eu-west-1:123456789012:task-definition\/mini-app:1"/);
    expect(plan.code).toBe(2);
    // The drift was this command's: the next one, given none, finds the world as applied.
    await expectNoChanges(ws);
  });

  test.concurrent('renaming the ECS service plans a replacement caused by name in the plan JSON', async () => {
    const ws = await withAppliedState(renamedService, 'rename');
    const plan = await tf.plan(ws);
    const service = plan.json.resource_changes!.find((r) => r.address === 'aws_ecs_service.app')!;
    expect([...service.change.actions].sort()).toEqual(['create', 'delete']);
    expect(service.change.replace_paths).toEqual([['name']]);
    expect(plan.code).toBe(2);
  });

  // After the concurrent tests: a dozen commands through the pool, overlapping, on at most its two sets.
  test("the commands reused the pool's provider processes: no more sets than its bound of two", () => {
    expect(tf.pool.setsStarted).toBeGreaterThanOrEqual(1);
    expect(tf.pool.setsStarted).toBeLessThanOrEqual(2);
  });
});
