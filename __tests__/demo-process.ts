/**
 * Runs `npm run demo`'s command as npm does (package.json: node scripts/run.js demo) in its own
 * CDKTF_OUTDIR, for the demo tests. Not a test file itself.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmScriptCommand } from '../test-support/npm-script';

const ROOT = path.join(__dirname, '..');

/** A finished demo. */
export interface DemoExit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the demo with `args`; `env` is laid over the test's environment (CDKTF_OUTDIR set to `outdir`). */
export function runDemo(args: readonly string[], outdir: string, env: Readonly<Record<string, string>> = {}): Promise<DemoExit> {
  const { command, args: scriptArgs } = npmScriptCommand('demo');
  const child = spawn(command, [...scriptArgs, ...args], {
    cwd: ROOT,
    env: { ...process.env, HOME: os.tmpdir(), CDKTF_OUTDIR: outdir, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  // Bounded: a demo that hangs fails its test instead of outliving it.
  const timer = setTimeout(() => child.kill('SIGKILL'), 85_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines of the demo's stderr, the release's timestamps taken off its plain lines. */
export function withoutTimestamps(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, ''));
}
