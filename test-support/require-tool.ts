/**
 * Tests that need a tool the machine may lack (terraform, the AWS CLI) use {@link describeWithTool}.
 * On a user's machine they skip with a printed reason; where `REQUIRE_TEST_TOOLS=1` (set by `.ci/run`)
 * a missing tool is a failing test instead, so CI can never pass by skipping.
 */
import { spawnSync } from 'node:child_process';

/** Environment variable that turns a missing tool from a skip into a failure. */
export const REQUIRE_TOOLS_ENV = 'REQUIRE_TEST_TOOLS';

/** Returns the tool's version line, or undefined when it cannot be run. */
export function toolVersion(command: string, args: readonly string[] = ['--version']): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20000 });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.split('\n').find((l) => l.trim().length > 0)?.trim();
}

/** What the machine lacks when `command` does not run; undefined when it runs. */
export function missingTool(command: string, versionArgs: readonly string[] = ['--version']): { readonly need: string; readonly reason: string } | undefined {
  return toolVersion(command, versionArgs) !== undefined ? undefined : { need: command, reason: `${command} is not on PATH (or does not run)` };
}

/**
 * `describe` that runs `body` only when `command` runs. When it does not: skips with a printed
 * reason, or fails when {@link REQUIRE_TOOLS_ENV} is set.
 */
export function describeWithTool(
  title: string,
  command: string,
  body: () => void,
  versionArgs: readonly string[] = ['--version'],
): void {
  describeWhen(title, missingTool(command, versionArgs), body);
}

/** Run, skip (with the printed reason) or fail (under {@link REQUIRE_TOOLS_ENV}): the one rule for every kind of need. */
function ruleFor(title: string, missing: { readonly need: string; readonly reason: string } | undefined): 'run' | { readonly fail: string } | { readonly skip: string } {
  if (missing === undefined) return 'run';
  const reason = `${missing.reason}, so "${title}" cannot run`;
  if (process.env[REQUIRE_TOOLS_ENV] === '1') return { fail: `${reason}; ${REQUIRE_TOOLS_ENV}=1 requires it` };
  return { skip: `SKIPPED: ${reason}. Install it to run these tests.` };
}

/**
 * `describe` that runs `body` unless `missing` says what the machine lacks (a tool, a native module
 * without a prebuilt binary for this Node): then it skips with the printed reason, or fails when
 * {@link REQUIRE_TOOLS_ENV} is set.
 */
export function describeWhen(title: string, missing: { readonly need: string; readonly reason: string } | undefined, body: () => void): void {
  const rule = ruleFor(title, missing);
  if (rule === 'run') {
    describe(title, body);
  } else if ('fail' in rule) {
    describe(title, () => {
      test(`needs ${missing!.need}`, () => {
        throw new Error(rule.fail);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(rule.skip);
    describe.skip(title, body);
  }
}

/**
 * One `test.concurrent` that needs `command`, under the same rule as {@link describeWithTool}. For a
 * test that must run alongside the other concurrent tests of its block: jest runs a nested describe
 * block's tests only after (or before) those, never with them.
 */
export function concurrentTestWithTool(title: string, command: string, fn: () => Promise<unknown>, timeout?: number): void {
  const missing = missingTool(command);
  const rule = ruleFor(title, missing);
  if (rule === 'run') {
    test.concurrent(title, fn, timeout);
  } else if ('fail' in rule) {
    test.concurrent(`needs ${missing!.need}: ${title}`, async () => {
      throw new Error(rule.fail);
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(rule.skip);
    test.concurrent.skip(title, fn, timeout);
  }
}
