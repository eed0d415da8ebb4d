/**
 * Runs the real release CLI (`node scripts/run.js release`, as `npm run release` does) as a child
 * process against a stand-in, with dummy credentials and an AWS config that cannot leak the user's.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_NAMES } from '../../lib/outputs';
import { npmScriptCommand } from '../npm-script';

/** The repository root (where `scripts/release.ts` lives). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** A finished release. */
export interface ReleaseExit {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Stderr lines (the plain progress lines). */
  readonly lines: readonly string[];
  /** Wall-clock ms when the process exited. */
  readonly exitedAt: number;
  readonly startedAt: number;
}

/** A running release. */
export interface RunningRelease {
  readonly child: ChildProcess;
  /** Stderr lines so far. */
  readonly lines: string[];
  /**
   * Resolves with the first stderr line matching `pattern`; rejects after `timeoutInMs`, or as soon as
   * the CLI exits without having printed such a line (no test waits out the timeout for a dead process).
   */
  waitForLine(pattern: RegExp, timeoutInMs?: number): Promise<string>;
  /** Sends a signal to the CLI's process group, as a terminal's Ctrl-C does. */
  signal(signal: NodeJS.Signals): void;
  readonly exited: Promise<ReleaseExit>;
}

/** Releases started by {@link startRelease} that have not exited yet. */
const running = new Set<ChildProcess>();

/** Private AWS config homes made by this process, removed when it exits. */
const awsHomes: string[] = [];

/**
 * A private AWS config home: the user's ~/.aws is never read. `configText` is the config file's
 * content (empty by default).
 */
export function isolatedAwsEnv(configText = ''): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'standin-aws-'));
  if (awsHomes.length === 0) process.once('exit', removeIsolatedAwsHomes);
  awsHomes.push(dir);
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, configText);
  writeFileSync(credentials, '');
  return {
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Removes the config homes {@link isolatedAwsEnv} made (call it in afterAll; also runs at exit). */
export function removeIsolatedAwsHomes(): void {
  for (const d of awsHomes.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Values of a stack's outputs, by {@link OUTPUT_NAMES} key. */
export type StackOutputValues = Partial<Record<keyof typeof OUTPUT_NAMES, string | number>>;

/** Writes `{ "<stack>": { "<output_name>": value } }` (the `cdktf deploy --outputs-file` form); returns its path. */
export function writeOutputsFile(dir: string, stackName: string, values: StackOutputValues): string {
  const outputs: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) outputs[OUTPUT_NAMES[key as keyof typeof OUTPUT_NAMES]] = value;
  }
  const file = join(dir, `${stackName}-outputs.json`);
  writeFileSync(file, JSON.stringify({ [stackName]: outputs }, null, 2));
  return file;
}

/** Port 9 (discard) on the loopback: nothing listens there, so a call to it is refused at once. */
export const CLOSED_LOCAL_ENDPOINT = 'http://127.0.0.1:9';

/** Starts `scripts/release.ts` with `args`; `env` is added to a clean base (PATH, isolated AWS config). */
export function startRelease(args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningRelease {
  const startedAt = Date.now();
  // Exactly what `npm run release` runs (package.json): the precompiled release, one process.
  const { command, args: scriptArgs } = npmScriptCommand('release');
  const child = spawn(command, [...scriptArgs, ...args], {
    cwd: REPO_ROOT,
    // The SDK's Node 20 support warning would only add noise to the stderr the tests read.
    // AWS_ENDPOINT_URL: a service the test gives no stand-in (the failure diagnostics' Logs, ECS, ELBv2)
    // meets a closed local port, never AWS; a test's AWS_ENDPOINT_URL_<SERVICE> takes precedence.
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_ENDPOINT_URL: CLOSED_LOCAL_ENDPOINT, ...isolatedAwsEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a signal reaches it the way a terminal's Ctrl-C does.
    detached: true,
  });
  running.add(child);
  let closed = false;
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr!.on('data', (c: Buffer) => {
    const text = c.toString('utf8');
    stderr += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<ReleaseExit>((resolve) => {
    child.on('close', (code, signal) => {
      closed = true;
      running.delete(child);
      if (partial) {
        lines.push(partial);
        for (const w of [...waiters]) {
          if (w.pattern.test(partial)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(partial);
          }
        }
      }
      for (const w of waiters.splice(0)) {
        w.reject(new Error(`the release exited (code ${code}, signal ${signal}) without a line matching ${w.pattern}; lines:\n${lines.join('\n')}`));
      }
      resolve({ code, signal, stdout, stderr, lines: [...lines], exitedAt: Date.now(), startedAt });
    });
  });
  // 'exit' comes before the pipes close; that is the moment the CLI is done.
  let exitAt = 0;
  child.on('exit', () => {
    exitAt = Date.now();
  });
  const exitedWithTime = exited.then((e) => ({ ...e, exitedAt: exitAt || e.exitedAt }));
  return {
    child,
    lines,
    waitForLine: (pattern, timeoutInMs = 20_000) => {
      const found = lines.find((l) => pattern.test(l));
      if (found !== undefined) return Promise.resolve(found);
      if (closed) return Promise.reject(new Error(`the release has exited without a line matching ${pattern}; lines:\n${lines.join('\n')}`));
      return new Promise((resolve, reject) => {
        const waiter = {
          pattern,
          resolve: (l: string) => {
            clearTimeout(timer);
            resolve(l);
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no release line matched ${pattern} within ${timeoutInMs} ms; lines:\n${lines.join('\n')}`));
        }, timeoutInMs);
        waiters.push(waiter);
      });
    },
    signal: (signal) => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
    },
    exited: exitedWithTime,
  };
}

/**
 * Kills (SIGKILL, whole process group) every release still running and waits for them to exit. Call it
 * in afterEach/afterAll: a test that failed half-way must not leave a CLI polling a closed stand-in
 * (they run detached, so nothing else would end them). `only`: just these (a concurrent test's own).
 * @returns how many were still running
 */
export async function killRunningReleases(only?: readonly RunningRelease[]): Promise<number> {
  const left = only ? only.map((r) => r.child).filter((c) => running.has(c)) : [...running];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            resolve(); // Already gone.
          }
        }),
    ),
  );
  return left.length;
}

/** Runs a release to its end. */
export function runRelease(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ReleaseExit> {
  return startRelease(args, env).exited;
}

/** The releases one concurrent test starts: its own, so it can end them without touching another test's. */
export interface OwnReleases {
  start(args: readonly string[], env?: Readonly<Record<string, string>>): RunningRelease;
  run(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<ReleaseExit>;
}

/**
 * A `test.concurrent` that starts releases (jest runs no afterEach for concurrent tests, and
 * {@link killRunningReleases} without `only` would end the other tests' releases): afterwards its own
 * releases still running are killed, failing a test that passed, and `settle` runs (e.g. a stand-in's
 * settle of the test's deployment groups).
 */
export function concurrentReleaseTest(title: string, body: (t: OwnReleases) => Promise<void>, settle: () => Promise<void>): void {
  test.concurrent(title, async () => {
    const mine: RunningRelease[] = [];
    const start = (args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningRelease => {
      const release = startRelease(args, env);
      mine.push(release);
      return release;
    };
    let leftRunning = 0;
    try {
      await body({ start, run: (args, env) => start(args, env).exited });
    } finally {
      leftRunning = await killRunningReleases(mine);
      await settle();
    }
    expect(leftRunning).toBe(0);
  });
}
