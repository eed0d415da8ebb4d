/**
 * Start-up of the programs (issue 14: the test suite starts them hundreds of times, users wait for
 * `npm run release` on every deployment): `--help` of each program as its npm script runs it
 * (`node scripts/run.js <program>`: the precompiled bundle, build/synth-entry.js) next to what the
 * script ran before (`node --import tsx scripts/<program>.ts`), run for run in the same round so each
 * pair sees the same load, min / median / max over BENCH_PROGRAM_RUNS runs (default and minimum 5),
 * CPU time (user + system) and peak memory, and the paired ratio precompiled / tsx. Then the first
 * run after an edit (the release's bundle rebuilt into an empty cache) and the launcher's freshness
 * check in-process. One unmeasured round first warms the caches (bundles, V8 code cache).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, loadMeter, measure, stats, table, type Sample } from './_stats';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthEntry = require('../build/synth-entry.js') as typeof import('../build/synth-entry.js');

export const name = 'programs: start-up of the precompiled programs (scripts/run.js) against node --import tsx';

const ROOT = join(__dirname, '..');
const PROGRAMS = ['release', 'demo', 'hook-check', 'plan-report', 'validate'];
const runs = (): number => Math.max(5, Number(process.env.BENCH_PROGRAM_RUNS) || 5);

const precompiled = (program: string, env: NodeJS.ProcessEnv = {}): Sample => measure([process.execPath, join(ROOT, 'scripts', 'run.js'), program, '--help'], { cwd: ROOT, env });
const underTsx = (program: string): Sample => measure([process.execPath, '--import', 'tsx', join(ROOT, 'scripts', `${program}.ts`), '--help'], { cwd: ROOT });

const cpuOf = (samples: readonly Sample[]): string => {
  const cpu = samples.map((s) => s.cpuInMs).filter((x): x is number => x !== undefined);
  return cpu.length ? fmtMs(stats(cpu).median) : 'n/a';
};
const rssOf = (samples: readonly Sample[]): string => {
  const rss = samples.map((s) => s.rssInMiB).filter((x): x is number => x !== undefined);
  return rss.length ? `${stats(rss).max.toFixed(0)} MiB` : 'n/a';
};

/** One row per program and way of running it; returns the release's samples (precompiled, tsx). */
function startUpRows(load: ReturnType<typeof loadMeter>): { fast: Sample[]; slow: Sample[] } {
  const samples = PROGRAMS.map(() => ({ fast: [] as Sample[], slow: [] as Sample[] }));
  for (let round = 0; round <= runs(); round++) {
    PROGRAMS.forEach((p, i) => {
      const fast = precompiled(p);
      const slow = underTsx(p);
      if (round > 0) samples[i]!.fast.push(fast), samples[i]!.slow.push(slow);
    });
    load.sample();
  }
  const line = table([48, 9, 9, 9, 10, 10, 13]);
  console.log(line(['<program> --help', 'min', 'median', 'max', 'CPU (med)', 'peak RSS', 'paired ratio']));
  PROGRAMS.forEach((p, i) => {
    const { fast, slow } = samples[i]!;
    const ratio = stats(fast.map((s, k) => s.wallInMs / slow[k]!.wallInMs)).median;
    const cpuRatio = fast.every((s, k) => s.cpuInMs !== undefined && slow[k]!.cpuInMs) ? stats(fast.map((s, k) => s.cpuInMs! / slow[k]!.cpuInMs!)).median : Number.NaN;
    for (const [label, list, r] of [[`${p}: node scripts/run.js (precompiled)`, fast, `${ratio.toFixed(2)}× wall`], [`${p}: node --import tsx (before)`, slow, Number.isNaN(cpuRatio) ? '' : `${cpuRatio.toFixed(2)}× CPU`]] as const) {
      const w = stats(list.map((s) => s.wallInMs));
      console.log(line([label, fmtMs(w.min), fmtMs(w.median), fmtMs(w.max), cpuOf(list), rssOf(list), r]));
    }
  });
  return samples[0]!;
}

/** The release's first run after an edit: its bundle rebuilt into an empty cache, then run. */
function firstAfterEdit(): Sample[] {
  return Array.from({ length: runs() }, () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bench-programs-'));
    try {
      return precompiled('release', { BLUEGREEN_SYNTH_CACHE_DIR: cacheDir });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
}

export async function run(): Promise<void> {
  const load = loadMeter();
  const release = startUpRows(load);
  const rebuilt = firstAfterEdit();
  load.sample();
  const manifest = synthEntry.readManifest(synthEntry.manifestPath(synthEntry.DEFAULT_CACHE_DIR, ROOT, 'scripts/release.ts'));
  const checks = Array.from({ length: 20 }, () => {
    const t = process.hrtime.bigint();
    synthEntry.staleReason(manifest, ROOT, synthEntry.DEFAULT_CACHE_DIR);
    return Number(process.hrtime.bigint() - t) / 1e6;
  });
  const line = table([48, 9, 9, 9, 10, 10]);
  console.log('');
  console.log(line(['release', 'min', 'median', 'max', 'CPU (med)', 'peak RSS']));
  const r = stats(rebuilt.map((s) => s.wallInMs));
  console.log(line(['first run after an edit (bundle rebuilt)', fmtMs(r.min), fmtMs(r.median), fmtMs(r.max), cpuOf(rebuilt), rssOf(rebuilt)]));
  const c = stats(checks);
  console.log(line(["launcher's freshness check (in-process, 20×)", `${c.min.toFixed(1)} ms`, `${c.median.toFixed(1)} ms`, `${c.max.toFixed(1)} ms`, '', '']));
  const saved = release.slow.map((s, k) => (s.cpuInMs ?? Number.NaN) - (release.fast[k]!.cpuInMs ?? Number.NaN));
  console.log(`\n${runs()} runs each after one unmeasured round; ${load.describe()}`);
  console.log("(a rebuild's CPU is the launcher's alone: esbuild's service process is not waited for, so not counted)");
  if (!saved.some(Number.isNaN)) console.log(`CPU saved per release start: ${fmtMs(stats(saved).median)} (median of the paired differences)`);
  console.log('(wall times are inflated on a loaded machine; compare the CPU figures)');
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
