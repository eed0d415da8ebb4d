/**
 * `npm run validate` and `npm run plan:offline` end to end (real entry points, real synth, real
 * terraform against the stand-in provider), each in its own CDKTF_OUTDIR; and the provider bundle's
 * content-hash cache.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectStackOutputs } from '../release/outputs-file';
import { OUTPUT_NAMES } from '../lib/outputs';
import { declaredStacks } from '../scripts/offline-stacks';
import { npmScriptCommand } from '../test-support/npm-script';
import { describeWithTool } from '../test-support/require-tool';
import { bundleKey, packageDirOf, providerBundle } from '../tools/offline-terraform/provider-bundle';
import { listStacks } from '../tools/offline-terraform/stacks';

const ROOT = path.join(__dirname, '..');
const DECLARED = declaredStacks();

/** npm scripts of the programs run here. */
const NPM_SCRIPTS: Readonly<Record<string, string>> = { 'validate.ts': 'validate', 'plan-offline.ts': 'plan:offline', 'apply-offline.ts': 'apply:offline' };

/** What a program run printed and how it ended. */
interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` without blocking (the tests' programs run at once), killed after `timeoutMs`. */
function runAsync(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs a program exactly as its npm script does (precompiled, by scripts/run.js), in its own CDKTF_OUTDIR. */
function runScript(file: string, args: string[], outdir: string): Promise<Run> {
  const { command, args: programArgs } = npmScriptCommand(NPM_SCRIPTS[file]!);
  return runAsync(command, [...programArgs, ...args], { ...process.env, CDKTF_OUTDIR: outdir }, 120000);
}

describe('the provider bundle cache', () => {
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'bundle-cache-'));
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  test('is built once, then reused while its inputs are unchanged', () => {
    const first = providerBundle(cacheDir);
    expect(first.cached).toBe(false);
    expect(readFileSync(first.file, 'utf8')).toContain('tfplugin6.Provider');
    const second = providerBundle(cacheDir);
    expect(second).toEqual({ file: first.file, cached: true });
  });

  test('a changed input (content or package version) changes the key and rebuilds', () => {
    const manifestFile = path.join(cacheDir, 'provider-bundle.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { key: string; sources: string[]; packages: string[] };
    expect(manifest.sources).toContain('provider-server.ts');
    expect(manifest.packages.some((p) => p.endsWith('node_modules/@grpc/grpc-js'))).toBe(true);
    // An input that is ours to change: a copy of a source the manifest lists.
    const extra = path.join(cacheDir, 'extra-input.ts');
    writeFileSync(extra, 'export const a = 1;\n');
    const toolsDir = path.join(ROOT, 'tools', 'offline-terraform');
    const sources = [...manifest.sources, path.relative(toolsDir, extra)];
    const esbuildVersion = (require('esbuild') as { version: string }).version;
    const key = bundleKey(sources, manifest.packages, esbuildVersion)!;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, key, sources }));
    expect(providerBundle(cacheDir).cached).toBe(true);
    writeFileSync(extra, 'export const a = 2;\n');
    expect(bundleKey(sources, manifest.packages, esbuildVersion)).not.toBe(key);
    expect(providerBundle(cacheDir).cached).toBe(false);
    expect(bundleKey(manifest.sources, manifest.packages, '0.0.0-other')).not.toBe(manifest.key);
    expect(bundleKey([...manifest.sources, 'gone.ts'], manifest.packages, esbuildVersion)).toBeUndefined();
  });

  test('finds the package directory of a node_modules input, scoped or not', () => {
    expect(packageDirOf('../../node_modules/@grpc/grpc-js/build/src/server.js')).toBe('../../node_modules/@grpc/grpc-js');
    expect(packageDirOf('../../node_modules/a/node_modules/b/index.js')).toBe('../../node_modules/a/node_modules/b');
    expect(packageDirOf('provider-server.ts')).toBeUndefined();
  });
});

describeWithTool('npm run validate, plan:offline and apply:offline (real terraform, offline)', 'terraform', () => {
  // The tests run at once, each its programs in a CDKTF_OUTDIR of its own (synth output, offline state).
  const outdirs: string[] = [];
  const newOutdir = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'offline-cmd-'));
    outdirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  test.concurrent('validates the stacks the app declares, not a stale stack of a deleted environment (named in a note)', async () => {
    const outdir = newOutdir();
    // What an environment deleted from stacks/environments.ts leaves in cdktf.out: a valid stack.
    const stale = path.join(outdir, 'stacks', 'bluegreen-deleted');
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'cdk.tf.json'), JSON.stringify({ output: { x: { value: 1 } } }));
    const r = await runScript('validate.ts', [], outdir);
    expect(r.stderr).not.toMatch(/internal error/);
    for (const d of DECLARED) expect(r.stdout).toContain(`ok    ${d.stack}: terraform validate passed`);
    expect(r.stdout).toContain(`${DECLARED.length}/${DECLARED.length} stacks valid`);
    expect(r.stdout).toMatch(/^note {2}\S*bluegreen-deleted is not a stack of the app/m);
    expect(r.stdout).not.toContain('ok    bluegreen-deleted');
    expect(r.status).toBe(0);
    // The list the commands and workflows use is the list the synth writes.
    expect(listStacks(path.join(outdir, 'stacks')).filter((s) => s !== 'bluegreen-deleted')).toEqual(DECLARED.map((d) => d.stack).sort());
  }, 120000);

  test.concurrent("an invalid stack fails with Terraform's own error; the others are still validated", async () => {
    const outdir = newOutdir();
    const [broken, ...others] = DECLARED;
    for (const d of DECLARED) {
      mkdirSync(path.join(outdir, 'stacks', d.stack), { recursive: true });
      const config = d === broken ? { output: { x: { value: '${aws_lb.nope.arn}' } } } : { output: { x: { value: 1 } } };
      writeFileSync(path.join(outdir, 'stacks', d.stack, 'cdk.tf.json'), JSON.stringify(config));
    }
    const r = await runScript('validate.ts', ['--skip-synth'], outdir);
    expect(r.stdout).toContain(`FAIL  ${broken!.stack}: terraform validate failed`);
    expect(r.stdout).toMatch(/Error: Reference to undeclared resource/);
    for (const d of others) expect(r.stdout).toContain(`ok    ${d.stack}`);
    expect(r.stdout).toContain(`${others.length}/${DECLARED.length} stacks valid`);
    expect(r.status).toBe(1);
  }, 60000);

  test.concurrent('--skip-synth with a declared stack missing fails, naming it', async () => {
    const outdir = newOutdir();
    const r = await runScript('validate.ts', ['--skip-synth', '--stack', DECLARED[0]!.stack], outdir);
    expect(r.stdout).toContain(`FAIL  ${DECLARED[0]!.stack} is not synthesized`);
    expect(r.status).toBe(1);
  }, 30000);

  test.concurrent('plan:offline -- <stack> synthesizes only that stack and writes its plan JSON', async () => {
    const outdir = newOutdir();
    const [first, ...rest] = DECLARED;
    const out = path.join(outdir, 'plan.json');
    const r = await runScript('plan-offline.ts', [first!.stack, '--out', out], outdir);
    expect(r.stderr).toMatch(new RegExp(`${first!.stack}: Plan: \\d+ to add, 0 to change, 0 to destroy`));
    expect(r.status).toBe(0);
    const plan = JSON.parse(readFileSync(out, 'utf8')) as { format_version: string; resource_changes: { change: { actions: string[] } }[] };
    expect(plan.format_version).toMatch(/^1\./);
    expect(plan.resource_changes.length).toBeGreaterThan(10);
    expect(new Set(plan.resource_changes.map((c) => c.change.actions.join()))).toEqual(new Set(['create']));
    for (const other of rest) expect(existsSync(path.join(outdir, 'stacks', other.stack))).toBe(false);
  }, 120000);

  test.concurrent('apply:offline writes terraform output -json of the stack with clearly fake values, which the release reads', async () => {
    const outdir = newOutdir();
    const [first] = DECLARED;
    const r = await runScript('apply-offline.ts', [first!.stack], outdir);
    expect(r.stdout).toMatch(new RegExp(`${first!.stack}: Apply complete! Resources: \\d+ added, 0 changed, 0 destroyed\\. \\(offline: fake ids and ARNs in account 000000000000; nothing was created in AWS\\)`));
    expect(r.status).toBe(0);
    const file = path.join(outdir, 'offline', first!.stack, 'outputs.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { value: unknown; type: unknown; sensitive: unknown }>;
    // terraform output -json: every entry has value, type and sensitive.
    for (const [name, o] of Object.entries(doc)) expect([name, Object.keys(o).sort()]).toEqual([name, ['sensitive', 'type', 'value']]);
    expect(String(doc.offline_notice!.value)).toMatch(/not AWS.*fake/);
    expect(doc[OUTPUT_NAMES.taskDefinitionArn]!.value).toMatch(/^arn:aws:ecs:[a-z0-9-]+:000000000000:task-definition\/[\w-]+:1$/);
    expect(doc[OUTPUT_NAMES.productionUrl]!.value).toMatch(/-offline-\d+\./);
    const arns = Object.values(doc).map((o) => o.value).filter((v): v is string => typeof v === 'string' && v.startsWith('arn:'));
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn.split(':')[4]).toBe('000000000000');
    const loaded = selectStackOutputs(doc, 'outputs.json', first!.stack);
    expect('outputs' in loaded && loaded.outputs[OUTPUT_NAMES.applicationName]).toBe(first!.stack);

    // The docs' release command (npm run release --), with --dry-run: it reads the file and calls nothing.
    const { command, args: releaseCommand } = npmScriptCommand('release');
    const release = await runAsync(command, [...releaseCommand, '--outputs-file', file, '--stack', first!.stack, '--dry-run'], process.env, 60000);
    expect(release.stdout).toContain(String(doc[OUTPUT_NAMES.taskDefinitionArn]!.value));
    expect(release.status).toBe(0);

    // A second apply starts from the kept offline state: nothing to add.
    const again = await runScript('apply-offline.ts', [first!.stack, '--skip-synth'], outdir);
    expect(again.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 0 destroyed.');
    expect(again.status).toBe(0);
  }, 120000);
});
