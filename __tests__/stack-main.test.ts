/**
 * main.ts: environment selection, synthesis of every example stack, and clean failure (message, exit
 * code 1, nothing written) on invalid configuration.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateConfigError, selectEnvironments, synthesize } from '../main';
import { dev, ENVIRONMENTS, prod } from '../stacks/environments';
import { EnvironmentConfigError } from '../config/validation';

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
    expect(selectEnvironments(ENVIRONMENTS, undefined).map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(selectEnvironments(ENVIRONMENTS, ' ').map((e) => e.name)).toEqual(['dev', 'prod']);
  });

  test('selects the environments named in ENVIRONMENTS', () => {
    expect(selectEnvironments(ENVIRONMENTS, 'prod').map((e) => e.name)).toEqual(['prod']);
    expect(selectEnvironments(ENVIRONMENTS, 'prod, dev').map((e) => e.name)).toEqual(['dev', 'prod']);
  });

  test('fails on an unknown environment name, listing the known ones', () => {
    expect(() => selectEnvironments(ENVIRONMENTS, 'dev,qa')).toThrow('ENVIRONMENTS names "qa", but the environments are "dev", "prod"');
  });
});

describe('synthesize', () => {
  test('writes one cdk.tf.json per example environment, with the hook archive beside it', () => {
    const outdir = join(scratch, 'ok');
    synthesize(ENVIRONMENTS, { outdir, warn: () => undefined });
    for (const stack of ['bluegreen-dev', 'bluegreen-prod']) {
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

  test('throws the EnvironmentConfigError itself when one environment is invalid', () => {
    const outdir = join(scratch, 'one-invalid');
    expect(() => synthesize([{ ...dev, name: 'Dev' }], { outdir })).toThrow(EnvironmentConfigError);
    expect(existsSync(outdir)).toBe(false);
  });
});

describe('tsx main.ts', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60000 });

  test('synthesizes the selected stack and warns about the public test port', () => {
    const outdir = join(scratch, 'cli');
    const result = run({ ENVIRONMENTS: 'dev', CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^warning: bluegreen-dev: testListener\.allowPublicAccess is true/);
    expect(existsSync(join(outdir, 'stacks', 'bluegreen-dev', 'cdk.tf.json'))).toBe(true);
    expect(existsSync(join(outdir, 'stacks', 'bluegreen-prod'))).toBe(false);
    expect(result.stdout).toBe(`synthesized bluegreen-dev → ${outdir}/stacks/<stack>/cdk.tf.json\n`);
  });

  test('prints a configuration error without a stack trace, exits 1 and writes nothing', () => {
    const outdir = join(scratch, 'cli-invalid');
    const result = run({ ENVIRONMENTS: 'staging', CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: Invalid configuration of environment "staging" (1 problem):\n  - ENVIRONMENTS names "staging", but the environments are "dev", "prod"\n',
    );
    expect(existsSync(outdir)).toBe(false);
  });
});
