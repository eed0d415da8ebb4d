// @ts-check
/**
 * The order jest starts test files in: longest first, so no long file starts last and leaves the
 * other workers idle at the end (the suite's wall time is bounded by its longest files).
 *
 * jest's own sequencer does that from the durations it recorded in its cache on earlier runs, and
 * orders files it has no duration for by size. A fresh clone (CI: `.ci/run`) has no cache, and size
 * says little here: the longest files are short ones that start Terraform, npm or the release CLI
 * (terraform-native.test.ts ranked 28th by size, program-entry.test.ts 57th). So a file whose leading
 * docblock has a line starting `@long-running` (words may follow) counts as longer than any file without
 * a recorded duration; otherwise jest's order stands: files that failed last time first, then recorded
 * durations, longest first, then size.
 */
'use strict';
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

/** The pragma, at the start of a line of the file's first comment (`/** … *\/` before any code). */
const LONG_RUNNING = /^\s*\*\s*@long-running(?:\s.*)?$/m;

/**
 * True when `source` opens with a docblock carrying `@long-running`.
 * @param {string} source
 */
function isMarkedLongRunning(source) {
  const docblock = /^\s*(?:#![^\n]*\n\s*)?\/\*\*[\s\S]*?\*\//.exec(source);
  return docblock !== null && LONG_RUNNING.test(docblock[0]);
}

class LongestFirstSequencer extends Sequencer {
  /**
   * @param {Array<import('@jest/test-result').Test>} tests
   * @returns {Array<import('@jest/test-result').Test>}
   */
  sort(tests) {
    const sorted = /** @type {Array<import('@jest/test-result').Test>} */ (super.sort(tests));
    /** @type {Map<string, boolean>} */
    const marked = new Map();
    const isMarked = (/** @type {import('@jest/test-result').Test} */ t) => {
      let m = marked.get(t.path);
      if (m === undefined) {
        try {
          m = isMarkedLongRunning(readFileSync(t.path, 'utf8'));
        } catch {
          m = false;
        }
        marked.set(t.path, m);
      }
      return m;
    };
    // Files that failed last time keep their place at the front; only files without a recorded
    // duration move (a recorded duration is better evidence than a mark).
    const rank = (/** @type {import('@jest/test-result').Test} */ t) => (/** @type {{ hasFailed(t: unknown): boolean }} */ (/** @type {unknown} */ (this)).hasFailed(t) ? 0 : t.duration == null && isMarked(t) ? 1 : 2);
    // Array.prototype.sort is stable: within each rank jest's order stands.
    return sorted.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i).map((x) => x.t);
  }
}

module.exports = Object.assign(LongestFirstSequencer, { isMarkedLongRunning });
