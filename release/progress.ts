/**
 * The progress model: what the release shows and decides on, derived purely from GetDeployment and
 * GetDeploymentTarget answers. Kept free of I/O so every display and `--until` decision is testable.
 */
import type { DeploymentInfo, DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { ECS_LIFECYCLE_EVENTS } from '../lib/appspec';

export { ECS_LIFECYCLE_EVENTS };


/** Named stages for `--until` (besides a lifecycle event name). */
export const UNTIL_STAGES = ['install', 'test-traffic', 'ready', 'traffic-shifted'] as const;

/** Deployment statuses after which nothing changes any more. */
export const TERMINAL_STATUSES: readonly string[] = ['Succeeded', 'Failed', 'Stopped'];

/** Statuses of a deployment that blocks a new one in the same group. */
export const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Ready'] as const;

/** One lifecycle event as shown and reported. */
export interface LifecycleEventProgress {
  readonly name: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly diagnostics?: { readonly errorCode?: string; readonly message?: string; readonly logTail?: string };
}

/** Percent of production traffic on each task set. */
export interface TrafficSplit {
  readonly bluePercent: number;
  readonly greenPercent: number;
}

/** Everything known about one deployment at one poll. */
export interface Progress {
  readonly deploymentId: string;
  /** In the release's one vocabulary (CodeDeploy's deployment statuses; ECS's are mapped onto them). */
  readonly status: string;
  /** The controller's own status when it says more than `status` (ECS's, e.g. `ROLLBACK_IN_PROGRESS`). @default - none */
  readonly statusDetail?: string;
  /**
   * How many lifecycle events (ECS: lifecycle stages) a whole run has, for the progress bar and the
   * `events n/m` count. @default - CodeDeploy's 8 ECS lifecycle events
   */
  readonly stageCount?: number;
  readonly terminal: boolean;
  readonly lifecycleEvents: readonly LifecycleEventProgress[];
  readonly traffic?: TrafficSplit;
  readonly terminationWaitStarted: boolean;
  readonly createdAt?: string;
  readonly completedAt?: string;
  readonly error?: { readonly code?: string; readonly message?: string };
  readonly rollbackDeploymentId?: string;
  readonly rollbackMessage?: string;
}

const iso = (d: Date | undefined): string | undefined => (d instanceof Date && !isNaN(d.getTime()) ? d.toISOString() : undefined);

function trafficFrom(target: DeploymentTarget | undefined): TrafficSplit | undefined {
  const sets = target?.ecsTarget?.taskSetsInfo ?? [];
  const blue = sets.find((s) => s.taskSetLabel === 'Blue')?.trafficWeight;
  const green = sets.find((s) => s.taskSetLabel === 'Green')?.trafficWeight;
  if (blue === undefined && green === undefined) return undefined;
  // Once one task set is gone its weight is whatever the other one does not carry.
  const greenPercent = green ?? 100 - (blue ?? 0);
  const bluePercent = blue ?? 100 - greenPercent;
  return { bluePercent, greenPercent };
}

/** Builds the progress model from one GetDeployment answer and (when known) its ECS target. */
export function progressFrom(deployment: DeploymentInfo, target?: DeploymentTarget): Progress {
  const status = deployment.status ?? 'Unknown';
  const known = new Map(
    (target?.ecsTarget?.lifecycleEvents ?? []).map((e) => [e.lifecycleEventName ?? '', e] as const),
  );
  const names = [
    ...ECS_LIFECYCLE_EVENTS.filter((n) => known.has(n)),
    ...[...known.keys()].filter((n) => n && !(ECS_LIFECYCLE_EVENTS as readonly string[]).includes(n)),
  ];
  const lifecycleEvents = names.map((name): LifecycleEventProgress => {
    const e = known.get(name)!;
    const d = e.diagnostics;
    const diagnostics =
      d && (d.errorCode || d.message || d.logTail)
        ? {
            ...(d.errorCode ? { errorCode: d.errorCode } : {}),
            ...(d.message ? { message: d.message } : {}),
            ...(d.logTail ? { logTail: d.logTail } : {}),
          }
        : undefined;
    const startedAt = iso(e.startTime);
    const endedAt = iso(e.endTime);
    return {
      name,
      status: e.status ?? 'Unknown',
      ...(startedAt ? { startedAt } : {}),
      ...(endedAt ? { endedAt } : {}),
      ...(diagnostics ? { diagnostics } : {}),
    };
  });
  const afterAllowTraffic = lifecycleEvents.find((e) => e.name === 'AfterAllowTraffic');
  const traffic = trafficFrom(target);
  const createdAt = iso(deployment.createTime);
  const completedAt = iso(deployment.completeTime);
  const error = deployment.errorInformation;
  const rollback = deployment.rollbackInfo;
  return {
    deploymentId: deployment.deploymentId ?? '',
    status,
    terminal: TERMINAL_STATUSES.includes(status),
    lifecycleEvents,
    ...(traffic ? { traffic } : {}),
    terminationWaitStarted:
      deployment.instanceTerminationWaitTimeStarted === true ||
      (status === 'InProgress' && isPassed(afterAllowTraffic?.status)),
    ...(createdAt ? { createdAt } : {}),
    ...(completedAt ? { completedAt } : {}),
    ...(error && (error.code || error.message)
      ? { error: { ...(error.code ? { code: error.code } : {}), ...(error.message ? { message: error.message } : {}) } }
      : {}),
    ...(rollback?.rollbackDeploymentId ? { rollbackDeploymentId: rollback.rollbackDeploymentId } : {}),
    ...(rollback?.rollbackMessage ? { rollbackMessage: rollback.rollbackMessage } : {}),
  };
}

/** One visible change between two polls. */
export type ProgressChange =
  | { readonly kind: 'status'; readonly status: string; readonly detail?: string }
  | { readonly kind: 'lifecycle'; readonly name: string; readonly status: string }
  | { readonly kind: 'traffic'; readonly traffic: TrafficSplit }
  | { readonly kind: 'termination-wait' };

/** What changed from `previous` to `next`, in display order. */
export function progressChanges(previous: Progress | undefined, next: Progress): ProgressChange[] {
  const changes: ProgressChange[] = [];
  const before = new Map((previous?.lifecycleEvents ?? []).map((e) => [e.name, e.status]));
  // Lifecycle events before the status, so a final "status Succeeded" is the last line of a poll.
  for (const e of next.lifecycleEvents) {
    const was = before.get(e.name);
    // Pending events that never changed are noise; report everything else the first time it is seen.
    if (was === e.status || (was === undefined && e.status === 'Pending')) continue;
    changes.push({ kind: 'lifecycle', name: e.name, status: e.status });
  }
  const t = next.traffic;
  const p = previous?.traffic;
  if (t && (!p || p.bluePercent !== t.bluePercent || p.greenPercent !== t.greenPercent)) {
    changes.push({ kind: 'traffic', traffic: t });
  }
  if (next.terminationWaitStarted && !previous?.terminationWaitStarted && !next.terminal) {
    changes.push({ kind: 'termination-wait' });
  }
  if (previous?.status !== next.status || previous?.statusDetail !== next.statusDetail) changes.push({ kind: 'status', status: next.status, ...(next.statusDetail ? { detail: next.statusDetail } : {}) });
  return changes;
}

/** True when `value` names a stage `--until` understands. */
export function isUntilStage(value: string): boolean {
  return (UNTIL_STAGES as readonly string[]).includes(value) || (ECS_LIFECYCLE_EVENTS as readonly string[]).includes(value);
}

/**
 * An event counts as passed when it succeeded or was skipped: CodeDeploy may mark a hookable event
 * that has no hook in the AppSpec as Skipped, and `--until` must still stop there.
 */
const isPassed = (status: string | undefined): boolean => status === 'Succeeded' || status === 'Skipped';

const succeeded = (p: Progress, name: string): boolean => p.lifecycleEvents.some((e) => e.name === name && isPassed(e.status));

/** True when the deployment has reached (or passed) the `--until` stage. */
export function stageReached(progress: Progress, stage: string): boolean {
  if (progress.status === 'Succeeded') return true;
  if (progress.terminal) return false;
  switch (stage) {
    case 'install':
      return succeeded(progress, 'Install');
    case 'test-traffic':
      return succeeded(progress, 'AfterAllowTestTraffic');
    case 'ready':
      return progress.status === 'Ready' || succeeded(progress, 'BeforeAllowTraffic');
    case 'traffic-shifted':
      return succeeded(progress, 'AllowTraffic');
    default:
      return succeeded(progress, stage);
  }
}

/**
 * Fraction (0..1) of the deployment done, for the progress bar: one unit per lifecycle event, the
 * traffic shift counted by green weight, plus the termination wait by elapsed time when it is known.
 */
export function progressFraction(progress: Progress, terminationWait?: { readonly startedAtInMs: number; readonly nowInMs: number; readonly waitInMinutes: number }): number {
  if (progress.status === 'Succeeded') return 1;
  const total = (progress.stageCount ?? ECS_LIFECYCLE_EVENTS.length) + 1;
  let done = 0;
  for (const e of progress.lifecycleEvents) {
    if (e.status === 'Succeeded' || e.status === 'Skipped') done += 1;
    else if ((e.name === 'AllowTraffic' || e.name === 'PRODUCTION_TRAFFIC_SHIFT') && e.status === 'InProgress' && progress.traffic) done += progress.traffic.greenPercent / 100;
  }
  if (progress.terminationWaitStarted) {
    if (terminationWait && terminationWait.waitInMinutes > 0) {
      done += Math.min(1, (terminationWait.nowInMs - terminationWait.startedAtInMs) / (terminationWait.waitInMinutes * 60000));
    }
  }
  return Math.max(0, Math.min(1, done / total));
}
