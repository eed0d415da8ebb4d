/**
 * End to end (3/3): the release against a difficult API (throttling bursts, every answer late, access
 * denied) and with an S3 AppSpec revision, with the real release CLI, the CodeDeploy stand-in, the real
 * hook bundle and a real green app (test-support/codedeploy/e2e-release-harness.ts).
 */
import { renderAppSpecYaml } from '../lib/appspec';
import { expectExit, HOOK_FN, progress, TASK_DEF, useE2eRelease } from '../test-support/codedeploy/e2e-release-harness';

jest.setTimeout(60_000);

// The tests run concurrently: each releases to a group of its own, and its faults are that group's
// (faults.inGroup), so no test meets another's throttling, latency or denial.

const e2e = useE2eRelease({
  throttled: {},
  slow: {},
  denied: {},
  s3: {},
});

e2e.concurrent('throttling bursts on every polled operation: the release still completes (exit 0)', ['throttled'], async (t) => {
  const faults = e2e.standIn.faults.inGroup('throttled');
  for (const op of ['ListDeployments', 'CreateDeployment', 'GetDeployment', 'ListDeploymentTargets', 'GetDeploymentTarget']) faults.throttle(op, 3);
  const r = await t.run(e2e.releaseArgs('throttled'), e2e.env());
  expectExit(r, 0);
  expect(faults.injected).toMatchObject({ GetDeployment: 3, GetDeploymentTarget: 3, CreateDeployment: 3 });
  const [deployment] = e2e.userDeployments('throttled');
  expect(deployment!.status).toBe('Succeeded');
  // Exactly one deployment: a throttled CreateDeployment was not executed, so retrying it created no duplicate.
  expect(e2e.userDeployments('throttled')).toHaveLength(1);
  // Bursts longer than the SDK's own retries reached the CLI, which backed off and said so.
  expect(progress(r).some((l) => /^throttled \w+ ThrottlingException/.test(l))).toBe(true);
});

e2e.concurrent('a slow API (every answer about the group and its deployment 250 ms late, hook calls included): the release still completes', ['slow'], async (t) => {
  e2e.standIn.faults.inGroup('slow').latency('*', 250);
  const r = await t.run(e2e.releaseArgs('slow'), e2e.env());
  expectExit(r, 0);
  expect(e2e.userDeployments('slow')[0]!.status).toBe('Succeeded');
  const id = e2e.userDeployments('slow')[0]!.deploymentId;
  const calls = e2e.standIn.calls.filter((c) => c.at >= r.startedAt && c.at <= r.exitedAt && c.input.deploymentId === id);
  expect(calls.some((c) => c.operation === 'PutLifecycleEventHookExecutionStatus')).toBe(true);
});

e2e.concurrent('AccessDenied on CreateDeployment: exit 5 with the missing permission named, nothing created', ['denied'], async (t) => {
  const faults = e2e.standIn.faults.inGroup('denied');
  faults.deny('CreateDeployment');
  const r = await t.run(e2e.releaseArgs('denied'), e2e.env());
  expectExit(r, 5);
  expect(r.stderr).toContain('codedeploy:CreateDeployment');
  expect(e2e.userDeployments('denied')).toHaveLength(0);
  expect(faults.injected.CreateDeployment).toBe(1);
});

e2e.concurrent('--revision s3: the deployment uses the AppSpec object the stack maintains, and its hooks run', ['s3'], async (t) => {
  // What the stack uploads: the same AppSpec rendered as YAML, at a versioned key.
  const yaml = renderAppSpecYaml({ taskDefinitionArn: TASK_DEF, containerName: 'web', containerPort: 8080, hooks: { BeforeAllowTraffic: HOOK_FN } });
  e2e.standIn.model.putS3Object('bluegreen-dev-appspec', 'appspec.yaml', yaml, 'v7');
  const outputs = e2e.outputsFor('s3', { appSpecBucketName: 'bluegreen-dev-appspec', appSpecObjectKey: 'appspec.yaml', appSpecObjectVersionId: 'v7' });
  const r = await t.run(['--outputs-file', outputs, '--revision', 's3', '--poll-min-interval-in-ms', '100', '--poll-max-interval-in-ms', '300'], e2e.env());
  expectExit(r, 0);
  const create = e2e.standIn.calls.find((c) => c.operation === 'CreateDeployment' && c.input.deploymentGroupName === 's3')!;
  expect(create.input.revision).toEqual({ revisionType: 'S3', s3Location: { bucket: 'bluegreen-dev-appspec', key: 'appspec.yaml', bundleType: 'YAML', version: 'v7' } });
  const [deployment] = e2e.userDeployments('s3');
  expect(e2e.standIn.model.hookInvocations.filter((h) => h.event.DeploymentId === deployment!.deploymentId).map((h) => [h.lifecycleEvent, h.reported])).toEqual([
    ['BeforeAllowTraffic', 'Succeeded'],
  ]);
});
