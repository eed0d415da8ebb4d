/**
 * A temporary copy of this project for tests that edit its sources, build it or pack it: the
 * sources are copied, `node_modules` is a symlink to the real one (read-only use), and every cache
 * the synth writes goes under the copy (`BLUEGREEN_SYNTH_CACHE_DIR`), so parallel test files never
 * share a cache entry or a build output.
 *
 * And a small project for the precompiled entries' machinery ({@link entryFixture}): this project's
 * launchers and build/synth-entry.js (with build/synth-cache.js), byte for byte, with a few source files of its own, so a test
 * of when an entry is rebuilt pays milliseconds per rebuild instead of bundling cdktf, the provider
 * classes and the AWS SDK each time.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';

/** The project this checkout holds. */
export const PROJECT_ROOT = join(__dirname, '..');

/** The line `npm run synth` prints under BLUEGREEN_SYNTH_VERBOSE=1 when it rebuilds the entry; group 1 is why. */
export const REBUILD = /^synth: rebuilding the synth entry: (.*)$/m;

/** Every file under `dir`, by relative path, with its content (latin1: bytes kept as they are). */
export function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, tree(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'latin1');
  }
  return out;
}

/** Top-level entries never copied: installs, outputs, caches, VCS data, and the tests themselves. */
const NOT_COPIED = new Set(['node_modules', 'dist', 'cdktf.out', '.git', '.tmp', 'coverage', '__tests__', '.jest-results.json', '.terraform']);

/** A copy made by {@link copyProject}. */
export interface ProjectCopy {
  /** Root of the copy. */
  readonly root: string;
  /** Synth-entry cache of the copy (inside it). */
  readonly cacheDir: string;
  /** Environment for child processes run in the copy: its own caches, no CDKTF telemetry. */
  readonly env: NodeJS.ProcessEnv;
  /** Reads a file of the copy. */
  read(path: string): string;
  /** Writes a file of the copy. */
  write(path: string, content: string): void;
  /** Replaces `from` by `to` in a file; throws when `from` is not there (the test's assumption broke). */
  replace(path: string, from: string, to: string): void;
  /** Runs a command in the copy (or in `cwd`). */
  run(command: string, args: readonly string[], options?: RunOptions): SpawnSyncReturns<string>;
  /** Runs a command in the copy (or in `cwd`) without blocking, so several can run at once; killed at the timeout. */
  start(command: string, args: readonly string[], options?: RunOptions): Promise<Finished>;
  /** Removes the copy (never the linked node_modules). */
  remove(): void;
}

/** Options of {@link ProjectCopy.run} and {@link ProjectCopy.start}: `env` is added to the copy's. */
export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutInMs?: number;
  /** Working directory, when not the copy's root. */
  readonly cwd?: string;
}

/** How a command started with {@link ProjectCopy.start} ended. */
export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Copies the project (see the file comment) into a new temporary directory. */
export function copyProject(prefix = 'project-copy-'): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), prefix));
  cpSync(PROJECT_ROOT, root, {
    recursive: true,
    filter: (src) => {
      const rel = relative(PROJECT_ROOT, src);
      const top = rel.split(/[\\/]/)[0]!;
      return rel === '' || !(NOT_COPIED.has(top) || /^dist\.tmp-/.test(top) || basename(src).endsWith('.tfstate'));
    },
  });
  return projectAt(root);
}

/** The handle of a project directory: links node_modules and gives it a cache of its own. */
function projectAt(root: string): ProjectCopy {
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const cacheDir = join(root, '.synth-cache');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BLUEGREEN_SYNTH_CACHE_DIR: cacheDir,
    CHECKPOINT_DISABLE: '1',
    CDKTF_OUTDIR: join(root, 'cdktf.out'),
  };
  return {
    root,
    cacheDir,
    env,
    read: (path) => readFileSync(join(root, path), 'utf8'),
    write: (path, content) => writeFileSync(join(root, path), content),
    replace(path, from, to) {
      const text = readFileSync(join(root, path), 'utf8');
      if (!text.includes(from)) throw new Error(`${path} no longer contains ${JSON.stringify(from)}; update the test`);
      writeFileSync(join(root, path), text.replace(from, to));
    },
    run: (command, args, options = {}) =>
      spawnSync(command, [...args], { cwd: options.cwd ?? root, env: { ...env, ...options.env }, encoding: 'utf8', timeout: options.timeoutInMs ?? 120000 }),
    start: (command, args, options = {}) => startIn(options.cwd ?? root, command, args, { ...env, ...options.env }, options.timeoutInMs ?? 120000),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs a command in `cwd` without blocking (see {@link ProjectCopy.start}). */
export function startIn(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutInMs: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, env, timeout: timeoutInMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The machinery the fixture takes from this project unchanged: what its tests are about. */
const MACHINERY = ['build/synth-cache.js', 'build/synth-entry.js', 'scripts/run.js', 'scripts/synth.js'];

/**
 * The fixture's own sources: a synth entry (main.ts) importing two levels deep, two programs
 * (release, hook-check) sharing scripts/cli.ts, shaped as this project's are, one (demo) that waits for
 * a SIGINT and one (validate) that throws below lines the transform drops; TypeScript syntax, so the
 * transform matters.
 */
export const FIXTURE_SOURCES: Readonly<Record<string, string>> = {
  'package.json': '{ "name": "entry-fixture", "version": "1.0.0", "private": true }\n',
  'tsconfig.json': '{ "compilerOptions": { "target": "ES2022", "strict": true } }\n',
  'main.ts': "import { stackName } from './stacks/stack';\nprocess.stdout.write(`synth ${stackName('dev')}\\n`);\n",
  'stacks/stack.ts': "import { PREFIX } from '../config/names';\nexport const stackName = (environment: string): string => `${PREFIX}-${environment}`;\n",
  'config/names.ts': "export const PREFIX: string = 'bluegreen';\n",
  'scripts/cli.ts': [
    "export const HELP = 'Show this help and exit 0.';",
    '/** --help prints the summary; anything else is a usage error (exit 2). */',
    'export function shell(name: string, summary: string, args: readonly string[]): void {',
    "  if (args[0] === '--help') process.stdout.write(`${summary}\\n  --help  ${HELP}\\n`);",
    '  else if (args.length > 0) {',
    '    process.stderr.write(`${name}: unknown flag ${args[0]}\\n`);',
    '    process.exitCode = 2;',
    '  }',
    '}',
    '',
  ].join('\n'),
  'release/flags.ts': "export const SUMMARY = 'Starts a blue/green deployment.';\n",
  'scripts/release.ts': "import { SUMMARY } from '../release/flags';\nimport { shell } from './cli';\nshell('release', SUMMARY, process.argv.slice(2));\n",
  'scripts/hook-check.ts': "import { shell } from './cli';\nshell('hook-check', 'Checks a hook.', process.argv.slice(2));\n",
  'scripts/demo.ts': [
    "process.on('SIGINT', () => {",
    '  process.stdout.write(`interrupted ${process.pid}\\n`);',
    '  process.exit(130);',
    '});',
    "if (require.main === module) process.stdout.write(`ready ${process.pid}\\n`);",
    '// Bounded: a SIGINT that never comes ends the program with exit 0, so a test fails instead of hanging.',
    "setTimeout(() => process.stdout.write('no SIGINT\\n'), 30000);",
    '',
  ].join('\n'),
  'scripts/validate.ts': [
    'interface Check {',
    '  readonly name: string;',
    '  readonly ok: boolean;',
    '}',
    "const check: Check = { name: 'fixture', ok: false };",
    'if (!check.ok) throw new Error(`check ${check.name} failed`);',
    '',
  ].join('\n'),
};

/** A new {@link FIXTURE_SOURCES} project with this project's entry machinery (see the file comment). */
export function entryFixture(prefix = 'entry-fixture-'): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const file of MACHINERY) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(PROJECT_ROOT, file), join(root, file));
  }
  for (const [file, content] of Object.entries(FIXTURE_SOURCES)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  return projectAt(root);
}
