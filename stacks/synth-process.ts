/**
 * Speed settings for a process that synthesizes stacks. `synthesize()` (main.ts) applies them; an app
 * of your own that builds `BlueGreenStack`s can call {@link applySynthSpeedSettings} before it does.
 *
 * Source maps off: cdktf captures a full stack trace for every token it creates, and with source maps
 * on (tsx, ts-node and `node --enable-source-maps` turn them on) Node maps every frame of every trace
 * through the transpiled files' source maps. Measured on the example synth under tsx: +110 ms and
 * +35 MiB, about a third of the synth's CPU time (--cpu-prof). A stack trace then points into the
 * transpiled JavaScript; set BLUEGREEN_SOURCE_MAPS=1 to keep source maps, e.g. when debugging a crash
 * inside a construct. No cdktf imports, no effect at import time.
 */

/** Environment variable that keeps source maps on. */
export const KEEP_SOURCE_MAPS_ENV = 'BLUEGREEN_SOURCE_MAPS';

/** What {@link applySynthSpeedSettings} did. */
export interface SynthSpeedSettings {
  /** Whether Node's source-map support is off for the rest of the process. */
  readonly sourceMapsOff: boolean;
}

/**
 * Turns Node's source-map support off for the rest of the process, unless
 * `BLUEGREEN_SOURCE_MAPS=1` in `env`. Safe to call more than once; on a Node without
 * `process.setSourceMapsEnabled` it does nothing.
 *
 * @param env where `BLUEGREEN_SOURCE_MAPS` is read (default `process.env`)
 */
export function applySynthSpeedSettings(env: NodeJS.ProcessEnv = process.env): SynthSpeedSettings {
  if (env[KEEP_SOURCE_MAPS_ENV] === '1' || typeof process.setSourceMapsEnabled !== 'function') return { sourceMapsOff: false };
  process.setSourceMapsEnabled(false);
  return { sourceMapsOff: true };
}
