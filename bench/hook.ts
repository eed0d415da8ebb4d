/**
 * Hook Lambda figures: bundle size (raw and gzipped, as it ships in the zip), bundling time, and
 * cold `require` time of the bundle in fresh Node processes (what a Lambda cold start pays for it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleHook } from '../hook-lambda/bundle';

export const name = 'hook lambda bundle';

const RUNS = 9;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `code` in a fresh `node` and returns the JSON it prints. */
function child(code: string, file: string): { requireInMs: number; wallInMs: number; rssInMiB: number } {
  const started = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['-e', code, file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  const wallInMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { ...(JSON.parse(out) as { requireInMs: number; rssInMiB: number }), wallInMs };
}

const MEASURE = `
  const t = process.hrtime.bigint();
  if (process.argv[1]) require(process.argv[1]);
  const requireInMs = Number(process.hrtime.bigint() - t) / 1e6;
  process.stdout.write(JSON.stringify({ requireInMs, rssInMiB: process.memoryUsage().rss / 1048576 }));
`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hook-bench-'));
  try {
    const bundleTimes: number[] = [];
    let file = '';
    let sizeInBytes = 0;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      const b = bundleHook({ outDir: dir });
      bundleTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
      file = b.file;
      sizeInBytes = b.sizeInBytes;
    }
    const gzipped = gzipSync(readFileSync(file), { level: 9 }).length;

    const baseline = Array.from({ length: RUNS }, () => child(MEASURE, ''));
    const loaded = Array.from({ length: RUNS }, () => child(MEASURE, file));
    const requireMs = median(loaded.map((r) => r.requireInMs));
    const wallDelta = median(loaded.map((r) => r.wallInMs)) - median(baseline.map((r) => r.wallInMs));
    const rssDelta = median(loaded.map((r) => r.rssInMiB)) - median(baseline.map((r) => r.rssInMiB));

    const rows: Array<[string, string]> = [
      ['bundle size (minified)', `${(sizeInBytes / 1024).toFixed(0)} KiB (${sizeInBytes} bytes)`],
      ['bundle size (gzip -9)', `${(gzipped / 1024).toFixed(0)} KiB`],
      ['bundle time (median of 5)', `${median(bundleTimes).toFixed(0)} ms`],
      [`cold require, inside the process (median of ${RUNS})`, `${requireMs.toFixed(1)} ms`],
      [`cold process wall time minus bare node (median of ${RUNS})`, `${wallDelta.toFixed(1)} ms`],
      ['extra RSS after require', `${rssDelta.toFixed(1)} MiB`],
      ['node', process.version],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
