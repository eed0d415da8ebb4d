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

/** `*`, `*:*`: every action of every service. */
function isEveryAction(action: string): boolean {
  return action === '*' || action === '*:*';
}

/** `*`, or an ARN whose resource part is only `*` (every resource of a service, e.g. `arn:aws:s3:::*`). */
function isEveryResource(resource: string): boolean {
  return resource === '*' || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(resource);
}

function principalWildcards(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (typeof principal !== 'object' || principal === null) return [];
  return Object.entries(principal as Record<string, unknown>)
    .filter(([, value]) => asList(value).includes('*'))
    .map(([kind]) => `${kind}:*`);
}

/**
 * The wildcard grants of a policy document: Allow statements whose action contains `*` or uses
 * `NotAction`, whose resource is every resource or uses `NotResource`, or whose principal is anyone.
 * Deny statements are ignored: a wildcard in a Deny only takes permissions away.
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
    const conditional = statement.Condition !== undefined;
    // Pairs, not single items: a new statement on "*" must be told apart from an existing one.
    const resourceList = resources.length > 0 ? resources : ['(no Resource: resource policy)'];
    for (const action of actions) {
      for (const resource of resourceList) {
        if (action.includes('*') || isEveryResource(resource)) {
          add(`${action} on ${resource}`, isEveryAction(action) ? 'blocking' : 'warning');
        }
      }
    }
    if (statement.NotAction !== undefined) {
      add(`every action except ${asList(statement.NotAction).join(', ')} on ${resourceList.join(', ')}`, 'warning');
    }
    if (statement.NotResource !== undefined) {
      add(`${actions.join(', ') || 'NotAction'} on every resource except ${asList(statement.NotResource).join(', ')}`, 'warning');
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
