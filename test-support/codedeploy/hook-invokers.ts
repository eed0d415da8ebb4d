/**
 * Ways for the stand-in to invoke a hook function: in this process (a handler function, e.g. a
 * test's fake), or in a warm child process running the real hook module with its own environment
 * (as Lambda does: the function's env vars, its own CodeDeploy client pointed at the stand-in).
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { HookEvent, HookInvoker } from './state-machine';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hookRuntime = require('./hook-runtime.js') as typeof import('./hook-runtime.js');

/** A Lambda-style handler. */
export type LambdaHandler = (event: HookEvent, context: any) => Promise<unknown>;

/** A minimal Lambda context whose remaining time counts down from `timeoutInMs` (shared with the child runtime). */
export const lambdaContext: (functionName: string, timeoutInMs: number) => Record<string, unknown> = hookRuntime.lambdaContext;

/** Invokes `handler` in this process. @param timeoutInMs the function's Lambda timeout */
export function inProcessHookInvoker(handler: LambdaHandler, timeoutInMs = 30_000): HookInvoker {
  return (functionName, event) => handler(event, lambdaContext(functionName, timeoutInMs));
}

/** Options of {@link startHookRuntime}. */
export interface HookRuntimeOptions {
  /** JavaScript module exporting `handler`: the hook's esbuild bundle, or a test's fixture. */
  readonly modulePath: string;
  /** The function's environment (merged over a clean base: PATH, dummy AWS credentials, region). */
  readonly env: Readonly<Record<string, string>>;
  /** The function's Lambda timeout. @default 30000 */
  readonly timeoutInMs?: number;
}

/** A warm child process running the hook. */
export interface HookRuntime {
  /** Invokes the function as CodeDeploy does (the answer is not used). */
  readonly invoker: HookInvoker;
  /** Invokes the function with any event and resolves with what it returned (as ECS reads a hook's answer). */
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** Lines the function printed (stdout and stderr), e.g. its structured JSON logs. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Starts a child process that loads the hook module once and runs every invocation. */
export async function startHookRuntime(options: HookRuntimeOptions): Promise<HookRuntime> {
  const logs: string[] = [];
  const timeoutInMs = options.timeoutInMs ?? 30_000;
  if (!/\.c?js$/.test(options.modulePath)) throw new Error(`the hook runtime loads JavaScript (a bundle, a .js fixture), not ${options.modulePath}`);
  const child: ChildProcess = fork(join(__dirname, 'hook-runtime.js'), [], {
    execArgv: [],
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'hook',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
      STANDIN_HOOK_MODULE: options.modulePath,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const collect = (chunk: Buffer): void => {
    logs.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  await new Promise<void>((resolve, reject) => {
    const onMessage = (msg: { ready?: boolean; error?: string }): void => {
      if (msg.ready === true) resolve();
      else if (msg.ready === false) reject(new Error(`hook runtime failed to start: ${msg.error}`));
    };
    child.once('message', onMessage);
    child.once('exit', (code) => reject(new Error(`hook runtime exited (${code}) before it was ready: ${logs.join('\n')}`)));
  });
  child.on('message', (msg: { id?: number; ok?: boolean; error?: string; result?: unknown }) => {
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.ok) p?.resolve(msg.result);
    else p?.reject(new Error(msg.error ?? 'invocation failed'));
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('hook runtime exited'));
    pending.clear();
  });
  const invoke = (functionName: string, event: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, functionName, event, timeoutInMs });
    });
  const invoker: HookInvoker = (functionName, event) => invoke(functionName, event);
  return {
    invoker,
    invoke,
    logs,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
