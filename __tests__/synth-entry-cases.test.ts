/**
 * The precompiled synth entry, continued (split from synth-entry.test.ts so the two run in parallel
 * workers): synths started together on a cold cache, an archive asset inside the bundle, invalid
 * configuration, the cache's housekeeping, and the freshness rule (staleReason) on its own.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, type ProjectCopy } from '../test-support/project-copy';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthEntry = require('../build/synth-entry.js') as typeof import('../build/synth-entry.js');

/** Every file under `dir`, by relative path, with its content. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, tree(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'latin1');
  }
  return out;
}

describe('the synth entry in a copy of the project', () => {
  let copy: ProjectCopy;
  const synth = (env: NodeJS.ProcessEnv = {}) => copy.run(process.execPath, ['scripts/synth.js'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1', ENVIRONMENTS: 'dev', ...env } });

  beforeAll(() => {
    copy = copyProject('synth-entry-cases-');
  });
  afterAll(() => copy?.remove());

  test('two synths started together on a cold cache, after an edit, both succeed with the same output', async () => {
    copy.replace('stacks/environments.ts', "region: 'us-east-1'", "region: 'us-east-2'");
    const start = (outdir: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['scripts/synth.js'], { cwd: copy.root, env: { ...copy.env, ENVIRONMENTS: 'dev', CDKTF_OUTDIR: join(copy.root, outdir) } });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const [a, b] = await Promise.all([start('out-a'), start('out-b')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const read = (dir: string) => JSON.parse(copy.read(`${dir}/stacks/bluegreen-dev/cdk.tf.json`));
    expect(read('out-a').provider.aws[0].region).toBe('us-east-2');
    expect(read('out-b')).toEqual(read('out-a'));
  }, 60000);

  test('invalid configuration exits 1 with the message, as main.ts does', () => {
    const result = synth({ ENVIRONMENTS: 'qa' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ENVIRONMENTS names "qa", but the environments are');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  test('an archive asset works in the bundle (cdktf zips by running its own file; archiver loads on first use)', () => {
    copy.write(
      'archive-entry.ts',
      [
        "import { App, AssetType, TerraformAsset, TerraformStack } from 'cdktf';",
        "const app = new App({ outdir: process.env.CDKTF_OUTDIR });",
        "new TerraformAsset(new TerraformStack(app, 'archive'), 'Dir', { path: __dirname + '/hook-lambda', type: AssetType.ARCHIVE });",
        'app.synth();',
        '',
      ].join('\n'),
    );
    const outdir = join(copy.root, 'out-archive');
    const script = [
      "const e = require('./build/synth-entry.js');",
      "e.buildSynthEntry({ entry: 'archive-entry.ts', cacheDir: process.env.BLUEGREEN_SYNTH_CACHE_DIR }).then((file) => {",
      "  if (!require('node:fs').readFileSync(file, 'utf8').includes('archiverModule ??= ')) throw new Error('archiver is not lazy');",
      '  e.runSynthEntry(file);',
      '});',
    ].join('\n');
    const result = copy.run(process.execPath, ['-e', script], { env: { CDKTF_OUTDIR: outdir, BLUEGREEN_SYNTH_CACHE_DIR: join(copy.root, 'archive-cache') }, timeoutInMs: 50000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const zips = Object.keys(tree(join(outdir, 'stacks', 'archive'))).filter((f) => f.endsWith('.zip'));
    expect(zips).toHaveLength(1);
    expect(readFileSync(join(outdir, 'stacks', 'archive', zips[0]!)).readUInt32LE(0)).toBe(0x04034b50);
  }, 60000);

  test('old bundles do not pile up: one per manifest, plus the V8 code cache beside it', () => {
    const dirs = readdirSync(copy.cacheDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('tmp-'));
    const manifests = readdirSync(copy.cacheDir).filter((n) => n.startsWith('manifest-'));
    expect(manifests).toHaveLength(1);
    // Unnamed bundles are kept for an hour (a concurrent synth may be loading one), then pruned.
    expect(dirs.length).toBeGreaterThanOrEqual(1);
    const current = synthEntry.readManifest(join(copy.cacheDir, manifests[0]!))!;
    expect(readdirSync(join(copy.cacheDir, current.bundle.split('/')[0]!)).sort()).toEqual(['main.js', expect.stringMatching(/^main\.js\.v\d+.*\.v8cache$/)]);
  });
});

describe('staleReason', () => {
  let dir: string;
  const manifest = () => {
    const stat = statSync(join(dir, 'node_modules', 'pkg', 'index.js'));
    return {
      format: synthEntry.FORMAT,
      entry: 'main.ts',
      sources: { 'main.ts': '4ca0f6d1a13b2b0d0b4f3b8d0e6a9a4e4d0b1b2c3d4e5f60718293a4b5c6d7e8' },
      packages: { 'node_modules/pkg/index.js': [stat.size, stat.mtimeMs] as [number, number] },
      directories: { '': '' },
      bundle: 'b/synth.js',
    };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stale-reason-'));
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(dir, 'cache', 'b'), { recursive: true });
    writeFileSync(join(dir, 'cache', 'b', 'synth.js'), '');
    writeFileSync(join(dir, 'node_modules', 'pkg', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(dir, 'main.ts'), 'export {};\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fresh = () => {
    const m = manifest();
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    m.sources['main.ts'] = createHash('sha256').update(readFileSync(join(dir, 'main.ts'))).digest('hex');
    const names = ['main.ts'].join('\n');
    m.directories[''] = createHash('sha256').update(names).digest('hex');
    return m;
  };

  test('undefined when every recorded input is as it was', () => {
    expect(synthEntry.staleReason(fresh(), dir, join(dir, 'cache'))).toBeUndefined();
  });

  test('no manifest, another format, a missing bundle', () => {
    expect(synthEntry.staleReason(undefined, dir, join(dir, 'cache'))).toBe('nothing has been built yet');
    expect(synthEntry.staleReason({ ...fresh(), format: -1 }, dir, join(dir, 'cache'))).toBe('the build format changed');
    expect(synthEntry.staleReason({ ...fresh(), bundle: 'gone/synth.js' }, dir, join(dir, 'cache'))).toBe('the bundle is missing');
  });

  test('a package file of another size or modification time (an install) is a change', () => {
    const m = fresh();
    writeFileSync(join(dir, 'node_modules', 'pkg', 'index.js'), 'module.exports = 22;\n');
    expect(synthEntry.staleReason(m, dir, join(dir, 'cache'))).toBe('node_modules/pkg/index.js changed');
    const same = fresh();
    utimesSync(join(dir, 'node_modules', 'pkg', 'index.js'), new Date(), new Date(Date.now() - 60000));
    expect(synthEntry.staleReason(same, dir, join(dir, 'cache'))).toBe('node_modules/pkg/index.js changed');
  });

  test('a deleted source or package file, a new resolvable file; an editor swap file is no change', () => {
    const m = fresh();
    writeFileSync(join(dir, '.main.ts.swp'), 'x');
    expect(synthEntry.staleReason(m, dir, join(dir, 'cache'))).toBeUndefined();
    mkdirSync(join(dir, 'new-folder'));
    expect(synthEntry.staleReason(m, dir, join(dir, 'cache'))).toBeUndefined();
    writeFileSync(join(dir, 'main.js'), 'x');
    expect(synthEntry.staleReason(m, dir, join(dir, 'cache'))).toBe('files were added to or removed from the project root');
    rmSync(join(dir, 'main.ts'));
    expect(synthEntry.staleReason(m, dir, join(dir, 'cache'))).toBe('main.ts is gone');
    rmSync(join(dir, 'node_modules', 'pkg', 'index.js'));
    expect(synthEntry.staleReason({ ...m, sources: {} }, dir, join(dir, 'cache'))).toBe('node_modules/pkg/index.js is gone');
  });
});
