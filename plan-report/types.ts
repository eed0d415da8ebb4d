/**
 * Types of the `terraform show -json <planfile>` document (format version 1.x) as far as the plan
 * reporter reads it, and of the reporter's own findings. Only the fields the reporter uses are typed;
 * everything else in the document is ignored, so newer 1.x minor versions keep working.
 */

/** Action names Terraform writes into `change.actions`. */
export type TerraformAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

/** What happens to a resource, after folding Terraform's action lists (`["delete","create"]` is a replace). */
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'read' | 'no-op';

/** `change` of a resource change: values before and after, and the masks that describe them. */
export interface PlanChange {
  readonly actions: readonly TerraformAction[];
  readonly before?: unknown;
  readonly after?: unknown;
  /** Mirrors `after`; `true` where the value is known only after apply. */
  readonly after_unknown?: unknown;
  /** Mirrors `before`; `true` where the value is sensitive. */
  readonly before_sensitive?: unknown;
  /** Mirrors `after`; `true` where the value is sensitive. */
  readonly after_sensitive?: unknown;
  /** Attribute paths that force the replacement. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  readonly importing?: unknown;
}

/** One element of `resource_changes` (or `resource_drift`). */
export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: unknown;
  readonly change: PlanChange;
  /** e.g. `replace_because_cannot_update`, `replace_because_tainted`, `replace_by_request`. */
  readonly action_reason?: string;
}

/** `output_changes.<name>`. */
export interface OutputChange {
  readonly actions: readonly TerraformAction[];
}

/** The parts of a plan JSON document the reporter uses. */
export interface Plan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes: readonly ResourceChange[];
  readonly resource_drift: readonly ResourceChange[];
  readonly output_changes: Readonly<Record<string, OutputChange>>;
  /** `configuration` section, kept as-is: used to find which listener the deployment group calls production. */
  readonly configuration?: unknown;
  readonly errored?: boolean;
}

/** Finding severities, in increasing order. */
export const SEVERITIES = ['info', 'warning', 'blocking'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Every hazard check: its stable id and the severities it can report. docs/plan-review.md lists the
 * same ids with the same severities (a test ties the two together).
 */
export const HAZARDS = {
  'bluegreen-resource-replaced': ['blocking'],
  'bluegreen-resource-deleted': ['blocking'],
  'data-resource-deleted': ['warning', 'blocking'],
  'codedeploy-owned-attribute': ['blocking'],
  'iam-wildcard': ['warning', 'blocking'],
  'iam-wildcard-principal': ['warning', 'blocking'],
  'iam-policy-unknown': ['info'],
  'world-open-port': ['blocking'],
  'broad-open-port': ['warning'],
  'deployment-group-changed': ['info'],
  'deletion-protection-off': ['warning'],
  'access-logs-off': ['warning'],
  'flow-logs-off': ['warning'],
  'encryption-downgraded': ['warning'],
  's3-public-access-block-off': ['blocking'],
  'tls-policy-downgraded': ['blocking'],
  'ecr-scan-on-push-off': ['warning'],
  'ecr-tags-mutable': ['warning'],
  'drop-invalid-header-fields-off': ['warning'],
  'ecs-owned-attribute': ['blocking'],
  'ecs-listener-mixed-actions': ['blocking'],
  'ecs-production-unguarded': ['warning'],
  'deployment-controller-switch': ['blocking'],
} as const satisfies Readonly<Record<string, readonly Severity[]>>;

/** Stable identifiers of the hazard checks (documented in docs/plan-review.md). */
export type HazardId = keyof typeof HAZARDS;

/** One hazard found in a plan. */
export interface Finding {
  readonly id: HazardId;
  readonly severity: Severity;
  readonly address: string;
  /** One sentence on the consequence. */
  readonly message: string;
}
