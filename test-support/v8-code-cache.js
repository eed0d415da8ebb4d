// @ts-check
/**
 * A V8 code cache for `vm.compileFunction`, for test-support/code-cache-runtime.js (jest's runtime).
 *
 * A compilation made inside {@link CodeCache.compile} gets the code cache of an earlier compilation of
 * the same text: from this cache's memory, else from a file in its directory named by a hash of the
 * file name, the function's parameters and the text (so an edited or re-transformed module never meets
 * a stale cache). Only the cache is added to the caller's options: the text, parameters, file name and
 * realm are the caller's, so stack traces and line numbers are the same.
 *
 * A file holds the sha1 of its data, then the data: release builds of V8 check only a cache's header
 * (version, flags, source length), not its payload, so a torn or damaged file is caught here and
 * compiled normally, as is a cache V8 rejects (another Node, other V8 flags); either is then replaced.
 * A cache that cannot be read or written means no cache.
 */
'use strict';
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');
const { threadId } = require('node:worker_threads');

/** @typedef {{ source: string, params: string, data?: Buffer, file: string }} Entry */
/** @typedef {{ used: number, produced: number, rejected: number }} Counts */

/** The compilation being made inside `CodeCache.compile`: its file name and text, and the cache. */
let /** @type {{ filename: string, source: string, cache: CodeCache } | undefined} */ current;

const DIGEST_BYTES = 20;

/** @param {Buffer} data */
const digest = (data) => createHash('sha1').update(data).digest();

/**
 * The cache data of a file written by {@link save}, or undefined when it is missing, too short or
 * its data does not match its digest.
 * @param {string} file
 * @returns {Buffer | undefined}
 */
function load(file) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= DIGEST_BYTES) return undefined;
  const data = bytes.subarray(DIGEST_BYTES);
  return digest(data).equals(bytes.subarray(0, DIGEST_BYTES)) ? data : undefined;
}

const compileFunction = vm.compileFunction;

/**
 * Written to a name of this writer's own first (process, thread, random), then renamed, so a reader
 * never meets a half-written cache and two writers never write one file.
 * @param {string} file
 * @param {Buffer} data
 */
function save(file, data) {
  const temporary = `${file}.${process.pid}.${threadId}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(temporary, Buffer.concat([digest(data), data]));
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
  if (!current || code !== current.source) return compileFunction(code, params, options);
  const { cache } = current;
  const { counts } = cache;
  const entry = cache.entryFor(current.filename, (params ?? []).join(','), code);
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
    current = { filename, source, cache: this };
    try {
      return compile();
    } finally {
      current = undefined;
    }
  }

  /**
   * @param {string} filename
   * @param {string} params the compiled function's parameter names, comma-separated
   * @param {string} source
   * @returns {Entry}
   */
  entryFor(filename, params, source) {
    const known = this.memory.get(filename);
    if (known && known.params === params && known.source === source) return known;
    const file = join(this.directory, createHash('sha1').update(filename).update('\0').update(params).update('\0').update(source).digest('hex'));
    const entry = { source, params, data: load(file), file };
    this.memory.set(filename, entry);
    return entry;
  }
}

module.exports = { CodeCache };
