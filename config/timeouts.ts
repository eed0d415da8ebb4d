/**
 * Pure timing rules of the hook Lambda. No cdktf imports.
 */
import { CHECK_BUDGET_IN_SECONDS } from '../hook-lambda/config';

/** Longest timeout Lambda allows: the hook's own maximum check budget (hook-lambda/config.ts). */
export const LAMBDA_MAX_TIMEOUT_IN_SECONDS = CHECK_BUDGET_IN_SECONDS.max;

/**
 * Time the Lambda keeps beyond the hook's check budget: the hook must still report its verdict to
 * CodeDeploy (with retries) after the last check, or CodeDeploy waits an hour before giving up.
 */
export const HOOK_REPORT_MARGIN_IN_SECONDS = 60;

/**
 * Smallest and largest check budget the stack accepts. The stack's maximum is the hook's (Lambda's
 * 900 s) minus the report margin, because the function's timeout is budget + margin and must stay
 * within Lambda's limit.
 */
export const CHECK_BUDGET_RANGE_IN_SECONDS = {
  min: 10,
  max: LAMBDA_MAX_TIMEOUT_IN_SECONDS - HOOK_REPORT_MARGIN_IN_SECONDS,
} as const;

/** Lambda timeout for a hook whose checks may take `checkBudgetInSeconds`: always longer than the budget. */
export function hookTimeoutInSeconds(checkBudgetInSeconds: number): number {
  return Math.min(LAMBDA_MAX_TIMEOUT_IN_SECONDS, checkBudgetInSeconds + HOOK_REPORT_MARGIN_IN_SECONDS);
}
