/**
 * The traffic hook Lambda, on both contracts (events.ts tells them apart):
 *
 * - **CodeDeploy** invokes it at `BeforeAllowTraffic` (and where configured at `AfterAllowTestTraffic` /
 *   `AfterAllowTraffic`) with `{ DeploymentId, LifecycleEventHookExecutionId }`; it checks green through
 *   the test listener and reports Succeeded or Failed with `PutLifecycleEventHookExecutionStatus`,
 *   exactly once, on every path (codedeploy-hook.ts).
 * - **ECS** (native blue/green, linear, canary) invokes it at the configured lifecycle stages (e.g.
 *   `POST_TEST_TRAFFIC_SHIFT`); it runs the same checks through the test listener rule and returns
 *   `{ hookStatus: SUCCEEDED | FAILED | IN_PROGRESS }`, IN_PROGRESS with a `callBackDelay` and its
 *   progress in `hookDetails` while the checks need longer than one short invocation (ecs-hook.ts).
 *
 * A malformed event of either kind is logged (`hook.malformed-event`) and answered Failed / FAILED;
 * the handler never crashes on an event.
 *
 * Lambda handler: `index.handler` (bundled by `bundleHook`). Tests and the stand-ins build their own
 * handler with {@link createHandler} to inject a client, environment, clock or log.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { CodeDeploySender } from './aws-errors';
import { HookResult, runCodeDeployHook } from './codedeploy-hook';
import { runEcsHook } from './ecs-hook';
import { classifyHookEvent, CodeDeployHookEvent, EcsHookResponse } from './events';
import { httpGet as defaultHttpGet } from './http-get';
import { HookContext, HookDeps, jsonLineLog, remainingTime, withSafeLog } from './invocation';
import { HookConfigError, HookEnvironment, loadHookConfig, ResolvedHookConfig } from './resolve-config';

export { HookReportError, type HookResult } from './codedeploy-hook';
export type { EcsHookOutcome } from './ecs-hook';
export { classifyHookEvent, type ClassifiedHookEvent, type CodeDeployHookEvent, type EcsHookEvent, type EcsHookResponse } from './events';
export { jsonLineLog, type HookContext, type HookDeps, type HookLog } from './invocation';

/** The CodeDeploy lifecycle hook event (kept under its first name). */
export type HookEvent = CodeDeployHookEvent;

/** Input of {@link run}: the raw event, the context and the configuration (or why it is invalid). */
export interface HookInput {
  readonly event: unknown;
  readonly context: Partial<HookContext> | undefined;
  readonly config: ResolvedHookConfig | HookConfigError;
}

/** What one invocation returns: the CodeDeploy result, or the answer ECS reads. */
export type HookInvocationResult = HookResult | EcsHookResponse;

/**
 * One invocation of either contract. A malformed CodeDeploy event answers Failed without a report
 * (there is nothing to report to); a malformed ECS event, or one of neither contract, answers FAILED
 * (an ECS deployment rolls back; CodeDeploy ignores return values).
 */
export async function run(input: HookInput, rawDeps: HookDeps): Promise<HookInvocationResult> {
  const deps = withSafeLog(rawDeps);
  const remaining = remainingTime(input.context);
  const classified = classifyHookEvent(input.event);
  if ('problem' in classified) {
    deps.log({ level: 'error', event: 'hook.malformed-event', contract: classified.contract, error: classified.problem });
    if (classified.contract === 'codedeploy') return { status: 'Failed', reason: classified.problem, report: 'not-reported', reportAttempts: 0 };
    return { hookStatus: 'FAILED' };
  }
  if (classified.contract === 'codedeploy') return runCodeDeployHook(classified.event, input.config, remaining, deps);
  return (await runEcsHook(classified.event, input.config, remaining, deps)).response;
}

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

/** A Lambda handler: a CodeDeploy event gets a {@link HookResult}, anything else the ECS answer or a result. */
export interface HookHandler {
  (event: CodeDeployHookEvent, context?: Partial<HookContext>): Promise<HookResult>;
  (event: unknown, context?: Partial<HookContext>): Promise<HookInvocationResult>;
}

/** A CodeDeploySender that creates the real client on its first use (ECS invocations never use it). */
function lazyCodeDeploy(): CodeDeploySender {
  let client: CodeDeployClient | undefined;
  return { send: (command, options) => (client ??= createCodeDeployClient()).send(command as never, options) };
}

/**
 * Builds a handler. The configuration is parsed once (on the first invocation, so the environment may
 * be set after this module is loaded) and the CodeDeploy client is created once, lazily, unless given.
 */
export function createHandler(options: CreateHandlerOptions = {}): HookHandler {
  let config: ResolvedHookConfig | HookConfigError | undefined;
  const codedeploy: CodeDeploySender = options.codedeploy ?? lazyCodeDeploy();
  const handle = async (event: unknown, context?: Partial<HookContext>): Promise<HookInvocationResult> => {
    if (config === undefined) {
      try {
        config = loadHookConfig(options.env ?? process.env);
      } catch (err) {
        config = err instanceof HookConfigError ? err : new HookConfigError([String((err as Error)?.message ?? err)]);
      }
    }
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
  return handle as HookHandler;
}

/** The Lambda entry point (`index.handler`). */
export const handler: HookHandler = createHandler();
