/**
 * The thin shell of the failure diagnostics: makes the read-only calls (CloudWatch Logs, ECS, ELBv2,
 * and CodeDeploy for the ECS target when the caller has none) with injected clients, each call cut
 * off by an abort signal after a small budget and all of them within a total budget. Never throws:
 * a part that cannot be read says why in one line.
 */
import { GetDeploymentTargetCommand, ListDeploymentTargetsCommand, type DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, type Service } from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { classifyAwsError } from '../aws-errors';
import { ecsTargetFacts, EcsTargetFacts, failureNote, hookLogQuery, hookVerdicts, isPermissionError, serviceEventsSince, stoppedTasks, targetHealth } from './decide';
import type { Diagnostics, DiagnosticsTrigger, EcsDiagnostics, HookDiagnostics, StoppedTask, TargetDiagnostics } from './types';

/** Anything that sends SDK commands with an abort signal (an SDK client, a mock, a stand-in's client). */
export interface DiagnosticsSender {
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>;
}

/** Time limits of the diagnostics. */
export interface DiagnosticsBudget {
  /** Longest wait for one call's answer. */
  readonly perCallInMs: number;
  /** Longest time all the diagnostics together may add to a failed release (the parts run side by side). */
  readonly totalInMs: number;
}

/** 3 s per call, 10 s in all (docs/release.md, "Failure diagnostics"). */
export const DEFAULT_DIAGNOSTICS_BUDGET: DiagnosticsBudget = { perCallInMs: 3000, totalInMs: 10_000 };

/**
 * Every IAM action the diagnostics call, all read-only (docs/release.md lists exactly these; besides
 * them only `codedeploy:ListDeploymentTargets`/`GetDeploymentTarget`, which the release needs anyway).
 */
export const DIAGNOSTICS_IAM_ACTIONS = [
  'logs:FilterLogEvents',
  'ecs:DescribeServices',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
] as const;

/** FilterLogEvents pages read at most (a page may be empty while `nextToken` says the search goes on). */
export const MAX_LOG_PAGES = 10;
/** Pause between two searches for a verdict line that CloudWatch Logs has not ingested yet. */
export const VERDICT_RETRY_INTERVAL_IN_MS = 1000;
/** DescribeTasks takes at most 100 tasks (ECS API reference); more stopped green tasks are not read. */
export const MAX_STOPPED_TASKS = 100;

/** What to gather for. */
export interface DiagnosticsRequest {
  readonly deploymentId: string;
  readonly trigger: DiagnosticsTrigger;
  /** When the deployment was created (ISO 8601). @default - the total budget before now */
  readonly createdAt?: string;
  /** The hook's log group name or ARN. @default - no hook: that part is skipped */
  readonly hookLogGroupName?: string;
  /** A hook event failed, so a verdict line must exist: the search is repeated until it is ingested. */
  readonly expectHookVerdict: boolean;
  /** The ECS target as last read. @default - read with ListDeploymentTargets and GetDeploymentTarget */
  readonly target?: DeploymentTarget;
}

/** Everything {@link gatherDiagnostics} does I/O with. */
export interface DiagnosticsDeps {
  readonly codedeploy: DiagnosticsSender;
  readonly logs: DiagnosticsSender;
  readonly ecs: DiagnosticsSender;
  readonly elbv2: DiagnosticsSender;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** @default DEFAULT_DIAGNOSTICS_BUDGET */
  readonly budget?: DiagnosticsBudget;
}

/** A call that got no answer within its budget. */
class CallTimeout extends Error {
  constructor(readonly afterInMs: number) {
    super(`no answer within ${afterInMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** The budgeted caller shared by the parts of one gathering. */
class Caller {
  constructor(
    private readonly deps: DiagnosticsDeps,
    private readonly budget: DiagnosticsBudget,
    private readonly deadlineInMs: number,
  ) {}

  remainingInMs(): number {
    return this.deadlineInMs - this.deps.clock();
  }

  /** Sends one command; rejects with {@link CallTimeout} when its budget runs out (the request is aborted). */
  async send<T>(client: DiagnosticsSender, command: unknown): Promise<T> {
    const limit = Math.min(this.budget.perCallInMs, this.remainingInMs());
    if (limit <= 0) throw new CallTimeout(0);
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Rejects at the limit even when a sender ignores the signal.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new CallTimeout(limit));
      }, limit);
    });
    try {
      return ((await Promise.race([client.send(command, { abortSignal: abort.signal }), timedOut])) ?? {}) as T;
    } catch (err) {
      throw abort.signal.aborted && !(err instanceof CallTimeout) ? new CallTimeout(limit) : err;
    } finally {
      clearTimeout(timer);
    }
  }

  sleep(ms: number): Promise<void> {
    return this.deps.sleep(ms);
  }
}

/** An error of a part made of several calls, naming the call that failed. */
class ActionError extends Error {
  constructor(
    readonly action: string,
    readonly inner: unknown,
  ) {
    super(action);
  }
}

function noteOf(action: string, err: unknown): string {
  if (err instanceof ActionError) return noteOf(err.action, err.inner);
  return failureNote(action, err, err instanceof CallTimeout ? err.afterInMs : undefined);
}

const permissionError = (err: unknown): boolean => isPermissionError(err instanceof ActionError ? err.inner : err);

/** Gathers every part side by side. Never throws. */
export async function gatherDiagnostics(request: DiagnosticsRequest, deps: DiagnosticsDeps): Promise<Diagnostics> {
  const budget = deps.budget ?? DEFAULT_DIAGNOSTICS_BUDGET;
  const startedAtInMs = deps.clock();
  const caller = new Caller(deps, budget, startedAtInMs + budget.totalInMs);
  const createdAtInMs = Date.parse(request.createdAt ?? '') || startedAtInMs - budget.totalInMs;
  const target = readTarget(request, deps, caller);
  const [hook, ecs, targets] = await Promise.all([
    gatherHook(request, deps, caller, createdAtInMs),
    target.then((t) => gatherEcs(t, deps, caller, createdAtInMs)),
    target.then((t) => gatherTargets(t, deps, caller)),
  ]);
  return {
    deploymentId: request.deploymentId,
    trigger: request.trigger,
    gatheredAt: new Date(startedAtInMs).toISOString(),
    durationInMs: Math.max(0, deps.clock() - startedAtInMs),
    hook,
    ecs,
    targets,
  };
}

type TargetRead = { readonly facts: EcsTargetFacts; readonly note?: string; readonly denied?: boolean };

/** The ECS target: given, or read from CodeDeploy. */
async function readTarget(request: DiagnosticsRequest, deps: DiagnosticsDeps, caller: Caller): Promise<TargetRead> {
  if (request.target) return { facts: ecsTargetFacts(request.target) };
  let action = 'codedeploy:ListDeploymentTargets';
  try {
    const list = await caller.send<{ targetIds?: string[] }>(deps.codedeploy, new ListDeploymentTargetsCommand({ deploymentId: request.deploymentId }));
    const targetId = list.targetIds?.[0];
    if (!targetId) return { facts: {}, note: `deployment ${request.deploymentId} has no target yet` };
    action = 'codedeploy:GetDeploymentTarget';
    const got = await caller.send<{ deploymentTarget?: DeploymentTarget }>(deps.codedeploy, new GetDeploymentTargetCommand({ deploymentId: request.deploymentId, targetId }));
    return { facts: ecsTargetFacts(got.deploymentTarget) };
  } catch (err) {
    return { facts: {}, note: noteOf(action, err), denied: isPermissionError(err) };
  }
}

async function gatherHook(request: DiagnosticsRequest, deps: DiagnosticsDeps, caller: Caller, createdAtInMs: number): Promise<HookDiagnostics> {
  const logGroupName = request.hookLogGroupName;
  const base = { logGroupName: logGroupName ?? '', verdictExpected: request.expectHookVerdict };
  if (!logGroupName) return { ...base, status: 'skipped', note: 'no hook function in the inputs', verdicts: [] };
  try {
    for (;;) {
      const query = hookLogQuery({ logGroup: logGroupName, deploymentId: request.deploymentId, createdAtInMs, nowInMs: deps.clock() });
      const { events, complete } = await readLogPages(query, deps, caller);
      const verdicts = hookVerdicts(events, request.deploymentId);
      const more = request.expectHookVerdict && verdicts.length === 0 && caller.remainingInMs() > VERDICT_RETRY_INTERVAL_IN_MS + 100;
      if (!more) {
        if (verdicts.length > 0) return { ...base, status: 'gathered', verdicts, ...(complete ? {} : { note: `searched the first ${MAX_LOG_PAGES} pages only` }) };
        return { ...base, status: 'gathered', verdicts, note: `no hook.verdict line for ${request.deploymentId} in ${logGroupName}${complete ? '' : ` (first ${MAX_LOG_PAGES} pages)`}` };
      }
      // CloudWatch Logs makes events searchable a few seconds after the hook wrote them.
      await caller.sleep(VERDICT_RETRY_INTERVAL_IN_MS);
    }
  } catch (err) {
    if (classifyAwsError(err).code === 'ResourceNotFoundException') {
      return { ...base, status: 'skipped', note: `log group ${logGroupName} does not exist (the hook never ran in this account and region?)`, verdicts: [] };
    }
    return { ...base, status: isPermissionError(err) ? 'skipped' : 'failed', note: noteOf('logs:FilterLogEvents', err), verdicts: [] };
  }
}

/** Reads FilterLogEvents pages until there is no `nextToken` or {@link MAX_LOG_PAGES} were read. */
async function readLogPages(query: ReturnType<typeof hookLogQuery>, deps: DiagnosticsDeps, caller: Caller): Promise<{ events: FilteredLogEvent[]; complete: boolean }> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LOG_PAGES; page++) {
    const answer = await caller.send<{ events?: FilteredLogEvent[]; nextToken?: string }>(deps.logs, new FilterLogEventsCommand({ ...query, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(answer.events ?? []));
    nextToken = answer.nextToken;
    if (!nextToken) return { events, complete: true };
  }
  return { events, complete: false };
}

async function gatherEcs(read: TargetRead, deps: DiagnosticsDeps, caller: Caller, createdAtInMs: number): Promise<EcsDiagnostics> {
  const { clusterName: cluster, serviceName: service, greenTaskSetId } = read.facts;
  const base = { ...(cluster ? { clusterName: cluster } : {}), ...(service ? { serviceName: service } : {}), ...(greenTaskSetId ? { greenTaskSetId } : {}) };
  if (!cluster || !service) {
    return { ...base, status: read.denied ? 'skipped' : 'failed', note: read.note ?? 'the deployment target names no ECS service', events: [], stoppedTasks: [] };
  }
  // Each call's outcome in a fixed order, so the note reads the same whichever answer came first.
  type Outcome<T> = { value?: T; note?: string; denied?: boolean };
  const settle = <T>(p: Promise<T>, action: string): Promise<Outcome<T>> =>
    p.then(
      (value) => ({ value }),
      (err: unknown) => ({ note: noteOf(action, err), denied: permissionError(err) }),
    );
  let missing: string | undefined;
  const [events, stopped] = await Promise.all([
    settle(
      caller.send<{ services?: Service[]; failures?: { reason?: string }[] }>(deps.ecs, new DescribeServicesCommand({ cluster, services: [service] })).then((a) => {
        const found = a.services?.find((s) => s.serviceName === service) ?? a.services?.[0];
        if (!found) missing = `service ${service} not found in cluster ${cluster}${a.failures?.[0]?.reason ? ` (${a.failures[0].reason})` : ''}`;
        return serviceEventsSince(found?.events ?? [], createdAtInMs);
      }),
      'ecs:DescribeServices',
    ),
    greenTaskSetId ? settle(readStoppedTasks(cluster, greenTaskSetId, deps, caller), 'ecs:ListTasks') : Promise.resolve<Outcome<StoppedTask[]>>({ note: 'green task set unknown: stopped tasks not looked up' }),
  ]);
  const notes = [events.note, missing, stopped.note].filter((n): n is string => n !== undefined);
  const nothing = events.value === undefined && stopped.value === undefined;
  const status = !nothing ? 'gathered' : events.denied && (stopped.denied || !greenTaskSetId) ? 'skipped' : 'failed';
  return { ...base, status, ...(notes.length > 0 ? { note: notes.join('; ') } : {}), events: events.value ?? [], stoppedTasks: stopped.value ?? [] };
}

/** Green's stopped tasks: its tasks carry the task set's id as `startedBy`. */
async function readStoppedTasks(cluster: string, taskSetId: string, deps: DiagnosticsDeps, caller: Caller): Promise<StoppedTask[]> {
  let action = 'ecs:ListTasks';
  try {
    const list = await caller.send<{ taskArns?: string[] }>(deps.ecs, new ListTasksCommand({ cluster, startedBy: taskSetId, desiredStatus: 'STOPPED', maxResults: MAX_STOPPED_TASKS }));
    const arns = (list.taskArns ?? []).slice(0, MAX_STOPPED_TASKS);
    if (arns.length === 0) return [];
    action = 'ecs:DescribeTasks';
    const described = await caller.send<{ tasks?: unknown[] }>(deps.ecs, new DescribeTasksCommand({ cluster, tasks: arns }));
    return stoppedTasks((described.tasks ?? []) as never[]);
  } catch (err) {
    throw new ActionError(action, err);
  }
}

async function gatherTargets(read: TargetRead, deps: DiagnosticsDeps, caller: Caller): Promise<TargetDiagnostics> {
  const name = read.facts.greenTargetGroupName;
  if (!name) return { status: read.denied ? 'skipped' : 'failed', note: read.note ?? "green's target group is unknown (the deployment has no green task set)", targets: [] };
  let action = 'elasticloadbalancing:DescribeTargetGroups';
  let arn: string | undefined;
  try {
    const groups = await caller.send<{ TargetGroups?: { TargetGroupArn?: string; TargetGroupName?: string }[] }>(deps.elbv2, new DescribeTargetGroupsCommand({ Names: [name] }));
    arn = groups.TargetGroups?.find((g) => g.TargetGroupName === name)?.TargetGroupArn ?? groups.TargetGroups?.[0]?.TargetGroupArn;
    if (!arn) return { status: 'failed', targetGroupName: name, note: `target group ${name} not found`, targets: [] };
    action = 'elasticloadbalancing:DescribeTargetHealth';
    const health = await caller.send<{ TargetHealthDescriptions?: never[] }>(deps.elbv2, new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    return { status: 'gathered', targetGroupName: name, targetGroupArn: arn, targets: targetHealth(health.TargetHealthDescriptions ?? []) };
  } catch (err) {
    const notFound = classifyAwsError(err).code === 'TargetGroupNotFound' || classifyAwsError(err).code === 'TargetGroupNotFoundException';
    return {
      status: isPermissionError(err) ? 'skipped' : 'failed',
      targetGroupName: name,
      ...(arn ? { targetGroupArn: arn } : {}),
      note: notFound ? `target group ${name} not found` : noteOf(action, err),
      targets: [],
    };
  }
}
