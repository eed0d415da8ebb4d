/**
 * Parses the release's inputs once (flags > environment > stack outputs) into a typed, validated
 * object. Pure: the file system and git are passed in, so every error path is unit-testable.
 */
import { appSpecSha256, AppSpecInput, ECS_HOOK_EVENTS, EcsHookEvent, renderAppSpecJson, validateAppSpecInput } from '../lib/appspec';
import { OUTPUT_NAMES, OutputKey } from '../lib/outputs';
import { selectStackOutputs, StackOutputs } from './outputs-file';
import { DEFAULT_POLL_MAX_INTERVAL_IN_MS, DEFAULT_POLL_MIN_INTERVAL_IN_MS } from './poll';
import { isUntilStage, ECS_LIFECYCLE_EVENTS, UNTIL_STAGES } from './progress';

/** The revision the deployment uses. */
export type ReleaseRevision =
  | { readonly type: 'inline'; readonly appSpec: AppSpecInput; readonly content: string; readonly sha256: string }
  | { readonly type: 's3'; readonly bucket: string; readonly key: string; readonly version?: string };

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

/** What {@link parseReleaseInput} returns. */
export type ParseResult =
  | { readonly kind: 'help' }
  | { readonly kind: 'ok'; readonly input: ReleaseInput }
  | { readonly kind: 'error'; readonly errors: readonly string[]; readonly json: boolean };

/** The I/O {@link parseReleaseInput} needs, passed in so parsing stays pure. */
export interface ParseIo {
  /** Returns the file's text; throws when it cannot be read. */
  readFile(path: string): string;
  /** `<sha> <subject>` of the current commit, or undefined when not in a git checkout. */
  gitCommit(): string | undefined;
}

interface ValueFlag {
  readonly flag: string;
  readonly env?: string;
  readonly output?: OutputKey;
  readonly describe: string;
}

/** Flags that take a value, with their environment variable and stack output. */
export const VALUE_FLAGS = {
  outputsFile: { flag: '--outputs-file', env: 'RELEASE_OUTPUTS_FILE', describe: 'stack outputs file' },
  stack: { flag: '--stack', env: 'RELEASE_STACK', describe: 'stack name' },
  region: { flag: '--region', env: 'RELEASE_REGION', output: 'region', describe: 'AWS region' },
  application: { flag: '--application', env: 'RELEASE_APPLICATION', output: 'applicationName', describe: 'CodeDeploy application name' },
  deploymentGroup: { flag: '--deployment-group', env: 'RELEASE_DEPLOYMENT_GROUP', output: 'deploymentGroupName', describe: 'CodeDeploy deployment group name' },
  taskDefinitionArn: { flag: '--task-definition-arn', env: 'RELEASE_TASK_DEFINITION_ARN', output: 'taskDefinitionArn', describe: 'ECS task definition ARN' },
  containerName: { flag: '--container-name', env: 'RELEASE_CONTAINER_NAME', output: 'containerName', describe: 'container name' },
  containerPort: { flag: '--container-port', env: 'RELEASE_CONTAINER_PORT', output: 'containerPort', describe: 'container port' },
  hookFunction: { flag: '--hook-function', env: 'RELEASE_HOOK_FUNCTION', output: 'hookFunctionName', describe: 'hook function name' },
  hookEvents: { flag: '--hook-events', env: 'RELEASE_HOOK_EVENTS', output: 'hookLifecycleEvents', describe: 'hook lifecycle events' },
  hookLogGroup: { flag: '--hook-log-group', env: 'RELEASE_HOOK_LOG_GROUP', output: 'hookLogGroupName', describe: 'hook log group' },
  revision: { flag: '--revision', env: 'RELEASE_REVISION', describe: 'revision type' },
  appSpecBucket: { flag: '--appspec-bucket', env: 'RELEASE_APPSPEC_BUCKET', output: 'appSpecBucketName', describe: 'AppSpec S3 bucket' },
  appSpecKey: { flag: '--appspec-key', env: 'RELEASE_APPSPEC_KEY', output: 'appSpecObjectKey', describe: 'AppSpec S3 object key' },
  appSpecVersion: { flag: '--appspec-version', env: 'RELEASE_APPSPEC_VERSION', output: 'appSpecObjectVersionId', describe: 'AppSpec S3 object version' },
  deploymentConfig: { flag: '--deployment-config', env: 'RELEASE_DEPLOYMENT_CONFIG', describe: 'deployment config name' },
  description: { flag: '--description', env: 'RELEASE_DESCRIPTION', describe: 'description' },
  timeoutInMinutes: { flag: '--timeout-in-minutes', env: 'RELEASE_TIMEOUT_IN_MINUTES', describe: 'timeout in minutes' },
  until: { flag: '--until', env: 'RELEASE_UNTIL', describe: 'stage' },
  follow: { flag: '--follow', env: 'RELEASE_FOLLOW', describe: 'deployment id to follow' },
  endpointUrl: { flag: '--endpoint-url', env: 'RELEASE_ENDPOINT_URL', describe: 'CodeDeploy endpoint URL' },
  pollMinIntervalInMs: { flag: '--poll-min-interval-in-ms', env: 'RELEASE_POLL_MIN_INTERVAL_IN_MS', describe: 'fastest poll interval' },
  pollMaxIntervalInMs: { flag: '--poll-max-interval-in-ms', env: 'RELEASE_POLL_MAX_INTERVAL_IN_MS', describe: 'slowest poll interval' },
} as const satisfies Record<string, ValueFlag>;

type ValueKey = keyof typeof VALUE_FLAGS;

/** Flags without a value. */
export const BOOLEAN_FLAGS = ['--dry-run', '--wait-for-active', '--stop-active', '--continue', '--stop-on-timeout', '--json', '--no-color', '--help'] as const;

const CODEDEPLOY_NAME = /^[A-Za-z0-9._+=,@-]{1,100}$/;
const MAX_DESCRIPTION_LENGTH = 200;

/** Parses argv (without `node script`), the environment and the outputs file into a typed input. */
export function parseReleaseInput(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: ParseIo): ParseResult {
  const errors: string[] = [];
  const values: Partial<Record<ValueKey, string>> = {};
  const booleans = new Set<string>();
  const byFlag = new Map<string, ValueKey>(Object.entries(VALUE_FLAGS).map(([k, v]) => [v.flag, k as ValueKey]));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      booleans.add('--help');
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = byFlag.get(name);
    if (key) {
      const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) {
        errors.push(`${name} needs a value`);
        if (value !== undefined) i--;
        continue;
      }
      values[key] = value;
    } else if ((BOOLEAN_FLAGS as readonly string[]).includes(arg)) {
      booleans.add(arg);
    } else {
      errors.push(`unknown argument ${JSON.stringify(arg)}; see --help`);
    }
  }
  const json = booleans.has('--json');
  if (booleans.has('--help')) return { kind: 'help' };

  const envValue = (key: ValueKey): string | undefined => {
    const name = (VALUE_FLAGS[key] as ValueFlag).env;
    const v = name ? env[name] : undefined;
    return v !== undefined && v !== '' ? v : undefined;
  };
  const flagOrEnv = (key: ValueKey): string | undefined => values[key] ?? envValue(key);

  // Stack outputs.
  let outputs: StackOutputs = {};
  let outputsWhere: string | undefined;
  const outputsFile = flagOrEnv('outputsFile');
  // Set when an outputs file was given but gave no outputs, so the missing-value messages below do
  // not claim that no file was given.
  let outputsUnusable = false;
  if (outputsFile !== undefined) {
    let text: string | undefined;
    try {
      text = io.readFile(outputsFile);
    } catch (err) {
      errors.push(`cannot read the outputs file ${outputsFile} (from ${values.outputsFile ? '--outputs-file' : 'RELEASE_OUTPUTS_FILE'}): ${(err as Error).message}`);
      outputsUnusable = true;
    }
    if (text !== undefined) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        errors.push(`the outputs file ${outputsFile} is not valid JSON: ${(err as Error).message}`);
        outputsUnusable = true;
      }
      if (doc !== undefined) {
        const selected = selectStackOutputs(doc, outputsFile, flagOrEnv('stack'));
        if ('error' in selected) {
          errors.push(selected.error);
          outputsUnusable = true;
        } else {
          outputs = selected.outputs;
          outputsWhere = selected.where;
        }
      }
    }
  }

  const lookedAt = (key: ValueKey, extraEnv: readonly string[] = []): string => {
    const spec = VALUE_FLAGS[key] as ValueFlag;
    const places = [spec.flag, ...(spec.env ? [spec.env] : []), ...extraEnv];
    if (spec.output) {
      places.push(
        outputsWhere
          ? `output ${JSON.stringify(OUTPUT_NAMES[spec.output])} in ${outputsWhere}`
          : outputsUnusable
            ? `output ${JSON.stringify(OUTPUT_NAMES[spec.output])} of the stack (the outputs file ${outputsFile} could not be used, see above)`
            : `output ${JSON.stringify(OUTPUT_NAMES[spec.output])} of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)`,
      );
    }
    return places.length > 1 ? `${places.slice(0, -1).join(', ')} and ${places[places.length - 1]}` : places[0];
  };
  const fromOutput = (key: ValueKey): string | undefined => {
    const spec = VALUE_FLAGS[key] as ValueFlag;
    if (!spec.output) return undefined;
    const v = outputs[OUTPUT_NAMES[spec.output]];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  };
  const lookup = (key: ValueKey): string | undefined => flagOrEnv(key) ?? fromOutput(key);
  const source = (key: ValueKey): string => {
    const spec = VALUE_FLAGS[key] as ValueFlag;
    if (values[key] !== undefined) return spec.flag;
    if (envValue(key) !== undefined) return spec.env!;
    return spec.output ? `output ${OUTPUT_NAMES[spec.output]}` : spec.flag;
  };
  const required = (key: ValueKey, extraEnv: readonly string[] = []): string | undefined => {
    const v = lookup(key);
    if (v === undefined) errors.push(`missing ${VALUE_FLAGS[key].describe}: looked for ${lookedAt(key, extraEnv)}`);
    return v;
  };
  const integer = (key: ValueKey, min: number, max: number): number | undefined => {
    const raw = lookup(key);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(n) || n < min || n > max) {
      errors.push(`${VALUE_FLAGS[key].describe} (${source(key)}) must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return n;
  };

  // Region: the stack's own output beats a CI-wide AWS_REGION (see docs/release.md).
  const region = flagOrEnv('region') ?? fromOutput('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) errors.push(`missing AWS region: looked for ${lookedAt('region')}, AWS_REGION and AWS_DEFAULT_REGION`);
  else if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) errors.push(`AWS region (${source('region')}) must look like us-east-1, got ${JSON.stringify(region)}`);

  const applicationName = required('application');
  const deploymentGroupName = required('deploymentGroup');
  for (const [key, value] of [['application', applicationName], ['deploymentGroup', deploymentGroupName]] as const) {
    if (value !== undefined && !CODEDEPLOY_NAME.test(value)) {
      errors.push(`${VALUE_FLAGS[key].describe} (${source(key)}) must be 1-100 letters, digits or ._+=,@-, got ${JSON.stringify(value)}`);
    }
  }

  // Revision.
  const revisionType = flagOrEnv('revision') ?? 'inline';
  let revision: ReleaseRevision | undefined;
  const hookFunctionName = lookup('hookFunction');
  if (revisionType === 'inline') {
    const taskDefinitionArn = required('taskDefinitionArn');
    const containerName = required('containerName');
    const containerPort = required('containerPort') === undefined ? undefined : integer('containerPort', 1, 65535);
    const hooks: Partial<Record<EcsHookEvent, string>> = {};
    if (hookFunctionName !== undefined) {
      const rawEvents = lookup('hookEvents');
      if (rawEvents === undefined) {
        errors.push(`missing hook lifecycle events for hook function ${JSON.stringify(hookFunctionName)}: looked for ${lookedAt('hookEvents')}; allowed events: ${ECS_HOOK_EVENTS.join(', ')}`);
      } else {
        for (const event of rawEvents.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
          if (!(ECS_HOOK_EVENTS as readonly string[]).includes(event)) {
            errors.push(`hook lifecycle event ${JSON.stringify(event)} (${source('hookEvents')}) is not allowed; allowed: ${ECS_HOOK_EVENTS.join(', ')}`);
          } else hooks[event as EcsHookEvent] = hookFunctionName;
        }
      }
    }
    if (taskDefinitionArn !== undefined && containerName !== undefined && containerPort !== undefined) {
      const appSpec: AppSpecInput = { taskDefinitionArn, containerName, containerPort, ...(Object.keys(hooks).length > 0 ? { hooks } : {}) };
      const problems = validateAppSpecInput(appSpec);
      // validateAppSpecInput names the field first; say where its value came from.
      const fieldKey = (problem: string): ValueKey =>
        problem.startsWith('taskDefinitionArn')
          ? 'taskDefinitionArn'
          : problem.startsWith('containerName')
            ? 'containerName'
            : problem.startsWith('hooks')
              ? 'hookFunction'
              : 'containerPort';
      if (problems.length > 0) errors.push(...problems.map((p) => `${p} (from ${source(fieldKey(p))})`));
      else {
        const content = renderAppSpecJson(appSpec);
        revision = { type: 'inline', appSpec, content, sha256: appSpecSha256(content) };
      }
    }
  } else if (revisionType === 's3') {
    const bucket = required('appSpecBucket');
    const key = required('appSpecKey');
    const version = lookup('appSpecVersion');
    if (bucket !== undefined && key !== undefined) revision = { type: 's3', bucket, key, ...(version ? { version } : {}) };
  } else {
    errors.push(`revision type (${source('revision')}) must be inline or s3, got ${JSON.stringify(revisionType)}`);
  }

  const deploymentConfigName = flagOrEnv('deploymentConfig');
  if (deploymentConfigName !== undefined && !CODEDEPLOY_NAME.test(deploymentConfigName)) {
    errors.push(`deployment config name (${source('deploymentConfig')}) must be 1-100 letters, digits or ._+=,@-, got ${JSON.stringify(deploymentConfigName)}`);
  }

  let description = flagOrEnv('description') ?? io.gitCommit();
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) description = `${description.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…`;

  if (booleans.has('--wait-for-active') && booleans.has('--stop-active')) {
    errors.push('--wait-for-active and --stop-active exclude each other; give one');
  }
  const activePolicy: ActiveDeploymentPolicy = booleans.has('--stop-active') ? 'stop' : booleans.has('--wait-for-active') ? 'wait' : 'fail';

  const timeoutInMinutes = integer('timeoutInMinutes', 1, 7 * 24 * 60);
  const until = flagOrEnv('until');
  if (until !== undefined && !isUntilStage(until)) {
    errors.push(`stage (${source('until')}) must be one of ${[...UNTIL_STAGES, ...ECS_LIFECYCLE_EVENTS].join(', ')}, got ${JSON.stringify(until)}`);
  }
  const pollMin = integer('pollMinIntervalInMs', 1, 600000) ?? DEFAULT_POLL_MIN_INTERVAL_IN_MS;
  const pollMax = integer('pollMaxIntervalInMs', 1, 600000) ?? Math.max(pollMin, DEFAULT_POLL_MAX_INTERVAL_IN_MS);
  if (pollMax < pollMin) errors.push(`slowest poll interval (${pollMax} ms) must not be below the fastest (${pollMin} ms)`);

  const followDeploymentId = flagOrEnv('follow');
  if (followDeploymentId !== undefined) {
    if (!/^d-[A-Za-z0-9]+$/.test(followDeploymentId)) {
      errors.push(`deployment id to follow (${source('follow')}) must look like d-ABCDEFGH1, got ${JSON.stringify(followDeploymentId)}`);
    }
    for (const flag of ['--dry-run', '--wait-for-active', '--stop-active'] as const) {
      if (booleans.has(flag)) errors.push(`${flag} does not apply to --follow (it follows a deployment that already exists)`);
    }
  }

  const endpointUrl = flagOrEnv('endpointUrl');
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(endpointUrl)) {
    errors.push(`CodeDeploy endpoint URL (${source('endpointUrl')}) must be an http(s) URL, got ${JSON.stringify(endpointUrl)}`);
  }

  if (errors.length > 0 || !region || !applicationName || !deploymentGroupName || !revision) {
    return { kind: 'error', errors, json };
  }
  const nonEmpty = (v: string | undefined): boolean => v !== undefined && v !== '';
  return {
    kind: 'ok',
    input: {
      region,
      ...(endpointUrl ? { endpointUrl } : {}),
      applicationName,
      deploymentGroupName,
      revision,
      ...(deploymentConfigName ? { deploymentConfigName } : {}),
      ...(description ? { description } : {}),
      ...(hookFunctionName && revision.type === 'inline' && revision.appSpec.hooks ? { hookFunctionName } : {}),
      ...(hookFunctionName && revision.type === 's3' ? { hookFunctionName } : {}),
      ...(hookFunctionName && lookup('hookLogGroup') ? { hookLogGroupName: lookup('hookLogGroup') } : {}),
      dryRun: booleans.has('--dry-run'),
      activePolicy,
      continueWhenReady: booleans.has('--continue'),
      ...(timeoutInMinutes !== undefined ? { timeoutInMinutes } : {}),
      stopOnTimeout: booleans.has('--stop-on-timeout'),
      ...(until ? { until } : {}),
      ...(followDeploymentId ? { followDeploymentId } : {}),
      json,
      pollMinIntervalInMs: pollMin,
      pollMaxIntervalInMs: pollMax,
      // TERM=dumb terminals (Emacs shell, some CI consoles) cannot move the cursor to redraw.
      allowTty: !booleans.has('--no-color') && !nonEmpty(env.NO_COLOR) && !(nonEmpty(env.CI) && !/^(false|0)$/i.test(env.CI!)) && env.TERM !== 'dumb',
      ...(nonEmpty(env.GITHUB_STEP_SUMMARY) ? { githubStepSummaryPath: env.GITHUB_STEP_SUMMARY } : {}),
      ...(nonEmpty(env.GITHUB_OUTPUT) ? { githubOutputPath: env.GITHUB_OUTPUT } : {}),
    },
  };
}
