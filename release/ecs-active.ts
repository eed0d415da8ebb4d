/**
 * Another service deployment running on an ECS-native service: exit 4 naming it (default), wait for it
 * to end (`--wait-for-active`), or stop it with rollback and wait for its rollback (`--stop-active`).
 * ECS would let a new UpdateService supersede it silently; the release refuses to, as CodeDeploy refuses
 * a second deployment in a group. {@link decideEcsActive} decides; the rest calls.
 */
import { ReleaseAbort } from './abort';
import type { EcsContext } from './context';
import { ECS_ACTIVE_STATUSES, ECS_TERMINAL_STATUSES } from './ecs-progress';
import type { ActiveDeploymentPolicy } from './input';
import { nextPollDelay } from './poll';

/** A running service deployment, as ListServiceDeployments showed it. */
export interface EcsActiveDeployment {
  readonly arn: string;
  /** ServiceDeploymentStatus. */
  readonly status: string;
  /** @default - none given */
  readonly statusReason?: string;
}

/** What to do about the newest running service deployment. */
export type EcsActiveStep =
  /** Nothing runs (or the list was stale): start ours. */
  | { readonly kind: 'start' }
  /** Exit 4 naming it and how to proceed. */
  | { readonly kind: 'fail' }
  /** `--stop-active`: StopServiceDeployment with rollback, then wait for it to end. */
  | { readonly kind: 'stop-and-wait' }
  /** Wait for it to end (`--wait-for-active`; a rollback or a stop already under way, which is never stopped again). */
  | { readonly kind: 'wait' };

/** Decides about the newest running service deployment (undefined: none runs). */
export function decideEcsActive(found: EcsActiveDeployment | undefined, policy: ActiveDeploymentPolicy, seen: { readonly stopped: boolean }): EcsActiveStep {
  if (!found || ECS_TERMINAL_STATUSES.includes(found.status)) return { kind: 'start' };
  if (policy === 'fail') return { kind: 'fail' };
  const forward = found.status === 'PENDING' || found.status === 'IN_PROGRESS';
  if (policy === 'stop' && forward && !seen.stopped) return { kind: 'stop-and-wait' };
  return { kind: 'wait' };
}

function activeMessage(ctx: EcsContext, a: EcsActiveDeployment): string {
  const { input } = ctx;
  return [
    `another service deployment, ${a.arn} (${a.status}${a.statusReason ? `: ${a.statusReason}` : ''}), is running on service ${input.serviceName} in cluster ${input.clusterName}.`,
    'To wait for it to end first: --wait-for-active. To stop it with rollback first: --stop-active.',
  ].join('\n');
}

async function newestActive(ctx: EcsContext): Promise<EcsActiveDeployment | undefined> {
  const { input, calls } = ctx;
  const [brief] = await calls.listServiceDeployments(input.clusterName, input.serviceName, ECS_ACTIVE_STATUSES, 10);
  if (!brief?.serviceDeploymentArn) return undefined;
  return { arn: brief.serviceDeploymentArn, status: brief.status ?? 'PENDING', ...(brief.statusReason ? { statusReason: brief.statusReason } : {}) };
}

/**
 * Clears the way for a new service deployment per the active-deployment policy, before `deadlineInMs`.
 * @returns true when it waited for one (the service's state is then worth reading again)
 */
export async function clearEcsActive(ctx: EcsContext, deadlineInMs: number): Promise<boolean> {
  const stopped = new Set<string>();
  let waited = false;
  for (;;) {
    ctx.calls.setDeadline(deadlineInMs);
    const found = await newestActive(ctx);
    const step = decideEcsActive(found, ctx.input.activePolicy, { stopped: found ? stopped.has(found.arn) : false });
    if (step.kind === 'start' || !found) return waited;
    ctx.display.line('active', `${found.arn} ${found.status}`);
    if (step.kind === 'fail') throw new ReleaseAbort({ kind: 'active-deployment', activeDeploymentId: found.arn }, activeMessage(ctx, found), 'ActiveDeployment');
    if (step.kind === 'stop-and-wait') {
      stopped.add(found.arn);
      ctx.display.line('active', `stopping ${found.arn} with rollback`);
      await ctx.calls.stopWithRollback(found.arn);
    }
    await waitForEnd(ctx, found.arn, found.status, deadlineInMs);
    waited = true;
  }
}

/** Waits (printing status changes) until another service deployment ends. */
async function waitForEnd(ctx: EcsContext, arn: string, seenStatus: string, deadlineInMs: number): Promise<void> {
  let last = seenStatus;
  let lastChangeAt = ctx.clock();
  for (;;) {
    if (ctx.interrupts.received > 0) throw new ReleaseAbort({ kind: 'interrupted' }, `interrupted while waiting for ${arn}; no deployment was started`, 'Interrupted');
    const d = await ctx.calls.describeServiceDeployment(arn);
    // Gone from ECS's records: nothing runs any more.
    if (!d) return;
    const status = d.status ?? last;
    const now = ctx.clock();
    if (status !== last) {
      ctx.display.line('active', `${arn} ${status}`);
      last = status;
      lastChangeAt = now;
    }
    if (ECS_TERMINAL_STATUSES.includes(status)) return;
    if (now >= deadlineInMs) throw new ReleaseAbort({ kind: 'timeout' }, `timed out waiting for the running service deployment ${arn} (still ${status}); nothing was started`, 'Timeout');
    const delay = nextPollDelay({ nowInMs: now, lastChangeAtInMs: lastChangeAt, consecutiveThrottles: 0, minIntervalInMs: ctx.input.pollMinIntervalInMs, maxIntervalInMs: ctx.input.pollMaxIntervalInMs, random: ctx.random() });
    await ctx.interrupts.pause(Math.min(delay, Math.max(1, deadlineInMs - now)));
  }
}
