/**
 * A failed or stopped deployment: what to print about it (pure), and finding the rollback deployment
 * CodeDeploy started for it.
 */
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { ECS_HOOK_EVENTS, type EcsHookEvent } from '../lib/appspec';
import { CallInterrupted, DeadlineReached } from './abort';
import type { ReleaseContext } from './context';
import type { CodeDeployReleaseInput } from './input';
import type { Progress } from './progress';
import { lambdaLogGroup } from './request';

/** How long to look for the rollback deployment of a failed deployment before reporting none. */
export const ROLLBACK_DISCOVERY_IN_MS = 30000;
/** Lines of a lifecycle event's log tail that are printed (the last ones). */
export const LOG_TAIL_LINES = 20;

/** A display line: keyword and text. */
export interface Line {
  readonly kind: string;
  readonly text: string;
}

/** The report's `error` of a failed deployment. */
export function failureError(p: Progress): { code: string; message: string } {
  return { code: p.error?.code ?? p.status, message: p.error?.message ?? `deployment ${p.status}` };
}

/**
 * What explains a failed deployment: its errorInformation, each failed lifecycle event with its
 * diagnostics and log tail, and the hook's log group when a hook event failed (or when the events
 * could not be read at all).
 */
export function failureLines(p: Progress, input: Pick<CodeDeployReleaseInput, 'hookFunctionName' | 'hookLogGroupName' | 'revision'>, targetsDenied: boolean): Line[] {
  const lines: Line[] = [];
  if (p.error) lines.push({ kind: 'error', text: `${p.error.code ?? 'Unknown'}: ${p.error.message ?? ''}` });
  const failed = p.lifecycleEvents.filter((e) => e.status === 'Failed');
  for (const e of failed) {
    lines.push({ kind: 'failed', text: `${e.name} ${e.diagnostics?.errorCode ?? 'Failed'}: ${e.diagnostics?.message ?? 'no diagnostics'}` });
    const tail = (e.diagnostics?.logTail ?? '').split('\n').filter((x) => x.trim().length > 0).slice(-LOG_TAIL_LINES);
    for (const l of tail) lines.push({ kind: 'failed', text: `${e.name} log ${l}` });
  }
  const hook = input.hookFunctionName;
  const r = input.revision;
  // Inline: the AppSpec says which events run the hook. S3: any event that can run a hook may have.
  const runsHook = (event: string): boolean => (r.type === 'inline' ? Boolean(r.appSpec.hooks?.[event as EcsHookEvent]) : (ECS_HOOK_EVENTS as readonly string[]).includes(event));
  if (hook && (failed.some((e) => runsHook(e.name)) || targetsDenied)) lines.push({ kind: 'hook', text: `${hook} logs ${input.hookLogGroupName ?? lambdaLogGroup(hook)}` });
  return lines;
}

/** The rollback deployment of `id`, looked for up to {@link ROLLBACK_DISCOVERY_IN_MS}; or why there is none. */
export async function findRollback(ctx: ReleaseContext, id: string, last: Progress): Promise<{ readonly rollbackId?: string; readonly message?: string }> {
  let rollbackId = last.rollbackDeploymentId;
  let message = last.rollbackMessage;
  const until = ctx.clock() + ROLLBACK_DISCOVERY_IN_MS;
  ctx.calls.setDeadline(until);
  while (!rollbackId && ctx.clock() < until) {
    await ctx.interrupts.pause(ctx.input.pollMinIntervalInMs);
    let info: { rollbackInfo?: { rollbackDeploymentId?: string; rollbackMessage?: string } } | undefined;
    try {
      info = (await ctx.calls.call<{ deploymentInfo?: typeof info }>('GetDeployment', new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    } catch (err) {
      // A signal does not stop a rollback: look again. The discovery's own deadline ends the search.
      if (err instanceof CallInterrupted) continue;
      if (err instanceof DeadlineReached) break;
      throw err;
    }
    rollbackId = info?.rollbackInfo?.rollbackDeploymentId;
    message = info?.rollbackInfo?.rollbackMessage ?? message;
  }
  return { ...(rollbackId ? { rollbackId } : {}), ...(message ? { message } : {}) };
}
