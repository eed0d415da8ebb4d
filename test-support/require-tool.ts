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
  const version = toolVersion(command, versionArgs);
  describeWhen(title, version !== undefined ? undefined : { need: command, reason: `${command} is not on PATH (or does not run)` }, body);
}

/**
 * `describe` that runs `body` unless `missing` says what the machine lacks (a tool, a native module
 * without a prebuilt binary for this Node): then it skips with the printed reason, or fails when
 * {@link REQUIRE_TOOLS_ENV} is set. The one place that decides skip or fail, for every kind of need.
 */
export function describeWhen(title: string, missing: { readonly need: string; readonly reason: string } | undefined, body: () => void): void {
  if (missing === undefined) {
    describe(title, body);
    return;
  }
  const reason = `${missing.reason}, so "${title}" cannot run`;
  if (process.env[REQUIRE_TOOLS_ENV] === '1') {
    describe(title, () => {
      test(`needs ${missing.need}`, () => {
        throw new Error(`${reason}; ${REQUIRE_TOOLS_ENV}=1 requires it`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED: ${reason}. Install it to run these tests.`);
    describe.skip(title, body);
  }
}
