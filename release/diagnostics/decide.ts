/**
 * Pure rules of the failure diagnostics: what to ask AWS (from the CodeDeploy ECS target and the
 * release's inputs) and how to read its answers into the {@link Diagnostics} model. No I/O here; the
 * calls are made by gather.ts.
 */
import type { DeploymentTarget } from '@aws-sdk/client-codedeploy';
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { ServiceEvent, Task } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ECS_HOOK_EVENTS, type EcsHookEvent } from '../../lib/appspec';
import { classifyAwsError } from '../aws-errors';
import type { ReleaseRevision } from '../input';
import { lambdaLogGroup } from '../request';
import type { DiagnosticsRequest } from './gather';
import type { DiagnosticsTrigger, HookVerdictLine, ServiceEventLine, StoppedTask, TargetHealthLine } from './types';

/** What CodeDeploy's ECS target says about where green runs. */
export interface EcsTargetFacts {
  readonly clusterName?: string;
  readonly serviceName?: string;
  /** The replacement task set (`taskSetLabel` Green): its id is the `startedBy` of its tasks. */
  readonly greenTaskSetId?: string;
  readonly greenTargetGroupName?: string;
}

/**
 * Reads the cluster, the service, green's task set and target group from a GetDeploymentTarget answer.
 * CodeDeploy names an ECS target `<cluster>:<service>` (its `targetId`); the service ARN
 * (`arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`) is the fallback.
 */
export function ecsTargetFacts(target: DeploymentTarget | undefined): EcsTargetFacts {
  const ecs = target?.ecsTarget;
  if (!ecs) return {};
  let clusterName: string | undefined;
  let serviceName: string | undefined;
  const id = ecs.targetId ?? '';
  const colon = id.indexOf(':');
  if (colon > 0 && colon < id.length - 1 && !id.startsWith('arn:')) {
    clusterName = id.slice(0, colon);
    serviceName = id.slice(colon + 1);
  } else {
    const m = /:service\/([^/]+)\/([^/]+)$/.exec(ecs.targetArn ?? id);
    if (m) [clusterName, serviceName] = [m[1], m[2]];
  }
  const green = (ecs.taskSetsInfo ?? []).find((s) => s.taskSetLabel === 'Green');
  return {
    ...(clusterName ? { clusterName } : {}),
    ...(serviceName ? { serviceName } : {}),
    ...(green?.identifer ? { greenTaskSetId: green.identifer } : {}),
    ...(green?.targetGroup?.name ? { greenTargetGroupName: green.targetGroup.name } : {}),
  };
}

/** How far before the deployment's creation the log search starts (clocks of Lambda and caller differ). */
export const LOG_SEARCH_SLACK_IN_MS = 60_000;

/** The FilterLogEvents input that finds the hook's verdicts for one deployment. */
export interface HookLogQuery {
  readonly logGroupName?: string;
  readonly logGroupIdentifier?: string;
  readonly filterPattern: string;
  /** Milliseconds since the epoch (the API's unit). */
  readonly startTime: number;
  readonly endTime: number;
}

/**
 * The query for the `hook.verdict` lines of `deploymentId`. The hook writes one JSON object per line
 * (hook-lambda/index.ts), so a JSON filter pattern selects them on the server; an id that is not plain
 * `[A-Za-z0-9-]` is left out of the pattern (no quoting rules to get wrong) and filtered here instead.
 * A log group ARN goes in `logGroupIdentifier` (the API takes the name or the ARN there, never both).
 */
export function hookLogQuery(options: { readonly logGroup: string; readonly deploymentId: string; readonly createdAtInMs: number; readonly nowInMs: number }): HookLogQuery {
  const plainId = /^[A-Za-z0-9-]{1,64}$/.test(options.deploymentId);
  const filterPattern = plainId ? `{ ($.event = "hook.verdict") && ($.deploymentId = "${options.deploymentId}") }` : '{ $.event = "hook.verdict" }';
  const group = options.logGroup.startsWith('arn:') ? { logGroupIdentifier: options.logGroup.replace(/:\*$/, '') } : { logGroupName: options.logGroup };
  return {
    ...group,
    filterPattern,
    startTime: Math.max(0, options.createdAtInMs - LOG_SEARCH_SLACK_IN_MS),
    endTime: Math.max(options.createdAtInMs, options.nowInMs) + LOG_SEARCH_SLACK_IN_MS,
  };
}

/** The JSON object a log message carries: the whole message, or after a runtime's text prefix. */
function jsonOf(message: string | undefined): Record<string, unknown> | undefined {
  const text = (message ?? '').trim();
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(text.slice(start)) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    // Lambda's JSON log format wraps what the function printed in `message` (an object, or its text).
    if (record.event === undefined && record.message !== undefined) {
      const inner = typeof record.message === 'string' ? jsonOf(record.message) : record.message;
      if (inner && typeof inner === 'object') return inner as Record<string, unknown>;
    }
    return record;
  } catch {
    return undefined;
  }
}

const isoOf = (ms: number | undefined): string => new Date(Number.isFinite(ms) ? (ms as number) : 0).toISOString();

/** The `hook.verdict` lines of `deploymentId` among log events (any others are ignored), oldest first. */
export function hookVerdicts(events: readonly FilteredLogEvent[], deploymentId: string): HookVerdictLine[] {
  const lines: { at: number; line: HookVerdictLine }[] = [];
  for (const e of events) {
    const entry = jsonOf(e.message);
    if (!entry || entry.event !== 'hook.verdict' || entry.deploymentId !== deploymentId) continue;
    const at = e.timestamp ?? 0;
    lines.push({
      at,
      line: {
        time: isoOf(at),
        ...(e.logStreamName ? { logStreamName: e.logStreamName } : {}),
        status: typeof entry.status === 'string' ? entry.status : 'Unknown',
        reason: typeof entry.reason === 'string' ? entry.reason : '',
        ...(typeof entry.lifecycleEventHookExecutionId === 'string' ? { lifecycleEventHookExecutionId: entry.lifecycleEventHookExecutionId } : {}),
      },
    });
  }
  return lines.sort((a, b) => a.at - b.at).map((l) => l.line);
}

const timeOf = (d: Date | undefined): number | undefined => (d instanceof Date && !isNaN(d.getTime()) ? d.getTime() : undefined);

/** Service events at or after `sinceInMs`, oldest first (DescribeServices lists them newest first). */
export function serviceEventsSince(events: readonly ServiceEvent[], sinceInMs: number): ServiceEventLine[] {
  return events
    .map((e) => ({ at: timeOf(e.createdAt), message: e.message ?? '' }))
    .filter((e): e is { at: number; message: string } => e.at !== undefined && e.at >= sinceInMs && e.message.length > 0)
    .sort((a, b) => a.at - b.at)
    .map((e) => ({ time: isoOf(e.at), message: e.message }));
}

/** The tasks of a DescribeTasks answer that stopped (or are stopping), with why and their exit codes. */
export function stoppedTasks(tasks: readonly Task[]): StoppedTask[] {
  return tasks
    .filter((t) => t.desiredStatus === 'STOPPED' || t.lastStatus === 'STOPPED' || t.stoppedReason !== undefined)
    .map((t): StoppedTask => {
      const stoppedAt = timeOf(t.stoppedAt);
      return {
        taskArn: t.taskArn ?? '',
        ...(t.stopCode ? { stopCode: t.stopCode } : {}),
        ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
        ...(stoppedAt !== undefined ? { stoppedAt: isoOf(stoppedAt) } : {}),
        containers: (t.containers ?? []).map((c) => ({
          name: c.name ?? '',
          ...(typeof c.exitCode === 'number' ? { exitCode: c.exitCode } : {}),
          ...(c.reason ? { reason: c.reason } : {}),
        })),
      };
    })
    .sort((a, b) => (b.stoppedAt ?? '').localeCompare(a.stoppedAt ?? ''));
}

/** The targets of a DescribeTargetHealth answer. */
export function targetHealth(descriptions: readonly TargetHealthDescription[]): TargetHealthLine[] {
  return descriptions.map((d) => ({
    id: d.Target?.Id ?? '',
    ...(typeof d.Target?.Port === 'number' ? { port: d.Target.Port } : {}),
    state: d.TargetHealth?.State ?? 'unknown',
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
    ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
  }));
}

/** Errors that mean "this caller may not read it": the part is skipped with a note, never retried. */
export function isPermissionError(err: unknown): boolean {
  return classifyAwsError(err).kind === 'access-denied';
}

/**
 * The one line saying why a part could not be read. AWS's access-denied message names the action
 * ("… is not authorized to perform: ecs:ListTasks on resource …"); when it does not, `action` is named.
 */
export function failureNote(action: string, err: unknown, timedOutAfterInMs?: number): string {
  if (timedOutAfterInMs !== undefined) return `${action} gave no answer within ${timedOutAfterInMs} ms`;
  const c = classifyAwsError(err);
  if (c.kind === 'access-denied') {
    const denied = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(c.message)?.[1] ?? action;
    return `${denied} denied (${c.code}); grant "${denied}" to see this`;
  }
  return `${action} failed (${c.code}: ${c.message.split('\n')[0]})`;
}

/** What the release knows when it asks for diagnostics. */
export interface ReleaseFailureFacts {
  readonly deploymentId: string;
  readonly trigger: DiagnosticsTrigger;
  /** When the deployment was created (ISO 8601). @default - unknown */
  readonly createdAt?: string;
  readonly lifecycleEvents: readonly { readonly name: string; readonly status: string }[];
  /** @default - no hook */
  readonly hookFunctionName?: string;
  /** @default `/aws/lambda/<hook function>` */
  readonly hookLogGroupName?: string;
  readonly revision: ReleaseRevision;
}

/**
 * The gathering request for a failed, stopped or timed-out deployment. A verdict line is expected when
 * a lifecycle event that runs the hook failed: the AppSpec names those events (inline revision); with
 * an S3 revision any hookable event may have.
 */
export function diagnosticsRequestFor(facts: ReleaseFailureFacts): DiagnosticsRequest {
  const r = facts.revision;
  const runsHook = (event: string): boolean =>
    r.type === 'inline' ? Boolean(r.appSpec.hooks?.[event as EcsHookEvent]) : (ECS_HOOK_EVENTS as readonly string[]).includes(event);
  const hook = facts.hookFunctionName;
  return {
    deploymentId: facts.deploymentId,
    trigger: facts.trigger,
    ...(facts.createdAt ? { createdAt: facts.createdAt } : {}),
    ...(hook ? { hookLogGroupName: facts.hookLogGroupName ?? lambdaLogGroup(hook) } : {}),
    expectHookVerdict: Boolean(hook) && facts.lifecycleEvents.some((e) => e.status === 'Failed' && runsHook(e.name)),
  };
}
