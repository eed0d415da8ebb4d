/**
 * `npm test` figures (issue 14's goal: ≤ 75 s on 2 cores, no flaky test): the whole suite, the way
 * the README runs it, BENCH_TEST_RUNS times (default and minimum 5), min / median / max wall time and
 * every run's passed / failed / skipped counts, so a flaky test shows as a run that failed.
 *
 * Opt-in (it takes minutes): `npm run bench -- test-suite`. Options:
 * - BENCH_TEST_REFERENCE=1 also runs the reference, jest with one worker (its default on 2 cores
 *   before jest.config.js sized the workers), run for run, with the paired ratio;
 * - BENCH_TEST_BUSY_LOOPS=<n> keeps n busy loops (`while (true) {}` in child processes) running
 *   during every run, to measure and look for flakes under load; they are killed when it ends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, loadMeter, stats, table } from './_stats';

export const name = 'npm test: the whole suite';

/** Not part of a plain `npm run bench`: only when named (`npm run bench -- test-suite`). */
export const optIn = true;

const ROOT = join(__dirname, '..');
const GOAL_IN_MS = 75000;

interface SuiteRun {
  readonly wallInMs: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly string[];
}

/** One run of the suite; `extraArgs` go to jest (after `npm test --`). */
function runSuite(extraArgs: readonly string[]): SuiteRun {
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-suite-'));
  try {
    const results = join(dir, 'results.json');
    const started = process.hrtime.bigint();
    spawnSync('npm', ['test', '--silent', '--', '--json', `--outputFile=${results}`, ...extraArgs], { cwd: ROOT, encoding: 'utf8', timeout: 1800000 });
    const wallInMs = Number(process.hrtime.bigint() - started) / 1e6;
    const r = JSON.parse(readFileSync(results, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numRuntimeErrorTestSuites: number;
      numPendingTests: number;
      testResults: Array<{ name: string; assertionResults: Array<{ status: string; fullName: string }> }>;
    };
    const failures = r.testResults.flatMap((t) => t.assertionResults.filter((a) => a.status === 'failed').map((a) => `${t.name.slice(ROOT.length + 1)}: ${a.fullName}`));
    return { wallInMs, passed: r.numPassedTests, failed: r.numFailedTests + r.numRuntimeErrorTestSuites, skipped: r.numPendingTests, failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `count` busy loops; returns a function that stops them. */
function busyLoops(count: number): () => void {
  const loops: ChildProcess[] = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => loops.forEach((l) => l.kill('SIGKILL'));
}

export async function run(): Promise<void> {
  const runs = Math.max(5, Number(process.env.BENCH_TEST_RUNS) || 5);
  const withReference = process.env.BENCH_TEST_REFERENCE === '1';
  const busy = Math.max(0, Number(process.env.BENCH_TEST_BUSY_LOOPS) || 0);
  const load = loadMeter();
  const stop = busyLoops(busy);
  const suite: SuiteRun[] = [];
  const reference: SuiteRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      suite.push(runSuite([]));
      if (withReference) reference.push(runSuite(['--maxWorkers=1']));
      load.sample();
    }
  } finally {
    stop();
  }
  const line = table([34, 9, 9, 9, 22, 16]);
  console.log(line(['command', 'min', 'median', 'max', 'passed/failed/skipped', 'paired ratio']));
  const row = (label: string, list: readonly SuiteRun[], ratio: string) => {
    const s = stats(list.map((r) => r.wallInMs));
    const counts = [...new Set(list.map((r) => `${r.passed}/${r.failed}/${r.skipped}`))].join(', ');
    console.log(line([label, fmtMs(s.min), fmtMs(s.median), fmtMs(s.max), counts, ratio]));
  };
  row('npm test', suite, '');
  if (withReference) row('reference: jest --maxWorkers=1', reference, `${stats(suite.map((r, k) => r.wallInMs / reference[k]!.wallInMs)).median.toFixed(2)}× (suite/ref)`);
  for (const [i, r] of suite.entries()) for (const f of r.failures) console.log(`run ${i + 1} failed: ${f}`);
  const median = stats(suite.map((r) => r.wallInMs)).median;
  const flaky = suite.some((r) => r.failed > 0);
  console.log(`${runs} runs${busy ? ` with ${busy} busy loops running` : ''}; ${load.describe()}`);
  console.log(`goal: npm test median ≤ ${fmtMs(GOAL_IN_MS)}, no failure in any run: ${median <= GOAL_IN_MS && !flaky ? 'met' : 'NOT met'} (median ${fmtMs(median)}${flaky ? ', failures above' : ''})`);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
