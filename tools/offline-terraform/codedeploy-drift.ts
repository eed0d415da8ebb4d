/**
 * Builds the drift CodeDeploy leaves behind after a successful ECS blue/green release, from the
 * state Terraform holds (`terraform show -json`): the service runs a new task definition revision
 * behind the other (green) target group, and both the production and the test listener forward to
 * green, as weighted forward actions. CodeDeploy moves the test route to the replacement target
 * group before production and never moves it back, so after a release both routes end on the
 * replacement, whatever the test listener forwarded to before.
 */
import type { DriftPatch } from './behaviour';
import type { Value } from './cty';
import { isObject } from './cty';
import type { TerraformJson } from './harness';

/** One resource in `terraform show -json` state output. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: { readonly [attribute: string]: Value };
}

/** The resources of a `terraform show -json` document (root module and child modules). */
export function stateResources(show: unknown): StateResource[] {
  const out: StateResource[] = [];
  const walk = (mod: unknown): void => {
    if (!isObject(mod)) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) if (isObject(r)) out.push(r as unknown as StateResource);
    for (const c of Array.isArray(mod.child_modules) ? mod.child_modules : []) walk(c);
  };
  walk(isObject(show) && isObject(show.values) ? show.values.root_module : undefined);
  return out;
}

function first<T>(v: Value | undefined): T | undefined {
  return (Array.isArray(v) ? v[0] : v) as T | undefined;
}

/** Next revision of a task definition ARN (`…:family:3` → `…:family:4`). */
export function nextRevision(taskDefinitionArn: string): string {
  const m = /^(.*):(\d+)$/.exec(taskDefinitionArn);
  return m ? `${m[1]}:${Number(m[2]) + 1}` : `${taskDefinitionArn}:2`;
}

function weightedForward(to: string, from: string): Value {
  return [
    {
      type: 'forward',
      order: 1,
      target_group_arn: null,
      forward: [{ target_group: [{ arn: to, weight: 1 }, { arn: from, weight: 0 }], stickiness: [{ enabled: false, duration: 1 }] }],
    },
  ];
}

/**
 * The drift patches for one release, derived from the deployment group in state: which service,
 * which two target groups (blue = the one the service uses now) and which listeners.
 */
export function codeDeployReleaseDrift(show: unknown): DriftPatch[] {
  const resources = stateResources(show);
  const group = resources.find((r) => r.type === 'aws_codedeploy_deployment_group');
  if (!group) throw new Error('state has no aws_codedeploy_deployment_group: nothing for CodeDeploy to release');
  const ecs = first<{ service_name: string; cluster_name: string }>(group.values.ecs_service);
  const lbInfo = first<{ target_group_pair_info: Value }>(group.values.load_balancer_info);
  const pair = first<{ prod_traffic_route: Value; test_traffic_route: Value; target_group: Value }>(lbInfo?.target_group_pair_info);
  if (!ecs || !pair) throw new Error(`${group.address}: no ecs_service / target_group_pair_info to release through`);
  const service = resources.find((r) => r.type === 'aws_ecs_service' && r.values.name === ecs.service_name);
  if (!service) throw new Error(`no aws_ecs_service named ${ecs.service_name} in state`);
  const tgNames = (Array.isArray(pair.target_group) ? pair.target_group : []).map((t) => (isObject(t) ? t.name : null));
  const tgs = resources.filter((r) => r.type === 'aws_lb_target_group' && tgNames.includes(r.values.name ?? null));
  const serviceLb = first<{ target_group_arn: string; container_name: string; container_port: number }>(service.values.load_balancer);
  const blue = tgs.find((t) => t.values.arn === serviceLb?.target_group_arn);
  const green = tgs.find((t) => t !== blue);
  if (!serviceLb || !blue || !green) throw new Error(`cannot tell the blue and green target groups apart for ${service.address}`);
  const blueArn = String(blue.values.arn);
  const greenArn = String(green.values.arn);
  const listenerArns = (route: Value): string[] => {
    const r = first<{ listener_arns: Value }>(route);
    return Array.isArray(r?.listener_arns) ? r.listener_arns.map(String) : [];
  };
  const patches: DriftPatch[] = [
    {
      type: 'aws_ecs_service',
      match: { arn: service.values.arn ?? null },
      set: {
        task_definition: nextRevision(String(service.values.task_definition)),
        load_balancer: [{ ...serviceLb, target_group_arn: greenArn }],
      },
    },
  ];
  for (const arn of listenerArns(pair.prod_traffic_route)) {
    patches.push({ type: 'aws_lb_listener', match: { arn }, set: { default_action: weightedForward(greenArn, blueArn) } });
  }
  for (const arn of listenerArns(pair.test_traffic_route)) {
    patches.push({ type: 'aws_lb_listener', match: { arn }, set: { default_action: weightedForward(greenArn, blueArn) } });
  }
  return patches;
}

/** A copy of `config` with every `lifecycle.ignore_changes` of the given resource types removed. */
export function withoutIgnoreChanges(config: TerraformJson, types: readonly string[] = ['aws_ecs_service', 'aws_lb_listener']): TerraformJson {
  const copy = JSON.parse(JSON.stringify(config)) as { resource?: Record<string, Record<string, { lifecycle?: Record<string, unknown> }>> };
  for (const type of types) {
    for (const r of Object.values(copy.resource?.[type] ?? {})) {
      if (r.lifecycle) delete r.lifecycle.ignore_changes;
    }
  }
  return copy as TerraformJson;
}
