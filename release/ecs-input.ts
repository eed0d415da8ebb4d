/**
 * The part of the release's input that depends on the deployment controller: which one deploys the
 * service (flag, variable, the stack's `deployment_controller` output, else CODE_DEPLOY), what an
 * ECS-native release needs (cluster, service, task definition), and the flags that belong to the other
 * controller. Pure; problems name the value, where it came from and what is allowed.
 */
import type { ReleaseFlagKey } from './flags';
import { type DeploymentControllerType, untilProblem } from './ecs-stages';
import type { ReleaseValues } from './values';

/** Names ECS accepts for a cluster or a service (up to 255 letters, digits, hyphens, underscores), or an ARN of one. */
const ECS_NAME = /^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:(cluster|service)\/[A-Za-z0-9_/-]{1,511})$/;
/** A task definition with its revision: `family:revision` or its ARN (RegisterTaskDefinition's family: up to 255 letters, digits, hyphens, underscores). */
const TASK_DEFINITION = /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}:[1-9]\d*$/;
/** A service deployment ARN, as `--follow` takes it with the ECS controller. */
export const SERVICE_DEPLOYMENT_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9]{1,64}$/;

/** Flags that only a CodeDeploy release uses. */
const CODEDEPLOY_ONLY: readonly ReleaseFlagKey[] = ['application', 'deploymentGroup', 'deploymentConfig', 'revision', 'appSpecBucket', 'appSpecKey', 'appSpecVersion', 'containerName', 'containerPort', 'hookEvents', 'continue'];
/** Flags that only an ECS-native release uses. */
const ECS_ONLY: readonly ReleaseFlagKey[] = ['ecsCluster', 'ecsService'];

/** The controller: `--controller`, RELEASE_CONTROLLER, the `deployment_controller` output, else CODE_DEPLOY (stacks from before ECS-native services). */
export function resolveController(values: ReleaseValues): DeploymentControllerType | undefined {
  // An output ECS's enum does not have (a problem is pushed) must not fall back to the default: every
  // CodeDeploy value would then be reported missing for what may well be a native service.
  if (values.outputInvalid('controller')) return undefined;
  return (values.get('controller') as DeploymentControllerType | undefined) ?? 'CODE_DEPLOY';
}

/** Flags given (by flag or variable) that the controller does not use: most likely a forgotten `--controller`. */
export function otherControllerProblems(values: ReleaseValues, controller: DeploymentControllerType): string[] {
  const from = values.from('controller');
  const foreign = controller === 'ECS' ? CODEDEPLOY_ONLY : ECS_ONLY;
  return foreign
    .filter((key) => values.given(key))
    .map((key) =>
      controller === 'ECS'
        ? `${values.from(key)} applies to CodeDeploy only, but the service is deployed by ECS (${from}); leave it out`
        : `${values.from(key)} applies to the ECS controller only, but the service is deployed by CodeDeploy (${from}); add --controller ECS for an ECS-native service`,
    );
}

/** `--until` values the controller cannot use. */
export function untilProblems(values: ReleaseValues, controller: DeploymentControllerType): string[] {
  const until = values.text('until');
  const problem = until === undefined ? undefined : untilProblem(until, controller, values.from('until'));
  return problem ? [problem] : [];
}

/** What an ECS-native release needs beyond the common input. */
export interface EcsSpecifics {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly taskDefinitionArn: string;
}

function checked(values: ReleaseValues, key: 'ecsCluster' | 'ecsService' | 'taskDefinitionArn', pattern: RegExp, allowed: string, problems: string[]): string | undefined {
  const value = values.required(key) as string | undefined;
  if (value !== undefined && !pattern.test(value)) problems.push(`${values.from(key)} must be ${allowed}; received ${JSON.stringify(value)}`);
  return value;
}

/** Cluster, service and task definition of an ECS-native release; undefined when a problem was pushed. */
export function resolveEcsSpecifics(values: ReleaseValues, problems: string[]): EcsSpecifics | undefined {
  const before = problems.length;
  const clusterName = checked(values, 'ecsCluster', ECS_NAME, 'a cluster name (up to 255 letters, digits, - and _) or the cluster\'s ARN', problems);
  const serviceName = checked(values, 'ecsService', ECS_NAME, 'a service name (up to 255 letters, digits, - and _) or the service\'s ARN', problems);
  const taskDefinitionArn = checked(values, 'taskDefinitionArn', TASK_DEFINITION, 'a task definition with its revision: family:revision or arn:aws:ecs:<region>:<account>:task-definition/family:revision', problems);
  if (problems.length > before || !clusterName || !serviceName || !taskDefinitionArn) return undefined;
  return { clusterName, serviceName, taskDefinitionArn };
}
