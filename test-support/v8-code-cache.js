// @ts-check
/**
 * A V8 code cache for `vm.compileFunction`, for test-support/code-cache-runtime.js (jest's runtime).
 *
 * A compilation made inside {@link CodeCache.compile} gets the code cache of an earlier compilation of
 * the same text: from this cache's memory, else from a file in its directory named by a hash of the
 * file name and the text (so an edited or re-transformed module never meets a stale cache). Only the
 * cache is added to the caller's options: the text, parameters, file name and realm are the caller's,
 * so stack traces and line numbers are the same. A cache V8 rejects (another Node, other V8 flags, a
 * damaged file) means a normal compilation, then a new cache; one that cannot be read or written
 * means no cache.
 */
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

/** @typedef {{ source: string, data?: Buffer, file: string }} Entry */
/** @typedef {{ used: number, produced: number, rejected: number }} Counts */

/** The entry of the compilation being made inside `CodeCache.compile`, and its cache's counts. */
let /** @type {{ entry: Entry, counts: Counts } | undefined} */ current;

const compileFunction = vm.compileFunction;

/**
 * Written to a temporary name first, so a reader never meets a half-written cache.
 * @param {string} file
 * @param {Buffer} data
 */
function save(file, data) {
  const temporary = `${file}.${process.pid}`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(temporary, data);
  } catch {
    return;
  }
  try {
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
  }
}

/**
 * `vm.compileFunction` with the current entry's cache, or producing one; other calls unchanged.
 * @type {typeof vm.compileFunction}
 */
function compileFunctionWithCache(code, params, options) {
  const { entry, counts } = current ?? {};
  if (!entry || !counts || code !== entry.source) return compileFunction(code, params, options);
  if (entry.data) {
    const fn = compileFunction(code, params, { ...options, cachedData: entry.data });
    if (!fn.cachedDataRejected) {
      counts.used++;
      return fn;
    }
    counts.rejected++;
  }
  const fn = compileFunction(code, params, { ...options, produceCachedData: true });
  entry.data = fn.cachedData;
  if (fn.cachedData) {
    counts.produced++;
    save(entry.file, fn.cachedData);
  }
  return fn;
}

class CodeCache {
  /** @param {string} directory where cache files are kept (made when first written) */
  constructor(directory) {
    this.directory = directory;
    /** @type {Map<string, Entry>} the last text compiled from each file name, and its cache */
    this.memory = new Map();
    /** @type {Counts} */
    this.counts = { used: 0, produced: 0, rejected: 0 };
    if (vm.compileFunction !== compileFunctionWithCache) vm.compileFunction = compileFunctionWithCache;
  }

  /**
   * Runs `compile`, whose `vm.compileFunction(source, …)` call gets the code cache of `source`.
   * @template T
   * @param {string} filename
   * @param {string} source
   * @param {() => T} compile
   * @returns {T}
   */
  compile(filename, source, compile) {
    current = { entry: this.entryFor(filename, source), counts: this.counts };
    try {
      return compile();
    } finally {
      current = undefined;
    }
  }

  /**
   * @param {string} filename
   * @param {string} source
   * @returns {Entry}
   */
  entryFor(filename, source) {
    const known = this.memory.get(filename);
    if (known && known.source === source) return known;
    const file = join(this.directory, createHash('sha1').update(filename).update('\0').update(source).digest('hex'));
    let data;
    try {
      data = readFileSync(file);
    } catch {
      data = undefined;
    }
    const entry = { source, data, file };
    this.memory.set(filename, entry);
    return entry;
  }
}

module.exports = { CodeCache };
