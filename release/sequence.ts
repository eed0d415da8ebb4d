/**
 * Several services of one stack (`--service api,web`), released one after another in the order given,
 * stopping at the first one that does not succeed.
 *
 * Why not in parallel: CodeDeploy does not force either way. It allows one active deployment per
 * deployment group (not adjustable) and each service has its own group; an account may run 1,300
 * concurrent deployments per Region (AWS CodeDeploy User Guide, "CodeDeploy quotas"). What decides is
 * what one command should mean: in sequence, a change that breaks the first service (a shared image,
 * configuration or schema) stops there, before the next service is touched, so at most one service is
 * ever rolling back; the order given is the order of release (dependencies first); Ctrl-C concerns one
 * deployment; and the output reads as one story. The price is time: the sum of the deployments. For
 * services that may go out together, run one release per service at once (the workflows' matrix does).
 */
import type { ReleaseOutcome } from './exit-codes';
import { EXIT_CODES } from './exit-codes';
import type { ReleaseInput } from './input';
import type { ReleaseReport } from './report';

/** One service's finished release. */
export interface ServiceResult {
  readonly exitCode: number;
  readonly outcome: ReleaseOutcome;
  readonly report: ReleaseReport;
}

/** What a sequence of releases ended with. */
export interface SequenceResult {
  /** The first non-zero exit code (the one that stopped the sequence), 130 after a signal between releases, else 0. */
  readonly exitCode: number;
  readonly results: readonly ServiceResult[];
  /** Services not released because an earlier one did not succeed (or a signal came). */
  readonly skipped: readonly string[];
}

/** Whether the next service is released: only after a success (exit 0) and with no signal received. */
export function releaseNext(previousExitCode: number, interrupted: boolean): boolean {
  return previousExitCode === EXIT_CODES.success && !interrupted;
}

/** The sequence's exit code. */
export function sequenceExitCode(results: readonly ServiceResult[], interrupted: boolean): number {
  const failed = results.find((r) => r.exitCode !== EXIT_CODES.success);
  if (failed) return failed.exitCode;
  return interrupted ? EXIT_CODES.interrupted : EXIT_CODES.success;
}

/** The last line: each service's status, deployment and exit code, then the skipped ones. */
export function summaryLine(result: SequenceResult): string {
  const done = result.results.map((r) => `${r.report.service ?? '-'} ${r.report.status ?? 'NotStarted'} ${r.report.deploymentId ?? '-'} exit ${r.exitCode}`);
  const skipped = result.skipped.map((s) => `${s} skipped`);
  return `${[...done, ...skipped].join('; ')}; exit ${result.exitCode}`;
}

/** The one `--json` document of a sequence: every service's report in order, and the skipped ones. */
export function sequenceDocument(result: SequenceResult): { exitCode: number; releases: readonly ReleaseReport[]; skipped: readonly string[] } {
  return { exitCode: result.exitCode, releases: result.results.map((r) => r.report), skipped: result.skipped };
}

/** What {@link runSequence} does I/O with. */
export interface SequenceDeps {
  /** Runs one service's release to its end. */
  readonly release: (input: ReleaseInput) => Promise<ServiceResult>;
  /** Prints a plain progress line (`service …`, `skipped …`). */
  readonly line: (kind: string, text: string) => void;
  /** True once a signal was received (also between two releases). */
  readonly interrupted: () => boolean;
}

/** Releases the services one after another; see the module's comment for why. */
export async function runSequence(inputs: readonly ReleaseInput[], deps: SequenceDeps): Promise<SequenceResult> {
  const results: ServiceResult[] = [];
  for (const [i, input] of inputs.entries()) {
    const previous = results[results.length - 1];
    if (previous && !releaseNext(previous.exitCode, deps.interrupted())) break;
    if (i === 0 && deps.interrupted()) break;
    deps.line('service', `${input.service ?? '-'} (${i + 1} of ${inputs.length})`);
    results.push(await deps.release(input));
  }
  const skipped = inputs.slice(results.length).map((input) => input.service ?? '-');
  const last = results[results.length - 1];
  const why = last && last.exitCode !== EXIT_CODES.success ? `${last.report.service ?? 'the previous service'} ended with exit ${last.exitCode}` : 'interrupted';
  for (const name of skipped) deps.line('skipped', `${name}: not released (${why})`);
  return { exitCode: sequenceExitCode(results, deps.interrupted()), results, skipped };
}
