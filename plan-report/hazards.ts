/**
 * Blue/green hazards of a plan: changes that cause downtime, break the CodeDeploy pipeline, lose data,
 * make Terraform fight CodeDeploy, or widen access. Each finding has a severity, the resource address
 * and one sentence on the consequence.
 */
import { containsTrue, sameValue } from './diff';
import { parsePolicyDocument, wildcardGrants, type WildcardGrant } from './iam';
import { exposureFindings } from './exposure';
import { nativeFindings } from './native';
import { securitySettingFindings } from './security-settings';
import { productionPorts } from './network';
import { changeKind, compareText } from './summarize';
import { SEVERITIES, type Finding, type Plan, type ResourceChange, type Severity } from './types';

/** Options of the hazard checks. */
export interface HazardOptions {
  /**
   * Ports that may be open to the whole internet (the production listener's).
   * @default derived from the plan's production listeners, else 80 and 443
   */
  readonly productionPorts?: readonly number[];
}

/** Resources whose replacement or deletion takes the service down or breaks the deployment pipeline. */
interface CriticalResource {
  readonly what: string;
  readonly replaced: string;
  readonly deleted: string;
}

const CRITICAL_BY_TYPE: Readonly<Record<string, CriticalResource>> = {
  aws_ecs_service: {
    what: 'ECS service',
    replaced: 'the running tasks are stopped and a new service starts outside any CodeDeploy deployment: downtime until it is healthy, and the deployment group names a service that is briefly gone',
    deleted: 'the service and all its tasks stop: the application is down and the deployment group has nothing to deploy to',
  },
  aws_ecs_cluster: {
    what: 'ECS cluster',
    replaced: 'the service and all its tasks go with the cluster: downtime',
    deleted: 'the service and all its tasks go with the cluster: downtime',
  },
  aws_lb: {
    what: 'load balancer',
    replaced: 'the new load balancer gets a new DNS name: every client and DNS record pointing at the old one breaks, and listeners and target groups are recreated with it',
    deleted: 'all traffic to the service stops',
  },
  aws_lb_listener: {
    what: 'listener',
    replaced: 'traffic on this port stops while it is recreated, and the new listener forwards to the target group in the configuration even if CodeDeploy last shifted traffic to the other one',
    deleted: 'traffic on this port stops and the deployment group references a listener that no longer exists',
  },
  aws_lb_target_group: {
    what: 'target group',
    replaced: 'registered tasks drop out of the load balancer and the deployment group references a target group that no longer exists, so the next release fails',
    deleted: 'registered tasks drop out of the load balancer and the deployment group references a target group that no longer exists, so the next release fails',
  },
  aws_codedeploy_app: {
    what: 'CodeDeploy application',
    replaced: 'its deployment groups and deployment history go with it, and a running deployment is lost',
    deleted: 'its deployment groups and deployment history go with it: releases stop working',
  },
  aws_codedeploy_deployment_group: {
    what: 'CodeDeploy deployment group',
    replaced: 'a running deployment is cut off and the deployment history is lost; releases fail until it exists again',
    deleted: 'releases stop working and the deployment history is lost',
  },
};
// aws_alb* are the provider's older aliases of the aws_lb* types.
const CRITICAL: Readonly<Record<string, CriticalResource>> = {
  ...CRITICAL_BY_TYPE,
  aws_alb: CRITICAL_BY_TYPE.aws_lb,
  aws_alb_listener: CRITICAL_BY_TYPE.aws_lb_listener,
  aws_alb_target_group: CRITICAL_BY_TYPE.aws_lb_target_group,
};

/** Resources whose deletion (or replacement, which deletes first) loses data. */
const DATA: Readonly<Record<string, { readonly severity: Severity; readonly consequence: string }>> = {
  aws_ecr_repository: {
    severity: 'blocking',
    consequence: 'every image in it is deleted: running task definitions can no longer pull their image, so scaling out, task restarts and rollbacks fail',
  },
  aws_s3_bucket: {
    severity: 'warning',
    consequence: 'stored objects (the AppSpec revisions of past releases) are lost; releases can be re-run from the repository, but an old S3 revision can no longer be redeployed',
  },
  aws_cloudwatch_log_group: {
    severity: 'warning',
    consequence: 'its log history is lost (the service can keep running, but past logs cannot be investigated)',
  },
};

/** Service attributes CodeDeploy changes on every release (ECS rejects these updates on a CODE_DEPLOY service). */
const SERVICE_OWNED = ['task_definition', 'load_balancer', 'network_configuration'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function replaceReason(resource: ResourceChange): string {
  const paths = (resource.change.replace_paths ?? []).map((p) => p.join('.')).filter((p) => p !== '');
  if (paths.length > 0) return ` (forced by a change to ${paths.join(', ')})`;
  if (resource.action_reason === 'replace_because_tainted') return ' (the resource is tainted)';
  if (resource.action_reason === 'replace_by_request') return ' (requested with -replace)';
  return '';
}

function criticalFindings(resource: ResourceChange): Finding[] {
  const info = CRITICAL[resource.type];
  const kind = changeKind(resource.change.actions);
  if (info === undefined || (kind !== 'replace' && kind !== 'delete')) return [];
  return [
    kind === 'replace'
      ? {
          id: 'bluegreen-resource-replaced',
          severity: 'blocking',
          address: resource.address,
          message: `Replacing the ${info.what}${replaceReason(resource)}: ${info.replaced}.`,
        }
      : {
          id: 'bluegreen-resource-deleted',
          severity: 'blocking',
          address: resource.address,
          message: `Destroying the ${info.what}: ${info.deleted}.`,
        },
  ];
}

function dataFindings(resource: ResourceChange): Finding[] {
  const info = DATA[resource.type];
  const kind = changeKind(resource.change.actions);
  if (info === undefined || (kind !== 'replace' && kind !== 'delete')) return [];
  const verb = kind === 'replace' ? `Replacing${replaceReason(resource)}` : 'Destroying';
  return [{ id: 'data-resource-deleted', severity: info.severity, address: resource.address, message: `${verb} it: ${info.consequence}.` }];
}

function usesCodeDeploy(values: unknown): boolean {
  if (!isObject(values) || !Array.isArray(values.deployment_controller)) return true; // Unknown: assume the project's default.
  const controller = values.deployment_controller[0];
  return !isObject(controller) || controller.type === undefined || controller.type === 'CODE_DEPLOY';
}

function ownedAttributeFindings(resource: ResourceChange): Finding[] {
  if (changeKind(resource.change.actions) !== 'update') return [];
  const { before, after, after_unknown: unknown } = resource.change;
  if (!isObject(before) || !isObject(after)) return [];
  const changed = (attribute: string): boolean =>
    !sameValue(before[attribute], after[attribute]) || (isObject(unknown) && containsTrue(unknown[attribute]));
  if (resource.type === 'aws_ecs_service' && usesCodeDeploy(after)) {
    const attributes = SERVICE_OWNED.filter(changed);
    if (attributes.length === 0) return [];
    return [
      {
        id: 'codedeploy-owned-attribute',
        severity: 'blocking',
        address: resource.address,
        message: `Terraform would change ${attributes.join(' and ')}, which CodeDeploy owns: the service lost ignore_changes for ${attributes.length === 1 ? 'it' : 'them'}, so the apply fails (ECS rejects these updates on a CODE_DEPLOY service) or undoes the last release.`,
      },
    ];
  }
  if ((resource.type === 'aws_lb_listener' || resource.type === 'aws_alb_listener') && changed('default_action')) {
    return [
      {
        id: 'codedeploy-owned-attribute',
        severity: 'blocking',
        address: resource.address,
        message: 'Terraform would rewrite default_action, which CodeDeploy owns: the listener lost ignore_changes, so the apply sends traffic back to the target group in the configuration, which may be the idle one after a release.',
      },
    ];
  }
  return [];
}

/** A policy document held by an attribute of a resource. */
interface PolicyAttribute {
  /** e.g. `policy`, `assume_role_policy`, `inline_policy "extra"`. */
  readonly name: string;
  readonly text: unknown;
  /** True when the document is known only after apply. */
  readonly unknown: boolean;
}

/** Policy documents of a resource's values: `policy`, `assume_role_policy` and `inline_policy[].policy`. */
function policies(values: unknown, unknownMask: unknown): PolicyAttribute[] {
  const v = isObject(values) ? values : {};
  const u = isObject(unknownMask) ? unknownMask : {};
  const out: PolicyAttribute[] = [];
  for (const name of ['policy', 'assume_role_policy']) {
    if (name in v || u[name] === true) out.push({ name, text: v[name], unknown: u[name] === true });
  }
  const inline = Array.isArray(v.inline_policy) ? v.inline_policy : [];
  const inlineUnknown = Array.isArray(u.inline_policy) ? u.inline_policy : [];
  inline.forEach((block, i) => {
    if (!isObject(block)) return;
    const blockUnknown: unknown = inlineUnknown[i];
    out.push({
      name: `inline_policy "${String(block.name ?? i)}"`,
      text: block.policy,
      unknown: isObject(blockUnknown) && blockUnknown.policy === true,
    });
  });
  return out;
}

function grantsOf(text: unknown): WildcardGrant[] {
  const statements = parsePolicyDocument(text);
  return statements === undefined ? [] : wildcardGrants(statements);
}

const MAX_LISTED = 4;

function isPrincipalGrant(grant: WildcardGrant): boolean {
  return grant.key.startsWith('principal ') || grant.key.startsWith('every principal');
}

function iamFindings(resource: ResourceChange): Finding[] {
  const kind = changeKind(resource.change.actions);
  if (kind !== 'create' && kind !== 'update' && kind !== 'replace') return [];
  const before = new Map(policies(resource.change.before, undefined).map((p) => [p.name, p.text]));
  const sensitive = containsTrue(resource.change.after_sensitive);
  const out: Finding[] = [];
  for (const policy of policies(resource.change.after, resource.change.after_unknown)) {
    if (policy.unknown) {
      out.push({
        id: 'iam-policy-unknown',
        severity: 'info',
        address: resource.address,
        message: `The ${policy.name} document is known only after apply, so it cannot be checked for wildcards here; review the policy source in the pull request.`,
      });
      continue;
    }
    const existing = new Set(grantsOf(before.get(policy.name)).map((g) => g.key));
    const added = grantsOf(policy.text).filter((g) => !existing.has(g.key));
    for (const id of ['iam-wildcard-principal', 'iam-wildcard'] as const) {
      const grants = added.filter((g) => (id === 'iam-wildcard-principal') === isPrincipalGrant(g));
      if (grants.length === 0) continue;
      const severity = grants.some((g) => g.severity === 'blocking') ? 'blocking' : 'warning';
      const listed = sensitive
        ? 'wildcards (the policy is sensitive, so they are not shown)'
        : grants.slice(0, MAX_LISTED).map((g) => g.key).join('; ') + (grants.length > MAX_LISTED ? `; and ${grants.length - MAX_LISTED} more` : '');
      out.push({
        id,
        severity,
        address: resource.address,
        message:
          id === 'iam-wildcard-principal'
            ? `The ${policy.name} document newly allows any principal (${listed}): anyone with an AWS account could use it unless a condition prevents it.`
            : `The ${policy.name} document newly grants ${listed}: broader access than the service needs, and a compromised task or pipeline could use all of it.`,
      });
    }
  }
  return out;
}

function deploymentGroupFindings(resource: ResourceChange): Finding[] {
  if (resource.type !== 'aws_codedeploy_deployment_group' || changeKind(resource.change.actions) !== 'update') return [];
  return [
    {
      id: 'deployment-group-changed',
      severity: 'info',
      address: resource.address,
      message: 'The deployment group changes while a deployment could be running: apply between releases, or the running deployment may fail or keep the old settings.',
    },
  ];
}

/** Ranks severities: info 0, warning 1, blocking 2. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** All hazards of a plan, most severe first, then by address. */
export function findHazards(plan: Plan, options: HazardOptions = {}): Finding[] {
  const production = productionPorts(plan, options.productionPorts).ports;
  const findings: Finding[] = [...exposureFindings(plan, production), ...nativeFindings(plan)];
  for (const resource of plan.resource_changes) {
    if (resource.mode !== 'managed') continue;
    findings.push(
      ...criticalFindings(resource),
      ...dataFindings(resource),
      ...ownedAttributeFindings(resource),
      ...iamFindings(resource),
      ...deploymentGroupFindings(resource),
      ...securitySettingFindings(plan, resource),
    );
  }
  return findings.sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.address, b.address) || compareText(a.id, b.id),
  );
}
