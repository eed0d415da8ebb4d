/**
 * `npm run hook:check -- --url http://localhost:8080 [--path /health ...]`: runs the traffic hook's
 * checks (the same module the Lambda uses) against any URL, prints every attempt and the verdict.
 * No CodeDeploy involved. Exit code 0 = the hook would report Succeeded, 1 = Failed, 2 = bad input.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { HealthCheckSpec, HookConfig } from '../hook-lambda/config';
import { AttemptRecord, runChecks } from '../hook-lambda/checks';
import { HttpGet, httpGet as defaultHttpGet } from '../hook-lambda/http-get';
import { CheckRetryPolicy, decideHookStatus, HookVerdict } from '../hook-lambda/policy';
import { HookConfigError, resolveHookConfig, ResolvedHookConfig } from '../hook-lambda/resolve-config';

/** Default check budget of the CLI: shorter than the Lambda's 240 s, a person is waiting. */
export const CLI_DEFAULT_BUDGET_IN_SECONDS = 30;

export const USAGE = `Usage: npm run hook:check -- --url <base-url> [options]

Runs the traffic hook's health checks against <base-url> exactly as the Lambda does
(retries with backoff until each check passes N times in a row or the budget runs out),
prints each attempt and the verdict. Nothing is reported to CodeDeploy.

Options:
  --url <url>                 Base URL, e.g. http://localhost:8080 (required)
  --path <path>               Path to check, repeatable (default: /)
  --expect-status <status>    200, "200,204" or "200-299" (default: 200)
  --body-contains <text>      Text the body must contain
  --header 'Name: value'      Request header, repeatable (e.g. 'Host: app.example.com')
  --timeout-in-ms <ms>        Time for one request, headers and body (default: 3000)
  --passes <n>                Consecutive passes each check needs (default: 2)
  --budget-in-seconds <s>     Time allowed for all checks (default: ${CLI_DEFAULT_BUDGET_IN_SECONDS})
  --json                      Print the Lambda's JSON log lines instead of text
  --help                      Show this help

Redirects are not followed: a 301 is the status observed.
Exit codes: 0 checks passed, 1 checks failed, 2 bad input.`;

/** Bad command line; the message is printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parsed command line. */
export interface HookCheckInput {
  readonly config: ResolvedHookConfig;
  readonly json: boolean;
}

const FIELD_TO_FLAG: ReadonlyArray<readonly [RegExp, string]> = [
  [/^testBaseUrl\b/, '--url'],
  [/^checks\[\d+\]\.path\b/, '--path'],
  [/^checks\[\d+\]\.expectedStatus\b/, '--expect-status'],
  [/^checks\[\d+\]\.bodyContains\b/, '--body-contains'],
  [/^checks\[\d+\]\.headers(\.[^ ]+)?/, '--header'],
  [/^checks\[\d+\]\.timeoutInMs\b/, '--timeout-in-ms'],
  [/^checks\b/, '--path'],
  [/^requiredConsecutivePasses\b/, '--passes'],
  [/^checkBudgetInSeconds\b/, '--budget-in-seconds'],
];

function toFlagMessage(problem: string): string {
  for (const [pattern, flag] of FIELD_TO_FLAG) if (pattern.test(problem)) return problem.replace(pattern, flag);
  return problem;
}

function parseNumberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, received ${JSON.stringify(text)}`);
  return n;
}

function parseHeader(text: string): [string, string] {
  const i = text.indexOf(':');
  if (i <= 0) throw new UsageError(`--header must look like 'Name: value', received ${JSON.stringify(text)}`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

/** Parses the command line; returns `'help'` for --help. Throws {@link UsageError} on bad input. */
export function parseHookCheckArgs(argv: readonly string[]): HookCheckInput | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        path: { type: 'string', multiple: true },
        'expect-status': { type: 'string' },
        'body-contains': { type: 'string' },
        header: { type: 'string', multiple: true },
        'timeout-in-ms': { type: 'string' },
        passes: { type: 'string' },
        'budget-in-seconds': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (values.url === undefined) throw new UsageError('--url is required, e.g. --url http://localhost:8080');
  const headers = values.header ? Object.fromEntries(values.header.map(parseHeader)) : undefined;
  const timeoutInMs = parseNumberFlag('--timeout-in-ms', values['timeout-in-ms']);
  const spec = (path: string): HealthCheckSpec => ({
    path,
    ...(values['expect-status'] !== undefined ? { expectedStatus: values['expect-status'] } : {}),
    ...(values['body-contains'] !== undefined ? { bodyContains: values['body-contains'] } : {}),
    ...(headers ? { headers } : {}),
    ...(timeoutInMs !== undefined ? { timeoutInMs } : {}),
  });
  const passes = parseNumberFlag('--passes', values.passes);
  const config: HookConfig = {
    testBaseUrl: values.url,
    checks: (values.path ?? ['/']).map(spec),
    checkBudgetInSeconds: parseNumberFlag('--budget-in-seconds', values['budget-in-seconds']) ?? CLI_DEFAULT_BUDGET_IN_SECONDS,
    ...(passes !== undefined ? { requiredConsecutivePasses: passes } : {}),
  };
  try {
    return { config: resolveHookConfig(config), json: values.json ?? false };
  } catch (err) {
    if (err instanceof HookConfigError) throw new UsageError([...new Set(err.problems.map(toFlagMessage))].join('\n'));
    throw err;
  }
}

/** I/O of {@link run}. */
export interface HookCheckDeps {
  readonly httpGet: HttpGet;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly print: (line: string) => void;
  /** @default DEFAULT_CHECK_RETRY_POLICY */
  readonly retryPolicy?: CheckRetryPolicy;
}

/** Renders one attempt as a text line. */
export function formatAttempt(r: AttemptRecord): string {
  const status = r.status !== undefined ? String(r.status) : '---';
  const result = r.pass ? `pass (${r.consecutivePasses} in a row)` : `FAIL ${r.error ?? ''}`.trimEnd();
  return `${r.check}  #${r.attempt}  ${r.url}  ${status}  ${r.latencyMs} ms  ${result}`;
}

/** Runs the checks and prints attempts and verdict; returns the verdict. */
export async function run(input: HookCheckInput, deps: HookCheckDeps): Promise<HookVerdict> {
  const checkBudgetInMs = Math.round(input.config.checkBudgetInSeconds * 1000);
  const outcomes = await runChecks(
    input.config,
    { deadline: deps.now() + checkBudgetInMs, ...(deps.retryPolicy ? { retryPolicy: deps.retryPolicy } : {}) },
    {
      httpGet: deps.httpGet,
      now: deps.now,
      sleep: deps.sleep,
      onAttempt: (r) => deps.print(input.json ? JSON.stringify({ level: 'info', ...r }) : formatAttempt(r)),
    },
  );
  const verdict = decideHookStatus(outcomes, { requiredConsecutivePasses: input.config.requiredConsecutivePasses, checkBudgetInMs });
  deps.print(
    input.json
      ? JSON.stringify({ level: verdict.status === 'Succeeded' ? 'info' : 'warn', event: 'hook.verdict', ...verdict })
      : `${verdict.status === 'Succeeded' ? 'PASS' : 'FAIL'}: the hook would report ${verdict.status}: ${verdict.reason}`,
  );
  return verdict;
}

/** Entry point: parses `argv`, runs, returns the exit code (0 pass, 1 fail, 2 bad input). */
export async function main(argv: readonly string[], deps: HookCheckDeps, printError: (line: string) => void): Promise<number> {
  let input: HookCheckInput | 'help';
  try {
    input = parseHookCheckArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    printError(`hook:check: ${err.message}\nRun with --help for usage.`);
    return 2;
  }
  if (input === 'help') {
    deps.print(USAGE);
    return 0;
  }
  const verdict = await run(input, deps);
  return verdict.status === 'Succeeded' ? 0 : 1;
}

if (require.main === module) {
  main(
    process.argv.slice(2),
    { httpGet: defaultHttpGet, now: Date.now, sleep: (ms) => sleepFor(ms).then(() => undefined), print: (l) => console.log(l) },
    (l) => console.error(l),
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`hook:check: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
