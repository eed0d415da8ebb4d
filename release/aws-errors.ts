/**
 * How the release reacts to each kind of AWS error: throttling is waited out, access denied is reported
 * with the IAM permission to grant (never retried), a missing application/group is an input error, a
 * busy deployment group is the active-deployment path. The classification itself is shared with the
 * hook (hook-lambda/aws-errors.ts).
 */

import type { ClassifiedAwsError } from '../hook-lambda/aws-errors';

// One classifier and one sender type for every program that calls AWS: they live with the hook,
// whose bundle may import nothing outside hook-lambda/.
export { classifyAwsError, type AwsErrorKind, type ClassifiedAwsError, type CodeDeploySender } from '../hook-lambda/aws-errors';

/**
 * The message for an error that is not the deployment's fault, naming the action and permission.
 * @param iamPrefix the service's IAM prefix @default 'codedeploy'
 */
export function describeAwsError(action: string, error: ClassifiedAwsError, iamPrefix = 'codedeploy'): string {
  if (error.kind === 'access-denied') {
    // CreateDeployment also checks permissions of its own (GetDeploymentConfig, RegisterApplicationRevision):
    // AWS's message names the action it denied, which is the one to grant.
    const denied = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(error.message)?.[1] ?? `${iamPrefix}:${action}`;
    return `AWS denied ${denied} (${error.code}: ${error.message}). Grant the caller the IAM permission "${denied}" (see npm run release -- --help for the full list).`;
  }
  if (error.kind === 'credentials') {
    return `${iamPrefix}:${action} failed: no valid AWS credentials (${error.code}: ${error.message}). Configure credentials (AWS_PROFILE, environment, or OIDC in CI).`;
  }
  return `${iamPrefix}:${action} failed (${error.code}: ${error.message}).`;
}
