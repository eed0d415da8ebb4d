/**
 * Classifies AWS SDK errors so the release reacts to each kind once: throttling is waited out,
 * access denied is reported with the IAM permission to grant (never retried), a missing
 * application/group is an input error, a busy deployment group is the active-deployment path.
 */

/** How the release treats an error. */
export type AwsErrorKind = 'throttling' | 'access-denied' | 'credentials' | 'not-found' | 'deployment-limit' | 'transient' | 'other';

/** A classified AWS error. */
export interface ClassifiedError {
  readonly kind: AwsErrorKind;
  /** The error's name (AWS error code), e.g. `AccessDeniedException`. */
  readonly code: string;
  readonly message: string;
}

// The AWS SDK's own list of throttling error codes (its retry strategy treats exactly these as throttling).
const THROTTLING = [
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'SlowDown',
];
const ACCESS_DENIED = ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException', 'NotAuthorized'];
const CREDENTIALS = ['CredentialsProviderError', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'ExpiredToken', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'TokenRefreshRequired'];
const NOT_FOUND = ['ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException', 'DeploymentConfigDoesNotExistException', 'DeploymentDoesNotExistException', 'ApplicationNameRequiredException', 'DeploymentGroupNameRequiredException', 'InvalidApplicationNameException', 'InvalidDeploymentGroupNameException', 'InvalidDeploymentConfigNameException', 'InvalidRevisionException', 'RevisionDoesNotExistException', 'InvalidRoleException', 'InvalidTargetInstancesException', 'DescriptionTooLongException'];
const TRANSIENT = ['InternalFailure', 'InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException', 'RequestTimeout', 'RequestTimeoutException', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'TimeoutError', 'NetworkingError'];

/** Classifies an error thrown by an SDK call. */
export function classifyAwsError(err: unknown): ClassifiedError {
  const e = (err ?? {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  const code = String(e.name && e.name !== 'Error' ? e.name : (e.code ?? e.name ?? 'Error'));
  const message = String(e.message ?? err);
  const status = e.$metadata?.httpStatusCode;
  let kind: AwsErrorKind = 'other';
  if (THROTTLING.includes(code) || status === 429 || e.$retryable?.throttling === true) kind = 'throttling';
  else if (ACCESS_DENIED.includes(code)) kind = 'access-denied';
  else if (CREDENTIALS.includes(code)) kind = 'credentials';
  else if (code === 'DeploymentLimitExceededException') kind = 'deployment-limit';
  else if (NOT_FOUND.includes(code)) kind = 'not-found';
  else if (TRANSIENT.includes(code) || (status !== undefined && status >= 500)) kind = 'transient';
  return { kind, code, message };
}

/** The message for an error that is not the deployment's fault, naming the action and permission. */
export function describeAwsError(action: string, error: ClassifiedError): string {
  if (error.kind === 'access-denied') {
    // CreateDeployment also checks permissions of its own (GetDeploymentConfig, RegisterApplicationRevision):
    // AWS's message names the action it denied, which is the one to grant.
    const denied = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(error.message)?.[1] ?? `codedeploy:${action}`;
    return `AWS denied ${denied} (${error.code}: ${error.message}). Grant the caller the IAM permission "${denied}" (see npm run release -- --help for the full list).`;
  }
  if (error.kind === 'credentials') {
    return `codedeploy:${action} failed: no valid AWS credentials (${error.code}: ${error.message}). Configure credentials (AWS_PROFILE, environment, or OIDC in CI).`;
  }
  return `codedeploy:${action} failed (${error.code}: ${error.message}).`;
}
