/**
 * Jest setup file (`setupFiles` in jest.config.js): the synth speed setting of stacks/synth-process.ts
 * for every test file, so stacks the tests build directly (`new BlueGreenStack`, `Testing.synth`) are
 * as cheap as `synthesize()` makes them.
 *
 * cdktf captures a full stack trace for every token it creates, on a plain object, not an error. In a
 * jest worker each of those traces went through jest's source-map formatter, frame by frame: about
 * 2 CPU-s over the suite (--cpu-prof). Here creation stacks are left empty, and every real `Error`'s
 * trace is formatted by jest's formatter exactly as before, so failure messages still point at the
 * TypeScript lines. `BLUEGREEN_SOURCE_MAPS=1 npx jest` keeps creation stacks, as it does for a synth.
 */
import { runInThisContext } from 'node:vm';
import { applySynthSpeedSettings, KEEP_SOURCE_MAPS_ENV } from '../stacks/synth-process';

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

if (process.env[KEEP_SOURCE_MAPS_ENV] !== '1') {
  // The test file runs in a realm of its own. With no formatter on this realm's `Error`, Node formats
  // its traces with the worker's main-realm formatter, which is jest's; once one is set here, Node
  // uses it instead, so it has to hand real errors back to jest's (which jest installs after the setup
  // files and keeps for the worker's life, hence looked up at each call).
  const workerError = runInThisContext('Error') as ErrorConstructor;
  const toJest: PrepareStackTrace = (error, frames) => {
    const jest = workerError.prepareStackTrace as PrepareStackTrace | undefined;
    if (jest) return jest(error, frames);
    const head = Error.prototype.toString.call(error);
    return frames.length === 0 ? head : `${head}\n    at ${frames.join('\n    at ')}`;
  };
  Error.prepareStackTrace = toJest;
  applySynthSpeedSettings();
}
