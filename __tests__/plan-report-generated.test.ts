/**
 * The reporter over real plan JSON of our own stacks: synthesized, then planned by real Terraform with
 * the offline stand-in provider (tools/offline-terraform), including the drift CodeDeploy leaves after
 * a release. Hand-written fixtures prove each rule; these prove the rules fit what our stacks produce.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../main';
import { ENVIRONMENTS } from '../stacks/environments';
import { describeWithTool } from '../test-support/require-tool';
import { codeDeployReleaseDrift, withoutIgnoreChanges } from '../tools/offline-terraform/codedeploy-drift';
import { createOfflineTerraform, readStackConfig, type OfflineTerraform, type RunOptions, type TerraformJson } from '../tools/offline-terraform/harness';
import { buildReport, classifyListeners, exitCodeFor, renderMarkdown, validatePlan, type Finding, type Report } from '../plan-report';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Findings as `severity id address` lines, for readable failures. */
function lines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.id} ${f.address}`);
}

function edited(config: TerraformJson, edit: (resources: Resources) => void): TerraformJson {
  const copy = JSON.parse(JSON.stringify(config)) as { resource: Resources };
  edit(copy.resource);
  return copy as unknown as TerraformJson;
}

function only<T>(items: Record<string, T> | undefined, what: string): [string, T] {
  const entries = Object.entries(items ?? {});
  if (entries.length !== 1) throw new Error(`expected one ${what}, found ${entries.length}`);
  return entries[0];
}

describeWithTool('plan report over real plans of the example stacks (offline Terraform)', 'terraform', () => {
  let outdir: string;
  let tf: OfflineTerraform;
  const configs: Record<string, TerraformJson> = {};

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'plan-report-stacks-'));
    synthesize(ENVIRONMENTS, { outdir, warn: () => undefined });
    for (const stack of ['bluegreen-dev', 'bluegreen-prod']) configs[stack] = readStackConfig(path.join(outdir, 'stacks', stack));
    tf = createOfflineTerraform({ configs: Object.values(configs) });
    // The first command's provider processes start while the first init runs.
    tf.pool.warm();
  }, 90000);
  afterAll(() => {
    tf?.dispose();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  /** The report of `config`'s plan; with `state`, against the state file it resolves to (the work dir's init does not wait for it). */
  async function report(config: TerraformJson | string, name: string, options: { state?: Promise<string>; run?: () => Promise<RunOptions> } = {}): Promise<Report> {
    const ws = tf.workspace(config, name);
    await tf.init(ws);
    if (options.state) copyFileSync(await options.state, path.join(ws, 'terraform.tfstate'));
    const plan = await tf.plan(ws, await options.run?.());
    return buildReport(validatePlan(plan.json), { title: name });
  }

  /** The plan of `stack` from empty state, made once for every test that reads it (its work dir keeps the plan file). */
  const fresh = new Map<string, Promise<{ ws: string; plan: Awaited<ReturnType<OfflineTerraform['plan']>> }>>();
  function freshPlan(stack: string): Promise<{ ws: string; plan: Awaited<ReturnType<OfflineTerraform['plan']>> }> {
    if (!fresh.has(stack)) {
      fresh.set(
        stack,
        (async () => {
          const ws = tf.workspace(path.join(outdir, 'stacks', stack), stack);
          await tf.init(ws);
          return { ws, plan: await tf.plan(ws) };
        })(),
      );
    }
    return fresh.get(stack)!;
  }
  const freshReport = async (stack: string): Promise<Report> => buildReport(validatePlan((await freshPlan(stack)).plan.json), { title: stack });

  test.concurrent('fresh bluegreen-dev: the only blocking hazard is the test port dev opens to the internet on purpose', async () => {
    const result = await freshReport('bluegreen-dev');
    expect(result.summary.counts.create).toBeGreaterThan(30);
    expect(result.productionPorts.ports).toEqual([80]);
    expect(lines(result.findings.filter((f) => f.severity !== 'info'))).toEqual([
      expect.stringMatching(/^blocking world-open-port aws_vpc_security_group_ingress_rule\.\S*TestIngressPublic\S*$/),
    ]);
    expect(result.findings.find((f) => f.id === 'world-open-port')?.message).toContain('port 8080');
    const markdown = renderMarkdown(result);
    expect(markdown.startsWith('<!-- plan-report:bluegreen-dev -->\n')).toBe(true);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
  }, 90000);

  test.concurrent('fresh bluegreen-prod: no blocking hazard and no warning (test port limited to listed CIDRs) but the KMS key policy', async () => {
    const result = await freshReport('bluegreen-prod');
    // The environment's key (docs/security.md): its policy says Resource "*", which in a key policy
    // means the key itself, and gives the account kms:* (AWS's default key policy) — reported, as a
    // reviewer should see a new key policy, but not blocking.
    expect(lines(result.findings.filter((f) => f.severity !== 'info'))).toEqual([expect.stringMatching(/^warning iam-wildcard aws_kms_key\.EncryptionKey_[0-9A-F]{8}$/)]);
    expect(exitCodeFor(result.findings, 'blocking')).toBe(0);
    // The HTTPS redirect, web's 443 and api's 8443 (two services on one load balancer).
    expect(result.productionPorts.ports).toEqual([80, 443, 8443]);
  }, 90000);

  test.concurrent('bluegreen-prod listeners: production and test roles come from the deployment group', async () => {
    const listeners = classifyListeners(validatePlan((await freshPlan('bluegreen-prod')).plan.json));
    expect(listeners.filter((l) => l.source === 'deployment group reference').map((l) => [l.port, l.role])).toEqual(
      expect.arrayContaining([
        [443, 'production'],
        [9443, 'test'],
      ]),
    );
  }, 90000);

  /**
   * bluegreen-dev applied once for the tests after an apply: the fresh plan applied as it was saved
   * (no second plan of the same configuration). Each of them plans in a work dir of its own.
   */
  let devApplied: Promise<{ statePath: string; state: unknown }> | undefined;
  function appliedDev(): Promise<{ statePath: string; state: unknown }> {
    devApplied ??= freshPlan('bluegreen-dev').then(async ({ ws, plan }) => ({ state: await tf.apply(ws, { planFile: plan.planFile }), statePath: path.join(ws, 'terraform.tfstate') }));
    return devApplied;
  }
  const devStatePath = async (): Promise<string> => (await appliedDev()).statePath;

  test.concurrent('bluegreen-dev after an apply: after a CodeDeploy release the report says "No changes." with drift noted and no hazard', async () => {
    const result = await report(configs['bluegreen-dev'], 'released', { state: devStatePath(), run: async () => ({ drift: codeDeployReleaseDrift((await appliedDev()).state) }) });
    expect(result.summary.noChanges).toBe(true);
    expect(result.summary.drift.length).toBeGreaterThan(0);
    expect(result.findings).toEqual([]);
    expect(renderMarkdown(result)).toContain('**No changes. Infrastructure matches the configuration.**');
  }, 90000);

  test.concurrent('bluegreen-dev after an apply: with ignore_changes lost, the same release drift is blocking on the service and both listeners', async () => {
    const result = await report(withoutIgnoreChanges(configs['bluegreen-dev']), 'no-ignore', { state: devStatePath(), run: async () => ({ drift: codeDeployReleaseDrift((await appliedDev()).state) }) });
    const owned = result.findings.filter((f) => f.id === 'codedeploy-owned-attribute');
    expect(owned.map((f) => f.address.split('.')[0]).sort()).toEqual(['aws_ecs_service', 'aws_lb_listener', 'aws_lb_listener']);
    expect(owned.every((f) => f.severity === 'blocking')).toBe(true);
    expect(owned.find((f) => f.address.startsWith('aws_ecs_service'))?.message).toContain('task_definition and load_balancer');
  }, 90000);

  /**
   * bluegreen-dev with its ECS service and its service log group renamed, planned once for the two
   * tests below: each reads only the findings of the resource it renamed, and neither edit changes
   * the other resource's plan.
   */
  let renamedReport: Promise<Report> | undefined;
  function renamedServiceAndLogGroup(): Promise<Report> {
    renamedReport ??= report(
      edited(configs['bluegreen-dev'], (r) => {
        const [, service] = only(r.aws_ecs_service, 'aws_ecs_service');
        service.name = 'renamed-service';
        const group = Object.entries(r.aws_cloudwatch_log_group ?? {}).find(([, g]) => String(g.name).startsWith('/ecs/'));
        if (!group) throw new Error('no /ecs/ log group in bluegreen-dev');
        group[1].name = '/ecs/renamed';
      }),
      'renamed',
      { state: devStatePath() },
    );
    return renamedReport;
  }

  test.concurrent('bluegreen-dev after an apply: renaming the ECS service is a blocking replacement naming the attribute', async () => {
    const result = await renamedServiceAndLogGroup();
    const replaced = result.findings.filter((f) => f.id === 'bluegreen-resource-replaced');
    expect(lines(replaced)).toEqual([expect.stringMatching(/^blocking bluegreen-resource-replaced aws_ecs_service\./)]);
    expect(replaced[0].message).toContain('forced by a change to name');
  }, 90000);

  test.concurrent('bluegreen-dev after an apply: renaming the service log group is a warning (log history lost), not blocking', async () => {
    const result = await renamedServiceAndLogGroup();
    expect(lines(result.findings.filter((f) => f.address.startsWith('aws_cloudwatch_log_group.')))).toEqual([
      expect.stringMatching(/^warning data-resource-deleted aws_cloudwatch_log_group\./),
    ]);
  }, 90000);
});
