/**
 * End to end (2/3): a release while another deployment of the group is active (refuse, wait, stop it),
 * `--until` and a group that waits for approval (`--continue`), with the real release CLI, the
 * CodeDeploy stand-in, the real hook bundle and a real green app
 * (test-support/codedeploy/e2e-release-harness.ts).
 */
import { CodeDeployClient, ContinueDeploymentCommand, CreateDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { appSpecSha256, renderAppSpecJson } from '../lib/appspec';
import { APP, expectExit, progress, TASK_DEF, useE2eRelease } from '../test-support/codedeploy/e2e-release-harness';

jest.setTimeout(60_000);

// Every test releases to groups of its own and changes nothing shared: they all run concurrently.

const e2e = useE2eRelease({
  // Long enough to be still active however slowly the CLI starts on a loaded machine (at 20 minutes,
  // 2 s, it could end before the CLI looked, which then released: exit 0 instead of 4); the test stops it.
  'active-fail': { terminationWaitTimeInMinutes: 600 },
  'active-wait': { terminationWaitTimeInMinutes: 20 },
  'active-stop': { terminationWaitTimeInMinutes: 200 },
  until: { terminationWaitTimeInMinutes: 30 },
  approval: { deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 600 } },
});

const client = (): CodeDeployClient =>
  new CodeDeployClient({ endpoint: e2e.standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

async function activeDeployment(group: string): Promise<string> {
  const content = renderAppSpecJson({ taskDefinitionArn: TASK_DEF, containerName: 'web', containerPort: 8080 });
  const out = await client().send(
    new CreateDeploymentCommand({
      applicationName: APP,
      deploymentGroupName: group,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: appSpecSha256(content) } },
      description: 'another pipeline',
    }),
  );
  return out.deploymentId!;
}

e2e.concurrent('another deployment active: by default it refuses with exit 4, names the active deployment, and creates nothing', ['active-fail'], async (t) => {
  const active = await activeDeployment('active-fail');
  const r = await t.run(e2e.releaseArgs('active-fail'), e2e.env());
  expectExit(r, 4);
  expect(r.stderr).toContain(active);
  expect(r.stderr).toContain('--wait-for-active');
  expect(e2e.userDeployments('active-fail').map((d) => d.deploymentId)).toEqual([active]);
  expect(e2e.standIn.calls.filter((c) => c.operation === 'CreateDeployment' && c.input.deploymentGroupName === 'active-fail')).toHaveLength(1);
  // Still active: the refusal was about it. End it so the group settles.
  expect(['Created', 'InProgress', 'Ready']).toContain(e2e.standIn.deployment(active)!.status);
  await client().send(new StopDeploymentCommand({ deploymentId: active }));
});

e2e.concurrent('another deployment active: --wait-for-active waits for it to end, then releases (exit 0)', ['active-wait'], async (t) => {
  const active = await activeDeployment('active-wait');
  const r = await t.run(e2e.releaseArgs('active-wait', '--wait-for-active'), e2e.env());
  expectExit(r, 0);
  const [first, second] = e2e.userDeployments('active-wait');
  expect(first).toMatchObject({ deploymentId: active, status: 'Succeeded' });
  expect(second).toMatchObject({ status: 'Succeeded' });
  const create = e2e.standIn.calls.find((c) => c.operation === 'CreateDeployment' && c.input.deploymentGroupName === 'active-wait' && c.at > first!.history[0]!.at)!;
  expect(create.at).toBeGreaterThanOrEqual(first!.terminalAt!);
  expect(e2e.standIn.calls.some((c) => c.operation === 'StopDeployment' && c.input.deploymentId === active)).toBe(false);
});

e2e.concurrent('another deployment active: --stop-active stops it with rollback, waits for the rollback, then releases (exit 0); the first release reports the stop (exit 1)', ['active-stop'], async (t) => {
  const first = t.start(e2e.releaseArgs('active-stop'), e2e.env());
  await first.waitForLine(/termination-wait started/);
  const second = t.start(e2e.releaseArgs('active-stop', '--stop-active'), e2e.env());
  // The group's termination wait is long so the first is surely still active; skip it for the second
  // once its traffic has moved, as an operator would with ContinueDeployment(TERMINATION_WAIT).
  const created = await second.waitForLine(/deployment d-[A-Z0-9]{9} created/);
  await second.waitForLine(/termination-wait started/);
  await client().send(new ContinueDeploymentCommand({ deploymentId: /d-[A-Z0-9]{9}/.exec(created)![0], deploymentWaitType: 'TERMINATION_WAIT' }));
  const r = await second.exited;
  const firstExit = await first.exited;
  expectExit(r, 0);
  expectExit(firstExit, 1);
  const [stopped, released] = e2e.userDeployments('active-stop');
  const [rollback] = e2e.rollbacks('active-stop');
  expect(stopped).toMatchObject({ status: 'Stopped', errorCode: 'MANUAL_STOP', rollbackDeploymentId: rollback!.deploymentId });
  expect(e2e.standIn.calls.filter((c) => c.operation === 'StopDeployment').map((c) => c.input)).toContainEqual({ deploymentId: stopped!.deploymentId, autoRollbackEnabled: true });
  expect(released).toMatchObject({ status: 'Succeeded' });
  // Not created before the rollback had ended.
  expect(released!.history[0]!.at).toBeGreaterThanOrEqual(rollback!.terminalAt!);
  expect(progress(firstExit)).toContain(`rollback ${rollback!.deploymentId} started`);
});

e2e.concurrent('--until test-traffic exits 0 at that stage while the deployment keeps going, and it then finishes', ['until'], async (t) => {
  const r = await t.run(e2e.releaseArgs('until', '--until', 'test-traffic', '--json'), e2e.env());
  expectExit(r, 0);
  expect(progress(r)).toContain('until test-traffic reached');
  const [deployment] = e2e.userDeployments('until');
  // Still running when the CLI had exited.
  const statusAtExit = [...deployment!.history].reverse().find((h) => h.at <= r.exitedAt)!.status;
  expect(['InProgress', 'Ready']).toContain(statusAtExit);
  expect(JSON.parse(r.stdout)).toMatchObject({ deploymentId: deployment!.deploymentId, exitCode: 0, until: 'test-traffic' });
  await e2e.standIn.waitUntil(() => e2e.standIn.deployment(deployment!.deploymentId)!.status === 'Succeeded', 'the deployment to finish', 15_000);
});

e2e.concurrent('a group that waits for approval: --continue sends ContinueDeployment when the deployment is Ready (exit 0)', ['approval'], async (t) => {
  const r = await t.run(e2e.releaseArgs('approval', '--continue'), e2e.env());
  expectExit(r, 0);
  const [deployment] = e2e.userDeployments('approval');
  expect(deployment!.history.map((h) => h.status)).toEqual(['Created', 'InProgress', 'Ready', 'InProgress', 'Succeeded']);
  expect(e2e.standIn.calls.filter((c) => c.operation === 'ContinueDeployment' && c.input.deploymentId === deployment!.deploymentId).map((c) => c.input)).toEqual([
    { deploymentId: deployment!.deploymentId, deploymentWaitType: 'READY_WAIT' },
  ]);
  expect(progress(r)).toContain('status Ready');
});
