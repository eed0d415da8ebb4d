/**
 * Configuration of the hook's health checks, shared by the stack (which writes it into the Lambda's
 * environment) and the hook (which reads it). No cdktf imports: this file is bundled into the Lambda.
 */

/** Expected HTTP status: a code (200), a list ([200, 204]) or an inclusive range ("200-299"). */
export type ExpectedStatus = number | readonly number[] | string;

/** One HTTP check against the test listener. */
export interface HealthCheckSpec {
  /**
   * Path (and query) requested from the test listener.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Status the response must have.
   * @default 200
   */
  readonly expectedStatus?: ExpectedStatus;
  /**
   * Text the response body must contain.
   * @default - the body is not inspected
   */
  readonly bodyContains?: string;
  /**
   * Request headers, e.g. a `Host` header for host-based routing.
   * @default - none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Time allowed for one request, headers and body.
   * @default 3000
   */
  readonly timeoutInMs?: number;
}

/** The hook's configuration. */
export interface HookConfig {
  /** Base URL of the test listener, e.g. `http://my-alb-123.eu-west-1.elb.amazonaws.com:8080`. */
  readonly testBaseUrl: string;
  /**
   * Checks to run; all must pass.
   * @default [{ path: '/', expectedStatus: 200 }]
   */
  readonly checks?: readonly HealthCheckSpec[];
  /**
   * Consecutive passes each check needs before the hook reports Succeeded.
   * @default 2
   */
  readonly requiredConsecutivePasses?: number;
  /**
   * Upper bound of the time spent checking, whatever time the Lambda has left (at most
   * {@link CHECK_BUDGET_IN_SECONDS}.max).
   * @default 240 ({@link CHECK_BUDGET_IN_SECONDS}.default)
   */
  readonly checkBudgetInSeconds?: number;
}

/**
 * The check budget's default and maximum, in seconds: the one source for the hook and the stack. The
 * maximum is Lambda's longest timeout (900 s, https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html),
 * which is all the hook can use. The stack accepts less (config/timeouts.ts: 900 - 60 = 840) because it
 * sets the function's timeout to the budget plus the time the hook needs to report its verdict to
 * CodeDeploy after the last check, and that sum must stay within the same 900 s.
 */
export const CHECK_BUDGET_IN_SECONDS = { default: 240, max: 900 } as const;

/** Environment variable names of the hook's configuration. */
export const HOOK_ENV = {
  testBaseUrl: 'HOOK_TEST_BASE_URL',
  checks: 'HOOK_CHECKS',
  requiredConsecutivePasses: 'HOOK_REQUIRED_CONSECUTIVE_PASSES',
  checkBudgetInSeconds: 'HOOK_CHECK_BUDGET_IN_SECONDS',
} as const;

/**
 * Renders a hook configuration as the Lambda's environment variables. Optional values that are not
 * set are left out so the hook applies its own defaults.
 */
export function toHookEnvironment(config: HookConfig): Record<string, string> {
  const env: Record<string, string> = { [HOOK_ENV.testBaseUrl]: config.testBaseUrl };
  if (config.checks !== undefined) env[HOOK_ENV.checks] = JSON.stringify(config.checks);
  if (config.requiredConsecutivePasses !== undefined) {
    env[HOOK_ENV.requiredConsecutivePasses] = String(config.requiredConsecutivePasses);
  }
  if (config.checkBudgetInSeconds !== undefined) env[HOOK_ENV.checkBudgetInSeconds] = String(config.checkBudgetInSeconds);
  return env;
}
