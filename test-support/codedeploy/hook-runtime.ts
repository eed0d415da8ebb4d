/**
 * A warm "Lambda container" for the hook: run as a child process (see hook-invokers.ts) with the
 * function's environment, it loads the hook module once and runs each invocation it receives over
 * IPC with a Lambda-like context. Stdout/stderr are the function's logs.
 */

import { lambdaContext } from './hook-invokers';

interface InvokeMessage {
  readonly id: number;
  readonly functionName: string;
  readonly event: unknown;
  readonly timeoutInMs: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;


async function main(): Promise<void> {
  const modulePath = process.env.STANDIN_HOOK_MODULE;
  if (!modulePath) throw new Error('STANDIN_HOOK_MODULE is not set');
  const mod = require(modulePath) as { handler?: Handler };
  if (typeof mod.handler !== 'function') throw new Error(`${modulePath} does not export handler`);
  const handler = mod.handler;
  process.on('message', (msg: InvokeMessage) => {
    const context = lambdaContext(msg.functionName, msg.timeoutInMs);
    // Lambda ends an invocation at its timeout whatever the handler does.
    const timeout = new Promise((_, reject) => {
      setTimeout(() => reject(new Error(`Task timed out after ${(msg.timeoutInMs / 1000).toFixed(2)} seconds`)), msg.timeoutInMs).unref();
    });
    Promise.race([Promise.resolve().then(() => handler(msg.event, context)), timeout]).then(
      (result) => process.send?.({ id: msg.id, ok: true, result: result ?? null }),
      (err: unknown) => process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.send?.({ ready: true });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.send?.({ ready: false, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    process.exit(1);
  });
}
