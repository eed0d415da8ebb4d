/** What `--dry-run` prints: the exact CreateDeployment request and the AppSpec, nothing called. */
import { renderAppSpecYaml } from '../lib/appspec';
import type { CodeDeployReleaseInput } from './input';
import { buildCreateDeploymentRequest } from './request';

/** The dry run's text on stdout (without `--json`: then the request is in the JSON document). */
export function dryRunText(input: CodeDeployReleaseInput): string {
  const request = buildCreateDeploymentRequest(input);
  const r = input.revision;
  const appSpec =
    r.type === 'inline'
      ? `\nAppSpec content (sha256 ${r.sha256}):\n${r.content}\n\nThe same AppSpec as YAML:\n${renderAppSpecYaml(r.appSpec)}`
      : `\nAppSpec: s3://${r.bucket}/${r.key}${r.version ? ` (version ${r.version})` : ''}, bundleType YAML, read by CodeDeploy with the deployment group's service role\n`;
  return `CreateDeployment request (region ${input.region}):\n${JSON.stringify(request, null, 2)}\n${appSpec}\nDry run: nothing was called.\n`;
}
