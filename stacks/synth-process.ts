/**
 * Imported first by main.ts, for its side effect: when main.ts is the program being run, Node's
 * source-map support (which tsx turns on) is turned off for the synth.
 *
 * Why: cdktf captures a full stack trace for every token it creates, and with source maps on, Node
 * maps every frame of every trace through the transpiled files' source maps. That was about a third
 * of the synth's CPU time (measured with --cpu-prof). Set BLUEGREEN_SOURCE_MAPS=1 to keep them, e.g.
 * when debugging a crash inside a construct. No cdktf imports.
 */
import { join } from 'node:path';

/** Environment variable that keeps source maps on. */
export const KEEP_SOURCE_MAPS_ENV = 'BLUEGREEN_SOURCE_MAPS';

const runningMain = require.main?.filename === join(__dirname, '..', 'main.ts');
if (runningMain && process.env[KEEP_SOURCE_MAPS_ENV] !== '1' && typeof process.setSourceMapsEnabled === 'function') {
  process.setSourceMapsEnabled(false);
}
