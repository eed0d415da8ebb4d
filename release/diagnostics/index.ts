/**
 * Failure diagnostics of the release (issue 16 §2): on a failure, rollback or timeout, the hook's
 * verdict, the ECS service events and stopped green tasks, and the health of green's targets.
 */
export * from './types';
export * from './decide';
export * from './gather';
export * from './render';
export * from './clients';
