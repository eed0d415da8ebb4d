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
}

/** Environment variable names the release CLI reads (its contract with the auto-release). */
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
    AWS_REGION: inputs.region,
  };
}
