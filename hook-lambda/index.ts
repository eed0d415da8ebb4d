/**
 * The traffic hook Lambda. CodeDeploy invokes it at `BeforeAllowTraffic` (and where configured at
 * `AfterAllowTestTraffic` / `AfterAllowTraffic`) with `{ DeploymentId, LifecycleEventHookExecutionId }`.
 * It checks green through the test listener and reports Succeeded or Failed, exactly once, on every path.
 *
 * Lambda handler: `index.handler` (bundled by `bundleHook`). Tests and the CodeDeploy stand-in build
 * their own handler with {@link createHandler} to inject a client, environment, clock or log.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { checkVerdict } from './checks';
import { HttpGet, httpGet as defaultHttpGet } from './http-get';
import { CheckRetryPolicy, computeTimeBudget, HookStatus, HookVerdict } from './policy';
import { CodeDeploySender, reportHookStatus } from './report';
import { HookConfigError, HookEnvironment, loadHookConfig, ResolvedHookConfig } from './resolve-config';

/** The CodeDeploy lifecycle hook event. */
export interface HookEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/** The part of the Lambda context the hook uses. */
export interface HookContext {
  getRemainingTimeInMillis(): number;
}

/** What an invocation did; CodeDeploy ignores it, tests and the stand-in read it. */
export interface HookResult {
  readonly status: HookStatus;
  readonly reason: string;
  /** `reported` or `already-completed` (an invocation whose report gave up throws instead). */
  readonly report: 'reported' | 'already-completed';
  readonly reportAttempts: number;
}

/** A structured log sink; the default writes one JSON line per entry to stdout. */
export type HookLog = (entry: Readonly<Record<string, unknown>>) => void;

/** Everything the shell does I/O with. */
export interface HookDeps {
  readonly codedeploy: CodeDeploySender;
  readonly httpGet: HttpGet;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: HookLog;
  /** Check retry policy; tests shorten it. @default DEFAULT_CHECK_RETRY_POLICY */
  readonly checkRetryPolicy?: CheckRetryPolicy;
}

/** Input of {@link run}: the raw event, the context and the configuration (or why it is invalid). */
export interface HookInput {
  readonly event: unknown;
  readonly context: Partial<HookContext> | undefined;
  readonly config: ResolvedHookConfig | HookConfigError;
}

/** Thrown when the event has no deployment or hook execution id: there is nothing to report to. */
export class MalformedHookEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedHookEventError';
  }
}

/** Thrown when the verdict could not be reported (permanent error, or no time left for retries). */
export class HookReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HookReportError';
  }
}

/** Remaining time assumed when the caller passes no Lambda context (an in-process stand-in). */
const FALLBACK_REMAINING_TIME_IN_MS = 300_000;

/** Returns the event's ids, or a message saying what is wrong with it. */
export function parseHookEvent(event: unknown): HookEvent | { problem: string } {
  const e = event as Record<string, unknown> | null | undefined;
  const ok = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
  if (typeof e !== 'object' || e === null || !ok(e.DeploymentId) || !ok(e.LifecycleEventHookExecutionId)) {
    let shown: string;
    try {
      shown = JSON.stringify(event)?.slice(0, 300) ?? String(event);
    } catch {
      shown = String(event);
    }
    return {
      problem: `malformed CodeDeploy lifecycle event: DeploymentId and LifecycleEventHookExecutionId must be non-empty strings, received ${shown}`,
    };
  }
  return { DeploymentId: e.DeploymentId as string, LifecycleEventHookExecutionId: e.LifecycleEventHookExecutionId as string };
}

function remainingTime(context: Partial<HookContext> | undefined): number {
  try {
    const fn = context?.getRemainingTimeInMillis;
    if (typeof fn !== 'function') return FALLBACK_REMAINING_TIME_IN_MS;
    const value = fn.call(context);
    return Number.isFinite(value) ? value : FALLBACK_REMAINING_TIME_IN_MS;
  } catch {
    // Nothing about the context may keep the hook from reporting.
    return FALLBACK_REMAINING_TIME_IN_MS;
  }
}

function decide(config: ResolvedHookConfig, checkBudgetInMs: number, deps: HookDeps): Promise<HookVerdict> {
  return checkVerdict(
    config,
    { checkBudgetInMs, ...(deps.checkRetryPolicy ? { retryPolicy: deps.checkRetryPolicy } : {}) },
    { httpGet: deps.httpGet, now: deps.now, sleep: deps.sleep, onAttempt: (r) => deps.log({ level: 'info', ...r }) },
  );
}

/**
 * One invocation: validates the event (throws when there is nothing to report to), decides the verdict
 * (invalid configuration and any exception mean Failed), then reports it exactly once.
 */
export async function run(input: HookInput, rawDeps: HookDeps): Promise<HookResult> {
  // A log sink that throws must not keep the hook from reporting.
  const deps: HookDeps = {
    ...rawDeps,
    log: (entry) => {
      try {
        rawDeps.log(entry);
      } catch {
        // Nothing better to do with a broken log sink.
      }
    },
  };
  const start = deps.now();
  const remaining = remainingTime(input.context);
  const parsed = parseHookEvent(input.event);
  if ('problem' in parsed) {
    deps.log({ level: 'error', event: 'hook.malformed-event', error: parsed.problem });
    throw new MalformedHookEventError(parsed.problem);
  }
  const ids = { deploymentId: parsed.DeploymentId, lifecycleEventHookExecutionId: parsed.LifecycleEventHookExecutionId };
  const config = input.config;
  const budget = computeTimeBudget(remaining, config instanceof HookConfigError ? 0 : config.checkBudgetInSeconds);
  deps.log({ level: 'info', event: 'hook.start', ...ids, remainingTimeInMs: remaining, ...budget });

  let verdict: HookVerdict;
  if (config instanceof HookConfigError) {
    deps.log({ level: 'error', event: 'hook.config-error', problems: config.problems });
    verdict = { status: 'Failed', reason: config.message };
  } else {
    try {
      verdict = await decide(config, budget.checkBudgetInMs, deps);
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      deps.log({ level: 'error', event: 'hook.internal-error', error: message });
      verdict = { status: 'Failed', reason: `internal error in the hook: ${message}` };
    }
  }
  deps.log({ level: verdict.status === 'Succeeded' ? 'info' : 'warn', event: 'hook.verdict', ...ids, status: verdict.status, reason: verdict.reason });

  const report = await reportHookStatus(
    { ...ids, status: verdict.status, deadline: start + budget.reportDeadlineInMs },
    { codedeploy: deps.codedeploy, now: deps.now, sleep: deps.sleep, onAttempt: (r) => deps.log({ level: r.outcome === 'reported' || r.outcome === 'already-completed' ? 'info' : 'warn', ...r }) },
  );
  if (report.outcome === 'gave-up') {
    throw new HookReportError(`could not report ${verdict.status} to CodeDeploy after ${report.attempts} attempt(s): ${report.error}`);
  }
  return { status: verdict.status, reason: verdict.reason, report: report.outcome, reportAttempts: report.attempts };
}

/** Writes one JSON line; Lambda sends stdout to CloudWatch Logs. */
export const jsonLineLog: HookLog = (entry) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

/**
 * Creates the CodeDeploy client: the default credential, region and endpoint chain (so
 * `AWS_ENDPOINT_URL_CODEDEPLOY` / `AWS_ENDPOINT_URL` can point it at a stand-in). The SDK makes one
 * attempt with short socket timeouts; the hook retries itself, within the Lambda's remaining time.
 */
export function createCodeDeployClient(): CodeDeployClient {
  return new CodeDeployClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 } });
}

/** Options of {@link createHandler}; anything left out uses the production default. */
export interface CreateHandlerOptions extends Partial<HookDeps> {
  /**
   * Environment holding the `HOOK_*` variables, parsed once on the first invocation.
   * @default process.env
   */
  readonly env?: HookEnvironment;
}

/** A Lambda handler. */
export type HookHandler = (event: unknown, context?: Partial<HookContext>) => Promise<HookResult>;

/**
 * Builds a handler. The configuration is parsed once (on the first invocation, so the environment may
 * be set after this module is loaded) and the CodeDeploy client is created once, lazily, unless given.
 */
export function createHandler(options: CreateHandlerOptions = {}): HookHandler {
  let config: ResolvedHookConfig | HookConfigError | undefined;
  let codedeploy: CodeDeploySender | undefined = options.codedeploy;
  return async (event, context) => {
    if (config === undefined) {
      try {
        config = loadHookConfig(options.env ?? process.env);
      } catch (err) {
        config = err instanceof HookConfigError ? err : new HookConfigError([String((err as Error)?.message ?? err)]);
      }
    }
    codedeploy ??= createCodeDeployClient();
    return run(
      { event, context, config },
      {
        codedeploy,
        httpGet: options.httpGet ?? defaultHttpGet,
        now: options.now ?? Date.now,
        sleep: options.sleep ?? ((ms) => sleepFor(ms).then(() => undefined)),
        log: options.log ?? jsonLineLog,
        ...(options.checkRetryPolicy ? { checkRetryPolicy: options.checkRetryPolicy } : {}),
      },
    );
  };
}

/** The Lambda entry point (`index.handler`). */
export const handler: HookHandler = createHandler();
