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
const { randomUUID } = require('node:crypto');

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
  const mod = /** @type {{ handler?: (event: unknown, context: unknown) => Promise<unknown> }} */ (require(modulePath));
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
