/**
 * Hook Lambda figures: bundle size (raw and gzipped, as it ships in the zip), bundling time, and
 * cold `require` time of the bundle in fresh Node processes (what a Lambda cold start pays for it).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { bundleHook } from '../hook-build/bundle';
import { toHookEnvironment } from '../hook-lambda/config';
import { startAwsJsonServer } from '../test-support/aws-json-server';

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

const FIRST_INVOCATION = `
  const t = process.hrtime.bigint();
  const { handler } = require(process.argv[1]);
  handler({ DeploymentId: 'd-bench', LifecycleEventHookExecutionId: 'h-bench' }, { getRemainingTimeInMillis: () => 30000 }).then(() => {
    process.stderr.write('ELAPSED ' + Number(process.hrtime.bigint() - t) / 1e6 + '\\n');
  });
`;

/**
 * Median time, in fresh processes, from `require` of the bundle to the end of the first invocation
 * (one check passing once against a local server, the report to a local CodeDeploy endpoint): the
 * hook's own share of a cold start, SDK client creation and first signed request included.
 */
async function firstInvocationInMs(file: string): Promise<number> {
  const green = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => green.listen(0, '127.0.0.1', resolve));
  const codedeploy = await startAwsJsonServer({ targetPrefix: 'CodeDeploy_20141006', handlers: { PutLifecycleEventHookExecutionStatus: () => ({}) } });
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_ENDPOINT_URL_CODEDEPLOY: codedeploy.endpoint,
      ...toHookEnvironment({ testBaseUrl: `http://127.0.0.1:${(green.address() as AddressInfo).port}`, requiredConsecutivePasses: 1 }),
    };
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { stderr } = await promisify(execFile)(process.execPath, ['-e', FIRST_INVOCATION, file], { env });
      const m = /ELAPSED ([\d.]+)/.exec(stderr);
      if (!m) throw new Error(`first invocation did not finish: ${stderr}`);
      times.push(Number(m[1]));
    }
    if (codedeploy.calls.length !== RUNS) throw new Error(`expected ${RUNS} reports, got ${codedeploy.calls.length}`);
    return median(times);
  } finally {
    await codedeploy.close();
    green.closeAllConnections();
    await new Promise<void>((resolve) => green.close(() => resolve()));
  }
}

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
      [`cold require + first invocation (1 check, 1 report; median of ${RUNS})`, `${(await firstInvocationInMs(file)).toFixed(1)} ms`],
      ['node', process.version],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
