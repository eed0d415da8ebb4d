/**
 * Markdown of the report for a pull request comment: safe to embed (values cannot break the table or
 * inject HTML), and capped below GitHub's 65,536-character comment limit.
 */
import { isLongValue, lineDiff, sideText, withContext, displayText, type AttributeChange, type DiffValue } from './diff';
import type { ChangeDetail, Report } from './report';
import { KIND_LABELS, summaryLine, type ReportedChange } from './summarize';
import type { Severity } from './types';

/** GitHub rejects comments longer than 65,536 characters; stay clear of it. */
export const DEFAULT_MAX_MARKDOWN_CHARS = 60_000;

/** Lines of one long value's diff shown before cutting it. */
const MAX_DIFF_LINES = 150;
/** Characters of a short value shown in a table cell. */
const MAX_CELL_CHARS = 200;
/** Characters of one resource's details block. */
const MAX_DETAILS_CHARS = 12_000;

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /**
   * Maximum length of the whole comment in characters; 0 for no limit.
   * @default 60000
   */
  readonly maxChars?: number;
}

/** The hidden marker the workflow finds its sticky comment by. */
export function markerComment(id: string): string {
  return `<!-- plan-report:${id} -->`;
}

const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  blocking: '🛑 blocking',
  warning: '⚠️ warning',
  info: 'ℹ️ info',
};

/** Escapes text for HTML element content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A code span for a table cell: content is literal (no Markdown, no HTML), pipes are escaped so they
 * do not split the cell, and the backtick fence is longer than any backtick run inside.
 */
export function codeCell(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Escapes plain text for a table cell outside a code span. */
export function textCell(text: string): string {
  return escapeHtml(text)
    .replace(/([\\`*_[\]~|#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function valueCell(value: DiffValue): string {
  switch (value.kind) {
    case 'absent':
      return '*null*';
    case 'unknown':
      return '*(known after apply)*';
    case 'sensitive':
      return '*(sensitive value)*';
    case 'value':
      return codeCell(truncate(displayText(value.value), MAX_CELL_CHARS));
  }
}

function fenced(lines: readonly string[], language: string): string {
  const body = lines.join('\n');
  const longestRun = Math.max(0, ...(body.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

function longDiff(attribute: AttributeChange): string {
  const lines = withContext(lineDiff(sideText(attribute.before), sideText(attribute.after))).map(
    (line) => `${line.op === ' ' ? ' ' : line.op} ${line.text}`,
  );
  const shown = lines.length > MAX_DIFF_LINES ? [...lines.slice(0, MAX_DIFF_LINES), `  ... (${lines.length - MAX_DIFF_LINES} more lines not shown)`] : lines;
  return `${codeCell(attribute.path)}:\n\n${fenced(shown, 'diff')}`;
}

function changeLabel(change: ReportedChange): string {
  const parts = [KIND_LABELS[change.kind]];
  if (change.importing) parts.push('import');
  if (change.resource.previous_address) parts.push(`moved from ${change.resource.previous_address}`);
  return parts.join(', ');
}

function detailsBlock(detail: ChangeDetail): string {
  const { change, attributes } = detail;
  const short = attributes.filter((a) => !isLongValue(a.before) && !isLongValue(a.after));
  const long = attributes.filter((a) => isLongValue(a.before) || isLongValue(a.after));
  const parts: string[] = [];
  if (change.kind === 'create') {
    // A create's computed attributes are all "known after apply": one line instead of a row each.
    const known = short.filter((a) => a.after.kind !== 'unknown');
    const unknown = short.filter((a) => a.after.kind === 'unknown');
    if (known.length > 0) {
      parts.push(['| Attribute | Value |', '|---|---|', ...known.map((a) => `| ${codeCell(a.path)} | ${valueCell(a.after)} |`)].join('\n'));
    }
    if (unknown.length > 0) parts.push(`*Known after apply:* ${unknown.map((a) => codeCell(a.path)).join(', ')}`);
  } else if (short.length > 0) {
    parts.push(
      ['| Attribute | Before | After |', '|---|---|---|', ...short.map((a) => `| ${codeCell(a.path)} | ${valueCell(a.before)} | ${valueCell(a.after)} |`)].join('\n'),
    );
  }
  parts.push(...long.map(longDiff));
  let body = parts.join('\n\n');
  if (body.length > MAX_DETAILS_CHARS) {
    // Cut at a part boundary so no table or code fence is left open.
    let kept = '';
    let omitted = 0;
    for (const part of parts) {
      if (kept.length + part.length + 2 <= MAX_DETAILS_CHARS) kept += (kept === '' ? '' : '\n\n') + part;
      else omitted += 1;
    }
    body = `${kept}\n\n*${omitted} more attribute diff(s) of this resource not shown (too long for a comment).*`;
  }
  const summary = `<code>${escapeHtml(change.resource.address)}</code> (${escapeHtml(changeLabel(change))}, ${attributes.length} attribute${attributes.length === 1 ? '' : 's'})`;
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** Appends parts while they fit; returns how many did not. */
function fill(target: string[], parts: readonly string[], budget: { left: number }): number {
  let omitted = 0;
  for (const part of parts) {
    if (omitted === 0 && part.length + 1 <= budget.left) {
      target.push(part);
      budget.left -= part.length + 1;
    } else {
      omitted += 1;
    }
  }
  return omitted;
}

/** Renders the report as Markdown for a pull request comment. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_MARKDOWN_CHARS;
  const head = [markerComment(report.marker), `### Terraform plan: ${textCell(report.title)}`, ''];
  const { summary, findings } = report;
  if (report.errored) head.push('**The plan errored: it is incomplete.**', '');
  if (summary.noChanges) {
    head.push(`**${summaryLine(summary)}**`);
    if (summary.drift.length > 0) head.push('', driftNote(summary.drift.length));
    return head.join('\n') + '\n';
  }
  head.push(`**Plan:** ${summaryLine(summary)}`, '');

  const counts = (['blocking', 'warning', 'info'] as const).map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`);
  const hazardHead =
    findings.length === 0
      ? ['**Blue/green hazards:** none found.', '']
      : [`**Blue/green hazards:** ${counts.join(', ')}`, '', '| Severity | Resource | Consequence |', '|---|---|---|'];
  const hazardRows = findings.map((f) => `| ${SEVERITY_LABELS[f.severity]} | ${codeCell(f.address)} | ${textCell(f.message)} |`);
  const tableHead = ['', '| Action | Resource |', '|---|---|'];
  const tableRows = summary.changes.map((c) => `| ${textCell(changeLabel(c))} | ${codeCell(c.resource.address)} |`);

  const footer: string[] = [''];
  if (summary.outputChanges.length > 0) footer.push(`Outputs changing: ${summary.outputChanges.map(codeCell).join(', ')}`, '');
  if (summary.drift.length > 0) footer.push(driftNote(summary.drift.length), '');
  footer.push(
    `<sub>Ports allowed open to the internet: ${report.productionPorts.ports.join(', ')} (${escapeHtml(report.productionPorts.source)}).` +
      `${report.terraformVersion ? ` Terraform ${escapeHtml(report.terraformVersion)}.` : ''}</sub>`,
  );

  const noteReserve = 400;
  const fixed = [...head, ...hazardHead, ...tableHead, '', '#### Attribute changes', '', ...footer];
  const budget = { left: maxChars > 0 ? maxChars - fixed.join('\n').length - noteReserve : Number.POSITIVE_INFINITY };
  const out = [...head, ...hazardHead];
  const omittedHazards = fill(out, hazardRows, budget);
  out.push(...tableHead);
  const omittedRows = fill(out, tableRows, budget);
  const detailParts: string[] = [];
  // Rendered one at a time: once the budget is spent the rest are only counted, not diffed.
  let omittedDetails = 0;
  for (const detail of report.details) {
    if (detail.attributes.length === 0) continue;
    if (omittedDetails > 0 || budget.left <= 0) {
      omittedDetails += 1;
      continue;
    }
    omittedDetails += fill(detailParts, [`${detailsBlock(detail)}\n`], budget);
  }
  if (detailParts.length > 0) out.push('', '#### Attribute changes', '', ...detailParts);
  if (omittedHazards + omittedRows + omittedDetails > 0) {
    const what = [
      omittedHazards > 0 ? `${omittedHazards} hazard(s)` : '',
      omittedRows > 0 ? `${omittedRows} change row(s)` : '',
      omittedDetails > 0 ? `${omittedDetails} resource diff(s)` : '',
    ].filter((w) => w !== '');
    out.push('', `> **Truncated** to fit a pull request comment: ${what.join(', ')} not shown. The full report and plan are in the workflow run's artifacts.`);
  }
  out.push(...footer);
  return out.join('\n') + '\n';
}

function driftNote(count: number): string {
  return `*${count} resource(s) changed outside Terraform since the last apply (drift; after a CodeDeploy release the service and listeners are expected here).*`;
}
