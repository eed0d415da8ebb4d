/**
 * Fidelity of the ECS stand-in against the service model the AWS CLI itself ships (botocore's
 * `ecs/2014-11-13/service-2.json`): every answer's member names, types and enum values, and every
 * error's `__type`, must be what the model declares for that operation.
 */
import { AwsJsonError } from '../test-support/aws-json-server';
import { EcsStandIn, startEcsStandIn } from '../test-support/ecs';
import { conformToShape, describeWithServiceModels, ServiceModel } from '../test-support/service-model';

describeWithServiceModels(
  "the ECS stand-in's answers conform to the AWS CLI's ECS service model",
  ['ecs'],
  (models) => {
    const CLUSTER = 'bluegreen-cluster';
    let model: ServiceModel;
    let ecs: EcsStandIn;
    const answers: { operation: string; body: unknown }[] = [];
    const errors: { operation: string; type: string }[] = [];

    /** Calls the stand-in's API as its HTTP layer does and keeps the JSON body it would send. */
    function call(operation: string, input: unknown): any {
      const method = (operation[0]!.toLowerCase() + operation.slice(1)) as keyof typeof ecs.api;
      try {
        const body = JSON.parse(JSON.stringify((ecs.api[method] as (i: unknown) => unknown).call(ecs.api, input) ?? {}));
        answers.push({ operation, body });
        return body;
      } catch (err) {
        if (!(err instanceof AwsJsonError)) throw err;
        errors.push({ operation, type: err.type });
        return undefined;
      }
    }
    const observe = (service: string) => {
      call('DescribeServices', { cluster: CLUSTER, services: [service, 'missing'] });
      const list = call('ListServiceDeployments', { cluster: CLUSTER, service });
      const arns = list.serviceDeployments.map((d: { serviceDeploymentArn: string }) => d.serviceDeploymentArn);
      if (arns.length > 0) {
        const described = call('DescribeServiceDeployments', { serviceDeploymentArns: [...arns, `${arns[0]}x`] });
        const revisions = described.serviceDeployments.flatMap((d: any) => [d.targetServiceRevision.arn, ...d.sourceServiceRevisions.map((r: any) => r.arn)]);
        call('DescribeServiceRevisions', { serviceRevisionArns: [...new Set(revisions)] });
      }
      for (const desiredStatus of ['RUNNING', 'STOPPED']) {
        const tasks = call('ListTasks', { cluster: CLUSTER, serviceName: service, desiredStatus });
        if (tasks.taskArns.length > 0) call('DescribeTasks', { cluster: CLUSTER, tasks: [...tasks.taskArns, 'missing'] });
      }
    };

    beforeAll(async () => {
      model = models.get('ecs');
      ecs = await startEcsStandIn({
        msPerMinute: 30,
        stepInMs: 3,
        services: [
          {
            serviceName: 'linear',
            deploymentConfiguration: {
              strategy: 'LINEAR',
              bakeTimeInMinutes: 1,
              linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 },
              alarms: { alarmNames: ['a'], enable: true, rollback: true },
              lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:h', roleArn: 'arn:aws:iam::123456789012:role/r', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], hookDetails: { k: 'v' } }],
            },
          },
          { serviceName: 'failing', deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 0, deploymentCircuitBreaker: { enable: true, rollback: true } } },
        ],
        hookInvoker: async () => ({ hookStatus: 'SUCCEEDED' }),
      });
      observe('linear');
      call('UpdateService', { cluster: CLUSTER, service: 'linear', taskDefinition: 'linear:2' });
      await ecs.waitUntil(() => ecs.deployments('linear')[0]!.productionWeight === 50, 'the first step');
      observe('linear');
      await ecs.settle();
      observe('linear');
      ecs.faults.alarmWhenGreenReaches('a', 50);
      call('UpdateService', { cluster: CLUSTER, service: 'linear', taskDefinition: 'linear:3' });
      await ecs.settle();
      observe('linear');
      ecs.faults.failGreenTasks('failing', { exitCode: 2 });
      call('UpdateService', { cluster: CLUSTER, service: 'failing', forceNewDeployment: true });
      await ecs.settle();
      observe('failing');
      const stoppable = call('UpdateService', { cluster: CLUSTER, service: 'linear', taskDefinition: 'linear:4' });
      expect(stoppable.service.currentServiceDeployment).toEqual(expect.any(String));
      call('StopServiceDeployment', { serviceDeploymentArn: stoppable.service.currentServiceDeployment, stopType: 'ROLLBACK' });
      await ecs.settle();
      observe('linear');
      // Errors.
      call('StopServiceDeployment', { serviceDeploymentArn: stoppable.service.currentServiceDeployment });
      call('StopServiceDeployment', { serviceDeploymentArn: `${stoppable.service.currentServiceDeployment}x` });
      call('DescribeServices', { cluster: 'nope', services: ['linear'] });
      call('UpdateService', { cluster: CLUSTER, service: 'nope' });
      call('UpdateService', { cluster: CLUSTER, service: 'linear', taskDefinition: '???' });
      call('ListServiceDeployments', { cluster: CLUSTER, service: 'linear', maxResults: 1000 });
      call('ListServiceDeployments', { cluster: CLUSTER, service: 'nope' });
      call('ListTasks', { cluster: CLUSTER, desiredStatus: 'DONE' });
      call('DescribeTasks', { cluster: CLUSTER, tasks: [] });
    });

    afterAll(() => ecs?.close());

    test('every answer has only members the model declares, with their types and enum values', () => {
      expect(answers.length).toBeGreaterThan(30);
      expect([...new Set(answers.map((a) => a.operation))].sort()).toEqual([
        'DescribeServiceDeployments',
        'DescribeServiceRevisions',
        'DescribeServices',
        'DescribeTasks',
        'ListServiceDeployments',
        'ListTasks',
        'StopServiceDeployment',
        'UpdateService',
      ]);
      const problems = answers.flatMap(({ operation, body }) => conformToShape(model, model.operations[operation]!.output!.shape, body, operation));
      expect([...new Set(problems)]).toEqual([]);
    });

    test('the answers cover what the release and diagnostics read: stages, statuses, rollbacks, stopped tasks', () => {
      const deployments = answers.filter((a) => a.operation === 'DescribeServiceDeployments').flatMap((a) => (a.body as any).serviceDeployments);
      expect(new Set(deployments.map((d: any) => d.status))).toEqual(new Set(['IN_PROGRESS', 'SUCCESSFUL', 'ROLLBACK_SUCCESSFUL']));
      expect(deployments.some((d: any) => d.rollback && d.alarms.triggeredAlarmNames.length > 0)).toBe(true);
      expect(deployments.some((d: any) => d.deploymentCircuitBreaker.status === 'TRIGGERED')).toBe(true);
      const tasks = answers.filter((a) => a.operation === 'DescribeTasks').flatMap((a) => (a.body as any).tasks);
      expect(tasks.some((t: any) => t.stoppedReason && t.containers[0].exitCode === 2)).toBe(true);
    });

    test('every error is one the model declares for its operation', () => {
      const undeclared = errors.filter(({ operation, type }) => !(model.operations[operation]!.errors ?? []).some((e) => e.shape === type));
      expect(undeclared).toEqual([]);
      expect(new Set(errors.map((e) => e.type))).toEqual(
        new Set(['ConflictException', 'ServiceDeploymentNotFoundException', 'ClusterNotFoundException', 'ServiceNotFoundException', 'ClientException', 'InvalidParameterException']),
      );
    });

    test('the model names the JSON target prefix the stand-in serves, and its HookDetails is a free-form document', () => {
      expect(conformToShape(model, 'HookDetails', { any: { nested: [1] } }, 'hookDetails')).toEqual([]);
      expect(model.metadata.targetPrefix).toBe('AmazonEC2ContainerServiceV20141113');
      expect(model.metadata.protocol).toBe('json');
    });
  },
);
