/**
 * The AWS CLI as an independent client of the stand-ins. Its commands run in one Python interpreter
 * (`aws-cli-driver.py`: each through `awscli.clidriver.main()`, what the `aws` script runs, with a fresh
 * botocore session) instead of one `aws` process each: a process spends about half a CPU-second (a
 * second with Debian's v2) starting Python and importing botocore before it sends anything. When the
 * `aws` on PATH is not a Python script of the CLI (the v2 installer's frozen binary) or its interpreter
 * cannot import it, every command is its own `aws` process, as before, and the reason is printed.
 */
import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { describeWhen, describeWithTool } from './require-tool';

/** What a command printed and its exit status, as a shell would see them. */
export interface AwsCliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /**
   * The delays botocore's waiter asked for, in seconds (before {@link AwsCliRunOptions.waiterDelayScale});
   * undefined when the command ran as its own process, where they cannot be seen.
   */
  readonly waiterSleeps?: readonly number[];
}

export interface AwsCliRunOptions {
  /** Default 60 s. A command that runs longer is killed (with its interpreter) and exits 1. */
  readonly timeoutInMs?: number;
  /**
   * Scales the sleeps of botocore's waiter (`aws … wait …`), as the stand-ins compress their minutes:
   * 0.01 makes CodeDeploy's 15 s poll delay 150 ms. Only in the shared interpreter; a process per
   * command sleeps in real time.
   */
  readonly waiterDelayScale?: number;
}

export interface AwsCli {
  /** Runs `aws <args>`. Commands run one at a time, in the order asked. */
  run(args: readonly string[], options?: AwsCliRunOptions): Promise<AwsCliResult>;
  /** Runs `aws <args>` and parses its output; throws with its stderr when it exits non-zero. */
  json(args: readonly string[], options?: AwsCliRunOptions): Promise<any>;
  /** Ends the interpreter. */
  close(): Promise<void>;
}

/** How to start Python the way the `aws` script's shebang does, or why that cannot be done. */
export type AwsPython = { readonly command: string; readonly args: readonly string[]; readonly scriptDir: string } | { readonly reason: string };

const DRIVER = join(__dirname, 'aws-cli-driver.py');
const DEFAULT_TIMEOUT_IN_MS = 60_000;

function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The interpreter of the `aws` found on `env.PATH`: its shebang's (`#!/usr/bin/python3`,
 * `#!/usr/bin/env python3`), after following a pyenv shim (a bash script) to the script it runs.
 */
export function resolveAwsPython(env: NodeJS.ProcessEnv): AwsPython {
  const found = onPath('aws', env.PATH);
  if (!found) return { reason: 'aws is not on PATH' };
  let script: string = found;
  for (let hops = 0; hops < 3; hops++) {
    const text: string = readFileSync(script, 'latin1');
    const shebang = /^#!(.*)/.exec(text)?.[1]?.trim().split(/\s+/);
    if (!shebang) return { reason: `${script} is not a script (the AWS CLI v2 installer's binary, say)` };
    const pyenv: string | undefined = /exec "([^"]*pyenv)" exec/.exec(text)?.[1];
    if (pyenv) {
      // With the root the shim exports, as it does before running `pyenv exec`.
      const root = /export PYENV_ROOT="([^"]*)"/.exec(text)?.[1];
      const which = spawnSync(pyenv, ['which', 'aws'], { env: root ? { ...env, PYENV_ROOT: root } : env, encoding: 'utf8', timeout: 20_000 });
      if (which.status !== 0) return { reason: `${pyenv} which aws failed: ${which.stderr || which.error}` };
      script = which.stdout.trim();
      continue;
    }
    if (!text.includes('awscli.clidriver')) return { reason: `${script} does not run awscli.clidriver` };
    const [interpreter, ...args] = shebang[0]!.endsWith('/env') ? shebang.slice(1).filter((a) => a !== '-S') : shebang;
    const command = interpreter?.includes('/') ? interpreter : onPath(interpreter ?? '', env.PATH);
    if (!command || !/python/.test(command)) return { reason: `${script}'s interpreter ${interpreter} is not a Python on PATH` };
    return { command, args, scriptDir: dirname(realpathSync(script)) };
  }
  return { reason: `${script}: too many shims` };
}

/** One `aws` process for one command (the fallback, and what the driver saves). */
function runProcess(args: readonly string[], env: NodeJS.ProcessEnv, timeoutInMs: number): Promise<AwsCliResult> {
  return new Promise((resolve) => {
    execFile('aws', [...args], { env, timeout: timeoutInMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Splits a stream into lines, each passed to `onLine`. */
function onLines(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
  });
}

/** A running `aws-cli-driver.py`: one request at a time, answered on file descriptor 3. */
class Driver {
  private pending: ((message: any) => void) | undefined;
  private exited = false;
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    onLines(child.stdio[3] as Readable, (line) => {
      const take = this.pending;
      this.pending = undefined;
      take?.(JSON.parse(line));
    });
    child.stderr!.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-4000);
    });
    child.stdout!.resume();
    const ended = (why: string): void => {
      this.exited = true;
      this.pending?.({ error: `the interpreter ${why}: ${this.stderr.trim()}` });
      this.pending = undefined;
    };
    child.on('exit', (code, signal) => ended(`exited (${signal ?? code})`));
    child.on('error', (err) => ended(`could not run (${err.message})`));
    // A write after the interpreter died is answered by the exit above, not by a crash.
    child.stdin!.on('error', () => undefined);
  }

  /** Starts the interpreter; rejects with the reason when it cannot import the CLI. */
  static async start(python: Exclude<AwsPython, { reason: string }>, env: NodeJS.ProcessEnv): Promise<Driver> {
    const child = spawn(python.command, [...python.args, DRIVER, python.scriptDir], { env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    const driver = new Driver(child);
    const ready = await driver.next(DEFAULT_TIMEOUT_IN_MS);
    if (!ready.ready) throw new Error(`${python.command} could not start the AWS CLI: ${ready.error}`);
    return driver;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The next answer, or `{ error }` when the interpreter exits or `timeoutInMs` passes first. */
  private next(timeoutInMs: number): Promise<any> {
    return new Promise((resolve) => {
      if (this.exited) return resolve({ error: `the interpreter had exited: ${this.stderr.trim()}` });
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.kill();
        resolve({ error: `no answer within ${timeoutInMs} ms; the interpreter was killed` });
      }, timeoutInMs);
      this.pending = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  async run(args: readonly string[], options: AwsCliRunOptions): Promise<AwsCliResult> {
    const answer = this.next(options.timeoutInMs ?? DEFAULT_TIMEOUT_IN_MS);
    (this.child.stdin as Writable).write(`${JSON.stringify({ argv: args, waiterDelayScale: options.waiterDelayScale })}\n`);
    const message = await answer;
    if (message.error) return { code: 1, stdout: '', stderr: `aws ${args.join(' ')}: ${message.error}\n` };
    return { code: message.code, stdout: message.stdout, stderr: message.stderr, waiterSleeps: message.waiterSleeps };
  }

  kill(): void {
    if (this.exited) return;
    this.child.kill('SIGKILL');
    // Dead from now on, for the next command, which would otherwise still write to it.
    this.exited = true;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The AWS CLI for `env` (its PATH finds `aws`; the rest is the CLI's environment: credentials, config
 * files). Starts the shared interpreter now, so its start-up is not charged to the first command.
 */
export async function startAwsCli(env: NodeJS.ProcessEnv): Promise<AwsCli> {
  const python = resolveAwsPython(env);
  let driver: Driver | undefined;
  let fallback: string | undefined;
  const startDriver = async (): Promise<void> => {
    try {
      if ('reason' in python) throw new Error(python.reason);
      driver = await Driver.start(python, env);
    } catch (err) {
      fallback = (err as Error).message;
      // eslint-disable-next-line no-console
      console.warn(`AWS CLI: one aws process per command, because ${fallback}`);
    }
  };
  await startDriver();
  let queue: Promise<unknown> = Promise.resolve();
  const runNow = async (args: readonly string[], options: AwsCliRunOptions): Promise<AwsCliResult> => {
    // A command that timed out took the interpreter with it.
    if (fallback === undefined && !driver!.alive) await startDriver();
    return fallback === undefined ? driver!.run(args, options) : runProcess(args, env, options.timeoutInMs ?? DEFAULT_TIMEOUT_IN_MS);
  };
  const run = (args: readonly string[], options: AwsCliRunOptions = {}): Promise<AwsCliResult> => {
    const result = queue.then(() => runNow(args, options));
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    run,
    async json(args, options) {
      const r = await run(args, options);
      if (r.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    },
    close: async () => {
      await queue;
      await driver?.close();
    },
  };
}

/**
 * `describe` for tests that run the AWS CLI: skipped with the reason, or failing under
 * `REQUIRE_TEST_TOOLS=1`, when there is none. Where `aws` is the CLI's Python script the check is that
 * its interpreter finds the awscli package (a few CPU-ms; `aws --version` starts the whole CLI, ~0.4
 * CPU-s, and {@link startAwsCli} starts it once more): a CLI whose package is found but does not import
 * then fails its tests rather than skipping them. Any other `aws` is checked with `aws --version`.
 */
export function describeWithAwsCli(title: string, body: () => void): void {
  const python = resolveAwsPython(process.env);
  if ('reason' in python) {
    describeWithTool(title, 'aws', body);
    return;
  }
  const found = spawnSync(python.command, [...python.args, '-c', 'import awscli'], { encoding: 'utf8', timeout: 20_000 });
  const missing = found.status === 0 ? undefined : { need: 'aws', reason: `aws's interpreter ${python.command} cannot import awscli (${found.error?.message ?? found.stderr.trim().split('\n').pop()})` };
  describeWhen(title, missing, body);
}

