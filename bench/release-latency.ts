/**
 * How fast `npm run release` notices that a deployment ended, and what it costs in API calls, next to a
 * 15-second fixed-interval poller (what `aws deploy wait deployment-successful` and the aws-actions ECS
 * deploy action do), both against the local CodeDeploy stand-in.
 *
 * - Detection latency: from the moment the stand-in puts the deployment into a terminal status to the
 *   moment the release CLI process has exited (the poller: to the poll that saw it).
 * - API calls per minute of deployment: every call the client made, divided by the minutes from
 *   CreateDeployment to the moment the client saw the end.
 *
 * The release CLI runs for real (child process, default polling) against a stand-in on the real clock.
 * The fixed poller is simulated against the same stand-in with time scaled down (see the printout), so
 * many runs fit in seconds; its figures are scaled back to real time.
 *
 * Environment: BENCH_RELEASE_RUNS (default 5) releases of a short deployment;
 * BENCH_RELEASE_LONG_RUNS (default 1; 0 to skip) releases of a deployment with a 1-minute termination
 * wait, where the CLI has backed off; BENCH_POLLER_RUNS (default 30; half as many for the long deployment) simulated poller runs.
 */
import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { appSpecSha256, renderAppSpecJson } from '../lib/appspec';
import { CodeDeployStandIn, DeploymentGroupSpec, startCodeDeployStandIn } from '../test-support/codedeploy';
import { runRelease } from '../test-support/codedeploy/release-process';

export const name = 'release detection latency and API calls vs a 15 s fixed-interval poller';

const APP = 'bench';
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
/** Real ms of each step without a hook (Install, test traffic, traffic) on the real-clock stand-in... */
const EVENT_IN_MS = 1000;
/** ...plus up to this much at random, so no client's poll phase locks onto the steps. */
const EVENT_JITTER_IN_MS = 1000;
const POLL_INTERVAL_IN_MS = 15_000;
/** Time compression of the simulated poller: 15 s become 500 ms. */
const SCALE = 30;

interface Sample {
  readonly latencyInMs: number;
  /** Calls the client made from its start to its detection of the end. */
  readonly calls: number;
  /** Minutes from CreateDeployment to the client's detection of the end. */
  readonly clientMinutes: number;
  /** Minutes from CreateDeployment to the terminal status. */
  readonly deploymentMinutes: number;
}

/** A deployment shape measured for both clients. */
interface Shape {
  readonly label: string;
  readonly group: Omit<DeploymentGroupSpec, 'applicationName' | 'deploymentGroupName'>;
}

const SHAPES: readonly Shape[] = [
  { label: 'short (all-at-once, no waits)', group: {} },
  { label: '+1 min termination wait', group: { terminationWaitTimeInMinutes: 1 } },
];

function intFromEnv(key: string, fallback: number): number {
  const v = Number(process.env[key]);
  return Number.isInteger(v) && v >= 0 ? v : fallback;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const max = (xs: readonly number[]): number => Math.max(...xs);
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Runs the release CLI `runs` times against `group` and measures each run. */
async function measureCli(standIn: CodeDeployStandIn, group: string, runs: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runRelease([
      '--application', APP,
      '--deployment-group', group,
      '--region', 'us-east-1',
      '--task-definition-arn', TASK_DEF,
      '--container-name', 'web',
      '--container-port', '8080',
      '--description', `bench run ${i + 1}`,
      '--endpoint-url', standIn.endpoint,
    ]);
    if (r.code !== 0) throw new Error(`release exited ${r.code}:\n${r.stderr}`);
    const d = standIn.deployments().filter((x) => x.deploymentGroupName === group).pop()!;
    const createdAt = d.history[0]!.at;
    const calls = standIn.calls.filter((c) => c.at >= r.startedAt && c.at <= r.exitedAt).length;
    samples.push({
      latencyInMs: r.exitedAt - d.terminalAt!,
      calls,
      clientMinutes: (r.exitedAt - createdAt) / 60000,
      deploymentMinutes: (d.terminalAt! - createdAt) / 60000,
    });
  }
  return samples;
}

/**
 * A fixed-interval poller (GetDeployment every 15 s until terminal) against a stand-in whose clock
 * runs SCALE times faster, polling every 15 s / SCALE. Its first poll comes at a uniformly random
 * phase of the interval: real deployments last minutes of varying length, so where their end falls
 * within a 15 s interval is effectively uniform.
 */
async function measurePoller(shape: Shape, runs: number): Promise<Sample[]> {
  const standIn = await startCodeDeployStandIn({
    msPerMinute: 60000 / SCALE,
    eventDurationInMs: EVENT_IN_MS / SCALE,
    eventJitterInMs: EVENT_JITTER_IN_MS / SCALE,
    groups: [{ applicationName: APP, deploymentGroupName: 'poller', ...shape.group }],
  });
  const client = new CodeDeployClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const content = renderAppSpecJson({ taskDefinitionArn: TASK_DEF, containerName: 'web', containerPort: 8080 });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const out = await client.send(
        new CreateDeploymentCommand({
          applicationName: APP,
          deploymentGroupName: 'poller',
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: appSpecSha256(content) } },
        }),
      );
      const id = out.deploymentId!;
      let calls = 1;
      await sleep((Math.random() * POLL_INTERVAL_IN_MS) / SCALE);
      let detectedAt: number;
      for (;;) {
        const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId: id }));
        calls++;
        if (['Succeeded', 'Failed', 'Stopped'].includes(deploymentInfo!.status!)) {
          detectedAt = Date.now();
          break;
        }
        await sleep(POLL_INTERVAL_IN_MS / SCALE);
      }
      const d = standIn.deployment(id)!;
      samples.push({
        latencyInMs: (detectedAt - d.terminalAt!) * SCALE,
        calls,
        clientMinutes: ((detectedAt - d.history[0]!.at) * SCALE) / 60000,
        deploymentMinutes: ((d.terminalAt! - d.history[0]!.at) * SCALE) / 60000,
      });
    }
  } finally {
    client.destroy();
    await standIn.close();
  }
  return samples;
}

function row(label: string, samples: readonly Sample[]): string {
  const lat = samples.map((s) => s.latencyInMs);
  const perMinute = samples.map((s) => s.calls / s.clientMinutes);
  const minutes = median(samples.map((s) => s.deploymentMinutes));
  return [
    label.padEnd(50),
    String(samples.length).padStart(4),
    sec(median(lat)).padStart(9),
    sec(max(lat)).padStart(9),
    median(perMinute).toFixed(1).padStart(10),
    `${(minutes * 60).toFixed(0)} s`.padStart(8),
  ].join('  ');
}

export async function run(): Promise<void> {
  const runs = [intFromEnv('BENCH_RELEASE_RUNS', 5), intFromEnv('BENCH_RELEASE_LONG_RUNS', 1)];
  const pollerRuns = [intFromEnv('BENCH_POLLER_RUNS', 30), Math.ceil(intFromEnv('BENCH_POLLER_RUNS', 30) / 2)];

  // Real clock (1 CodeDeploy minute = 60 s), so the CLI's own timing (1 s polls while things change,
  // backing off to 10 s, fast again when a change is due) meets the timings it would meet in AWS.
  const standIn = await startCodeDeployStandIn({
    msPerMinute: 60000,
    eventDurationInMs: EVENT_IN_MS,
    eventJitterInMs: EVENT_JITTER_IN_MS,
    groups: SHAPES.map((shape, i) => ({ applicationName: APP, deploymentGroupName: `shape-${i}`, ...shape.group })),
  });
  const rows: string[] = [];
  try {
    for (const [i, shape] of SHAPES.entries()) {
      if (runs[i]! === 0) continue;
      rows.push(row(`npm run release, ${shape.label}`, await measureCli(standIn, `shape-${i}`, runs[i]!)));
      rows.push(row(`15 s poller (simulated), ${shape.label}`, await measurePoller(shape, pollerRuns[i]!)));
    }
  } finally {
    await standIn.close();
  }

  console.log(
    [
      'Stand-in: CodeDeploy ECS blue/green over HTTP; every step without a hook takes 1-2 s; all-at-once traffic.',
      'Latency: terminal status in the stand-in -> release CLI process exited (poller: -> the poll that saw it).',
      'Calls/min: every API call the client made / minutes from CreateDeployment to the client seeing the end.',
      '',
      `${'client, deployment'.padEnd(50)}  runs  lat. med  lat. max  calls/min  deploy`,
      ...rows,
      '',
      'The release CLI ran for real (child process, default polling: 1 s while things change, backing off to',
      '10 s, fast again when a change is due), against the stand-in on the real clock.',
      `The fixed poller ran against the same stand-in with the clock compressed ${SCALE}x (1 CodeDeploy minute =`,
      `${60000 / SCALE} ms, 15 s polls = ${POLL_INTERVAL_IN_MS / SCALE} ms, 1 s steps = ${(EVENT_IN_MS / SCALE).toFixed(0)} ms); its latencies and durations are`,
      `multiplied back by ${SCALE}. Its first poll falls at a random phase of the interval, as the end of a`,
      'minutes-long deployment does. It makes one GetDeployment per poll; the release CLI makes GetDeployment +',
      'GetDeploymentTarget per poll (lifecycle events and traffic for its progress), plus GetDeploymentGroup,',
      'GetDeploymentConfig, ListDeployments, CreateDeployment and ListDeploymentTargets once. The AWS CLI waiter',
      'really waits 15 s between polls (__tests__/awscli-codedeploy.test.ts checks that against this stand-in).',
      'A short deployment keeps the CLI in its 1 s window throughout: its calls/min there is its busiest rate.',
    ].join('\n'),
  );
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
