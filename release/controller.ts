/**
 * What the release asks of a deployment controller, CodeDeploy (release/codedeploy-controller.ts) or
 * ECS's own (release/ecs-controller.ts). The session (run.ts), the follow loop (follow.ts) and the
 * decision after each poll (next-step.ts) are shared: a controller only reads its settings, starts a
 * deployment, polls it into the shared {@link Progress} model (its statuses mapped into one
 * vocabulary), stops it, finds its rollback, and names things for the output.
 */
import type { AwsCalls } from './aws-calls';
import type { DiagnosticsRequest, DiagnosticsTrigger } from './diagnostics';
import type { DeploymentControllerType } from './ecs-stages';
import type { Line } from './failure';
import type { GroupSettings } from './group-settings';
import type { FollowRole } from './next-step';
import type { PollCall } from './poll-schedule';
import type { Progress } from './progress';
import type { EcsReportMembers } from './report';

/** How a start ended: a deployment to follow, or nothing to deploy. */
export type StartResult =
  | { readonly kind: 'started'; readonly id: string }
  /** The service already runs what the release would deploy, and nothing else is running: no deployment. */
  | { readonly kind: 'unchanged'; readonly message: string };

/** The rollback of a failed or stopped deployment, or why there is none. */
export interface RollbackFound {
  /** The deployment to follow as the rollback (ECS: the same service deployment). @default - none */
  readonly rollbackId?: string;
  readonly message?: string;
}

/** What the poll schedule (release/poll-schedule.ts) needs to know of a poller's reads. */
export interface PollerReads {
  /** CodeDeploy: the caller may read the deployment's ECS target (false once denied). */
  readonly targetReadable: boolean;
  /** CodeDeploy: when GetDeployment last answered. @default - never */
  readonly deploymentReadAtInMs?: number;
  /** When the traffic was last read (CodeDeploy: GetDeploymentTarget). @default - never */
  readonly trafficReadAtInMs?: number;
}

/** Polls one deployment for one follow (the release's own, or its rollback). */
export interface DeploymentPoller {
  /**
   * Reads the deployment with `calls` (the poll schedule's choice; a controller with one call ignores it)
   * into the shared model, each call's answer merged with the other calls' last ones. `previous` is what
   * this follow's last poll saw.
   */
  poll(previous: Progress | undefined, stopRequested: boolean, calls: readonly PollCall[]): Promise<Progress>;
  /** The model of a deployment no poll could read (a deadline came first). */
  unread(): Progress;
  reads(): PollerReads;
  /** `--continue` on Ready: approves the deployment; returns a note when that was moot. */
  continueWhenReady(): Promise<string | undefined>;
}

/** Members of the `--json` document that name what was released. */
export interface ReportIdentity {
  readonly controller: DeploymentControllerType;
  readonly applicationName: string | null;
  readonly deploymentGroupName: string | null;
  /** ECS only: the service and what ECS said of its service deployment. */
  readonly ecs?: EcsReportMembers;
}

/** One deployment controller, bound to one release's input. */
export interface DeploymentController {
  readonly type: DeploymentControllerType;
  /** The calls of this controller (the follow loop sets their deadline). */
  readonly calls: AwsCalls;
  /** The call that reads the deployment's status (the first poll's, and the one after a stop or a continue). */
  readonly statusCall: PollCall;
  /** Keyword of the line that starts the final wait (`termination-wait`, `bake-time`). */
  readonly finalWaitKeyword: string;
  /** Text of the `release` line: what is released, where. */
  describeTarget(): string;
  /** Text of the `revision` line: what is deployed. */
  describeRevision(): string;
  /** The overall timeout and the traffic schedule (prints the `timeout` line). */
  readSettings(): Promise<GroupSettings>;
  /** Clears the way (the active-deployment choice) and starts the deployment; the wait for another deployment ends within the timeout (real ms). */
  start(timeoutInMs: number): Promise<StartResult>;
  poller(id: string, role: FollowRole): DeploymentPoller;
  /** Stops the deployment and rolls it back; a deployment that already ended is not an error. */
  stopWithRollback(id: string): Promise<void>;
  findRollback(id: string, last: Progress): Promise<RollbackFound>;
  consoleUrl(id: string): string;
  /** What `--dry-run` prints, and the request for the `--json` document. */
  dryRun(): { readonly text: string; readonly request: object };
  /** The lines that explain a failed deployment. */
  failureLines(p: Progress): Line[];
  /** What the failure diagnostics look at; undefined when the controller has none. */
  diagnosticsRequest(trigger: DiagnosticsTrigger, deploymentId: string, p: Progress): DiagnosticsRequest | undefined;
  reportIdentity(last: Progress | undefined): ReportIdentity;
}
