/** Pure builders of the requests the release sends and of the links it prints. */
import type { CreateDeploymentCommandInput } from '@aws-sdk/client-codedeploy';
import type { CodeDeployReleaseInput } from './input';

/** The exact CreateDeployment request for an input (what `--dry-run` prints). */
export function buildCreateDeploymentRequest(input: CodeDeployReleaseInput): CreateDeploymentCommandInput {
  const r = input.revision;
  return {
    applicationName: input.applicationName,
    deploymentGroupName: input.deploymentGroupName,
    ...(input.deploymentConfigName ? { deploymentConfigName: input.deploymentConfigName } : {}),
    ...(input.description ? { description: input.description } : {}),
    revision:
      r.type === 'inline'
        ? { revisionType: 'AppSpecContent', appSpecContent: { content: r.content, sha256: r.sha256 } }
        : { revisionType: 'S3', s3Location: { bucket: r.bucket, key: r.key, bundleType: 'YAML', ...(r.version ? { version: r.version } : {}) } },
  };
}

/** The AWS console page of a deployment (partition-aware). */
export function consoleUrl(region: string, deploymentId: string): string {
  const host = region.startsWith('cn-')
    ? `${region}.console.amazonaws.cn`
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/codesuite/codedeploy/deployments/${encodeURIComponent(deploymentId)}?region=${region}`;
}

/** CloudWatch Logs group of a Lambda function given by name or ARN. */
export function lambdaLogGroup(functionNameOrArn: string): string {
  const m = /^arn:[^:]+:lambda:[^:]+:\d+:function:([^:]+)/.exec(functionNameOrArn);
  return `/aws/lambda/${m ? m[1] : functionNameOrArn}`;
}
