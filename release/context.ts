/** What the parts of a running release share: its input, display, time and signals, and its controller's calls. */
import type { CodeDeployCalls } from './aws-calls';
import type { Display } from './display';
import type { EcsCalls } from './ecs-calls';
import type { CodeDeployReleaseInput, EcsReleaseInput, ReleaseInput } from './input';
import type { Interrupts } from './interrupts';

/** The shared, read-only context of one release, whichever controller deploys the service. */
export interface SessionContext {
  readonly input: ReleaseInput;
  readonly display: Display;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** A random number in [0, 1) (poll jitter). */
  readonly random: () => number;
  readonly interrupts: Interrupts;
}

/** The context of the CodeDeploy parts of a release (its deployment group, deployments and rollbacks). */
export interface ReleaseContext extends SessionContext {
  readonly input: CodeDeployReleaseInput;
  readonly calls: CodeDeployCalls;
}

/** The context of the ECS parts of a release (ECS's own deployment controller: the service and its service deployments). */
export interface EcsContext extends SessionContext {
  readonly input: EcsReleaseInput;
  readonly calls: EcsCalls;
}
