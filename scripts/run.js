#!/usr/bin/env node
// @ts-check
/**
 * Runs one of the project's programs precompiled: `node scripts/run.js <program> [args…]` runs
 * scripts/<program>.ts as one esbuild bundle (build/synth-entry.js, the same machinery as
 * `npm run synth`), rebuilt first when any source it imports changed since the last build. The npm
 * scripts run it (`npm run release` is `node scripts/run.js release`); same arguments, environment,
 * output, exit codes and signals as `node --import tsx scripts/<program>.ts`, in one process, without
 * tsx's loader thread or compiling TypeScript at every start.
 *
 * `BLUEGREEN_SOURCE_MAPS=1` runs the program from its TypeScript sources instead, with source maps, for
 * stack traces that point into them: tsx's CommonJS hooks, resolved from the project root whatever the
 * current directory, registered in this process, which then loads the entry as its main module. Still
 * one process, so signals (a `kill -INT` of this pid), exit codes and the terminal are the program's own.
 * `BLUEGREEN_SYNTH_VERBOSE=1` says on stderr when and why the program's bundle is rebuilt.
 *
 * Programs not listed in {@link PROGRAMS} run only under tsx: `bench` (it imports its modules by
 * computed path) and `generate-plan-fixtures` (a maintainer's tool).
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { describeFailure, loadSynthEntry, prepareSynthEntry, VERBOSE_ENV } = require('../build/synth-entry.js');

const ROOT = path.join(__dirname, '..');

/** The programs that run precompiled, each `scripts/<name>.ts`; the library build makes their bundles. */
const PROGRAMS = ['apply-offline', 'bundle-hook', 'demo', 'hook-check', 'list-stacks', 'plan-offline', 'plan-report', 'release', 'validate'];

/** Exit code of a program whose sources do not compile (the shared shell's internal error, scripts/cli.ts). */
const EXIT_INTERNAL = 70;

/** Exit code of `run.js` called without a known program. */
const EXIT_USAGE = 2;

/** @param {string} name */
const programEntry = (name) => `scripts/${name}.ts`;

/**
 * Runs the entry from its sources in this process, with source maps (see the file comment), as the
 * main module: `require.main === module` holds in it, as under `node --import tsx <entry>`.
 * @param {string} entry @param {readonly string[]} args
 */
function runFromSources(entry, args) {
  const file = path.join(ROOT, entry);
  const tsx = /** @type {typeof import('tsx/cjs/api')} */ (require(require.resolve('tsx/cjs/api', { paths: [ROOT] })));
  // tsx reads the tsconfig at registration, from the current directory unless told: the project's, as
  // the precompiled entry uses, and not left in the environment the program's children inherit.
  const tsconfigEnv = process.env.TSX_TSCONFIG_PATH;
  process.env.TSX_TSCONFIG_PATH = tsconfigEnv ?? path.join(ROOT, 'tsconfig.json');
  try {
    tsx.register();
  } finally {
    if (tsconfigEnv === undefined) delete process.env.TSX_TSCONFIG_PATH;
  }
  process.setSourceMapsEnabled(true);
  process.argv = [process.argv[0] ?? process.execPath, file, ...args];
  // What `node <file>` does with its main module (Module.runMain would hand a .ts entry to the ESM
  // loader whenever NODE_OPTIONS has an --import).
  /** @type {{ _load: (request: string, parent: null, isMain: boolean) => unknown }} */ (/** @type {unknown} */ (Module))._load(file, null, true);
}

/**
 * Runs an entry (relative to the root) as the main module of this process, precompiled, with
 * `args` as its command-line arguments.
 * @param {{ entry: string, name: string, args: readonly string[], onBuildError: (message: string) => void }} options
 *   `name` says what is rebuilt in verbose mode and what it is for in a build error
 */
function launch({ entry, name, args, onBuildError }) {
  if (process.env.BLUEGREEN_SOURCE_MAPS === '1') return runFromSources(entry, args);
  const verbose = process.env[VERBOSE_ENV] === '1';
  /** @param {string} message */
  const note = (message) => verbose && process.stderr.write(`${name}: ${message}\n`);
  prepareSynthEntry({ entry, purpose: name, onRebuild: (reason) => note(`rebuilding the ${name} entry: ${reason}`), onNote: note }).then(loadSynthEntry).then(
    (start) => {
      // What the program reads, as under `node --import tsx <entry> …`.
      process.argv = [process.argv[0] ?? process.execPath, path.join(ROOT, entry), ...args];
      start();
    },
    (err) => onBuildError(describeFailure(err, verbose)),
  );
}

if (require.main === module) {
  const [name, ...args] = process.argv.slice(2);
  if (name === undefined || !PROGRAMS.includes(name)) {
    process.stderr.write(`run: ${name === undefined ? 'no program given' : `unknown program ${JSON.stringify(name)}`}; usage: node scripts/run.js <program> [args…], programs: ${PROGRAMS.join(', ')}\n`);
    process.exit(EXIT_USAGE);
  }
  launch({
    entry: programEntry(name),
    name,
    args,
    onBuildError: (message) => {
      process.stderr.write(`${name}: internal error: ${message}\n`);
      process.exit(EXIT_INTERNAL);
    },
  });
}

module.exports = { PROGRAMS, launch, programEntry };
