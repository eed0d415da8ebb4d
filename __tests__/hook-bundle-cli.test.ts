/**
 * `npm run hook:bundle` (scripts/bundle-hook.ts, run precompiled by scripts/run.js): the program
 * package.json names exists and runs on the shared shell, and its archive is byte for byte the one
 * the stack deploys. Each process runs exactly the npm script's command.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { archiveHookBundle } from '../hook-build/bundle';
import { defaultHookBundle } from '../hook-build/prebuilt';
import { npmScriptCommand } from '../test-support/npm-script';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..');
const { command: node, args: hookBundle } = npmScriptCommand('hook:bundle');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hook-bundle-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("package.json's hook:bundle script runs a program that exists", () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const program = /^node scripts\/run\.js (\S+)$/.exec(scripts['hook:bundle'] ?? '')?.[1];
  expect(program).toBe('bundle-hook');
  expect(existsSync(join(root, 'scripts', `${program}.ts`))).toBe(true);
});

test.concurrent('writes index.js and the same hook.zip the stack deploys, and says so in JSON', async () => {
  const out = join(dir, 'out');
  const { stdout } = await execFileAsync(node, [...hookBundle, '--out-dir', out, '--zip', '--json'], { cwd: root });
  const report = JSON.parse(stdout) as { handler: string; files: { file: string; sizeInBytes: number; sha256: string }[] };
  expect(report.handler).toBe('index.handler');
  expect(report.files.map((f) => f.file)).toEqual([join(out, 'index.js'), join(out, 'hook.zip')]);
  const zip = readFileSync(join(out, 'hook.zip'));
  expect(report.files[1]!.sizeInBytes).toBe(zip.length);
  // The stack's own bundle (from the content-hash cache: no second esbuild run when it is fresh).
  const deployed = readFileSync(archiveHookBundle(defaultHookBundle()));
  expect(zip.equals(deployed)).toBe(true);
});

test.concurrent('answers --help with exit 0 and an unknown flag with exit 2, no stack trace', async () => {
  const help = await execFileAsync(node, [...hookBundle, '--help']);
  expect(help.stdout).toMatch(/^Usage: npm run hook:bundle -- \[flags\]/);
  const bad = await execFileAsync(node, [...hookBundle, '--out']).then(() => undefined, (e: { code: number; stderr: string }) => e);
  expect(bad?.code).toBe(2);
  expect(bad?.stderr).not.toMatch(/\n\s+at /);
});

describe('a bad --out-dir is a usage error (exit 2) naming the flag, the value and why, never an internal error or a hang', () => {
  async function run(outDir: string): Promise<{ code: number; stderr: string }> {
    try {
      await execFileAsync(node, [...hookBundle, '--out-dir', outDir], { cwd: root, timeout: 30_000 });
      return { code: 0, stderr: '' };
    } catch (err) {
      const e = err as { code?: number; stderr?: string; killed?: boolean };
      return { code: e.killed ? -1 : (e.code ?? -1), stderr: e.stderr ?? '' };
    }
  }

  // Each its own process and nothing shared: concurrently.
  test.concurrent.each([
    ['an existing file', () => join(root, 'package.json'), /^hook:bundle: --out-dir ".*package\.json" must be a directory; it is a file\n/],
    ['a directory inside a file', () => join(root, 'package.json', 'sub'), /^hook:bundle: --out-dir ".*package\.json\/sub" cannot be created: .*package\.json" is a file\n/],
    ['an empty string', () => '', /^hook:bundle: --out-dir must not be empty; received ""\n/],
  ])('%s', async (_label, outDir, message) => {
    const result = await run(outDir());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // Node's recursive mkdirSync loops for ever on a path it cannot create under /proc (ENOENT although the parent exists).
  (existsSync('/proc/self') ? test.concurrent : test.concurrent.skip)('a path the system refuses to create (under /proc) ends with exit 2', async () => {
    const result = await run('/proc/bluegreen-hook-bundle-test');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hook:bundle: --out-dir "\/proc\/bluegreen-hook-bundle-test" cannot be created: ENOENT/);
  });
});
