/**
 * Fidelity of the ECS stand-in, judged by an independent client: the AWS CLI (botocore's own model
 * and parsers) must parse its answers to the calls a native blue/green release and its diagnostics make.
 */
import { AwsCli, AwsCliResult, describeWithAwsCli, startAwsCli } from '../test-support/aws-cli';
import { isolatedAwsEnv, removeIsolatedAwsHomes } from '../test-support/codedeploy/release-process';
import { EcsStandIn, startEcsStandIn } from '../test-support/ecs';

const CLUSTER = 'bluegreen-cluster';

describeWithAwsCli('the AWS CLI parses the ECS stand-in', () => {
  let ecs: EcsStandIn;
  let cli: AwsCli;

  const aws = (args: readonly string[]): Promise<AwsCliResult> => cli.run(['ecs', ...args, '--endpoint-url', ecs.endpoint, '--output', 'json']);
  const awsJson = (args: readonly string[]): Promise<any> => cli.json(['ecs', ...args, '--endpoint-url', ecs.endpoint, '--output', 'json']);

  beforeAll(async () => {
    cli = await startAwsCli({ PATH: process.env.PATH, HOME: process.env.HOME, ...isolatedAwsEnv() });
    ecs = await startEcsStandIn({
      msPerMinute: 600,
      stepInMs: 10,
      services: [
        { serviceName: 'web', deploymentConfiguration: { strategy: 'LINEAR', bakeTimeInMinutes: 1000, linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 0 } } },
        { serviceName: 'failing', deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, deploymentCircuitBreaker: { enable: true, rollback: true } } },
      ],
    });
  });

  afterAll(async () => {
    await cli?.close();
    await ecs?.close();
    removeIsolatedAwsHomes();
  });

  test('update-service, list-service-deployments, describe-service-deployments, stop-service-deployment', async () => {
    const updated = await awsJson(['update-service', '--cluster', CLUSTER, '--service', 'web', '--task-definition', 'web:2']);
    expect(updated.service).toMatchObject({ serviceName: 'web', taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2', deploymentController: { type: 'ECS' } });
    const listed = await awsJson(['list-service-deployments', '--cluster', CLUSTER, '--service', 'web']);
    expect(listed.serviceDeployments).toHaveLength(1);
    const arn = listed.serviceDeployments[0].serviceDeploymentArn as string;
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-deployment\/bluegreen-cluster\/web\/[A-Za-z0-9]{21}$/);
    await ecs.waitUntil(() => ecs.deployments('web')[0]!.lifecycleStage === 'BAKE_TIME', 'the bake time');
    const described = await awsJson(['describe-service-deployments', '--service-deployment-arns', arn]);
    expect(described.serviceDeployments[0]).toMatchObject({
      status: 'IN_PROGRESS',
      lifecycleStage: 'BAKE_TIME',
      targetServiceRevision: { requestedProductionTrafficWeight: 100.0, requestedTestTrafficWeight: 100.0, runningTaskCount: 2 },
      deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 50.0, stepBakeTimeInMinutes: 0 } },
    });
    // The CLI parsed the epoch seconds as a timestamp (v1 prints them back as numbers, v2 as ISO 8601).
    const createdAt = described.serviceDeployments[0].createdAt as number | string;
    expect(Math.abs(new Date(typeof createdAt === 'number' ? createdAt * 1000 : createdAt).getTime() - Date.now())).toBeLessThan(120_000);
    expect(await awsJson(['stop-service-deployment', '--service-deployment-arn', arn, '--stop-type', 'ROLLBACK'])).toEqual({ serviceDeploymentArn: arn });
    await ecs.settle();
    const after = await awsJson(['list-service-deployments', '--cluster', CLUSTER, '--service', 'web', '--status', 'ROLLBACK_SUCCESSFUL']);
    expect(after.serviceDeployments.map((d: any) => d.serviceDeploymentArn)).toEqual([arn]);
  });

  test('describe-services with events, list-tasks and describe-tasks of stopped green tasks', async () => {
    ecs.faults.failGreenTasks('failing', { exitCode: 139, stoppedReason: 'Essential container in task exited' });
    await awsJson(['update-service', '--cluster', CLUSTER, '--service', 'failing', '--force-new-deployment']);
    await ecs.settle();
    const services = await awsJson(['describe-services', '--cluster', CLUSTER, '--services', 'failing', 'missing']);
    expect(services.failures).toEqual([{ arn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/missing`, reason: 'MISSING' }]);
    expect(services.services[0].events.map((e: any) => e.message)).toContainEqual(expect.stringMatching(/deployment failed: tasks failed to start\.$/));
    const stopped = await awsJson(['list-tasks', '--cluster', CLUSTER, '--service-name', 'failing', '--desired-status', 'STOPPED']);
    expect(stopped.taskArns.length).toBeGreaterThanOrEqual(3);
    const tasks = await awsJson(['describe-tasks', '--cluster', CLUSTER, '--tasks', ...stopped.taskArns]);
    expect(tasks.tasks[0]).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ exitCode: 139 }] });
  });

  test('an error exits non-zero with the exception name and message', async () => {
    const r = await aws(['describe-services', '--cluster', 'nope', '--services', 'web']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ClusterNotFoundException.*Cluster not found\./s);
  });
});
