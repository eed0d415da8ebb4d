/**
 * The progress model of an ECS-native service deployment, derived purely from one
 * DescribeServiceDeployments answer and what the previous poll saw. The release decides and displays
 * on the same {@link Progress} for both controllers: ECS's status is mapped into the release's one
 * vocabulary (CodeDeploy's deployment statuses, {@link releaseStatusOf}), ECS's lifecycle stages are
 * its lifecycle events, and ECS's own facts ride along in `progress.ecs`.
 *
 * ECS reports only the current `lifecycleStage`, so the stages' times are when the release saw each one
 * begin and end (within one poll interval), and a stage passed between two polls is shown as succeeded
 * without a start time. A rollback runs inside the same service deployment (ROLLBACK_REQUESTED →
 * ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED): the release's own deployment ends
 * (Failed, or Stopped after its StopServiceDeployment) when the rollback begins, and the rollback is then
 * followed as the same ARN in the `rollback` role.
 */
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import type { FollowRole } from './next-step';
import type { LifecycleEventProgress, Progress, TrafficSplit } from './progress';
import { ECS_SERVICE_DEPLOYMENT_STAGES, ecsStageIndex } from './ecs-stages';

/** ServiceDeploymentStatus values after which a service deployment never changes again. */
export const ECS_TERMINAL_STATUSES: readonly string[] = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];
/** ServiceDeploymentStatus values of a running forward deployment (a new release waits for, or stops, these). */
export const ECS_ACTIVE_STATUSES = ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'] as const;

const isRollbackStatus = (status: string): boolean => status.startsWith('ROLLBACK_');

/** What ECS says of one service deployment beyond the shared model (the report's `ecs` member shows it). */
export interface EcsDeploymentFacts {
  readonly serviceDeploymentArn: string;
  /** ServiceDeploymentStatus as ECS spells it, e.g. `ROLLBACK_IN_PROGRESS`. */
  readonly status: string;
  /** @default - none given */
  readonly statusReason?: string;
  /** ServiceDeploymentLifecycleStage now. @default - none given (e.g. PENDING) */
  readonly lifecycleStage?: string;
  /** The service revision being deployed (green). @default - unknown */
  readonly targetServiceRevisionArn?: string;
  /** The service revisions running before (blue). */
  readonly sourceServiceRevisionArns: readonly string[];
  /** Green's and blue's share of test traffic. @default - not reported */
  readonly testTraffic?: TrafficSplit;
  /** CloudWatch alarms that went into ALARM during the deployment. */
  readonly triggeredAlarmNames: readonly string[];
  /** `TRIGGERED` when the circuit breaker failed the deployment. @default - not reported */
  readonly circuitBreakerStatus?: string;
  /** Why ECS rolled back, when it did. @default - no rollback */
  readonly rollbackReason?: string;
  /** The Lambda hooks running now (their function ARNs). */
  readonly runningHooks: readonly string[];
  /** The stages the deployment's lifecycle hooks run at (its deploymentConfiguration). */
  readonly hookStages: readonly string[];
}

/** A {@link Progress} of an ECS service deployment. */
export type EcsProgress = Progress & { readonly ecs: EcsDeploymentFacts };

/**
 * ECS's ServiceDeploymentStatus in the release's vocabulary, as the role following it sees it:
 * - the release's own deployment (`main`): PENDING → Created; IN_PROGRESS, STOP_REQUESTED → InProgress;
 *   SUCCESSFUL → Succeeded; STOPPED → Stopped; any ROLLBACK_* → Failed (Stopped when the release asked
 *   for the stop), since the deployment has failed once ECS rolls it back;
 * - its rollback (`rollback`): ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS → InProgress;
 *   ROLLBACK_SUCCESSFUL → Succeeded; ROLLBACK_FAILED → Failed; STOPPED → Stopped (the forward
 *   statuses, which a rollback never shows, → InProgress, SUCCESSFUL → Succeeded).
 * A status ECS may add later is passed through as it is (and is not terminal).
 */
export function releaseStatusOf(ecsStatus: string, role: FollowRole, stopRequested: boolean): string {
  if (role === 'rollback') {
    const rollback: Record<string, string> = { PENDING: 'InProgress', IN_PROGRESS: 'InProgress', STOP_REQUESTED: 'InProgress', ROLLBACK_REQUESTED: 'InProgress', ROLLBACK_IN_PROGRESS: 'InProgress', ROLLBACK_SUCCESSFUL: 'Succeeded', ROLLBACK_FAILED: 'Failed', STOPPED: 'Stopped', SUCCESSFUL: 'Succeeded' };
    return rollback[ecsStatus] ?? ecsStatus;
  }
  if (isRollbackStatus(ecsStatus)) return stopRequested ? 'Stopped' : 'Failed';
  return ({ PENDING: 'Created', IN_PROGRESS: 'InProgress', STOP_REQUESTED: 'InProgress', SUCCESSFUL: 'Succeeded', STOPPED: 'Stopped' } as Record<string, string>)[ecsStatus] ?? ecsStatus;
}

/** True when following `ecsStatus` in `role` is over. */
export function isEcsTerminalFor(ecsStatus: string, role: FollowRole): boolean {
  return ECS_TERMINAL_STATUSES.includes(ecsStatus) || (role === 'main' && isRollbackStatus(ecsStatus));
}

const iso = (d: Date | undefined): string | undefined => (d instanceof Date && !isNaN(d.getTime()) ? d.toISOString() : undefined);

/** Green's and blue's share of production (or test) traffic, from the requested weights of the revisions. */
export function ecsTraffic(d: ServiceDeployment, which: 'production' | 'test'): TrafficSplit | undefined {
  const weight = (r: { requestedProductionTrafficWeight?: number; requestedTestTrafficWeight?: number } | undefined): number | undefined =>
    which === 'production' ? r?.requestedProductionTrafficWeight : r?.requestedTestTrafficWeight;
  const green = weight(d.targetServiceRevision);
  const blues = (d.sourceServiceRevisions ?? []).map(weight).filter((w): w is number => typeof w === 'number');
  if (typeof green !== 'number' && blues.length === 0) return undefined;
  const greenPercent = typeof green === 'number' ? green : 100 - blues.reduce((a, b) => a + b, 0);
  const bluePercent = blues.length > 0 ? blues.reduce((a, b) => a + b, 0) : 100 - greenPercent;
  return { bluePercent, greenPercent };
}

/**
 * The report's `error`: ALARM_ACTIVE (CodeDeploy's code for the same cause) when an alarm went off,
 * CIRCUIT_BREAKER_TRIGGERED, STOPPED_BY_RELEASE (Ctrl-C, --stop-on-timeout), else SERVICE_DEPLOYMENT_FAILED
 * (rolled back) or SERVICE_DEPLOYMENT_STOPPED (stopped without rollback); the message is ECS's statusReason.
 */
function errorOf(d: ServiceDeployment, status: string, stopRequested: boolean): { code: string; message: string } {
  const alarms = d.alarms?.triggeredAlarmNames ?? [];
  const reason = d.statusReason ?? d.rollback?.reason;
  if (d.alarms?.status === 'TRIGGERED' || alarms.length > 0) {
    const names = alarms.length > 0 ? alarms.join(', ') : 'a CloudWatch alarm';
    return { code: 'ALARM_ACTIVE', message: reason && alarms.every((a) => reason.includes(a)) ? reason : `${names} went into ALARM${reason ? `: ${reason}` : ''}` };
  }
  if (d.deploymentCircuitBreaker?.status === 'TRIGGERED') return { code: 'CIRCUIT_BREAKER_TRIGGERED', message: reason ?? 'the deployment circuit breaker failed the deployment' };
  const code = stopRequested ? 'STOPPED_BY_RELEASE' : status === 'STOPPED' ? 'SERVICE_DEPLOYMENT_STOPPED' : 'SERVICE_DEPLOYMENT_FAILED';
  return { code, message: reason ?? `service deployment ${status}` };
}

/** What one poll needs besides the answer. */
export interface EcsPollContext {
  readonly role: FollowRole;
  /** The release sent StopServiceDeployment for this deployment. */
  readonly stopRequested: boolean;
  /** What the previous poll of the same role saw. @default - nothing (first poll) */
  readonly previous?: Progress;
  readonly nowInMs: number;
}

type Event = { -readonly [K in keyof LifecycleEventProgress]: LifecycleEventProgress[K] };

/** The stages a forward run has gone through up to `current`, the earlier ones succeeded. */
function forwardEvents(previous: readonly LifecycleEventProgress[], current: string | undefined, now: string): Event[] {
  const seen = new Map(previous.map((e) => [e.name, e]));
  const upTo = ecsStageIndex(current);
  const events: Event[] = [];
  ECS_SERVICE_DEPLOYMENT_STAGES.forEach((stage, i) => {
    const before = seen.get(stage);
    // RECONCILE_SERVICE happens only when several revisions are active: never inferred.
    if (i > upTo || (stage === 'RECONCILE_SERVICE' && !before && i !== upTo)) return;
    if (i === upTo) events.push({ ...before, name: stage, status: 'InProgress', startedAt: before?.startedAt ?? now });
    else events.push({ ...before, name: stage, status: 'Succeeded', ...(before?.startedAt ? { startedAt: before.startedAt } : {}), endedAt: before?.endedAt ?? now });
  });
  // A stage ECS may add later: shown as seen, after the known ones.
  if (current !== undefined && upTo < 0) events.push({ ...seen.get(current), name: current, status: 'InProgress', startedAt: seen.get(current)?.startedAt ?? now });
  return events;
}

/** The release's own deployment: stages as they ran; the one running when it failed is marked so. */
function mainEvents(d: ServiceDeployment, c: EcsPollContext, now: string): Event[] {
  const status = d.status ?? 'PENDING';
  const previous = c.previous?.lifecycleEvents ?? [];
  if (status === 'SUCCESSFUL') return forwardEvents(previous, d.lifecycleStage, now).map((e) => (e.status === 'InProgress' ? { ...e, status: 'Succeeded', endedAt: now } : e));
  const failedNow = status === 'STOPPED' || status === 'ROLLBACK_REQUESTED';
  if (!failedNow && !isRollbackStatus(status)) return forwardEvents(previous, d.lifecycleStage, now);
  // Once rolling back, lifecycleStage is the rollback's: the failed stage is the last one seen running.
  const events = failedNow ? forwardEvents(previous, d.lifecycleStage, now) : previous.map((e) => ({ ...e }));
  const failed = events.find((e) => e.status === 'InProgress');
  if (failed) Object.assign(failed, { status: c.stopRequested ? 'Stopped' : 'Failed', endedAt: now, diagnostics: { errorCode: errorOf(d, status, c.stopRequested).code, message: errorOf(d, status, c.stopRequested).message } });
  return events;
}

/** A rollback: the stages it runs (test and production traffic back, clean-up), as seen. */
function rollbackEvents(d: ServiceDeployment, c: EcsPollContext, now: string): Event[] {
  const events: Event[] = (c.previous?.lifecycleEvents ?? []).map((e) => ({ ...e }));
  const stage = d.lifecycleStage;
  const last = events[events.length - 1];
  if (stage && last?.name !== stage) {
    if (last?.status === 'InProgress') Object.assign(last, { status: 'Succeeded', endedAt: now });
    events.push({ name: stage, status: 'InProgress', startedAt: now });
  }
  const end = events[events.length - 1];
  const status = d.status ?? '';
  if (end?.status === 'InProgress' && ECS_TERMINAL_STATUSES.includes(status)) Object.assign(end, { status: status === 'ROLLBACK_SUCCESSFUL' ? 'Succeeded' : 'Failed', endedAt: now });
  return events;
}

function factsOf(d: ServiceDeployment): EcsDeploymentFacts {
  const testTraffic = ecsTraffic(d, 'test');
  return {
    serviceDeploymentArn: d.serviceDeploymentArn ?? '',
    status: d.status ?? 'PENDING',
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage ? { lifecycleStage: d.lifecycleStage } : {}),
    ...(d.targetServiceRevision?.arn ? { targetServiceRevisionArn: d.targetServiceRevision.arn } : {}),
    sourceServiceRevisionArns: (d.sourceServiceRevisions ?? []).map((r) => r.arn).filter((a): a is string => typeof a === 'string'),
    ...(testTraffic ? { testTraffic } : {}),
    triggeredAlarmNames: d.alarms?.triggeredAlarmNames ?? [],
    ...(d.deploymentCircuitBreaker?.status ? { circuitBreakerStatus: d.deploymentCircuitBreaker.status } : {}),
    ...(d.rollback?.reason ? { rollbackReason: d.rollback.reason } : {}),
    runningHooks: (d.lifecycleHookDetails ?? []).filter((h) => h.status === 'IN_PROGRESS' && h.targetArn).map((h) => h.targetArn!),
    hookStages: [...new Set((d.deploymentConfiguration?.lifecycleHooks ?? []).flatMap((h) => h.lifecycleStages ?? []))],
  };
}

/** Builds the shared progress model from one DescribeServiceDeployments answer (see the module's comment). */
export function ecsProgressFrom(d: ServiceDeployment, c: EcsPollContext): EcsProgress {
  const ecsStatus = d.status ?? 'PENDING';
  const status = releaseStatusOf(ecsStatus, c.role, c.stopRequested);
  const terminal = isEcsTerminalFor(ecsStatus, c.role);
  const now = new Date(c.nowInMs).toISOString();
  const lifecycleEvents = c.role === 'main' ? mainEvents(d, c, now) : rollbackEvents(d, c, now);
  const traffic = ecsTraffic(d, 'production');
  const createdAt = iso(d.createdAt);
  const completedAt = ECS_TERMINAL_STATUSES.includes(ecsStatus) ? iso(d.finishedAt ?? d.stoppedAt) : undefined;
  const failed = c.role === 'main' && terminal && ecsStatus !== 'SUCCESSFUL';
  const rolledBack = c.role === 'main' && isRollbackStatus(ecsStatus);
  return {
    deploymentId: d.serviceDeploymentArn ?? '',
    status,
    statusDetail: ecsStatus,
    // A forward run: PRE_SCALE_UP … CLEAN_UP (and RECONCILE_SERVICE when ECS runs it); a rollback: test and production traffic back, clean-up.
    stageCount: c.role === 'main' ? ECS_SERVICE_DEPLOYMENT_STAGES.length - (lifecycleEvents.some((e) => e.name === 'RECONCILE_SERVICE') ? 0 : 1) : 3,
    terminal,
    lifecycleEvents,
    ...(traffic ? { traffic } : {}),
    // The bake time is ECS's termination wait: both revisions run, production is on green.
    terminationWaitStarted: c.role === 'main' && !terminal && (d.lifecycleStage === 'BAKE_TIME' || d.lifecycleStage === 'CLEAN_UP'),
    ...(createdAt ? { createdAt } : {}),
    ...(completedAt ? { completedAt } : {}),
    ...(failed ? { error: errorOf(d, ecsStatus, c.stopRequested) } : {}),
    ...(rolledBack ? { rollbackDeploymentId: d.serviceDeploymentArn ?? '' } : {}),
    ...(rolledBack && d.rollback?.reason ? { rollbackMessage: d.rollback.reason } : {}),
    ecs: factsOf(d),
  };
}
