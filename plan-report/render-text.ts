/**
 * Plain text of the report for a terminal or a CI log: no Markdown, no length limit.
 */
import { displayText, isLongValue, lineDiff, sideText, withContext, type AttributeChange, type DiffValue } from './diff';
import type { Report } from './report';
import { KIND_LABELS, summaryLine } from './summarize';

function valueText(value: DiffValue): string {
  switch (value.kind) {
    case 'absent':
      return 'null';
    case 'unknown':
      return '(known after apply)';
    case 'sensitive':
      return '(sensitive value)';
    case 'value':
      return displayText(value.value);
  }
}

function attributeLines(attribute: AttributeChange, create: boolean): string[] {
  if (!isLongValue(attribute.before) && !isLongValue(attribute.after)) {
    return create
      ? [`    ${attribute.path} = ${valueText(attribute.after)}`]
      : [`    ${attribute.path}: ${valueText(attribute.before)} -> ${valueText(attribute.after)}`];
  }
  const diff = withContext(lineDiff(sideText(attribute.before), sideText(attribute.after)));
  return [`    ${attribute.path}:`, ...diff.map((line) => `      ${line.op} ${line.text}`)];
}

/** Renders the report as plain text. */
export function renderText(report: Report): string {
  const { summary, findings } = report;
  const out = [`Terraform plan: ${report.title}`];
  if (report.errored) out.push('The plan errored: it is incomplete.');
  if (summary.noChanges) {
    out.push(summaryLine(summary));
    if (summary.drift.length > 0) out.push(`${summary.drift.length} resource(s) changed outside Terraform (drift).`);
    return out.join('\n') + '\n';
  }
  out.push(`Plan: ${summaryLine(summary)}`, '');
  if (findings.length === 0) {
    out.push('Blue/green hazards: none found.');
  } else {
    out.push('Blue/green hazards:');
    for (const f of findings) out.push(`  [${f.severity.toUpperCase()}] ${f.address}: ${f.message}`);
  }
  out.push('', 'Changes:');
  const width = Math.max(...summary.changes.map((c) => KIND_LABELS[c.kind].length));
  for (const c of summary.changes) {
    const extra = [c.importing ? 'import' : '', c.resource.previous_address ? `moved from ${c.resource.previous_address}` : ''].filter((e) => e !== '');
    out.push(`  ${KIND_LABELS[c.kind].padEnd(width)}  ${c.resource.address}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`);
  }
  for (const detail of report.details) {
    if (detail.attributes.length === 0) continue;
    out.push('', `  ${detail.change.resource.address} (${KIND_LABELS[detail.change.kind]}):`);
    for (const attribute of detail.attributes) out.push(...attributeLines(attribute, detail.change.kind === 'create'));
  }
  if (summary.outputChanges.length > 0) out.push('', `Outputs changing: ${summary.outputChanges.join(', ')}`);
  if (summary.drift.length > 0) out.push('', `${summary.drift.length} resource(s) changed outside Terraform (drift): ${summary.drift.join(', ')}`);
  out.push('', `Ports allowed open to the internet: ${report.productionPorts.ports.join(', ')} (${report.productionPorts.source}).`);
  return out.join('\n') + '\n';
}
