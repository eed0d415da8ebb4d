/**
 * stacks/synth-process.ts: the synth speed settings are an explicit call (no import-time effect),
 * and `synthesize()` makes it, so every caller gets main.ts's speed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('applySynthSpeedSettings', () => {
  let spy: jest.SpyInstance;
  beforeEach(() => {
    spy = jest.spyOn(process, 'setSourceMapsEnabled').mockImplementation(() => undefined);
  });
  afterEach(() => spy.mockRestore());

  test('importing the module changes nothing', () => {
    jest.isolateModules(() => {
      require('../stacks/synth-process');
    });
    expect(spy).not.toHaveBeenCalled();
  });

  test('turns source maps off', () => {
    const { applySynthSpeedSettings } = require('../stacks/synth-process') as typeof import('../stacks/synth-process');
    expect(applySynthSpeedSettings({})).toEqual({ sourceMapsOff: true });
    expect(spy).toHaveBeenCalledWith(false);
  });

  test('BLUEGREEN_SOURCE_MAPS=1 keeps them', () => {
    const { applySynthSpeedSettings, KEEP_SOURCE_MAPS_ENV } = require('../stacks/synth-process') as typeof import('../stacks/synth-process');
    expect(KEEP_SOURCE_MAPS_ENV).toBe('BLUEGREEN_SOURCE_MAPS');
    expect(applySynthSpeedSettings({ BLUEGREEN_SOURCE_MAPS: '1' })).toEqual({ sourceMapsOff: false });
    expect(spy).not.toHaveBeenCalled();
  });

  test('synthesize() applies them, whoever calls it', () => {
    const { synthesize } = require('../main') as typeof import('../main');
    const { dev } = require('../stacks/environments') as typeof import('../stacks/environments');
    const outdir = mkdtempSync(join(tmpdir(), 'synth-process-'));
    const previous = process.env.BLUEGREEN_SOURCE_MAPS;
    delete process.env.BLUEGREEN_SOURCE_MAPS;
    try {
      synthesize([dev], { outdir, warn: () => undefined });
      expect(spy).toHaveBeenCalledWith(false);
    } finally {
      if (previous !== undefined) process.env.BLUEGREEN_SOURCE_MAPS = previous;
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
