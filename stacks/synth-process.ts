/**
 * Speed settings for a process that synthesizes stacks. `synthesize()` (main.ts) applies them; an app
 * of your own that builds `BlueGreenStack`s can call {@link applySynthSpeedSettings} before it does.
 *
 * cdktf records a full stack trace for every token it creates (its "creation stack", shown only in the
 * message of a token that cannot be resolved), and constructs does the same for metadata. Two settings
 * make those traces cheap:
 * - Source maps off. With source maps on (tsx, ts-node and `node --enable-source-maps` turn them on)
 *   Node maps every frame of every trace through the transpiled files' source maps: measured on the
 *   example synth under tsx, +110 ms and +35 MiB, a third of the synth's CPU time (--cpu-prof).
 * - Creation stacks not formatted. Those traces are captured on plain objects, not errors; formatting
 *   their frames into text was ~15% of a precompiled synth's CPU time. They are left empty; the stack
 *   trace of every real `Error` is formatted exactly as Node does.
 *
 * Set BLUEGREEN_SOURCE_MAPS=1 to keep both, e.g. when debugging a crash inside a construct: traces then
 * point into the TypeScript sources and tokens carry their creation stacks. No cdktf imports, no
 * effect at import time.
 */

/** Environment variable that keeps source maps and creation stacks on. */
export const KEEP_SOURCE_MAPS_ENV = 'BLUEGREEN_SOURCE_MAPS';

/** What {@link applySynthSpeedSettings} did. */
export interface SynthSpeedSettings {
  /** Whether Node's source-map support is off for the rest of the process. */
  readonly sourceMapsOff: boolean;
  /** Whether stack traces captured on non-errors (creation stacks) are left unformatted. */
  readonly creationStacksOff: boolean;
}

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** Marks our formatter, so applying the settings twice does not wrap it in itself. */
const FORMATTER = Symbol.for('cdktf-ecs-bluegreen.prepareStackTrace');

/**
 * A stack-trace formatter that leaves traces captured on plain objects (cdktf's and constructs'
 * creation stacks) empty and formats an `Error`'s as `previous` would: Node's default format when
 * there is none (`<Error.prototype.toString>\n    at <frame>` per frame).
 */
function creationStacksOff(previous: PrepareStackTrace | undefined): PrepareStackTrace {
  const format: PrepareStackTrace = (error, frames) => {
    if (!(error instanceof Error)) return '';
    if (previous) return previous(error, frames);
    const head = Error.prototype.toString.call(error);
    return frames.length === 0 ? head : `${head}\n    at ${frames.join('\n    at ')}`;
  };
  return Object.assign(format, { [FORMATTER]: true });
}

/**
 * Applies the settings above for the rest of the process, unless `BLUEGREEN_SOURCE_MAPS=1` in `env`.
 * Safe to call more than once; on a Node without `process.setSourceMapsEnabled` source maps are left
 * as they are.
 *
 * @param env where `BLUEGREEN_SOURCE_MAPS` is read (default `process.env`)
 */
export function applySynthSpeedSettings(env: NodeJS.ProcessEnv = process.env): SynthSpeedSettings {
  if (env[KEEP_SOURCE_MAPS_ENV] === '1') return { sourceMapsOff: false, creationStacksOff: false };
  const canToggle = typeof process.setSourceMapsEnabled === 'function';
  if (canToggle) process.setSourceMapsEnabled(false);
  const current = Error.prepareStackTrace as (PrepareStackTrace & { [FORMATTER]?: boolean }) | undefined;
  if (!current?.[FORMATTER]) Error.prepareStackTrace = creationStacksOff(current);
  return { sourceMapsOff: canToggle, creationStacksOff: true };
}
