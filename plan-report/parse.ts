/**
 * Parses and validates the JSON written by `terraform show -json <planfile>`. Bad input is reported as
 * a {@link PlanInputError} whose message names the field, the value received and what is allowed, so
 * the CLI can print it without a stack trace.
 */
import type { OutputChange, Plan, PlanChange, ResourceChange, TerraformAction } from './types';

/** Invalid plan input: the message is meant for the user as-is. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanInputError';
  }
}

const ACTIONS: readonly TerraformAction[] = ['no-op', 'create', 'read', 'update', 'delete', 'forget'];

/** Action lists Terraform 1.x writes; anything else means a format this reporter does not understand. */
const ACTION_LISTS: readonly string[] = [
  'no-op',
  'create',
  'read',
  'update',
  'delete',
  'forget',
  'delete,create',
  'create,delete',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function parseActions(value: unknown, field: string): TerraformAction[] {
  if (!Array.isArray(value) || value.some((a) => typeof a !== 'string' || !ACTIONS.includes(a as TerraformAction))) {
    throw new PlanInputError(
      `${field} must be a list of ${ACTIONS.map((a) => `"${a}"`).join(', ')}; received ${describe(value)}`,
    );
  }
  if (!ACTION_LISTS.includes(value.join(','))) {
    throw new PlanInputError(
      `${field} must be one of the action lists Terraform writes (${ACTION_LISTS.map((l) => `[${l}]`).join(', ')}); received ${describe(value)}`,
    );
  }
  return value as TerraformAction[];
}

function parseResourceChange(value: unknown, field: string): ResourceChange {
  if (!isObject(value)) throw new PlanInputError(`${field} must be an object; received ${describe(value)}`);
  for (const key of ['address', 'type', 'name'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') {
      throw new PlanInputError(`${field}.${key} must be a non-empty string; received ${describe(value[key])}`);
    }
  }
  if (value.mode !== 'managed' && value.mode !== 'data') {
    throw new PlanInputError(`${field}.mode must be "managed" or "data"; received ${describe(value.mode)}`);
  }
  if (!isObject(value.change)) {
    throw new PlanInputError(`${field}.change must be an object; received ${describe(value.change)}`);
  }
  const change: PlanChange = { ...value.change, actions: parseActions(value.change.actions, `${field}.change.actions`) };
  return { ...(value as unknown as ResourceChange), change };
}

function parseResourceList(value: unknown, field: string): ResourceChange[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PlanInputError(`${field} must be a list; received ${describe(value)}`);
  return value.map((item, i) => parseResourceChange(item, `${field}[${i}]`));
}

function parseOutputChanges(value: unknown): Record<string, OutputChange> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new PlanInputError(`output_changes must be an object; received ${describe(value)}`);
  const result: Record<string, OutputChange> = {};
  for (const [name, change] of Object.entries(value)) {
    if (!isObject(change)) {
      throw new PlanInputError(`output_changes.${name} must be an object; received ${describe(change)}`);
    }
    result[name] = { actions: parseActions(change.actions, `output_changes.${name}.actions`) };
  }
  return result;
}

/**
 * Validates an already-parsed JSON value as a plan document (format version 1.x).
 * @throws PlanInputError with a message naming the field, the received value and what is allowed.
 */
export function validatePlan(document: unknown): Plan {
  if (!isObject(document)) {
    throw new PlanInputError(`plan must be a JSON object (the output of terraform show -json <planfile>); received ${describe(document)}`);
  }
  const version = document.format_version;
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) {
    throw new PlanInputError(
      `format_version must be "1.x" (the output of terraform show -json <planfile>, Terraform 1.x); received ${describe(version)}`,
    );
  }
  if (document.resource_changes === undefined && document.planned_values === undefined && 'values' in document) {
    throw new PlanInputError(
      'this is the JSON of a state, not of a plan: run terraform plan -out=tfplan, then terraform show -json tfplan',
    );
  }
  return {
    format_version: version,
    terraform_version: typeof document.terraform_version === 'string' ? document.terraform_version : undefined,
    resource_changes: parseResourceList(document.resource_changes, 'resource_changes'),
    resource_drift: parseResourceList(document.resource_drift, 'resource_drift'),
    output_changes: parseOutputChanges(document.output_changes),
    configuration: document.configuration,
    errored: document.errored === true,
  };
}

/**
 * Parses the text of a plan JSON document.
 * @param source names the input in error messages (a file name, or "stdin").
 * @throws PlanInputError when the text is not JSON or not a 1.x plan.
 */
export function parsePlan(text: string, source = 'plan'): Plan {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = text.trimStart().startsWith('{') ? '' : ' (expected the output of terraform show -json <planfile>, not the binary plan file or the human-readable plan)';
    throw new PlanInputError(`${source} is not valid JSON: ${reason}${hint}`);
  }
  try {
    return validatePlan(document);
  } catch (error) {
    if (error instanceof PlanInputError) throw new PlanInputError(`${source}: ${error.message}`);
    throw error;
  }
}
