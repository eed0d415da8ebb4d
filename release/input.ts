/**
 * The release's inputs, resolved once (flag > environment variable > stack output > default) into a
 * typed, validated object. Pure: the file system and git are passed in, so every error path is
 * unit-testable. The flags themselves are declared in release/flags.ts.
 */
import { AWS_REGION_PATTERN } from '../lib/aws-region';
import { parseCommandLine, type ParsedCommandLine } from '../scripts/cli';
import { RELEASE_FLAGS, RELEASE_PROGRAM } from './flags';
import { loadStackOutputs } from './outputs-file';
import { resolveRevision, type ReleaseRevision, type RevisionSources } from './revision';
import { ReleaseValues } from './values';

export type { ReleaseRevision } from './revision';

/** What to do when another deployment is active in the group. */
export type ActiveDeploymentPolicy = 'fail' | 'wait' | 'stop';

/** The release's validated input. */
export interface ReleaseInput {
  readonly region: string;
  /** @default - the SDK's own resolution (AWS_ENDPOINT_URL_CODEDEPLOY, AWS_ENDPOINT_URL, the region's endpoint) */
  readonly endpointUrl?: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly revision: ReleaseRevision;
  /** @default - the deployment group's config */
  readonly deploymentConfigName?: string;
  /** @default - none */
  readonly description?: string;
  /** @default - no hook */
  readonly hookFunctionName?: string;
  /** Where the hook's logs are, printed on failure. @default `/aws/lambda/<hook function>` */
  readonly hookLogGroupName?: string;
  readonly dryRun: boolean;
  readonly activePolicy: ActiveDeploymentPolicy;
  /** Call ContinueDeployment when the deployment is Ready. */
  readonly continueWhenReady: boolean;
  /** @default - computed from the deployment group and config */
  readonly timeoutInMinutes?: number;
  readonly stopOnTimeout: boolean;
  /** @default - follow to the end */
  readonly until?: string;
  /**
   * Follow this existing deployment (e.g. after `--until`) instead of creating one.
   * @default - create a deployment
   */
  readonly followDeploymentId?: string;
  readonly json: boolean;
  readonly pollMinIntervalInMs: number;
  readonly pollMaxIntervalInMs: number;
  /** False when NO_COLOR, CI, TERM=dumb or --no-color forbid the redrawn terminal display. */
  readonly allowTty: boolean;
  /** @default - not in GitHub Actions */
  readonly githubStepSummaryPath?: string;
  /** @default - not in GitHub Actions */
  readonly githubOutputPath?: string;
}

/** What {@link resolveReleaseInput} returns. */
export type ResolveResult =
  | { readonly kind: 'ok'; readonly input: ReleaseInput; readonly sources: RevisionSources }
  | { readonly kind: 'error'; readonly errors: readonly string[]; readonly json: boolean };

/** What {@link parseReleaseInput} returns. */
export type ParseResult = { readonly kind: 'help' } | { readonly kind: 'version' } | ResolveResult;

/** The I/O the resolution needs, passed in so it stays pure. */
export interface ParseIo {
  /** Returns the file's text; throws when it cannot be read. */
  readFile(path: string): string;
  /** `<sha> <subject>` of the current commit, or undefined when not in a git checkout. */
  gitCommit(): string | undefined;
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

function resolveFollow(values: ReleaseValues, problems: string[]): string | undefined {
  const id = values.text('follow');
  if (id === undefined) return undefined;
  if (!/^d-[A-Za-z0-9]+$/.test(id)) problems.push(`${values.from('follow')} must be a deployment id such as d-ABCDEFGH1; received ${JSON.stringify(id)}`);
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

function loadValues(parsed: ParsedCommandLine, io: ParseIo, problems: string[]): ReleaseValues {
  const file = parsed.values['outputs-file'] as string | undefined;
  const from = parsed.sources['outputs-file'] === 'env' ? RELEASE_FLAGS.outputsFile.env : '--outputs-file';
  const loaded = loadStackOutputs(file, from, parsed.values.stack as string | undefined, io.readFile);
  if (loaded.problem) problems.push(loaded.problem);
  return new ReleaseValues(parsed, loaded, problems);
}

/**
 * Resolves parsed flags against the stack outputs into a {@link ReleaseInput}. Every problem is
 * collected, each naming the value, where it came from (or every place it was looked for) and what
 * is allowed.
 */
export function resolveReleaseInput(parsed: ParsedCommandLine, env: Env, io: ParseIo): ResolveResult {
  const problems: string[] = [];
  const values = loadValues(parsed, io, problems);
  const region = resolveRegion(values, env, problems);
  const applicationName = codeDeployName(values, 'application', problems);
  const deploymentGroupName = codeDeployName(values, 'deploymentGroup', problems);
  const { revision, hookFunctionName, sources } = resolveRevision(values, problems);
  const deploymentConfigName = codeDeployName(values, 'deploymentConfig', problems);
  if (values.get('waitForActive') && values.get('stopActive')) problems.push('--wait-for-active and --stop-active exclude each other; give one');
  const polls = resolvePolls(values, problems);
  const followDeploymentId = resolveFollow(values, problems);
  const endpointUrl = resolveEndpoint(values, problems);
  const json = values.get('json') === true;
  if (problems.length > 0 || !region || !applicationName || !deploymentGroupName || !revision) return { kind: 'error', errors: problems, json };
  const description = resolveDescription(values, io);
  const hookLogGroupName = hookFunctionName !== undefined ? values.text('hookLogGroup') : undefined;
  const timeoutInMinutes = values.get('timeoutInMinutes') as number | undefined;
  const until = values.text('until');
  const input: ReleaseInput = {
    region,
    ...(endpointUrl ? { endpointUrl } : {}),
    applicationName,
    deploymentGroupName,
    revision,
    ...(deploymentConfigName ? { deploymentConfigName } : {}),
    ...(description ? { description } : {}),
    ...(hookFunctionName ? { hookFunctionName } : {}),
    ...(hookLogGroupName ? { hookLogGroupName } : {}),
    dryRun: values.get('dryRun') === true,
    activePolicy: values.get('stopActive') ? 'stop' : values.get('waitForActive') ? 'wait' : 'fail',
    continueWhenReady: values.get('continue') === true,
    ...(timeoutInMinutes !== undefined ? { timeoutInMinutes } : {}),
    stopOnTimeout: values.get('stopOnTimeout') === true,
    ...(until ? { until } : {}),
    ...(followDeploymentId ? { followDeploymentId } : {}),
    json,
    pollMinIntervalInMs: polls.min,
    pollMaxIntervalInMs: polls.max,
    allowTty: allowTty(values, env),
    ...(nonEmpty(env.GITHUB_STEP_SUMMARY) ? { githubStepSummaryPath: env.GITHUB_STEP_SUMMARY } : {}),
    ...(nonEmpty(env.GITHUB_OUTPUT) ? { githubOutputPath: env.GITHUB_OUTPUT } : {}),
  };
  return { kind: 'ok', input, sources };
}
