/**
 * `npm run demo` through its real entry point (scripts/demo.ts, as npm runs it): the success, hook
 * failure (on a machine without terraform) and active-deployment scenarios. Each runs the offline apply
 * or the synth, the local stand-ins, the stack's real hook bundle and the real release CLI; the demo
 * exits with the release's code and says first and last that nothing touched AWS. (Alarm, Ctrl-C and
 * bad input: demo-interrupt.test.ts, so the two files run side by side.)
 *
 * Each demo has a CDKTF_OUTDIR of its own and they run concurrently: most of a demo's time is waiting
 * (on terraform, the release's polls, the hook's check budget).
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIRST_LINE, LAST_LINE_START, scenario } from '../demo/scenarios';
import { concurrentTestWithTool } from '../test-support/require-tool';
import { declaredStacks } from '../scripts/offline-stacks';
import { runDemo, withoutTimestamps } from './demo-process';

const STACK = declaredStacks()[0]!.stack;
let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'demo-release-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A CDKTF_OUTDIR of the test's own. */
function outdirFor(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  return dir;
}

function expectFramed(lines: readonly string[], code: number): void {
  expect(lines[0]).toBe(FIRST_LINE);
  const last = lines.filter((l) => l.trim() !== '').pop()!;
  expect(last.startsWith(LAST_LINE_START)).toBe(true);
  expect(last).toContain(`The release exited ${code} (`);
}

// One describe block: jest runs only a block's own concurrent tests together.
describe('npm run demo', () => {
  concurrentTestWithTool('with terraform, success: the stack applied offline, a canary shift to 10% then 100%, exit 0', 'terraform', async () => {
    const outdir = outdirFor('success');
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

  // One run proves two things: the demo on a machine without terraform (it says so, and derives the
  // outputs with placeholders), and the hook-fails scenario, whose release runs on those outputs.
  test.concurrent("without terraform on PATH, hook-fails: outputs derived from the synthesized stack with placeholders, said so; green answers 503, the real hook reports Failed, the release quotes the hook's verdict and follows the rollback, exit 1", async () => {
    const outdir = outdirFor('hook-fails');
    // A PATH with only node and sh: what `npm ci` alone gives a machine without Terraform.
    const bin = path.join(outdir, 'bin-without-terraform');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync('/bin/sh', path.join(bin, 'sh'));
    const r = await runDemo(['--scenario', 'hook-fails', '--minute-in-ms', '300'], outdir, { PATH: bin });
    const lines = withoutTimestamps(r.stderr);
    expect(lines).toContain('1. terraform is not on PATH: no offline apply; the outputs are derived from the synthesized');
    const outputs = JSON.parse(readFileSync(path.join(outdir, 'demo', `${STACK}-outputs.json`), 'utf8')) as Record<string, { value: unknown }>;
    expect(String(outputs.offline_notice!.value)).toMatch(/placeholder/);
    expect(lines.some((l) => /^lifecycle \w+ Failed$/.test(l))).toBe(true);
    expect(lines.some((l) => /^diagnosis hook Failed: GET \/\S*: .*status 503/.test(l))).toBe(true);
    expect(lines.some((l) => /^diagnosis targets \S+-green: 2 of 2 unhealthy Target\.ResponseCodeMismatch/.test(l))).toBe(true);
    expect(lines).toContain('rollback status Succeeded');
    expect(lines.some((l) => /^result Failed d-\w+ exit 1$/.test(l))).toBe(true);
    expectFramed(lines, 1);
    expect(r.code).toBe(scenario('hook-fails').exitCode);
  }, 90000);

  test.concurrent('active: another deployment is running in the group, the release refuses to start, exit 4', async () => {
    const r = await runDemo(['--scenario', 'active', '--without-terraform', '--minute-in-ms', '300'], outdirFor('active'));
    const lines = withoutTimestamps(r.stderr);
    expect(lines.some((l) => /^error another deployment, d-\w+ \(InProgress, .*\), is active in deployment group /.test(l))).toBe(true);
    expect(lines.some((l) => /^result NotStarted - exit 4$/.test(l))).toBe(true);
    expectFramed(lines, 4);
    expect(r.code).toBe(scenario('active').exitCode);
  }, 90000);
});
