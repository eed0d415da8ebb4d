/**
 * The lifecycle stages of an ECS-native service deployment, and how `--until` maps CodeDeploy's
 * stages onto them. Pure: no I/O.
 *
 * ECS reports one current `lifecycleStage` per service deployment (DescribeServiceDeployments,
 * ServiceDeploymentLifecycleStage in botocore's `ecs/2014-11-13/service-2.json`); a stage counts as
 * reached, as a CodeDeploy lifecycle event counts once it succeeded, when ECS has moved past it (or the
 * deployment succeeded). PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage only (DeploymentLifecycleHookStage),
 * never a `lifecycleStage`: its hooks run when PRODUCTION_TRAFFIC_SHIFT begins.
 */
import { ECS_LIFECYCLE_EVENTS } from '../lib/appspec';
import { DEPLOYMENT_CONTROLLERS } from '../lib/outputs';
import { UNTIL_STAGES } from './progress';

/** ServiceDeploymentLifecycleStage, in the order a blue/green, linear or canary deployment runs them. */
export const ECS_SERVICE_DEPLOYMENT_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

/** One ECS lifecycle stage. */
export type EcsServiceDeploymentStage = (typeof ECS_SERVICE_DEPLOYMENT_STAGES)[number];

export { DEPLOYMENT_CONTROLLERS };
/** A deployment controller a release can drive (DeploymentControllerType of the ECS API, less EXTERNAL). */
export type DeploymentControllerType = (typeof DEPLOYMENT_CONTROLLERS)[number];

/** One row of the `--until` mapping: a stage name and what it means under each controller. */
export interface UntilStageMapping {
  /** What `--until` takes. */
  readonly until: string;
  /** The CodeDeploy lifecycle event that must have succeeded (or the state that counts). */
  readonly codeDeploy: string;
  /** The ECS lifecycle stage ECS must have moved past. */
  readonly ecs: EcsServiceDeploymentStage;
  /** Why the ECS stage was chosen, when it is not a plain one-to-one match (docs/release.md shows it). */
  readonly note?: string;
}

const PRE_PRODUCTION_NOTE = 'ECS has no ready wait and no lifecycle stage of its own before production traffic moves: PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage only, run as PRODUCTION_TRAFFIC_SHIFT begins';

/**
 * The `--until` stages and CodeDeploy's lifecycle events, mapped onto ECS lifecycle stages (the table
 * of docs/release.md is tested against this). An ECS stage name is also accepted, with the ECS
 * controller only.
 */
export const UNTIL_STAGE_MAP: readonly UntilStageMapping[] = [
  { until: 'install', codeDeploy: 'Install', ecs: 'SCALE_UP' },
  { until: 'test-traffic', codeDeploy: 'AfterAllowTestTraffic', ecs: 'POST_TEST_TRAFFIC_SHIFT' },
  { until: 'ready', codeDeploy: 'Ready, or BeforeAllowTraffic', ecs: 'POST_TEST_TRAFFIC_SHIFT', note: PRE_PRODUCTION_NOTE },
  { until: 'traffic-shifted', codeDeploy: 'AllowTraffic', ecs: 'PRODUCTION_TRAFFIC_SHIFT' },
  { until: 'BeforeInstall', codeDeploy: 'BeforeInstall', ecs: 'PRE_SCALE_UP' },
  { until: 'Install', codeDeploy: 'Install', ecs: 'SCALE_UP' },
  { until: 'AfterInstall', codeDeploy: 'AfterInstall', ecs: 'POST_SCALE_UP' },
  { until: 'AllowTestTraffic', codeDeploy: 'AllowTestTraffic', ecs: 'TEST_TRAFFIC_SHIFT' },
  { until: 'AfterAllowTestTraffic', codeDeploy: 'AfterAllowTestTraffic', ecs: 'POST_TEST_TRAFFIC_SHIFT' },
  { until: 'BeforeAllowTraffic', codeDeploy: 'BeforeAllowTraffic', ecs: 'POST_TEST_TRAFFIC_SHIFT', note: PRE_PRODUCTION_NOTE },
  { until: 'AllowTraffic', codeDeploy: 'AllowTraffic', ecs: 'PRODUCTION_TRAFFIC_SHIFT' },
  { until: 'AfterAllowTraffic', codeDeploy: 'AfterAllowTraffic', ecs: 'POST_PRODUCTION_TRAFFIC_SHIFT' },
];

/** Every value `--until` accepts: the named stages, CodeDeploy's lifecycle events, ECS's lifecycle stages. */
export const UNTIL_CHOICES: readonly string[] = [...UNTIL_STAGES, ...ECS_LIFECYCLE_EVENTS, ...ECS_SERVICE_DEPLOYMENT_STAGES];

const isEcsStage = (value: string): value is EcsServiceDeploymentStage => (ECS_SERVICE_DEPLOYMENT_STAGES as readonly string[]).includes(value);

/** The ECS lifecycle stage an `--until` value waits for, or undefined for a value that is none of {@link UNTIL_CHOICES}. */
export function ecsUntilStage(until: string): EcsServiceDeploymentStage | undefined {
  if (isEcsStage(until)) return until;
  return UNTIL_STAGE_MAP.find((m) => m.until === until)?.ecs;
}

/**
 * Why `--until <value>` cannot be used with the controller, or undefined when it can: an ECS lifecycle
 * stage means nothing to a CodeDeploy deployment.
 */
export function untilProblem(until: string, controller: DeploymentControllerType, from: string): string | undefined {
  if (controller === 'CODE_DEPLOY' && isEcsStage(until)) {
    return `${from} ${until} is an ECS lifecycle stage, but the service is deployed by CodeDeploy; use one of ${[...UNTIL_STAGES, ...ECS_LIFECYCLE_EVENTS].join(', ')}`;
  }
  return undefined;
}

/** Index of a stage in the forward order; -1 for a value ECS does not document. */
export function ecsStageIndex(stage: string | undefined): number {
  return stage === undefined ? -1 : (ECS_SERVICE_DEPLOYMENT_STAGES as readonly string[]).indexOf(stage);
}

/**
 * True when a forward-running deployment now at `currentStage` has moved past `stage` (the stages of a
 * deployment only go forward until it fails; a rollback is never "reached").
 */
export function ecsStagePassed(currentStage: string | undefined, stage: EcsServiceDeploymentStage): boolean {
  return ecsStageIndex(currentStage) > ecsStageIndex(stage);
}

/**
 * True when an ECS deployment (its progress, as release/ecs-progress.ts builds it) has reached the
 * `--until` stage: it succeeded, or its current stage is past the stage the value maps to.
 */
export function ecsStageReached(progress: { readonly status: string; readonly terminal: boolean; readonly ecs?: { readonly lifecycleStage?: string } }, until: string): boolean {
  if (progress.status === 'Succeeded') return true;
  if (progress.terminal) return false;
  const stage = ecsUntilStage(until);
  return stage !== undefined && ecsStagePassed(progress.ecs?.lifecycleStage, stage);
}

/** The `--until` mapping as docs/release.md shows it (a test compares the two). */
export function untilMappingTable(): string {
  const rows = UNTIL_STAGE_MAP.map((m) => `| \`${m.until}\` | ${m.codeDeploy} | \`${m.ecs}\` passed${m.note ? `; ${m.note}` : ''} |`);
  return ['| `--until` | CodeDeploy: reached when … succeeded | ECS: reached when … |', '|---|---|---|', ...rows, '| an ECS lifecycle stage (ECS only) | — | that stage passed |'].join('\n');
}
