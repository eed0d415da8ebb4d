/**
 * `npm run demo` through its real entry point (scripts/demo.ts, as npm runs it): the success, hook
 * failure and active-deployment scenarios. Each runs the offline apply or the synth, the local
 * stand-ins, the stack's real hook bundle and the real release CLI; the demo exits with the release's
 * code and says first and last that nothing touched AWS. (Alarm, Ctrl-C and the run without terraform:
 * demo-interrupt.test.ts, so the two files run side by side.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIRST_LINE, LAST_LINE_START } from '../demo/run';
import { scenario } from '../demo/scenarios';
import { describeWithTool } from '../test-support/require-tool';
import { declaredStacks } from '../scripts/offline-stacks';
import { runDemo, withoutTimestamps } from './demo-process';

const STACK = declaredStacks()[0]!.stack;
let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'demo-release-'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function expectFramed(lines: readonly string[], code: number): void {
  expect(lines[0]).toBe(FIRST_LINE);
  const last = lines.filter((l) => l.trim() !== '').pop()!;
  expect(last.startsWith(LAST_LINE_START)).toBe(true);
  expect(last).toContain(`The release exited ${code} (`);
}

describeWithTool('npm run demo with terraform', 'terraform', () => {
  test('success: the stack applied offline, a canary shift to 10% then 100%, exit 0', async () => {
    const r = await runDemo(['--scenario', 'success', '--minute-in-ms', '300'], outdir);
    const lines = withoutTimestamps(r.stderr);
    expect(lines).toContain(`1. terraform apply of ${STACK}, offline: real Terraform, a local stand-in provider`);
    expect(lines).toContain('   (fake ids and ARNs, account 000000000000)');
    const outputs = JSON.parse(readFileSync(path.join(outdir, 'demo', `${STACK}-outputs.json`), 'utf8')) as Record<string, { value: unknown }>;
    expect(String(outputs.ecs_task_definition_arn!.value)).toMatch(/:000000000000:task-definition\//);
    expect(lines).toContain('traffic blue 90% green 10%');
    expect(lines).toContain('traffic blue 0% green 100%');
    expect(lines.some((l) => /^result Succeeded d-[A-Z0-9]{9} exit 0$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {3}deployment d-\w+: Succeeded; traffic to green 10% → 100%$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {3}hook CodeDeployHook_\S+ at \w+: Succeeded$/.test(l))).toBe(true);
    expectFramed(lines, 0);
    expect(r.code).toBe(scenario('success').exitCode);
  }, 90000);
});

describe('npm run demo', () => {
  test("hook-fails: green answers 503, the real hook reports Failed, the release quotes the hook's verdict and follows the rollback, exit 1", async () => {
    const r = await runDemo(['--scenario', 'hook-fails', '--without-terraform', '--minute-in-ms', '300'], outdir);
    const lines = withoutTimestamps(r.stderr);
    expect(lines.some((l) => /^lifecycle \w+ Failed$/.test(l))).toBe(true);
    expect(lines.some((l) => /^diagnosis hook Failed: GET \/\S*: .*status 503/.test(l))).toBe(true);
    expect(lines.some((l) => /^diagnosis targets \S+-green: 2 of 2 unhealthy Target\.ResponseCodeMismatch/.test(l))).toBe(true);
    expect(lines).toContain('rollback status Succeeded');
    expect(lines.some((l) => /^result Failed d-\w+ exit 1$/.test(l))).toBe(true);
    expectFramed(lines, 1);
    expect(r.code).toBe(scenario('hook-fails').exitCode);
  }, 90000);

  test('active: another deployment is running in the group, the release refuses to start, exit 4', async () => {
    const r = await runDemo(['--scenario', 'active', '--without-terraform', '--minute-in-ms', '300'], outdir);
    const lines = withoutTimestamps(r.stderr);
    expect(lines.some((l) => /^error another deployment, d-\w+ \(InProgress, .*\), is active in deployment group /.test(l))).toBe(true);
    expect(lines.some((l) => /^result NotStarted - exit 4$/.test(l))).toBe(true);
    expectFramed(lines, 4);
    expect(r.code).toBe(scenario('active').exitCode);
  }, 90000);
});
