/**
 * `npm run demo` through its real entry point: the alarm and Ctrl-C scenarios, a machine without
 * terraform, and bad input. See demo-release.test.ts for the others.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIRST_LINE, LAST_LINE_START } from '../demo/run';
import { scenario, SCENARIO_NAMES } from '../demo/scenarios';
import { declaredStacks } from '../scripts/offline-stacks';
import { runDemo, withoutTimestamps } from './demo-process';

const STACK = declaredStacks()[0]!.stack;
let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'demo-interrupt-'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function lastLine(lines: readonly string[]): string {
  return lines.filter((l) => l.trim() !== '').pop()!;
}

test('alarm: an alarm watching green goes off at 10%, CodeDeploy stops and rolls back, exit 1', async () => {
  const r = await runDemo(['--scenario', 'alarm', '--without-terraform', '--minute-in-ms', '300'], outdir);
  const lines = withoutTimestamps(r.stderr);
  expect(lines.some((l) => /^error ALARM_ACTIVE: .*Activated alarms: <\S*-green-\S*>/.test(l))).toBe(true);
  expect(lines).toContain('traffic blue 90% green 10%');
  expect(lines).toContain('rollback status Succeeded');
  expect(lines.some((l) => /^result Stopped d-\w+ exit 1$/.test(l))).toBe(true);
  expect(lines[0]).toBe(FIRST_LINE);
  expect(lastLine(lines).startsWith(LAST_LINE_START)).toBe(true);
  expect(r.code).toBe(scenario('alarm').exitCode);
}, 90000);

test('interrupt: Ctrl-C while green has part of the traffic stops the deployment with a rollback, exit 130', async () => {
  const r = await runDemo(['--scenario', 'interrupt', '--without-terraform', '--minute-in-ms', '300'], outdir);
  const lines = withoutTimestamps(r.stderr);
  expect(lines.some((l) => l.startsWith('interrupted SIGINT received'))).toBe(true);
  expect(lines.some((l) => /^ {3}deployment d-\w+: Stopped \(MANUAL_STOP\); traffic to green 10%/.test(l))).toBe(true);
  expect(lines).toContain('rollback status Succeeded');
  expect(lines.some((l) => /^result \w+ d-\w+ exit 130$/.test(l))).toBe(true);
  expect(lastLine(lines)).toContain('The release exited 130 (interrupted');
  expect(r.code).toBe(scenario('interrupt').exitCode);
}, 90000);

test('without terraform on PATH: outputs derived from the synthesized stack with placeholders, said so, and the release still runs', async () => {
  // A PATH with only node and sh: what `npm ci` alone gives a machine without Terraform.
  const bin = path.join(outdir, 'bin-without-terraform');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  symlinkSync('/bin/sh', path.join(bin, 'sh'));
  const r = await runDemo(['--scenario', 'success', '--minute-in-ms', '300'], outdir, { PATH: bin });
  const lines = withoutTimestamps(r.stderr);
  expect(lines).toContain('1. terraform is not on PATH: no offline apply; the outputs are derived from the synthesized');
  const outputs = JSON.parse(readFileSync(path.join(outdir, 'demo', `${STACK}-outputs.json`), 'utf8')) as Record<string, { value: unknown }>;
  expect(String(outputs.offline_notice!.value)).toMatch(/placeholder/);
  expect(lines.some((l) => /^result Succeeded d-\w+ exit 0$/.test(l))).toBe(true);
  expect(r.code).toBe(0);
}, 90000);

test('--help lists every scenario, exit 0; an unknown scenario is a usage error naming them, exit 2', async () => {
  const help = await runDemo(['--help'], outdir);
  expect(help.code).toBe(0);
  for (const name of SCENARIO_NAMES) expect(help.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
  const bad = await runDemo(['--scenario', 'chaos'], outdir);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}; received "chaos"`);
}, 60000);
