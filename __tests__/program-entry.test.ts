/**
 * The programs' precompiled entries (scripts/run.js on build/synth-entry.js, the synth's machinery):
 * every program's npm script runs one; in a copy of the project the release's bundle is built on first
 * use with the output tsx gives, reused while nothing changed, and an edit to a source it imports is in
 * its next run. The launcher's other cases run on a small project with the same run.js and
 * build/synth-entry.js (entryFixture), where a rebuild costs milliseconds: every program importing a
 * shared file sees its edit, runs started together right after an edit build it once, a dead build
 * lock, a lock without a pid, a source that does not compile, the sources run with source maps (BLUEGREEN_SOURCE_MAPS=1)
 * from any directory, a SIGINT to the launcher reaching the program in both modes. The synth's own cases:
 * synth-entry*.test.ts.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, entryFixture, PROJECT_ROOT, type ProjectCopy } from '../test-support/project-copy';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runner = require('../scripts/run.js') as { PROGRAMS: readonly string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthEntry = require('../build/synth-entry.js') as typeof import('../build/synth-entry.js');

/** A program of `copy` started as its npm script does, saying when it rebuilds, without colour. */
const PROGRAM_ENV = { BLUEGREEN_SYNTH_VERBOSE: '1', NO_COLOR: '1' };
const runProgram = (copy: ProjectCopy, program: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  copy.run(process.execPath, ['scripts/run.js', program, ...args], { env: { ...PROGRAM_ENV, ...env } });
const startProgram = (copy: ProjectCopy, program: string, args: readonly string[]) => copy.start(process.execPath, ['scripts/run.js', program, ...args], { env: PROGRAM_ENV });

/** The verbose launcher's line when it rebuilds `program`'s bundle; group 1 is why. */
const rebuilt = (program: string) => new RegExp(`^${program}: rebuilding the ${program} entry: (.*)$`, 'm');

/** npm scripts that run a program, by script name. */
const PROGRAM_SCRIPTS: Readonly<Record<string, string>> = {
  release: 'release',
  demo: 'demo',
  'hook:check': 'hook-check',
  'hook:bundle': 'bundle-hook',
  validate: 'validate',
  'plan:offline': 'plan-offline',
  'apply:offline': 'apply-offline',
  'plan:report': 'plan-report',
};

describe('the npm scripts', () => {
  const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  test("run each program precompiled through scripts/run.js, and run.js knows every one", () => {
    for (const [script, program] of Object.entries(PROGRAM_SCRIPTS)) expect([script, scripts[script]]).toEqual([script, `node scripts/run.js ${program}`]);
    expect([...runner.PROGRAMS].sort()).toEqual([...Object.values(PROGRAM_SCRIPTS), 'list-stacks'].sort());
    // Nothing a user runs per deployment still starts tsx; only the maintainers' build and bench do.
    const underTsx = Object.keys(scripts).filter((s) => scripts[s]!.includes('tsx'));
    expect(underTsx.sort()).toEqual(['bench', 'build', 'prepare']);
  });
});

describe('a program in a copy of the project', () => {
  let copy: ProjectCopy;
  const run = (program: string, args: readonly string[], env?: NodeJS.ProcessEnv) => runProgram(copy, program, args, env);
  const SUMMARY = "'Starts a blue/green deployment from the stack";

  beforeAll(() => {
    copy = copyProject('program-entry-');
  });
  afterAll(() => copy?.remove());

  test('the first run builds the bundle and prints exactly what tsx prints; the next reuses it', async () => {
    // The two are independent (tsx reads no bundle): run together.
    const [first, viaTsx] = await Promise.all([
      startProgram(copy, 'release', ['--help']),
      copy.start(process.execPath, ['--import', 'tsx', 'scripts/release.ts', '--help'], { env: { NO_COLOR: '1' } }),
    ]);
    expect(first.stderr.match(rebuilt('release'))?.[1]).toBe('nothing has been built yet');
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(viaTsx.stdout);
    expect(first.stdout).toMatch(/^Usage: npm run release -- \[flags\]/);
    const again = run('release', ['--bogus']);
    expect(again.stderr).not.toMatch(rebuilt('release'));
    expect(again.status).toBe(2);
  }, 60000);

  test('an edit to a source the program imports is in the next run', () => {
    copy.replace('release/flags.ts', SUMMARY, "'EDITED BY TEST. Starts a blue/green deployment from the stack");
    const result = run('release', ['--help']);
    expect(result.stderr.match(rebuilt('release'))?.[1]).toBe('release/flags.ts changed');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('EDITED BY TEST.');
  }, 60000);
});

describe('a program of a small project with the same launcher', () => {
  let copy: ProjectCopy;
  const run = (program: string, args: readonly string[], env?: NodeJS.ProcessEnv) => runProgram(copy, program, args, env);
  const SUMMARY = "'Starts a blue/green deployment.";

  beforeAll(() => {
    copy = entryFixture('program-entry-fixture-');
    copy.replace('release/flags.ts', SUMMARY, "'EDITED BY TEST. Starts a blue/green deployment.");
  });
  afterAll(() => copy?.remove());

  test('an edit to a file every program imports (scripts/cli.ts) is in the next run of each', async () => {
    // Each program has its own bundle, manifest and build lock: the two run together.
    const both = (args: readonly string[]) =>
      Promise.all(['hook-check', 'release'].map((program) => startProgram(copy, program, args)));
    expect((await both([])).map((r) => r.status)).toEqual([0, 0]);
    copy.replace('scripts/cli.ts', "'Show this help and exit 0.'", "'Show this help (edited) and exit 0.'");
    const results = await both(['--help']);
    ['hook-check', 'release'].forEach((program, i) => {
      expect([program, results[i]!.stderr.match(rebuilt(program))?.[1]]).toEqual([program, 'scripts/cli.ts changed']);
      expect(results[i]!.stdout).toContain('Show this help (edited) and exit 0.');
    });
  }, 60000);

  test('runs started together right after an edit build it once and all run the edited program; nothing half-made is left', async () => {
    copy.replace('release/flags.ts', 'EDITED BY TEST.', 'EDITED AGAIN.');
    const start = () => copy.start(process.execPath, ['scripts/run.js', 'release', '--help'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1' } });
    const results = await Promise.all([start(), start(), start(), start()]);
    expect(results.map((r) => r.status)).toEqual([0, 0, 0, 0]);
    for (const r of results) expect(r.stdout).toContain('EDITED AGAIN.');
    // One took the entry's build lock and built; the others waited for it and used its bundle.
    expect(results.filter((r) => rebuilt('release').test(r.stderr))).toHaveLength(1);
    const after = run('release', ['--help']);
    expect(after.stderr).not.toMatch(rebuilt('release'));
    expect(readdirSync(copy.cacheDir).filter((n) => n.startsWith('tmp-') || /\.(tmp|lock)$/.test(n))).toEqual([]);
  }, 60000);

  test('a build lock left by a run that died (Ctrl-C during a rebuild) is taken over at once', () => {
    copy.replace('release/flags.ts', 'EDITED AGAIN.', 'EDITED AFTER A DEAD BUILD.');
    const lock = `${synthEntry.manifestPath(copy.cacheDir, copy.root, 'scripts/release.ts')}.lock`;
    const dead = spawnSync(process.execPath, ['--version']).pid;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(dead));
    const result = run('release', ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('EDITED AFTER A DEAD BUILD.');
    // Taken over and released (a lock waited out until the bound would still be there).
    expect(existsSync(lock)).toBe(false);
  }, 60000);

  test('a build lock its holder left without a pid (killed between taking it and writing it) is taken over once a few seconds old, and verbose says so', () => {
    copy.replace('release/flags.ts', 'EDITED AFTER A DEAD BUILD.', 'EDITED AFTER A PID-LESS LOCK.');
    const lock = `${synthEntry.manifestPath(copy.cacheDir, copy.root, 'scripts/release.ts')}.lock`;
    mkdirSync(lock);
    const tenSecondsAgo = new Date(Date.now() - 10_000);
    utimesSync(lock, tenSecondsAgo, tenSecondsAgo);
    // Bounded well under the 60 s a lock with a live holder is waited for.
    const result = copy.run(process.execPath, ['scripts/run.js', 'release', '--help'], { env: { BLUEGREEN_SYNTH_VERBOSE: '1' }, timeoutInMs: 20000 });
    expect(result.stderr).toMatch(/^release: taking over the build lock .*\.lock: no pid in it after \d+ s \(its holder stopped before writing one\)$/m);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('EDITED AFTER A PID-LESS LOCK.');
    expect(existsSync(lock)).toBe(false);
  }, 60000);

  test('a syntax error is exit 70 with the file and line, no stack trace; undone, the last good bundle runs again', () => {
    const original = copy.read('release/flags.ts');
    copy.write('release/flags.ts', `${original}\nexport const = ;\n`);
    const broken = run('release', ['--help']);
    expect(broken.status).toBe(70);
    expect(broken.stderr).toMatch(/^release: internal error: could not compile scripts\/release\.ts for the release:\n {2}release\/flags\.ts:\d+:\d+: /m);
    expect(broken.stderr).not.toMatch(/^\s+at /m);
    copy.write('release/flags.ts', original);
    const fixed = run('release', ['--help']);
    expect(fixed.status).toBe(0);
    expect(fixed.stderr).not.toMatch(rebuilt('release'));
  }, 60000);

  test('BLUEGREEN_SOURCE_MAPS=1 runs the sources, from any directory: no bundle, the exit codes passed on; the programs and the synth run, and a stack trace points into the .ts file and line', async () => {
    copy.replace('release/flags.ts', 'EDITED AFTER A PID-LESS LOCK.', 'EDITED UNDER TSX.');
    const elsewhere = mkdtempSync(join(tmpdir(), 'program-entry-cwd-'));
    try {
      // Verbose: a run that used the bundle (stale since the edit) would rebuild it and say so.
      const fromThere = (script: string, args: readonly string[]) =>
        copy.start(process.execPath, [join(copy.root, script), ...args], { cwd: elsewhere, env: { BLUEGREEN_SOURCE_MAPS: '1', BLUEGREEN_SYNTH_VERBOSE: '1', NO_COLOR: '1' } });
      // Nothing is built or written under the flag: the four run together.
      const [help, usage, synth, thrown] = await Promise.all([
        fromThere('scripts/run.js', ['release', '--help']),
        fromThere('scripts/run.js', ['release', '--bogus']),
        fromThere('scripts/synth.js', []),
        fromThere('scripts/run.js', ['validate']),
      ]);
      expect([help.status, help.stderr]).toEqual([0, '']);
      expect(help.stdout).toContain('EDITED UNDER TSX. Starts a blue/green deployment.');
      expect([usage.status, usage.stderr]).toEqual([2, 'release: unknown flag --bogus\n']);
      expect(synth).toMatchObject({ status: 0, stdout: 'synth bluegreen-dev\n', stderr: '' });
      // The throw is on line 6 of validate.ts; the transform drops the interface above it.
      expect(thrown.status).toBe(1);
      expect(thrown.stderr).toContain('Error: check fixture failed');
      // A frame, with its column (the message's header names the file and line only).
      expect(thrown.stderr).toContain(`${join(copy.root, 'scripts', 'validate.ts')}:6:`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60000);

  // These three read nothing the tests above edit: they run as one concurrent group.
  test.concurrent.each([
    ['precompiled', {}],
    ['BLUEGREEN_SOURCE_MAPS=1', { BLUEGREEN_SOURCE_MAPS: '1' }],
  ])('%s: the launcher is the program (its own main module): a SIGINT sent to its pid reaches the program, exit 130', async (_mode, env) => {
    const child = spawn(process.execPath, ['scripts/run.js', 'demo'], { cwd: copy.root, env: { ...copy.env, ...env }, timeout: 60000 });
    let stdout = '';
    const closed = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    // Bounded: the program prints `ready` at once, or ends within 30 s without it.
    const ready = await new Promise<string | undefined>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const pid = /^ready (\d+)$/m.exec(stdout)?.[1];
        if (pid !== undefined) resolve(pid);
      });
      void closed.then(() => resolve(undefined));
    });
    expect(ready).toBe(String(child.pid));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stdout).toContain(`interrupted ${child.pid}`);
  }, 60000);

  test.concurrent('an unknown program is exit 2 naming the programs', async () => {
    const result = await copy.start(process.execPath, ['scripts/run.js', 'relase'], { env: { NO_COLOR: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`run: unknown program "relase"; usage: node scripts/run.js <program> [args…], programs: ${runner.PROGRAMS.join(', ')}\n`);
  });
});
