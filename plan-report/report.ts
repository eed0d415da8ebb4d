/**
 * The report model both renderers draw from: summary, hazards, and the attribute diff of each change.
 */
import { diffAttributes, type AttributeChange } from './diff';
import { findHazards } from './hazards';
import { classifyListeners, productionPorts, type ListenerInfo } from './network';
import { summarizePlan, type PlanSummary, type ReportedChange } from './summarize';
import type { Finding, Plan } from './types';

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Heading of the report, e.g. the stack name. */
  readonly title: string;
  /**
   * Id of the hidden `<!-- plan-report:<id> -->` marker the workflow finds its sticky comment by.
   * @default the title, reduced to lowercase letters, digits, `.`, `_` and `-`
   */
  readonly marker?: string;
  /**
   * Ports allowed open to the whole internet.
   * @default the plan's production listener ports, else 80 and 443
   */
  readonly productionPorts?: readonly number[];
}

/** One change with its attribute diff. */
export interface ChangeDetail {
  readonly change: ReportedChange;
  readonly attributes: readonly AttributeChange[];
}

/** Everything a renderer needs. */
export interface Report {
  readonly title: string;
  readonly marker: string;
  readonly summary: PlanSummary;
  readonly findings: readonly Finding[];
  readonly details: readonly ChangeDetail[];
  readonly listeners: readonly ListenerInfo[];
  readonly productionPorts: { readonly ports: readonly number[]; readonly source: string };
  readonly terraformVersion?: string;
  readonly errored: boolean;
}

/** Reduces text to a marker id: lowercase letters, digits, `.`, `_`, `-` (never `--`, which would end the HTML comment). */
export function markerId(text: string): string {
  const id = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return id === '' ? 'plan' : id;
}

/** Builds the report of a plan. */
export function buildReport(plan: Plan, options: ReportOptions): Report {
  const summary = summarizePlan(plan);
  return {
    title: options.title,
    marker: markerId(options.marker ?? options.title),
    summary,
    findings: findHazards(plan, { productionPorts: options.productionPorts }),
    details: summary.changes.map((change) => ({ change, attributes: diffAttributes(change.resource.change) })),
    listeners: classifyListeners(plan),
    productionPorts: productionPorts(plan, options.productionPorts),
    terraformVersion: plan.terraform_version,
    errored: plan.errored === true,
  };
}
