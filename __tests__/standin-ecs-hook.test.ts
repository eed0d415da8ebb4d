/**
 * The real hook bundle on the ECS contract, end to end: the ECS stand-in invokes the esbuild bundle
 * (what the stack deploys) in a warm child process at POST_TEST_TRAFFIC_SHIFT; the hook checks a real
 * local "green" and answers with hookStatus, IN_PROGRESS carrying its progress while green is not ready.
 */
import { bundleHookCached } from '../hook-build/bundle';
import { toHookEnvironment } from '../hook-lambda/config';
import { ECS_PROGRESS_KEY } from '../hook-lambda/ecs-policy';
import { GreenApp, HookRuntime, startGreenApp, startHookRuntime } from '../test-support/codedeploy';
import { awsJsonCall } from '../test-support/aws-json-client';
import { ECS_TARGET_PREFIX, EcsStandIn, startEcsStandIn } from '../test-support/ecs';

/** The bundle the stack deploys, from the content-hash cache (esbuild runs only when a source changed). */
let bundleFile: string;
beforeAll(() => {
  bundleFile = bundleHookCached().file;
});

/** A test's own green, hook runtime and ECS stand-in (service web). */
interface World {
  readonly green: GreenApp;
  readonly hook: HookRuntime;
  readonly ecs: EcsStandIn;
}

async function startWorld(): Promise<World> {
  const green = await startGreenApp();
  // A 2 s Lambda timeout and a 3 s check budget: a green that is not ready takes several invocations,
  // and one that never gets ready is failed after 2 s or so (the stand-in compresses only the waits
  // between invocations, not the hook's own clock).
  const hook = await startHookRuntime({
    modulePath: bundleFile,
    env: toHookEnvironment({ testBaseUrl: green.url, checks: [{ path: '/health', bodyContains: 'green ok' }], checkBudgetInSeconds: 3 }),
    timeoutInMs: 2000,
  });
  const ecs = await startEcsStandIn({
    msPerMinute: 600, // callBackDelay seconds pass at 10 ms each
    stepInMs: 10,
    services: [
      {
        serviceName: 'web',
        deploymentConfiguration: {
          strategy: 'CANARY',
          bakeTimeInMinutes: 0,
          // No bake between the canary and the rest: the hook still runs at both production steps, and
          // a minute here would be 600 ms of waiting in every deployment.
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 },
          lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:web-hook', roleArn: 'arn:aws:iam::123456789012:role/ecs-hooks', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'] }],
        },
      },
    ],
    hookInvoker: (name, event) => hook.invoke(name, event),
  });
  return { green, hook, ecs };
}

/**
 * A test with a world of its own, settled (no deployment left running) and closed at its end. The
 * three share nothing, so they run concurrently: most of their time is the hook's own clock (its pause
 * between passes, its check budget); a runtime more costs a node process (about 0.2 CPU-s).
 */
function worldTest(name: string, body: (w: World) => Promise<void>, timeoutInMs?: number): void {
  test.concurrent(
    name,
    async () => {
      const w = await startWorld();
      try {
        await body(w);
        await w.ecs.settle();
      } finally {
        await w.ecs.close();
        await w.hook.close();
        await w.green.close();
      }
    },
    timeoutInMs,
  );
}

async function deploy(ecs: EcsStandIn, taskDefinition: string): Promise<string> {
  const answer = await awsJsonCall(ecs.endpoint, ECS_TARGET_PREFIX, 'UpdateService', { cluster: 'bluegreen-cluster', service: 'web', taskDefinition });
  return answer.service.currentServiceDeployment as string;
}

const finished = (ecs: EcsStandIn, arn: string) => () => ['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED'].includes(ecs.deployments().find((d) => d.serviceDeploymentArn === arn)!.status);

worldTest('a healthy green: SUCCEEDED at POST_TEST_TRAFFIC_SHIFT and at each production step, and the deployment succeeds', async ({ green, ecs }) => {
  green.setHealth('healthy');
  const arn = await deploy(ecs, 'web:2');
  await ecs.waitUntil(finished(ecs, arn), 'the deployment to end', 20_000);
  const d = ecs.deployments().find((x) => x.serviceDeploymentArn === arn)!;
  expect(d.status).toBe('SUCCESSFUL');
  expect(d.hooks.map((h) => [h.stage, h.result])).toEqual([
    ['POST_TEST_TRAFFIC_SHIFT', 'SUCCEEDED'],
    ['PRODUCTION_TRAFFIC_SHIFT', 'SUCCEEDED'],
    ['PRODUCTION_TRAFFIC_SHIFT', 'SUCCEEDED'],
  ]);
  expect(green.requests.length).toBeGreaterThanOrEqual(6);
});

worldTest('green unhealthy, then ready: IN_PROGRESS re-invocations carry the progress until SUCCEEDED', async ({ green, ecs }) => {
  green.setHealth('unhealthy');
  const arn = await deploy(ecs, 'web:3');
  await ecs.waitUntil(() => (ecs.deployments().find((x) => x.serviceDeploymentArn === arn)?.hooks.length ?? 0) >= 2, 'a second invocation', 20_000);
  green.setHealth('healthy');
  await ecs.waitUntil(finished(ecs, arn), 'the deployment to end', 20_000);
  const d = ecs.deployments().find((x) => x.serviceDeploymentArn === arn)!;
  expect(d.status).toBe('SUCCESSFUL');
  const postTest = d.hooks.filter((h) => h.stage === 'POST_TEST_TRAFFIC_SHIFT');
  expect(postTest.slice(0, -1).every((h) => h.result === 'IN_PROGRESS')).toBe(true);
  expect(postTest[postTest.length - 1]!.result).toBe('SUCCEEDED');
  expect(postTest[1]!.hookDetails).toMatchObject({ [ECS_PROGRESS_KEY]: { invocations: 1 } });
});

worldTest('green never ready: FAILED once the 3 s budget is spent, and ECS rolls back (the rollback re-invocation answers SUCCEEDED)', async ({ green, hook, ecs }) => {
  green.setHealth('unhealthy');
  const started = Date.now();
  const arn = await deploy(ecs, 'web:4');
  await ecs.waitUntil(finished(ecs, arn), 'the deployment to end', 30_000);
  const d = ecs.deployments().find((x) => x.serviceDeploymentArn === arn)!;
  expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(d.rollbackReason).toMatch(/web-hook returned FAILED at POST_TEST_TRAFFIC_SHIFT/);
  const results = d.hooks.map((h) => h.result);
  expect(results.filter((r) => r === 'IN_PROGRESS').length).toBeGreaterThanOrEqual(2);
  expect(results[results.length - 1]).toBe('FAILED');
  // The budget is the hook's own wall clock (the stand-in's compressed callBackDelay does not shorten it):
  // FAILED comes once less than a one-second wait plus an attempt is left of it.
  expect(Date.now() - started).toBeGreaterThanOrEqual(3000 - 1050);
  const verdicts = hook.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'hook.verdict' && l.hookStatus === 'FAILED');
  expect(verdicts[verdicts.length - 1]!.reason).toMatch(/^GET \/health: did not pass 2 times in a row within the 3\.0 s check budget/);
}, 40_000);
