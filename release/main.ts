/**
 * The process shell of `npm run release`: resolves the input (files, git), builds the CodeDeploy
 * client, wires signals and timers, and returns the release's exit code. The shared shell
 * (scripts/cli.ts) parses the command line, answers --help/--version and reports usage errors;
 * everything this calls is testable without it.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { type ParsedCommandLine, type ProgramIo, UsageError } from '../scripts/cli';
import { workflowCommand } from './annotations';
import type { CodeDeploySender } from './aws-errors';
import { codeDeployClientSettings } from './aws-calls';
import { callBudgetLimits, CallBudgets } from './call-budget';
import { createDiagnosticsClients, DEFAULT_DIAGNOSTICS_BUDGET, gatherDiagnostics, type Diagnostics, type DiagnosticsRequest } from './diagnostics';
import { captureProcessWarnings, plainDisplay, type TerminalSink, type TextSink } from './display';
import { EXIT_CODES } from './exit-codes';
import { type ParseIo, type ReleaseInput, resolveReleaseInput } from './input';
import { type ReleaseReport, writeGithubFiles } from './report';
import { type ReleaseResult, run, type SignalSource } from './run';
import { runSequence, sequenceDocument, summaryLine } from './sequence';

/** `<short sha> <subject>` of HEAD, or undefined outside a git checkout. */
export function gitCommitDescription(cwd = process.cwd()): string | undefined {
  try {
    const out = execFileSync('git', ['log', '-1', '--format=%h %s'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    return out.length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}

const processSignals: SignalSource = {
  subscribe(listener) {
    const onSigint = (): void => listener('SIGINT');
    const onSigterm = (): void => listener('SIGTERM');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    return () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    };
  },
};

/**
 * Real sleeps. Their timers keep the process alive while the release waits; the ones still pending
 * when the release ends (a sleep cut short by Ctrl-C) are cleared so the process exits at once.
 */
function timerSleep(): { sleep(ms: number): Promise<void>; clear(): void } {
  const timers = new Set<NodeJS.Timeout>();
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    clear: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Gathers the failure diagnostics with clients made for it (only a failed release needs them). */
async function diagnoseWithNewClients(request: DiagnosticsRequest, region: string, codedeploy: CodeDeploySender, sleep: (ms: number) => Promise<void>): Promise<Diagnostics> {
  const clients = createDiagnosticsClients(region, DEFAULT_DIAGNOSTICS_BUDGET);
  try {
    return await gatherDiagnostics(request, { ...clients, codedeploy, clock: Date.now, sleep, budget: DEFAULT_DIAGNOSTICS_BUDGET });
  } finally {
    clients.destroy();
  }
}

/** The program's writers; the terminal's size is read at every redraw of the live display (a resize applies at the next one). */
const sinks = (io: ProgramIo): { stdout: TextSink; stderr: TerminalSink } => ({
  stdout: { write: io.stdout },
  stderr: {
    write: io.stderr,
    get columns() {
      return process.stderr.columns;
    },
    get rows() {
      return process.stderr.rows;
    },
  },
});

/**
 * After bad input (exit 2): the GitHub step summary/outputs, the `result` line, and with `--json` the
 * one JSON document the release promises whatever happens.
 */
export function reportInvalidInput(problems: readonly string[], io: ProgramIo): void {
  const now = new Date().toISOString();
  const report: ReleaseReport = {
    deploymentId: null,
    status: null,
    exitCode: EXIT_CODES.invalidInput,
    applicationName: null,
    deploymentGroupName: null,
    startedAt: now,
    endedAt: now,
    durationInSeconds: 0,
    lifecycleEvents: [],
    error: { code: 'InvalidInput', message: problems.join('; ') },
  };
  const { stdout, stderr } = sinks(io);
  const display = plainDisplay(stderr, Date.now);
  const files = {
    appendFile: (path: string, text: string) => appendFileSync(path, text),
    ...(io.env.GITHUB_STEP_SUMMARY ? { stepSummaryPath: io.env.GITHUB_STEP_SUMMARY } : {}),
    ...(io.env.GITHUB_OUTPUT ? { outputPath: io.env.GITHUB_OUTPUT } : {}),
  };
  for (const warning of writeGithubFiles(report, files)) display.line('warning', warning);
  display.line('result', `NotStarted - exit ${EXIT_CODES.invalidInput}`);
  // In GitHub Actions the problems also show on the run's summary page (release/annotations.ts).
  if (io.env.GITHUB_ACTIONS === 'true') stderr.write(workflowCommand('error', problems.join('\n'), { title: 'Release input' }));
  if (io.argv.includes('--json')) stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Process signals, subscribed once for the whole command: forwarded to the release running, and
 * remembered, so a signal between two services' releases stops the sequence too.
 */
function signalRelay(): SignalSource & { received(): boolean; close(): void } {
  let count = 0;
  let current: ((signal: string) => void) | undefined;
  const unsubscribe = processSignals.subscribe((signal) => {
    count++;
    current?.(signal);
  });
  return {
    subscribe(listener) {
      current = listener;
      return () => {
        if (current === listener) current = undefined;
      };
    },
    received: () => count > 0,
    close: unsubscribe,
  };
}

/** One service's release with a client of its own (none for a dry run), on the command's budgets of calls. */
async function releaseOne(input: ReleaseInput, io: ProgramIo, signals: SignalSource, stdout: TextSink, budgets: CallBudgets): Promise<ReleaseResult> {
  // Before the client exists: the AWS SDK warns about the Node version when it is created.
  const warnings = captureProcessWarnings();
  // A dry run gets no client at all: it cannot call AWS even by mistake, and needs no credentials.
  // Only pass the endpoint when given: otherwise the SDK's AWS_ENDPOINT_URL_CODEDEPLOY/_ECS etc. apply.
  // Both clients have the same bounds (the one retry policy of release/aws-calls.ts).
  const config = { region: input.region, ...codeDeployClientSettings(), ...(input.endpointUrl ? { endpoint: input.endpointUrl } : {}) };
  const codedeploy = input.dryRun || input.controller === 'ECS' ? undefined : new CodeDeployClient(config);
  const ecs = input.dryRun || input.controller !== 'ECS' ? undefined : new ECSClient(config);
  const timers = timerSleep();
  try {
    return await run(input, {
      ...(codedeploy ? { codedeploy } : {}),
      ...(ecs ? { ecs } : {}),
      clock: Date.now,
      sleep: timers.sleep,
      output: { stdout, stderr: sinks(io).stderr, isTTY: process.stderr.isTTY === true },
      signals,
      warnings,
      appendFile: (path, text) => appendFileSync(path, text),
      budgets,
      ...(codedeploy ? { diagnose: (request: DiagnosticsRequest) => diagnoseWithNewClients(request, input.region, codedeploy, timers.sleep) } : {}),
    });
  } finally {
    timers.clear();
    warnings.release();
    codedeploy?.destroy();
    ecs?.destroy();
  }
}

/** The program body of `npm run release` on the shared shell: resolves the input, runs the release(s), returns the exit code. */
export async function releaseMain(parsed: ParsedCommandLine, io: ProgramIo): Promise<number> {
  const fileIo: ParseIo = { readFile: (p) => readFileSync(p, 'utf8'), gitCommit: () => gitCommitDescription(), warn: (line) => io.stderr(`release: warning: ${line}\n`) };
  const resolved = resolveReleaseInput(parsed, io.env, fileIo);
  if (resolved.kind === 'error') throw new UsageError(resolved.errors[0] ?? 'invalid input', resolved.errors);
  const signals = signalRelay();
  // The process's budgets of API calls (release/call-budget.ts): every release of this command shares
  // them, so they back off together when AWS throttles the account. (Every release has the same flags.)
  const budgets = new CallBudgets(callBudgetLimits(resolved.input.pollMinIntervalInMs));
  try {
    if (resolved.releases.length === 1) return (await releaseOne(resolved.input, io, signals, sinks(io).stdout, budgets)).exitCode;
    // Several services: each release's own document is held back; one document for all is printed.
    const json = resolved.input.json;
    const stdout: TextSink = json ? { write: () => undefined } : sinks(io).stdout;
    const display = plainDisplay(sinks(io).stderr, Date.now);
    const result = await runSequence(
      resolved.releases.map((r) => r.input),
      { release: (input) => releaseOne(input, io, signals, stdout, budgets), line: (kind, text) => display.line(kind, text), interrupted: signals.received },
    );
    display.line('summary', summaryLine(result));
    if (json) io.stdout(`${JSON.stringify(sequenceDocument(result), null, 2)}\n`);
    return result.exitCode;
  } finally {
    signals.close();
  }
}
