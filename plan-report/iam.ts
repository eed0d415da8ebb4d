/**
 * Finds the wildcard grants of IAM policy documents (identity policies, trust policies and resource
 * policies), so the hazard check can report the ones a plan adds.
 */
import type { Severity } from './types';

/** One wildcard an Allow statement grants. */
export interface WildcardGrant {
  /** Stable text used to compare before and after, and shown to the reviewer. */
  readonly key: string;
  readonly severity: Severity;
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** Parses a policy document string; undefined when it is not a JSON policy (e.g. an ECR lifecycle policy). */
export function parsePolicyDocument(text: unknown): Record<string, unknown>[] | undefined {
  if (typeof text !== 'string') return undefined;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null || !('Statement' in document)) return undefined;
  const statement = (document as { Statement: unknown }).Statement;
  const statements = Array.isArray(statement) ? statement : [statement];
  return statements.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null && !Array.isArray(s));
}

/**
 * True when an IAM action pattern matches `action` (IAM's own rule: `*` any run of characters, `?` one
 * character, case-insensitive; IAM User Guide, "IAM JSON policy elements: Action").
 */
export function actionMatches(pattern: string, action: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(action);
}

/** Every action of every service: `*`, `*:*`, `**:**`… (a service part and an action part of only `*`). */
export function isEveryAction(pattern: string): boolean {
  return /^\*+$/.test(pattern) || /^\*+:\*+$/.test(pattern);
}

/**
 * IAM actions that let whoever holds them on every resource give themselves any other permission:
 * write any policy, attach any managed policy, make any role assumable, or pass any role to a service
 * that runs code (IAM User Guide, "Actions defined by AWS Identity and Access Management" and
 * "Granting a user permissions to pass a role to an AWS service"). A grant covering one of them is as
 * serious as `*`.
 */
export const ESCALATION_ACTIONS: readonly string[] = [
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreatePolicyVersion',
  'iam:PassRole',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateLoginProfile',
  'iam:AddUserToGroup',
  'sts:AssumeRole',
];

/**
 * Every resource, or every resource of a kind: `*`, and ARNs whose resource part is only a wildcard
 * after an optional type (`arn:aws:s3:::*`, `arn:aws:iam::123456789012:role/*`,
 * `arn:aws:lambda:us-east-1:123456789012:function:*`), whatever the partition, region and account.
 */
export function isEveryResource(resource: string): boolean {
  if (/^\*+$/.test(resource)) return true;
  const match = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/.exec(resource);
  if (match === null) return false;
  // S3 ARNs have no resource type: `arn:aws:s3:::bucket/*` is one bucket's objects, `*/*` every object.
  if (match[1]!.toLowerCase() === 's3') return /^\*+(\/\*+)?$/.test(match[2]!);
  return /^([A-Za-z0-9_.-]+[/:])?\*+$/.test(match[2]!);
}

/** The escalation actions the statement's actions (or everything but its NotAction) cover. */
function escalations(actions: readonly string[], notActions: readonly string[] | undefined): string[] {
  if (notActions !== undefined) return ESCALATION_ACTIONS.filter((action) => !notActions.some((pattern) => actionMatches(pattern, action)));
  return ESCALATION_ACTIONS.filter((action) => actions.some((pattern) => actionMatches(pattern, action)));
}

function principalWildcards(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (typeof principal !== 'object' || principal === null) return [];
  return Object.entries(principal as Record<string, unknown>)
    .filter(([, value]) => asList(value).includes('*'))
    .map(([kind]) => `${kind}:*`);
}

/**
 * The wildcard grants of a policy document, judged by what they cover: Allow statements whose action
 * is a pattern (`s3:*`, `ecs:Describe*`) or a `NotAction`, whose resource is every resource (of a
 * kind) or a `NotResource`, or whose principal is anyone. Blocking when the grant covers every action,
 * every action but a few on every resource, or an {@link ESCALATION_ACTIONS} action on every resource
 * (`iam:*`, `iam:Put*`, `NotAction: s3:*`); a warning otherwise. Deny statements are ignored: a
 * wildcard in a Deny only takes permissions away.
 */
export function wildcardGrants(statements: readonly Record<string, unknown>[]): WildcardGrant[] {
  const grants = new Map<string, Severity>();
  const add = (key: string, severity: Severity): void => {
    const previous = grants.get(key);
    if (previous === undefined || (previous !== 'blocking' && severity === 'blocking')) grants.set(key, severity);
  };
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asList(statement.Action);
    const resources = asList(statement.Resource);
    const notActions = statement.NotAction !== undefined ? asList(statement.NotAction) : undefined;
    const conditional = statement.Condition !== undefined;
    // Pairs, not single items: a new statement on "*" must be told apart from an existing one.
    const resourceList = resources.length > 0 ? resources : ['(no Resource: resource policy)'];
    const everywhere = statement.NotResource !== undefined || resources.some(isEveryResource);
    const escalating = everywhere && escalations(actions, notActions).length > 0;
    for (const action of actions) {
      for (const resource of resourceList) {
        if (!action.includes('*') && !action.includes('?') && !isEveryResource(resource)) continue;
        const blocking = isEveryAction(action) || (isEveryResource(resource) && escalations([action], undefined).length > 0);
        add(`${action} on ${resource}`, blocking ? 'blocking' : 'warning');
      }
    }
    if (notActions !== undefined) {
      add(`every action except ${notActions.join(', ')} on ${resourceList.join(', ')}`, everywhere || escalating ? 'blocking' : 'warning');
    }
    if (statement.NotResource !== undefined) {
      const blocking = actions.some(isEveryAction) || escalating;
      add(`${actions.join(', ') || 'NotAction'} on every resource except ${asList(statement.NotResource).join(', ')}`, blocking ? 'blocking' : 'warning');
    }
    for (const principal of principalWildcards(statement.Principal)) {
      add(
        `principal ${principal}${conditional ? ' (with a condition)' : ''} for ${actions.join(', ') || 'any action'}`,
        conditional ? 'warning' : 'blocking',
      );
    }
    if (statement.NotPrincipal !== undefined) add('every principal except the NotPrincipal list', 'blocking');
  }
  return [...grants.entries()].map(([key, severity]) => ({ key, severity }));
}
