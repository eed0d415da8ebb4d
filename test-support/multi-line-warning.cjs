// A process warning of several lines, 1.5 s after start: preloaded (`node --require`) into a release by
// release-live-display.test.ts, the kind of the AWS SDK's 8-line NodeVersionSupportWarning, emitted on
// every Node version so the test means the same everywhere. (Main thread only: under `node --import
// tsx` tsx's loader thread runs preloads too.)
// A file of the project, not one the test writes to a temporary directory: the programs' code cache is
// kept per set of Node flags (build/synth-entry.js), and a `--require` of a new path each run made every
// release there compile from scratch and leave one more 2 MB cache file behind.
'use strict';
if (require('node:worker_threads').isMainThread) setTimeout(() => process.emitWarning('first line of a test warning\nsecond line\nthird line', 'TestWarning'), 1500).unref();
