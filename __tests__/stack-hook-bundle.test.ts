/**
 * hook-build/bundle.ts as the stack uses it: a clear error without the handler, a content-hash
 * cache that skips esbuild when nothing changed, and a reproducible zip.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { archiveHookBundle, bundleHook, bundleHookCached, HOOK_ENTRY, HookBundleError } from '../hook-build/bundle';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'hook-bundle-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Reads the first entry of a ZIP archive: its name and inflated content. */
function firstZipEntry(zip: Buffer): { name: string; data: Buffer } {
  expect(zip.readUInt32LE(0)).toBe(0x04034b50);
  const compressedSize = zip.readUInt32LE(18);
  const nameLength = zip.readUInt16LE(26);
  const extraLength = zip.readUInt16LE(28);
  const name = zip.subarray(30, 30 + nameLength).toString('utf8');
  const start = 30 + nameLength + extraLength;
  return { name, data: inflateRawSync(zip.subarray(start, start + compressedSize)) };
}

function writeEntry(dir: string, body: string): string {
  const entry = join(dir, 'index.ts');
  writeFileSync(entry, `import { helper } from './helper';\nexport const handler = async () => helper(${JSON.stringify(body)});\n`);
  writeFileSync(join(dir, 'helper.ts'), 'export const helper = (s: string) => s.toUpperCase();\n');
  return entry;
}

describe('bundleHook', () => {
  test('fails with a clear message when the handler file does not exist', () => {
    expect(() => bundleHook({ outDir: join(scratch, 'none'), entry: join(scratch, 'missing', 'index.ts') })).toThrow(HookBundleError);
    expect(() => bundleHookCached({ cacheDir: join(scratch, 'none-cache'), entry: join(scratch, 'missing', 'index.ts') })).toThrow(/does not exist, so the hook Lambda cannot be bundled/);
  });

  test('reports compile errors as a HookBundleError naming the file', () => {
    const dir = mkdtempSync(join(scratch, 'broken-'));
    writeFileSync(join(dir, 'index.ts'), 'export const handler = (;\n');
    expect(() => bundleHookCached({ cacheDir: join(dir, 'cache'), entry: join(dir, 'index.ts') })).toThrow(/esbuild could not bundle .*index\.ts:\n {2}.*index\.ts:1: /);
  });

  test('bundles the real hook into one CommonJS file exporting handler', () => {
    const bundle = bundleHook({ outDir: join(scratch, 'real') });
    expect(bundle.handler).toBe('index.handler');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(bundle.file) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
    expect(HOOK_ENTRY.endsWith(join('hook-lambda', 'index.ts'))).toBe(true);
  });
});

describe('bundleHookCached', () => {
  test('returns the cached bundle without rebuilding when no input changed', () => {
    const dir = mkdtempSync(join(scratch, 'cache-hit-'));
    const entry = writeEntry(dir, 'a');
    const cacheDir = join(dir, 'cache');
    const first = bundleHookCached({ cacheDir, entry });
    const builtAt = statSync(first.file).mtimeMs;
    const second = bundleHookCached({ cacheDir, entry });
    expect(second).toEqual(first);
    expect(statSync(second.file).mtimeMs).toBe(builtAt);
  });

  test('rebuilds when an imported file changes', () => {
    const dir = mkdtempSync(join(scratch, 'cache-miss-'));
    const entry = writeEntry(dir, 'a');
    const cacheDir = join(dir, 'cache');
    const first = bundleHookCached({ cacheDir, entry });
    writeFileSync(join(dir, 'helper.ts'), 'export const helper = (s: string) => s.toLowerCase();\n');
    const second = bundleHookCached({ cacheDir, entry });
    expect(second.sha256).not.toBe(first.sha256);
    expect(readFileSync(second.file, 'utf8')).toContain('toLowerCase');
  });

  test('a package file touched but unchanged is still a hit; changed with the same size, a rebuild', () => {
    const dir = mkdtempSync(join(scratch, 'package-input-'));
    mkdirSync(join(dir, 'node_modules', 'fake-pkg'), { recursive: true });
    const pkgFile = join(dir, 'node_modules', 'fake-pkg', 'index.js');
    writeFileSync(pkgFile, 'exports.word = "aaa";\n');
    writeFileSync(join(dir, 'index.ts'), "import { word } from 'fake-pkg';\nexport const handler = async () => word;\n");
    const cacheDir = join(dir, 'cache');
    const first = bundleHookCached({ cacheDir, entry: join(dir, 'index.ts') });
    const builtAt = statSync(first.file).mtimeMs;
    // Package files are checked by size and mtime first (fast), then by content when those differ.
    utimesSync(pkgFile, new Date(), new Date(Date.now() + 10000));
    expect(bundleHookCached({ cacheDir, entry: join(dir, 'index.ts') })).toEqual(first);
    expect(statSync(first.file).mtimeMs).toBe(builtAt);
    writeFileSync(pkgFile, 'exports.word = "bbb";\n');
    utimesSync(pkgFile, new Date(), new Date(Date.now() + 20000));
    const rebuilt = bundleHookCached({ cacheDir, entry: join(dir, 'index.ts') });
    expect(rebuilt.sha256).not.toBe(first.sha256);
    expect(readFileSync(rebuilt.file, 'utf8')).toContain('bbb');
  });

  test('gives the same bytes as an uncached build', () => {
    const dir = mkdtempSync(join(scratch, 'same-'));
    const entry = writeEntry(dir, 'b');
    const cached = bundleHookCached({ cacheDir: join(dir, 'cache'), entry });
    const direct = bundleHook({ outDir: join(dir, 'direct'), entry });
    expect(cached.sha256).toBe(direct.sha256);
  });

  test('falls back to a directory in the system temp directory when the cache directory cannot be created', () => {
    const dir = mkdtempSync(join(scratch, 'fallback-'));
    const entry = writeEntry(dir, 'f');
    writeFileSync(join(dir, 'not-a-directory'), '');
    const bundle = bundleHookCached({ cacheDir: join(dir, 'not-a-directory', 'cache'), entry });
    expect(bundle.directory.startsWith(join(tmpdir(), 'bluegreen-hook-bundle-'))).toBe(true);
    expect(readFileSync(bundle.file, 'utf8')).toContain('toUpperCase');
  });

  test('refuses a cache directory outside the project that another user could write code into (others may write, a symbolic link, another owner)', () => {
    const dir = mkdtempSync(join(scratch, 'untrusted-'));
    const entry = writeEntry(dir, 'u');
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(() => bundleHookCached({ cacheDir: open, entry })).toThrow(new HookBundleError(`refusing the hook bundle cache directory ${open}: it is writable by group or others (mode 0777); give the cache a directory of your own (bundleHookCached's cacheDir) or make node_modules/.cache writable`));
    const own = join(dir, 'own');
    mkdirSync(own, { mode: 0o700 });
    const link = join(dir, 'link');
    symlinkSync(own, link);
    expect(() => bundleHookCached({ cacheDir: link, entry })).toThrow(/: it is a symbolic link;/);
    if (process.getuid?.() === 0) {
      chownSync(own, 12345, 12345);
      expect(() => bundleHookCached({ cacheDir: own, entry })).toThrow(/: it belongs to uid 12345, not to this user \(uid 0\);/);
      chownSync(own, 0, 0);
    }
    // The same directory, once only its owner may write to it, is used.
    chmodSync(open, 0o700);
    expect(readFileSync(bundleHookCached({ cacheDir: open, entry }).file, 'utf8')).toContain('toUpperCase');
  });

  test('keeps only index.js in the bundle directory', () => {
    const dir = mkdtempSync(join(scratch, 'only-'));
    const bundle = bundleHookCached({ cacheDir: join(dir, 'cache'), entry: writeEntry(dir, 'c') });
    expect(readdirSync(bundle.directory)).toEqual(['index.js']);
  });
});

describe('archiveHookBundle', () => {
  test('zips index.js with the bundle bytes', () => {
    const dir = mkdtempSync(join(scratch, 'zip-'));
    const bundle = bundleHookCached({ cacheDir: join(dir, 'cache'), entry: writeEntry(dir, 'd') });
    const entry = firstZipEntry(readFileSync(archiveHookBundle(bundle)));
    expect(entry.name).toBe('index.js');
    expect(entry.data.equals(readFileSync(bundle.file))).toBe(true);
  });

  test('gives the same archive bytes for the same code, on any machine or day', () => {
    const one = mkdtempSync(join(scratch, 'repro-1-'));
    const two = mkdtempSync(join(scratch, 'repro-2-'));
    writeEntry(one, 'e');
    writeEntry(two, 'e');
    const zipOne = readFileSync(archiveHookBundle(bundleHook({ outDir: join(one, 'out'), entry: join(one, 'index.ts') })));
    const zipTwo = readFileSync(archiveHookBundle(bundleHook({ outDir: join(two, 'out'), entry: join(two, 'index.ts') })));
    expect(zipOne.equals(zipTwo)).toBe(true);
  });
});
