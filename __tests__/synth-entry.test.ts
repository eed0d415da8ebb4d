/**
 * The precompiled synth entry (build/synth-entry.js, run by scripts/synth.js = `npm run synth`), end
 * to end in a temporary copy of the project: same output as `node --import tsx main.ts`, reused while
 * nothing changed, and an edit to a source main.ts imports is in the next synth (the edit adds an
 * archive asset, which cdktf zips by running its own file: it works in the bundle). Every other kind of
 * change, builds started together and build errors: synth-entry-cases.test.ts, on a small project
 * with the same machinery (a rebuild there costs milliseconds, here a bundle of cdktf and the
 * provider classes).
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject, PROJECT_ROOT, REBUILD, tree, type ProjectCopy } from '../test-support/project-copy';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthEntry = require('../build/synth-entry.js') as typeof import('../build/synth-entry.js');


describe('npm run synth', () => {
  test('runs the precompiled entry, and so do cdktf synth, validate and plan:offline (cdktf.json app)', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const cdktf = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdktf.json'), 'utf8'));
    expect(pkg.scripts.synth).toMatch(/^node (--max-semi-space-size=\d+ )?scripts\/synth\.js$/);
    expect(cdktf.app).toBe(pkg.scripts.synth);
    // npm ci runs the root package's own prepare: the entry is built before the first synth.
    expect(pkg.scripts.prepare).toBe(pkg.scripts.build);
  });
});

describe('the synth entry in a copy of the project', () => {
  let copy: ProjectCopy;
  // Bounded under the test's own time limit: a bundle whose archive step runs the bundle again would synthesize forever.
  const synth = (env: NodeJS.ProcessEnv = {}) => copy.run(process.execPath, ['scripts/synth.js'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1', ENVIRONMENTS: 'dev', ...env }, timeoutInMs: 50000 });

  beforeAll(() => {
    copy = copyProject('synth-entry-');
  });
  afterAll(() => copy?.remove());

  test('the first synth builds the entry and writes exactly what tsx main.ts writes', async () => {
    // The two are independent (tsx reads no bundle, each has its own output directory): run together.
    const [first, viaTsx] = await Promise.all([
      copy.start(process.execPath, ['scripts/synth.js'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1', ENVIRONMENTS: '', CDKTF_OUTDIR: join(copy.root, 'out-entry') } }),
      copy.start(process.execPath, ['--import', 'tsx', 'main.ts'], { env: { CDKTF_OUTDIR: join(copy.root, 'out-tsx') } }),
    ]);
    expect(first.stderr).toMatch(REBUILD);
    expect(first.stderr.match(REBUILD)![1]).toBe('nothing has been built yet');
    expect(first.status).toBe(0);
    expect(viaTsx.status).toBe(0);
    expect(first.stdout.replace('out-entry', 'out-tsx')).toBe(viaTsx.stdout);
    const entryFiles = tree(join(copy.root, 'out-entry'));
    expect(Object.keys(entryFiles)).toEqual(expect.arrayContaining(['stacks/bluegreen-dev/cdk.tf.json', 'stacks/bluegreen-prod/cdk.tf.json']));
    expect(entryFiles).toEqual(tree(join(copy.root, 'out-tsx')));
  }, 120000);

  // One synth for four facts: it is the next one (the entry is reused), after a file rewritten with its
  // own content (a new mtime) and a new directory (cdktf.out, an output folder), neither of which is a
  // change; and with an ENVIRONMENTS that names no environment, it stops as main.ts does.
  test('the next synth reuses it, after a file rewritten with the same content (a new mtime) and a new directory; invalid configuration exits 1 with the message, as main.ts does', () => {
    const file = join(copy.root, 'constructs', 'network.ts');
    writeFileSync(file, readFileSync(file));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    mkdirSync(join(copy.root, 'stacks', 'new-folder'));
    const result = synth({ ENVIRONMENTS: 'qa' });
    expect(result.stderr).not.toMatch(REBUILD);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ENVIRONMENTS names "qa", but the environments are');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  // The edit adds an archive asset, so the rebuild it causes also shows that one works in the bundle:
  // cdktf zips a directory by running its own private/fs.js as a child (the bundle gives it its path on
  // disk back), and archiver is loaded on first use, not with cdktf.
  test('an edited source is picked up by the next synth; an archive asset works in the bundle', () => {
    copy.replace('stacks/bluegreen-stack.ts', "import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';", "import { AssetType, LocalBackend, S3Backend, TerraformAsset, TerraformOutput, TerraformStack } from 'cdktf';");
    copy.replace('stacks/bluegreen-stack.ts', '    this.declareOutputs();\n  }', "    this.declareOutputs();\n    new TerraformAsset(this, 'EditedByTest', { path: __dirname, type: AssetType.ARCHIVE });\n  }");
    const result = synth();
    expect(result.stderr.match(REBUILD)?.[1]).toBe('stacks/bluegreen-stack.ts changed');
    expect(result.status).toBe(0);
    const stackDir = join(copy.root, 'cdktf.out', 'stacks', 'bluegreen-dev');
    const zips = Object.keys(tree(stackDir)).filter((f) => f.includes('EditedByTest') && f.endsWith('.zip'));
    expect(zips).toHaveLength(1);
    const zip = readFileSync(join(stackDir, zips[0]!));
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.includes('bluegreen-stack.ts')).toBe(true);
    const bundle = synthEntry.readManifest(synthEntry.manifestPath(copy.cacheDir, copy.root, 'main.ts'))!.bundle;
    expect({ lazyArchiver: readFileSync(join(copy.cacheDir, bundle), 'utf8').includes('archiverModule ??= ') }).toEqual({ lazyArchiver: true });
  });
});
