/**
 * Synth figures (issue 14's synth rows), each min / median / max over BENCH_SYNTH_RUNS runs (default
 * and minimum 5), with the 1-minute load average they were measured under:
 *
 * 1. `npm run synth` (the precompiled entry, both examples) next to its references, run for run in
 *    the same round so each pair sees the same load: `cdktf synth` (the CLI, which runs the same app)
 *    and `node --import tsx main.ts` (what `npm run synth` ran before), with the paired ratios; plus
 *    the first synth after an edit (the entry rebuilt). Peak memory is the largest process of the tree
 *    (the synth, not npm), from GNU time. Goal: median ≤ 0.45 s and ≤ 100 MiB.
 * 2. Where a synth's time goes, measured inside the precompiled entry (bench/_synth-phases-entry.ts):
 *    Node start-up with the bundle compiled, module initialisation, constructs, `app.synth()`; and
 *    the freshness check the launcher makes before it.
 * 3. Cost per added service: one environment of 1…BENCH_SCALE_MAX (default 10) services on one shared
 *    platform (bench/_synth-scale-entry.ts, stacks/many-services.ts), time and peak memory per count;
 *    the least-squares slope (cost per added service), its intercept and r² (1 = perfectly linear).
 *    Goal: ≤ 25 ms per added service.
 *
 * Every run writes to a temporary directory (CDKTF_OUTDIR / --output), never to cdktf.out. One
 * unmeasured round first warms the caches (synth entry, V8 code cache, hook bundle).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, leastSquares, loadMeter, measure, stats, table, type Sample } from './_stats';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const synthEntry = require('../build/synth-entry.js') as typeof import('../build/synth-entry.js');

export const name = 'synth: npm run synth against cdktf synth, where the time goes, cost per added service';

const ROOT = join(__dirname, '..');
const GOAL_WALL_IN_MS = 450;
const GOAL_RSS_IN_MIB = 100;
const GOAL_PER_SERVICE_IN_MS = 25;
const STACKS = ['bluegreen-dev', 'bluegreen-prod'];

const runs = (): number => Math.max(5, Number(process.env.BENCH_SYNTH_RUNS) || 5);

/** A scratch directory for one run's output. */
function withOutdir<T>(body: (outdir: string) => T): T {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  try {
    return body(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

interface Variant {
  readonly label: string;
  readonly run: (outdir: string) => Sample;
}

const env = (outdir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1', ENVIRONMENTS: '', ...extra });

function variants(): Variant[] {
  return [
    { label: 'npm run synth (precompiled entry)', run: (o) => measure(['npm', 'run', '--silent', 'synth'], { cwd: ROOT, env: env(o) }) },
    { label: 'reference: cdktf synth (CLI)', run: (o) => measure([join(ROOT, 'node_modules', '.bin', 'cdktf'), 'synth', '--output', o], { cwd: ROOT, env: env(o) }) },
    { label: 'reference: node --import tsx main.ts', run: (o) => measure([process.execPath, '--import', 'tsx', 'main.ts'], { cwd: ROOT, env: env(o) }) },
    {
      label: 'npm run synth, first after an edit',
      // An empty cache is what an edited source costs: the entry is rebuilt, then run.
      run: (o) => measure(['npm', 'run', '--silent', 'synth'], { cwd: ROOT, env: env(o, { BLUEGREEN_SYNTH_CACHE_DIR: join(o, 'cache') }) }),
    },
  ];
}

function synthRows(load: ReturnType<typeof loadMeter>): { wall: number[]; rss: number[]; cpu: number[] } {
  const list = variants();
  const samples = list.map(() => [] as Sample[]);
  for (let round = 0; round <= runs(); round++) {
    list.forEach((v, i) =>
      withOutdir((o) => {
        const s = v.run(o);
        if (round > 0) samples[i]!.push(s);
      }),
    );
    load.sample();
  }
  const line = table([40, 9, 9, 9, 10, 10, 16]);
  console.log(line(['command (both examples)', 'min', 'median', 'max', 'CPU (med)', 'peak RSS', 'paired ratio']));
  list.forEach((v, i) => {
    const walls = samples[i]!.map((s) => s.wallInMs);
    const rss = samples[i]!.map((s) => s.rssInMiB).filter((x): x is number => x !== undefined);
    const cpu = samples[i]!.map((s) => s.cpuInMs).filter((x): x is number => x !== undefined);
    const w = stats(walls);
    const ratio = i === 1 || i === 2 ? `${stats(samples[0]!.map((s, k) => s.wallInMs / samples[i]![k]!.wallInMs)).median.toFixed(2)}× (synth/ref)` : '';
    console.log(line([v.label, fmtMs(w.min), fmtMs(w.median), fmtMs(w.max), cpu.length ? fmtMs(stats(cpu).median) : 'n/a', rss.length ? `${stats(rss).max.toFixed(0)} MiB` : 'n/a', ratio]));
  });
  return { wall: samples[0]!.map((s) => s.wallInMs), rss: samples[0]!.map((s) => s.rssInMiB ?? Number.NaN), cpu: samples[0]!.map((s) => s.cpuInMs ?? Number.NaN) };
}

/** Builds a bench entry like the synth entry, into `cacheDir`; returns a runner of it. */
async function benchEntry(entry: string, cacheDir: string): Promise<(extraEnv: NodeJS.ProcessEnv) => Sample> {
  const bundle = await synthEntry.buildSynthEntry({ entry, cacheDir });
  const runner = `require(${JSON.stringify(join(ROOT, 'build', 'synth-entry.js'))}).runSynthEntry(process.argv[1])`;
  return (extraEnv) => withOutdir((o) => measure([process.execPath, '-e', runner, bundle], { cwd: ROOT, env: env(o, extraEnv) }));
}

async function phases(cacheDir: string): Promise<void> {
  const run = await benchEntry('bench/_synth-phases-entry.ts', cacheDir);
  run({}); // warm-up: writes the V8 code cache
  const keys = ['startUpInMs', 'moduleLoadInMs', 'constructsInMs', 'appSynthInMs', 'afterInMs'] as const;
  const labels = ['Node start-up, bundle compiled (code cache)', 'module initialisation (cdktf, providers, ours)', 'constructs (validation, hook bundle, resources)', 'app.synth() (resolve tokens, write JSON)', 'after synth, until exit'];
  const rows = Array.from({ length: runs() }, () => {
    const s = run({});
    return { ...(JSON.parse(s.stdout.trim().split('\n').pop()!) as Record<(typeof keys)[number], number>), exitInMs: 0, wallInMs: s.wallInMs };
  });
  const medianWall = stats(rows.map((r) => r.wallInMs)).median;
  const manifestFile = synthEntry.manifestPath(synthEntry.DEFAULT_CACHE_DIR, ROOT, 'main.ts');
  const manifest = synthEntry.readManifest(manifestFile);
  const checks = Array.from({ length: 20 }, () => {
    const t = process.hrtime.bigint();
    synthEntry.staleReason(manifest, ROOT, synthEntry.DEFAULT_CACHE_DIR);
    return Number(process.hrtime.bigint() - t) / 1e6;
  });
  const line = table([48, 9, 9, 9, 8]);
  console.log(line(['phase (precompiled entry, both examples)', 'min', 'median', 'max', 'share']));
  keys.forEach((k, i) => {
    const s = stats(rows.map((r) => r[k]));
    console.log(line([labels[i]!, fmtMs(s.min), fmtMs(s.median), fmtMs(s.max), `${((100 * s.median) / medianWall).toFixed(0)}%`]));
  });
  const c = stats(checks);
  console.log(line(["launcher's freshness check (in-process, 20×)", `${c.min.toFixed(1)} ms`, `${c.median.toFixed(1)} ms`, `${c.max.toFixed(1)} ms`, '']));
  console.log(line(['whole process (wall)', ...(['min', 'median', 'max'] as const).map((m) => fmtMs(stats(rows.map((r) => r.wallInMs))[m])), '100%']));
}

async function scale(cacheDir: string): Promise<{ wallSlope: number; cpuSlope: number; r2: number }> {
  const max = Math.max(2, Number(process.env.BENCH_SCALE_MAX) || 10);
  const run = await benchEntry('bench/_synth-scale-entry.ts', cacheDir);
  run({ BENCH_SCALE_COUNT: '1' }); // warm-up
  const counts = Array.from({ length: max }, (_, i) => i + 1);
  const samples = counts.map(() => [] as Sample[]);
  // Rounds over every count, so load changes spread over all counts rather than skewing some.
  for (let round = 0; round < runs(); round++) counts.forEach((n, i) => samples[i]!.push(run({ BENCH_SCALE_COUNT: String(n) })));
  const wall = samples.map((s) => stats(s.map((x) => x.wallInMs)).median);
  const rss = samples.map((s) => stats(s.map((x) => x.rssInMiB ?? Number.NaN)).median);
  const cpu = samples.map((s) => stats(s.map((x) => x.cpuInMs ?? Number.NaN)).median);
  const line = table([10, 9, 9, 9, 10, 10]);
  console.log(line(['services', 'min', 'median', 'max', 'CPU (med)', 'peak RSS']));
  counts.forEach((n, i) => {
    const s = stats(samples[i]!.map((x) => x.wallInMs));
    console.log(line([String(n), fmtMs(s.min), fmtMs(s.median), fmtMs(s.max), Number.isNaN(cpu[i]!) ? 'n/a' : fmtMs(cpu[i]!), Number.isNaN(rss[i]!) ? 'n/a' : `${rss[i]!.toFixed(0)} MiB`]));
  });
  const t = leastSquares(counts, wall);
  console.log(`time per added service: ${t.slope.toFixed(1)} ms (least squares over the medians; intercept ${fmtMs(t.intercept)}, r² ${t.r2.toFixed(3)})`);
  const c = cpu.some(Number.isNaN) ? undefined : leastSquares(counts, cpu);
  if (c) console.log(`CPU per added service: ${c.slope.toFixed(1)} ms (intercept ${fmtMs(c.intercept)}, r² ${c.r2.toFixed(3)}; steadier than wall time on a loaded machine)`);
  if (!rss.some(Number.isNaN)) {
    const m = leastSquares(counts, rss);
    console.log(`peak memory per added service: ${m.slope.toFixed(1)} MiB (intercept ${m.intercept.toFixed(0)} MiB, r² ${m.r2.toFixed(3)})`);
  }
  return { wallSlope: t.slope, cpuSlope: c?.slope ?? Number.NaN, r2: c?.r2 ?? t.r2 };
}

export async function run(): Promise<void> {
  const load = loadMeter();
  const { wall, rss, cpu } = synthRows(load);
  const cacheDir = mkdtempSync(join(tmpdir(), 'bench-synth-entries-'));
  let perService: { wallSlope: number; cpuSlope: number; r2: number };
  try {
    console.log('');
    await phases(cacheDir);
    load.sample();
    console.log('');
    perService = await scale(cacheDir);
    load.sample();
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const w = stats(wall).median;
  const r = stats(rss).max;
  console.log(`\n${runs()} runs each after one unmeasured round; ${load.describe()}; ${STACKS.join(' and ')}`);
  const c = stats(cpu).median;
  console.log(
    `goal: npm run synth median ≤ ${fmtMs(GOAL_WALL_IN_MS)} and ≤ ${GOAL_RSS_IN_MIB} MiB: ${w <= GOAL_WALL_IN_MS && r <= GOAL_RSS_IN_MIB ? 'met' : 'NOT met'} ` +
      `(median ${fmtMs(w)}, CPU ${Number.isNaN(c) ? 'n/a' : fmtMs(c)}, peak ${Number.isNaN(r) ? 'n/a' : `${r.toFixed(0)} MiB`})`,
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `goal: ≤ ${GOAL_PER_SERVICE_IN_MS} ms per added service, linear: wall ${verdict(perService.wallSlope <= GOAL_PER_SERVICE_IN_MS)} (${perService.wallSlope.toFixed(1)} ms), ` +
      `CPU ${verdict(perService.cpuSlope <= GOAL_PER_SERVICE_IN_MS)} (${perService.cpuSlope.toFixed(1)} ms, r² ${perService.r2.toFixed(3)})`,
  );
  console.log('(the goals are wall times on an otherwise idle 2-core machine; under load compare the CPU figures)');
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
