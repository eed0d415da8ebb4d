/**
 * Whether a deployment has reached the `--until` stage, for either controller: CodeDeploy's lifecycle
 * events (release/progress.ts) or ECS's lifecycle stages, mapped (release/ecs-stages.ts). Pure.
 */
import { ecsStageReached } from './ecs-stages';
import type { EcsProgress } from './ecs-progress';
import { type Progress, stageReached } from './progress';

/** True when the deployment has reached (or passed) the `--until` stage. */
export function untilReached(progress: Progress, until: string): boolean {
  const ecs = (progress as Partial<EcsProgress>).ecs;
  return ecs ? ecsStageReached({ ...progress, ecs }, until) : stageReached(progress, until);
}
