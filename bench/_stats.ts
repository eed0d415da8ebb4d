/**
 * Shared by the synth and test-suite benchmarks (not a benchmark itself: bench.ts skips `_` files):
 * min/median/max, least squares, and one timed child process with its peak memory.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

/** min, median and max of a non-empty list. */
export function stats(values: readonly number[]): { readonly min: number; readonly median: number; readonly max: number } {
  if (values.length === 0) throw new Error('stats of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { min: s[0]!, median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, max: s[s.length - 1]! };
}

/** Ordinary least squares of y on x: slope, intercept and the coefficient of determination r². */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { readonly slope: number; readonly intercept: number; readonly r2: number } {
  if (xs.length !== ys.length || xs.length < 2) throw new Error('least squares needs two or more (x, y) pairs');
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** Milliseconds as "640 ms" or "1.23 s". */
export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** One measured run. */
export interface Sample {
  readonly wallInMs: number;
  /** Peak resident set size of the largest process of the tree; undefined without /usr/bin/time. */
  readonly rssInMiB: number | undefined;
  /**
   * User + system CPU time of the whole tree (10 ms resolution); undefined without /usr/bin/time. On a
   * loaded machine it moves far less than wall time, so it is the figure to compare across loads.
   */
  readonly cpuInMs: number | undefined;
  readonly stdout: string;
}

const TIME = '/usr/bin/time';
let timeWorks: boolean | undefined;

/** Whether /usr/bin/time (GNU time, for peak memory) runs here. */
export function canMeasureMemory(): boolean {
  timeWorks ??= spawnSync(TIME, ['-f', '%M', 'true']).status === 0;
  return timeWorks;
}

/**
 * Runs a command to its end and times it; peak memory is wait4's ru_maxrss as GNU time reports it
 * (the largest process of the tree: the synth itself, not npm). Throws with its output when it fails.
 */
export function measure(argv: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutInMs?: number }): Sample {
  const useTime = canMeasureMemory();
  const [file, args] = useTime ? [TIME, ['-f', 'BENCH-RSS-KIB %M CPU %U %S', ...argv]] : [argv[0]!, argv.slice(1)];
  const started = process.hrtime.bigint();
  const r = spawnSync(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', timeout: options.timeoutInMs ?? 300000 });
  const wallInMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  const m = useTime ? /BENCH-RSS-KIB (\d+) CPU ([\d.]+) ([\d.]+)/.exec(r.stderr) : null;
  return { wallInMs, rssInMiB: m ? Number(m[1]) / 1024 : undefined, cpuInMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : undefined, stdout: r.stdout };
}

/** Records the 1-minute load average around a benchmark, for its closing line. */
export function loadMeter(): { sample(): void; describe(): string } {
  const seen = [loadavg()[0]!];
  return {
    sample: () => void seen.push(loadavg()[0]!),
    describe: () => `1-minute load average ${Math.min(...seen).toFixed(1)}–${Math.max(...seen).toFixed(1)} on ${cpus().length} CPUs`,
  };
}

/** A fixed-width table printer: first column left-aligned, the rest right-aligned. */
export function table(widths: readonly number[]): (cells: readonly string[]) => string {
  return (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}
