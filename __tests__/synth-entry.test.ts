/**
 * The precompiled synth entry (build/synth-entry.js, run by scripts/synth.js = `npm run synth`), end
 * to end in a temporary copy of the project: same output as `node --import tsx main.ts`, reused while
 * nothing changed, and an edit to a source main.ts imports is in the next synth. Every other kind of
 * change, builds started together and build errors: synth-entry-cases.test.ts, on a small project
 * with the same machinery (a rebuild there costs milliseconds, here a bundle of cdktf and the
 * provider classes).
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject, PROJECT_ROOT, REBUILD, tree, type ProjectCopy } from '../test-support/project-copy';


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
  const synth = (env: NodeJS.ProcessEnv = {}) => copy.run(process.execPath, ['scripts/synth.js'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1', ENVIRONMENTS: 'dev', ...env } });
  const devStack = () => JSON.parse(copy.read('cdktf.out/stacks/bluegreen-dev/cdk.tf.json'));

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

  // One synth for three facts that each would show as a rebuild: it is the next one (the entry is
  // reused), after a file rewritten with its own content (a new mtime) and a new directory (cdktf.out,
  // an output folder), neither of which is a change.
  test('the next synth reuses it, after a file rewritten with the same content (a new mtime) and a new directory: neither is a change', () => {
    const file = join(copy.root, 'constructs', 'network.ts');
    writeFileSync(file, readFileSync(file));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    mkdirSync(join(copy.root, 'stacks', 'new-folder'));
    const again = synth();
    expect(again.status).toBe(0);
    expect(again.stderr).not.toMatch(REBUILD);
  });

  test('an edited source is picked up by the next synth', () => {
    copy.replace('stacks/environments.ts', "region: 'us-east-1'", "region: 'us-west-2'");
    const result = synth();
    expect(result.status).toBe(0);
    expect(result.stderr.match(REBUILD)?.[1]).toBe('stacks/environments.ts changed');
    expect(devStack().provider.aws[0].region).toBe('us-west-2');
  });

  test('invalid configuration exits 1 with the message, as main.ts does', () => {
    const result = synth({ ENVIRONMENTS: 'qa' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ENVIRONMENTS names "qa", but the environments are');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toMatch(REBUILD);
  });
});
