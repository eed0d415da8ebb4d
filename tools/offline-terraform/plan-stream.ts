/**
 * What a plan changes, read from `terraform plan -json` (Terraform's machine-readable UI,
 * https://developer.hashicorp.com/terraform/internals/machine-readable-ui) instead of a `terraform
 * show -json` of the saved plan: for callers that only ask which resources change how.
 */

/**
 * Addresses by planned actions (`create`, `update`, `delete`, `create,delete` for a replacement …),
 * each list sorted; no-ops and reads left out: an empty object is a plan that changes nothing. A
 * replacement's order (create first with create_before_destroy, or delete first) is not in Terraform's
 * `replace`: a test of the order reads the plan JSON's actions (`tf.plan(ws)`).
 */
export type PlanChanges = Record<string, string[]>;

/** The action of a `planned_change` line (Terraform's machine-readable UI) as `show -json` lists it. */
const STREAM_ACTIONS: Readonly<Record<string, string | null>> = { noop: null, read: null, move: null, import: null, replace: 'create,delete', remove: 'forget' };

/**
 * {@link PlanChanges} from `terraform plan -json`'s output: its `planned_change` lines, one per
 * resource instance whose plan is not a no-op (moves and imports without a change listed as such,
 * left out like no-ops; an action unknown here kept under its own name, so it shows).
 */
export function plannedChanges(jsonLines: string): PlanChanges {
  const byAction: Record<string, string[]> = {};
  for (const line of jsonLines.split('\n')) {
    if (!line.includes('"planned_change"')) continue;
    const message = JSON.parse(line) as { type?: string; change?: { resource?: { addr?: string }; action?: string } };
    if (message.type !== 'planned_change' || !message.change?.resource?.addr || !message.change.action) continue;
    const action = message.change.action in STREAM_ACTIONS ? STREAM_ACTIONS[message.change.action] : message.change.action;
    if (action) (byAction[action] ??= []).push(message.change.resource.addr);
  }
  for (const list of Object.values(byAction)) list.sort();
  return byAction;
}

/**
 * The diagnostics of Terraform's machine-readable output as the human-readable output words them
 * (`Error: <summary>: <detail> (<file>:<line>)`), one a line; a line that is not JSON is kept as it is.
 * For error messages: a failed `plan -json` says what went wrong there, not on stderr.
 */
export function diagnosticsText(jsonLines: string): string {
  return jsonLines
    .split('\n')
    .flatMap((line) => {
      let message: { type?: string; diagnostic?: { severity?: string; summary?: string; detail?: string; range?: { filename?: string; start?: { line?: number } } } };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return line.trim() ? [line] : [];
      }
      const d = message?.type === 'diagnostic' ? message.diagnostic : undefined;
      if (!d) return [];
      const where = d.range?.filename ? ` (${d.range.filename}:${d.range.start?.line ?? '?'})` : '';
      return [`${d.severity === 'warning' ? 'Warning' : 'Error'}: ${d.summary ?? ''}${d.detail ? `: ${d.detail}` : ''}${where}`];
    })
    .join('\n');
}
