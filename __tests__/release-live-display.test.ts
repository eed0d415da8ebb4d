/**
 * The live display as a person sees it: the real release CLI in a 40-column pseudo-terminal against
 * the CodeDeploy stand-in, every byte rendered by a terminal emulator. Whatever happens (a redraw
 * every second, a process warning in the middle, Ctrl-C) the screen must hold the permanent lines
 * and ONE status block, nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeDeployStandIn, startCodeDeployStandIn } from '../test-support/codedeploy';
import { isolatedAwsEnv, removeIsolatedAwsHomes, REPO_ROOT } from '../test-support/codedeploy/release-process';
import { npmScriptCommand } from '../test-support/npm-script';
import { describeWithPty, PtyRun, runInPty, ScreenLine } from '../test-support/pty';

jest.setTimeout(60_000);

const COLUMNS = 40;
const STATUSES = 'Created|Queued|InProgress|Ready|Succeeded|Failed|Stopped';
/** The first line of the status block: `[rollback ]d-… <status> …`. */
const STATUS_LINE = new RegExp(`^(rollback )?d-[A-Z0-9]+ (${STATUSES})\\b`);
/** A permanent line: `HH:MM:SS <keyword> …`. */
const PERMANENT_LINE = /^\d\d:\d\d:\d\d [a-z-]+( |$)/;
const BLOCK_DETAIL = /^ {2}(events \d+\/\d+|traffic blue |(canary interval|linear step|ready wait) \d\d:\d\d left)/;

let standIn: CodeDeployStandIn;
/** A slower stand-in (1 minute = 1 s), so a canary interval lasts long enough to count down. */
let slowStandIn: CodeDeployStandIn;
let dir: string;
/** A process warning of several lines in the middle of the display (see the file). */
const WARNING_PRELOAD = join(REPO_ROOT, 'test-support', 'multi-line-warning.cjs');
const runs: PtyRun[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'live-display-'));
  standIn = await startCodeDeployStandIn({
    msPerMinute: 100,
    eventDurationInMs: 150,
    groups: [
      // Linear 10% a minute (1 s of shifting) and a 30-minute termination wait (3 s): ~6 s, several redraws.
      { applicationName: 'app', deploymentGroupName: 'live', deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes', terminationWaitTimeInMinutes: 30 },
      { applicationName: 'app', deploymentGroupName: 'ctrl-c', deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes', terminationWaitTimeInMinutes: 30 },
    ],
  });
  // Canary 10% for 5 minutes: 5 s of countdown.
  slowStandIn = await startCodeDeployStandIn({
    msPerMinute: 1000,
    eventDurationInMs: 150,
    groups: [{ applicationName: 'app', deploymentGroupName: 'canary', deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' }],
  });
});

afterAll(async () => {
  for (const r of runs.splice(0)) r.kill();
  await standIn?.settle(30_000);
  await standIn?.close();
  await slowStandIn?.settle(30_000);
  await slowStandIn?.close();
  removeIsolatedAwsHomes();
  rmSync(dir, { recursive: true, force: true });
});

function startInPty(group: string, endpoint = standIn.endpoint, extra: readonly string[] = []): PtyRun {
  const args = [
    '--require', WARNING_PRELOAD,
    // Then exactly what `npm run release` runs.
    ...npmScriptCommand('release').args,
    '--application', 'app', '--deployment-group', group, '--region', 'us-east-1',
    '--task-definition-arn', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
    '--container-name', 'web', '--container-port', '8080',
    '--endpoint-url', endpoint,
    '--poll-min-interval-in-ms', '200', '--poll-max-interval-in-ms', '300',
    ...extra,
  ];
  // A terminal's environment: no CI, no NO_COLOR, and no switch that hides the SDK's own Node warning.
  const env = { PATH: process.env.PATH ?? '', HOME: dir, TERM: 'xterm-256color', ...isolatedAwsEnv() };
  const run = runInPty(process.execPath, args, { cols: COLUMNS, rows: 30, cwd: REPO_ROOT, env });
  runs.push(run);
  return run;
}

/**
 * A test that runs concurrently with the others: they share nothing but the stand-ins, each releasing
 * to a group of its own. It kills what it started (jest runs no afterEach for concurrent tests).
 */
function ptyTest(title: string, body: (start: typeof startInPty) => Promise<void>): void {
  test.concurrent(title, async () => {
    const mine: PtyRun[] = [];
    try {
      await body((...args) => {
        const run = startInPty(...args);
        mine.push(run);
        return run;
      });
    } finally {
      for (const r of mine) r.kill();
    }
  });
}

/** Every line on screen is a permanent line or part of the one status block; returns the block's first line. */
function expectOnlyPermanentLinesAndOneBlock(screen: readonly ScreenLine[], output: string): string {
  const context = `screen:\n${screen.map((l) => `|${l.text}`).join('\n')}\n\nraw output: ${JSON.stringify(output.slice(-3000))}`;
  const strays = screen.filter((l) => l.text.trim() !== '' && !PERMANENT_LINE.test(l.text) && !STATUS_LINE.test(l.text) && !BLOCK_DETAIL.test(l.text));
  if (strays.length > 0) throw new Error(`stray lines ${JSON.stringify(strays.map((l) => l.text))}\n${context}`);
  const blocks = screen.filter((l) => STATUS_LINE.test(l.text));
  if (blocks.length !== 1) throw new Error(`${blocks.length} copies of the status line\n${context}`);
  // The block is laid out for the width: none of its lines needs a second row.
  const block = screen.slice(screen.indexOf(blocks[0]!)).filter((l) => STATUS_LINE.test(l.text) || BLOCK_DETAIL.test(l.text));
  for (const l of block) if (l.rows !== 1) throw new Error(`status block line wraps: ${JSON.stringify(l.text)}\n${context}`);
  return blocks[0]!.text;
}

describeWithPty(`live display in a ${COLUMNS}-column terminal`, () => {
  ptyTest('a whole release: one status block redrawn in place, a process warning as one line, the result last', async (startInPty) => {
    const run = startInPty('live');
    const { exitCode } = await run.exited;
    const screen = await run.screen();
    expect(exitCode).toBe(0);
    const status = expectOnlyPermanentLinesAndOneBlock(screen, run.output());
    expect(status).toMatch(/ Succeeded /);
    // The warning keeps its information on one permanent line.
    expect(screen.filter((l) => /TestWarning/.test(l.text)).map((l) => l.text)).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d warning TestWarning: first line of a test warning second line third line$/)]);
    expect(screen[screen.length - 1]!.text).toMatch(/^\d\d:\d\d:\d\d result Succeeded d-[A-Z0-9]+ exit 0$/);
  });

  ptyTest('Ctrl-C mid-shift: the stop and its rollback are shown with no fragment of the old block left behind', async (startInPty) => {
    const run = startInPty('ctrl-c');
    await run.waitForOutput(/traffic blue [1-9]\d?% green [1-9]\d?%/);
    run.type('\x03');
    const { exitCode } = await run.exited;
    const screen = await run.screen();
    expect(exitCode).toBe(130);
    expectOnlyPermanentLinesAndOneBlock(screen, run.output());
    const texts = screen.map((l) => l.text);
    expect(texts.some((t) => / interrupted SIGINT received/.test(t))).toBe(true);
    expect(texts[texts.length - 1]).toMatch(/ result Stopped d-[A-Z0-9]+ exit 130$/);
  });

  ptyTest('a canary interval counts down in the status block, and each traffic step stays in the scrollback', async (startInPty) => {
    // The stand-in's minutes last a second: the release times the waits with them.
    const run = startInPty('canary', slowStandIn.endpoint, ['--minute-in-ms', '1000']);
    const { exitCode } = await run.exited;
    // The redrawn block counted the 5-second interval down, second by second.
    const readings = [...run.output().matchAll(/canary interval 00:0(\d) left/g)].map((m) => Number(m[1]));
    expect(new Set(readings).size).toBeGreaterThanOrEqual(3);
    expect(readings).toEqual([...readings].sort((a, b) => b - a));
    const screen = await run.screen();
    expect(exitCode).toBe(0);
    expectOnlyPermanentLinesAndOneBlock(screen, run.output());
    // The split at the start and both steps are permanent lines, in order, in the plain line's words; no
    // countdown is left behind.
    const traffic = screen.map((l) => l.text).filter((t) => /^\d\d:\d\d:\d\d traffic /.test(t));
    expect(traffic.map((t) => t.slice(9))).toEqual(['traffic blue 100% green 0%', 'traffic blue 90% green 10%', 'traffic blue 0% green 100%']);
    expect(screen.some((l) => /canary interval/.test(l.text))).toBe(false);
  });
});
