/**
 * The precompiled synth entry (build/synth-entry.js, run by scripts/synth.js = `npm run synth`):
 * same output as `node --import tsx main.ts`, and never stale: every kind of source change is
 * picked up by the next synth, in a temporary copy of the project. More cases in
 * synth-entry-cases.test.ts.
 */
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject, PROJECT_ROOT, type ProjectCopy } from '../test-support/project-copy';

const REBUILD = /^synth: rebuilding the synth entry: (.*)$/m;

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

  test('the first synth builds the entry and writes exactly what tsx main.ts writes', () => {
    const first = synth({ ENVIRONMENTS: '', CDKTF_OUTDIR: join(copy.root, 'out-entry') });
    expect(first.stderr).toMatch(REBUILD);
    expect(first.stderr.match(REBUILD)![1]).toBe('nothing has been built yet');
    expect(first.status).toBe(0);
    const viaTsx = copy.run(process.execPath, ['--import', 'tsx', 'main.ts'], { env: { CDKTF_OUTDIR: join(copy.root, 'out-tsx') } });
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

  test('an edit deep in the import graph is picked up, and so is undoing it', () => {
    const original = copy.read('config/names.ts');
    copy.write('config/names.ts', `${original}\nexport const EDITED_BY_TEST = 1;\n`);
    const edited = synth();
    expect(edited.status).toBe(0);
    expect(edited.stderr.match(REBUILD)?.[1]).toBe('config/names.ts changed');
    copy.write('config/names.ts', original);
    expect(synth().stderr.match(REBUILD)?.[1]).toBe('config/names.ts changed');
  });

  test('a new file in a source directory (it may change how an import resolves) rebuilds', () => {
    copy.write('stacks/added-by-test.ts', 'export const added = 1;\n');
    const result = synth();
    expect(result.status).toBe(0);
    expect(result.stderr.match(REBUILD)?.[1]).toBe('files were added to or removed from stacks/');
  });

  test('a syntax error fails the synth with the file and line, no stack trace; undoing it synthesizes again', () => {
    const original = copy.read('constructs/network.ts');
    copy.write('constructs/network.ts', `${original}\nexport const = ;\n`);
    const broken = synth();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^error: could not compile main\.ts for the synth:\n {2}constructs\/network\.ts:\d+:\d+: /m);
    expect(broken.stderr).not.toMatch(/^\s+at /m);
    copy.write('constructs/network.ts', original);
    const fixed = synth();
    expect(fixed.status).toBe(0);
    // The sources are again those of the last good build: its bundle is still the right one.
    expect(fixed.stderr).not.toMatch(REBUILD);
  });

});
