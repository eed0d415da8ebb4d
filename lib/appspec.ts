/**
 * Pure AppSpec builder for ECS blue/green deployments.
 *
 * The stack renders the AppSpec it stores in S3 with this module, and the release CLI renders the
 * inline `AppSpecContent` with it too, so both revision types always describe the same deployment.
 * No cdktf imports here: this module is loaded by the release CLI and the CodeDeploy stand-in.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

/** Every lifecycle event of an ECS blue/green deployment, in CodeDeploy's order. */
export const ECS_LIFECYCLE_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
] as const;

/** An ECS lifecycle event name. */
export type EcsLifecycleEvent = (typeof ECS_LIFECYCLE_EVENTS)[number];

/** Lifecycle events of an ECS deployment that may run a hook function, in CodeDeploy's order. */
export const ECS_HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;

/** A lifecycle event of an ECS deployment that may run a hook function. */
export type EcsHookEvent = (typeof ECS_HOOK_EVENTS)[number];

/** What an ECS AppSpec says about the service and its hooks. */
export interface AppSpecInput {
  /** ARN of the task definition the green task set runs. */
  readonly taskDefinitionArn: string;
  /** Name of the container the load balancer sends traffic to. */
  readonly containerName: string;
  /** Port of that container (1-65535). */
  readonly containerPort: number;
  /**
   * Hook function (name or ARN) per lifecycle event.
   * @default - no hooks
   */
  readonly hooks?: Partial<Record<EcsHookEvent, string>>;
  /**
   * Fargate platform version of the green task set.
   * @default - the service's platform version
   */
  readonly platformVersion?: string;
}

/** The AppSpec document as CodeDeploy reads it (ECS flavour). */
export interface AppSpecDocument {
  readonly version: '0.0';
  readonly Resources: ReadonlyArray<{
    readonly TargetService: {
      readonly Type: 'AWS::ECS::Service';
      readonly Properties: {
        readonly TaskDefinition: string;
        readonly LoadBalancerInfo: { readonly ContainerName: string; readonly ContainerPort: number };
        readonly PlatformVersion?: string;
      };
    };
  }>;
  readonly Hooks?: ReadonlyArray<Partial<Record<EcsHookEvent, string>>>;
}

/** Thrown when an AppSpec input is invalid; the message names the field, the value and what is allowed. */
export class AppSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppSpecError';
  }
}

/** Returns the problems with an AppSpec input (empty when it is valid). */
export function validateAppSpecInput(input: AppSpecInput): string[] {
  const errors: string[] = [];
  // A Terraform reference (`${...}`, or a cdktf token before synthesis) is resolved by Terraform later.
  const isReference = typeof input.taskDefinitionArn === 'string' && input.taskDefinitionArn.includes('${');
  if (!isReference && (typeof input.taskDefinitionArn !== 'string' || !/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/.test(input.taskDefinitionArn))) {
    errors.push(`taskDefinitionArn must be an ECS task definition ARN with a revision (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>), got ${JSON.stringify(input.taskDefinitionArn)}`);
  }
  if (typeof input.containerName !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(input.containerName)) {
    errors.push(`containerName must be 1-255 letters, digits, hyphens or underscores, got ${JSON.stringify(input.containerName)}`);
  }
  if (!Number.isInteger(input.containerPort) || input.containerPort < 1 || input.containerPort > 65535) {
    errors.push(`containerPort must be an integer from 1 to 65535, got ${JSON.stringify(input.containerPort)}`);
  }
  for (const [event, fn] of Object.entries(input.hooks ?? {})) {
    if (!(ECS_HOOK_EVENTS as readonly string[]).includes(event)) {
      errors.push(`hooks.${event} is not an ECS lifecycle event; allowed: ${ECS_HOOK_EVENTS.join(', ')}`);
    } else if (typeof fn !== 'string' || fn.length === 0) {
      errors.push(`hooks.${event} must be a Lambda function name or ARN, got ${JSON.stringify(fn)}`);
    }
  }
  return errors;
}

/**
 * Builds the AppSpec document. Hooks are listed in CodeDeploy's lifecycle order whatever order the
 * input gives, so the rendered text (and its sha256) depends only on the content.
 * @throws AppSpecError when the input is invalid
 */
export function buildAppSpec(input: AppSpecInput): AppSpecDocument {
  const errors = validateAppSpecInput(input);
  if (errors.length > 0) throw new AppSpecError(`Invalid AppSpec input:\n  - ${errors.join('\n  - ')}`);
  const properties = {
    TaskDefinition: input.taskDefinitionArn,
    LoadBalancerInfo: { ContainerName: input.containerName, ContainerPort: input.containerPort },
    ...(input.platformVersion ? { PlatformVersion: input.platformVersion } : {}),
  };
  const hooks = ECS_HOOK_EVENTS.filter((e) => input.hooks?.[e]).map((e) => ({ [e]: input.hooks![e]! }));
  return {
    version: '0.0',
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }],
    ...(hooks.length > 0 ? { Hooks: hooks } : {}),
  };
}

/** Renders the AppSpec as YAML (the S3 revision, `bundleType: YAML`). */
export function renderAppSpecYaml(input: AppSpecInput): string {
  // lineWidth 0: long ARNs must never be folded onto a second line.
  return stringify(buildAppSpec(input), { lineWidth: 0 });
}

/** Renders the AppSpec as compact JSON (the inline `AppSpecContent` revision). */
export function renderAppSpecJson(input: AppSpecInput): string {
  return JSON.stringify(buildAppSpec(input));
}

/** Hex sha256 of an AppSpec's text, as CodeDeploy expects in `appSpecContent.sha256`. */
export function appSpecSha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}
