/**
 * The release's inputs, resolved once (flag > environment variable > stack output > default) into a
 * typed, validated object. Pure: the file system and git are passed in, so every error path is
 * unit-testable. The flags themselves are declared in release/flags.ts.
 */
import { AWS_REGION_PATTERN } from '../lib/aws-region';
import { parseCommandLine, type ParsedCommandLine } from '../scripts/cli';
import { RELEASE_FLAGS, RELEASE_PROGRAM, type ReleaseFlag, type ReleaseFlagKey } from './flags';
import { loadStackOutputs, selectServices } from './outputs-file';
import { otherControllerProblems, resolveController, resolveEcsSpecifics, SERVICE_DEPLOYMENT_ARN, untilProblems } from './ecs-input';
import type { DeploymentControllerType } from './ecs-stages';
import { resolveRevision, type ReleaseRevision, type RevisionSources } from './revision';
import { type OutputsSource, ReleaseValues } from './values';

export type { ReleaseRevision } from './revision';

/** What to do when another deployment is active in the group. */
export type ActiveDeploymentPolicy = 'fail' | 'wait' | 'stop';

/** What every release input has, whichever controller deploys the service. */
export interface CommonReleaseInput {
  /**
   * The service released, named by `--service` (a stack with several services): labels the output.
   * @default - none
   */
  readonly service?: string;
  readonly region: string;
  /** @default - the SDK's own resolution (AWS_ENDPOINT_URL_CODEDEPLOY or AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL, the region's endpoint) */
  readonly endpointUrl?: string;
  /** @default - none */
  readonly description?: string;
  /** @default - no hook */
  readonly hookFunctionName?: string;
  /** Where the hook's logs are, printed on failure. @default `/aws/lambda/<hook function>` */
  readonly hookLogGroupName?: string;
  readonly dryRun: boolean;
  readonly activePolicy: ActiveDeploymentPolicy;
  /** Call ContinueDeployment when the deployment is Ready (CodeDeploy only). */
  readonly continueWhenReady: boolean;
  /** @default - computed from the deployment group and config (CodeDeploy) or the service's deployment configuration (ECS) */
  readonly timeoutInMinutes?: number;
  readonly stopOnTimeout: boolean;
  /** @default - follow to the end */
  readonly until?: string;
  /**
   * Follow this existing deployment (e.g. after `--until`) instead of creating one: a CodeDeploy
   * deployment id, or an ECS service deployment ARN.
   * @default - create a deployment
   */
  readonly followDeploymentId?: string;
  readonly json: boolean;
  readonly pollMinIntervalInMs: number;
  readonly pollMaxIntervalInMs: number;
  /** How long a minute of the deployment's waits lasts (`--minute-in-ms`; a local stand-in's). @default 60000 */
  readonly minuteInMs?: number;
  /** False when NO_COLOR, CI, TERM=dumb or --no-color forbid the redrawn terminal display. */
  readonly allowTty: boolean;
  /** @default - not in GitHub Actions */
  readonly githubStepSummaryPath?: string;
  /** @default - not in GitHub Actions */
  readonly githubOutputPath?: string;
  /** In GitHub Actions (`GITHUB_ACTIONS=true`): failures and warnings also go out as workflow annotations. @default false */
  readonly githubAnnotations?: boolean;
}

/** The input of a release by CodeDeploy (the default controller). */
export interface CodeDeployReleaseInput extends CommonReleaseInput {
  /** @default 'CODE_DEPLOY' */
  readonly controller?: 'CODE_DEPLOY';
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly revision: ReleaseRevision;
  /** @default - the deployment group's config */
  readonly deploymentConfigName?: string;
}

/** The input of a release by ECS's own deployment controller (UpdateService, then the service deployment). */
export interface EcsReleaseInput extends CommonReleaseInput {
  readonly controller: 'ECS';
  readonly clusterName: string;
  readonly serviceName: string;
  /** The task definition (with revision) the new service revision runs. */
  readonly taskDefinitionArn: string;
}

/** The release's validated input (one service). */
export type ReleaseInput = CodeDeployReleaseInput | EcsReleaseInput;

/** One service's resolved input, and where each value of its revision came from. */
export interface ServiceRelease {
  readonly input: ReleaseInput;
  readonly sources: RevisionSources;
}

/** What {@link resolveReleaseInput} returns. */
export type ResolveResult =
  | {
      readonly kind: 'ok';
      /** The first (with one service, the only) release's input and sources. */
      readonly input: ReleaseInput;
      readonly sources: RevisionSources;
      /** Every service to release, in order (one unless `--service` names several). */
      readonly releases: readonly ServiceRelease[];
    }
  | { readonly kind: 'error'; readonly errors: readonly string[]; readonly json: boolean };

/** What {@link parseReleaseInput} returns. */
export type ParseResult = { readonly kind: 'help' } | { readonly kind: 'version' } | ResolveResult;

/** The I/O the resolution needs, passed in so it stays pure. */
export interface ParseIo {
  /** Returns the file's text; throws when it cannot be read. */
  readFile(path: string): string;
  /** `<sha> <subject>` of the current commit, or undefined when not in a git checkout. */
  gitCommit(): string | undefined;
  /**
   * Says a warning once, one line (e.g. `--stack` given with a `terraform output -json` file).
   * @default - warnings are dropped
   */
  warn?(line: string): void;
}

type Env = Readonly<Record<string, string | undefined>>;

const CODEDEPLOY_NAME = /^[A-Za-z0-9._+=,@-]{1,100}$/;
/** CodeDeploy's limit on a deployment description (CreateDeployment `description`). */
export const MAX_DESCRIPTION_LENGTH = 200;

/** Parses argv (without `node script`) and the environment, then resolves the values (see {@link resolveReleaseInput}). */
export function parseReleaseInput(argv: readonly string[], env: Env, io: ParseIo): ParseResult {
  const outcome = parseCommandLine(RELEASE_PROGRAM, argv, env);
  if (outcome.kind === 'help' || outcome.kind === 'version') return { kind: outcome.kind };
  if (outcome.kind === 'usage-error') return { kind: 'error', errors: outcome.problems, json: argv.includes('--json') };
  return resolveReleaseInput(outcome.parsed, env, io);
}

const nonEmpty = (v: string | undefined): v is string => v !== undefined && v !== '';

/** Region: flag, RELEASE_REGION, the stack's output (it says where the stack lives, so it beats a CI-wide AWS_REGION), AWS_REGION, AWS_DEFAULT_REGION. */
function resolveRegion(values: ReleaseValues, env: Env, problems: string[]): string | undefined {
  const fallback = nonEmpty(env.AWS_REGION) ? 'AWS_REGION' : nonEmpty(env.AWS_DEFAULT_REGION) ? 'AWS_DEFAULT_REGION' : undefined;
  const region = values.text('region') ?? (fallback ? env[fallback] : undefined);
  const from = values.get('region') !== undefined ? values.from('region') : fallback;
  if (region === undefined) problems.push(`missing AWS region: looked for ${values.lookedAt('region')}, AWS_REGION and AWS_DEFAULT_REGION`);
  else if (!AWS_REGION_PATTERN.test(region)) problems.push(`${from} must be an AWS region code such as us-east-1; received ${JSON.stringify(region)}`);
  return region;
}

/** A CodeDeploy name (application, deployment group, config): CodeDeploy's own limit and characters. */
function codeDeployName(values: ReleaseValues, key: 'application' | 'deploymentGroup' | 'deploymentConfig', problems: string[]): string | undefined {
  const name = (key === 'deploymentConfig' ? values.get(key) : values.required(key)) as string | undefined;
  if (name !== undefined && !CODEDEPLOY_NAME.test(name)) problems.push(`${values.from(key)} must be 1-100 letters, digits or ._+=,@-; received ${JSON.stringify(name)}`);
  return name;
}

function resolveFollow(values: ReleaseValues, controller: DeploymentControllerType, problems: string[]): string | undefined {
  const id = values.text('follow');
  if (id === undefined) return undefined;
  if (controller === 'ECS') {
    if (!SERVICE_DEPLOYMENT_ARN.test(id)) problems.push(`${values.from('follow')} must be a service deployment ARN (the ECS controller) such as arn:aws:ecs:us-east-1:123456789012:service-deployment/cluster/service/AbCdEf123; received ${JSON.stringify(id)}`);
  } else if (!/^d-[A-Za-z0-9]+$/.test(id)) problems.push(`${values.from('follow')} must be a deployment id such as d-ABCDEFGH1; received ${JSON.stringify(id)}`);
  for (const key of ['dryRun', 'waitForActive', 'stopActive'] as const) {
    if (values.get(key)) problems.push(`--${RELEASE_FLAGS[key].name} does not apply to --follow (it follows a deployment that already exists)`);
  }
  return id;
}

function resolvePolls(values: ReleaseValues, problems: string[]): { min: number; max: number } {
  const min = values.get('pollMinIntervalInMs') as number;
  // The default slowest interval follows a fastest one set above it; a given one must not be below it.
  const max = values.given('pollMaxIntervalInMs') ? (values.get('pollMaxIntervalInMs') as number) : Math.max(min, values.get('pollMaxIntervalInMs') as number);
  if (max < min) problems.push(`slowest poll interval (${max} ms) must not be below the fastest (${min} ms)`);
  return { min, max };
}

function resolveEndpoint(values: ReleaseValues, problems: string[]): string | undefined {
  const url = values.text('endpointUrl');
  if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) problems.push(`${values.from('endpointUrl')} must be an http(s) URL; received ${JSON.stringify(url)}`);
  return url;
}

function resolveDescription(values: ReleaseValues, io: ParseIo): string | undefined {
  const description = values.text('description') ?? io.gitCommit();
  return description !== undefined && description.length > MAX_DESCRIPTION_LENGTH ? `${description.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : description;
}

/** TERM=dumb terminals (Emacs shell, some CI consoles) cannot move the cursor to redraw. */
function allowTty(values: ReleaseValues, env: Env): boolean {
  return !values.get('noColor') && !nonEmpty(env.NO_COLOR) && !(nonEmpty(env.CI) && !/^(false|0)$/i.test(env.CI)) && env.TERM !== 'dumb';
}

/** One service to resolve: its outputs (none without an outputs file) and its name when known. */
type Target = OutputsSource & { readonly service?: string };

/** The outputs file's stack, then the services of it to release (none after a problem reading or choosing them: that one line says it all). */
function loadTargets(parsed: ParsedCommandLine, io: ParseIo, problems: string[]): Target[] {
  const file = parsed.values['outputs-file'] as string | undefined;
  const from = (key: 'outputsFile' | 'service'): string => (parsed.sources[RELEASE_FLAGS[key].name] === 'env' ? `${RELEASE_FLAGS[key].env} (for --${RELEASE_FLAGS[key].name})` : `--${RELEASE_FLAGS[key].name}`);
  const requested = parsed.values.service as readonly string[] | undefined;
  const loaded = loadStackOutputs(file, from('outputsFile'), parsed.values.stack as string | undefined, io.readFile);
  // An outputs file that cannot be used is the one cause of every value it would have given: one line.
  if (loaded.problem) {
    problems.push(loaded.problem);
    return [];
  }
  if (loaded.notice) io.warn?.(loaded.notice);
  if (loaded.where === undefined) {
    // No outputs to pick services from: a name only labels the release; several cannot be told apart.
    if (file === undefined && requested !== undefined && requested.length > 1) problems.push(`${from('service')} names ${requested.length} services; releasing several needs the outputs file (--outputs-file) that holds each one's values`);
    return [{ ...loaded, ...(requested?.length === 1 ? { service: requested[0] } : {}) }];
  }
  const selected = selectServices({ outputs: loaded.outputs, where: loaded.where }, requested, from('service'));
  if ('error' in selected) {
    problems.push(selected.error);
    return [];
  }
  return selected.services.map((s) => ({ outputs: s.outputs, where: s.where, ...(s.service !== undefined ? { service: s.service } : {}) }));
}

/** With several services, a flag that belongs to one service cannot be given once for all of them. */
function perServiceProblems(values: ReleaseValues, targets: readonly Target[]): string[] {
  if (targets.length < 2) return [];
  const names = targets.map((t) => t.service).join(', ');
  return (Object.keys(RELEASE_FLAGS) as ReleaseFlagKey[])
    .filter((key) => (RELEASE_FLAGS[key] as ReleaseFlag).perService === true && values.given(key))
    .map((key) => `${values.from(key)} gives one value for ${targets.length} services (${names}); let each come from its service's outputs, or release one service at a time`);
}

/**
 * Resolves parsed flags against the stack outputs into one {@link ReleaseInput} per service to release
 * (one, unless `--service` names several). Every problem is collected, each naming the value, where it
 * came from (or every place it was looked for) and what is allowed.
 */
export function resolveReleaseInput(parsed: ParsedCommandLine, env: Env, io: ParseIo): ResolveResult {
  const problems: string[] = [];
  const targets = loadTargets(parsed, io, problems);
  const releases: ServiceRelease[] = [];
  targets.forEach((target, i) => {
    const own: string[] = [];
    const values = new ReleaseValues(parsed, target, own);
    if (i === 0) own.push(...perServiceProblems(values, targets));
    const release = resolveOne(values, env, io, own, target.service);
    problems.push(...own);
    if (release) releases.push(release);
  });
  const json = parsed.values.json === true;
  // A problem with a flag is the same for every service: say it once.
  if (problems.length > 0 || releases.length !== targets.length || releases.length === 0) return { kind: 'error', errors: [...new Set(problems)], json };
  return { kind: 'ok', input: releases[0]!.input, sources: releases[0]!.sources, releases };
}

/** What every controller's input has, resolved; undefined when a problem was pushed. */
function resolveCommon(values: ReleaseValues, env: Env, io: ParseIo, problems: string[], controller: DeploymentControllerType, service: string | undefined, region: string | undefined): CommonReleaseInput | undefined {
  const before = problems.length;
  if (values.get('waitForActive') && values.get('stopActive')) problems.push('--wait-for-active and --stop-active exclude each other; give one');
  const polls = resolvePolls(values, problems);
  const followDeploymentId = resolveFollow(values, controller, problems);
  const endpointUrl = resolveEndpoint(values, problems);
  problems.push(...untilProblems(values, controller), ...otherControllerProblems(values, controller));
  if (problems.length > before || !region) return undefined;
  const description = resolveDescription(values, io);
  const timeoutInMinutes = values.get('timeoutInMinutes') as number | undefined;
  const until = values.text('until');
  return {
    ...(service !== undefined ? { service } : {}),
    region,
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(description ? { description } : {}),
    dryRun: values.get('dryRun') === true,
    activePolicy: values.get('stopActive') ? 'stop' : values.get('waitForActive') ? 'wait' : 'fail',
    continueWhenReady: values.get('continue') === true,
    ...(timeoutInMinutes !== undefined ? { timeoutInMinutes } : {}),
    stopOnTimeout: values.get('stopOnTimeout') === true,
    ...(until ? { until } : {}),
    ...(followDeploymentId ? { followDeploymentId } : {}),
    json: values.get('json') === true,
    pollMinIntervalInMs: polls.min,
    pollMaxIntervalInMs: polls.max,
    ...(values.given('minuteInMs') ? { minuteInMs: values.get('minuteInMs') as number } : {}),
    allowTty: allowTty(values, env),
    ...(nonEmpty(env.GITHUB_STEP_SUMMARY) ? { githubStepSummaryPath: env.GITHUB_STEP_SUMMARY } : {}),
    ...(nonEmpty(env.GITHUB_OUTPUT) ? { githubOutputPath: env.GITHUB_OUTPUT } : {}),
    ...(env.GITHUB_ACTIONS === 'true' ? { githubAnnotations: true } : {}),
  };
}

/** Resolves one service's input (CodeDeploy or ECS, per its controller); undefined when a problem was pushed. */
function resolveOne(values: ReleaseValues, env: Env, io: ParseIo, problems: string[], service: string | undefined): ServiceRelease | undefined {
  const controller = resolveController(values);
  const region = resolveRegion(values, env, problems);
  if (controller === undefined) return undefined;
  if (controller === 'ECS') {
    const common = resolveCommon(values, env, io, problems, controller, service, region);
    const ecs = resolveEcsSpecifics(values, problems);
    if (!common || !ecs) return undefined;
    const hookFunctionName = values.text('hookFunction');
    const hookLogGroupName = hookFunctionName !== undefined ? values.text('hookLogGroup') : undefined;
    const input: EcsReleaseInput = { controller, ...common, ...ecs, ...(hookFunctionName ? { hookFunctionName } : {}), ...(hookLogGroupName ? { hookLogGroupName } : {}) };
    return { input, sources: {} };
  }
  const applicationName = codeDeployName(values, 'application', problems);
  const deploymentGroupName = codeDeployName(values, 'deploymentGroup', problems);
  const { revision, hookFunctionName, sources } = resolveRevision(values, problems);
  const deploymentConfigName = codeDeployName(values, 'deploymentConfig', problems);
  const common = resolveCommon(values, env, io, problems, controller, service, region);
  if (problems.length > 0 || !common || !applicationName || !deploymentGroupName || !revision) return undefined;
  const hookLogGroupName = hookFunctionName !== undefined ? values.text('hookLogGroup') : undefined;
  const input: CodeDeployReleaseInput = {
    ...common,
    applicationName,
    deploymentGroupName,
    revision,
    ...(deploymentConfigName ? { deploymentConfigName } : {}),
    ...(hookFunctionName ? { hookFunctionName } : {}),
    ...(hookLogGroupName ? { hookLogGroupName } : {}),
  };
  return { input, sources };
}
