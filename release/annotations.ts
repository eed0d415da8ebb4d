/**
 * Failures and warnings as GitHub Actions workflow annotations (`::error …::` / `::warning …::`), so
 * they show on the run's summary page, not only in the step's log. Only when the release runs in GitHub
 * Actions (`GITHUB_ACTIONS=true`) and its progress is plain lines: the runner reads workflow commands
 * from each line of a step's output, stderr included, so they go with the progress lines and never into
 * the `--json` document on stdout.
 *
 * Escaping is GitHub's ("Workflow commands for GitHub Actions"; @actions/core's `escapeData` and
 * `escapeProperty`): in the message `%` → `%25`, CR → `%0D`, LF → `%0A`; in a property value also
 * `:` → `%3A` and `,` → `%2C`. A message then stays on one line, so nothing in it (an AWS error text,
 * a hook's reason) can end the command early or start another one. GitHub shows at most 10 error and
 * 10 warning annotations per step, so a failure is ONE error annotation carrying its few explaining
 * lines, and a warning repeated word for word is annotated once.
 */
import type { Display, TextSink } from './display';
import type { ReleaseReport } from './report';

/** Escapes a workflow command's message (`%`, CR, LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value (the message's escapes, and `:` and `,`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command line, e.g. `::error title=Release of web::deployment d-1 Failed`. */
export function workflowCommand(command: 'error' | 'warning', message: string, properties: Readonly<Record<string, string>> = {}): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}\n`;
}

/** The line kinds that explain a failure (docs/release.md, Output), carried by the error annotation. */
export const FAILURE_LINE_KINDS: readonly string[] = ['error', 'failed', 'hook', 'diagnosis', 'timeout', 'interrupted'];
/** Lines of a failure carried by its annotation; more are in the log and the step summary. */
export const MAX_FAILURE_LINES = 12;

/** The error annotation of a release that did not succeed, from its report and the lines that explain it. */
export function failureAnnotation(report: ReleaseReport, explaining: readonly string[]): string | undefined {
  if (report.exitCode === 0 || report.status === 'DryRun') return undefined;
  const title = `Release${report.service ? ` of ${report.service}` : ''}`;
  const head = `${report.deploymentId ? `deployment ${report.deploymentId} ` : ''}${report.status ?? 'not started'} (exit ${report.exitCode})`;
  const more = explaining.length > MAX_FAILURE_LINES ? [`… ${explaining.length - MAX_FAILURE_LINES} more lines in the log and the step summary`] : [];
  return workflowCommand('error', [head, ...explaining.slice(0, MAX_FAILURE_LINES), ...more].join('\n'), { title });
}

/**
 * A display that also annotates: each distinct `warning` line at once, and the failure's lines kept for
 * {@link AnnotatingDisplay.finish}, which writes the one error annotation of a release that failed.
 */
export class AnnotatingDisplay implements Display {
  private readonly warned = new Set<string>();
  private readonly explaining: string[] = [];

  constructor(
    private readonly inner: Display,
    private readonly sink: TextSink,
    private readonly service: string | undefined,
  ) {}

  line(kind: string, text: string): void {
    this.inner.line(kind, text);
    if (kind === 'warning' && !this.warned.has(text)) {
      this.warned.add(text);
      this.sink.write(workflowCommand('warning', text, { title: `Release${this.service ? ` of ${this.service}` : ''}` }));
    }
    // (`timeout <n> min (…)` states the timeout the release computed, it explains nothing.)
    if (FAILURE_LINE_KINDS.includes(kind) && !(kind === 'timeout' && /^\d+ min \(/.test(text))) this.explaining.push(`${kind} ${text}`);
  }

  progress: Display['progress'] = (view) => this.inner.progress(view);
  tick = (): void => this.inner.tick();
  close = (): void => this.inner.close();

  /** Writes the error annotation when the release did not succeed. */
  finish(report: ReleaseReport): void {
    const annotation = failureAnnotation(report, this.explaining);
    if (annotation) this.sink.write(annotation);
  }
}
