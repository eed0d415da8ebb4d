/**
 * The shared set-up of the end-to-end release files (__tests__/e2e-release*.test.ts): the real release
 * CLI (a child process, as `npm run release` runs it) against the CodeDeploy stand-in over HTTP, with the
 * real hook (its esbuild bundle, in a warm child process with its own CodeDeploy client pointed at the
 * stand-in) checking a real local green app.
 *
 * Each file gets its own stand-in, green app, hook runtime and temporary directory (all on 127.0.0.1,
 * port 0), so the files run in parallel jest workers without sharing anything; each test uses its own
 * deployment group, so no test sees another's deployments. Tests that change nothing shared (no fault
 * rule, not the green app's health) run concurrently within the file ({@link E2eRelease.concurrent}).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHookCached } from '../../hook-build/bundle';
import { CodeDeployStandIn, DeploymentGroupSpec, GreenApp, HookRuntime, startCodeDeployStandIn, startGreenApp, startHookRuntime } from './index';
import { concurrentReleaseTest, killRunningReleases, OwnReleases, ReleaseExit, removeIsolatedAwsHomes, StackOutputValues, writeOutputsFile } from './release-process';

export const APP = 'bluegreen-dev';
export const HOOK_FN = 'bluegreen-dev-hook';
export const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/bluegreen-dev-web:12';
export const ALARM = 'bluegreen-dev-target-5xx';
export const LIFECYCLE = ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];

/** A deployment group of the stand-in, by name (the application is always {@link APP}). */
export type GroupSpecs = Record<string, Omit<DeploymentGroupSpec, 'applicationName' | 'deploymentGroupName'>>;

/** What a test file uses; the servers exist from its `beforeAll` on. */
export interface E2eRelease {
  readonly dir: string;
  readonly standIn: CodeDeployStandIn;
  readonly green: GreenApp;
  readonly hook: HookRuntime;
  /** Writes a cdktf-style outputs file for `group` (the stack is named after the group). */
  outputsFor(group: string, extra?: StackOutputValues): string;
  /** Release arguments for `group` with short poll intervals. */
  releaseArgs(group: string, ...extra: string[]): string[];
  /** The stand-in is found through the SDK's own endpoint variable, as the docs tell users of stand-ins. */
  env(): Record<string, string>;
  userDeployments(group: string): ReturnType<CodeDeployStandIn['deployments']>;
  rollbacks(group: string): ReturnType<CodeDeployStandIn['deployments']>;
  /**
   * A test that runs concurrently with the file's other concurrent tests, for a test that touches only
   * `groups` (no fault rule, not the green app's health). Afterwards, as afterEach does for the others
   * (jest runs no afterEach for concurrent tests): its releases still running are killed, failing a
   * test that passed, and every deployment of its groups must have ended.
   */
  concurrent(title: string, groups: readonly string[], body: (t: OwnReleases) => Promise<void>): void;
}

/**
 * Registers the file's `beforeAll`/`afterEach`/`afterAll` and returns the handle its tests use. After
 * every test: a release CLI still running is killed (and fails a test that passed), and every
 * deployment the test started must have ended.
 */
export function useE2eRelease(groups: GroupSpecs): E2eRelease {
  const state: { dir?: string; standIn?: CodeDeployStandIn; green?: GreenApp; hook?: HookRuntime } = {};
  const need = <K extends keyof typeof state>(key: K): NonNullable<(typeof state)[K]> => {
    const value = state[key];
    if (value === undefined) throw new Error(`the e2e harness has no ${key} yet (used before beforeAll?)`);
    return value as NonNullable<(typeof state)[K]>;
  };

  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), 'e2e-release-'));
    // The bundle is what the stack uploads to Lambda, so that is what runs here (content-addressed
    // cache: read-only for the tests, shared safely).
    const bundle = bundleHookCached();
    const standIn = await startCodeDeployStandIn({
      msPerMinute: 100,
      eventDurationInMs: 40,
      // Long enough for the CLI's first polls to meet a deployment that has not started yet.
      startDelayInMs: 300,
      groups: Object.entries(groups).map(([name, spec]) => ({ applicationName: APP, deploymentGroupName: name, ...spec })),
    });
    state.standIn = standIn;
    state.green = await startGreenApp();
    const hook = await startHookRuntime({
      modulePath: bundle.file,
      env: { AWS_ENDPOINT_URL_CODEDEPLOY: standIn.endpoint, HOOK_TEST_BASE_URL: state.green.url, HOOK_CHECK_BUDGET_IN_SECONDS: '2' },
      timeoutInMs: 10_000,
    });
    state.hook = hook;
    // CodeDeploy invokes the function the AppSpec names; any other name does not exist.
    standIn.model.setHookInvoker((fn, event) => (fn === HOOK_FN ? hook.invoker(fn, event) : Promise.reject(new Error(`Function not found: ${fn}`))));
  });

  afterEach(async () => {
    // A test that failed half-way may leave its CLI running (detached): end it, or it outlives jest.
    const leftRunning = await killRunningReleases();
    try {
      // Every deployment a test started must have ended, whatever the test asserted.
      await need('standIn').settle(20_000);
    } finally {
      need('standIn').faults.clear();
      need('green').setHealth('healthy');
    }
    // A test that passed must not have left its CLI running either.
    expect(leftRunning).toBe(0);
  });

  afterAll(async () => {
    await killRunningReleases();
    await state.hook?.close();
    await state.green?.close();
    await state.standIn?.close();
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
    removeIsolatedAwsHomes();
  });

  const outputsFor = (group: string, extra: StackOutputValues = {}): string =>
    writeOutputsFile(need('dir'), group, {
      ...extra,
      region: 'us-east-1',
      applicationName: APP,
      deploymentGroupName: group,
      taskDefinitionArn: TASK_DEF,
      containerName: 'web',
      containerPort: 8080,
      hookFunctionName: HOOK_FN,
      hookLifecycleEvents: 'AfterAllowTestTraffic,BeforeAllowTraffic',
    });
  return {
    get dir() {
      return need('dir');
    },
    get standIn() {
      return need('standIn');
    },
    get green() {
      return need('green');
    },
    get hook() {
      return need('hook');
    },
    outputsFor,
    releaseArgs: (group, ...extra) => ['--outputs-file', outputsFor(group), '--stack', group, '--poll-min-interval-in-ms', '100', '--poll-max-interval-in-ms', '300', ...extra],
    env: () => ({ AWS_ENDPOINT_URL_CODEDEPLOY: need('standIn').endpoint }),
    userDeployments: (group) => need('standIn').deployments().filter((d) => d.deploymentGroupName === group && d.creator === 'user'),
    rollbacks: (group) => need('standIn').deployments().filter((d) => d.deploymentGroupName === group && d.creator === 'codeDeployRollback'),
    concurrent: (title, groups, body) => concurrentReleaseTest(title, body, () => need('standIn').settle(20_000, (d) => groups.includes(d.deploymentGroupName))),
  };
}

/** Asserts the exit code, showing the CLI's output when it differs. */
export function expectExit(r: ReleaseExit, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code} (signal ${r.signal}); stderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
}

/** The plain progress lines without their timestamps. */
export function progress(r: ReleaseExit): string[] {
  return r.lines.map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, ''));
}
