/**
 * ECS-native services under real Terraform (offline stand-in provider): the drift an ECS-native
 * deployment leaves plans no change, and does once the stack's ignore_changes are removed; and a
 * CodeDeploy service switched to ECS in place (the migration apply), then cleaned up (the next apply).
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../main';
import type { EnvironmentConfig, ServiceConfig } from '../config/environment';
import { dev, prod } from '../stacks/environments';
import { findHazards } from '../plan-report/hazards';
import { validatePlan } from '../plan-report/parse';
import { describeWithTool } from '../test-support/require-tool';
import { codeDeployReleaseDrift, withoutIgnoreChanges } from '../tools/offline-terraform/codedeploy-drift';
import { ecsNativeReleaseDrift } from '../tools/offline-terraform/ecs-drift';
import type { DriftPatch } from '../tools/offline-terraform/behaviour';
import { createOfflineTerraform, readStackConfig, type OfflineTerraform, type PlanJson, type TerraformJson } from '../tools/offline-terraform/harness';
import { changes } from '../test-support/plan-changes';

/** `promise`, whose rejection is reported to whoever awaits it, not as unhandled meanwhile. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

const typesOf = (addresses: readonly string[] = []): string[] => [...new Set(addresses.map((a) => a.split('.')[0]!))].sort();

describeWithTool('ECS-native services under real Terraform, offline', 'terraform', () => {
  let outdir: string;
  let tf: OfflineTerraform;
  const stackDir = (variant: string, stack: string) => path.join(outdir, variant, 'stacks', stack);

  /** `dev`'s one service switched to ECS: its own listeners keep serving, rules match every path. */
  const nativeDev = (migration: ServiceConfig['migration']): EnvironmentConfig => ({
    ...dev,
    service: { ...dev.service!, controller: 'ecs', routing: { listeners: 'own', paths: ['/*'] }, ...(migration ? { migration } : {}) },
  });

  /**
   * The two chains of terraform commands every test waits on, started as soon as their stack is
   * synthesized (each in work dirs of its own): bluegreen-prod applied; bluegreen-dev applied as
   * CodeDeploy, released (`released`: the drift of the release), and planned with the switch to ECS
   * (saved in `switched` as `switchPlanFile`).
   */
  let prodApplied: Promise<{ applied: string; state: unknown }>;
  let devSwitch: Promise<{ codedeploy: string; released: DriftPatch[]; switched: string; switchPlan: PlanJson; switchPlanFile: string }>;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'tf-native-'));
    const synth = (variant: string, envs: EnvironmentConfig[]) => synthesize(envs, { outdir: path.join(outdir, variant), warn: () => undefined, variables: {} });
    synth('examples', [prod]);
    synth('codedeploy', [dev]);
    synth('switch', [nativeDev({ fromCodeDeploy: { productionTargetGroup: 'green' } })]);
    synth('switch-wrong', [nativeDev({ fromCodeDeploy: { productionTargetGroup: 'blue' } })]);
    synth('native', [nativeDev(undefined)]);
    tf = createOfflineTerraform({
      configs: [stackDir('examples', 'bluegreen-prod'), ...['codedeploy', 'switch', 'switch-wrong', 'native'].map((v) => stackDir(v, 'bluegreen-dev'))].map((d) => readStackConfig(d)),
    });
    // The first command's provider processes start while the first init runs.
    tf.pool.warm();
    prodApplied = settledLater(applyProd());
    devSwitch = settledLater(switchDev());
  }, 120000);
  afterAll(async () => {
    // No command may still run when the harness's home goes.
    await Promise.allSettled([prodApplied, devSwitch]);
    tf?.dispose();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  /** A work dir of `config`, initialized (before the state it will hold exists). */
  async function initialized(config: string | TerraformJson, name: string, assets: string): Promise<string> {
    const ws = tf.workspace(config, name, assets);
    await tf.init(ws);
    return ws;
  }

  /** bluegreen-prod without the ignore_changes of its services and rules, initialized once (tests plan in copies). */
  let prodWithoutIgnore: Promise<string> | undefined;
  function prodWithoutIgnoreCopy(name: string): Promise<string> {
    prodWithoutIgnore ??= initialized(withoutIgnoreChanges(readStackConfig(stackDir('examples', 'bluegreen-prod')), ['aws_ecs_service', 'aws_lb_listener_rule']), 'prod-no-ignore', stackDir('examples', 'bluegreen-prod'));
    return prodWithoutIgnore.then((ws) => tf.copyWorkspace(ws, name));
  }

  /** `ws` given the state of `from` (the same stack, applied). */
  function withStateOf(from: string, ws: string): string {
    copyFileSync(path.join(from, 'terraform.tfstate'), path.join(ws, 'terraform.tfstate'));
    return ws;
  }

  async function applyProd(): Promise<{ applied: string; state: unknown }> {
    const applied = await initialized(stackDir('examples', 'bluegreen-prod'), 'prod-applied', stackDir('examples', 'bluegreen-prod'));
    return { applied, state: await tf.apply(applied) };
  }

  async function switchDev(): Promise<{ codedeploy: string; released: DriftPatch[]; switched: string; switchPlan: PlanJson; switchPlanFile: string }> {
    const [codedeploy, switched] = await Promise.all([
      initialized(stackDir('codedeploy', 'bluegreen-dev'), 'dev-codedeploy', stackDir('codedeploy', 'bluegreen-dev')),
      initialized(stackDir('switch', 'bluegreen-dev'), 'dev-switch', stackDir('switch', 'bluegreen-dev')),
    ]);
    // A CodeDeploy release left production on green: the plan's refresh reads it, and the saved plan
    // keeps that refreshed state as the one it applies to.
    const released = codeDeployReleaseDrift(await tf.apply(codedeploy));
    const plan = await tf.plan(withStateOf(codedeploy, switched), { drift: released });
    return { codedeploy, released, switched, switchPlan: plan.json, switchPlanFile: plan.planFile };
  }

  /** bluegreen-prod after an apply (reports is ECS-native, behind the shared HTTPS listener), in a work dir of the test's own. */
  async function prodCopy(name: string): Promise<{ ws: string; state: unknown }> {
    const { applied, state } = await prodApplied;
    return { ws: tf.copyWorkspace(applied, name), state };
  }

  test.concurrent.each([1, 2])('bluegreen-prod: the drift of %i ECS-native deployment(s) (next revisions, target groups swapped, rules on the live one) plans no changes', async (releases) => {
    const { ws, state } = await prodCopy(`prod-native-${releases}`);
    const drift = ecsNativeReleaseDrift(state, releases);
    expect(drift.map((d) => d.type).sort()).toEqual(['aws_ecs_service', 'aws_lb_listener_rule', 'aws_lb_listener_rule']);
    const plan = await tf.plan(ws, { drift, read: 'changes' });
    expect(plan.changes).toEqual({});
    expect(plan.code).toBe(0);
  }, 120000);

  // After one deployment the service's load_balancer and the production rule differ from what Terraform
  // created; after two they are back, and the test rule (created on the alternate) differs instead.
  test.concurrent.each([
    [1, ['aws_ecs_service', 'aws_lb_listener_rule.reports_Routing_ProductionRule']],
    [2, ['aws_ecs_service', 'aws_lb_listener_rule.reports_Routing_TestRule']],
  ])("bluegreen-prod: without the stack's ignore_changes the drift of %i deployment(s) plans updates to %j", async (releases, updated) => {
    const ws = await prodWithoutIgnoreCopy(`prod-no-ignore-${releases}`);
    const { applied, state } = await prodApplied;
    const drift = ecsNativeReleaseDrift(state, releases);
    const plan = await tf.plan(withStateOf(applied, ws), { drift });
    const planned = changes(plan.json);
    expect(Object.keys(planned)).toEqual(['update']);
    expect(planned.update!.map((a) => a.replace(/_[0-9A-F]{8}$/, '').replace(/^(aws_ecs_service)\..*/, '$1')).sort()).toEqual(updated);
    expect(plan.code).toBe(2);
    // The service's update is its task definition, and after one deployment its target groups too.
    const service = plan.json.resource_changes!.find((r) => r.type === 'aws_ecs_service' && r.change.actions.join() === 'update')!;
    const differs = (key: string) => JSON.stringify((service.change.before as Record<string, unknown>)[key]) !== JSON.stringify((service.change.after as Record<string, unknown>)[key]);
    expect([differs('task_definition'), differs('load_balancer')]).toEqual([true, releases === 1]);
  }, 120000);

  test.concurrent('bluegreen-prod: a CodeDeploy release of web (whose listeners carry reports’ rules) still plans no changes', async () => {
    const { ws, state } = await prodCopy('prod-codedeploy-release');
    const plan = await tf.plan(ws, { drift: codeDeployReleaseDrift(state), read: 'changes' });
    expect(plan.changes).toEqual({});
    expect(plan.code).toBe(0);
  }, 120000);

  test.concurrent('bluegreen-dev migration to ECS: the switch apply updates the service in place, creates the rules and roles, destroys and replaces nothing', async () => {
    const planned = changes((await devSwitch).switchPlan);
    expect(Object.keys(planned).sort()).toEqual(['create', 'update']);
    expect(typesOf(planned.create)).toEqual(['aws_iam_role', 'aws_iam_role_policy', 'aws_lb_listener_rule']);
    expect(planned.create!.filter((a) => a.startsWith('aws_lb_listener_rule.'))).toHaveLength(2);
    expect(planned.update).toContainEqual(expect.stringMatching(/^aws_ecs_service\./));
    // Besides the service: the hook (description, Host-less checks unchanged), its policy, the alarms' descriptions.
    expect(typesOf(planned.update)).toEqual(['aws_cloudwatch_metric_alarm', 'aws_ecs_service', 'aws_lambda_function']);
  }, 180000);

  test.concurrent('bluegreen-dev migration to ECS: the service switches to ECS with the target group CodeDeploy left on production (green) as the primary one', async () => {
    const service = (await devSwitch).switchPlan.resource_changes!.find((r) => r.type === 'aws_ecs_service')!;
    const before = service.change.before as { deployment_controller: { type: string }[]; load_balancer: { target_group_arn: string }[] };
    const after = service.change.after as { deployment_controller: { type: string }[]; load_balancer: { target_group_arn: string; advanced_configuration: { alternate_target_group_arn: string }[] }[] };
    expect(before.deployment_controller[0]!.type).toBe('CODE_DEPLOY');
    expect(after.deployment_controller[0]!.type).toBe('ECS');
    expect(service.change.replace_paths ?? []).toEqual([]);
    // Production does not move: the live (green) target group stays the service's target group.
    expect(after.load_balancer[0]!.target_group_arn).toBe(before.load_balancer[0]!.target_group_arn);
    expect(after.load_balancer[0]!.target_group_arn).toMatch(/dev-green\//);
    expect(after.load_balancer[0]!.advanced_configuration[0]!.alternate_target_group_arn).toMatch(/dev-blue\//);
  }, 180000);

  test.concurrent('bluegreen-dev migration to ECS: the plan reporter flags the switch as blocking, in place', async () => {
    const findings = findHazards(validatePlan((await devSwitch).switchPlan)).filter((f) => f.id === 'deployment-controller-switch');
    expect(findings).toEqual([expect.objectContaining({ severity: 'blocking', message: expect.stringContaining('from CODE_DEPLOY to ECS in place') })]);
  }, 180000);

  test.concurrent('bluegreen-dev migration to ECS: naming the idle target group as the production one shows in the plan, and the plan reporter says production would move', async () => {
    const wrong = await initialized(stackDir('switch-wrong', 'bluegreen-dev'), 'dev-switch-wrong', stackDir('switch-wrong', 'bluegreen-dev'));
    const { codedeploy, released, switchPlan } = await devSwitch;
    const plan = (await tf.plan(withStateOf(codedeploy, wrong), { drift: released })).json;
    const [finding] = findHazards(validatePlan(plan)).filter((f) => f.id === 'deployment-controller-switch');
    expect(finding!.message).toMatch(/moves the service's target group from \S+dev-green\S* \(where CodeDeploy left production\) to \S+dev-blue\S*: the production rule would send every request to a target group without tasks/);
    // The right one does not say so.
    expect(findHazards(validatePlan(switchPlan)).find((f) => f.id === 'deployment-controller-switch')!.message).not.toContain('moves the service');
  }, 180000);

  test.concurrent('bluegreen-dev migration to ECS: after the first native release, the next apply (migration removed) deletes the CodeDeploy group and AppSpec only', async () => {
    const cleanup = await initialized(stackDir('native', 'bluegreen-dev'), 'dev-native', stackDir('native', 'bluegreen-dev'));
    // The switch applied as planned (the saved plan): only this test changes its work dir after the plan.
    const { switched, switchPlanFile } = await devSwitch;
    const state = await tf.apply(switched, { planFile: switchPlanFile });
    // Then the first native release, read by the cleanup plan's refresh.
    const { changes: planned } = await tf.plan(withStateOf(switched, cleanup), { drift: ecsNativeReleaseDrift(state), read: 'changes' });
    expect(Object.keys(planned).sort()).toEqual(['delete', 'update']);
    expect(typesOf(planned.delete)).toEqual(['aws_codedeploy_deployment_group', 'aws_s3_object']);
    // The hook loses its CodeDeploy permission, CodeDeploy's role the service's resources; the service
    // (load_balancer ignored again) is untouched.
    expect(typesOf(planned.update)).toEqual(['aws_iam_role_policy']);
    expect(planned.update).toContainEqual(expect.stringMatching(/^aws_iam_role_policy\.Hook_RolePolicy_/));
    expect(planned.update!.filter((a) => !/^aws_iam_role_policy\.(Hook_RolePolicy|Deployment_ServiceRole\w*Policy)_/.test(a))).toEqual([]);
  }, 180000);
});
