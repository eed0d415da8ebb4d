/**
 * Parsing and validation of the hook's configuration: from the Lambda environment (strings written by
 * `toHookEnvironment`) or from a `HookConfig` object (the `hook:check` CLI), into a fully resolved,
 * typed object. Pure: no I/O, never mutates its input.
 */
import { CHECK_BUDGET_IN_SECONDS, HOOK_ENV, HealthCheckSpec, HookConfig } from './config';

/** Default check when none is configured: `GET /` expecting 200. */
export const DEFAULT_CHECK: Readonly<Required<Pick<HealthCheckSpec, 'path' | 'expectedStatus' | 'timeoutInMs'>>> = {
  path: '/',
  expectedStatus: 200,
  timeoutInMs: 3000,
};
/** Default of `HookConfig.requiredConsecutivePasses`. */
export const DEFAULT_REQUIRED_CONSECUTIVE_PASSES = 2;
/** Default of `HookConfig.checkBudgetInSeconds`. */
export const DEFAULT_CHECK_BUDGET_IN_SECONDS = CHECK_BUDGET_IN_SECONDS.default;

/** Limits enforced by validation (a Lambda runs at most 900 s). */
export const HOOK_CONFIG_LIMITS = {
  maxChecks: 20,
  maxRequiredConsecutivePasses: 20,
  maxCheckBudgetInSeconds: CHECK_BUDGET_IN_SECONDS.max,
  maxTimeoutInMs: 60_000,
} as const;

/** An inclusive range of HTTP status codes. */
export interface StatusRange {
  readonly from: number;
  readonly to: number;
}

/** A check with every default applied. */
export interface ResolvedCheck {
  /** Position in the configured list, for logs. */
  readonly index: number;
  /** Short label for logs and reasons, e.g. `GET /health`. */
  readonly name: string;
  readonly path: string;
  /** Full URL requested: base URL + path. */
  readonly url: string;
  /** Accepted statuses, as inclusive ranges (a single code is a range of one). */
  readonly expectedStatus: readonly StatusRange[];
  /** Human-readable form of the accepted statuses, e.g. `200` or `200-299`. */
  readonly expectedStatusText: string;
  readonly bodyContains?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutInMs: number;
}

/** The hook's configuration with every default applied. */
export interface ResolvedHookConfig {
  readonly testBaseUrl: string;
  readonly checks: readonly ResolvedCheck[];
  readonly requiredConsecutivePasses: number;
  readonly checkBudgetInSeconds: number;
}

/** Invalid configuration; `problems` lists every problem found, each naming the field and the value. */
export class HookConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid hook configuration: ${problems.join('; ')}`);
    this.name = 'HookConfigError';
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

function isValidStatusCode(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599;
}

/**
 * Parses an expected status: a code (`200`), a list (`[200, 204]`) or a string holding a code, an
 * inclusive range or a comma-separated mix (`"200"`, `"200-299"`, `"200,204,300-302"`).
 * Returns the ranges, or a problem message naming `field`.
 */
export function parseExpectedStatus(value: unknown, field: string): { ranges: StatusRange[]; text: string } | { problem: string } {
  const allowed = 'a status code 100-599, a non-empty list of codes, or a string such as "200-299" or "200,204"';
  const bad = { problem: `${field} must be ${allowed}, received ${show(value)}` };
  if (isValidStatusCode(value)) return { ranges: [{ from: value, to: value }], text: String(value) };
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every(isValidStatusCode)) return bad;
    return { ranges: value.map((n: number) => ({ from: n, to: n })), text: value.join(',') };
  }
  if (typeof value !== 'string') return bad;
  const ranges: StatusRange[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    if (!m) return bad;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (!isValidStatusCode(from) || !isValidStatusCode(to) || to < from) return bad;
    ranges.push({ from, to });
  }
  return { ranges, text: ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',') };
}

/** True when `status` falls in one of `ranges`. */
export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}

/** A header field value Node's HTTP client sends: HTAB, SP, VCHAR and obs-text (RFC 9110 section 5.5). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CHECK_KEYS = new Set(['path', 'expectedStatus', 'bodyContains', 'headers', 'timeoutInMs']);
const CONFIG_KEYS = new Set(['testBaseUrl', 'checks', 'requiredConsecutivePasses', 'checkBudgetInSeconds']);

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

function resolveCheck(spec: unknown, index: number, base: string | undefined, problems: string[]): ResolvedCheck | undefined {
  const field = `checks[${index}]`;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    problems.push(`${field} must be an object like {"path":"/health","expectedStatus":200}, received ${show(spec)}`);
    return undefined;
  }
  const s = spec as Record<string, unknown>;
  const before = problems.length;
  for (const key of Object.keys(s)) {
    if (!CHECK_KEYS.has(key)) problems.push(`${field}.${key} is not a known field (allowed: ${[...CHECK_KEYS].join(', ')})`);
  }
  const path = s.path ?? DEFAULT_CHECK.path;
  if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) {
    problems.push(`${field}.path must be a string starting with "/" and without spaces, received ${show(s.path)}`);
  }
  const status = parseExpectedStatus(s.expectedStatus ?? DEFAULT_CHECK.expectedStatus, `${field}.expectedStatus`);
  if ('problem' in status) problems.push(status.problem);
  if (s.bodyContains !== undefined && (typeof s.bodyContains !== 'string' || s.bodyContains.length === 0)) {
    problems.push(`${field}.bodyContains must be a non-empty string, received ${show(s.bodyContains)}`);
  }
  const headers: Record<string, string> = {};
  if (s.headers !== undefined) {
    if (typeof s.headers !== 'object' || s.headers === null || Array.isArray(s.headers)) {
      problems.push(`${field}.headers must be an object of header name to string value, received ${show(s.headers)}`);
    } else {
      for (const [name, value] of Object.entries(s.headers as Record<string, unknown>)) {
        if (!HEADER_NAME.test(name)) problems.push(`${field}.headers has an invalid header name ${show(name)}`);
        else if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
          problems.push(`${field}.headers.${name} must be a string without line breaks, received ${show(value)}`);
        } else if (!HEADER_VALUE.test(value)) {
          // Node's HTTP client throws on these at every attempt: the hook would only fail at its budget's end.
          problems.push(`${field}.headers.${name} must hold only visible ASCII or Latin-1 characters, spaces and tabs (RFC 9110 field-value), received ${show(value)}`);
        } else headers[name] = value;
      }
    }
  }
  const timeoutInMs = s.timeoutInMs ?? DEFAULT_CHECK.timeoutInMs;
  if (typeof timeoutInMs !== 'number' || !Number.isInteger(timeoutInMs) || timeoutInMs < 1 || timeoutInMs > HOOK_CONFIG_LIMITS.maxTimeoutInMs) {
    problems.push(`${field}.timeoutInMs must be an integer from 1 to ${HOOK_CONFIG_LIMITS.maxTimeoutInMs}, received ${show(s.timeoutInMs)}`);
  }
  if (problems.length > before || base === undefined || 'problem' in status) return undefined;
  const p = path as string;
  return {
    index,
    name: `GET ${p}`,
    path: p,
    url: joinUrl(base, p),
    expectedStatus: status.ranges,
    expectedStatusText: status.text,
    ...(s.bodyContains !== undefined ? { bodyContains: s.bodyContains as string } : {}),
    headers,
    timeoutInMs: timeoutInMs as number,
  };
}

/** Returns every problem of `config` (empty when valid). */
export function validateHookConfig(config: HookConfig): string[] {
  try {
    resolveHookConfig(config);
    return [];
  } catch (err) {
    if (err instanceof HookConfigError) return [...err.problems];
    throw err;
  }
}

/**
 * Validates `config` and applies the defaults. Throws {@link HookConfigError} listing every problem.
 * The base URL must be http(s) without query or fragment; check paths are appended to it.
 */
export function resolveHookConfig(config: HookConfig): ResolvedHookConfig {
  const problems: string[] = [];
  const raw = config as unknown as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null) throw new HookConfigError([`configuration must be an object, received ${show(raw)}`]);
  for (const key of Object.keys(raw)) {
    if (!CONFIG_KEYS.has(key)) problems.push(`${key} is not a known field (allowed: ${[...CONFIG_KEYS].join(', ')})`);
  }
  let base: string | undefined;
  const baseProblem = `testBaseUrl must be an absolute http:// or https:// URL without query or fragment, received ${show(raw.testBaseUrl)}`;
  if (typeof raw.testBaseUrl !== 'string') problems.push(baseProblem);
  else {
    try {
      const u = new URL(raw.testBaseUrl);
      if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') {
        problems.push(baseProblem);
      } else base = `${u.origin}${u.pathname}`;
    } catch {
      problems.push(baseProblem);
    }
  }
  const specs: unknown = raw.checks ?? [{}];
  const checks: ResolvedCheck[] = [];
  if (!Array.isArray(specs) || specs.length === 0 || specs.length > HOOK_CONFIG_LIMITS.maxChecks) {
    problems.push(`checks must be a list of 1 to ${HOOK_CONFIG_LIMITS.maxChecks} checks, received ${show(raw.checks)}`);
  } else {
    specs.forEach((spec, i) => {
      const check = resolveCheck(spec, i, base, problems);
      if (check) checks.push(check);
    });
  }
  const passes = raw.requiredConsecutivePasses ?? DEFAULT_REQUIRED_CONSECUTIVE_PASSES;
  if (typeof passes !== 'number' || !Number.isInteger(passes) || passes < 1 || passes > HOOK_CONFIG_LIMITS.maxRequiredConsecutivePasses) {
    problems.push(
      `requiredConsecutivePasses must be an integer from 1 to ${HOOK_CONFIG_LIMITS.maxRequiredConsecutivePasses}, received ${show(raw.requiredConsecutivePasses)}`,
    );
  }
  const budget = raw.checkBudgetInSeconds ?? DEFAULT_CHECK_BUDGET_IN_SECONDS;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0 || budget > HOOK_CONFIG_LIMITS.maxCheckBudgetInSeconds) {
    problems.push(
      `checkBudgetInSeconds must be a number greater than 0 and at most ${HOOK_CONFIG_LIMITS.maxCheckBudgetInSeconds}, received ${show(raw.checkBudgetInSeconds)}`,
    );
  }
  if (problems.length > 0) throw new HookConfigError(problems);
  return {
    testBaseUrl: base as string,
    checks,
    requiredConsecutivePasses: passes as number,
    checkBudgetInSeconds: budget as number,
  };
}

/** Environment variables as the Lambda runtime (or `process.env`) gives them. */
export type HookEnvironment = Readonly<Record<string, string | undefined>>;

function parseNumberVar(env: HookEnvironment, name: string, field: string, problems: string[]): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  if (!Number.isFinite(n)) {
    problems.push(`${name} (${field}) must be a number, received ${show(text)}`);
    return undefined;
  }
  return n;
}

/**
 * Reads the environment written by `toHookEnvironment` back into a `HookConfig` (not yet validated:
 * pass it to {@link resolveHookConfig}). Throws {@link HookConfigError} when a variable cannot be parsed.
 */
export function parseHookEnvironment(env: HookEnvironment): HookConfig {
  const problems: string[] = [];
  const testBaseUrl = env[HOOK_ENV.testBaseUrl];
  if (testBaseUrl === undefined || testBaseUrl.trim() === '') {
    problems.push(`${HOOK_ENV.testBaseUrl} (testBaseUrl) must be set to the test listener's URL, e.g. http://my-alb.example.com:8080`);
  }
  let checks: HealthCheckSpec[] | undefined;
  const checksText = env[HOOK_ENV.checks];
  if (checksText !== undefined && checksText.trim() !== '') {
    try {
      checks = JSON.parse(checksText) as HealthCheckSpec[];
    } catch (err) {
      problems.push(`${HOOK_ENV.checks} (checks) must be a JSON list of checks, received ${show(checksText)} (${(err as Error).message})`);
    }
  }
  const requiredConsecutivePasses = parseNumberVar(env, HOOK_ENV.requiredConsecutivePasses, 'requiredConsecutivePasses', problems);
  const checkBudgetInSeconds = parseNumberVar(env, HOOK_ENV.checkBudgetInSeconds, 'checkBudgetInSeconds', problems);
  if (problems.length > 0) throw new HookConfigError(problems);
  return {
    testBaseUrl: (testBaseUrl as string).trim(),
    ...(checks !== undefined ? { checks } : {}),
    ...(requiredConsecutivePasses !== undefined ? { requiredConsecutivePasses } : {}),
    ...(checkBudgetInSeconds !== undefined ? { checkBudgetInSeconds } : {}),
  };
}

/** Parses and validates the hook's environment in one step. Throws {@link HookConfigError}. */
export function loadHookConfig(env: HookEnvironment): ResolvedHookConfig {
  return resolveHookConfig(parseHookEnvironment(env));
}
