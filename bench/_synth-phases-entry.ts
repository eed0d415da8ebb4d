/**
 * Entry of the synth-phase benchmark (not a benchmark itself: bench.ts skips `_` files). bench/synth.ts
 * builds it like the synth entry (one esbuild bundle, V8 code cache) and runs it: it synthesizes every
 * example environment as main.ts does and prints one JSON line with how long each phase took.
 * Requires instead of imports, so the module loading happens where it is timed.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const enteredAtInMs = performance.now(); // since the process started (performance.timeOrigin)
const { synthesize } = require('../main') as typeof import('../main');
const { ENVIRONMENTS } = require('../stacks/environments') as typeof import('../stacks/environments');
const { App } = require('cdktf') as typeof import('cdktf');
const loadedAtInMs = performance.now();

let synthStartedAtInMs = Number.NaN;
let synthEndedAtInMs = Number.NaN;
const appSynth = App.prototype.synth;
App.prototype.synth = function timedSynth(this: InstanceType<typeof App>): void {
  synthStartedAtInMs = performance.now();
  appSynth.call(this);
  synthEndedAtInMs = performance.now();
};
synthesize(ENVIRONMENTS, { outdir: process.env.CDKTF_OUTDIR });
const endedAtInMs = performance.now();

process.stdout.write(
  `${JSON.stringify({
    startUpInMs: enteredAtInMs,
    moduleLoadInMs: loadedAtInMs - enteredAtInMs,
    constructsInMs: synthStartedAtInMs - loadedAtInMs,
    appSynthInMs: synthEndedAtInMs - synthStartedAtInMs,
    afterInMs: endedAtInMs - synthEndedAtInMs,
  })}\n`,
);
