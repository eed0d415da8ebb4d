/**
 * Fidelity of the CodeDeploy stand-in, judged by an independent client: the AWS CLI (botocore's own
 * service model and parsers, not the JS SDK we wrote the stand-in against) must parse its answers.
 */
import { appSpecSha256, renderAppSpecJson } from '../lib/appspec';
import { AwsCli, AwsCliResult, AwsCliRunOptions, describeWithAwsCli, startAwsCli } from '../test-support/aws-cli';
import { CodeDeployStandIn, startCodeDeployStandIn } from '../test-support/codedeploy';
import { isolatedAwsEnv, removeIsolatedAwsHomes } from '../test-support/codedeploy/release-process';

const APP = 'bluegreen-dev';
const GROUP = 'bluegreen-dev';
const TARGET = 'bluegreen-cluster:bluegreen-service';

describeWithAwsCli('the AWS CLI parses the CodeDeploy stand-in', () => {
  let standIn: CodeDeployStandIn;
  let cli: AwsCli;

  const argv = (args: readonly string[]): string[] => ['deploy', ...args, '--endpoint-url', standIn.endpoint, '--output', 'json'];
  const aws = (args: readonly string[], options?: AwsCliRunOptions): Promise<AwsCliResult> => cli.run(argv(args), options);
  const awsJson = (args: readonly string[]): Promise<any> => cli.json(argv(args));

  function revisionArg(): string {
    const content = renderAppSpecJson({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
      containerName: 'web',
      containerPort: 8080,
    });
    return JSON.stringify({ revisionType: 'AppSpecContent', appSpecContent: { content, sha256: appSpecSha256(content) } });
  }

  beforeAll(async () => {
    standIn = await startCodeDeployStandIn({
      msPerMinute: 20,
      eventDurationInMs: 20,
      // Each deployment waits in Ready for ContinueDeployment, so the slow CLI always sees it active.
      groups: [
        {
          applicationName: APP,
          deploymentGroupName: GROUP,
          deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
          deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 10_000 },
        },
      ],
    });
    // The user's own AWS settings (profile, region, config files) must neither leak in nor be touched.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    // iso8601 makes CLI v1 parse timestamps with botocore too (its default prints the wire value).
    cli = await startAwsCli({ ...base, ...isolatedAwsEnv('[default]\ncli_timestamp_format = iso8601\n'), AWS_PAGER: '' });
  });

  afterAll(async () => {
    await cli?.close();
    removeIsolatedAwsHomes();
    try {
      await standIn.settle();
    } finally {
      // Closed even when a deployment was left running, or its timers would keep jest alive.
      await standIn.close();
    }
  });

  test('create-deployment with an AppSpecContent revision, then get-deployment, list-deployments and get-deployment-target', async () => {
    const created = await awsJson([
      'create-deployment',
      '--application-name',
      APP,
      '--deployment-group-name',
      GROUP,
      '--revision',
      revisionArg(),
      '--description',
      'from the AWS CLI',
    ]);
    expect(created.deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    const id: string = created.deploymentId;
    expect(standIn.calls.find((c) => c.operation === 'CreateDeployment')!.userAgent).toMatch(/aws-cli/);

    const active = await awsJson(['list-deployments', '--application-name', APP, '--deployment-group-name', GROUP, '--include-only-statuses', 'Created', 'Queued', 'InProgress', 'Ready']);
    expect(active.deployments).toEqual([id]);

    await standIn.waitUntil(() => standIn.deployment(id)!.status === 'Ready', 'Ready');
    const ready = await awsJson(['get-deployment', '--deployment-id', id]);
    expect(ready.deploymentInfo).toMatchObject({ status: 'Ready', deploymentOverview: { Ready: 1 } });
    const continued = await aws(['continue-deployment', '--deployment-id', id, '--deployment-wait-type', 'READY_WAIT']);
    expect(continued).toMatchObject({ code: 0 });
    await standIn.waitUntil(() => standIn.deployment(id)!.status === 'Succeeded', 'the deployment to succeed');
    const { deploymentInfo } = await awsJson(['get-deployment', '--deployment-id', id]);
    expect(deploymentInfo).toMatchObject({
      deploymentId: id,
      applicationName: APP,
      deploymentGroupName: GROUP,
      status: 'Succeeded',
      creator: 'user',
      description: 'from the AWS CLI',
      computePlatform: 'ECS',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      revision: { revisionType: 'AppSpecContent' },
    });
    // botocore parsed the epoch-seconds timestamps into the same instants (printed as ISO 8601).
    const snapshot = standIn.deployment(id)!;
    expect(Date.parse(deploymentInfo.createTime)).toBeCloseTo(snapshot.history[0]!.at, -1);
    expect(Date.parse(deploymentInfo.completeTime)).toBeCloseTo(snapshot.terminalAt!, -1);
    expect(Number.isNaN(Date.parse(deploymentInfo.startTime))).toBe(false);

    const all = await awsJson(['list-deployments', '--application-name', APP, '--deployment-group-name', GROUP]);
    expect(all.deployments).toEqual([id]);
    const none = await awsJson(['list-deployments', '--application-name', APP, '--deployment-group-name', GROUP, '--include-only-statuses', 'Failed']);
    expect(none.deployments).toEqual([]);

    const targets = await awsJson(['list-deployment-targets', '--deployment-id', id]);
    expect(targets.targetIds).toEqual([TARGET]);
    const { deploymentTarget } = await awsJson(['get-deployment-target', '--deployment-id', id, '--target-id', TARGET]);
    expect(deploymentTarget.deploymentTargetType).toBe('ECSTarget');
    expect(deploymentTarget.ecsTarget.lifecycleEvents.map((e: { lifecycleEventName: string }) => e.lifecycleEventName)).toEqual([
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'BeforeAllowTraffic',
      'AllowTraffic',
      'AfterAllowTraffic',
    ]);
    const labels = Object.fromEntries(deploymentTarget.ecsTarget.taskSetsInfo.map((t: { taskSetLabel: string; trafficWeight: number }) => [t.taskSetLabel, t.trafficWeight]));
    expect(labels).toEqual({ Blue: 0, Green: 100 });
    expect(Number.isNaN(Date.parse(String(deploymentTarget.ecsTarget.lastUpdatedAt)))).toBe(false);
  });

  test('get-deployment-group and get-deployment-config parse, with the ECS traffic routing of a predefined config', async () => {
    const { deploymentGroupInfo } = await awsJson(['get-deployment-group', '--application-name', APP, '--deployment-group-name', GROUP]);
    expect(deploymentGroupInfo).toMatchObject({ computePlatform: 'ECS', ecsServices: [{ serviceName: 'bluegreen-service', clusterName: 'bluegreen-cluster' }] });
    const { deploymentConfigInfo } = await awsJson(['get-deployment-config', '--deployment-config-name', 'CodeDeployDefault.ECSCanary10Percent15Minutes']);
    expect(deploymentConfigInfo.trafficRoutingConfig).toEqual({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 } });
  });

  test('errors parse as the named CodeDeploy exceptions', async () => {
    const r = await aws(['get-deployment', '--deployment-id', 'd-ZZZZZZZZZ']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('(DeploymentDoesNotExistException) when calling the GetDeployment operation');
  });

  test('wait deployment-successful polls past Ready until Succeeded, with the waiter model\'s 15 s delay, and fails on a stopped deployment at once', async () => {
    const { deploymentId } = await awsJson(['create-deployment', '--application-name', APP, '--deployment-group-name', GROUP, '--revision', revisionArg()]);
    // The waiter's first GetDeployment sees it Ready (a status that is neither success nor failure);
    // once it has, the deployment is continued and ends within a second, so a later poll sees
    // Succeeded. Ready first: the waiter may poll before the deployment got there.
    await standIn.waitUntil(() => standIn.deployment(deploymentId)!.status === 'Ready', 'Ready');
    const started = Date.now();
    // The waiter's sleeps last a fiftieth of what it asks for (300 ms for 15 s) when the CLI runs in one
    // interpreter, as the stand-in compresses its minutes; what it asked for is still checked below.
    const waiting = aws(['wait', 'deployment-successful', '--deployment-id', deploymentId], { timeoutInMs: 45_000, waiterDelayScale: 0.02 });
    await standIn.waitUntil(
      () => standIn.calls.some((c) => c.operation === 'GetDeployment' && c.at >= started && c.input.deploymentId === deploymentId),
      "the waiter's first poll",
      20_000,
    );
    standIn.model.continueDeployment({ deploymentId, deploymentWaitType: 'READY_WAIT' });
    const ok = await waiting;
    expect(ok).toMatchObject({ code: 0 });
    const polls = standIn.calls.filter((c) => c.operation === 'GetDeployment' && c.at >= started && c.input.deploymentId === deploymentId);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    if (ok.waiterSleeps) expect(ok.waiterSleeps).toEqual(polls.slice(1).map(() => 15));
    else expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(14_000);
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(standIn.deployment(deploymentId)!.status).toBe('Succeeded');

    // A stopped deployment is a terminal failure for the waiter: it gives up at once.
    const second = await awsJson(['create-deployment', '--application-name', APP, '--deployment-group-name', GROUP, '--revision', revisionArg()]);
    const stop = await awsJson(['stop-deployment', '--deployment-id', second.deploymentId, '--no-auto-rollback-enabled']);
    expect(stop.status).toBe('Pending');
    await standIn.waitUntil(() => standIn.deployment(second.deploymentId)!.status === 'Stopped', 'the stop');
    const failed = await aws(['wait', 'deployment-successful', '--deployment-id', second.deploymentId], { timeoutInMs: 30_000, waiterDelayScale: 0.02 });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/Waiter DeploymentSuccessful failed/);
    if (failed.waiterSleeps) expect(failed.waiterSleeps).toEqual([]);
    // A process per command waits the 15 s out.
  }, 90_000);
});
