/**
 * Builds the drift a successful ECS-native blue/green deployment leaves behind (deployment controller
 * ECS, strategy BLUE_GREEN, LINEAR or CANARY), from the state Terraform holds (`terraform show -json`):
 *
 * - the service runs the next task definition revision (the release started it with UpdateService);
 * - the service's `load_balancer` has its target groups swapped: the one green's tasks were registered
 *   in (`advanced_configuration.alternate_target_group_arn` before) is now `target_group_arn`, and the
 *   one blue ran in is the alternate (so the next deployment registers its tasks there);
 * - the production and the test rule forward 100 % to green's target group and 0 % to blue's (ECS
 *   moves test traffic first, then production, and leaves both on the revision it deployed).
 *
 * Every native service in the state is released `releases` times: the target groups alternate, so after
 * an even number the service's `load_balancer` and the production rule are back where Terraform created
 * them and only the test rule (created forwarding to the alternate target group) differs. The mechanism
 * (patches applied on refresh) is the one of codedeploy-drift.ts.
 */
import type { DriftPatch } from './behaviour';
import { isObject, type Value } from './cty';
import { nextRevision, stateResources, type StateResource } from './codedeploy-drift';

type Obj = { readonly [key: string]: Value };

const first = (v: Value | undefined): Obj | undefined => {
  const item = Array.isArray(v) ? v[0] : v;
  return isObject(item) ? (item as Obj) : undefined;
};

/** True for a service ECS deploys itself with a load balancer route (advanced configuration). */
function isNativeService(r: StateResource): boolean {
  if (r.type !== 'aws_ecs_service') return false;
  const controller = first(r.values.deployment_controller)?.type ?? 'ECS';
  return controller === 'ECS' && first(first(r.values.load_balancer)?.advanced_configuration) !== undefined;
}

/** A rule's `action` with its forward weights set: `to` 100 %, every other target group 0 %. */
function forwardAllTo(rule: StateResource, to: string): Value {
  const actions = Array.isArray(rule.values.action) ? rule.values.action : [];
  return actions.map((a) => {
    if (!isObject(a) || a.type !== 'forward') return a;
    const forward = first(a.forward);
    if (!forward) throw new Error(`${rule.address}: a forward action without a forward block (no weights for ECS to shift)`);
    const groups = Array.isArray(forward.target_group) ? forward.target_group : [];
    const target_group = groups.map((g) => (isObject(g) ? { ...g, weight: g.arn === to ? 100 : 0 } : g));
    return { ...a, forward: [{ ...forward, target_group }] };
  });
}

/** The drift patches of `releases` successful native deployments of every ECS-native service in the state. */
export function ecsNativeReleaseDrift(show: unknown, releases = 1): DriftPatch[] {
  if (!Number.isInteger(releases) || releases < 1) throw new Error(`releases must be an integer of at least 1, got ${releases}`);
  const resources = stateResources(show);
  const services = resources.filter(isNativeService);
  if (services.length === 0) throw new Error('state has no ECS-native service (deployment_controller ECS with load_balancer.advanced_configuration): nothing for ECS to deploy');
  return services.flatMap((service) => {
    const lb = first(service.values.load_balancer)!;
    const advanced = first(lb.advanced_configuration)!;
    // Odd releases leave production on the alternate target group, even ones back on the primary.
    const [live, idle] = releases % 2 === 1 ? [String(advanced.alternate_target_group_arn), String(lb.target_group_arn)] : [String(lb.target_group_arn), String(advanced.alternate_target_group_arn)];
    const rule = (arn: Value | undefined): StateResource => {
      const found = resources.find((r) => r.type === 'aws_lb_listener_rule' && r.values.arn === arn);
      if (!found) throw new Error(`${service.address}: no aws_lb_listener_rule with arn ${String(arn)} in state`);
      return found;
    };
    const patches: DriftPatch[] = [
      {
        type: 'aws_ecs_service',
        match: { arn: service.values.arn ?? null },
        set: {
          task_definition: Array.from({ length: releases }).reduce<string>((arn) => nextRevision(arn), String(service.values.task_definition)),
          load_balancer: [{ ...lb, target_group_arn: live, advanced_configuration: [{ ...advanced, alternate_target_group_arn: idle }] }],
        },
      },
    ];
    for (const arn of [advanced.production_listener_rule, advanced.test_listener_rule]) {
      if (arn === null || arn === undefined || arn === '') continue;
      const r = rule(arn);
      patches.push({ type: 'aws_lb_listener_rule', match: { arn: r.values.arn ?? null }, set: { action: forwardAllTo(r, live) } });
    }
    return patches;
  });
}
