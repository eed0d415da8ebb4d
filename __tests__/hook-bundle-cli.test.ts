/**
 * `npm run hook:bundle` (scripts/bundle-hook.ts): the script package.json names exists and runs on the
 * shared shell, and its archive is byte for byte the one the stack deploys.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { archiveHookBundle, bundleHook } from '../hook-build/bundle';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hook-bundle-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("package.json's hook:bundle script names a file that exists", () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const file = /(scripts\/\S+\.ts)/.exec(scripts['hook:bundle'] ?? '')?.[1];
  expect(file).toBe('scripts/bundle-hook.ts');
  expect(existsSync(join(root, file!))).toBe(true);
});

test('writes index.js and the same hook.zip the stack deploys, and says so in JSON', async () => {
  const out = join(dir, 'out');
  const { stdout } = await execFileAsync(tsx, [join(root, 'scripts', 'bundle-hook.ts'), '--out-dir', out, '--zip', '--json'], { cwd: root });
  const report = JSON.parse(stdout) as { handler: string; files: { file: string; sizeInBytes: number; sha256: string }[] };
  expect(report.handler).toBe('index.handler');
  expect(report.files.map((f) => f.file)).toEqual([join(out, 'index.js'), join(out, 'hook.zip')]);
  const zip = readFileSync(join(out, 'hook.zip'));
  expect(report.files[1]!.sizeInBytes).toBe(zip.length);
  const deployed = readFileSync(archiveHookBundle(bundleHook({ outDir: join(dir, 'stack') })));
  expect(zip.equals(deployed)).toBe(true);
});

test('answers --help with exit 0 and an unknown flag with exit 2, no stack trace', async () => {
  const help = await execFileAsync(tsx, [join(root, 'scripts', 'bundle-hook.ts'), '--help']);
  expect(help.stdout).toMatch(/^Usage: npm run hook:bundle -- \[flags\]/);
  const bad = await execFileAsync(tsx, [join(root, 'scripts', 'bundle-hook.ts'), '--out']).then(() => undefined, (e: { code: number; stderr: string }) => e);
  expect(bad?.code).toBe(2);
  expect(bad?.stderr).not.toMatch(/\n\s+at /);
});
