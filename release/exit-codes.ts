/**
 * Exit codes of `npm run release` (documented in docs/release.md and `--help`). Part of the public
 * contract: pipelines branch on them.
 */
export const EXIT_CODES = {
  success: 0,
  deploymentFailed: 1,
  invalidInput: 2,
  timeout: 3,
  activeDeployment: 4,
  awsError: 5,
  /**
   * A stop was requested (Ctrl-C/SIGTERM, --stop-on-timeout) but the deployment ended Succeeded anyway:
   * the new revision is live and nothing was rolled back. Distinct from 130 (stopped with rollback).
   */
  stopTooLate: 6,
  interrupted: 130,
} as const;

/** How a release ended; {@link exitCodeFor} maps it to the process exit code. */
export type ReleaseOutcome =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'dry-run' }
  | { readonly kind: 'until-reached'; readonly stage: string }
  | { readonly kind: 'failed'; readonly status: string }
  | { readonly kind: 'invalid-input' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'active-deployment'; readonly activeDeploymentId: string }
  | { readonly kind: 'aws-error' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'stop-too-late' };

/** Maps an outcome to the exit code. */
export function exitCodeFor(outcome: ReleaseOutcome): number {
  switch (outcome.kind) {
    case 'succeeded':
    case 'dry-run':
    case 'until-reached':
      return EXIT_CODES.success;
    case 'failed':
      return EXIT_CODES.deploymentFailed;
    case 'invalid-input':
      return EXIT_CODES.invalidInput;
    case 'timeout':
      return EXIT_CODES.timeout;
    case 'active-deployment':
      return EXIT_CODES.activeDeployment;
    case 'aws-error':
      return EXIT_CODES.awsError;
    case 'interrupted':
      return EXIT_CODES.interrupted;
    case 'stop-too-late':
      return EXIT_CODES.stopTooLate;
  }
}
