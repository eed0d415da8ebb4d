/**
 * Folds Terraform's action lists into one kind per resource and counts them for the summary line.
 */
import type { ChangeKind, Plan, ResourceChange, TerraformAction } from './types';

/** The kind of change an action list means. `["delete","create"]` and `["create","delete"]` are replacements. */
export function changeKind(actions: readonly TerraformAction[]): ChangeKind {
  if (actions.length === 2 && actions.includes('delete') && actions.includes('create')) return 'replace';
  return actions[0] ?? 'no-op';
}

/** Kinds that change infrastructure, in the order the report lists them (most dangerous first). */
export const REPORTED_KINDS = ['delete', 'replace', 'update', 'create', 'forget'] as const;
export type ReportedKind = (typeof REPORTED_KINDS)[number];

/** Human wording of each reported kind. */
export const KIND_LABELS: Readonly<Record<ReportedKind, string>> = {
  delete: 'destroy',
  replace: 'replace',
  update: 'update in-place',
  create: 'create',
  forget: 'forget (remove from state)',
};

/** A resource change the report shows. */
export interface ReportedChange {
  readonly kind: ReportedKind;
  readonly resource: ResourceChange;
  /** True when the resource is imported by this plan. */
  readonly importing: boolean;
}

/** Counts and ordered changes of a plan. */
export interface PlanSummary {
  readonly counts: Readonly<Record<ReportedKind, number>>;
  readonly imports: number;
  /** Changes to show, grouped by kind in {@link REPORTED_KINDS} order, addresses sorted within a kind. */
  readonly changes: readonly ReportedChange[];
  /** Output names whose value changes. */
  readonly outputChanges: readonly string[];
  /** Addresses of resources that changed outside Terraform (drift); informational. */
  readonly drift: readonly string[];
  /** True when no managed resource is created, updated, replaced, destroyed, forgotten or imported. */
  readonly noChanges: boolean;
}

/** Code-unit order (not locale order), so `aws_lb.x` sorts before `aws_lb_listener.x` as in Terraform's output. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isReported(kind: ChangeKind): kind is ReportedKind {
  return (REPORTED_KINDS as readonly string[]).includes(kind);
}

/** Summarizes a plan: no-op and read actions (data sources) are not changes. */
export function summarizePlan(plan: Plan): PlanSummary {
  const counts: Record<ReportedKind, number> = { delete: 0, replace: 0, update: 0, create: 0, forget: 0 };
  const changes: ReportedChange[] = [];
  let imports = 0;
  for (const resource of plan.resource_changes) {
    if (resource.mode !== 'managed') continue;
    const kind = changeKind(resource.change.actions);
    const importing = resource.change.importing !== undefined && resource.change.importing !== null;
    if (importing) imports += 1;
    // An import without other changes is a no-op that still changes state: show it as an update.
    const shown: ChangeKind = kind === 'no-op' && importing ? 'update' : kind;
    if (!isReported(shown)) continue;
    counts[shown] += 1;
    changes.push({ kind: shown, resource, importing });
  }
  changes.sort(
    (a, b) =>
      REPORTED_KINDS.indexOf(a.kind) - REPORTED_KINDS.indexOf(b.kind) ||
      compareText(a.resource.address, b.resource.address),
  );
  const outputChanges = Object.entries(plan.output_changes)
    .filter(([, change]) => !change.actions.every((a) => a === 'no-op'))
    .map(([name]) => name)
    .sort();
  const drift = plan.resource_drift.filter((r) => r.mode === 'managed').map((r) => r.address).sort(compareText);
  return { counts, imports, changes, outputChanges, drift, noChanges: changes.length === 0 };
}

/** The summary line, e.g. "2 to add, 1 to change, 1 to replace, 0 to destroy." */
export function summaryLine(summary: PlanSummary): string {
  if (summary.noChanges) {
    return summary.outputChanges.length > 0
      ? `No resource changes; ${summary.outputChanges.length} output value(s) change.`
      : 'No changes. Infrastructure matches the configuration.';
  }
  const { counts } = summary;
  const parts = [
    `${counts.create} to add`,
    `${counts.update} to change`,
    `${counts.replace} to replace`,
    `${counts.delete} to destroy`,
  ];
  if (counts.forget > 0) parts.push(`${counts.forget} to forget`);
  if (summary.imports > 0) parts.push(`${summary.imports} to import`);
  return `${parts.join(', ')}.`;
}
