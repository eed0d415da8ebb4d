/**
 * stacks/synth-process.ts: the synth speed settings are an explicit call (no import-time effect),
 * `synthesize()` makes it, so every caller gets main.ts's speed, and they change no real error's
 * stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { transformSync } from '@swc/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Settings = typeof import('../stacks/synth-process');
const load = (): Settings => require('../stacks/synth-process') as Settings;

describe('applySynthSpeedSettings', () => {
  let spy: jest.SpyInstance;
  let original: typeof Error.prepareStackTrace;
  beforeEach(() => {
    spy = jest.spyOn(process, 'setSourceMapsEnabled').mockImplementation(() => undefined);
    // From jest's own formatter: test-support/jest-setup.ts has applied the settings to every test
    // file, which would hide a call that no longer applies them.
    original = Error.prepareStackTrace;
    delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  });
  afterEach(() => {
    spy.mockRestore();
    if (original) Error.prepareStackTrace = original;
    else delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  });

  test('importing the module changes nothing', () => {
    jest.isolateModules(() => {
      load();
    });
    expect(spy).not.toHaveBeenCalled();
    expect(Error.prepareStackTrace).toBeUndefined();
  });

  test('turns source maps off and leaves creation stacks (traces captured on plain objects) empty', () => {
    expect(load().applySynthSpeedSettings({})).toEqual({ sourceMapsOff: true, creationStacksOff: true });
    expect(spy).toHaveBeenCalledWith(false);
    const captured = { stack: '' };
    Error.captureStackTrace(captured);
    expect(captured.stack).toBe('');
  });

  test("a real error's stack trace is formatted exactly as Node formats it (a plain Node process)", () => {
    // In a plain Node child process: jest's sandbox formats traces its own way. The module imports nothing,
    // so it runs compiled on its own, as jest compiles it (swc), without tsx's loader (a quarter of a
    // CPU-second to start).
    const scratch = mkdtempSync(join(tmpdir(), 'synth-process-trace-'));
    const source = readFileSync(join(__dirname, '..', 'stacks', 'synth-process.ts'), 'utf8');
    writeFileSync(join(scratch, 'synth-process.js'), transformSync(source, { filename: 'synth-process.ts', jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }).code);
    const script = [
      `const { applySynthSpeedSettings } = require(${JSON.stringify(join(scratch, 'synth-process.js'))});`,
      'process.setSourceMapsEnabled(false);',
      "const make = () => { const e = new RangeError('boom'); e.code = 'E_X'; return e.stack; };",
      'const before = make(), after = (applySynthSpeedSettings({}), make());',
      'console.log(JSON.stringify({ before, after, hook: typeof Error.prepareStackTrace }));',
    ].join('\n');
    const result = spawnSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 30000 });
    rmSync(scratch, { recursive: true, force: true });
    expect(result.stderr).toBe('');
    const { before, after, hook } = JSON.parse(result.stdout) as { before: string; after: string; hook: string };
    expect(hook).toBe('function');
    expect(after.split('\n')[0]).toBe('RangeError: boom');
    // Both were created on the same line; only the columns differ.
    const shape = (stack: string) => stack.replace(/:\d+:\d+/g, ':L:C');
    expect(shape(after)).toBe(shape(before));
  });

  test('a formatter already installed (jest, source-map-support) still formats errors', () => {
    const previous = jest.fn(() => 'formatted by the previous one');
    Error.prepareStackTrace = previous;
    load().applySynthSpeedSettings({});
    expect(new Error('x').stack).toBe('formatted by the previous one');
    const captured = { stack: '' };
    Error.captureStackTrace(captured);
    expect(captured.stack).toBe('');
    expect(previous).toHaveBeenCalledTimes(1);
  });

  test('applied twice, it does not wrap itself', () => {
    const { applySynthSpeedSettings } = load();
    applySynthSpeedSettings({});
    const once = Error.prepareStackTrace;
    applySynthSpeedSettings({});
    expect(Error.prepareStackTrace).toBe(once);
  });

  test('BLUEGREEN_SOURCE_MAPS=1 keeps source maps and creation stacks', () => {
    const { applySynthSpeedSettings, KEEP_SOURCE_MAPS_ENV } = load();
    expect(KEEP_SOURCE_MAPS_ENV).toBe('BLUEGREEN_SOURCE_MAPS');
    expect(applySynthSpeedSettings({ BLUEGREEN_SOURCE_MAPS: '1' })).toEqual({ sourceMapsOff: false, creationStacksOff: false });
    expect(spy).not.toHaveBeenCalled();
    expect(Error.prepareStackTrace).toBeUndefined();
  });

  test('synthesize() applies them, whoever calls it, and writes what it writes without them', () => {
    const { synthesize } = require('../main') as typeof import('../main');
    const { dev } = require('../stacks/environments') as typeof import('../stacks/environments');
    const scratch = mkdtempSync(join(tmpdir(), 'synth-process-'));
    const previous = process.env.BLUEGREEN_SOURCE_MAPS;
    const read = (outdir: string) => readFileSync(join(outdir, 'stacks', 'bluegreen-dev', 'cdk.tf.json'), 'utf8');
    try {
      process.env.BLUEGREEN_SOURCE_MAPS = '1';
      synthesize([dev], { outdir: join(scratch, 'kept'), warn: () => undefined });
      expect(spy).not.toHaveBeenCalled();
      delete process.env.BLUEGREEN_SOURCE_MAPS;
      synthesize([dev], { outdir: join(scratch, 'fast'), warn: () => undefined });
      expect(spy).toHaveBeenCalledWith(false);
      expect(read(join(scratch, 'fast'))).toBe(read(join(scratch, 'kept')));
    } finally {
      if (previous === undefined) delete process.env.BLUEGREEN_SOURCE_MAPS;
      else process.env.BLUEGREEN_SOURCE_MAPS = previous;
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('test-support/jest-setup.ts (jest setupFiles): the settings in every test file', () => {
  test('creation stacks are empty (kept when the run has BLUEGREEN_SOURCE_MAPS=1)', () => {
    const captured = { stack: 'not formatted' };
    Error.captureStackTrace(captured);
    if (process.env.BLUEGREEN_SOURCE_MAPS === '1') expect(captured.stack).toContain('synth-process.test.ts');
    else expect(captured.stack).toBe('');
  });

  test("an error's trace is the one jest's formatter gives, at the TypeScript line of the throw", () => {
    const setup = Error.prepareStackTrace;
    const traces = [true, false].map((withSetup) => {
      if (!withSetup) delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
      try {
        return new Error('here').stack!; // the line looked up below
      } finally {
        Error.prepareStackTrace = setup;
      }
    });
    expect(traces[0]).toBe(traces[1]);
    const line = readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes('// the line looked up below')) + 1;
    expect(traces[0]!.split('\n')[1]).toContain(`${__filename}:${line}:`);
  });

  test('BLUEGREEN_SOURCE_MAPS=1 keeps creation stacks there too', () => {
    const setup = Error.prepareStackTrace;
    const previous = process.env.BLUEGREEN_SOURCE_MAPS;
    const captureAfterSetup = (value: string | undefined): string => {
      delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
      if (value === undefined) delete process.env.BLUEGREEN_SOURCE_MAPS;
      else process.env.BLUEGREEN_SOURCE_MAPS = value;
      jest.isolateModules(() => require('../test-support/jest-setup'));
      const captured = { stack: '' };
      Error.captureStackTrace(captured);
      return captured.stack;
    };
    try {
      expect(captureAfterSetup('1')).toContain('captureAfterSetup');
      expect(captureAfterSetup(undefined)).toBe('');
    } finally {
      Error.prepareStackTrace = setup;
      if (previous === undefined) delete process.env.BLUEGREEN_SOURCE_MAPS;
      else process.env.BLUEGREEN_SOURCE_MAPS = previous;
    }
  });
});
