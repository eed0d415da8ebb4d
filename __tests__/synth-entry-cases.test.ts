/**
 * The precompiled entries' machinery (build/synth-entry.js under scripts/synth.js) on a small
 * project with this project's launchers and build/synth-entry.js byte for byte (entryFixture): when an
 * entry is rebuilt, builds started together, a source that does not compile, the cache's
 * housekeeping, and the freshness rule (staleReason) on its own. Rebuilds cost milliseconds here;
 * synth-entry.test.ts checks end to end that the real main.ts is wired to it (an edit is picked up;
 * that edit adds an archive asset, which needs cdktf in the bundle: a build not repeated here),
 * program-entry.test.ts the same for the programs (scripts/run.js).
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryFixture, REBUILD, type ProjectCopy } from '../test-support/project-copy';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthEntry = require('../build/synth-entry.js') as typeof import('../build/synth-entry.js');


describe('the synth entry of a small project', () => {
  let fixture: ProjectCopy;
  const synth = () => fixture.run(process.execPath, ['scripts/synth.js'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1' } });

  beforeAll(() => {
    fixture = entryFixture('synth-entry-cases-');
  });
  afterAll(() => fixture?.remove());

  test('builds on first use; reused after a file rewritten with its own content (a new mtime) and a new directory', () => {
    const first = synth();
    expect([first.status, first.stdout, first.stderr.match(REBUILD)?.[1]]).toEqual([0, 'synth bluegreen-dev\n', 'nothing has been built yet']);
    const file = join(fixture.root, 'stacks', 'stack.ts');
    writeFileSync(file, readFileSync(file));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    mkdirSync(join(fixture.root, 'stacks', 'new-folder'));
    const again = synth();
    expect([again.status, again.stdout]).toEqual([0, 'synth bluegreen-dev\n']);
    expect(again.stderr).not.toMatch(REBUILD);
  });

  test('an edit deep in the import graph is picked up, and so is undoing it', () => {
    const original = fixture.read('config/names.ts');
    fixture.write('config/names.ts', original.replace("'bluegreen'", "'edited'"));
    const edited = synth();
    expect([edited.status, edited.stdout, edited.stderr.match(REBUILD)?.[1]]).toEqual([0, 'synth edited-dev\n', 'config/names.ts changed']);
    fixture.write('config/names.ts', original);
    const undone = synth();
    expect([undone.status, undone.stdout, undone.stderr.match(REBUILD)?.[1]]).toEqual([0, 'synth bluegreen-dev\n', 'config/names.ts changed']);
  });

  test('a new file in a source directory (it may change how an import resolves) rebuilds', () => {
    fixture.write('stacks/added-by-test.ts', 'export const added = 1;\n');
    const result = synth();
    expect(result.status).toBe(0);
    expect(result.stderr.match(REBUILD)?.[1]).toBe('files were added to or removed from stacks/');
  });

  test('a syntax error fails the synth with the file and line, no stack trace; undoing it synthesizes again', () => {
    const original = fixture.read('stacks/stack.ts');
    fixture.write('stacks/stack.ts', `${original}\nexport const = ;\n`);
    const broken = synth();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^error: could not compile main\.ts for the synth:\n {2}stacks\/stack\.ts:\d+:\d+: /m);
    expect(broken.stderr).not.toMatch(/^\s+at /m);
    fixture.write('stacks/stack.ts', original);
    const fixed = synth();
    expect([fixed.status, fixed.stdout]).toEqual([0, 'synth bluegreen-dev\n']);
    // The sources are again those of the last good build: its bundle is still the right one.
    expect(fixed.stderr).not.toMatch(REBUILD);
  });

  test('two synths started together after an edit both run the edited entry; one builds it, the other waits for it', async () => {
    fixture.replace('config/names.ts', "'bluegreen'", "'together'");
    const start = () => fixture.start(process.execPath, ['scripts/synth.js'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1' } });
    const [a, b] = await Promise.all([start(), start()]);
    expect([a.status, a.stdout, b.status, b.stdout]).toEqual([0, 'synth together-dev\n', 0, 'synth together-dev\n']);
    expect([a, b].filter((r) => REBUILD.test(r.stderr))).toHaveLength(1);
  }, 30000);

  test('old bundles do not pile up: one per manifest, plus the V8 code cache beside it', () => {
    const dirs = readdirSync(fixture.cacheDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('tmp-'));
    const manifests = readdirSync(fixture.cacheDir).filter((n) => n.startsWith('manifest-'));
    expect(manifests).toHaveLength(1);
    // Unnamed bundles (this file's earlier builds) are kept for an hour (a concurrent synth may be loading one), then pruned.
    expect(dirs.length).toBeGreaterThanOrEqual(1);
    const current = synthEntry.readManifest(join(fixture.cacheDir, manifests[0]!))!;
    expect(readdirSync(join(fixture.cacheDir, current.bundle.split('/')[0]!)).sort()).toEqual(['main.js', expect.stringMatching(/^main\.js\.v\d+.*\.v8cache$/)]);
  });

  test('runs under other V8 flags keep a code cache of their own: neither rejects and rewrites the other\'s (npm run synth and cdktf synth alternating)', () => {
    const flagged = () => fixture.run(process.execPath, ['scripts/synth.js'], { env: { NODE_OPTIONS: '--max-semi-space-size=2' } });
    expect([synth().status, flagged().status]).toEqual([0, 0]);
    const manifest = readdirSync(fixture.cacheDir).find((n) => n.startsWith('manifest-'))!;
    const bundleDir = join(fixture.cacheDir, synthEntry.readManifest(join(fixture.cacheDir, manifest))!.bundle.split('/')[0]!);
    const caches = () => Object.fromEntries(readdirSync(bundleDir).filter((n) => n.endsWith('.v8cache')).map((n) => [n, statSync(join(bundleDir, n)).mtimeMs]));
    const before = caches();
    expect(Object.keys(before)).toHaveLength(2);
    // Each run after one of the other kind: a shared cache would be rejected and rewritten by both.
    expect([synth().status, flagged().status]).toEqual([0, 0]);
    expect(caches()).toEqual(before);
  });

  test("a rebuild's esbuild runs with the build's GOGC; the program run after it does not inherit it", () => {
    // esbuild runs the binary ESBUILD_BINARY_PATH names: one that notes its GOGC, then is esbuild.
    const esbuildBinary = require.resolve(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`);
    const noted = join(fixture.root, 'esbuild-gogc');
    const wrapper = join(fixture.root, 'esbuild-noting-gogc');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s' "GOGC=$GOGC" > '${noted}'\nexec '${esbuildBinary}' "$@"\n`, { mode: 0o755 });
    // A new program (scripts/run.js knows list-stacks) that prints what it inherited.
    fixture.write('scripts/list-stacks.ts', 'process.stdout.write(`GOGC=${process.env.GOGC}\\n`);\n');
    const result = fixture.run(process.execPath, ['scripts/run.js', 'list-stacks'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1', GOGC: undefined, ESBUILD_BINARY_PATH: wrapper } });
    expect([result.status, result.stdout, result.stderr]).toEqual([0, 'GOGC=undefined\n', 'list-stacks: rebuilding the list-stacks entry: nothing has been built yet\n']);
    expect(readFileSync(noted, 'utf8')).toBe(`GOGC=${synthEntry.BUILD_GOGC}`);
  });
});

describe("the library build's entries, built together (buildSynthEntries)", () => {
  let fixture: ProjectCopy;
  const ENTRIES = [
    { entry: 'main.ts', purpose: 'synth', launch: ['scripts/synth.js'] },
    { entry: 'scripts/release.ts', purpose: 'release', launch: ['scripts/run.js', 'release'] },
    { entry: 'scripts/hook-check.ts', purpose: 'hook-check', launch: ['scripts/run.js', 'hook-check'] },
  ];
  /** Runs the fixture's build/synth-entry.js in a child: buildSynthEntries of ENTRIES, then `then` on its result. */
  const build = (then: string) =>
    fixture.run(process.execPath, ['-e', [
      "const e = require('./build/synth-entry.js');",
      'const entries = ' + JSON.stringify(ENTRIES.map(({ entry, purpose }) => ({ entry, purpose }))) + ';',
      'e.buildSynthEntries({}, entries).then(' + then + ', (err) => { process.stderr.write(err.message); process.exit(1); });',
    ].join('\n')], { timeoutInMs: 30000 });

  beforeAll(() => {
    fixture = entryFixture('synth-entries-');
  });
  afterAll(() => fixture?.remove());

  test('one build gives each entry the bundle and manifest a build of its own gives; each is fresh for its launcher, stale only for its own sources', async () => {
    const alone = join(fixture.root, 'alone-cache');
    const compared = build(`async (together) => {
      const alone = await Promise.all(entries.map((x) => e.buildSynthEntry({ ...x, cacheDir: ${JSON.stringify(alone)} })));
      const manifest = (dir, entry) => e.readManifest(e.manifestPath(dir, process.cwd(), entry));
      const read = (f) => require('node:fs').readFileSync(f, 'utf8');
      process.stdout.write(JSON.stringify(entries.map((x, i) => ({
        sameBytes: read(together[i]) === read(alone[i]),
        together: manifest(process.env.BLUEGREEN_SYNTH_CACHE_DIR, x.entry),
        alone: manifest(${JSON.stringify(alone)}, x.entry),
      }))));
    }`);
    expect(compared.stderr).toBe('');
    type Manifest = { bundleStat: [number, number] };
    const results = JSON.parse(compared.stdout) as Array<{ sameBytes: boolean; together: Manifest; alone: Manifest }>;
    expect(results.map((r) => r.sameBytes)).toEqual([true, true, true]);
    // The same but for the bundle's mtime (each cache wrote its own file).
    const sized = (m: Manifest) => ({ ...m, bundleStat: m.bundleStat[0] });
    for (const r of results) expect(sized(r.together)).toEqual(sized(r.alone));
    // Each launcher finds its own manifest fresh (verbose would say why it rebuilt): run together.
    const launched = await Promise.all(ENTRIES.map((e) => fixture.start(process.execPath, e.launch, { env: { BLUEGREEN_SYNTH_VERBOSE: '1' } })));
    ENTRIES.forEach((e, i) => expect([e.entry, launched[i]!.status, launched[i]!.stderr]).toEqual([e.entry, 0, '']));
    // After an edit, the launchers' own check (staleReason of each manifest) finds only the release stale.
    fixture.replace('release/flags.ts', "'Starts", "'EDITED. Starts");
    const stale = ENTRIES.map((e) => synthEntry.staleReason(synthEntry.readManifest(synthEntry.manifestPath(fixture.cacheDir, fixture.root, e.entry)), fixture.root, fixture.cacheDir));
    expect(stale).toEqual([undefined, 'release/flags.ts changed', undefined]);
  }, 30000);

  test('a source that does not compile: the error names the entry and the file, as a build of that entry alone', () => {
    fixture.write('release/flags.ts', `${fixture.read('release/flags.ts')}\nexport const = ;\n`);
    const result = build('() => undefined');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^could not compile scripts\/release\.ts for the release:\n {2}release\/flags\.ts:\d+:\d+: /);
  }, 30000);
});

describe('a cache directory outside the project (the per-user fallback in the temp directory)', () => {
  let fixture: ProjectCopy;
  let tmp: string;
  const uid = process.getuid?.() ?? -1;
  const fallback = () => join(tmp, `bluegreen-synth-${uid}`);
  // The project's cache cannot be made (its path runs through a file: even root cannot), so the runs
  // fall back to <TMPDIR>/bluegreen-synth-<uid>; TMPDIR is this test's own, outside the project.
  const run = (launcher: readonly string[]) =>
    fixture.run(process.execPath, [...launcher], { env: { TMPDIR: tmp, BLUEGREEN_SYNTH_CACHE_DIR: join(fixture.root, 'package.json', 'cache') } });
  const release = () => run(['scripts/run.js', 'release', '--help']);

  beforeAll(() => {
    fixture = entryFixture('synth-entry-fallback-');
    tmp = mkdtempSync(join(tmpdir(), 'synth-entry-tmpdir-'));
  });
  afterAll(() => {
    fixture?.remove();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('is made for this user alone, and used', () => {
    const result = release();
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('Starts a blue/green deployment.');
    expect((lstatSync(fallback()).mode & 0o777).toString(8)).toBe('700');
  });

  test('one that others could have written (their bundle, a manifest that matches) is refused, naming it and BLUEGREEN_SYNTH_CACHE_DIR; nothing of it runs', () => {
    // What another local user would plant: a manifest matching the sources, naming a bundle of theirs.
    const manifestFile = synthEntry.manifestPath(fallback(), fixture.root, 'scripts/release.ts');
    const manifest = synthEntry.readManifest(manifestFile)!;
    writeFileSync(join(fallback(), manifest.bundle), "process.stdout.write('PLANTED CODE RAN\\n');\n");
    const { size, mtimeMs } = statSync(join(fallback(), manifest.bundle));
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, bundleStat: [size, mtimeMs] }));
    expect(release().stdout).toBe('PLANTED CODE RAN\n'); // the plant is one the check would accept
    const refused = (problem: string) => `refusing the cache directory ${fallback()}: ${problem}; set BLUEGREEN_SYNTH_CACHE_DIR to a directory of your own\n`;
    chmodSync(fallback(), 0o777);
    const program = release();
    expect([program.status, program.stdout, program.stderr]).toEqual([70, '', `release: internal error: ${refused('it is writable by group or others (mode 0777)')}`]);
    const synth = run(['scripts/synth.js']);
    expect([synth.status, synth.stdout, synth.stderr]).toEqual([1, '', `error: ${refused('it is writable by group or others (mode 0777)')}`]);
    chmodSync(fallback(), 0o700);
    // Another owner: only root can make one here (chown); as any other user the mode case above is the proof.
    if (uid === 0) {
      chownSync(fallback(), 12345, 12345);
      const owned = release();
      expect([owned.status, owned.stderr]).toEqual([70, `release: internal error: ${refused('it belongs to uid 12345, not to this user (uid 0)')}`]);
      chownSync(fallback(), 0, 0);
    }
    // A symbolic link (it could be repointed) to a directory of this user's.
    renameSync(fallback(), `${fallback()}-real`);
    symlinkSync(`${fallback()}-real`, fallback());
    const linked = release();
    expect([linked.status, linked.stderr]).toEqual([70, `release: internal error: ${refused('it is a symbolic link')}`]);
  });
});

describe('a damaged or unwritable cache, and a program that exits at once', () => {
  let fixture: ProjectCopy;
  const release = (env: NodeJS.ProcessEnv = { BLUEGREEN_SYNTH_VERBOSE: '1' }) => fixture.run(process.execPath, ['scripts/run.js', 'release', '--help'], { env });
  const REBUILT = /^release: rebuilding the release entry: (.*)$/m;
  const manifestFile = () => synthEntry.manifestPath(fixture.cacheDir, fixture.root, 'scripts/release.ts');

  beforeAll(() => {
    fixture = entryFixture('synth-entry-damage-');
  });
  afterAll(() => fixture?.remove());

  test('a truncated bundle is rebuilt (its size and mtime are in the manifest), then reused', () => {
    expect(release().status).toBe(0);
    const bundle = join(fixture.cacheDir, synthEntry.readManifest(manifestFile())!.bundle);
    writeFileSync(bundle, readFileSync(bundle).subarray(0, Math.floor(statSync(bundle).size / 2)));
    const again = release();
    expect([again.status, again.stderr.match(REBUILT)?.[1]]).toEqual([0, 'the bundle changed since it was built']);
    expect(again.stdout).toContain('Starts a blue/green deployment.');
    const third = release();
    expect([third.status, third.stderr]).toEqual([0, '']);
  });

  test('a bundle that does not load although its manifest matches is the clean internal error: exit 70, one line', () => {
    const manifest = synthEntry.readManifest(manifestFile())!;
    const bundle = join(fixture.cacheDir, manifest.bundle);
    writeFileSync(bundle, 'this is not (JavaScript\n');
    const { size, mtimeMs } = statSync(bundle);
    writeFileSync(manifestFile(), JSON.stringify({ ...manifest, bundleStat: [size, mtimeMs] }));
    const result = release({});
    expect(result.status).toBe(70);
    expect(result.stderr).toMatch(/^release: internal error: could not load the bundle \S+release\.js \(remove it to have it rebuilt\): SyntaxError: [^\n]+\n$/);
    rmSync(bundle);
    expect(release().status).toBe(0);
  });

  test('a program that exits during the bundle\'s first synchronous run (--version, list-stacks) still saves its V8 code cache', () => {
    fixture.write('scripts/list-stacks.ts', "process.stdout.write('bluegreen-dev\\n');\nprocess.exit(0);\n");
    const result = fixture.run(process.execPath, ['scripts/run.js', 'list-stacks']);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, 'bluegreen-dev\n', '']);
    const bundle = synthEntry.readManifest(synthEntry.manifestPath(fixture.cacheDir, fixture.root, 'scripts/list-stacks.ts'))!.bundle;
    expect(readdirSync(join(fixture.cacheDir, bundle.split('/')[0]!)).sort()).toEqual(['list-stacks.js', expect.stringMatching(/^list-stacks\.js\.v\d+.*\.v8cache$/)]);
  });

  test('no cache can be written (TMPDIR=/, the project read-only): a fresh bundle runs as it is; a rebuild is one line naming BLUEGREEN_SYNTH_CACHE_DIR', () => {
    // Read-only for the runs: as root (who may write anywhere) they run as nobody (uid 65534).
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const cache = join(fixture.root, 'read-only-cache');
    const env = { ...fixture.env, TMPDIR: '/', BLUEGREEN_SYNTH_CACHE_DIR: cache };
    const run = () => spawnSync(process.execPath, ['scripts/run.js', 'release', '--help'], { cwd: fixture.root, env, encoding: 'utf8', timeout: 30000, ...user });
    expect(fixture.run(process.execPath, ['scripts/run.js', 'release', '--help'], { env: { BLUEGREEN_SYNTH_CACHE_DIR: cache } }).status).toBe(0);
    const dirs = [cache, ...readdirSync(cache, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(cache, d.name))];
    chmodSync(fixture.root, 0o755);
    for (const dir of dirs) chmodSync(dir, 0o555);
    try {
      const fresh = run();
      expect([fresh.status, fresh.stderr]).toEqual([0, '']);
      expect(fresh.stdout).toContain('Starts a blue/green deployment.');
      fixture.replace('release/flags.ts', "'Starts", "'EDITED. Starts");
      const stale = run();
      expect(stale.status).toBe(70);
      expect(stale.stderr).toMatch(/^release: internal error: no cache directory to build in: neither \S+read-only-cache nor \/bluegreen-synth-\d+ can be written \(E[A-Z]+\); set BLUEGREEN_SYNTH_CACHE_DIR to a writable directory\n$/);
    } finally {
      for (const dir of dirs) chmodSync(dir, 0o755);
    }
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
      bundleStat: [0, statSync(join(dir, 'cache', 'b', 'synth.js')).mtimeMs] as [number, number],
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

  test('no manifest, another format, a missing or changed bundle', () => {
    expect(synthEntry.staleReason(undefined, dir, join(dir, 'cache'))).toBe('nothing has been built yet');
    expect(synthEntry.staleReason({ ...fresh(), format: -1 }, dir, join(dir, 'cache'))).toBe('the build format changed');
    expect(synthEntry.staleReason({ ...fresh(), bundle: 'gone/synth.js' }, dir, join(dir, 'cache'))).toBe('the bundle is missing');
    const m = fresh();
    writeFileSync(join(dir, 'cache', 'b', 'synth.js'), 'damaged');
    expect(synthEntry.staleReason(m, dir, join(dir, 'cache'))).toBe('the bundle changed since it was built');
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
