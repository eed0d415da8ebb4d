// @ts-check
/**
 * jest's runtime (`runtime` in jest.config.js), with a V8 code cache for the modules it compiles.
 *
 * jest compiles every module of every test file again, in the file's own realm: the CDKTF app and its
 * provider bindings, the AWS SDK, the project's sources. Without a code cache V8 parses each from
 * scratch each time. Here each compilation gets the cache of an earlier one of the same text
 * (test-support/v8-code-cache.js): from this worker's memory, else from `v8-code-cache/` in jest's
 * cache directory, so a worker's first file and the next run get it too (`jest --clearCache` removes
 * it). jest still makes the call itself, so errors, stack traces and line numbers are jest's.
 *
 * It wraps jest-runtime 30's `this.executor.compile` (an internal: jest-runtime is a pinned
 * devDependency for it); where that is missing, or under `jest --no-cache`, it is jest's runtime
 * unchanged.
 */
'use strict';
const { join } = require('node:path');
const Runtime = require('jest-runtime').default;
const { CodeCache } = require('./v8-code-cache');

/** One per worker, across its test files. @type {InstanceType<typeof CodeCache> | undefined} */
let cache;

class CodeCacheRuntime extends Runtime {
  /** @param {ConstructorParameters<typeof Runtime>} args */
  constructor(...args) {
    super(...args);
    const executor = /** @type {{ compile?: (source: string, filename: string) => unknown } | undefined} */ (/** @type {any} */ (this).executor);
    const compile = executor?.compile;
    if (!executor || typeof compile !== 'function' || args[0].cache === false) return;
    const codeCache = (cache ??= new CodeCache(join(args[0].cacheDirectory, 'v8-code-cache')));
    executor.compile = (source, filename) => codeCache.compile(filename, source, () => compile.call(executor, source, filename));
  }
}

module.exports = CodeCacheRuntime;
