/**
 * How fast `npm run release` notices that a deployment ended, and what that costs in API calls, by
 * operation, for a short deployment, a canary and a long final wait, with CodeDeploy and with ECS's own
 * controller; each release paired with a 15-second fixed-interval poller on the same deployment.
 *
 * - Detection latency: the stand-in put the deployment into a terminal status -> the release CLI
 *   process exited (the poller: -> the read that saw it).
 * - Calls per minute: the release's calls (every operation, set-up included) / minutes from its first
 *   call to its exit; the poller's reads / minutes from the deployment's creation to its detection.
 * - Paired ratio: release / poller, run by run, on the same deployment.
 *
 * Every run has a stand-in of its own on the real clock (1 minute = 60 s; steps take 1-2 s), so the
 * CLI's default polling meets the timings it meets in AWS; runs go concurrently, started
 * BENCH_RELEASE_STAGGER_IN_MS apart (default 1500). BENCH_RELEASE_RUNS runs per shape (default 5);
 * BENCH_RELEASE_CONTROLLERS=CODE_DEPLOY or ECS measures one controller only. About 3 minutes.
 */
import type { EcsDeploymentConfig } from '../test-support/codedeploy';
import { loadMeter, stats, table } from './_stats';
import { FIXED_POLL_INTERVAL_IN_MS, measureRun, type RunResult, type Shape } from './_release-worlds';

export const name = 'release: end-detection latency and API calls per minute by operation, paired with a 15 s fixed poller';

/** Goals of issue 14. */
const GOALS = { callsPerMinute: 40, latencyMedianInMs: 1000, latencyMaxInMs: 2000 } as const;

const CANARY: EcsDeploymentConfig = { deploymentConfigName: 'Bench.ECSCanary10Percent1Minute', trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 1 } } };

const SHAPES: readonly Shape[] = [
  { controller: 'CODE_DEPLOY', label: 'CodeDeploy short (all at once, no waits)', group: {} },
  { controller: 'CODE_DEPLOY', label: 'CodeDeploy canary 10% for 1 min', group: { deploymentConfigName: CANARY.deploymentConfigName }, configs: [CANARY] },
  { controller: 'CODE_DEPLOY', label: 'CodeDeploy 2 min termination wait', group: { terminationWaitTimeInMinutes: 2 } },
  { controller: 'ECS', label: 'ECS short (BLUE_GREEN, no bake time)', configuration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 } },
  { controller: 'ECS', label: 'ECS canary 10% for 1 min', configuration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 }, bakeTimeInMinutes: 0 } },
  { controller: 'ECS', label: 'ECS 2 min bake time', configuration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 } },
];

function intFromEnv(key: string, fallback: number): number {
  const v = Number(process.env[key]);
  return process.env[key] !== undefined && Number.isInteger(v) && v >= 0 ? v : fallback;
}

const sec = (ms: number): string => (ms / 1000).toFixed(2);
const mmm = (xs: readonly number[], f: (x: number) => string): string => {
  const s = stats(xs);
  return `${f(s.min)} / ${f(s.median)} / ${f(s.max)}`;
};
const perMinute = (r: RunResult): number => Object.values(r.calls).reduce((a, b) => a + b, 0) / r.minutes;
const pollerPerMinute = (r: RunResult): number => r.poller.calls / r.poller.minutes;

/** Every run of every shape, concurrently, each started `staggerInMs` after the one before. */
async function measureAll(shapes: readonly Shape[], runs: number, staggerInMs: number): Promise<Map<Shape, RunResult[]>> {
  const results = new Map<Shape, RunResult[]>(shapes.map((s) => [s, []]));
  const jobs: Promise<void>[] = [];
  let i = 0;
  for (let run = 0; run < runs; run++) {
    for (const shape of shapes) {
      const delay = i++ * staggerInMs;
      jobs.push(new Promise<void>((r) => setTimeout(r, delay)).then(async () => void results.get(shape)!.push(await measureRun(shape))));
    }
  }
  await Promise.all(jobs);
  return results;
}

/** The table of one shape's runs: latency and calls/min of the release, the poller's, the paired ratios. */
function shapeRows(shape: Shape, runs: readonly RunResult[]): string[] {
  const row = table([44, 5, 24, 24]);
  const ratioLatency = runs.map((r) => r.latencyInMs / Math.max(1, r.poller.latencyInMs));
  const ratioCalls = runs.map((r) => perMinute(r) / pollerPerMinute(r));
  const ops = [...new Set(runs.flatMap((r) => Object.keys(r.calls)))].sort();
  const byOp = ops.map((op) => `${op} ${stats(runs.map((r) => (r.calls[op] ?? 0) / r.minutes)).median.toFixed(1)}`);
  return [
    row([shape.label, String(runs.length), `${mmm(runs.map((r) => r.latencyInMs), sec)} s`, mmm(runs.map(perMinute), (x) => x.toFixed(1))]),
    row(['  15 s fixed poller, same deployments', '', `${mmm(runs.map((r) => r.poller.latencyInMs), sec)} s`, mmm(runs.map(pollerPerMinute), (x) => x.toFixed(1))]),
    row(['  paired ratio release / poller', '', mmm(ratioLatency, (x) => `${x.toFixed(2)}x`), mmm(ratioCalls, (x) => `${x.toFixed(1)}x`)]),
    `  calls/min by operation (median): ${byOp.join(', ')}`,
  ];
}

/** The goals, over every deployment of one controller (or all). */
function goalLine(label: string, runs: readonly RunResult[]): string {
  const meanRate = runs.map(perMinute).reduce((a, b) => a + b, 0) / runs.length;
  const lat = stats(runs.map((r) => r.latencyInMs));
  const ok = (b: boolean): string => (b ? 'met' : 'NOT met');
  return (
    `${label}: ${meanRate.toFixed(1)} calls/min per release on average over ${runs.length} deployments (goal <= ${GOALS.callsPerMinute}: ${ok(meanRate <= GOALS.callsPerMinute)}); ` +
    `end detection median ${sec(lat.median)} s (<= 1 s: ${ok(lat.median <= GOALS.latencyMedianInMs)}), max ${sec(lat.max)} s (<= 2 s: ${ok(lat.max <= GOALS.latencyMaxInMs)})`
  );
}

export async function run(): Promise<void> {
  const runs = Math.max(1, intFromEnv('BENCH_RELEASE_RUNS', 5));
  const only = process.env.BENCH_RELEASE_CONTROLLERS;
  const shapes = SHAPES.filter((s) => !only || only.split(',').includes(s.controller));
  const load = loadMeter();
  const results = await measureAll(shapes, runs, intFromEnv('BENCH_RELEASE_STAGGER_IN_MS', 1500));
  load.sample();
  const row = table([44, 5, 24, 24]);
  console.log(row(['deployment', 'runs', 'latency s min/med/max', 'calls/min min/med/max']));
  for (const shape of shapes) console.log(shapeRows(shape, results.get(shape)!).join('\n'));
  console.log('');
  for (const controller of ['CODE_DEPLOY', 'ECS'] as const) {
    const of = shapes.filter((s) => s.controller === controller).flatMap((s) => results.get(s)!);
    if (of.length > 0) console.log(goalLine(controller, of));
  }
  console.log(
    [
      '',
      'Latency: terminal status in the stand-in -> release CLI process exited (poller: -> the read that saw it).',
      'Calls/min: the release\'s calls (set-up included) / minutes from its first call to its exit; the poller\'s',
      `reads / minutes from the deployment's creation to its detection. The poller reads the status every`,
      `${FIXED_POLL_INTERVAL_IN_MS / 1000} s from a random phase, on the same deployment as the release it is paired with.`,
      `Real clock; every step of a stand-in takes 1-2 s. ${load.describe()}.`,
    ].join('\n'),
  );
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
