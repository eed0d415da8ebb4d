/**
 * Pure builder of what the stack's auto-release passes to `npm run release`. No cdktf imports: values
 * may be Terraform references, resolved by Terraform when the provisioner runs.
 */

/** What the release needs to know about the stack. */
export interface AutoReleaseInputs {
  readonly stackName: string;
  readonly region: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly taskDefinitionArn: string;
  readonly containerName: string;
  readonly containerPort: number;
  readonly hookFunctionName: string;
  /** Log group of the hook, which the release names when a hook fails. */
  readonly hookLogGroupName: string;
  /** Lifecycle events the hook is wired to, in AppSpec order. */
  readonly hookLifecycleEvents: readonly string[];
  /**
   * The service released, in a stack with several: its name labels the release's output and report.
   * @default - none (a stack with one service)
   */
  readonly serviceName?: string;
}

/**
 * Every environment variable the release CLI reads in place of a flag (release/flags.ts declares each
 * flag with its variable from here), and so the contract with the stack's auto-release, which sets
 * the first ten. Part of the public API: pipelines set these names.
 */
export const RELEASE_ENV = {
  stack: 'RELEASE_STACK',
  application: 'RELEASE_APPLICATION',
  deploymentGroup: 'RELEASE_DEPLOYMENT_GROUP',
  taskDefinitionArn: 'RELEASE_TASK_DEFINITION_ARN',
  containerName: 'RELEASE_CONTAINER_NAME',
  containerPort: 'RELEASE_CONTAINER_PORT',
  hookFunction: 'RELEASE_HOOK_FUNCTION',
  hookEvents: 'RELEASE_HOOK_EVENTS',
  hookLogGroup: 'RELEASE_HOOK_LOG_GROUP',
  region: 'RELEASE_REGION',
  outputsFile: 'RELEASE_OUTPUTS_FILE',
  revision: 'RELEASE_REVISION',
  appSpecBucket: 'RELEASE_APPSPEC_BUCKET',
  appSpecKey: 'RELEASE_APPSPEC_KEY',
  appSpecVersion: 'RELEASE_APPSPEC_VERSION',
  deploymentConfig: 'RELEASE_DEPLOYMENT_CONFIG',
  description: 'RELEASE_DESCRIPTION',
  timeoutInMinutes: 'RELEASE_TIMEOUT_IN_MINUTES',
  until: 'RELEASE_UNTIL',
  follow: 'RELEASE_FOLLOW',
  endpointUrl: 'RELEASE_ENDPOINT_URL',
  pollMinIntervalInMs: 'RELEASE_POLL_MIN_INTERVAL_IN_MS',
  pollMaxIntervalInMs: 'RELEASE_POLL_MAX_INTERVAL_IN_MS',
  minuteInMs: 'RELEASE_MINUTE_IN_MS',
  service: 'RELEASE_SERVICE',
  controller: 'RELEASE_CONTROLLER',
  ecsCluster: 'RELEASE_ECS_CLUSTER',
  ecsService: 'RELEASE_ECS_SERVICE',
} as const;

/** The command the provisioner runs (from the project root). */
export function autoReleaseCommand(stackName: string): string {
  return `npm run release -- --stack ${stackName}`;
}

/**
 * Environment of the release run. Values travel by environment, never interpolated into the shell
 * command, so no quoting issue can turn a value into a command. `AWS_REGION` is set too, for the SDK.
 */
export function autoReleaseEnvironment(inputs: AutoReleaseInputs): Record<string, string> {
  return {
    [RELEASE_ENV.stack]: inputs.stackName,
    [RELEASE_ENV.application]: inputs.applicationName,
    [RELEASE_ENV.deploymentGroup]: inputs.deploymentGroupName,
    [RELEASE_ENV.taskDefinitionArn]: inputs.taskDefinitionArn,
    [RELEASE_ENV.containerName]: inputs.containerName,
    [RELEASE_ENV.containerPort]: String(inputs.containerPort),
    [RELEASE_ENV.hookFunction]: inputs.hookFunctionName,
    [RELEASE_ENV.hookEvents]: inputs.hookLifecycleEvents.join(','),
    [RELEASE_ENV.hookLogGroup]: inputs.hookLogGroupName,
    [RELEASE_ENV.region]: inputs.region,
    ...(inputs.serviceName !== undefined ? { [RELEASE_ENV.service]: inputs.serviceName } : {}),
    AWS_REGION: inputs.region,
  };
}
