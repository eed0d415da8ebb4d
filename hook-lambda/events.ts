/**
 * Which contract invoked the hook, and whether its event is well formed. Pure: no I/O.
 *
 * - **CodeDeploy** (ECS blue/green through CodeDeploy) invokes the function asynchronously with
 *   `{ DeploymentId, LifecycleEventHookExecutionId }` and waits for a
 *   `PutLifecycleEventHookExecutionStatus` call ("AppSpec 'hooks' section for an Amazon ECS
 *   deployment", AWS CodeDeploy User Guide).
 * - **ECS** (the native blue/green, linear and canary strategies) invokes it synchronously at the
 *   configured lifecycle stages with `{ executionId, lifecycleStage, resourceArn, executionDetails:
 *   { serviceArn, targetServiceRevisionArn, testTrafficWeights, productionTrafficWeights },
 *   hookDetails? }` and reads the returned `{ hookStatus, callBackDelay?, hookDetails? }` ("Lambda
 *   hooks for Amazon ECS service deployments", "Lifecycle payloads", Amazon ECS Developer Guide). An
 *   earlier version of that page showed the `executionDetails` fields at the top level; both forms are
 *   accepted.
 */

/** The CodeDeploy lifecycle hook event. */
export interface CodeDeployHookEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/** The lifecycle stages a Lambda hook can be configured at (DeploymentLifecycleHook.lifecycleStages). */
export const ECS_HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
export type EcsHookStage = (typeof ECS_HOOK_STAGES)[number];

/** The ECS lifecycle hook event, normalized (the `executionDetails` fields at hand). */
export interface EcsHookEvent {
  readonly executionId?: string;
  /** Absent in the earlier documented form of the payload. */
  readonly lifecycleStage?: EcsHookStage;
  /** The service deployment's ARN. */
  readonly resourceArn?: string;
  readonly serviceArn: string;
  readonly targetServiceRevisionArn: string;
  /** Service revision ARN → percent of test traffic. */
  readonly testTrafficWeights: Readonly<Record<string, number>>;
  /** Service revision ARN → percent of production traffic. */
  readonly productionTrafficWeights: Readonly<Record<string, number>>;
  /** The configured hookDetails merged with what earlier IN_PROGRESS answers returned. */
  readonly hookDetails: Readonly<Record<string, unknown>>;
}

/** The answer ECS reads from the function. `callBackDelay` is in seconds (ECS's default is 30). */
export interface EcsHookResponse {
  readonly hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  readonly callBackDelay?: number;
  readonly hookDetails?: Readonly<Record<string, unknown>>;
}

/** The event, by contract; or why it cannot be handled (and which contract it seems to be). */
export type ClassifiedHookEvent =
  | { readonly contract: 'codedeploy'; readonly event: CodeDeployHookEvent }
  | { readonly contract: 'ecs'; readonly event: EcsHookEvent }
  | { readonly contract: 'codedeploy' | 'ecs' | 'unknown'; readonly problem: string };

const CODEDEPLOY_KEYS = ['DeploymentId', 'LifecycleEventHookExecutionId'];
const ECS_KEYS = ['executionDetails', 'lifecycleStage', 'executionId', 'resourceArn', 'serviceArn', 'targetServiceRevisionArn', 'hookDetails'];

/** The event as JSON, cut short, for messages (never throws). */
export function showEvent(event: unknown): string {
  try {
    return JSON.stringify(event)?.slice(0, 300) ?? String(event);
  } catch {
    return String(event);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function weights(value: unknown, field: string, problems: string[]): Record<string, number> {
  if (value === undefined) return {};
  if (!isObject(value) || Object.values(value).some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100)) {
    problems.push(`${field} must map service revision ARNs to percentages from 0 to 100, received ${showEvent(value)}`);
    return {};
  }
  return value as Record<string, number>;
}

function parseEcs(e: Record<string, unknown>): ClassifiedHookEvent {
  const problems: string[] = [];
  if (e.executionDetails !== undefined && !isObject(e.executionDetails)) problems.push(`executionDetails must be an object, received ${showEvent(e.executionDetails)}`);
  const details = isObject(e.executionDetails) ? e.executionDetails : e;
  const where = isObject(e.executionDetails) ? 'executionDetails.' : '';
  for (const field of ['serviceArn', 'targetServiceRevisionArn']) {
    if (!nonEmpty(details[field]) || !String(details[field]).startsWith('arn:')) problems.push(`${where}${field} must be an ARN, received ${showEvent(details[field])}`);
  }
  const test = weights(details.testTrafficWeights, `${where}testTrafficWeights`, problems);
  const production = weights(details.productionTrafficWeights, `${where}productionTrafficWeights`, problems);
  if (e.lifecycleStage !== undefined && !(ECS_HOOK_STAGES as readonly unknown[]).includes(e.lifecycleStage)) {
    problems.push(`lifecycleStage must be one of ${ECS_HOOK_STAGES.join(', ')}, received ${showEvent(e.lifecycleStage)}`);
  }
  for (const field of ['executionId', 'resourceArn']) {
    if (e[field] !== undefined && !nonEmpty(e[field])) problems.push(`${field} must be a non-empty string, received ${showEvent(e[field])}`);
  }
  if (e.hookDetails !== undefined && e.hookDetails !== null && !isObject(e.hookDetails)) problems.push(`hookDetails must be an object, received ${showEvent(e.hookDetails)}`);
  if (problems.length > 0) return { contract: 'ecs', problem: `malformed ECS lifecycle hook event: ${problems.join('; ')}` };
  return {
    contract: 'ecs',
    event: {
      ...(nonEmpty(e.executionId) ? { executionId: e.executionId } : {}),
      ...(e.lifecycleStage !== undefined ? { lifecycleStage: e.lifecycleStage as EcsHookStage } : {}),
      ...(nonEmpty(e.resourceArn) ? { resourceArn: e.resourceArn } : {}),
      serviceArn: details.serviceArn as string,
      targetServiceRevisionArn: details.targetServiceRevisionArn as string,
      testTrafficWeights: test,
      productionTrafficWeights: production,
      hookDetails: isObject(e.hookDetails) ? e.hookDetails : {},
    },
  };
}

/** Tells the contracts apart by their fields and validates the event of the one it is. */
export function classifyHookEvent(event: unknown): ClassifiedHookEvent {
  if (!isObject(event)) return { contract: 'unknown', problem: `the event is neither a CodeDeploy nor an ECS lifecycle hook event: expected a JSON object, received ${showEvent(event)}` };
  if (CODEDEPLOY_KEYS.some((k) => k in event)) {
    if (!nonEmpty(event.DeploymentId) || !nonEmpty(event.LifecycleEventHookExecutionId)) {
      return { contract: 'codedeploy', problem: `malformed CodeDeploy lifecycle event: DeploymentId and LifecycleEventHookExecutionId must be non-empty strings, received ${showEvent(event)}` };
    }
    return { contract: 'codedeploy', event: { DeploymentId: event.DeploymentId, LifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId } };
  }
  if (ECS_KEYS.some((k) => k in event)) return parseEcs(event);
  return {
    contract: 'unknown',
    problem: `the event is neither a CodeDeploy lifecycle event (DeploymentId, LifecycleEventHookExecutionId) nor an ECS lifecycle hook event (executionDetails, lifecycleStage, …): received ${showEvent(event)}`,
  };
}
