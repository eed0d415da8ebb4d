/**
 * The stack outputs the release needs: the contract between the stack (which declares them) and the
 * release CLI (which reads them from `cdktf deploy --outputs-file` or `terraform output -json`).
 * Names are snake_case `<resource>_<attribute>` and are part of the public API: renaming one breaks
 * every pipeline that reads it.
 */
export const OUTPUT_NAMES = {
  region: 'aws_region',
  applicationName: 'codedeploy_application_name',
  deploymentGroupName: 'codedeploy_deployment_group_name',
  deploymentConfigName: 'codedeploy_deployment_config_name',
  clusterName: 'ecs_cluster_name',
  serviceName: 'ecs_service_name',
  taskDefinitionArn: 'ecs_task_definition_arn',
  containerName: 'ecs_container_name',
  containerPort: 'ecs_container_port',
  hookFunctionName: 'hook_function_name',
  /** Comma-separated ECS lifecycle events the hook function is registered for, in AppSpec order. */
  hookLifecycleEvents: 'hook_lifecycle_events',
  appSpecBucketName: 'appspec_bucket_name',
  appSpecObjectKey: 'appspec_object_key',
  appSpecObjectVersionId: 'appspec_object_version_id',
  productionUrl: 'alb_production_url',
  testUrl: 'alb_test_url',
  ecrRepositoryUrl: 'ecr_repository_url',
  serviceLogGroupName: 'ecs_log_group_name',
  hookLogGroupName: 'hook_log_group_name',
  /**
   * Which deployment controller deploys the service: one of {@link DEPLOYMENT_CONTROLLERS}. Absent
   * means `CODE_DEPLOY` (stacks from before ECS-native services).
   */
  deploymentController: 'deployment_controller',
  /** Comma-separated ECS lifecycle stages the hook runs at (ECS-native services; empty for CodeDeploy). */
  hookLifecycleStages: 'hook_lifecycle_stages',
  /** ARN of the blue target group (the one a new service starts on). */
  blueTargetGroupArn: 'alb_blue_target_group_arn',
  /** ARN of the green target group. */
  greenTargetGroupArn: 'alb_green_target_group_arn',
  /** ARN of the production listener rule ECS shifts (ECS-native services; empty for CodeDeploy, whose routes are listeners). */
  productionListenerRuleArn: 'alb_production_listener_rule_arn',
  /** ARN of the test listener rule (ECS-native services; empty for CodeDeploy). */
  testListenerRuleArn: 'alb_test_listener_rule_arn',
} as const;

/** The values of the {@link OUTPUT_NAMES}.deploymentController output (the ECS API's DeploymentControllerType, less EXTERNAL). */
export const DEPLOYMENT_CONTROLLERS = ['CODE_DEPLOY', 'ECS'] as const;

/**
 * The outputs `npm run release` reads for a service with `deployment_controller` = `ECS` (top level for
 * a one-service stack, or that service's entry of {@link SERVICES_OUTPUT}): the first five are needed
 * to release it (the task definition is the one Terraform registered, which the service itself ignores);
 * the hook's function and log group are named when a deployment fails at a hook stage. A native service
 * has no CodeDeploy application, deployment group or AppSpec outputs.
 */
export const ECS_NATIVE_RELEASE_OUTPUTS = ['deploymentController', 'region', 'clusterName', 'serviceName', 'taskDefinitionArn', 'hookFunctionName', 'hookLogGroupName'] as const satisfies readonly (keyof typeof OUTPUT_NAMES)[];

/**
 * Stacks with several services (docs/configuration.md, `services`): one top-level output of this name
 * holds an object keyed by service name, each value an object with the per-service keys of
 * {@link OUTPUT_NAMES} (same snake_case names; `aws_region` and `codedeploy_application_name` are
 * repeated in each for convenience). A stack with exactly one service also keeps every top-level output
 * of {@link OUTPUT_NAMES} as before, so pipelines written for one service keep working.
 */
export const SERVICES_OUTPUT = 'services';

/** Key of a stack output in {@link OUTPUT_NAMES}. */
export type OutputKey = keyof typeof OUTPUT_NAMES;
