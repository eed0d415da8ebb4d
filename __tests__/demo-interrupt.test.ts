/**
 * `npm run demo` through its real entry point: the alarm and Ctrl-C scenarios, each with a
 * CDKTF_OUTDIR of its own, concurrently (a demo is mostly waiting). Its help and bad input, in-process:
 * that the entry point runs main() as npm runs it, every spawned demo proves. See demo-release.test.ts
 * for the others (a machine without terraform among them).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIRST_LINE, LAST_LINE_START, scenario, SCENARIO_NAMES } from '../demo/scenarios';
import { main } from '../scripts/demo';
import { runDemo, withoutTimestamps } from './demo-process';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'demo-interrupt-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A CDKTF_OUTDIR of the test's own. */
function outdirFor(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  return dir;
}

function lastLine(lines: readonly string[]): string {
  return lines.filter((l) => l.trim() !== '').pop()!;
}

test.concurrent('alarm: an alarm watching green goes off at 10%, CodeDeploy stops and rolls back, exit 1', async () => {
  const r = await runDemo(['--scenario', 'alarm', '--without-terraform', '--minute-in-ms', '300'], outdirFor('alarm'));
  const lines = withoutTimestamps(r.stderr);
  expect(lines.some((l) => /^error ALARM_ACTIVE: .*Activated alarms: <\S*-green-\S*>/.test(l))).toBe(true);
  expect(lines).toContain('traffic blue 90% green 10%');
  expect(lines).toContain('rollback status Succeeded');
  expect(lines.some((l) => /^result Stopped d-\w+ exit 1$/.test(l))).toBe(true);
  expect(lines[0]).toBe(FIRST_LINE);
  expect(lastLine(lines).startsWith(LAST_LINE_START)).toBe(true);
  expect(r.code).toBe(scenario('alarm').exitCode);
}, 90000);

test.concurrent('interrupt: Ctrl-C while green has part of the traffic stops the deployment with a rollback, exit 130', async () => {
  const r = await runDemo(['--scenario', 'interrupt', '--without-terraform', '--minute-in-ms', '300'], outdirFor('interrupt'));
  const lines = withoutTimestamps(r.stderr);
  expect(lines.some((l) => l.startsWith('interrupted SIGINT received'))).toBe(true);
  expect(lines.some((l) => /^ {3}deployment d-\w+: Stopped \(MANUAL_STOP\); traffic to green 10%/.test(l))).toBe(true);
  expect(lines).toContain('rollback status Succeeded');
  expect(lines.some((l) => /^result \w+ d-\w+ exit 130$/.test(l))).toBe(true);
  expect(lastLine(lines)).toContain('The release exited 130 (interrupted');
  expect(r.code).toBe(scenario('interrupt').exitCode);
}, 90000);

/** Runs the demo's main() in-process with `argv`, collecting what it writes and its exit code. */
async function demoMain(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let exited: number | undefined;
  const code = await main({ argv, env: {}, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), exit: (c) => void (exited = c) });
  return { code: exited ?? code, stdout, stderr };
}

test.concurrent('--help lists every scenario, exit 0; an unknown scenario is a usage error naming them, exit 2', async () => {
  const help = await demoMain(['--help']);
  expect(help.code).toBe(0);
  for (const name of SCENARIO_NAMES) expect(help.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
  const bad = await demoMain(['--scenario', 'chaos']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}; received "chaos"`);
});
