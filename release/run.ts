/**
 * The release session: starts (or picks up) the deployment, follows it, follows a failure through its
 * rollback, stops it on the first signal, and reports the outcome (exit code, `result` line, `--json`,
 * GitHub files). Each step lives in its own module: the AWS calls and their retry policy
 * (aws-calls.ts), the decision after each poll (next-step.ts, pure) and the follow loop (follow.ts),
 * the active-deployment choices (active.ts), the group's timeout and schedule (group-settings.ts),
 * failures and rollbacks (failure.ts). SDK client, clock, sleep, output and signals are parameters so
 * every path runs in unit tests with a fake clock.
 */
import { HardExit, ReleaseAbort } from './abort';
import { AnnotatingDisplay } from './annotations';
import { type AwsCallsDeps, CODEDEPLOY_PROFILE, CodeDeployCalls } from './aws-calls';
import type { CallBudgets } from './call-budget';
import { classifyAwsError, type CodeDeploySender } from './aws-errors';
import { CodeDeployController } from './codedeploy-controller';
import type { SessionContext } from './context';
import type { DeploymentController } from './controller';
import { diagnosisLines, type Diagnostics, type DiagnosticsRequest, type DiagnosticsTrigger } from './diagnostics';
import { type Display, formatPercent, plainDisplay, type TextSink, ttyDisplay, type WarningSource } from './display';
import { ECS_PROFILE, EcsCalls } from './ecs-calls';
import { EcsController } from './ecs-controller';
import { EXIT_CODES, exitCodeFor, type ReleaseOutcome } from './exit-codes';
import { failureError } from './failure';
import { followDeployment, type FollowEnd, STOP_GRACE_IN_MS } from './follow';
import { hookFunctionNameWarning } from './hook-name';
import type { StartResult } from './controller';
import type { ReleaseInput } from './input';
import { Interrupts } from './interrupts';
import type { GroupSettings } from './group-settings';
import type { FollowRole } from './next-step';
import type { ShiftSchedule } from './poll';
import type { Progress } from './progress';
import { type ReleaseReport, writeGithubFiles } from './report';

export type { CodeDeploySender };

/** The overall timeout: its minutes (as printed) and its length on the real clock. */
type ReleaseTimeout = Pick<GroupSettings, 'timeoutInMinutes' | 'timeoutInMs'>;

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
  /** The CodeDeploy client (the CodeDeploy controller's). @default - none: a CodeDeploy release fails at its first call */
  readonly codedeploy?: CodeDeploySender;
  /** The ECS client (the ECS controller's). @default - none: an ECS release fails at its first call */
  readonly ecs?: CodeDeploySender;
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
  /**
   * The process's budgets of API calls, shared by every release it runs (release/call-budget.ts).
   * @default - no budget: calls go out as the poll schedule plans them
   */
  readonly budgets?: CallBudgets;
}

/** What {@link run} returns. */
export interface ReleaseResult {
  readonly exitCode: number;
  readonly outcome: ReleaseOutcome;
  readonly report: ReleaseReport;
}

/** What the session learns as it goes, and reports at the end. */
interface SessionState {
  deploymentId?: string;
  progress?: Progress;
  rollbackDeploymentId?: string;
  rollbackStatus?: string;
  stopRequested: boolean;
  followingRollback: boolean;
  reachedStage?: string;
  /** The service already ran what the release would deploy: nothing was started. */
  unchanged?: boolean;
  dryRunRequest?: object;
  error?: { code: string; message: string };
  diagnostics?: Diagnostics;
  schedule?: ShiftSchedule;
}

/** Where a timed-out deployment is: status, current lifecycle event, traffic, termination wait. */
export function describeState(p: Progress): string {
  const current = [...p.lifecycleEvents].reverse().find((e) => e.status === 'InProgress');
  const traffic = p.traffic ? `, traffic blue ${formatPercent(p.traffic.bluePercent)}% green ${formatPercent(p.traffic.greenPercent)}%` : '';
  return `${p.status}${current ? `, at ${current.name} ${current.status}` : ''}${traffic}${p.terminationWaitStarted ? ', in the termination wait' : ''}`;
}

/** A sender for a release that got no client of that service (a test's, or a dry run's). */
const noClient = (service: string): CodeDeploySender => ({ send: () => Promise.reject(new Error(`no ${service} client was given to this release`)) });

class Release {
  private readonly ctx: SessionContext;
  private readonly controller: DeploymentController;
  private readonly display: Display;
  /** GitHub Actions: the display that also writes workflow annotations. @default - not in GitHub Actions */
  private readonly annotations: AnnotatingDisplay | undefined;
  private readonly interrupts: Interrupts;
  private readonly startedAtInMs: number;
  private readonly state: SessionState = { stopRequested: false, followingRollback: false };

  constructor(
    private readonly input: ReleaseInput,
    private readonly deps: ReleaseDeps,
  ) {
    const random = deps.random ?? Math.random;
    const tty = deps.output.isTTY === true && input.allowTty;
    const display = tty ? ttyDisplay(deps.output.stderr, deps.clock) : plainDisplay(deps.output.stderr, deps.clock);
    // GitHub's runner reads workflow commands from the plain lines of a step's log (never from a terminal).
    this.annotations = input.githubAnnotations && !tty ? new AnnotatingDisplay(display, deps.output.stderr, input.service) : undefined;
    this.display = this.annotations ?? display;
    this.startedAtInMs = deps.clock();
    // On a terminal the elapsed time is redrawn every second while the release waits.
    this.interrupts = new Interrupts(deps.sleep, tty ? 1000 : undefined, () => this.display.tick());
    const callDeps = (sender: CodeDeploySender, service: string): AwsCallsDeps => ({
      sender,
      ...(deps.budgets ? { budget: deps.budgets.for(service, input.region, input.endpointUrl) } : {}),
      region: input.region,
      minIntervalInMs: input.pollMinIntervalInMs,
      maxIntervalInMs: input.pollMaxIntervalInMs,
      random,
      pause: (ms) => this.interrupts.pause(ms),
      guard: (p) => this.interrupts.guard(p),
      notify: (keyword, text) => this.display.line(keyword, text),
      clock: deps.clock,
      interruption: () => ({ count: this.interrupts.received, signal: this.interrupts.abortSignal }),
      ...(input.endpointUrl ? { endpoint: input.endpointUrl } : {}),
    });
    this.ctx = { input, display: this.display, clock: deps.clock, random, interrupts: this.interrupts };
    this.controller =
      input.controller === 'ECS'
        ? new EcsController({ ...this.ctx, input, calls: new EcsCalls(callDeps(deps.ecs ?? noClient('ECS'), ECS_PROFILE.iamPrefix)) })
        : new CodeDeployController({ ...this.ctx, input, calls: new CodeDeployCalls(callDeps(deps.codedeploy ?? noClient('CodeDeploy'), CODEDEPLOY_PROFILE.iamPrefix)) });
  }

  async run(): Promise<ReleaseResult> {
    const unsubscribe = this.deps.signals?.subscribe((signal) => this.onSignal(signal)) ?? (() => undefined);
    const unsubscribeWarnings = this.deps.warnings?.subscribe((text) => this.display.line('warning', text));
    let outcome: ReleaseOutcome;
    try {
      outcome = await this.main();
    } catch (err) {
      outcome = this.outcomeOf(err);
    } finally {
      unsubscribe();
      unsubscribeWarnings?.();
    }
    return this.finish(outcome);
  }

  /** The outcome of an error that unwound the release (printed here). */
  private outcomeOf(err: unknown): ReleaseOutcome {
    if (err instanceof HardExit) return { kind: 'interrupted' };
    if (err instanceof ReleaseAbort) {
      this.state.error = { code: err.code, message: err.message };
      const kind = err.outcome.kind === 'interrupted' ? 'interrupted' : err.outcome.kind === 'timeout' ? 'timeout' : 'error';
      for (const line of err.message.split('\n')) this.display.line(kind, line);
      return err.outcome;
    }
    const c = classifyAwsError(err);
    this.state.error = { code: c.code, message: c.message };
    this.display.line('error', `${c.code}: ${c.message}`);
    return { kind: 'aws-error' };
  }

  /** Exit code, report, GitHub files, the `result` line and the `--json` document. */
  private finish(outcome: ReleaseOutcome): ReleaseResult {
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
    if (outcome.kind !== 'dry-run') this.display.line('result', `${report.status ?? 'NotStarted'} ${report.deploymentId ?? '-'} exit ${exitCode}`);
    if (outcome.kind !== 'dry-run') this.annotations?.finish(report);
    if (this.input.json) this.deps.output.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return { exitCode, outcome, report };
  }

  private onSignal(signal: string): void {
    const n = this.interrupts.signal();
    if (n === 1) {
      this.display.line(
        'interrupted',
        this.state.followingRollback
          ? `${signal} received; the rollback is not stopped (that would leave the service half-deployed); press Ctrl-C again to exit at once`
          : `${signal} received; press Ctrl-C again to exit at once`,
      );
      return;
    }
    const id = this.state.deploymentId;
    const status = this.state.progress?.status ?? (id ? 'unknown' : 'not created');
    this.display.line(
      'interrupted',
      id
        ? `again: exiting now; deployment ${id} is ${status}${this.state.stopRequested ? ' (stop with rollback requested)' : ''}; see ${this.controller.consoleUrl(id)} or follow it with --follow ${id}`
        : 'again: exiting now; no deployment was created',
    );
  }

  private report(outcome: ReleaseOutcome, exitCode: number): ReleaseReport {
    const s = this.state;
    const p = s.progress;
    const startedAt = p?.createdAt ?? new Date(this.startedAtInMs).toISOString();
    const endedAt = p?.completedAt ?? new Date(this.deps.clock()).toISOString();
    return {
      ...(this.input.service ? { service: this.input.service } : {}),
      deploymentId: s.deploymentId ?? null,
      // CreateDeployment answered, so the deployment exists even if it was never read back.
      status: outcome.kind === 'dry-run' ? 'DryRun' : s.unchanged ? 'Unchanged' : (p?.status ?? (s.deploymentId ? 'Created' : null)),
      exitCode,
      ...this.controller.reportIdentity(p),
      startedAt,
      endedAt,
      durationInSeconds: Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000)),
      ...(s.deploymentId ? { consoleUrl: this.controller.consoleUrl(s.deploymentId) } : {}),
      lifecycleEvents: p?.lifecycleEvents ?? [],
      ...(s.rollbackDeploymentId ? { rollbackDeploymentId: s.rollbackDeploymentId } : {}),
      ...(s.rollbackStatus ? { rollbackStatus: s.rollbackStatus } : {}),
      ...(s.reachedStage ? { until: s.reachedStage } : {}),
      ...(outcome.kind === 'dry-run' && s.dryRunRequest ? { request: s.dryRunRequest } : {}),
      ...(s.error ? { error: s.error } : {}),
      ...(s.diagnostics ? { diagnostics: s.diagnostics } : {}),
    };
  }

  private async main(): Promise<ReleaseOutcome> {
    const input = this.input;
    // Before anything else, the dry run included: that is where a pipeline author checks the request.
    // (CodeDeploy's: ECS invokes an ECS-native service's hooks with the hook's own role, whatever its name.)
    const hookWarning = input.controller !== 'ECS' && input.hookFunctionName !== undefined ? hookFunctionNameWarning(input.hookFunctionName) : undefined;
    if (hookWarning) this.display.line('warning', hookWarning);
    if (input.dryRun) {
      const dry = this.controller.dryRun();
      this.state.dryRunRequest = dry.request;
      if (!input.json) this.deps.output.stdout.write(dry.text);
      return { kind: 'dry-run' };
    }
    this.display.line('release', `${this.controller.describeTarget()}${input.service ? ` service ${input.service}` : ''}`);
    if (!input.followDeploymentId) this.display.line('revision', this.controller.describeRevision());
    const settings = await this.controller.readSettings();
    // The waits' minutes last what --minute-in-ms says (a local stand-in's); so do the timeout's (settings.timeoutInMs).
    this.state.schedule = settings.schedule && input.minuteInMs !== undefined ? { ...settings.schedule, minuteInMs: input.minuteInMs } : settings.schedule;
    const started: StartResult = input.followDeploymentId ? { kind: 'started', id: input.followDeploymentId } : await this.controller.start(settings.timeoutInMs);
    if (started.kind === 'unchanged') {
      this.state.unchanged = true;
      this.display.line('unchanged', started.message);
      return { kind: 'succeeded' };
    }
    const id = started.id;
    this.state.deploymentId = id;
    this.display.line('deployment', `${id} ${input.followDeploymentId ? 'followed' : 'created'}`);
    this.display.line('console', this.controller.consoleUrl(id));
    const end = await this.follow(id, 'main', this.deps.clock() + settings.timeoutInMs, undefined, !input.followDeploymentId);
    return this.afterFollow(id, end, settings);
  }

  /** What the end of following the release's own deployment means. */
  private async afterFollow(id: string, end: FollowEnd, timeout: ReleaseTimeout): Promise<ReleaseOutcome> {
    const until = this.input.until;
    if (this.interrupts.received > 0) {
      if (end.progress.status === 'Succeeded') return this.stopTooLate(id, 'interrupted');
      await this.followRollback(id, end.progress, timeout);
      return { kind: 'interrupted' };
    }
    if (end.kind === 'until' && until !== undefined) {
      this.state.reachedStage = until;
      this.display.line('until', `${until} reached`);
      this.display.line('follow', `${id} keeps going; follow the rest with --follow ${id}`);
      return { kind: 'until-reached', stage: until };
    }
    if (end.kind === 'timeout') return this.onTimeout(id, end.progress, timeout);
    if (end.progress.status === 'Succeeded') return { kind: 'succeeded' };
    this.state.error = failureError(end.progress);
    for (const l of this.controller.failureLines(end.progress)) this.display.line(l.kind, l.text);
    await this.diagnose(end.progress.status === 'Stopped' ? 'stopped' : 'failed', end.progress);
    await this.followRollback(id, end.progress, timeout);
    return { kind: 'failed', status: end.progress.status };
  }

  private follow(id: string, role: FollowRole, deadlineInMs: number, initial?: Progress, justCreated = false): Promise<FollowEnd> {
    return followDeployment(this.ctx, this.controller, id, {
      role,
      deadlineInMs,
      ...(initial ? { initial } : {}),
      justCreated,
      ...(this.state.schedule ? { schedule: this.state.schedule } : {}),
      startedAtInMs: this.startedAtInMs,
      onProgress: (p) => {
        if (role === 'main') this.state.progress = p;
        else this.state.rollbackStatus = p.status;
      },
      stopRequested: () => this.state.stopRequested,
      requestStop: () => this.requestStop(id, 'interrupted'),
    });
  }

  /** StopDeployment with rollback, announced with the keyword of why (`interrupted`, `timeout`). */
  private async requestStop(id: string, keyword: string): Promise<void> {
    this.state.stopRequested = true;
    this.display.line(keyword, `stopping ${id} with rollback`);
    await this.controller.stopWithRollback(id);
  }

  /** Shows the few lines that explain the failure; `--json` and the step summary get all of it. */
  private async diagnose(trigger: DiagnosticsTrigger, p: Progress): Promise<void> {
    if (!this.deps.diagnose || !this.state.deploymentId) return;
    const request = this.controller.diagnosticsRequest(trigger, this.state.deploymentId, p);
    if (!request) return;
    this.state.diagnostics = await this.interrupts.guard(this.deps.diagnose(request));
    for (const l of diagnosisLines(this.state.diagnostics)) this.display.line(l.kind, l.text);
  }

  /** Finds the rollback of `id` (CodeDeploy: a deployment of its own; ECS: the same service deployment) and follows it to its end. */
  private async followRollback(id: string, last: Progress, timeout: ReleaseTimeout): Promise<void> {
    const { rollbackId, message } = await this.controller.findRollback(id, last);
    if (!rollbackId) {
      this.display.line('rollback', `none${message ? `: ${message}` : ': no rollback deployment was started (is automatic rollback enabled for the group?)'}`);
      return;
    }
    this.state.rollbackDeploymentId = rollbackId;
    this.display.line('rollback', `${rollbackId} started`);
    if (rollbackId !== id) this.display.line('console', this.controller.consoleUrl(rollbackId));
    this.state.followingRollback = true;
    const end = await this.follow(rollbackId, 'rollback', this.deps.clock() + timeout.timeoutInMs);
    this.state.rollbackStatus = end.progress.status;
    if (end.kind === 'timeout') this.display.line('rollback', `still ${end.progress.status} after ${timeout.timeoutInMinutes} min; see the console`);
  }

  private async onTimeout(id: string, p: Progress, timeout: ReleaseTimeout): Promise<ReleaseOutcome> {
    const message = `timed out after ${timeout.timeoutInMinutes} min; deployment ${id} is ${describeState(p)}`;
    this.display.line('timeout', message);
    this.state.error = { code: 'Timeout', message };
    await this.diagnose('timeout', p);
    if (!this.input.stopOnTimeout) {
      this.display.line('timeout', `${id} left running (--stop-on-timeout stops it); follow it with --follow ${id} or at ${this.controller.consoleUrl(id)}`);
      return { kind: 'timeout' };
    }
    await this.requestStop(id, 'timeout');
    const end = await this.follow(id, 'main', this.deps.clock() + STOP_GRACE_IN_MS, p);
    if (end.progress.status === 'Succeeded') return this.stopTooLate(id, 'timeout');
    await this.followRollback(id, end.progress, timeout);
    return { kind: 'timeout' };
  }

  /**
   * A stop was asked for (the keyword says why) but the deployment succeeded first: say so, and never
   * report it as stopped with rollback (exit 130) or as left running (exit 3).
   */
  private stopTooLate(id: string, keyword: string): ReleaseOutcome {
    const message = `the stop came too late: ${id} succeeded; the new revision is live and nothing was rolled back. To go back, release the previous task definition.`;
    this.display.line(keyword, message);
    this.state.error = { code: 'StopTooLate', message };
    return { kind: 'stop-too-late' };
  }
}

/** Runs a release with the given dependencies. Never throws for expected failures: see the exit code. */
export function run(input: ReleaseInput, deps: ReleaseDeps): Promise<ReleaseResult> {
  return new Release(input, deps).run();
}

export { EXIT_CODES };
