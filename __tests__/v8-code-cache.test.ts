/**
 * test-support/v8-code-cache.js, the code cache of jest's runtime (test-support/code-cache-runtime.js):
 * a compilation gets the cache of an earlier one of the same text, from memory or from disk; another
 * text or other parameters never get it; a damaged or rejected cache is a normal compilation and is
 * replaced; line numbers stay.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Counts = { used: number; produced: number; rejected: number };
interface CodeCache {
  counts: Counts;
  compile<T>(filename: string, source: string, compile: () => T): T;
}
// The live module object: the cache replaces its compileFunction (restored after the tests).
const vm = require('node:vm') as typeof import('node:vm');
const original = vm.compileFunction;
const { CodeCache } = require('../test-support/v8-code-cache') as { CodeCache: new (directory: string) => CodeCache };

const FILE = '/project/module.js';
const SOURCE = "const n = 1;\n\nthrow new Error('thrown at line 3');\n";

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'v8-code-cache-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));
afterAll(() => {
  vm.compileFunction = original;
});

/** A worker's cache (its own memory) over `directory`; compiles as jest does, and runs the function. */
function compileIn(cache: CodeCache, source = SOURCE, filename = FILE): string {
  const fn = cache.compile(filename, source, () => vm.compileFunction(source, ['exports'], { filename })) as (exports: object) => void;
  try {
    fn({});
  } catch (error) {
    return (error as Error).stack!;
  }
  return 'not thrown';
}

test('a second compilation of a text gets the cache of the first, from memory, and in another worker from disk', () => {
  const first = new CodeCache(scratch);
  const traces = [compileIn(first), compileIn(first)];
  expect(first.counts).toEqual({ used: 1, produced: 1, rejected: 0 });
  expect(readdirSync(scratch)).toHaveLength(1);
  const other = new CodeCache(scratch);
  traces.push(compileIn(other));
  expect(other.counts).toEqual({ used: 1, produced: 0, rejected: 0 });
  for (const trace of traces) expect(trace.split('\n').slice(0, 2)).toEqual(['Error: thrown at line 3', expect.stringContaining(`${FILE}:3:7`)]);
});

test('another text under the same file name (of the same length) does not get its cache', () => {
  compileIn(new CodeCache(scratch));
  const edited = SOURCE.replace('line 3', 'line_3');
  const cache = new CodeCache(scratch);
  expect(compileIn(cache, edited)).toContain('thrown at line_3');
  expect(cache.counts).toEqual({ used: 0, produced: 1, rejected: 0 });
  expect(readdirSync(scratch)).toHaveLength(2);
});

/** The file's bytes: the sha1 of the data, then the data (as v8-code-cache.js writes them). */
const withDigest = (data: Buffer): Buffer => Buffer.concat([createHash('sha1').update(data).digest(), data]);

test('a cache file whose data V8 rejects is a normal compilation, and is replaced', () => {
  compileIn(new CodeCache(scratch));
  const [name] = readdirSync(scratch);
  const foreign = withDigest(Buffer.alloc(4096, 7));
  writeFileSync(join(scratch, name!), foreign);
  const cache = new CodeCache(scratch);
  expect(compileIn(cache)).toContain(`${FILE}:3:7`);
  expect(cache.counts).toEqual({ used: 0, produced: 1, rejected: 1 });
  expect(readFileSync(join(scratch, name!)).equals(foreign)).toBe(false);
  const next = new CodeCache(scratch);
  compileIn(next);
  expect(next.counts).toEqual({ used: 1, produced: 0, rejected: 0 });
});

// V8's release builds check a cache's header, not its payload: a damaged byte past the header would be
// used as it is. The file's digest catches it first.
test('a cache file damaged past its header (a torn write, bit rot) is never handed to V8, and is replaced', () => {
  compileIn(new CodeCache(scratch));
  const [name] = readdirSync(scratch);
  const bytes = readFileSync(join(scratch, name!));
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(join(scratch, name!), bytes);
  const cache = new CodeCache(scratch);
  expect(compileIn(cache)).toContain(`${FILE}:3:7`);
  expect(cache.counts).toEqual({ used: 0, produced: 1, rejected: 0 });
  const next = new CodeCache(scratch);
  compileIn(next);
  expect(next.counts).toEqual({ used: 1, produced: 0, rejected: 0 });
});

test('the same text compiled with other parameters does not get its cache', () => {
  const cache = new CodeCache(scratch);
  compileIn(cache);
  const fn = cache.compile(FILE, SOURCE, () => vm.compileFunction(SOURCE, ['exports', 'require'], { filename: FILE }));
  expect(typeof fn).toBe('function');
  expect(cache.counts).toEqual({ used: 0, produced: 2, rejected: 0 });
  expect(readdirSync(scratch)).toHaveLength(2);
});

test('a cache directory that cannot be made is no cache, not an error', () => {
  writeFileSync(join(scratch, 'file'), '');
  const cache = new CodeCache(join(scratch, 'file', 'cache'));
  expect(compileIn(cache)).toContain(`${FILE}:3:7`);
  expect(compileIn(new CodeCache(join(scratch, 'file', 'cache')))).toContain(`${FILE}:3:7`);
  expect(readdirSync(scratch)).toEqual(['file']);
});

test('compilations made outside compile() are left alone', () => {
  const cache = new CodeCache(scratch);
  const fn = vm.compileFunction('return 42;', [], { filename: FILE, produceCachedData: false });
  expect(fn()).toBe(42);
  expect(cache.counts).toEqual({ used: 0, produced: 0, rejected: 0 });
  expect(readdirSync(scratch)).toEqual([]);
});
