// @ts-check
/**
 * A warm "Lambda container" for the hook: run as a child process (see hook-invokers.ts) with the
 * function's environment, it loads the hook module once and runs each invocation it receives over
 * IPC with a Lambda-like context. Stdout/stderr are the function's logs.
 *
 * Plain JavaScript, and so is every hook module it loads (the hook's esbuild bundle, a test's fixture):
 * the child needs no TypeScript loader, whose start-up would be most of a runtime's.
 */
'use strict';
const { createHash, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/**
 * V8 code caches of hook modules, by content hash: the tests start a runtime per file or per test
 * (about 15 in a run of the suite, the demo's too) and compiling the 0.5 MB bundle was half of each
 * one's load (60 ms; 30 ms with the cache). In the project's own cache directory, as trusted as
 * node_modules: V8 does not check that a cache belongs to the source it is given beyond its length.
 */
const CODE_CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'hook-runtime');
/** Caches kept (each bundle edit makes one): the newest, by modification time. */
const CODE_CACHES_KEPT = 8;

/**
 * Writes `data` as `file` (atomically), then removes all but the newest caches; a read-only cache is no error.
 * @param {string} file @param {Buffer} data
 */
function saveCodeCache(file, data) {
  try {
    fs.mkdirSync(CODE_CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    const caches = fs.readdirSync(CODE_CACHE_DIR).filter((f) => f.endsWith('.v8cache')).map((f) => path.join(CODE_CACHE_DIR, f));
    const byAge = caches.map((f) => ({ f, at: fs.statSync(f).mtimeMs })).sort((a, b) => b.at - a.at);
    for (const { f } of byAge.slice(CODE_CACHES_KEPT)) fs.rmSync(f, { force: true });
  } catch {
    // Only the next runtime's compile time is lost.
  }
}

/**
 * Loads a JavaScript hook module as `require` does (its own module object, `require` resolving from
 * its directory), compiled with a V8 code cache when one was kept for the same bytes.
 * @param {string} modulePath
 * @returns {{ handler?: (event: unknown, context: unknown) => Promise<unknown> }}
 */
function loadHookModule(modulePath) {
  const source = fs.readFileSync(modulePath, 'utf8');
  const key = createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}\0${process.execArgv.join(' ')}`).digest('hex').slice(0, 32);
  const cacheFile = path.join(CODE_CACHE_DIR, `${key}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: modulePath, cachedData });
  const mod = new Module(modulePath);
  mod.filename = modulePath;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(modulePath), mod, modulePath, path.dirname(modulePath));
  mod.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) saveCodeCache(cacheFile, script.createCachedData());
  return mod.exports;
}

/**
 * A minimal Lambda context whose remaining time counts down from `timeoutInMs`.
 * @param {string} functionName @param {number} timeoutInMs
 * @returns {Record<string, unknown>}
 */
function lambdaContext(functionName, timeoutInMs) {
  const deadline = Date.now() + timeoutInMs;
  const requestId = randomUUID();
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/**
 * @typedef {object} InvokeMessage
 * @property {number} id
 * @property {string} functionName
 * @property {unknown} event
 * @property {number} timeoutInMs
 */

async function main() {
  const modulePath = process.env.STANDIN_HOOK_MODULE;
  if (!modulePath) throw new Error('STANDIN_HOOK_MODULE is not set');
  const mod = loadHookModule(modulePath);
  if (typeof mod.handler !== 'function') throw new Error(`${modulePath} does not export handler`);
  const handler = mod.handler;
  process.on('message', (/** @type {InvokeMessage} */ msg) => {
    const context = lambdaContext(msg.functionName, msg.timeoutInMs);
    // Lambda ends an invocation at its timeout whatever the handler does.
    const timeout = new Promise((_, reject) => {
      setTimeout(() => reject(new Error(`Task timed out after ${(msg.timeoutInMs / 1000).toFixed(2)} seconds`)), msg.timeoutInMs).unref();
    });
    Promise.race([Promise.resolve().then(() => handler(msg.event, context)), timeout]).then(
      (result) => process.send?.({ id: msg.id, ok: true, result: result ?? null }),
      (err) => process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.send?.({ ready: true });
}

if (require.main === module) {
  main().catch((err) => {
    process.send?.({ ready: false, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    process.exit(1);
  });
}

module.exports = { lambdaContext };
