/** Which contract invoked the hook (hook-lambda/events.ts): CodeDeploy, ECS in both documented forms, or neither. */
import { classifyHookEvent } from '../hook-lambda/events';

const SERVICE = 'arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service';
const GREEN = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/9313423515462893900';
const BLUE = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1920498462936580504';
const DEPLOYMENT = 'arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/EZe5RNVLH6PPzHXINuP28';

/** The payload as the Developer Guide documents it today. */
const ECS_EVENT = {
  executionId: 'f4fcae0f-9bec-41c6-ba87-0eaa0cef8af5',
  lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
  resourceArn: DEPLOYMENT,
  executionDetails: { serviceArn: SERVICE, targetServiceRevisionArn: GREEN, testTrafficWeights: {}, productionTrafficWeights: { [GREEN]: 100, [BLUE]: 0 } },
  hookDetails: { S3_BUCKET_NAME: 'my-approval-bucket' },
};

test('a CodeDeploy event', () => {
  expect(classifyHookEvent({ DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'x', Extra: 1 })).toEqual({
    contract: 'codedeploy',
    event: { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'x' },
  });
});

test('an ECS event as documented, with executionDetails', () => {
  expect(classifyHookEvent(ECS_EVENT)).toEqual({
    contract: 'ecs',
    event: {
      executionId: ECS_EVENT.executionId,
      lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
      resourceArn: DEPLOYMENT,
      serviceArn: SERVICE,
      targetServiceRevisionArn: GREEN,
      testTrafficWeights: {},
      productionTrafficWeights: { [GREEN]: 100, [BLUE]: 0 },
      hookDetails: { S3_BUCKET_NAME: 'my-approval-bucket' },
    },
  });
});

test('an ECS event in the earlier documented form (fields at the top level, no stage)', () => {
  expect(classifyHookEvent({ serviceArn: SERVICE, targetServiceRevisionArn: GREEN, testTrafficWeights: {}, productionTrafficWeights: {} })).toEqual({
    contract: 'ecs',
    event: { serviceArn: SERVICE, targetServiceRevisionArn: GREEN, testTrafficWeights: {}, productionTrafficWeights: {}, hookDetails: {} },
  });
});

test.each<[string, unknown, 'codedeploy' | 'ecs' | 'unknown', RegExp]>([
  ['null', null, 'unknown', /expected a JSON object, received null/],
  ['a string', 'hello', 'unknown', /expected a JSON object, received "hello"/],
  ['an array', [ECS_EVENT], 'unknown', /expected a JSON object/],
  ['an empty object', {}, 'unknown', /neither a CodeDeploy lifecycle event .* nor an ECS lifecycle hook event/],
  ['CodeDeploy without the hook execution id', { DeploymentId: 'd-1' }, 'codedeploy', /LifecycleEventHookExecutionId must be non-empty strings/],
  ['CodeDeploy with an empty deployment id', { DeploymentId: ' ', LifecycleEventHookExecutionId: 'x' }, 'codedeploy', /DeploymentId and/],
  ['ECS with executionDetails not an object', { ...ECS_EVENT, executionDetails: 'x' }, 'ecs', /executionDetails must be an object, received "x"/],
  ['ECS without the service ARN', { ...ECS_EVENT, executionDetails: { ...ECS_EVENT.executionDetails, serviceArn: undefined } }, 'ecs', /executionDetails\.serviceArn must be an ARN, received undefined/],
  ['ECS with a target revision that is no ARN', { ...ECS_EVENT, executionDetails: { ...ECS_EVENT.executionDetails, targetServiceRevisionArn: 'green' } }, 'ecs', /targetServiceRevisionArn must be an ARN, received "green"/],
  ['ECS with a weight above 100', { ...ECS_EVENT, executionDetails: { ...ECS_EVENT.executionDetails, productionTrafficWeights: { [GREEN]: 150 } } }, 'ecs', /productionTrafficWeights must map service revision ARNs to percentages from 0 to 100/],
  ['ECS with an unknown stage', { ...ECS_EVENT, lifecycleStage: 'BAKE_TIME' }, 'ecs', /lifecycleStage must be one of RECONCILE_SERVICE, .*received "BAKE_TIME"/],
  ['ECS with hookDetails a list', { ...ECS_EVENT, hookDetails: [1] }, 'ecs', /hookDetails must be an object, received \[1\]/],
  ['ECS with an empty execution id', { ...ECS_EVENT, executionId: '' }, 'ecs', /executionId must be a non-empty string/],
])('%s is malformed, named, and attributed to its contract', (_name, event, contract, message) => {
  const r = classifyHookEvent(event);
  expect(r.contract).toBe(contract);
  expect('problem' in r && r.problem).toMatch(message);
});

test('every problem of an ECS event is named at once', () => {
  const r = classifyHookEvent({ lifecycleStage: 'NOPE', executionDetails: { serviceArn: 1 } });
  expect('problem' in r && r.problem.split('; ')).toHaveLength(3);
});

test('an event whose JSON cannot be shown still gets a message', () => {
  const cyclic: Record<string, unknown> = { DeploymentId: 1 };
  cyclic.self = cyclic;
  expect(classifyHookEvent(cyclic)).toMatchObject({ contract: 'codedeploy', problem: expect.stringMatching(/received \[object Object\]/) });
});
