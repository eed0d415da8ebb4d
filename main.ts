/**
 * The CDKTF app: one `BlueGreenStack` per environment of `stacks/environments.ts`, written to
 * `cdktf.out/stacks/<stack>/cdk.tf.json`. Run with `npm run synth` (`tsx main.ts`) or `cdktf synth`.
 *
 * `ENVIRONMENTS=dev,prod` limits the synth to some environments. Stack directories of environments the
 * app no longer declares are removed from `cdktf.out/stacks/` (stacks/stale-stacks.ts). `BLUEGREEN_STATE_BUCKET` (with
 * `BLUEGREEN_STATE_REGION`, `BLUEGREEN_STATE_KEY_PREFIX`) puts every environment's state in S3 (see
 * config/state-backend.ts). Invalid configuration prints every problem (no stack trace) and exits 1
 * before anything is written.
 */
import { App } from 'cdktf';
import { DEFAULTS, resolveEnvironment, type EnvironmentConfig } from './config/environment';
import { environmentNameClashes } from './config/validation-routes';
import { stackName } from './config/names';
import { EnvironmentConfigError, validateEnvironment } from './config/validation';
import { HookBundleError } from './hook-build/bundle';
import { defaultHookBundle } from './hook-build/prebuilt';
import { resolveStateBackend, stateBackendVariableProblems, type StateBackendVariables } from './config/state-backend';
import { BlueGreenStack } from './stacks/bluegreen-stack';
import { ENVIRONMENTS } from './stacks/environments';
import { applySynthSpeedSettings } from './stacks/synth-process';
import { removeStaleStacks } from './stacks/stale-stacks';
import * as path from 'node:path';

/** Exit code for invalid configuration or a hook that cannot be bundled. */
export const EXIT_INVALID = 1;

/** A bad `ENVIRONMENTS` variable: it selects environments, so it is reported under its own name, not an environment's. */
export class EnvironmentSelectionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid ENVIRONMENTS variable (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvironmentSelectionError';
  }
}

/**
 * Picks the environments named in `filter` (comma-separated), or all of them when it is unset or empty.
 * @throws EnvironmentSelectionError when it names an undeclared environment, or only commas and spaces
 */
export function selectEnvironments(all: readonly EnvironmentConfig[], filter: string | undefined): EnvironmentConfig[] {
  if (filter === undefined || filter.trim() === '') return [...all];
  const declared = all.map((e) => JSON.stringify(e?.name)).join(', ');
  const wanted = filter.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (wanted.length === 0) {
    throw new EnvironmentSelectionError([`ENVIRONMENTS must name at least one environment (comma-separated: ${declared}), or be unset for all, got ${JSON.stringify(filter)}`]);
  }
  const unknown = wanted.filter((name) => !all.some((e) => e?.name === name));
  if (unknown.length > 0) {
    throw new EnvironmentSelectionError([`ENVIRONMENTS names ${unknown.map((n) => JSON.stringify(n)).join(', ')}, but the environments are ${declared}; got ${JSON.stringify(filter)}`]);
  }
  return all.filter((e) => wanted.includes(e.name));
}

/** One problem per environment name given more than once (the second would overwrite the first's stack). */
function duplicateEnvironments(environments: readonly EnvironmentConfig[]): EnvironmentConfigError[] {
  const positions = new Map<string, number[]>();
  environments.forEach((env, i) => {
    if (env === null || typeof env !== 'object' || typeof env.name !== 'string') return;
    const key = stackName(env.project ?? DEFAULTS.project, env.name);
    positions.set(key, [...(positions.get(key) ?? []), i]);
  });
  return [...positions.values()]
    .filter((at) => at.length > 1)
    .map((at) => {
      const name = environments[at[0]!]!.name;
      return new EnvironmentConfigError(name, [
        `environment ${JSON.stringify(name)} is declared ${at.length} times (entries ${at.map((i) => i + 1).join(', ')} of the list): each environment (project and name) must be declared once`,
      ]);
    });
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Output directory.
   * @default - cdktf's: `CDKTF_OUTDIR` or `cdktf.out`
   */
  readonly outdir?: string;
  /**
   * Called with each synth-time warning.
   * @default - warnings are dropped
   */
  readonly warn?: (message: string) => void;
  /**
   * Called with each synth-time notice (e.g. state moved to S3 by `BLUEGREEN_STATE_BUCKET`).
   * @default - notices are dropped
   */
  readonly info?: (message: string) => void;
  /**
   * Where the `BLUEGREEN_STATE_*` variables are read.
   * @default process.env
   */
  readonly variables?: StateBackendVariables;
}

/**
 * Validates every environment first (all problems at once), then builds and synthesizes the app.
 * Applies the synth speed settings first (source maps off unless BLUEGREEN_SOURCE_MAPS=1; see
 * stacks/synth-process.ts), whoever calls it.
 */
export function synthesize(environments: readonly EnvironmentConfig[], options: SynthesizeOptions = {}): App {
  applySynthSpeedSettings();
  const variables = options.variables ?? process.env;
  const stateProblems = stateBackendVariableProblems(variables);
  const problems = [
    // The state variables apply to every selected environment: reported once, under all their names.
    ...(stateProblems.length > 0 ? [new EnvironmentConfigError(environments.map((e) => e?.name ?? '?').join(','), stateProblems)] : []),
    ...environments.flatMap((env) => {
      const list = validateEnvironment(env);
      return list.length > 0 ? [new EnvironmentConfigError(env?.name ?? '?', list)] : [];
    }),
  ];
  problems.push(...duplicateEnvironments(environments));
  if (problems.length === 0) {
    // Names two valid environments would both give AWS resources (`dev` + service `api` and `dev-api`).
    const clashes = environmentNameClashes(environments.map(resolveEnvironment));
    for (const [name, list] of clashes) problems.push(new EnvironmentConfigError(name, list));
  }
  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new AggregateConfigError(problems);
  // Bundled once for every stack, and before the App exists: a hook that cannot be bundled stops the
  // synth before anything (even an empty output directory) is written.
  const hookBundle = defaultHookBundle();
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  for (const environment of environments) {
    const backend = resolveStateBackend(variables, environment);
    const config = backend.source === 'variables' ? { ...environment, state: backend.state } : environment;
    new BlueGreenStack(app, stackName(environment.project ?? DEFAULTS.project, environment.name), { environment: config, hookBundle, onWarning: options.warn });
    if (backend.notice) options.info?.(backend.notice);
  }
  app.synth();
  return app;
}

/** Problems of several environments. */
export class AggregateConfigError extends Error {
  constructor(readonly errors: readonly EnvironmentConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'AggregateConfigError';
  }
}

function main(): void {
  try {
    const environments = selectEnvironments(ENVIRONMENTS, process.env.ENVIRONMENTS);
    const app = synthesize(environments, {
      warn: (m) => process.stderr.write(`warning: ${m}\n`),
      info: (m) => process.stderr.write(`info: ${m}\n`),
      variables: process.env,
    });
    const names = app.node.children.filter((c): c is BlueGreenStack => c instanceof BlueGreenStack).map((s) => s.node.id);
    // Every declared environment's directory stays (ENVIRONMENTS may have selected only some).
    const declared = ENVIRONMENTS.map((e) => stackName(e.project ?? DEFAULTS.project, e.name));
    removeStaleStacks(path.join(app.outdir, 'stacks'), declared, (m) => process.stderr.write(`info: ${m}\n`));
    process.stdout.write(`synthesized ${names.join(', ')} → ${app.outdir}/stacks/<stack>/cdk.tf.json\n`);
  } catch (err) {
    if (err instanceof EnvironmentConfigError || err instanceof AggregateConfigError || err instanceof EnvironmentSelectionError || err instanceof HookBundleError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(EXIT_INVALID);
    }
    throw err;
  }
}

if (require.main === module) main();
