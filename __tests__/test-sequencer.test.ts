/**
 * The order test files start in (test-support/test-sequencer.js): on a fresh clone, with no durations
 * recorded, files marked `@long-running` first; with durations, jest's own order.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sequencer = require('../test-support/test-sequencer.js');
const { isMarkedLongRunning } = Sequencer as { isMarkedLongRunning: (source: string) => boolean };

interface FakeTest {
  path: string;
  duration?: number;
  context: { config: { cache: boolean; id: string; cacheDirectory: string }; hasteFS: { getSize: (p: string) => number } };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sequencer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Test files with the given sources (sizes follow the source lengths); the order jest is given them in. */
function files(sources: Record<string, string>): FakeTest[] {
  const context = { config: { cache: false, id: 'x', cacheDirectory: dir }, hasteFS: { getSize: (p: string) => readFileSync(p).length } };
  return Object.entries(sources).map(([name, source]) => {
    const path = join(dir, name);
    writeFileSync(path, source);
    return { path, context };
  });
}

/** The sequencer's order, as file names; `recorded` plays durations (ms) and failures from a previous run. */
function order(tests: FakeTest[], recorded: Record<string, [failed: boolean, durationInMs: number]> = {}): string[] {
  const sequencer = new Sequencer({});
  if (Object.keys(recorded).length > 0) {
    const cache = Object.fromEntries(Object.entries(recorded).map(([name, [failed, ms]]) => [join(dir, name), [failed ? 0 : 1, ms]]));
    (sequencer as unknown as { _cache: Map<unknown, unknown> })._cache.set(tests[0]!.context, cache);
  }
  return (sequencer.sort(tests) as FakeTest[]).map((t) => t.path.slice(dir.length + 1));
}

const LONG = '/**\n * Plays terraform.\n *\n * @long-running\n */\ntest("x", () => {});\n';
const padding = (n: number) => `// ${'x'.repeat(n)}\n`;

test('with no durations recorded (a fresh clone), files marked @long-running start first, then the rest by size', () => {
  const tests = files({ 'small-long.test.ts': LONG, 'big.test.ts': padding(5000), 'medium.test.ts': padding(500), 'bigger-long.test.ts': LONG + padding(1000) });
  expect(order(tests)).toEqual(['bigger-long.test.ts', 'small-long.test.ts', 'big.test.ts', 'medium.test.ts']);
});

test('with durations recorded, jest\'s order stands: failed first, then longest first; the mark does not outrank a recorded duration', () => {
  const tests = files({ 'a.test.ts': LONG, 'b.test.ts': padding(10), 'c.test.ts': padding(20), 'd.test.ts': padding(30) });
  const recorded = { 'a.test.ts': [false, 1000], 'b.test.ts': [false, 9000], 'c.test.ts': [true, 10], 'd.test.ts': [false, 5000] } as const;
  expect(order(tests, recorded as unknown as Record<string, [boolean, number]>)).toEqual(['c.test.ts', 'b.test.ts', 'd.test.ts', 'a.test.ts']);
});

test('the mark counts only in the leading docblock, on a line of its own', () => {
  expect(isMarkedLongRunning(LONG)).toBe(true);
  expect(isMarkedLongRunning('#!/usr/bin/env node\n/**\n * @long-running\n */\n')).toBe(true);
  expect(isMarkedLongRunning('/** @long-running */\n')).toBe(false);
  expect(isMarkedLongRunning('/**\n * @long-running-ish\n */\n')).toBe(false);
  expect(isMarkedLongRunning('import x from "y";\n/**\n * @long-running\n */\n')).toBe(false);
  expect(isMarkedLongRunning('// header\n/**\n * @long-running\n */\n')).toBe(false);
});

test('the suite marks its longest files: every file the config\'s sequencer would start first exists and is marked', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require('../jest.config.js') as { testSequencer?: string };
  expect(config.testSequencer).toMatch(/test-sequencer\.js$/);
  const marked = readdirSync(join(__dirname)).filter((f) => f.endsWith('.test.ts') && isMarkedLongRunning(readFileSync(join(__dirname, f), 'utf8')));
  expect(marked.length).toBeGreaterThanOrEqual(5);
});
