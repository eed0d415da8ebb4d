/**
 * `npm run hook:check -- --url http://localhost:8080 [--path /health ...]`: runs the traffic hook's
 * checks (the same module and verdict the Lambda uses) against any URL, prints every attempt and the
 * verdict. No CodeDeploy or ECS involved. On the shared shell (scripts/cli.ts): each flag is declared
 * once in {@link HOOK_CHECK_PROGRAM}, which gives the parser, `--help` and docs/hook.md's flag table.
 *
 * Every wait is bounded: requests are cut to the budget, no backoff starts past it, and a watchdog
 * ends the checks {@link WATCHDOG_GRACE_IN_MS} after the budget whatever a socket does.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { AttemptRecord, checkVerdict, WATCHDOG_GRACE_IN_MS } from '../hook-lambda/checks';
import { HealthCheckSpec, HookConfig } from '../hook-lambda/config';
import { HttpGet, httpGet as defaultHttpGet } from '../hook-lambda/http-get';
import { CheckRetryPolicy, HookVerdict } from '../hook-lambda/policy';
import {
  DEFAULT_CHECK,
  DEFAULT_CHECK_BUDGET_IN_SECONDS,
  DEFAULT_REQUIRED_CONSECUTIVE_PASSES,
  HOOK_CONFIG_LIMITS,
  HookConfigError,
  resolveHookConfig,
  ResolvedHookConfig,
} from '../hook-lambda/resolve-config';
import { ParsedCommandLine, ProgramIo, ProgramSpec, runProgram, UsageError } from './cli';

/** Default check budget of the CLI: shorter than the Lambda's default, a person is waiting. */
export const CLI_DEFAULT_BUDGET_IN_SECONDS = 30;

/** Exit codes of `hook:check` (usage 2 and internal error 70 come from the shared shell). */
export const HOOK_CHECK_EXIT = { succeeded: 0, failed: 1 } as const;

/** The program: every flag declared once. Ranges are those the hook's own validation enforces. */
export const HOOK_CHECK_PROGRAM: ProgramSpec = {
  name: 'hook:check',
  command: 'npm run hook:check --',
  summary:
    "Runs the traffic hook's health checks against a base URL exactly as the Lambda does (retries with backoff until each " +
    'check passes N times in a row or the budget runs out), prints each attempt and the verdict. Nothing is reported to CodeDeploy or ECS. ' +
    'Redirects are not followed: a 301 is the status observed.',
  flags: [
    { name: 'url', type: 'string', valueName: '<base-url>', help: 'Base URL of the test route, e.g. http://localhost:8080 (required).' },
    { name: 'path', type: 'list', splitOnCommas: false, valueName: '<path>', default: [DEFAULT_CHECK.path], help: 'Path to check; repeat the flag for several checks, each with the options below.' },
    { name: 'expect-status', type: 'string', valueName: '<status>', default: String(DEFAULT_CHECK.expectedStatus), help: 'Expected status: a code, a list or a range, e.g. 200, "200,204" or 200-299.' },
    { name: 'body-contains', type: 'string', valueName: '<text>', help: 'Text the body must contain (the body is not inspected without it).' },
    { name: 'header', type: 'list', splitOnCommas: false, valueName: "'Name: value'", help: "Request header, repeatable, e.g. 'Host: app.example.com'." },
    { name: 'timeout-in-ms', type: 'number', valueName: '<ms>', default: DEFAULT_CHECK.timeoutInMs, help: `Time for one request, connect, headers and body (1–${HOOK_CONFIG_LIMITS.maxTimeoutInMs}).` },
    { name: 'passes', type: 'number', valueName: '<n>', default: DEFAULT_REQUIRED_CONSECUTIVE_PASSES, help: `Passes in a row each check needs (1–${HOOK_CONFIG_LIMITS.maxRequiredConsecutivePasses}).` },
    {
      name: 'budget-in-seconds',
      type: 'number',
      valueName: '<seconds>',
      default: CLI_DEFAULT_BUDGET_IN_SECONDS,
      help: `Time allowed for all checks (above 0, at most ${HOOK_CONFIG_LIMITS.maxCheckBudgetInSeconds}; the Lambda's default is ${DEFAULT_CHECK_BUDGET_IN_SECONDS}, here a person is waiting).`,
    },
    { name: 'json', type: 'boolean', help: "Print the Lambda's JSON log lines instead of text." },
  ],
  exitCodes: [
    { code: HOOK_CHECK_EXIT.succeeded, meaning: 'the checks passed: the hook would report Succeeded' },
    { code: HOOK_CHECK_EXIT.failed, meaning: 'the checks failed: the hook would report Failed' },
  ],
};

/** What to run. */
export interface HookCheckInput {
  readonly config: ResolvedHookConfig;
  readonly json: boolean;
}

/** Validation problems name the hook's config fields; the user typed flags. */
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

function parseHeaders(values: readonly string[], problems: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const text of values) {
    const i = text.indexOf(':');
    if (i <= 0) problems.push(`--header must look like 'Name: value', received ${JSON.stringify(text)}`);
    else headers[text.slice(0, i).trim()] = text.slice(i + 1).trim();
  }
  return headers;
}

/**
 * Turns the parsed flags into a validated configuration. Pure. Throws {@link UsageError} with every
 * problem at once (each naming the flag, the value and what is allowed).
 */
export function toHookCheckInput(parsed: ParsedCommandLine): HookCheckInput {
  const v = parsed.values;
  const problems: string[] = [];
  const url = v.url as string | undefined;
  if (url === undefined) problems.push('--url is required: the base URL of the test route, e.g. --url http://localhost:8080');
  const headers = parseHeaders((v.header as readonly string[] | undefined) ?? [], problems);
  const spec = (path: string): HealthCheckSpec => ({
    path,
    expectedStatus: v['expect-status'] as string,
    timeoutInMs: v['timeout-in-ms'] as number,
    ...(v['body-contains'] !== undefined ? { bodyContains: v['body-contains'] as string } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  });
  const config: HookConfig = {
    testBaseUrl: url ?? 'http://missing.invalid',
    checks: (v.path as readonly string[]).map(spec),
    requiredConsecutivePasses: v.passes as number,
    checkBudgetInSeconds: v['budget-in-seconds'] as number,
  };
  let resolved: ResolvedHookConfig | undefined;
  try {
    resolved = resolveHookConfig(config);
  } catch (err) {
    if (!(err instanceof HookConfigError)) throw err;
    problems.push(...err.problems.map(toFlagMessage));
  }
  const unique = [...new Set(problems)];
  if (unique.length > 0 || resolved === undefined) throw new UsageError(unique.join('; '), unique);
  return { config: resolved, json: v.json === true };
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

/** Runs the checks and prints attempts and verdict; returns the verdict. Ends within the budget plus the watchdog's grace. */
export async function run(input: HookCheckInput, deps: HookCheckDeps): Promise<HookVerdict> {
  const verdict = await checkVerdict(
    input.config,
    { checkBudgetInMs: Math.round(input.config.checkBudgetInSeconds * 1000), ...(deps.retryPolicy ? { retryPolicy: deps.retryPolicy } : {}) },
    { httpGet: deps.httpGet, now: deps.now, sleep: deps.sleep, onAttempt: (r) => deps.print(input.json ? JSON.stringify({ level: 'info', ...r }) : formatAttempt(r)) },
  );
  deps.print(
    input.json
      ? JSON.stringify({ level: verdict.status === 'Succeeded' ? 'info' : 'warn', event: 'hook.verdict', ...verdict })
      : `${verdict.status === 'Succeeded' ? 'PASS' : 'FAIL'}: the hook would report ${verdict.status}: ${verdict.reason}`,
  );
  return verdict;
}

/** The program's body on the shared shell: returns 0 when the checks pass, 1 when they fail. */
export async function main(parsed: ParsedCommandLine, io: ProgramIo, deps: Partial<HookCheckDeps> = {}): Promise<number> {
  const input = toHookCheckInput(parsed);
  const verdict = await run(input, {
    httpGet: deps.httpGet ?? defaultHttpGet,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? ((ms) => sleepFor(ms).then(() => undefined)),
    print: deps.print ?? ((line) => io.stdout(`${line}\n`)),
    ...(deps.retryPolicy ? { retryPolicy: deps.retryPolicy } : {}),
  });
  return verdict.status === 'Succeeded' ? HOOK_CHECK_EXIT.succeeded : HOOK_CHECK_EXIT.failed;
}

if (require.main === module) {
  void runProgram(HOOK_CHECK_PROGRAM, (parsed, io) => main(parsed, io));
}
