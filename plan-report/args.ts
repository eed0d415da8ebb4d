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
 * Resolves the reporter's arguments.
 * @throws PlanInputError listing every bad `--production-port` value (a port is a whole number from 1 to 65535).
 */
export function resolveArgs(raw: RawPlanReportArgs): PlanReportArgs {
  const bad = (raw.productionPorts ?? []).filter((text) => !/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535);
  if (bad.length > 0) {
    throw new PlanInputError(`--production-port must be a port number from 1 to 65535; received ${bad.map((text) => JSON.stringify(text)).join(', ')}`);
  }
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
