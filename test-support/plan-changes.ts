/** Reading a `terraform show -json` plan in the offline-Terraform tests. */
import type { PlanJson } from '../tools/offline-terraform/harness';

/**
 * Addresses by planned actions (`create`, `update`, `delete`, `create,delete` …, each sorted and
 * comma-joined), no-ops and reads left out: an empty object is a plan that changes nothing.
 */
export function changes(plan: PlanJson): Record<string, string[]> {
  const byAction: Record<string, string[]> = {};
  for (const r of plan.resource_changes ?? []) {
    const action = [...r.change.actions].sort().join(',');
    if (action === 'no-op' || action === 'read') continue;
    (byAction[action] ??= []).push(r.address);
  }
  return byAction;
}
