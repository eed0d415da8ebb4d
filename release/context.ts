/** What every part of a running release shares: its input, its CodeDeploy calls, its display, time and signals. */
import type { CodeDeployCalls } from './aws-calls';
import type { Display } from './display';
import type { ReleaseInput } from './input';
import type { Interrupts } from './interrupts';

/** The shared, read-only context of one release. */
export interface ReleaseContext {
  readonly input: ReleaseInput;
  readonly calls: CodeDeployCalls;
  readonly display: Display;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** A random number in [0, 1) (poll jitter). */
  readonly random: () => number;
  readonly interrupts: Interrupts;
}
