/**
 * What the release gathers when a deployment fails, rolls back or times out: the `diagnostics`
 * member of the `--json` document (contract: docs/release.md, "Failure diagnostics"). Every time
 * is an ISO 8601 string in UTC.
 */

/** Why the diagnostics were gathered. */
export type DiagnosticsTrigger = 'failed' | 'stopped' | 'timeout';

/**
 * How one part ended: `gathered` (its answers are below), `skipped` (nothing to look at, or the caller
 * may not read it: `note` says which permission), `failed` (timed out or an AWS error: `note` says which).
 */
export type DiagnosticsPartStatus = 'gathered' | 'skipped' | 'failed';

/** Common to every part. */
export interface DiagnosticsPart {
  readonly status: DiagnosticsPartStatus;
  /** One line saying why the part is skipped or failed, or what was not found. @default - none */
  readonly note?: string;
}

/** One `hook.verdict` line the hook wrote (hook-lambda/index.ts) for this deployment. */
export interface HookVerdictLine {
  /** When CloudWatch Logs has the event (the hook's own clock). */
  readonly time: string;
  readonly logStreamName?: string;
  /** `Succeeded` or `Failed`, as reported to CodeDeploy. */
  readonly status: string;
  /** The hook's reason, e.g. `GET /health: status 503 (expected 200), 5 attempts`. */
  readonly reason: string;
  readonly lifecycleEventHookExecutionId?: string;
}

/** The hook's verdicts for this deployment, from its CloudWatch log group. */
export interface HookDiagnostics extends DiagnosticsPart {
  readonly logGroupName: string;
  /** A lifecycle event that runs the hook failed, so a verdict line was searched for until found or out of time. */
  readonly verdictExpected: boolean;
  /** Oldest first. */
  readonly verdicts: readonly HookVerdictLine[];
}

/** One ECS service event (DescribeServices `events`). */
export interface ServiceEventLine {
  readonly time: string;
  readonly message: string;
}

/** One container of a stopped task. */
export interface StoppedContainer {
  readonly name: string;
  /** @default - none (the container never started, or was killed without one) */
  readonly exitCode?: number;
  /** @default - none */
  readonly reason?: string;
}

/** One green task that stopped (DescribeTasks). */
export interface StoppedTask {
  readonly taskArn: string;
  /** e.g. `EssentialContainerExited`, `TaskFailedToStart`. @default - none */
  readonly stopCode?: string;
  /** e.g. `Essential container in task exited`. @default - none */
  readonly stoppedReason?: string;
  /** @default - not stopped yet (only STOPPING) */
  readonly stoppedAt?: string;
  readonly containers: readonly StoppedContainer[];
}

/** The ECS service: its events since the deployment started, and green tasks that stopped. */
export interface EcsDiagnostics extends DiagnosticsPart {
  readonly clusterName?: string;
  readonly serviceName?: string;
  /** The replacement (green) task set's id, from CodeDeploy's ECS target. @default - unknown */
  readonly greenTaskSetId?: string;
  /** Oldest first; only events at or after the deployment's creation. */
  readonly events: readonly ServiceEventLine[];
  readonly stoppedTasks: readonly StoppedTask[];
}

/** One registered target and its health (DescribeTargetHealth). */
export interface TargetHealthLine {
  /** IP address (Fargate targets are `ip`), with the port. */
  readonly id: string;
  readonly port?: number;
  /** `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`, `unhealthy.draining`. */
  readonly state: string;
  /** e.g. `Target.FailedHealthChecks`, `Target.ResponseCodeMismatch`. @default - none (healthy) */
  readonly reason?: string;
  /** e.g. `Health checks failed with these codes: [503]`. @default - none */
  readonly description?: string;
}

/** The health of the targets in green's target group. */
export interface TargetDiagnostics extends DiagnosticsPart {
  readonly targetGroupName?: string;
  readonly targetGroupArn?: string;
  readonly targets: readonly TargetHealthLine[];
}

/** Everything gathered for one deployment. */
export interface Diagnostics {
  readonly deploymentId: string;
  readonly trigger: DiagnosticsTrigger;
  readonly gatheredAt: string;
  readonly durationInMs: number;
  readonly hook: HookDiagnostics;
  readonly ecs: EcsDiagnostics;
  readonly targets: TargetDiagnostics;
}
