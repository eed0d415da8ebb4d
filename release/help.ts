/** The `--help` text: every flag, the exit codes and the IAM permissions (kept next to the parser). */
import { ECS_HOOK_EVENTS } from '../lib/appspec';
import { OUTPUT_NAMES } from '../lib/outputs';
import { BOOLEAN_FLAGS, VALUE_FLAGS } from './input';

const DESCRIPTIONS: Record<string, string> = {
  '--outputs-file': 'stack outputs JSON: cdktf deploy --outputs-file, or terraform output -json',
  '--stack': 'stack to read from a cdktf outputs file (optional when it holds one stack)',
  '--region': 'AWS region (else the aws_region output, AWS_REGION, AWS_DEFAULT_REGION)',
  '--application': 'CodeDeploy application',
  '--deployment-group': 'CodeDeploy deployment group',
  '--task-definition-arn': 'task definition ARN with revision (inline revision)',
  '--container-name': 'container receiving traffic (inline revision)',
  '--container-port': 'its port, 1-65535 (inline revision)',
  '--hook-function': 'lifecycle hook Lambda name or ARN (optional)',
  '--hook-events': `comma list of hook events: ${ECS_HOOK_EVENTS.join(',')}`,
  '--hook-log-group': 'log group of the hook, printed on failure (default /aws/lambda/<function>)',
  '--revision': 'inline (AppSpecContent + sha256, default) or s3 (the stack\'s AppSpec object, YAML)',
  '--appspec-bucket': 's3 revision: bucket',
  '--appspec-key': 's3 revision: object key',
  '--appspec-version': 's3 revision: object version (optional)',
  '--deployment-config': 'deployment config for this release, e.g. CodeDeployDefault.ECSCanary10Percent5Minutes',
  '--description': 'deployment description (default: git commit sha and subject)',
  '--timeout-in-minutes': 'overall timeout (default: computed from ready wait, shifting, termination wait + 20)',
  '--until': 'exit 0 at a stage: install, test-traffic, ready, traffic-shifted, or a lifecycle event name',
  '--follow': 'follow an existing deployment (e.g. after --until) instead of creating one',
  '--endpoint-url': 'CodeDeploy endpoint (default: SDK resolution incl. AWS_ENDPOINT_URL_CODEDEPLOY)',
  '--poll-min-interval-in-ms': 'fastest poll interval (default 1000)',
  '--poll-max-interval-in-ms': 'slowest poll interval (default 10000)',
  '--dry-run': 'print the exact CreateDeployment request and AppSpec; call nothing',
  '--wait-for-active': 'wait for an active deployment in the group to end, then start',
  '--stop-active': 'stop an active deployment (with rollback), wait for it, then start',
  '--continue': 'call ContinueDeployment when the deployment is Ready',
  '--stop-on-timeout': 'on timeout stop the deployment with rollback (default: leave it running)',
  '--json': 'print one JSON document with the result on stdout (progress stays on stderr)',
  '--no-color': 'plain timestamped lines even on a terminal (also NO_COLOR, CI, TERM=dumb)',
  '--help': 'this text',
};

/** The full help text. */
export function helpText(): string {
  const rows: string[] = [];
  for (const spec of Object.values(VALUE_FLAGS) as Array<{ flag: string; env?: string; output?: keyof typeof OUTPUT_NAMES }>) {
    const sources = [spec.env ? `env ${spec.env}` : '', spec.output ? `output ${OUTPUT_NAMES[spec.output]}` : ''].filter(Boolean).join(', ');
    rows.push(`  ${`${spec.flag} <value>`.padEnd(34)}${DESCRIPTIONS[spec.flag] ?? ''}${sources ? `\n  ${''.padEnd(34)}[${sources}]` : ''}`);
  }
  for (const flag of BOOLEAN_FLAGS) rows.push(`  ${flag.padEnd(34)}${DESCRIPTIONS[flag] ?? ''}`);
  return `Usage: npm run release -- [options]
       tsx scripts/release.ts [options]

Starts a CodeDeploy ECS blue/green deployment from the stack's outputs and follows it to its end:
lifecycle events, traffic weights, termination wait; failures are followed through their rollback.
Values come from a flag, else its environment variable, else the stack output.

Options:
${rows.join('\n')}

Exit codes:
  0    succeeded (or reached the --until stage; --dry-run; --help)
  1    deployment failed, was stopped or rolled back (the rollback is followed and reported)
  2    invalid or missing input (names what is missing and where it was looked for), or AWS
       says the application, deployment group or config does not exist, or the group is not ECS
  3    timeout (states where the deployment is; left running unless --stop-on-timeout)
  4    another deployment is active (use --wait-for-active or --stop-active)
  5    AWS API error that is not the deployment's fault (access denied names the permission)
  130  interrupted: Ctrl-C/SIGTERM stops the deployment with rollback and follows it;
       a second Ctrl-C exits at once, printing the deployment id and state

IAM permissions of the caller:
  codedeploy:CreateDeployment (on the deployment group), and with it the two actions
  CreateDeployment needs on its own: codedeploy:GetDeploymentConfig (on the deployment config)
  and codedeploy:RegisterApplicationRevision (on the application);
  codedeploy:GetDeployment, codedeploy:ListDeployments,
  codedeploy:ListDeploymentTargets, codedeploy:GetDeploymentTarget,
  codedeploy:GetDeploymentGroup (unless --timeout-in-minutes),
  codedeploy:StopDeployment (--stop-active, --stop-on-timeout, Ctrl-C),
  codedeploy:ContinueDeployment (--continue).
  No S3 permission for --revision s3 (CodeDeploy reads the AppSpec with the group's service role)
  and no iam:PassRole.

Output: progress on stderr (plain lines "<UTC time> <keyword> ..." outside a terminal); with --json one
JSON document on stdout. In GitHub Actions a summary goes to $GITHUB_STEP_SUMMARY and
deployment_id/status to $GITHUB_OUTPUT. Details: docs/release.md
`;
}
