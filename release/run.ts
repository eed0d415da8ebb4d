/**
 * The release: a thin I/O shell around the pure decisions (request, timeout, poll delay, progress,
 * exit code). SDK client, clock, sleep, output and signals are parameters so every path runs in
 * unit tests with a fake clock.
 */
import {
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  DeploymentConfigInfo,
  DeploymentGroupInfo,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { ECS_HOOK_EVENTS, EcsHookEvent, renderAppSpecYaml } from '../lib/appspec';
import { HardExit, ReleaseAbort } from './abort';
import { CodeDeployCalls } from './aws-calls';
import { classifyAwsError, type CodeDeploySender } from './aws-errors';
import { Display, plainDisplay, TextSink, ttyDisplay, WarningSource } from './display';
import { EXIT_CODES, exitCodeFor, ReleaseOutcome } from './exit-codes';
import type { ReleaseInput } from './input';
import { expectedChangeAt, nextPollDelay, ShiftSchedule } from './poll';
import { ACTIVE_STATUSES, Progress, progressChanges, progressFraction, progressFrom, stageReached } from './progress';
import { ReleaseReport, writeGithubFiles } from './report';
import { buildCreateDeploymentRequest, consoleUrl, lambdaLogGroup } from './request';
import { computeTimeout, TimeoutBreakdown } from './timeout';
import { diagnosisLines, diagnosticsRequestFor, type Diagnostics, type DiagnosticsRequest, type DiagnosticsTrigger } from './diagnostics';
import { formatPercent } from './display';

export type { CodeDeploySender };

/** Delivers SIGINT/SIGTERM (or a test's fake signals). */
export interface SignalSource {
  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: (signal: string) => void): () => void;
}

/** Where the release writes. */
export interface ReleaseOutputs {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** True when stderr is a terminal (the redrawn display is used unless the input forbids it). */
  readonly isTTY?: boolean;
}

/** Everything {@link run} does I/O with. */
export interface ReleaseDeps {
  readonly codedeploy: CodeDeploySender;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly output: ReleaseOutputs;
  /** @default - no signal handling */
  readonly signals?: SignalSource;
  /** Process warnings, shown as `warning` lines. @default - not captured */
  readonly warnings?: WarningSource;
  /** @default Math.random */
  readonly random?: () => number;
  /** Appends to a file (GitHub step summary and outputs). @default - nothing is written */
  readonly appendFile?: (path: string, text: string) => void;
  /** Gathers what explains a failure, rollback or timeout (release/diagnostics; bounded, never throws). @default - nothing gathered */
  readonly diagnose?: (request: DiagnosticsRequest) => Promise<Diagnostics>;
}

/** What {@link run} returns. */
export interface ReleaseResult {
  readonly exitCode: number;
  readonly outcome: ReleaseOutcome;
  readonly report: ReleaseReport;
}

/** How long to look for the rollback deployment of a failed deployment before reporting none. */
export const ROLLBACK_DISCOVERY_IN_MS = 30000;
/** Extra time to follow a deployment after stopping it (Ctrl-C, --stop-on-timeout). */
export const STOP_GRACE_IN_MS = 15 * 60000;
/** CreateDeployment attempts when DeploymentLimitExceeded races with the active-deployment check. */
export const MAX_CREATE_ATTEMPTS = 5;

/** Errors of the target calls that only mean "not there yet". */
const TARGET_NOT_READY_CODES: readonly string[] = ['DeploymentNotStartedException', 'DeploymentTargetDoesNotExistException', 'InstanceDoesNotExistException'];

/** ContinueDeployment errors that only mean the deployment is not waiting any more. */
const CONTINUE_MOOT_CODES: readonly string[] = ['DeploymentIsNotInReadyStateException', 'DeploymentAlreadyCompletedException'];

type FollowEnd = { readonly kind: 'terminal' | 'until' | 'timeout'; readonly progress: Progress };

class Release {
  private readonly display: Display;
  private readonly calls: CodeDeployCalls;
  private readonly random: () => number;
  private readonly startedAtInMs: number;
  private interrupts = 0;
  private wakeUp: (() => void) | undefined;
  private rejectHardExit: ((err: Error) => void) | undefined;
  private readonly hardExit: Promise<never>;
  private deploymentId: string | undefined;
  private progress: Progress | undefined;
  private rollbackDeploymentId: string | undefined;
  private rollbackStatus: string | undefined;
  private stopRequested = false;
  private schedule: ShiftSchedule | undefined;
  private error: { code: string; message: string } | undefined;
  private reachedStage: string | undefined;
  private targetsDenied = false;
  private followingRollback = false;
  private diagnostics: Diagnostics | undefined;

  constructor(
    private readonly input: ReleaseInput,
    private readonly deps: ReleaseDeps,
  ) {
    this.random = deps.random ?? Math.random;
    this.display = deps.output.isTTY && input.allowTty ? ttyDisplay(deps.output.stderr, deps.clock) : plainDisplay(deps.output.stderr, deps.clock);
    this.startedAtInMs = deps.clock();
    this.hardExit = new Promise<never>((_, reject) => {
      this.rejectHardExit = reject;
    });
    // Nobody may be awaiting it when it fires; the race in guard() is what reports it.
    this.hardExit.catch(() => undefined);
    this.calls = new CodeDeployCalls({
      sender: deps.codedeploy,
      region: input.region,
      minIntervalInMs: input.pollMinIntervalInMs,
      maxIntervalInMs: input.pollMaxIntervalInMs,
      random: this.random,
      pause: (ms) => this.pause(ms),
      guard: (p) => this.guard(p),
      notify: (keyword, text) => this.display.line(keyword, text),
    });
  }

  async run(): Promise<ReleaseResult> {
    const unsubscribe = this.deps.signals?.subscribe((signal) => this.onSignal(signal)) ?? (() => undefined);
    const unsubscribeWarnings = this.deps.warnings?.subscribe((text) => this.display.line('warning', text));
    let outcome: ReleaseOutcome;
    try {
      outcome = await this.main();
    } catch (err) {
      if (err instanceof HardExit) {
        outcome = { kind: 'interrupted' };
      } else if (err instanceof ReleaseAbort) {
        outcome = err.outcome;
        this.error = { code: err.code, message: err.message };
        const kind = err.outcome.kind === 'interrupted' ? 'interrupted' : err.outcome.kind === 'timeout' ? 'timeout' : 'error';
        for (const line of err.message.split('\n')) this.display.line(kind, line);
      } else {
        const c = classifyAwsError(err);
        outcome = { kind: 'aws-error' };
        this.error = { code: c.code, message: c.message };
        this.display.line('error', `${c.code}: ${c.message}`);
      }
    } finally {
      unsubscribe();
      unsubscribeWarnings?.();
    }
    const exitCode = exitCodeFor(outcome);
    const report = this.report(outcome, exitCode);
    // Close first: on a terminal the final status block stays above the result line.
    this.display.close();
    if (outcome.kind !== 'dry-run' && this.deps.appendFile) {
      const files = {
        appendFile: this.deps.appendFile,
        ...(this.input.githubStepSummaryPath ? { stepSummaryPath: this.input.githubStepSummaryPath } : {}),
        ...(this.input.githubOutputPath ? { outputPath: this.input.githubOutputPath } : {}),
      };
      for (const warning of writeGithubFiles(report, files)) this.display.line('warning', warning);
    }
    if (outcome.kind !== 'dry-run') {
      this.display.line('result', `${report.status ?? 'NotStarted'} ${report.deploymentId ?? '-'} exit ${exitCode}`);
    }
    if (this.input.json) this.deps.output.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return { exitCode, outcome, report };
  }

  private onSignal(signal: string): void {
    this.interrupts++;
    if (this.interrupts === 1) {
      this.display.line(
        'interrupted',
        this.followingRollback
          ? `${signal} received; the rollback is not stopped (that would leave the service half-deployed); press Ctrl-C again to exit at once`
          : `${signal} received; press Ctrl-C again to exit at once`,
      );
      this.wakeUp?.();
      return;
    }
    const id = this.deploymentId;
    const status = this.progress?.status ?? (id ? 'unknown' : 'not created');
    this.display.line(
      'interrupted',
      id
        ? `again: exiting now; deployment ${id} is ${status}${this.stopRequested ? ' (stop with rollback requested)' : ''}; see ${consoleUrl(this.input.region, id)} or follow it with --follow ${id}`
        : 'again: exiting now; no deployment was created',
    );
    this.rejectHardExit?.(new HardExit());
  }

  private report(outcome: ReleaseOutcome, exitCode: number): ReleaseReport {
    const end = this.deps.clock();
    const p = this.progress;
    const startedAt = p?.createdAt ?? new Date(this.startedAtInMs).toISOString();
    const endedAt = p?.completedAt ?? new Date(end).toISOString();
    return {
      deploymentId: this.deploymentId ?? null,
      // CreateDeployment answered, so the deployment exists even if it was never read back.
      status: outcome.kind === 'dry-run' ? 'DryRun' : (p?.status ?? (this.deploymentId ? 'Created' : null)),
      exitCode,
      applicationName: this.input.applicationName,
      deploymentGroupName: this.input.deploymentGroupName,
      startedAt,
      endedAt,
      durationInSeconds: Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000)),
      ...(this.deploymentId ? { consoleUrl: consoleUrl(this.input.region, this.deploymentId) } : {}),
      lifecycleEvents: p?.lifecycleEvents ?? [],
      ...(this.rollbackDeploymentId ? { rollbackDeploymentId: this.rollbackDeploymentId } : {}),
      ...(this.rollbackStatus ? { rollbackStatus: this.rollbackStatus } : {}),
      ...(this.reachedStage ? { until: this.reachedStage } : {}),
      ...(outcome.kind === 'dry-run' ? { request: buildCreateDeploymentRequest(this.input) } : {}),
      ...(this.error ? { error: this.error } : {}),
      ...(this.diagnostics ? { diagnostics: this.diagnostics } : {}),
    };
  }

  private async main(): Promise<ReleaseOutcome> {
    const input = this.input;
    if (input.dryRun) return this.dryRun();
    this.display.line('release', `application ${input.applicationName} group ${input.deploymentGroupName} region ${input.region}`);
    const r = input.revision;
    if (!input.followDeploymentId) this.display.line(
      'revision',
      r.type === 'inline'
        ? `AppSpecContent sha256 ${r.sha256} task-definition ${r.appSpec.taskDefinitionArn}`
        : `S3 s3://${r.bucket}/${r.key}${r.version ? ` version ${r.version}` : ''}`,
    );
    const timeoutInMinutes = await this.resolveTimeout();
    const id = input.followDeploymentId ?? (await this.create(timeoutInMinutes));
    this.deploymentId = id;
    this.display.line('deployment', `${id} ${input.followDeploymentId ? 'followed' : 'created'}`);
    this.display.line('console', consoleUrl(input.region, id));

    const end = await this.follow(id, 'main', this.deps.clock() + timeoutInMinutes * 60000);
    if (this.interrupts > 0) {
      if (end.progress.status !== 'Succeeded') await this.followRollback(id, end.progress, timeoutInMinutes);
      return { kind: 'interrupted' };
    }
    if (end.kind === 'until') {
      this.reachedStage = input.until;
      this.display.line('until', `${input.until} reached`);
      this.display.line('follow', `${id} keeps going; follow the rest with --follow ${id}`);
      return { kind: 'until-reached', stage: input.until! };
    }
    if (end.kind === 'timeout') return this.onTimeout(id, end.progress, timeoutInMinutes);
    if (end.progress.status === 'Succeeded') return { kind: 'succeeded' };
    this.reportFailure(end.progress);
    await this.diagnose(end.progress.status === 'Stopped' ? 'stopped' : 'failed', end.progress);
    await this.followRollback(id, end.progress, timeoutInMinutes);
    return { kind: 'failed', status: end.progress.status };
  }

  private dryRun(): ReleaseOutcome {
    const request = buildCreateDeploymentRequest(this.input);
    if (this.input.json) return { kind: 'dry-run' };
    const out = this.deps.output.stdout;
    out.write(`CreateDeployment request (region ${this.input.region}):\n${JSON.stringify(request, null, 2)}\n`);
    const r = this.input.revision;
    if (r.type === 'inline') {
      out.write(`\nAppSpec content (sha256 ${r.sha256}):\n${r.content}\n\nThe same AppSpec as YAML:\n${renderAppSpecYaml(r.appSpec)}`);
    } else {
      out.write(`\nAppSpec: s3://${r.bucket}/${r.key}${r.version ? ` (version ${r.version})` : ''}, bundleType YAML, read by CodeDeploy with the deployment group's service role\n`);
    }
    out.write('\nDry run: nothing was called.\n');
    return { kind: 'dry-run' };
  }

  /** Races a promise against a second Ctrl-C. */
  private guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.hardExit]);
  }

  /** Sleeps, waking early on the first Ctrl-C; on a TTY redraws the elapsed time every second. */
  private async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    const interrupted = new Promise<void>((resolve) => {
      this.wakeUp = resolve;
    });
    const interruptsBefore = this.interrupts;
    const sleeping = (async () => {
      const step = this.deps.output.isTTY && this.input.allowTty ? 1000 : ms;
      for (let left = ms; left > 0 && this.interrupts === interruptsBefore; left -= step) {
        await this.deps.sleep(Math.min(step, left));
        this.display.tick();
      }
    })();
    await this.guard(Promise.race([sleeping, interrupted]));
    this.wakeUp = undefined;
  }

  /** One CodeDeploy call under the release's retry policy (release/aws-calls.ts). */
  private call<T>(action: string, command: { readonly input: object }): Promise<T> {
    return this.calls.call<T>(action, command);
  }

  private pollDelay(nowInMs: number, throttles: number, lastChangeAtInMs = nowInMs, expected?: number): number {
    return nextPollDelay({
      nowInMs,
      lastChangeAtInMs,
      consecutiveThrottles: throttles,
      minIntervalInMs: this.input.pollMinIntervalInMs,
      maxIntervalInMs: this.input.pollMaxIntervalInMs,
      ...(expected !== undefined ? { expectedChangeAtInMs: expected } : {}),
      random: this.random(),
    });
  }

  private async resolveTimeout(): Promise<number> {
    const input = this.input;
    if (input.timeoutInMinutes !== undefined) {
      this.display.line('timeout', `${input.timeoutInMinutes} min (--timeout-in-minutes)`);
      return input.timeoutInMinutes;
    }
    const group = (
      await this.call<{ deploymentGroupInfo?: DeploymentGroupInfo }>(
        'GetDeploymentGroup',
        new GetDeploymentGroupCommand({ applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName }),
      )
    ).deploymentGroupInfo;
    if (group?.computePlatform && group.computePlatform !== 'ECS') {
      throw new ReleaseAbort(
        { kind: 'invalid-input' },
        `deployment group ${input.deploymentGroupName} of ${input.applicationName} deploys to ${group.computePlatform}, not ECS; this release starts ECS blue/green deployments only`,
        'NotEcs',
      );
    }
    const configName = input.deploymentConfigName ?? group?.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce';
    const config = (
      await this.call<{ deploymentConfigInfo?: DeploymentConfigInfo }>('GetDeploymentConfig', new GetDeploymentConfigCommand({ deploymentConfigName: configName }))
    ).deploymentConfigInfo;
    const t: TimeoutBreakdown = computeTimeout(group, config);
    const routing = config?.trafficRoutingConfig;
    this.schedule = {
      type: routing?.type === 'TimeBasedCanary' || routing?.type === 'TimeBasedLinear' ? routing.type : 'AllAtOnce',
      intervalInMinutes: routing?.timeBasedCanary?.canaryInterval ?? routing?.timeBasedLinear?.linearInterval ?? 0,
      terminationWaitInMinutes: t.terminationWaitInMinutes,
    };
    this.display.line(
      'timeout',
      `${t.totalInMinutes} min (${configName}: ready wait ${t.readyWaitInMinutes} + traffic shifting ${t.trafficShiftingInMinutes} + termination wait ${t.terminationWaitInMinutes} + margin ${t.marginInMinutes})`,
    );
    return t.totalInMinutes;
  }

  /** Clears the way (per the active-deployment policy) and creates the deployment. */
  private async create(timeoutInMinutes: number): Promise<string> {
    const request = buildCreateDeploymentRequest(this.input);
    for (let attempt = 1; ; attempt++) {
      await this.clearActive(timeoutInMinutes);
      if (this.interrupts > 0) throw new ReleaseAbort({ kind: 'interrupted' }, 'interrupted before a deployment was created; nothing to stop', 'Interrupted');
      const result = await this.calls.callOnce<{ deploymentId?: string }>('CreateDeployment', new CreateDeploymentCommand(request));
      if (result.ok) {
        if (!result.value.deploymentId) throw new ReleaseAbort({ kind: 'aws-error' }, 'CreateDeployment returned no deploymentId', 'NoDeploymentId');
        return result.value.deploymentId;
      }
      const c = result.error;
      if (c.kind === 'deployment-limit' && attempt < MAX_CREATE_ATTEMPTS) {
        // Another release won the race between our check and our create: treat it like an active one.
        this.display.line('active', `CreateDeployment refused (${c.code}); checking the group again`);
        await this.pause(this.pollDelay(this.deps.clock(), attempt));
        continue;
      }
      if (c.kind === 'throttling' && attempt < MAX_CREATE_ATTEMPTS) {
        // A throttled request was not executed, so creating again cannot start two deployments.
        await this.pause(this.pollDelay(this.deps.clock(), attempt));
        continue;
      }
      if (c.kind === 'deployment-limit') {
        throw new ReleaseAbort(
          { kind: 'active-deployment', activeDeploymentId: '' },
          `CreateDeployment was refused ${attempt} times with ${c.code} (${c.message}); the deployment group stays busy. Retry later or use --wait-for-active.`,
          c.code,
        );
      }
      throw this.calls.abortFor('CreateDeployment', c);
    }
  }

  private async clearActive(timeoutInMinutes: number): Promise<void> {
    const input = this.input;
    const stopped = new Set<string>();
    const seenEnded = new Set<string>();
    const deadline = this.deps.clock() + timeoutInMinutes * 60000;
    for (;;) {
      const list = await this.call<{ deployments?: string[] }>(
        'ListDeployments',
        new ListDeploymentsCommand({ applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName, includeOnlyStatuses: [...ACTIVE_STATUSES] }),
      );
      const activeId = list.deployments?.[0];
      if (!activeId) return;
      const info = (await this.call<{ deploymentInfo?: { status?: string; creator?: string; description?: string } }>('GetDeployment', new GetDeploymentCommand({ deploymentId: activeId }))).deploymentInfo;
      const status = info?.status ?? 'Unknown';
      if (!(ACTIVE_STATUSES as readonly string[]).includes(status)) {
        // It ended between the list and the read. The list may lag a moment: look once more, then let
        // CreateDeployment decide (a group that is really busy answers DeploymentLimitExceeded, handled
        // below) rather than loop for as long as the list keeps showing a finished deployment.
        if (seenEnded.has(activeId)) return;
        seenEnded.add(activeId);
        await this.pause(this.input.pollMinIntervalInMs);
        continue;
      }
      const isRollback = info?.creator === 'codeDeployRollback';
      this.display.line('active', `${activeId} ${status}${isRollback ? ' (rollback)' : ''}`);
      if (input.activePolicy === 'fail') {
        throw new ReleaseAbort(
          { kind: 'active-deployment', activeDeploymentId: activeId },
          [
            `another deployment, ${activeId} (${status}${info?.creator ? `, created by ${info.creator}` : ''}${info?.description ? `: ${info.description}` : ''}), is active in deployment group ${input.deploymentGroupName}.`,
            `To wait for it to end first: --wait-for-active. To stop it with rollback first: --stop-active. Console: ${consoleUrl(input.region, activeId)}`,
          ].join('\n'),
          'ActiveDeployment',
        );
      }
      if (input.activePolicy === 'stop' && !isRollback && !stopped.has(activeId)) {
        stopped.add(activeId);
        await this.stopDeployment(activeId, 'active');
      }
      await this.waitForEnd(activeId, deadline);
    }
  }

  /** StopDeployment with rollback; `kind` is the keyword of the line announcing it (none: already announced). */
  private async stopDeployment(id: string, kind?: string): Promise<void> {
    if (kind) this.display.line(kind, `stopping ${id} with rollback`);
    const result = await this.calls.callOnce('StopDeployment', new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    // It ended on its own between our last poll and the stop: nothing to stop.
    if (result.ok || result.error.code === 'DeploymentAlreadyCompletedException') return;
    throw this.calls.abortFor('StopDeployment', result.error);
  }

  /** Waits (printing status changes) until another deployment in the group ends. */
  private async waitForEnd(id: string, deadline: number): Promise<void> {
    let last: string | undefined;
    let lastChangeAt = this.deps.clock();
    for (;;) {
      if (this.interrupts > 0) throw new ReleaseAbort({ kind: 'interrupted' }, `interrupted while waiting for ${id}; no deployment was created`, 'Interrupted');
      const status = (await this.call<{ deploymentInfo?: { status?: string } }>('GetDeployment', new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status ?? 'Unknown';
      const now = this.deps.clock();
      if (status !== last) {
        if (last !== undefined) this.display.line('active', `${id} ${status}`);
        last = status;
        lastChangeAt = now;
      }
      if (!(ACTIVE_STATUSES as readonly string[]).includes(status)) return;
      if (now >= deadline) {
        throw new ReleaseAbort({ kind: 'timeout' }, `timed out waiting for the active deployment ${id} (still ${status}); nothing was created`, 'Timeout');
      }
      await this.pause(Math.min(this.pollDelay(now, 0, lastChangeAt), Math.max(1, deadline - now)));
    }
  }

  /** Follows one deployment until it ends, reaches the --until stage (main only) or the deadline. */
  private async follow(id: string, role: 'main' | 'rollback', deadlineInMs: number, initial?: Progress): Promise<FollowEnd> {
    let deadline = deadlineInMs;
    // Continuing after a stop passes what was already printed, so no line repeats.
    let previous: Progress | undefined = initial;
    let targetId: string | undefined;
    let lastChangeAt = this.deps.clock();
    let continued = false;
    let terminationWaitStartedAt: number | undefined;
    const emit = (kind: string, text: string): void => (role === 'main' ? this.display.line(kind, text) : this.display.line('rollback', `${kind} ${text}`));
    for (;;) {
      if (role === 'main' && this.interrupts > 0 && !this.stopRequested) {
        this.stopRequested = true;
        this.display.line('interrupted', `stopping ${id} with rollback`);
        await this.stopDeployment(id);
        deadline = Math.max(deadline, this.deps.clock() + STOP_GRACE_IN_MS);
      }
      const deployment = (await this.call<{ deploymentInfo?: object }>('GetDeployment', new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo ?? {};
      if (!targetId && !this.targetsDenied) {
        targetId = (await this.targetCall<{ targetIds?: string[] }>('ListDeploymentTargets', new ListDeploymentTargetsCommand({ deploymentId: id })))?.targetIds?.[0];
      }
      const target =
        targetId && !this.targetsDenied
          ? (await this.targetCall<{ deploymentTarget?: object }>('GetDeploymentTarget', new GetDeploymentTargetCommand({ deploymentId: id, targetId })))?.deploymentTarget
          : undefined;
      const now = this.deps.clock();
      const info = deployment as { applicationName?: string; deploymentGroupName?: string };
      if (role === 'main' && previous === undefined && this.input.followDeploymentId) {
        const other = [
          info.applicationName && info.applicationName !== this.input.applicationName ? `application ${info.applicationName}` : '',
          info.deploymentGroupName && info.deploymentGroupName !== this.input.deploymentGroupName ? `group ${info.deploymentGroupName}` : '',
        ].filter(Boolean);
        if (other.length > 0) this.display.line('warning', `${id} belongs to ${other.join(' and ')}, not to the ${this.input.applicationName}/${this.input.deploymentGroupName} of the inputs`);
      }
      const p = progressFrom({ deploymentId: id, ...deployment }, target);
      const changes = progressChanges(previous, p);
      for (const c of changes) {
        if (c.kind === 'status') {
          emit('status', c.status);
          if (c.status === 'Ready' && role === 'main' && !this.input.continueWhenReady) {
            emit('ready', `${id} waits for ContinueDeployment: approve it in the console or run aws deploy continue-deployment --deployment-id ${id} --deployment-wait-type READY_WAIT`);
          }
        }
        else if (c.kind === 'lifecycle') emit('lifecycle', `${c.name} ${c.status}`);
        else if (c.kind === 'traffic') emit('traffic', `blue ${formatPercent(c.traffic.bluePercent)}% green ${formatPercent(c.traffic.greenPercent)}%`);
        else {
          terminationWaitStartedAt = now;
          const minutes = this.schedule?.terminationWaitInMinutes;
          emit('termination-wait', `started${minutes !== undefined ? ` ${minutes} min` : ''}`);
        }
      }
      if (changes.length > 0) lastChangeAt = now;
      previous = p;
      if (role === 'main') this.progress = p;
      else this.rollbackStatus = p.status;
      const wait = this.schedule && terminationWaitStartedAt !== undefined ? { startedAtInMs: terminationWaitStartedAt, nowInMs: now, waitInMinutes: this.schedule.terminationWaitInMinutes } : undefined;
      this.display.progress({ label: role === 'main' ? id : `rollback ${id}`, progress: p, fraction: progressFraction(p, wait), startedAtInMs: this.startedAtInMs });

      if (p.terminal) return { kind: 'terminal', progress: p };
      if (role === 'main' && this.input.until && !this.stopRequested && this.interrupts === 0 && stageReached(p, this.input.until)) {
        return { kind: 'until', progress: p };
      }
      if (role === 'main' && p.status === 'Ready' && this.input.continueWhenReady && !continued && !this.stopRequested) {
        continued = true;
        emit('continue', `ContinueDeployment ${id}`);
        try {
          await this.call('ContinueDeployment', new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }));
        } catch (err) {
          // Approved in the console (or by a retried call of ours) between the poll and the call, or it
          // ended meanwhile: the deployment goes on either way, so keep following it instead of exiting 5.
          if (!(err instanceof ReleaseAbort) || !CONTINUE_MOOT_CODES.includes(err.code)) throw err;
          emit('continue', `${id} is no longer Ready (${err.code}); following it`);
        }
        continue;
      }
      if (now >= deadline) return { kind: 'timeout', progress: p };
      const delay = this.pollDelay(now, 0, lastChangeAt, expectedChangeAt(p.lifecycleEvents, this.schedule, now));
      await this.pause(Math.min(delay, Math.max(1, deadline - now)));
    }
  }

  /**
   * Lifecycle events and traffic are detail: when the target is not there yet, or the caller may not
   * read it, the release keeps following the deployment's status instead of abandoning a running
   * deployment over a missing read permission.
   */
  private async targetCall<T>(action: string, command: { readonly input: object }): Promise<T | undefined> {
    try {
      return await this.call<T>(action, command);
    } catch (err) {
      if (!(err instanceof ReleaseAbort)) throw err;
      if (TARGET_NOT_READY_CODES.includes(err.code)) return undefined;
      if (classifyAwsError({ name: err.code }).kind === 'access-denied') {
        this.targetsDenied = true;
        this.display.line('warning', `${err.message} Following the deployment's status only (no lifecycle events or traffic).`);
        return undefined;
      }
      throw err;
    }
  }

  private reportFailure(p: Progress): void {
    if (p.error) this.display.line('error', `${p.error.code ?? 'Unknown'}: ${p.error.message ?? ''}`);
    this.error = { code: p.error?.code ?? p.status, message: p.error?.message ?? `deployment ${p.status}` };
    const failed = p.lifecycleEvents.filter((e) => e.status === 'Failed');
    for (const e of failed) {
      this.display.line('failed', `${e.name} ${e.diagnostics?.errorCode ?? 'Failed'}: ${e.diagnostics?.message ?? 'no diagnostics'}`);
      for (const l of (e.diagnostics?.logTail ?? '').split('\n').filter((x) => x.trim().length > 0).slice(-20)) {
        this.display.line('failed', `${e.name} log ${l}`);
      }
    }
    const hook = this.input.hookFunctionName;
    const r = this.input.revision;
    // Inline: the AppSpec says which events run the hook. S3: any event that can run a hook may have.
    const runsHook = (event: string): boolean =>
      r.type === 'inline' ? Boolean(r.appSpec.hooks?.[event as EcsHookEvent]) : (ECS_HOOK_EVENTS as readonly string[]).includes(event);
    const hookEventFailed = failed.some((e) => runsHook(e.name));
    if (hook && (hookEventFailed || this.targetsDenied)) this.display.line('hook', `${hook} logs ${this.input.hookLogGroupName ?? lambdaLogGroup(hook)}`);
  }

  /** Shows the few lines that explain the failure; `--json` and the step summary get all of it. */
  private async diagnose(trigger: DiagnosticsTrigger, p: Progress): Promise<void> {
    const i = this.input;
    if (!this.deps.diagnose || !this.deploymentId) return;
    const request = diagnosticsRequestFor({
      deploymentId: this.deploymentId,
      trigger,
      lifecycleEvents: p.lifecycleEvents,
      revision: i.revision,
      ...(p.createdAt ? { createdAt: p.createdAt } : {}),
      ...(i.hookFunctionName ? { hookFunctionName: i.hookFunctionName } : {}),
      ...(i.hookLogGroupName ? { hookLogGroupName: i.hookLogGroupName } : {}),
    });
    this.diagnostics = await this.guard(this.deps.diagnose(request));
    for (const l of diagnosisLines(this.diagnostics)) this.display.line(l.kind, l.text);
  }

  /** Finds the rollback deployment CodeDeploy started for `id` and follows it to its end. */
  private async followRollback(id: string, last: Progress, timeoutInMinutes: number): Promise<void> {
    let rollbackId = last.rollbackDeploymentId;
    let message = last.rollbackMessage;
    const until = this.deps.clock() + ROLLBACK_DISCOVERY_IN_MS;
    while (!rollbackId && this.deps.clock() < until) {
      await this.pause(this.input.pollMinIntervalInMs);
      const info = (await this.call<{ deploymentInfo?: { rollbackInfo?: { rollbackDeploymentId?: string; rollbackMessage?: string } } }>('GetDeployment', new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
      rollbackId = info?.rollbackInfo?.rollbackDeploymentId;
      message = info?.rollbackInfo?.rollbackMessage ?? message;
    }
    if (!rollbackId) {
      this.display.line('rollback', `none${message ? `: ${message}` : ': no rollback deployment was started (is automatic rollback enabled for the group?)'}`);
      return;
    }
    this.rollbackDeploymentId = rollbackId;
    this.display.line('rollback', `${rollbackId} started`);
    this.display.line('console', consoleUrl(this.input.region, rollbackId));
    this.followingRollback = true;
    const end = await this.follow(rollbackId, 'rollback', this.deps.clock() + timeoutInMinutes * 60000);
    this.rollbackStatus = end.progress.status;
    if (end.kind === 'timeout') this.display.line('rollback', `still ${end.progress.status} after ${timeoutInMinutes} min; see the console`);
  }

  private async onTimeout(id: string, p: Progress, timeoutInMinutes: number): Promise<ReleaseOutcome> {
    const current = [...p.lifecycleEvents].reverse().find((e) => e.status === 'InProgress');
    const traffic = p.traffic ? `, traffic blue ${formatPercent(p.traffic.bluePercent)}% green ${formatPercent(p.traffic.greenPercent)}%` : '';
    const state = `${p.status}${current ? `, at ${current.name} ${current.status}` : ''}${traffic}${p.terminationWaitStarted ? ', in the termination wait' : ''}`;
    const message = `timed out after ${timeoutInMinutes} min; deployment ${id} is ${state}`;
    this.display.line('timeout', message);
    this.error = { code: 'Timeout', message };
    await this.diagnose('timeout', p);
    if (!this.input.stopOnTimeout) {
      this.display.line('timeout', `${id} left running (--stop-on-timeout stops it); follow it with --follow ${id} or at ${consoleUrl(this.input.region, id)}`);
      return { kind: 'timeout' };
    }
    this.stopRequested = true;
    await this.stopDeployment(id, 'timeout');
    const end = await this.follow(id, 'main', this.deps.clock() + STOP_GRACE_IN_MS, p);
    if (end.progress.status !== 'Succeeded') await this.followRollback(id, end.progress, timeoutInMinutes);
    return { kind: 'timeout' };
  }
}

/** Runs a release with the given dependencies. Never throws for expected failures: see the exit code. */
export function run(input: ReleaseInput, deps: ReleaseDeps): Promise<ReleaseResult> {
  return new Release(input, deps).run();
}

export { EXIT_CODES };
