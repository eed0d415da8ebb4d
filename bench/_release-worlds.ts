/**
 * Helper of bench/release-latency.ts (not a benchmark itself: bench.ts skips `_` files): one measured
 * release, i.e. a private stand-in on the real clock (CodeDeploy's or ECS's), the real release CLI
 * against it (a child process with its default polling), and, paired with it on the SAME deployment,
 * a fixed-interval poller in this process that reads the deployment's status every 15 s from a random
 * phase (what `aws deploy wait deployment-successful` and the ECS deploy actions do).
 */
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { DescribeServiceDeploymentsCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { RecordedCall } from '../test-support/aws-json-server';
import { type DeploymentGroupSpec, type EcsDeploymentConfig, startCodeDeployStandIn } from '../test-support/codedeploy';
import { startRelease } from '../test-support/codedeploy/release-process';
import { type DeploymentConfiguration, startEcsStandIn } from '../test-support/ecs';

/** The fixed poller's interval. */
export const FIXED_POLL_INTERVAL_IN_MS = 15_000;
/** The fixed poller's User-Agent, which tells its calls from the release's. */
const POLLER_AGENT = 'bench-fixed-poller';
/** Real ms of each step of the stand-ins (plus up to as much again at random, so no poll phase locks onto the steps). */
const STEP_IN_MS = 1000;
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';

/** A deployment shape the bench measures. */
export type Shape =
  | { readonly controller: 'CODE_DEPLOY'; readonly label: string; readonly group: Omit<DeploymentGroupSpec, 'applicationName' | 'deploymentGroupName'>; readonly configs?: readonly EcsDeploymentConfig[] }
  | { readonly controller: 'ECS'; readonly label: string; readonly configuration: DeploymentConfiguration };

/** One measured release and its paired fixed poller. */
export interface RunResult {
  /** The deployment's end (terminal status in the stand-in) -> the release CLI process exited. */
  readonly latencyInMs: number;
  /** The release's calls, by operation. */
  readonly calls: Readonly<Record<string, number>>;
  /** Minutes from the release's first call to its exit. */
  readonly minutes: number;
  readonly poller: { readonly latencyInMs: number; readonly calls: number; readonly minutes: number };
}

/** What a run needs of its stand-in, whichever controller. */
interface World {
  readonly args: readonly string[];
  readonly calls: readonly RecordedCall[];
  /** The deployment the release started, once it exists. */
  started(): { readonly id: string; readonly createdAt: number } | undefined;
  terminalAt(id: string): number | undefined;
  /** One read of the fixed poller: true when the deployment has ended. */
  pollEnded(id: string): Promise<boolean>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const TERMINAL = ['Succeeded', 'Failed', 'Stopped', 'SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

async function codeDeployWorld(shape: Extract<Shape, { controller: 'CODE_DEPLOY' }>): Promise<World> {
  const standIn = await startCodeDeployStandIn({
    msPerMinute: 60_000,
    eventDurationInMs: STEP_IN_MS,
    eventJitterInMs: STEP_IN_MS,
    groups: [{ applicationName: 'bench', deploymentGroupName: 'web', ...shape.group }],
    customDeploymentConfigs: shape.configs ?? [],
  });
  const client = new CodeDeployClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials, customUserAgent: POLLER_AGENT, maxAttempts: 1 });
  const mine = () => standIn.deployments().find((d) => d.creator === 'user');
  return {
    args: ['--application', 'bench', '--deployment-group', 'web', '--container-name', 'web', '--container-port', '8080', '--endpoint-url', standIn.endpoint],
    calls: standIn.calls,
    started: () => {
      const d = mine();
      return d ? { id: d.deploymentId, createdAt: d.history[0]!.at } : undefined;
    },
    terminalAt: (id) => standIn.deployment(id)?.terminalAt,
    pollEnded: async (id) => TERMINAL.includes((await client.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status ?? ''),
    close: async () => {
      client.destroy();
      await standIn.close();
    },
  };
}

async function ecsWorld(shape: Extract<Shape, { controller: 'ECS' }>): Promise<World> {
  const standIn = await startEcsStandIn({ msPerMinute: 60_000, stepInMs: STEP_IN_MS, stepJitterInMs: STEP_IN_MS, services: [{ serviceName: 'web', deploymentConfiguration: shape.configuration }] });
  const client = new ECSClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials, customUserAgent: POLLER_AGENT, maxAttempts: 1 });
  const mine = () => standIn.deployments('web')[0];
  return {
    args: ['--controller', 'ECS', '--ecs-cluster', 'bluegreen-cluster', '--ecs-service', 'web', '--endpoint-url', standIn.endpoint],
    calls: standIn.calls,
    started: () => {
      const d = mine();
      return d ? { id: d.serviceDeploymentArn, createdAt: d.history[0]!.at } : undefined;
    },
    terminalAt: (id) => standIn.deployments('web').find((d) => d.serviceDeploymentArn === id)?.history.find((h) => TERMINAL.includes(h.status))?.at,
    pollEnded: async (id) => TERMINAL.includes((await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [id] }))).serviceDeployments?.[0]?.status ?? ''),
    close: async () => {
      client.destroy();
      await standIn.close();
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** The fixed poller on the release's deployment: first read at a uniformly random phase of the interval. */
async function fixedPoller(world: World, giveUpAt: number): Promise<{ detectedAt: number; createdAt: number; calls: number }> {
  let started = world.started();
  while (!started) {
    if (Date.now() > giveUpAt) throw new Error('the release created no deployment');
    await sleep(20);
    started = world.started();
  }
  // Where the end of a minutes-long deployment falls within a 15 s interval is effectively uniform.
  await sleep(started.createdAt + Math.random() * FIXED_POLL_INTERVAL_IN_MS - Date.now());
  for (let calls = 1; ; calls++) {
    if (await world.pollEnded(started.id)) return { detectedAt: Date.now(), createdAt: started.createdAt, calls };
    if (Date.now() > giveUpAt) throw new Error(`the deployment ${started.id} did not end`);
    await sleep(FIXED_POLL_INTERVAL_IN_MS);
  }
}

/** Releases one deployment of `shape` with the real CLI, the fixed poller following the same deployment. */
export async function measureRun(shape: Shape): Promise<RunResult> {
  const world = shape.controller === 'ECS' ? await ecsWorld(shape) : await codeDeployWorld(shape);
  try {
    const release = startRelease([...world.args, '--region', 'us-east-1', '--task-definition-arn', TASK_DEF], {});
    const [exit, polled] = await Promise.all([release.exited, fixedPoller(world, Date.now() + 15 * 60_000)]);
    if (exit.code !== 0) throw new Error(`${shape.label}: the release exited ${exit.code}:\n${exit.stderr}`);
    const { id, createdAt } = world.started()!;
    const terminalAt = world.terminalAt(id)!;
    const mine = world.calls.filter((c) => !(c.userAgent ?? '').includes(POLLER_AGENT));
    const calls: Record<string, number> = {};
    for (const c of mine) calls[c.operation] = (calls[c.operation] ?? 0) + 1;
    return {
      latencyInMs: exit.exitedAt - terminalAt,
      calls,
      minutes: (exit.exitedAt - mine[0]!.at) / 60_000,
      poller: { latencyInMs: polled.detectedAt - terminalAt, calls: polled.calls, minutes: (polled.detectedAt - createdAt) / 60_000 },
    };
  } finally {
    await world.close();
  }
}
