/**
 * The typed arguments of `npm run plan:report`, resolved from what the shared command-line shell
 * parsed (scripts/cli.ts does the tokenizing, the choices and the number ranges; here: what only the
 * reporter knows — port numbers, the default title).
 */
import type { FailOn } from './exit-code';
import { PlanInputError } from './parse';

/** Output formats. */
export const FORMATS = ['markdown', 'text'] as const;
export type Format = (typeof FORMATS)[number];

/** Parsed command line. */
export interface PlanReportArgs {
  /** Plan JSON file, or `-` for stdin. */
  readonly planFile: string;
  readonly format: Format;
  readonly failOn: FailOn;
  readonly title: string;
  readonly marker?: string;
  readonly productionPorts?: readonly number[];
  /** Write the report here instead of stdout. */
  readonly outFile?: string;
  /** Markdown length cap in characters, 0 for none. */
  readonly maxChars?: number;
}

/** What the shell hands over: values by flag name (already checked against choices and ranges). */
export interface RawPlanReportArgs {
  readonly planFile: string;
  readonly format: Format;
  readonly failOn: FailOn;
  readonly title?: string;
  readonly marker?: string;
  readonly productionPorts?: readonly string[];
  readonly outFile?: string;
  readonly maxChars?: number;
}

/** The report title when `--title` is not given: the plan file's name without `.json`, or `plan` for stdin. */
export function defaultTitle(planFile: string): string {
  return planFile === '-' ? 'plan' : (planFile.split(/[\\/]/).at(-1) ?? planFile).replace(/\.json$/i, '');
}

/**
 * Smallest Markdown cap (`--max-chars`, other than 0) the renderer can honour: the heading, the
 * summary, the table heads, the truncation note and the footer take about 900 characters.
 */
export const MIN_MAX_MARKDOWN_CHARS = 1000;

/**
 * Resolves the reporter's arguments.
 * @throws PlanInputError listing every problem at once: a bad `--production-port` value (a whole number
 * from 1 to 65535), an empty `--title` or `--marker`, a `--max-chars` the report cannot fit in.
 */
export function resolveArgs(raw: RawPlanReportArgs): PlanReportArgs {
  const problems: string[] = [];
  const bad = (raw.productionPorts ?? []).filter((text) => !/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535);
  if (bad.length > 0) problems.push(`--production-port must be a port number from 1 to 65535; received ${bad.map((text) => JSON.stringify(text)).join(', ')}`);
  for (const [flag, value] of [['--title', raw.title], ['--marker', raw.marker]] as const) {
    if (value !== undefined && value.trim() === '') problems.push(`${flag} must not be empty; received ${JSON.stringify(value)}`);
  }
  if (raw.maxChars !== undefined && raw.maxChars !== 0 && raw.maxChars < MIN_MAX_MARKDOWN_CHARS) {
    problems.push(`--max-chars must be 0 (no cap) or at least ${MIN_MAX_MARKDOWN_CHARS} (the report's fixed parts need that much); received ${raw.maxChars}`);
  }
  if (problems.length > 0) throw new PlanInputError(problems.join('\n'));
  return {
    planFile: raw.planFile,
    format: raw.format,
    failOn: raw.failOn,
    title: raw.title ?? defaultTitle(raw.planFile),
    marker: raw.marker,
    productionPorts: raw.productionPorts?.map(Number),
    outFile: raw.outFile,
    maxChars: raw.maxChars,
  };
}
