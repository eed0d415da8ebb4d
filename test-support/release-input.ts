/**
 * Builders of release inputs for tests: a complete, valid CodeDeploy input (inline AppSpec with a
 * hook), an ECS-native one, and the stack outputs a release reads, each overridable field by field.
 */
import { appSpecSha256, type AppSpecInput, renderAppSpecJson } from '../lib/appspec';
import type { CodeDeployReleaseInput, EcsReleaseInput, ReleaseInput, ReleaseRevision } from '../release/input';

/** The task definition of {@link releaseInput}'s AppSpec. */
export const TEST_TASK_DEFINITION_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7';

/** An inline revision for an AppSpec input (content and sha256 as the release renders them). */
export function inlineRevision(appSpec: AppSpecInput): ReleaseRevision {
  const content = renderAppSpecJson(appSpec);
  return { type: 'inline', appSpec, content, sha256: appSpecSha256(content) };
}

/** What both controllers' test inputs share: a real run (no dry run), plain output, default poll intervals. */
const SHARED_DEFAULTS = {
    description: 'abc123 release',
    dryRun: false,
    activePolicy: 'fail' as const,
    continueWhenReady: false,
    stopOnTimeout: false,
    json: false,
    pollMinIntervalInMs: 1000,
    pollMaxIntervalInMs: 10000,
    allowTty: false,
};

/**
 * A valid release input: application `app`, group `group` in us-east-1, container `web:8080`, hook
 * `CodeDeployHook_web` at AfterAllowTestTraffic, default poll intervals, plain output.
 */
export function releaseInput(overrides: Partial<CodeDeployReleaseInput> = {}): CodeDeployReleaseInput {
  return {
    region: 'us-east-1',
    applicationName: 'app',
    deploymentGroupName: 'group',
    revision: inlineRevision({ taskDefinitionArn: TEST_TASK_DEFINITION_ARN, containerName: 'web', containerPort: 8080, hooks: { AfterAllowTestTraffic: 'CodeDeployHook_web' } }),
    hookFunctionName: 'CodeDeployHook_web',
    ...SHARED_DEFAULTS,
    ...overrides,
  };
}

/** The input, known to be a CodeDeploy release's (throws when it is an ECS-native release's). */
export function codeDeployInput(input: ReleaseInput): CodeDeployReleaseInput {
  if (input.controller === 'ECS') throw new Error(`expected a CodeDeploy release input, got an ECS one: ${JSON.stringify(input)}`);
  return input;
}

/** The input, known to be an ECS-native release's (throws when it is a CodeDeploy release's). */
export function ecsInput(input: ReleaseInput): EcsReleaseInput {
  if (input.controller !== 'ECS') throw new Error(`expected an ECS release input, got a CodeDeploy one: ${JSON.stringify(input)}`);
  return input;
}

/** The task definition of {@link ecsReleaseInput}. */
export const TEST_ECS_TASK_DEFINITION_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8';

/**
 * A valid ECS-native release input: service `web` in cluster `bluegreen-cluster`, us-east-1, task
 * definition `web:8`, hook `web-hook`, default poll intervals, plain output.
 */
export function ecsReleaseInput(overrides: Partial<EcsReleaseInput> = {}): EcsReleaseInput {
  return {
    controller: 'ECS',
    region: 'us-east-1',
    clusterName: 'bluegreen-cluster',
    serviceName: 'web',
    taskDefinitionArn: TEST_ECS_TASK_DEFINITION_ARN,
    hookFunctionName: 'web-hook',
    ...SHARED_DEFAULTS,
    ...overrides,
  };
}

/**
 * The outputs of a one-service stack, by output name (the values `cdktf deploy --outputs-file` writes
 * per stack); `undefined` in `overrides` removes an output.
 */
export function stackOutputs(overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const outputs: Record<string, unknown> = {
    aws_region: 'eu-west-1',
    codedeploy_application_name: 'bluegreen-dev',
    codedeploy_deployment_group_name: 'bluegreen-dev-dg',
    ecs_task_definition_arn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12',
    ecs_container_name: 'web',
    ecs_container_port: 8080,
    hook_function_name: 'CodeDeployHook_bluegreen-dev',
    hook_lifecycle_events: 'AfterAllowTestTraffic,BeforeAllowTraffic',
    appspec_bucket_name: 'bluegreen-dev-appspec',
    appspec_object_key: 'appspec.yaml',
    appspec_object_version_id: 'ver-1',
    ...overrides,
  };
  for (const [k, v] of Object.entries(outputs)) if (v === undefined) delete outputs[k];
  return outputs;
}
