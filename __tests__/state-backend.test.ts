/**
 * config/state-backend.ts: the environment's own state backend by default; BLUEGREEN_STATE_BUCKET moves
 * every environment's state to S3 at synth, validated like the rest of the configuration. Also the
 * synthesized `bluegreen-dev` stack (main.ts run as `npm run synth` runs it) with the variables set.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateConfigError, synthesize } from '../main';
import type { EnvironmentConfig } from '../config/environment';
import { bucketNameProblem, resolveStateBackend, STATE_BACKEND_ENV, stateBackendVariableProblems } from '../config/state-backend';
import { EnvironmentConfigError } from '../config/validation';
import { dev, prod } from '../stacks/environments';
import { npmScriptCommand } from '../test-support/npm-script';
import { runProcess } from '../test-support/run-process';

const root = join(__dirname, '..');
const S3_PROD = { backend: 's3', bucket: 'team-state', key: 'apps/prod.tfstate', region: 'eu-west-1', dynamodbTable: 'locks' } as const;
const env = (over: Partial<EnvironmentConfig> = {}) => ({ name: 'dev', region: 'us-east-1', ...over });

describe('resolveStateBackend without BLUEGREEN_STATE_BUCKET', () => {
  test('keeps the configured backend, as a copy', () => {
    const environment = env({ state: S3_PROD });
    const choice = resolveStateBackend({}, environment);
    expect(choice).toEqual({ state: S3_PROD, source: 'configuration', notice: undefined });
    expect(choice.state).not.toBe(environment.state);
  });

  test('defaults to local state when the environment configures none', () => {
    expect(resolveStateBackend({}, env())).toEqual({ state: { backend: 'local' }, source: 'configuration', notice: undefined });
  });

  test('treats an empty bucket as unset (GitHub expands an undefined variable to ""), ignoring the other variables', () => {
    const variables = { BLUEGREEN_STATE_BUCKET: '', BLUEGREEN_STATE_REGION: 'not a region', BLUEGREEN_STATE_KEY_PREFIX: '/x' };
    expect(resolveStateBackend(variables, env({ state: { backend: 'local', path: 'x.tfstate' } })).state).toEqual({ backend: 'local', path: 'x.tfstate' });
    expect(stateBackendVariableProblems(variables)).toEqual([]);
  });
});

describe('resolveStateBackend with BLUEGREEN_STATE_BUCKET', () => {
  test('puts local state in S3: key <project>/<name>.tfstate, the environment region, native locking', () => {
    const choice = resolveStateBackend({ BLUEGREEN_STATE_BUCKET: 'ci-state' }, env());
    expect(choice.state).toEqual({ backend: 's3', bucket: 'ci-state', key: 'bluegreen/dev.tfstate', region: 'us-east-1' });
    expect(choice.source).toBe('variables');
    expect(choice.notice).toBe(
      'bluegreen-dev: Terraform state in s3://ci-state/bluegreen/dev.tfstate (region us-east-1, S3 lock file), set by BLUEGREEN_STATE_BUCKET; it overrides the configured local backend',
    );
  });

  test('overrides a configured s3 backend too, dropping its lock table, and names what it overrides', () => {
    const choice = resolveStateBackend({ BLUEGREEN_STATE_BUCKET: 'ci-state' }, env({ name: 'prod', region: 'eu-west-1', project: 'shop', state: S3_PROD }));
    expect(choice.state).toEqual({ backend: 's3', bucket: 'ci-state', key: 'shop/prod.tfstate', region: 'eu-west-1' });
    expect(choice.notice).toMatch(/^shop-prod: .*overrides the configured s3 backend \(bucket "team-state", key "apps\/prod\.tfstate"\)$/);
  });

  test('uses BLUEGREEN_STATE_REGION and BLUEGREEN_STATE_KEY_PREFIX when set', () => {
    const variables = { BLUEGREEN_STATE_BUCKET: 'ci.state-1', BLUEGREEN_STATE_REGION: 'eu-central-1', BLUEGREEN_STATE_KEY_PREFIX: 'terraform/bluegreen-' };
    expect(resolveStateBackend(variables, env()).state).toEqual({ backend: 's3', bucket: 'ci.state-1', key: 'terraform/bluegreen-dev.tfstate', region: 'eu-central-1' });
  });

  test('does not modify the environment', () => {
    const environment = env({ state: { backend: 'local', path: 'a.tfstate' } });
    const before = JSON.stringify(environment);
    resolveStateBackend({ BLUEGREEN_STATE_BUCKET: 'ci-state' }, environment);
    expect(JSON.stringify(environment)).toBe(before);
  });

  test('fails on an invalid bucket with an EnvironmentConfigError naming the variable, the value and the rule', () => {
    let error: unknown;
    try {
      resolveStateBackend({ BLUEGREEN_STATE_BUCKET: 'My_Bucket' }, env());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    expect((error as Error).message).toBe(
      'Invalid configuration of environment "dev" (1 problem):\n  - BLUEGREEN_STATE_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), got "My_Bucket"',
    );
  });
});

describe('stateBackendVariableProblems', () => {
  test('reports every invalid variable at once', () => {
    expect(stateBackendVariableProblems({ BLUEGREEN_STATE_BUCKET: 'ab', BLUEGREEN_STATE_REGION: 'Europe', BLUEGREEN_STATE_KEY_PREFIX: 'a//b/' })).toEqual([
      'BLUEGREEN_STATE_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), got "ab"',
      'BLUEGREEN_STATE_REGION must be an AWS region code such as eu-west-1 (or empty: each environment\'s region), got "Europe"',
      'BLUEGREEN_STATE_KEY_PREFIX must not start with "/" nor contain "//" (Terraform\'s s3 backend rejects such keys), got "a//b/"',
    ]);
  });

  test('rejects a key prefix starting with a slash, and one too long for an S3 key', () => {
    expect(stateBackendVariableProblems({ BLUEGREEN_STATE_BUCKET: 'ci-state', BLUEGREEN_STATE_KEY_PREFIX: '/state/' })).toEqual([
      'BLUEGREEN_STATE_KEY_PREFIX must not start with "/" nor contain "//" (Terraform\'s s3 backend rejects such keys), got "/state/"',
    ]);
    expect(stateBackendVariableProblems({ BLUEGREEN_STATE_BUCKET: 'ci-state', BLUEGREEN_STATE_KEY_PREFIX: 'k'.repeat(985) })).toEqual([
      'BLUEGREEN_STATE_KEY_PREFIX must be at most 984 bytes (S3 keys are at most 1024), got 985 bytes',
    ]);
    expect(stateBackendVariableProblems({ BLUEGREEN_STATE_BUCKET: 'ci-state', BLUEGREEN_STATE_KEY_PREFIX: 'k'.repeat(984) })).toEqual([]);
  });

  test('names the variables the module reads', () => {
    expect(STATE_BACKEND_ENV).toEqual({ bucket: 'BLUEGREEN_STATE_BUCKET', region: 'BLUEGREEN_STATE_REGION', keyPrefix: 'BLUEGREEN_STATE_KEY_PREFIX' });
  });
});

describe('bucketNameProblem (S3 general purpose bucket naming rules)', () => {
  test.each(['abc', 'my-state', 'state.example.com', 'a'.repeat(63), '1-2-3'])('accepts %s', (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });

  test.each([
    ['ab', '3-63 lowercase letters, digits, dots and hyphens'],
    ['a'.repeat(64), '3-63 lowercase letters, digits, dots and hyphens'],
    ['State', '3-63 lowercase letters, digits, dots and hyphens'],
    ['my_state', '3-63 lowercase letters, digits, dots and hyphens'],
    [' my-state', '3-63 lowercase letters, digits, dots and hyphens'],
    ['-state', 'starting and ending with a letter or digit'],
    ['state.', 'starting and ending with a letter or digit'],
    ['my..state', 'without two adjacent dots'],
    ['192.168.5.4', 'not formatted as an IP address'],
    ['xn--state', 'not starting with the reserved prefix "xn--"'],
    ['sthree-state', 'not starting with the reserved prefix "sthree-"'],
    ['amzn-s3-demo-state', 'not starting with the reserved prefix "amzn-s3-demo-"'],
    ['state-s3alias', 'not ending with the reserved suffix "-s3alias"'],
    ['state--ol-s3', 'not ending with the reserved suffix "--ol-s3"'],
    ['state.mrap', 'not ending with the reserved suffix ".mrap"'],
    ['state--x-s3', 'not ending with the reserved suffix "--x-s3"'],
    ['state--table-s3', 'not ending with the reserved suffix "--table-s3"'],
  ])('rejects %j: %s', (name, rule) => {
    expect(bucketNameProblem(name)).toBe(rule);
  });
});

describe('synthesize with the state variables', () => {
  test('reports invalid variables once, with the problems of the environments, and writes nothing', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'state-backend-synth-')), 'out');
    let error: unknown;
    try {
      synthesize([dev, { ...prod, region: 'nowhere' }], { outdir, variables: { BLUEGREEN_STATE_BUCKET: 'ci_state' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AggregateConfigError);
    expect((error as AggregateConfigError).errors.map((e) => [e.environment, e.problems])).toEqual([
      ['dev,prod', ['BLUEGREEN_STATE_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), got "ci_state"']],
      ['prod', ['region must be an AWS region code such as eu-west-1, got "nowhere"']],
    ]);
    expect(existsSync(outdir)).toBe(false);
    rmSync(join(outdir, '..'), { recursive: true, force: true });
  });
});

describe('npm run synth (main.ts as a process) with the state variables', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'state-backend-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // Only what the synth needs: the test must not depend on state variables of the caller's shell.
  // Exactly what `npm run synth` runs (package.json): main.ts, precompiled.
  const synth = npmScriptCommand('synth');
  // The four runs at once (runProcess): each has a CDKTF_OUTDIR of its own.
  const run = (extra: Record<string, string>) =>
    runProcess(synth.command, synth.args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra }, timeoutMs: 60000 });

  test.concurrent('bluegreen-dev gets an s3 backend in the given bucket, key and region, and says so', async () => {
    const outdir = join(scratch, 'dev');
    const result = await run({ ENVIRONMENTS: 'dev', CDKTF_OUTDIR: outdir, BLUEGREEN_STATE_BUCKET: 'ci-state', BLUEGREEN_STATE_REGION: 'eu-west-1' });
    expect(result.status).toBe(0);
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', 'bluegreen-dev', 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.backend).toEqual({
      s3: { bucket: 'ci-state', key: `bluegreen/${dev.name}.tfstate`, region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    expect(result.stderr.split('\n')).toContain(
      'info: bluegreen-dev: Terraform state in s3://ci-state/bluegreen/dev.tfstate (region eu-west-1, S3 lock file), set by BLUEGREEN_STATE_BUCKET; it overrides the configured local backend',
    );
  }, 60000);

  test.concurrent('without the variables bluegreen-dev keeps its local state and prints no notice', async () => {
    const outdir = join(scratch, 'local');
    const result = await run({ ENVIRONMENTS: 'dev', CDKTF_OUTDIR: outdir, BLUEGREEN_STATE_BUCKET: '' });
    expect(result.status).toBe(0);
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', 'bluegreen-dev', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.terraform.backend)).toEqual(['local']);
    expect(result.stderr).not.toContain('info:');
  }, 60000);

  test.concurrent("every environment's state goes to the one bucket, each in its own region by default", async () => {
    const outdir = join(scratch, 'all');
    const result = await run({ CDKTF_OUTDIR: outdir, BLUEGREEN_STATE_BUCKET: 'ci-state' });
    expect(result.status).toBe(0);
    const backend = (stack: string) => JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')).terraform.backend.s3;
    expect(backend('bluegreen-dev')).toMatchObject({ bucket: 'ci-state', key: 'bluegreen/dev.tfstate', region: dev.region });
    expect(backend('bluegreen-prod')).toMatchObject({ bucket: 'ci-state', key: 'bluegreen/prod.tfstate', region: prod.region, use_lockfile: true });
  }, 60000);

  test.concurrent('an invalid bucket: the message, exit 1, no stack trace, nothing written', async () => {
    const outdir = join(scratch, 'invalid');
    const result = await run({ ENVIRONMENTS: 'dev', CDKTF_OUTDIR: outdir, BLUEGREEN_STATE_BUCKET: 'Not_A_Bucket' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: Invalid configuration of environment "dev" (1 problem):\n  - BLUEGREEN_STATE_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), got "Not_A_Bucket"\n',
    );
    expect(existsSync(outdir)).toBe(false);
  }, 60000);
});
