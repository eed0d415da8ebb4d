/**
 * The construct library as a consumer gets it: `npm pack` in a copy of the project (which runs the
 * package's `prepare`, the build), the tarball's contents, then the tarball installed into a temporary
 * cdktf app written in plain JavaScript (no tsx, no ts-node) that synthesizes with it.
 *
 * Offline: the app's peer dependencies (an existing cdktf app has them) and the package's own
 * dependencies are `file:` links to this checkout's node_modules, so npm needs no registry; the
 * package itself is installed from the tarball like any other.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { OUTPUT_NAMES } from '../lib/outputs';
import { copyProject, PROJECT_ROOT, startIn, type Finished, type ProjectCopy } from '../test-support/project-copy';

const NPM_TIMEOUT_IN_MS = 240000;

let copy: ProjectCopy;
let work: string;
let tarball: string;
let files: string[];
let manifest: { name: string; version: string; private?: boolean; exports: Record<string, unknown>; bin: Record<string, string>; files: string[]; dependencies: Record<string, string>; peerDependencies: Record<string, string> };
let packOutput: string;
/** The consumer app's directory and its `npm install` of the tarball, started as soon as the tarball exists. */
let app: string;
let installing: Promise<Finished | Error>;

/** Every file under `dir` with its size and modification time, to see that nothing was written. */
function fileStates(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out[relative(dir, p)] = `${s.size}@${s.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** Installs the tarball into a new plain JavaScript app beside it (see the file comment). */
function installTarball(): Promise<Finished | Error> {
  app = join(work, 'app');
  mkdirSync(app);
  // The app already has the peer dependencies (as a cdktf app does); the package's own dependencies
  // resolve to the same versions the lockfile pinned here.
  const linked = [...Object.keys(manifest.peerDependencies), ...Object.keys(manifest.dependencies), '@types/node'];
  const dependencies = Object.fromEntries(linked.map((name) => [name, `file:${join(PROJECT_ROOT, 'node_modules', name)}`]));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, dependencies }, null, 2));
  // Settled either way: it is awaited only by the consumer's tests, after the pack's own have run.
  return startIn(app, 'npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], process.env, NPM_TIMEOUT_IN_MS).catch((err: Error) => err);
}

beforeAll(async () => {
  copy = copyProject('package-');
  work = mkdtempSync(join(tmpdir(), 'package-consumer-'));
  const pack = await copy.start('npm', ['pack', '--json', '--pack-destination', work, '--no-audit', '--no-fund'], { timeoutInMs: NPM_TIMEOUT_IN_MS });
  packOutput = `${pack.stdout}\n${pack.stderr}`;
  if (pack.status !== 0) throw new Error(`npm pack failed (exit ${pack.status}):\n${packOutput}`);
  const start = pack.stdout.indexOf('[');
  const [info] = JSON.parse(pack.stdout.slice(start)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, info!.filename);
  files = info!.files.map((f) => f.path).sort();
  const listed = await startIn(work, 'tar', ['-xzOf', tarball, 'package/package.json'], process.env, 30000);
  manifest = JSON.parse(listed.stdout);
  // The install reads only the tarball: it runs while the pack's tests run the copy's synth and release.
  installing = installTarball();
}, NPM_TIMEOUT_IN_MS + 10000);

afterAll(async () => {
  // The install runs in the background: its directory goes only once it has ended (a run filtered to
  // the pack's tests never awaits it otherwise). Bounded by its own timeout.
  await installing;
  copy?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('ships the compiled library, its declarations, the hook bundle and the changelog', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/hook-bundle/index.js']));
    expect(files.some((f) => /^dist\/archive-[0-9a-f]{16}\/hook\.zip$/.test(f))).toBe(true);
    // Every compiled module has its declarations.
    for (const js of files.filter((f) => f.endsWith('.js') && f.startsWith('dist/') && !f.startsWith('dist/hook-bundle/'))) {
      expect(files).toContain(js.replace(/\.js$/, '.d.ts'));
    }
  });

  test('keeps tests, fixtures, sources and tooling out', () => {
    const leaked = files.filter(
      (f) => /(^|\/)(__tests__|fixtures|test-support|bench|tools|build|\.github|\.ci)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /^(cdktf\.json|tsconfig.*\.json|jest\.config\.js)$/.test(f),
    );
    expect(leaked).toEqual([]);
  });

  test('the manifest: public, semver version, one entry with types, the commands', () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    for (const bin of Object.values(manifest.bin)) {
      expect(files).toContain(bin);
      expect(readFileSync(join(copy.root, bin), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    }
    // What a synth needs at run time, and nothing that builds: a consumer never runs esbuild or tsx.
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['esbuild']));
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@cdktf/provider-aws', '@cdktf/provider-null', 'cdktf', 'constructs']);
  });

  test('the changelog has a section for this version', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`## [${manifest.version}]`);
  });

  // The two runs below read the bundles prepare built and write only their own outputs: concurrently.
  test.concurrent('prepare (the build npm pack ran) also built the synth entry: the next synth reuses it', async () => {
    const result = await copy.start(process.execPath, ['scripts/synth.js'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1', ENVIRONMENTS: 'dev' } });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/rebuilding the synth entry/);
  });

  test.concurrent("prepare also built the programs' entries: the first release after it starts precompiled, no rebuild", async () => {
    const result = await copy.start(process.execPath, ['scripts/run.js', 'release', '--version'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`release ${manifest.version}\n`);
    expect(result.stderr).not.toMatch(/rebuilding the release entry/);
  });
});

describe('a plain JavaScript cdktf app that installs the tarball', () => {
  let packageDir: string;
  let before: Record<string, string>;

  beforeAll(async () => {
    const install = await installing;
    if (install instanceof Error) throw install;
    if (install.status !== 0) throw new Error(`npm install of the tarball failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
    packageDir = join(app, 'node_modules', manifest.name);
    before = fileStates(packageDir);
  }, NPM_TIMEOUT_IN_MS + 10000);

  // The example's synth, the type check and the commands each write only their own files: run
  // concurrently; what they must not write (node_modules) is checked after them all.
  test.concurrent("README's example (plain JavaScript): one environment with two services synthesizes to one platform and two blue/green services", async () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use as a library'));
    const example = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toContain(`require('${manifest.name}')`);
    writeFileSync(join(app, 'main.js'), example!);
    const result = await startIn(app, process.execPath, ['main.js'], { ...process.env, CHECKPOINT_DISABLE: '1' }, 60000);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const stacks = readdirSync(join(app, 'cdktf.out', 'stacks'));
    expect(stacks).toEqual(['shop-prod']);
    const stackDir = join(app, 'cdktf.out', 'stacks', stacks[0]!);
    const json = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    const count = (type: string) => Object.keys(json.resource[type] ?? {}).length;
    // One shared platform …
    expect([count('aws_lb'), count('aws_ecs_cluster'), count('aws_codedeploy_app'), count('aws_vpc')]).toEqual([1, 1, 1, 1]);
    // … and two blue/green services on it, each with its own listeners, deployment group and hook.
    const services = Object.values(json.resource.aws_ecs_service as Record<string, { deployment_controller: { type: string } }>);
    expect(services.map((s) => s.deployment_controller.type)).toEqual(['CODE_DEPLOY', 'CODE_DEPLOY']);
    expect([count('aws_codedeploy_deployment_group'), count('aws_lb_listener'), count('aws_lambda_function')]).toEqual([2, 4, 2]);
    const perService = json.output.services.value as Record<string, Record<string, unknown>>;
    expect(Object.keys(perService).sort()).toEqual(['api', 'web']);
    for (const outputs of Object.values(perService)) expect(Object.keys(outputs)).toEqual(expect.arrayContaining(Object.values(OUTPUT_NAMES)));
    expect(perService.api![OUTPUT_NAMES.productionUrl]).toMatch(/:8443$/);
    // The hook deployed is the package's prebuilt archive, byte for byte.
    const shipped = files.find((f) => /^dist\/archive-[0-9a-f]{16}\/hook\.zip$/.test(f))!;
    for (const fn of Object.values(json.resource.aws_lambda_function as Record<string, { filename: string }>)) {
      expect(readFileSync(join(stackDir, fn.filename)).equals(readFileSync(join(packageDir, shipped)))).toBe(true);
    }
  }, 60000);

  test.concurrent("the declarations type-check a TypeScript consumer, and reject a wrong prop", async () => {
    writeFileSync(
      join(app, 'check.ts'),
      [
        "import { App } from 'cdktf';",
        `import { BlueGreenStack, type EnvironmentConfig } from ${JSON.stringify(manifest.name)};`,
        "const environment: EnvironmentConfig = { name: 'demo', region: 'eu-west-1', service: { image: { external: 'nginx:stable' } } };",
        "const stack = new BlueGreenStack(new App(), 'bluegreen-demo', { environment });",
        'const names: string = stack.names.stack;',
        '// @ts-expect-error: desiredCount is a number',
        "const wrong: EnvironmentConfig = { ...environment, service: { ...environment.service, desiredCount: 'three' } };",
        'export { names, wrong };',
        '',
      ].join('\n'),
    );
    const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', 'check.ts'];
    const result = await startIn(app, process.execPath, args, process.env, 60000);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  }, 60000);

  test.concurrent('the commands it installs run', async () => {
    const bins = Object.keys(manifest.bin);
    const results = await Promise.all(bins.map((bin) => startIn(app, join(app, 'node_modules', '.bin', bin), ['--help'], process.env, 30000)));
    bins.forEach((bin, i) => {
      expect({ bin, status: results[i]!.status, stderr: results[i]!.stderr }).toEqual({ bin, status: 0, stderr: '' });
      expect(results[i]!.stdout).toMatch(/--help/);
    });
  });

  // After the concurrent tests above (jest runs a block's concurrent tests as one group, first).
  test('needs no esbuild or tsx, and writes nothing into node_modules', async () => {
    // One node for both tools: it prints each one that resolves from the package.
    const script = `for (const tool of ['esbuild', 'tsx']) { try { require.resolve(tool, { paths: [${JSON.stringify(packageDir)}] }); console.log(tool); } catch {} }`;
    const probe = await startIn(app, process.execPath, ['-e', script], process.env, 30000);
    expect([probe.status, probe.stdout, probe.stderr]).toEqual([0, '', '']);
    expect(fileStates(packageDir)).toEqual(before);
  });
});
