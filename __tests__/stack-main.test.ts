/**
 * main.ts: environment selection, synthesis of every example stack, and clean failure (message, exit
 * code 1, nothing written) on invalid configuration.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateConfigError, selectEnvironments, synthesize } from '../main';
import { dev, ENVIRONMENTS, prod } from '../stacks/environments';
import { EnvironmentConfigError } from '../config/validation';
import { scanStaleStacks } from '../stacks/stale-stacks';
import { npmScriptCommand } from '../test-support/npm-script';
import { runProcess } from '../test-support/run-process';

const stackOf = (e: { name: string; project?: string }) => `${e.project ?? 'bluegreen'}-${e.name}`;
const NAMES = ENVIRONMENTS.map((e) => e.name);
const STACKS = ENVIRONMENTS.map(stackOf);
/** An environment name no example declares, now or after someone adds one (e.g. `staging`). */
const UNDECLARED = 'not-declared-environment';

const root = join(__dirname, '..');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stack-main-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('selectEnvironments', () => {
  test('selects every environment without a filter', () => {
    expect(selectEnvironments(ENVIRONMENTS, undefined).map((e) => e.name)).toEqual(NAMES);
    expect(selectEnvironments(ENVIRONMENTS, ' ').map((e) => e.name)).toEqual(NAMES);
  });

  test('selects the environments named in ENVIRONMENTS, in declaration order', () => {
    expect(selectEnvironments(ENVIRONMENTS, 'prod').map((e) => e.name)).toEqual(['prod']);
    expect(selectEnvironments(ENVIRONMENTS, 'prod, dev').map((e) => e.name)).toEqual(NAMES.filter((n) => n === 'dev' || n === 'prod'));
  });

  test('fails on an unknown environment name, listing the known ones', () => {
    expect(() => selectEnvironments(ENVIRONMENTS, `dev,${UNDECLARED}`)).toThrow(
      `ENVIRONMENTS names "${UNDECLARED}", but the environments are ${NAMES.map((n) => `"${n}"`).join(', ')}`,
    );
  });
});

describe('synthesize', () => {
  test('writes one cdk.tf.json per example environment, with the hook archive beside it', () => {
    const outdir = join(scratch, 'ok');
    synthesize(ENVIRONMENTS, { outdir, warn: () => undefined });
    for (const stack of STACKS) {
      const file = join(outdir, 'stacks', stack, 'cdk.tf.json');
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const fn = Object.values(json.resource.aws_lambda_function as Record<string, { filename: string }>)[0]!;
      expect(existsSync(join(outdir, 'stacks', stack, fn.filename))).toBe(true);
    }
  });

  test('reports the problems of every invalid environment at once and writes nothing', () => {
    const outdir = join(scratch, 'invalid');
    const badDev = { ...dev, region: 'nowhere' };
    const badProd = { ...prod, testListener: { port: 443 } };
    let error: unknown;
    try {
      synthesize([badDev, badProd], { outdir });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AggregateConfigError);
    expect((error as AggregateConfigError).errors.map((e) => [e.environment, e.problems])).toEqual([
      ['dev', ['region must be an AWS region code such as eu-west-1, got "nowhere"']],
      ['prod', ['testListener.port must differ from loadBalancer.productionPort (443), got 443']],
    ]);
    expect(existsSync(outdir)).toBe(false);
  });

  test('refuses two environments whose services would create resources of the same names', () => {
    const outdir = join(scratch, 'clash');
    const base = { region: 'eu-west-1', network: { mode: 'new' as const, natGatewayCount: 1 } };
    const shop = { ...base, name: 'shop', services: { api: { image: { external: 'nginx' } } } };
    const shopApi = { ...base, name: 'shop-api', service: { image: { external: 'nginx' } } };
    expect(() => synthesize([shop, shopApi], { outdir })).toThrow(
      new EnvironmentConfigError('shop-api', [
        'service must not be named like services.api of environment "shop": both would create 16 resources with the same names, such as "bluegreen-shop-api" (in one AWS account the second apply fails); rename the environment or the service',
      ]),
    );
    expect(existsSync(outdir)).toBe(false);
  });

  test('throws the EnvironmentConfigError itself when one environment is invalid', () => {
    const outdir = join(scratch, 'one-invalid');
    expect(() => synthesize([{ ...dev, name: 'Dev' }], { outdir })).toThrow(EnvironmentConfigError);
    expect(existsSync(outdir)).toBe(false);
  });
});

/** Exactly what `npm run synth` runs (package.json): main.ts, precompiled. */
const SYNTH = npmScriptCommand('synth');

describe('npm run synth (main.ts as a process)', () => {
  // The runs at once: each has a CDKTF_OUTDIR of its own.
  const run = (env: Record<string, string>) => runProcess(SYNTH.command, SYNTH.args, { cwd: root, env: { ...process.env, ...env }, timeoutMs: 60000 });

  // One run proves both the selection and the stale-directory cleanup (same command, ENVIRONMENTS=dev): the
  // declared stacks it did not select are there from an earlier synth, so "nothing else written" is that
  // they are left byte for byte as they were, with nothing added.
  test.concurrent('synthesizes the selected stack only and warns about the public test port; removes the directory of an environment no longer declared, and keeps declared ones it did not select', async () => {
    const outdir = join(scratch, 'cli');
    const stacksDir = join(outdir, 'stacks');
    ourStackDir(stacksDir, `bluegreen-${UNDECLARED}`);
    // Declared but not selected by ENVIRONMENTS: a stack of an earlier synth stays.
    const others = STACKS.filter((s) => s !== 'bluegreen-dev');
    for (const stack of others) ourStackDir(stacksDir, stack);
    const earlier = others.map((stack) => [stack, readdirSync(join(stacksDir, stack)), readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8')]);
    const result = await run({ ENVIRONMENTS: 'dev', CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^warning: bluegreen-dev: testListener\.allowPublicAccess is true/);
    expect(existsSync(join(stacksDir, 'bluegreen-dev', 'cdk.tf.json'))).toBe(true);
    expect(others.map((stack) => [stack, readdirSync(join(stacksDir, stack)), readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8')])).toEqual(earlier);
    expect(result.stdout).toBe(`synthesized bluegreen-dev → ${outdir}/stacks/<stack>/cdk.tf.json\n`);
    expect(readdirSync(stacksDir).sort()).toEqual([...STACKS].sort());
    expect(result.stderr).toContain(`info: removed ${join(stacksDir, `bluegreen-${UNDECLARED}`)}: no environment declares stack bluegreen-${UNDECLARED} any more\n`);
  });

  test.concurrent('prints a configuration error without a stack trace, exits 1 and writes nothing', async () => {
    const outdir = join(scratch, 'cli-invalid');
    const result = await run({ ENVIRONMENTS: UNDECLARED, CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: Invalid ENVIRONMENTS variable (1 problem):\n  - ENVIRONMENTS names "${UNDECLARED}", but the environments are ${NAMES.map((n) => `"${n}"`).join(', ')}; got "${UNDECLARED}"\n`,
    );
    expect(existsSync(outdir)).toBe(false);
  });

  test.concurrent('refuses an ENVIRONMENTS value that names no environment (exit 1, nothing written)', async () => {
    const outdir = join(scratch, 'cli-empty-selection');
    const result = await run({ ENVIRONMENTS: ', ,', CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: Invalid ENVIRONMENTS variable (1 problem):\n  - ENVIRONMENTS must name at least one environment (comma-separated: ${NAMES.map((n) => `"${n}"`).join(', ')}), or be unset for all, got ", ,"\n`,
    );
    expect(existsSync(outdir)).toBe(false);
  });
});

/** A stack directory as a synth of this app (any release) leaves it. */
function ourStackDir(stacksDir: string, name: string, extra: Record<string, string> = {}): void {
  mkdirSync(join(stacksDir, name), { recursive: true });
  const json = { '//': { metadata: { stackName: name, version: '0.21.0' } }, output: { codedeploy_deployment_group_name: { value: name } } };
  writeFileSync(join(stacksDir, name, 'cdk.tf.json'), JSON.stringify(json));
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(stacksDir, name, file), text);
}

describe('stale stack directories (an environment removed from stacks/environments.ts)', () => {
  test('scanStaleStacks removes only undeclared stacks of ours without state, and keeps a stack holding state', () => {
    const stacksDir = join(scratch, 'scan', 'stacks');
    ourStackDir(stacksDir, 'bluegreen-gone');
    ourStackDir(stacksDir, 'bluegreen-kept', { 'terraform.tfstate': '{}' });
    ourStackDir(stacksDir, 'bluegreen-dev');
    mkdirSync(join(stacksDir, 'someone-else'), { recursive: true });
    writeFileSync(join(stacksDir, 'someone-else', 'cdk.tf.json'), JSON.stringify({ '//': { metadata: { stackName: 'someone-else' } }, output: {} }));
    mkdirSync(join(stacksDir, 'renamed-copy'), { recursive: true });
    writeFileSync(join(stacksDir, 'renamed-copy', 'cdk.tf.json'), JSON.stringify({ '//': { metadata: { stackName: 'bluegreen-dev' } }, output: { services: {} } }));
    symlinkSync(join(stacksDir, 'bluegreen-gone'), join(stacksDir, 'bluegreen-link'));
    writeFileSync(join(stacksDir, 'notes.txt'), 'x');
    expect(scanStaleStacks(stacksDir, ['bluegreen-dev'])).toEqual({
      remove: ['bluegreen-gone'],
      kept: [{ name: 'bluegreen-kept', reason: 'it holds Terraform state (terraform.tfstate); move or delete it yourself' }],
    });
  });
});

