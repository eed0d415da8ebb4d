/**
 * What the diagnostics show: the few terminal lines that explain a failure (pure, from the gathered
 * {@link Diagnostics}), and the full Markdown section of the GitHub step summary. `--json` carries
 * the model itself.
 */
import type { Diagnostics, DiagnosticsPart, StoppedTask, TargetHealthLine } from './types';

/** One line for the release's display: `diagnosis <text>`. */
export interface DiagnosisLine {
  readonly kind: 'diagnosis';
  readonly text: string;
}

/** How many lines of each kind the terminal gets (everything is in `--json` and the step summary). */
export const TERMINAL_LIMITS = { verdicts: 2, stoppedTaskGroups: 3, serviceEvents: 3, targetGroups: 3, textLength: 300 } as const;

/** Service event messages worth showing on the terminal: the ones that tell something went wrong. */
const PROBLEM_EVENT = /unhealthy|fail|unable|error|stopp|did not|cannot|could not|timed out|denied|exceeded|insufficient/i;

const clip = (text: string): string => {
  const one = text.replace(/\s*\r?\n\s*/g, ' ').trim();
  return one.length > TERMINAL_LIMITS.textLength ? `${one.slice(0, TERMINAL_LIMITS.textLength - 1)}…` : one;
};

/** The last part of a task ARN (`arn:aws:ecs:…:task/<cluster>/<id>` → `<id>`). */
export const taskIdOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1) || arn;

function containerSummary(task: StoppedTask): string {
  const parts = task.containers
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map((c) => `${c.name} ${c.exitCode !== undefined ? `exit ${c.exitCode}` : 'no exit code'}${c.reason ? ` (${c.reason})` : ''}`);
  return parts.join(', ');
}

/** One line per kind of stop (same code, reason and exits), newest first, with how many tasks share it. */
function stoppedTaskLines(tasks: readonly StoppedTask[]): string[] {
  const groups = new Map<string, { first: StoppedTask; count: number }>();
  for (const t of tasks) {
    const key = `${t.stopCode ?? ''}|${t.stoppedReason ?? ''}|${containerSummary(t)}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { first: t, count: 1 });
  }
  return [...groups.values()].slice(0, TERMINAL_LIMITS.stoppedTaskGroups).map(({ first, count }) => {
    const containers = containerSummary(first);
    const why = `${first.stoppedReason ?? 'no stopped reason'}${first.stopCode ? ` (${first.stopCode})` : ''}`;
    return `task ${taskIdOf(first.taskArn)} stopped: ${why}${containers ? `; ${containers}` : ''}${count > 1 ? ` (and ${count - 1} more like it)` : ''}`;
  });
}

/** One line per kind of unhealthy target, or nothing when every target is healthy. */
function targetLines(name: string, targets: readonly TargetHealthLine[]): string[] {
  if (targets.length === 0) return [`targets ${name}: no targets registered`];
  const unhealthy = targets.filter((t) => t.state !== 'healthy');
  if (unhealthy.length === 0) return [];
  const groups = new Map<string, { target: TargetHealthLine; count: number }>();
  for (const t of unhealthy) {
    const key = `${t.state}|${t.reason ?? ''}|${t.description ?? ''}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { target: t, count: 1 });
  }
  return [...groups.values()].slice(0, TERMINAL_LIMITS.targetGroups).map(({ target: t, count }) => {
    const detail = [t.reason, t.description].filter(Boolean).join(': ');
    return `targets ${name}: ${count} of ${targets.length} ${t.state}${detail ? ` ${detail}` : ''} (e.g. ${t.id}${t.port !== undefined ? `:${t.port}` : ''})`;
  });
}

function noteLine(label: string, part: DiagnosticsPart): string[] {
  if (!part.note) return [];
  if (part.status === 'gathered') return [`${label}: ${part.note}`];
  return [`${part.status} ${label}: ${part.note}`];
}

/** The terminal lines that explain the failure, in the order a reader needs them. */
export function diagnosisLines(d: Diagnostics): DiagnosisLine[] {
  const lines: string[] = [];
  const failedVerdicts = d.hook.verdicts.filter((v) => v.status !== 'Succeeded');
  for (const v of failedVerdicts.slice(-TERMINAL_LIMITS.verdicts)) lines.push(`hook ${v.status}: ${v.reason}`);
  // A missing verdict explains something only when a hook event failed; a skipped part always says why.
  if (d.hook.status !== 'gathered' || (d.hook.verdictExpected && d.hook.verdicts.length === 0)) lines.push(...noteLine('hook log', d.hook));
  lines.push(...stoppedTaskLines(d.ecs.stoppedTasks));
  const problems = d.ecs.events.filter((e) => PROBLEM_EVENT.test(e.message));
  for (const e of problems.slice(-TERMINAL_LIMITS.serviceEvents)) lines.push(`ecs-event ${e.time.slice(11, 19)} ${e.message}`);
  if (d.ecs.status !== 'gathered' || d.ecs.note) lines.push(...noteLine('ecs', d.ecs));
  if (d.targets.status === 'gathered') lines.push(...targetLines(d.targets.targetGroupName ?? d.targets.targetGroupArn ?? '-', d.targets.targets));
  else lines.push(...noteLine('targets', d.targets));
  return lines.map((text) => ({ kind: 'diagnosis', text: clip(text) }));
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The diagnostics section of `$GITHUB_STEP_SUMMARY`: everything gathered, as Markdown tables. */
export function diagnosticsMarkdown(d: Diagnostics): string {
  const out: string[] = [`#### Diagnostics (${d.trigger}, gathered in ${(d.durationInMs / 1000).toFixed(1)} s)`, ''];
  const notes = [
    ['Hook log', d.hook],
    ['ECS', d.ecs],
    ['Target health', d.targets],
  ] as const;
  for (const [label, part] of notes) if (part.note) out.push(`- ${label} (${part.status}): ${cell(part.note)}`);
  if (notes.some(([, p]) => p.note)) out.push('');
  if (d.hook.verdicts.length > 0) {
    out.push(`Hook verdicts in \`${d.hook.logGroupName}\`:`, '', '| Time | Status | Reason | Hook execution |', '|---|---|---|---|');
    for (const v of d.hook.verdicts) out.push(`| ${v.time} | ${v.status} | ${cell(v.reason)} | ${v.lifecycleEventHookExecutionId ?? ''} |`);
    out.push('');
  }
  if (d.ecs.stoppedTasks.length > 0) {
    out.push(`Green tasks that stopped (task set \`${d.ecs.greenTaskSetId ?? '?'}\`):`, '', '| Task | Stopped | Stop code | Reason | Containers |', '|---|---|---|---|---|');
    for (const t of d.ecs.stoppedTasks) out.push(`| ${taskIdOf(t.taskArn)} | ${t.stoppedAt ?? ''} | ${t.stopCode ?? ''} | ${cell(t.stoppedReason ?? '')} | ${cell(containerSummary(t))} |`);
    out.push('');
  }
  if (d.targets.targets.length > 0) {
    out.push(`Targets of \`${d.targets.targetGroupName ?? d.targets.targetGroupArn ?? '?'}\`:`, '', '| Target | State | Reason | Description |', '|---|---|---|---|');
    for (const t of d.targets.targets) out.push(`| ${t.id}${t.port !== undefined ? `:${t.port}` : ''} | ${t.state} | ${t.reason ?? ''} | ${cell(t.description ?? '')} |`);
    out.push('');
  }
  if (d.ecs.events.length > 0) {
    out.push(`ECS service events of \`${d.ecs.serviceName ?? '?'}\` since the deployment started:`, '', '| Time | Message |', '|---|---|');
    for (const e of d.ecs.events) out.push(`| ${e.time} | ${cell(e.message)} |`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
