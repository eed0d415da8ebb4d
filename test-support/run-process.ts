/**
 * `spawnSync` without blocking: a test file whose tests each run a program can run them concurrently
 * (`test.concurrent`), the programs overlapping instead of taking turns with jest's event loop.
 */
import { spawn } from 'node:child_process';

/** How a program ended and what it printed. `status` is null when a signal ended it (the time limit). */
export interface ProcessRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long. @default 60000 */
  readonly timeoutMs?: number;
}

/** Runs `command` with no input, collecting its output; rejects only when it cannot be started. */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}
