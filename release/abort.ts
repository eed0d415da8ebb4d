/**
 * How the release unwinds: a {@link ReleaseAbort} carries the outcome (and so the exit code) from
 * wherever the release learns it cannot go on; a {@link HardExit} is the second signal.
 */
import type { ReleaseOutcome } from './exit-codes';

/** Ends the release with an outcome and a message (printed line by line). */
export class ReleaseAbort extends Error {
  constructor(
    readonly outcome: ReleaseOutcome,
    message: string,
    /** Error code for the report, e.g. `AccessDeniedException` or `Timeout`. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'ReleaseAbort';
  }
}

/** A second Ctrl-C: leave at once. */
export class HardExit extends Error {
  constructor() {
    super('interrupted twice');
    this.name = 'HardExit';
  }
}

/**
 * A read cut short by the first signal: the release decides anew at once (stops its deployment, or
 * ends when none was created).
 */
export class CallInterrupted extends ReleaseAbort {
  constructor(readonly action: string) {
    super({ kind: 'interrupted' }, `interrupted while ${action} was in flight; no deployment was created`, 'Interrupted');
    this.name = 'CallInterrupted';
  }
}

/** A read cut short (or a retry not started) because the release's current wait reached its deadline. */
export class DeadlineReached extends ReleaseAbort {
  constructor(readonly action: string) {
    super({ kind: 'timeout' }, `timed out while ${action} was in flight; no deployment was created`, 'Timeout');
    this.name = 'DeadlineReached';
  }
}
