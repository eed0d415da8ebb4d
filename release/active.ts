/**
 * Another deployment active in the group (CodeDeploy allows one at a time per deployment group):
 * exit 4 naming it (default), wait for it to end (`--wait-for-active`), or stop it with rollback and
 * wait for it and its rollback (`--stop-active`); then create ours, handling the race in which another
 * release creates first. {@link decideActive} and {@link decideCreateRetry} decide; the rest calls.
 */
import { CreateDeploymentCommand, GetDeploymentCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import type { ClassifiedAwsError } from '../hook-lambda/aws-errors';
import { ReleaseAbort } from './abort';
import { retryDelayInMs } from './aws-calls';
import type { ReleaseContext } from './context';
import type { ActiveDeploymentPolicy } from './input';
import { nextPollDelay } from './poll';
import { ACTIVE_STATUSES } from './progress';
import { buildCreateDeploymentRequest, consoleUrl } from './request';

/** CreateDeployment attempts when DeploymentLimitExceeded races with the active-deployment check. */
export const MAX_CREATE_ATTEMPTS = 5;

/** A deployment the group's list of active deployments showed, as GetDeployment then read it. */
export interface ActiveDeployment {
  readonly id: string;
  readonly status: string;
  /** `codeDeployRollback` for a rollback CodeDeploy started. */
  readonly creator?: string;
  readonly description?: string;
}

/** What to do about the first deployment the list shows. */
export type ActiveStep =
  /** Nothing active (or it ended and a second look agrees): create ours. */
  | { readonly kind: 'create' }
  /** It ended between the list and the read: the list may lag a moment, so look once more. */
  | { readonly kind: 'look-again' }
  /** Exit 4 naming it and how to proceed. */
  | { readonly kind: 'fail' }
  /** `--stop-active`: stop it with rollback, then wait for it to end. */
  | { readonly kind: 'stop-and-wait' }
  /** Wait for it to end (`--wait-for-active`; a rollback, which is never stopped; one we already stopped). */
  | { readonly kind: 'wait' };

/** Decides about the deployment the list showed (undefined: the list was empty). */
export function decideActive(found: ActiveDeployment | undefined, policy: ActiveDeploymentPolicy, seen: { readonly stopped: boolean; readonly endedBefore: boolean }): ActiveStep {
  if (!found) return { kind: 'create' };
  if (!(ACTIVE_STATUSES as readonly string[]).includes(found.status)) return seen.endedBefore ? { kind: 'create' } : { kind: 'look-again' };
  if (policy === 'fail') return { kind: 'fail' };
  if (policy === 'stop' && found.creator !== 'codeDeployRollback' && !seen.stopped) return { kind: 'stop-and-wait' };
  return { kind: 'wait' };
}

/** What to do when CreateDeployment failed on attempt number `attempt`. */
export type CreateRetryStep =
  /** Another release created first: check the group again (the active-deployment choice applies), then create. */
  | { readonly kind: 'check-again' }
  /** Throttled, so not executed: create again after the back-off. */
  | { readonly kind: 'retry' }
  /** The group stays busy after {@link MAX_CREATE_ATTEMPTS} attempts: exit 4. */
  | { readonly kind: 'busy' }
  | { readonly kind: 'give-up' };

/** Decides after a failed CreateDeployment. */
export function decideCreateRetry(error: ClassifiedAwsError, attempt: number): CreateRetryStep {
  if (error.kind === 'deployment-limit') return attempt < MAX_CREATE_ATTEMPTS ? { kind: 'check-again' } : { kind: 'busy' };
  if (error.kind === 'throttling' && attempt < MAX_CREATE_ATTEMPTS) return { kind: 'retry' };
  return { kind: 'give-up' };
}

function activeMessage(ctx: ReleaseContext, a: ActiveDeployment): string {
  const { input } = ctx;
  return [
    `another deployment, ${a.id} (${a.status}${a.creator ? `, created by ${a.creator}` : ''}${a.description ? `: ${a.description}` : ''}), is active in deployment group ${input.deploymentGroupName}.`,
    `To wait for it to end first: --wait-for-active. To stop it with rollback first: --stop-active. Console: ${consoleUrl(input.region, a.id)}`,
  ].join('\n');
}

async function firstActive(ctx: ReleaseContext): Promise<ActiveDeployment | undefined> {
  const { input, calls } = ctx;
  const list = await calls.call<{ deployments?: string[] }>(
    'ListDeployments',
    new ListDeploymentsCommand({ applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName, includeOnlyStatuses: [...ACTIVE_STATUSES] }),
  );
  const id = list.deployments?.[0];
  if (!id) return undefined;
  const info = (await calls.call<{ deploymentInfo?: { status?: string; creator?: string; description?: string } }>('GetDeployment', new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
  return { id, status: info?.status ?? 'Unknown', ...(info?.creator ? { creator: info.creator } : {}), ...(info?.description ? { description: info.description } : {}) };
}

/** Clears the way for a new deployment per `--wait-for-active` / `--stop-active`, within the timeout. */
export async function clearActive(ctx: ReleaseContext, timeoutInMs: number): Promise<void> {
  const stopped = new Set<string>();
  const ended = new Set<string>();
  const deadline = ctx.clock() + timeoutInMs;
  ctx.calls.setDeadline(deadline);
  for (;;) {
    const found = await firstActive(ctx);
    const step = decideActive(found, ctx.input.activePolicy, { stopped: found ? stopped.has(found.id) : false, endedBefore: found ? ended.has(found.id) : false });
    if (step.kind === 'create' || !found) return;
    if (step.kind === 'look-again') {
      // Rather than loop for as long as the list keeps showing a finished deployment, look once more,
      // then let CreateDeployment decide (a group that is really busy answers DeploymentLimitExceeded).
      ended.add(found.id);
      await ctx.interrupts.pause(ctx.input.pollMinIntervalInMs);
      continue;
    }
    ctx.display.line('active', `${found.id} ${found.status}${found.creator === 'codeDeployRollback' ? ' (rollback)' : ''}`);
    if (step.kind === 'fail') throw new ReleaseAbort({ kind: 'active-deployment', activeDeploymentId: found.id }, activeMessage(ctx, found), 'ActiveDeployment');
    if (step.kind === 'stop-and-wait') {
      stopped.add(found.id);
      ctx.display.line('active', `stopping ${found.id} with rollback`);
      await ctx.calls.stopWithRollback(found.id);
    }
    await waitForEnd(ctx, found.id, deadline);
  }
}

/** Waits (printing status changes) until another deployment in the group ends. */
async function waitForEnd(ctx: ReleaseContext, id: string, deadline: number): Promise<void> {
  let last: string | undefined;
  let lastChangeAt = ctx.clock();
  for (;;) {
    if (ctx.interrupts.received > 0) throw new ReleaseAbort({ kind: 'interrupted' }, `interrupted while waiting for ${id}; no deployment was created`, 'Interrupted');
    const status = (await ctx.calls.call<{ deploymentInfo?: { status?: string } }>('GetDeployment', new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status ?? 'Unknown';
    const now = ctx.clock();
    if (status !== last) {
      if (last !== undefined) ctx.display.line('active', `${id} ${status}`);
      last = status;
      lastChangeAt = now;
    }
    if (!(ACTIVE_STATUSES as readonly string[]).includes(status)) return;
    if (now >= deadline) throw new ReleaseAbort({ kind: 'timeout' }, `timed out waiting for the active deployment ${id} (still ${status}); nothing was created`, 'Timeout');
    const delay = nextPollDelay({ nowInMs: now, lastChangeAtInMs: lastChangeAt, consecutiveThrottles: 0, minIntervalInMs: ctx.input.pollMinIntervalInMs, maxIntervalInMs: ctx.input.pollMaxIntervalInMs, random: ctx.random() });
    await ctx.interrupts.pause(Math.min(delay, Math.max(1, deadline - now)));
  }
}

/** Clears the way (per the active-deployment policy) and creates the deployment; returns its id. */
export async function createDeployment(ctx: ReleaseContext, timeoutInMs: number): Promise<string> {
  const request = buildCreateDeploymentRequest(ctx.input);
  for (let attempt = 1; ; attempt++) {
    await clearActive(ctx, timeoutInMs);
    if (ctx.interrupts.received > 0) throw new ReleaseAbort({ kind: 'interrupted' }, 'interrupted before a deployment was created; nothing to stop', 'Interrupted');
    const result = await ctx.calls.callOnce<{ deploymentId?: string }>('CreateDeployment', new CreateDeploymentCommand(request));
    if (result.ok) {
      if (!result.value.deploymentId) throw new ReleaseAbort({ kind: 'aws-error' }, 'CreateDeployment returned no deploymentId', 'NoDeploymentId');
      return result.value.deploymentId;
    }
    const c = result.error;
    const step = decideCreateRetry(c, attempt);
    if (step.kind === 'busy') {
      throw new ReleaseAbort(
        { kind: 'active-deployment', activeDeploymentId: '' },
        `CreateDeployment was refused ${attempt} times with ${c.code} (${c.message}); the deployment group stays busy. Retry later or use --wait-for-active.`,
        c.code,
      );
    }
    if (step.kind === 'give-up') throw ctx.calls.abortFor('CreateDeployment', c);
    if (step.kind === 'check-again') ctx.display.line('active', `CreateDeployment refused (${c.code}); checking the group again`);
    await ctx.interrupts.pause(retryDelayInMs(attempt, { minIntervalInMs: ctx.input.pollMinIntervalInMs, maxIntervalInMs: ctx.input.pollMaxIntervalInMs }, ctx.random()));
  }
}
