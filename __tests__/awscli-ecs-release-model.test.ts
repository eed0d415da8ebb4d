/**
 * What the release's ECS controller sends and reads, checked against the service model the AWS CLI
 * ships (botocore's `ecs/2014-11-13/service-2.json`): its requests conform to the request shapes, every
 * member it reads exists where it reads it, every enum value it compares against is one ECS sends, and
 * every error it treats specially is one the operation declares. The stand-in's answers are checked
 * against the same model by awscli-ecs-service-model.test.ts; this file checks the client side.
 */
import { ECS_RELEASE_IAM_ACTIONS } from '../release/ecs-calls';
import { buildUpdateServiceRequest } from '../release/ecs-controller';
import { ECS_ACTIVE_STATUSES, ECS_TERMINAL_STATUSES, releaseStatusOf } from '../release/ecs-progress';
import { DEPLOYMENT_CONTROLLERS, ECS_SERVICE_DEPLOYMENT_STAGES } from '../release/ecs-stages';
import { ecsReleaseInput } from '../test-support/release-input';
import { conformToShape, describeWithServiceModels, type ServiceModel } from '../test-support/service-model';

/** The shape at `path` (`Shape.member.member[]…`) of the model, or why there is none. */
function shapeAt(model: ServiceModel, path: string): { shape?: string; problem?: string } {
  const [root, ...parts] = path.split('.');
  let name = root!;
  for (const raw of parts) {
    const list = raw.endsWith('[]');
    const member = list ? raw.slice(0, -2) : raw;
    const shape = model.shapes[name];
    const next = shape?.members?.[member]?.shape;
    if (!next) return { problem: `${path}: ${member} is not a member of ${name}` };
    name = next;
    if (list) {
      const item = model.shapes[name]?.member?.shape;
      if (!item) return { problem: `${path}: ${member} is not a list` };
      name = item;
    }
  }
  return { shape: name };
}

const enumOf = (model: ServiceModel, shape: string): readonly string[] => model.shapes[shape]?.enum ?? [];

describeWithServiceModels(
  "the ECS controller's requests and reads conform to the AWS CLI's ECS service model",
  ['ecs'],
  (models) => {
    let model: ServiceModel;
    beforeAll(() => {
      model = models.get('ecs');
    });

    test('the requests it sends conform to the request shapes', () => {
      const arn = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/web/abc';
      expect(conformToShape(model, 'UpdateServiceRequest', buildUpdateServiceRequest(ecsReleaseInput()), 'UpdateService')).toEqual([]);
      expect(conformToShape(model, 'StopServiceDeploymentRequest', { serviceDeploymentArn: arn, stopType: 'ROLLBACK' }, 'StopServiceDeployment')).toEqual([]);
      expect(conformToShape(model, 'ListServiceDeploymentsRequest', { cluster: 'c', service: 'web', status: [...ECS_ACTIVE_STATUSES], maxResults: 10 }, 'ListServiceDeployments')).toEqual([]);
      expect(conformToShape(model, 'DescribeServiceDeploymentsRequest', { serviceDeploymentArns: [arn] }, 'DescribeServiceDeployments')).toEqual([]);
      expect(conformToShape(model, 'DescribeServicesRequest', { cluster: 'c', services: ['web'] }, 'DescribeServices')).toEqual([]);
    });

    test('every operation it calls exists, and is the action its IAM list names', () => {
      for (const { action } of ECS_RELEASE_IAM_ACTIONS) expect(Object.keys(model.operations)).toContain(action.replace(/^ecs:/, ''));
    });

    test('every member it reads exists where it reads it', () => {
      const paths = [
        'Service.deploymentController.type',
        'Service.taskDefinition',
        'Service.currentServiceDeployment',
        'Service.deploymentConfiguration.strategy',
        'Service.deploymentConfiguration.bakeTimeInMinutes',
        'Service.deploymentConfiguration.linearConfiguration.stepPercent',
        'Service.deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes',
        'Service.deploymentConfiguration.canaryConfiguration.canaryPercent',
        'Service.deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes',
        'DescribeServicesResponse.services[]',
        'DescribeServicesResponse.failures[].reason',
        'DescribeServicesResponse.failures[].detail',
        'UpdateServiceResponse.service.currentServiceDeployment',
        'ListServiceDeploymentsResponse.serviceDeployments[].serviceDeploymentArn',
        'ListServiceDeploymentsResponse.serviceDeployments[].status',
        'ListServiceDeploymentsResponse.serviceDeployments[].statusReason',
        'ListServiceDeploymentsResponse.serviceDeployments[].createdAt',
        'DescribeServiceDeploymentsResponse.serviceDeployments[].serviceDeploymentArn',
        'ServiceDeployment.serviceArn',
        'ServiceDeployment.status',
        'ServiceDeployment.statusReason',
        'ServiceDeployment.lifecycleStage',
        'ServiceDeployment.createdAt',
        'ServiceDeployment.finishedAt',
        'ServiceDeployment.stoppedAt',
        'ServiceDeployment.targetServiceRevision.arn',
        'ServiceDeployment.targetServiceRevision.requestedProductionTrafficWeight',
        'ServiceDeployment.targetServiceRevision.requestedTestTrafficWeight',
        'ServiceDeployment.sourceServiceRevisions[].arn',
        'ServiceDeployment.sourceServiceRevisions[].requestedProductionTrafficWeight',
        'ServiceDeployment.alarms.status',
        'ServiceDeployment.alarms.triggeredAlarmNames',
        'ServiceDeployment.deploymentCircuitBreaker.status',
        'ServiceDeployment.rollback.reason',
        'ServiceDeployment.lifecycleHookDetails[].status',
        'ServiceDeployment.lifecycleHookDetails[].targetArn',
        'ServiceDeployment.deploymentConfiguration.lifecycleHooks[].lifecycleStages',
      ];
      expect(paths.map((p) => shapeAt(model, p).problem).filter(Boolean)).toEqual([]);
    });

    test('the lifecycle stages are ECS\'s, in its order; every status is mapped; every enum value compared against exists', () => {
      expect([...ECS_SERVICE_DEPLOYMENT_STAGES]).toEqual(enumOf(model, 'ServiceDeploymentLifecycleStage'));
      const statuses = enumOf(model, 'ServiceDeploymentStatus');
      for (const s of [...ECS_TERMINAL_STATUSES, ...ECS_ACTIVE_STATUSES]) expect(statuses).toContain(s);
      // A status ECS sends that the release does not know would be passed through unmapped.
      for (const s of statuses) {
        expect(releaseStatusOf(s, 'main', false)).not.toBe(s);
        expect(releaseStatusOf(s, 'rollback', false)).not.toBe(s);
      }
      expect(enumOf(model, 'ServiceDeploymentRollbackMonitorsStatus')).toContain('TRIGGERED');
      expect(enumOf(model, 'DeploymentLifecycleHookStatus')).toContain('IN_PROGRESS');
      expect(enumOf(model, 'StopServiceDeploymentStopType')).toContain('ROLLBACK');
      expect(enumOf(model, 'DeploymentLifecycleHookStage')).toContain('PRE_PRODUCTION_TRAFFIC_SHIFT');
      expect(enumOf(model, 'DeploymentStrategy')).toEqual(expect.arrayContaining(['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY']));
      expect(enumOf(model, 'DeploymentControllerType')).toEqual(expect.arrayContaining([...DEPLOYMENT_CONTROLLERS]));
    });

    test('the errors it treats specially are ones the operations declare', () => {
      const errorsOf = (op: string): string[] => (model.operations[op]?.errors ?? []).map((e) => e.shape);
      expect(errorsOf('StopServiceDeployment')).toEqual(expect.arrayContaining(['ConflictException', 'ServiceDeploymentNotFoundException', 'AccessDeniedException']));
      expect(errorsOf('UpdateService')).toEqual(expect.arrayContaining(['ClientException', 'InvalidParameterException', 'ServiceNotFoundException', 'ServiceNotActiveException', 'ClusterNotFoundException', 'AccessDeniedException']));
      expect(errorsOf('DescribeServices')).toEqual(expect.arrayContaining(['ClusterNotFoundException']));
      expect(errorsOf('ListServiceDeployments')).toEqual(expect.arrayContaining(['ServiceNotFoundException', 'ClusterNotFoundException']));
    });
  },
);
