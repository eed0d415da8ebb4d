/**
 * A temporary copy of this project for tests that edit its sources, build it or pack it: the
 * sources are copied, `node_modules` is a symlink to the real one (read-only use), and every cache
 * the synth writes goes under the copy (`BLUEGREEN_SYNTH_CACHE_DIR`), so parallel test files never
 * share a cache entry or a build output.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';

/** The project this checkout holds. */
export const PROJECT_ROOT = join(__dirname, '..');

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
  /** Runs a command in the copy. */
  run(command: string, args: readonly string[], options?: { env?: NodeJS.ProcessEnv; timeoutInMs?: number }): SpawnSyncReturns<string>;
  /** Removes the copy (never the linked node_modules). */
  remove(): void;
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
      spawnSync(command, [...args], { cwd: root, env: { ...env, ...options.env }, encoding: 'utf8', timeout: options.timeoutInMs ?? 120000 }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
