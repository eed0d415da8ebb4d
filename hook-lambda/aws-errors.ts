/**
 * What an error thrown by an AWS SDK call means, for every program of this project that calls AWS:
 * the hook (reporting its verdict to CodeDeploy) and the release CLI (release/ imports it from here).
 * It lives in hook-lambda/ because the hook's bundle may import nothing outside its own folder but the
 * AWS SDK; it imports nothing at all.
 */

/** How a caller should treat an error. */
export type AwsErrorKind =
  /** AWS refused the rate: the request was not executed; wait and send it again. */
  | 'throttling'
  /** IAM denied the action: never retried; grant the permission. */
  | 'access-denied'
  /** No valid credentials (missing, expired, wrong signature). */
  | 'credentials'
  /** A named application, deployment group, config, revision, deployment (CodeDeploy), cluster, service or service deployment (ECS) does not exist or is invalid. */
  | 'not-found'
  /** The deployment group already has an active deployment (one per group). */
  | 'deployment-limit'
  /** What the call wanted to change has already ended (the lifecycle event, the deployment). */
  | 'already-completed'
  /** A 5xx answer, a timeout or a network error: the same request may succeed when sent again. */
  | 'transient'
  | 'other';

/** A classified AWS error. */
export interface ClassifiedAwsError {
  readonly kind: AwsErrorKind;
  /** The error's name (the AWS error code, e.g. `AccessDeniedException`) or Node's code (`ECONNREFUSED`). */
  readonly code: string;
  readonly message: string;
  /** HTTP status of AWS's answer; undefined when no answer arrived (network error, timeout, abort). */
  readonly httpStatusCode?: number;
}

/**
 * The part of `CodeDeployClient` the programs use: a real client, a stand-in's client, or a test's mock.
 * `options.abortSignal` ends the request early (the SDK's `HttpHandlerOptions`).
 */
export interface CodeDeploySender {
  send(command: { readonly input: object }, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

// The AWS SDK's own list of throttling error codes (its retry strategy treats exactly these as throttling).
const THROTTLING = new Set([
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
]);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException', 'NotAuthorized']);
const CREDENTIALS = new Set(['CredentialsProviderError', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'ExpiredToken', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'TokenRefreshRequired']);
const NOT_FOUND = new Set(['ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException', 'DeploymentConfigDoesNotExistException', 'DeploymentDoesNotExistException', 'ApplicationNameRequiredException', 'DeploymentGroupNameRequiredException', 'InvalidApplicationNameException', 'InvalidDeploymentGroupNameException', 'InvalidDeploymentConfigNameException', 'InvalidRevisionException', 'RevisionDoesNotExistException', 'InvalidRoleException', 'InvalidTargetInstancesException', 'DescriptionTooLongException', 'ClusterNotFoundException', 'ServiceNotFoundException', 'ServiceNotActiveException', 'ServiceDeploymentNotFoundException']);
const ALREADY_COMPLETED = /^(LifecycleEventAlreadyCompleted|DeploymentAlreadyCompleted)/;
const THROTTLING_NAME = /throttl|toomanyrequests|requestlimitexceeded/i;
const TRANSIENT_NAME = /serviceunavailable|internalfailure|internalerror|internalserver|requesttimeout|timeout|aborterror|networkingerror/i;
// Node's socket errors: no answer arrived, so nothing says the request failed on AWS's side.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

function kindOf(code: string, nodeCode: string | undefined, status: number | undefined, retryable: { throttling?: boolean } | undefined): AwsErrorKind {
  if (THROTTLING.has(code) || THROTTLING_NAME.test(code) || status === 429 || retryable?.throttling === true) return 'throttling';
  if (ACCESS_DENIED.has(code)) return 'access-denied';
  if (CREDENTIALS.has(code)) return 'credentials';
  if (code === 'DeploymentLimitExceededException') return 'deployment-limit';
  if (NOT_FOUND.has(code)) return 'not-found';
  if (ALREADY_COMPLETED.test(code)) return 'already-completed';
  if (TRANSIENT_NAME.test(code) || NETWORK_CODES.has(code) || (nodeCode !== undefined && NETWORK_CODES.has(nodeCode))) return 'transient';
  if (retryable !== undefined || (status !== undefined && status >= 500)) return 'transient';
  return 'other';
}

/** Classifies an error thrown by an SDK call (or by a sender standing in for one). */
export function classifyAwsError(err: unknown): ClassifiedAwsError {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown }; $retryable?: { throttling?: boolean } };
  const name = typeof e.name === 'string' ? e.name : undefined;
  const nodeCode = typeof e.code === 'string' ? e.code : undefined;
  const code = name && name !== 'Error' ? name : (nodeCode ?? name ?? 'Error');
  const message = String(e.message ?? err);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const retryable = typeof e.$retryable === 'object' && e.$retryable !== null ? e.$retryable : e.$retryable ? {} : undefined;
  return { kind: kindOf(code, nodeCode, status, retryable), code, message, ...(status !== undefined ? { httpStatusCode: status } : {}) };
}
