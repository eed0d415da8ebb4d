/**
 * What both contracts' shells share: the Lambda context they read, the I/O they are given, the log.
 */
import type { CodeDeploySender } from './aws-errors';
import type { HttpGet } from './http-get';
import type { CheckRetryPolicy } from './policy';

/** The part of the Lambda context the hook uses. */
export interface HookContext {
  getRemainingTimeInMillis(): number;
}

/** A structured log sink; the default writes one JSON line per entry to stdout. */
export type HookLog = (entry: Readonly<Record<string, unknown>>) => void;

/** Everything the shells do I/O with. */
export interface HookDeps {
  /** Used only on the CodeDeploy contract (the ECS contract reports by its answer). */
  readonly codedeploy: CodeDeploySender;
  readonly httpGet: HttpGet;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: HookLog;
  /** Check retry policy; tests shorten it. @default DEFAULT_CHECK_RETRY_POLICY */
  readonly checkRetryPolicy?: CheckRetryPolicy;
}

/** Remaining time assumed when the caller passes no Lambda context (an in-process stand-in). */
export const FALLBACK_REMAINING_TIME_IN_MS = 300_000;

/** The Lambda's remaining time; {@link FALLBACK_REMAINING_TIME_IN_MS} when the context cannot tell. */
export function remainingTime(context: Partial<HookContext> | undefined): number {
  try {
    const fn = context?.getRemainingTimeInMillis;
    if (typeof fn !== 'function') return FALLBACK_REMAINING_TIME_IN_MS;
    const value = fn.call(context);
    return Number.isFinite(value) ? value : FALLBACK_REMAINING_TIME_IN_MS;
  } catch {
    // Nothing about the context may keep the hook from answering.
    return FALLBACK_REMAINING_TIME_IN_MS;
  }
}

/** The same deps with a log sink that never throws: a broken sink must not keep the hook from answering. */
export function withSafeLog(deps: HookDeps): HookDeps {
  return {
    ...deps,
    log: (entry) => {
      try {
        deps.log(entry);
      } catch {
        // Nothing better to do with a broken log sink.
      }
    },
  };
}

/** `Name: message` of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Writes one JSON line; Lambda sends stdout to CloudWatch Logs. */
export const jsonLineLog: HookLog = (entry) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};
