/**
 * Every flag of `npm run release`, declared once: name, value type, environment variable (from
 * lib/release-env.ts), stack output (from lib/outputs.ts), default, range and help line. The parser
 * (scripts/cli.ts), `--help` and the flag table of docs/release.md all come from {@link RELEASE_PROGRAM}
 * (a test fails when the doc's table differs).
 */
import { ECS_HOOK_EVENTS } from '../lib/appspec';
import { OUTPUT_NAMES } from '../lib/outputs';
import { RELEASE_ENV } from '../lib/release-env';
import type { FlagSpec, ProgramSpec } from '../scripts/cli';
import { timeLimitsHelp } from './aws-calls';
import { ECS_RELEASE_IAM_ACTIONS } from './ecs-calls';
import { EXIT_CODES } from './exit-codes';
import { DEFAULT_POLL_MAX_INTERVAL_IN_MS, DEFAULT_POLL_MIN_INTERVAL_IN_MS, MINUTE_IN_MS } from './poll';
import { DEPLOYMENT_CONTROLLERS, UNTIL_CHOICES } from './ecs-stages';

/** A release flag: the shell's declaration, plus the noun used when its value is missing. */
export interface ReleaseFlag extends FlagSpec {
  /** What the value is, e.g. `CodeDeploy application name` (in `missing …: looked for …`). */
  readonly noun: string;
  /**
   * The value belongs to one service (its deployment group, task definition, hook, AppSpec object, a
   * deployment id): a flag or variable cannot give it for several services at once.
   * @default false
   */
  readonly perService?: boolean;
}

/** The longest `--timeout-in-minutes`: a week, longer than any wait a deployment group can configure. */
export const MAX_TIMEOUT_IN_MINUTES = 7 * 24 * 60;
/** The slowest poll interval a flag may set: 10 minutes. */
export const MAX_POLL_INTERVAL_IN_MS = 600_000;

/** The flags, by the key the resolvers use, in the order `--help` and the docs show them. */
export const RELEASE_FLAGS = {
  outputsFile: { name: 'outputs-file', type: 'string', env: RELEASE_ENV.outputsFile, valueName: '<path>', noun: 'stack outputs file', help: 'Stack outputs: the JSON written by cdktf deploy --outputs-file, or by terraform output -json. Optional when every value is given otherwise.' },
  stack: { name: 'stack', type: 'string', env: RELEASE_ENV.stack, valueName: '<name>', noun: 'stack name', help: 'Stack to read from a cdktf outputs file. Optional when the file holds one stack.' },
  service: { name: 'service', type: 'list', env: RELEASE_ENV.service, valueName: '<names>', noun: 'service', help: 'Service(s) to release when the stack has several (its services output); several, comma-separated, are released one after another in this order, stopping at the first that does not succeed. Not needed for a stack with one service.' },
  controller: { name: 'controller', type: 'string', perService: true, choices: DEPLOYMENT_CONTROLLERS, default: 'CODE_DEPLOY', env: RELEASE_ENV.controller, output: OUTPUT_NAMES.deploymentController, noun: 'deployment controller', help: 'Who deploys the service: CODE_DEPLOY (CreateDeployment) or ECS (UpdateService; an ECS-native blue/green, linear or canary service). For stacks without the output.' },
  region: { name: 'region', type: 'string', env: RELEASE_ENV.region, output: OUTPUT_NAMES.region, valueName: '<region>', noun: 'AWS region', help: 'AWS region of the deployment group (or ECS service); after the stack output, AWS_REGION and AWS_DEFAULT_REGION are tried.' },
  application: { name: 'application', type: 'string', env: RELEASE_ENV.application, output: OUTPUT_NAMES.applicationName, valueName: '<name>', noun: 'CodeDeploy application name', help: 'CodeDeploy application.' },
  deploymentGroup: { name: 'deployment-group', type: 'string', perService: true, env: RELEASE_ENV.deploymentGroup, output: OUTPUT_NAMES.deploymentGroupName, valueName: '<name>', noun: 'CodeDeploy deployment group name', help: 'CodeDeploy deployment group.' },
  ecsCluster: { name: 'ecs-cluster', type: 'string', env: RELEASE_ENV.ecsCluster, output: OUTPUT_NAMES.clusterName, valueName: '<name>', noun: 'ECS cluster name', help: 'ECS controller: the cluster of the service.' },
  ecsService: { name: 'ecs-service', type: 'string', perService: true, env: RELEASE_ENV.ecsService, output: OUTPUT_NAMES.serviceName, valueName: '<name>', noun: 'ECS service name', help: 'ECS controller: the service UpdateService deploys to.' },
  taskDefinitionArn: { name: 'task-definition-arn', type: 'string', perService: true, env: RELEASE_ENV.taskDefinitionArn, output: OUTPUT_NAMES.taskDefinitionArn, valueName: '<arn>', noun: 'ECS task definition ARN', help: 'Task definition (with revision) green runs: the AppSpec\'s (CodeDeploy, inline revision) or the one UpdateService sets (ECS).' },
  containerName: { name: 'container-name', type: 'string', perService: true, env: RELEASE_ENV.containerName, output: OUTPUT_NAMES.containerName, valueName: '<name>', noun: 'container name', help: 'Container the load balancer sends traffic to. Inline revision only.' },
  containerPort: { name: 'container-port', type: 'number', perService: true, integer: true, min: 1, max: 65535, env: RELEASE_ENV.containerPort, output: OUTPUT_NAMES.containerPort, valueName: '<port>', noun: 'container port', help: 'Its port. Inline revision only.' },
  hookFunction: { name: 'hook-function', type: 'string', perService: true, env: RELEASE_ENV.hookFunction, output: OUTPUT_NAMES.hookFunctionName, valueName: '<name>', noun: 'hook function name', help: 'Lifecycle hook Lambda (name or ARN). Optional: no hooks without it. A name without the CodeDeployHook_ prefix is accepted with a warning (the AWSCodeDeployRoleForECSLimited service role policy invokes only CodeDeployHook_* functions).' },
  hookEvents: { name: 'hook-events', type: 'list', perService: true, choices: ECS_HOOK_EVENTS, env: RELEASE_ENV.hookEvents, output: OUTPUT_NAMES.hookLifecycleEvents, valueName: '<list>', noun: 'hook lifecycle events', help: `Comma list of the ECS lifecycle events the hook runs at (${ECS_HOOK_EVENTS.join(', ')}). Required when a hook function is set.` },
  hookLogGroup: { name: 'hook-log-group', type: 'string', perService: true, env: RELEASE_ENV.hookLogGroup, output: OUTPUT_NAMES.hookLogGroupName, valueName: '<name>', noun: 'hook log group', help: 'Where the hook\'s logs are, printed when a hook event fails. Default: /aws/lambda/ and the function name.' },
  revision: { name: 'revision', type: 'string', choices: ['inline', 's3'], default: 'inline', env: RELEASE_ENV.revision, noun: 'revision type', help: 'inline: AppSpecContent rendered by lib/appspec.ts with its sha256. s3: the AppSpec object the stack maintains (bundleType YAML).' },
  appSpecBucket: { name: 'appspec-bucket', type: 'string', perService: true, env: RELEASE_ENV.appSpecBucket, output: OUTPUT_NAMES.appSpecBucketName, valueName: '<name>', noun: 'AppSpec S3 bucket', help: 'S3 revision: bucket.' },
  appSpecKey: { name: 'appspec-key', type: 'string', perService: true, env: RELEASE_ENV.appSpecKey, output: OUTPUT_NAMES.appSpecObjectKey, valueName: '<key>', noun: 'AppSpec S3 object key', help: 'S3 revision: object key.' },
  appSpecVersion: { name: 'appspec-version', type: 'string', perService: true, env: RELEASE_ENV.appSpecVersion, output: OUTPUT_NAMES.appSpecObjectVersionId, valueName: '<id>', noun: 'AppSpec S3 object version', help: 'S3 revision: object version (optional, recommended).' },
  deploymentConfig: { name: 'deployment-config', type: 'string', env: RELEASE_ENV.deploymentConfig, valueName: '<name>', noun: 'deployment config name', help: 'Deployment config of this release, e.g. CodeDeployDefault.ECSCanary10Percent5Minutes. Default: the group\'s.' },
  description: { name: 'description', type: 'string', env: RELEASE_ENV.description, valueName: '<text>', noun: 'description', help: 'Deployment description (at most 200 characters). Default: the commit sha and subject of git log -1, when in a git checkout.' },
  dryRun: { name: 'dry-run', type: 'boolean', noun: 'dry run', help: 'Print the exact CreateDeployment request and the AppSpec (ECS: the UpdateService request), call nothing (no credentials needed), exit 0.' },
  waitForActive: { name: 'wait-for-active', type: 'boolean', noun: 'wait for an active deployment', help: 'If another deployment is active in the group, wait for it to end, then start.' },
  stopActive: { name: 'stop-active', type: 'boolean', noun: 'stop an active deployment', help: 'If another deployment is active, stop it (with rollback), wait for it and its rollback, then start. A rollback is never stopped.' },
  continue: { name: 'continue', type: 'boolean', noun: 'continue when Ready', help: 'When the deployment waits in Ready (the group waits for a go-ahead before rerouting traffic), call ContinueDeployment. CodeDeploy only.' },
  timeoutInMinutes: { name: 'timeout-in-minutes', type: 'number', integer: true, min: 1, max: MAX_TIMEOUT_IN_MINUTES, env: RELEASE_ENV.timeoutInMinutes, valueName: '<n>', noun: 'timeout in minutes', help: 'Overall timeout. Default: computed from the ready wait, traffic shifting and termination wait of the group and config (ECS: the step and bake times of the service), plus 20.' },
  stopOnTimeout: { name: 'stop-on-timeout', type: 'boolean', noun: 'stop on timeout', help: 'On timeout stop the deployment with rollback (still exit 3). Default: leave it running.' },
  until: { name: 'until', type: 'string', choices: UNTIL_CHOICES, env: RELEASE_ENV.until, valueName: '<stage>', noun: 'stage', help: 'Exit 0 once the deployment reaches this stage, leaving it running: install, test-traffic, ready, traffic-shifted, a CodeDeploy lifecycle event, or (ECS) an ECS lifecycle stage; mapped for ECS (docs/release.md).' },
  follow: { name: 'follow', type: 'string', perService: true, env: RELEASE_ENV.follow, valueName: '<deploymentId>', noun: 'deployment id to follow', help: 'Follow an existing deployment (a CodeDeploy deployment id, or an ECS service deployment ARN) left by --until, a timeout or a second Ctrl-C, instead of creating one; with --continue also approve it in Ready.' },
  json: { name: 'json', type: 'boolean', noun: 'JSON output', help: 'One JSON document on stdout at the end (also for bad input). Progress stays on stderr.' },
  endpointUrl: { name: 'endpoint-url', type: 'string', env: RELEASE_ENV.endpointUrl, valueName: '<url>', noun: 'endpoint URL', help: 'CodeDeploy endpoint, or ECS\'s with the ECS controller (local stand-ins). Without it the SDK\'s AWS_ENDPOINT_URL_CODEDEPLOY / AWS_ENDPOINT_URL_ECS / AWS_ENDPOINT_URL apply.' },
  pollMinIntervalInMs: { name: 'poll-min-interval-in-ms', type: 'number', integer: true, min: 1, max: MAX_POLL_INTERVAL_IN_MS, default: DEFAULT_POLL_MIN_INTERVAL_IN_MS, env: RELEASE_ENV.pollMinIntervalInMs, valueName: '<ms>', noun: 'fastest poll interval', help: 'Fastest poll interval.' },
  pollMaxIntervalInMs: { name: 'poll-max-interval-in-ms', type: 'number', integer: true, min: 1, max: MAX_POLL_INTERVAL_IN_MS, default: DEFAULT_POLL_MAX_INTERVAL_IN_MS, env: RELEASE_ENV.pollMaxIntervalInMs, valueName: '<ms>', noun: 'slowest poll interval', help: 'Slowest poll interval (raised to the fastest when that is set higher).' },
  minuteInMs: { name: 'minute-in-ms', type: 'number', integer: true, min: 1, max: MINUTE_IN_MS, default: MINUTE_IN_MS, env: RELEASE_ENV.minuteInMs, valueName: '<ms>', noun: 'length of a minute', help: 'How long a minute of the deployment\'s waits lasts, for a local stand-in that compresses time (AWS: 60000). The poll schedule, the countdowns and the timeout use it (the computed timeout\'s margin stays in real minutes).' },
  noColor: { name: 'no-color', type: 'boolean', noun: 'plain output', help: 'Plain timestamped lines even on a terminal (also when NO_COLOR is set, CI is set and not false/0, or TERM=dumb).' },
} as const satisfies Record<string, ReleaseFlag>;

/** Key of a release flag in {@link RELEASE_FLAGS}. */
export type ReleaseFlagKey = keyof typeof RELEASE_FLAGS;

/** What each exit code means (`--help`; docs/release.md explains each at length). */
const EXIT_CODE_MEANINGS: Readonly<Record<keyof typeof EXIT_CODES, string>> = {
  success: 'succeeded (or reached the --until stage; --dry-run; --help; --version)',
  deploymentFailed: 'deployment failed, was stopped or rolled back (the rollback is followed and reported)',
  invalidInput: 'invalid or missing input (names what is missing and where it was looked for), or AWS says the application, deployment group, config, cluster, service or task definition does not exist, or the group is not ECS, or the service is not deployed by the controller given',
  timeout: 'timeout (states where the deployment is; left running unless --stop-on-timeout)',
  activeDeployment: 'another deployment is active (in the group; ECS: a service deployment running on the service; use --wait-for-active or --stop-active)',
  awsError: 'AWS API error that is not the deployment\'s fault (access denied names the permission)',
  stopTooLate: 'a stop was requested (Ctrl-C/SIGTERM, --stop-on-timeout) too late: the deployment succeeded anyway; the new revision is live and nothing was rolled back',
  interrupted: 'interrupted: Ctrl-C/SIGTERM stops the deployment with rollback and follows it; a second Ctrl-C exits at once, printing the deployment id and state',
};

const EPILOG = `Values come from a flag, else its environment variable, else the stack output.

IAM permissions of the caller:
  codedeploy:CreateDeployment (on the deployment group), and with it the two actions
  CreateDeployment needs on its own: codedeploy:GetDeploymentConfig (on the deployment config)
  and codedeploy:RegisterApplicationRevision (on the application);
  codedeploy:GetDeployment, codedeploy:ListDeployments,
  codedeploy:ListDeploymentTargets, codedeploy:GetDeploymentTarget,
  codedeploy:GetDeploymentGroup (unless --timeout-in-minutes),
  codedeploy:StopDeployment (--stop-active, --stop-on-timeout, Ctrl-C),
  codedeploy:ContinueDeployment (--continue).
  After a failure, read-only and optional (each missing one is skipped with a note): logs:FilterLogEvents,
  ecs:DescribeServices, ecs:ListTasks, ecs:DescribeTasks, elasticloadbalancing:DescribeTargetGroups,
  elasticloadbalancing:DescribeTargetHealth (the hook's verdict, stopped green tasks, target health).
  No S3 permission for --revision s3 (CodeDeploy reads the AppSpec with the group's service role)
  and no iam:PassRole.
  ECS controller instead: ${ECS_RELEASE_IAM_ACTIONS.slice(0, 2).map((a) => a.action).join(', ')},
  ${ECS_RELEASE_IAM_ACTIONS.slice(2).map((a) => a.action).join(', ')}
  (the last for --stop-active, --stop-on-timeout, Ctrl-C); no iam:PassRole.

${timeLimitsHelp()}

Output: progress on stderr (plain lines "<UTC time> <keyword> ..." outside a terminal); with --json one
JSON document on stdout. In GitHub Actions a summary goes to $GITHUB_STEP_SUMMARY and
deployment_id/status to $GITHUB_OUTPUT. Details: docs/release.md`;

/** The release's declaration for the shared shell (scripts/cli.ts). */
export const RELEASE_PROGRAM: ProgramSpec = {
  name: 'release',
  command: 'npm run release --',
  summary:
    'Starts a blue/green deployment from the stack\'s outputs (CodeDeploy\'s CreateDeployment, or UpdateService for an ECS-native service) and follows it to its end: lifecycle events, traffic weights, termination wait or bake time; failures are followed through their rollback.',
  flags: Object.values(RELEASE_FLAGS),
  exitCodes: (Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[]).map((k) => ({ code: EXIT_CODES[k], meaning: EXIT_CODE_MEANINGS[k] })),
  epilog: EPILOG,
};
