/**
 * Plan reporter: reads the JSON of `terraform show -json <planfile>`, finds blue/green hazards and
 * renders a Markdown (pull request comment) or text report. Pure modules; `scripts/plan-report.ts`
 * is the command-line shell.
 */
export { resolveArgs, defaultTitle, FORMATS, MIN_MAX_MARKDOWN_CHARS, type Format, type PlanReportArgs, type RawPlanReportArgs } from './args';
export { diffAttributes, lineDiff, type AttributeChange, type DiffValue } from './diff';
export { exitCodeFor, EXIT_CODES, FAIL_ON_VALUES, type FailOn } from './exit-code';
export { findHazards, severityRank, type HazardOptions } from './hazards';
export { wildcardGrants, parsePolicyDocument } from './iam';
export { classifyListeners, productionPorts, DEFAULT_PRODUCTION_PORTS } from './network';
export { parsePlan, validatePlan, PlanInputError } from './parse';
export { buildReport, markerId, type Report, type ReportOptions } from './report';
export { renderMarkdown, markerComment, DEFAULT_MAX_MARKDOWN_CHARS } from './render-markdown';
export { renderText } from './render-text';
export { changeKind, summarizePlan, summaryLine } from './summarize';
export { HAZARDS, SEVERITIES } from './types';
export type { Finding, HazardId, Plan, PlanChange, ResourceChange, Severity } from './types';
