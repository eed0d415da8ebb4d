/**
 * The reporter's exit code: 0 when no finding reaches the `--fail-on` threshold, 1 when one does.
 * (2, bad input, is decided by the CLI.)
 */
import { SEVERITIES, type Finding, type Severity } from './types';

/** `--fail-on` values: a severity, or `none` to never fail on findings. */
export type FailOn = Severity | 'none';

/** Allowed `--fail-on` values, lowest threshold first. */
export const FAIL_ON_VALUES: readonly FailOn[] = ['none', ...SEVERITIES];

/** Exit codes of `npm run plan:report`. */
export const EXIT_CODES = {
  ok: 0,
  findings: 1,
  badInput: 2,
} as const;

/** 1 when any finding's severity is at or above `failOn`, else 0. `none` always gives 0. */
export function exitCodeFor(findings: readonly Pick<Finding, 'severity'>[], failOn: FailOn): number {
  if (failOn === 'none') return EXIT_CODES.ok;
  const threshold = SEVERITIES.indexOf(failOn);
  return findings.some((f) => SEVERITIES.indexOf(f.severity) >= threshold) ? EXIT_CODES.findings : EXIT_CODES.ok;
}
