/**
 * What the demo reads from a synthesized stack (its cdk.tf.json): the CodeDeploy deployment group the
 * local stand-in must play, the hook function (its environment and the zip Terraform would upload),
 * and, when terraform is not installed, the stack's outputs with placeholder values. Pure functions
 * over Terraform JSON.
 */

import type { DeploymentGroupSpec, EcsDeploymentConfig, TrafficRoutingConfig } from '../test-support/codedeploy';

/** The parts of a synthesized stack the demo reads. */
export interface StackJson {
  readonly provider?: { readonly aws?: readonly { readonly region?: string }[] };
  readonly resource?: { readonly [type: string]: { readonly [name: string]: Record<string, unknown> } };
  readonly output?: { readonly [name: string]: { readonly value: unknown; readonly sensitive?: boolean } };
}

/** The account of every placeholder ARN: no real AWS account has this id. */
export const PLACEHOLDER_ACCOUNT_ID = '000000000000';
/** The word every made-up placeholder value carries. */
export const PLACEHOLDER_MARK = 'offline-placeholder';

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/** The stack's AWS region (its aws provider's), or us-east-1. */
export function stackRegion(config: StackJson): string {
  return config.provider?.aws?.[0]?.region ?? 'us-east-1';
}

function resourceOf(config: StackJson, type: string, name: string): Record<string, unknown> | undefined {
  return config.resource?.[type]?.[name];
}

/** The literal value of attribute `attr` of a resource in the configuration, when it is set there. */
function literal(config: StackJson, type: string, name: string, attr: string): string | number | undefined {
  const v = resourceOf(config, type, name)?.[attr];
  return typeof v === 'string' && !v.includes('${') ? v : typeof v === 'number' ? v : undefined;
}

/**
 * A placeholder for an attribute Terraform computes (known only after an apply), shaped like the real
 * value where the release checks its shape (a task definition ARN) and marked as made up everywhere.
 */
export function placeholderFor(config: StackJson, type: string, name: string, attr: string): string {
  const region = stackRegion(config);
  const own = (key: string): string | undefined => {
    const v = literal(config, type, name, key);
    return v === undefined ? undefined : String(v);
  };
  if (type === 'aws_ecs_task_definition' && attr === 'arn') return `arn:aws:ecs:${region}:${PLACEHOLDER_ACCOUNT_ID}:task-definition/${own('family') ?? 'task'}:1`;
  if (type === 'aws_lb' && attr === 'dns_name') return `${own('name') ?? 'alb'}-${PLACEHOLDER_MARK}.${region}.elb.amazonaws.com`;
  if (type === 'aws_s3_bucket' && attr === 'bucket') return `${own('bucket_prefix') ?? 'bucket-'}${PLACEHOLDER_MARK}`;
  if (type === 'aws_ecr_repository' && attr === 'repository_url') return `${PLACEHOLDER_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${own('name') ?? 'repository'}`;
  if (attr === 'arn') return `arn:aws:${type.split('_')[1] ?? 'aws'}:${region}:${PLACEHOLDER_ACCOUNT_ID}:${type.replace(/^aws_/, '')}/${own('name') ?? name}-${PLACEHOLDER_MARK}`;
  return PLACEHOLDER_MARK;
}

/**
 * `text` with every `${type.name.attr}` reference replaced: by the attribute's literal value in the
 * configuration, else by `computed(type, name, attr)`; undefined when `computed` gives nothing.
 */
export function resolveReferences(config: StackJson, text: string, computed: (type: string, name: string, attr: string) => string | undefined = () => undefined): string | undefined {
  let missing = false;
  const out = text.replace(REFERENCE, (_m, type: string, name: string, attr: string) => {
    const v = literal(config, type, name, attr) ?? computed(type, name, attr);
    if (v === undefined) missing = true;
    return String(v ?? '');
  });
  return missing ? undefined : out;
}

/** `value` with every reference in its strings resolved (computed ones by placeholders), however deep. */
function resolveValue(config: StackJson, value: unknown): unknown {
  if (typeof value === 'string') return resolveReferences(config, value, (t, n, a) => placeholderFor(config, t, n, a));
  if (Array.isArray(value)) return value.map((v) => resolveValue(config, v));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(config, v)]));
  return value;
}

/** The type `terraform output -json` gives a value: `string`, `number`, `bool`, or `["object", {…}]` / `["tuple", […]]`. */
export function outputType(value: unknown): unknown {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(outputType)];
  if (typeof value === 'object' && value !== null) return ['object', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, outputType(v)]))];
  return 'string';
}

/** The stack's outputs as `terraform output -json` would give them after an apply, computed values replaced by placeholders. */
export function placeholderOutputs(config: StackJson): Record<string, { value: unknown; type: unknown; sensitive: boolean }> {
  const out: Record<string, { value: unknown; type: unknown; sensitive: boolean }> = {};
  for (const [name, o] of Object.entries(config.output ?? {})) {
    const value = resolveValue(config, o.value);
    out[name] = { value, type: outputType(value), sensitive: o.sensitive === true };
  }
  out.offline_notice = {
    value: `Derived by npm run demo from the synthesized stack, without terraform: every value Terraform would compute is a placeholder (account ${PLACEHOLDER_ACCOUNT_ID}, "${PLACEHOLDER_MARK}"); nothing here exists in AWS.`,
    type: 'string',
    sensitive: false,
  };
  return out;
}

/**
 * The deployment group the stand-in plays, as the stack configures it: every setting of the
 * stand-in's group spec, plus the stack's own deployment config when it defines one (a custom canary
 * or linear shape).
 */
export interface DemoGroup extends Required<Omit<DeploymentGroupSpec, 'desiredCount'>> {
  readonly customConfig?: EcsDeploymentConfig;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (Array.isArray(v) ? obj(v[0]) : typeof v === 'object' && v !== null ? (v as Obj) : {});
const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

function customConfigOf(config: StackJson, configName: string): DemoGroup['customConfig'] {
  const resource = Object.values(config.resource?.aws_codedeploy_deployment_config ?? {}).find((c) => c.deployment_config_name === configName);
  if (!resource) return undefined;
  const routing = obj(resource.traffic_routing_config);
  const canary = obj(routing.time_based_canary);
  const linear = obj(routing.time_based_linear);
  const type = routing.type === 'TimeBasedCanary' || routing.type === 'TimeBasedLinear' ? routing.type : 'AllAtOnce';
  const trafficRoutingConfig: TrafficRoutingConfig =
    type === 'TimeBasedCanary'
      ? { type, timeBasedCanary: { canaryPercentage: num(canary.percentage, 10), canaryInterval: num(canary.interval, 5) } }
      : type === 'TimeBasedLinear'
        ? { type, timeBasedLinear: { linearPercentage: num(linear.percentage, 10), linearInterval: num(linear.interval, 1) } }
        : { type };
  return { deploymentConfigName: configName, trafficRoutingConfig };
}

/**
 * A deployment group of the stack, every name resolved from the configuration: the one named
 * `name` (a service's, in a stack with several), else the first.
 * @throws when there is no such group or one of its names is not known before an apply
 */
export function demoGroup(config: StackJson, name?: string): DemoGroup {
  const groups = Object.values(config.resource?.aws_codedeploy_deployment_group ?? {});
  const group = name === undefined ? groups[0] : groups.find((g) => typeof g.deployment_group_name === 'string' && resolveReferences(config, g.deployment_group_name) === name);
  if (!group) throw new Error(name === undefined ? 'the stack has no aws_codedeploy_deployment_group' : `the stack has no deployment group ${JSON.stringify(name)}`);
  const text = (v: unknown, what: string): string => {
    const r = typeof v === 'string' ? resolveReferences(config, v) : undefined;
    if (r === undefined) throw new Error(`the deployment group's ${what} is not known before an apply (${JSON.stringify(v)})`);
    return r;
  };
  const bg = obj(group.blue_green_deployment_config);
  const ready = obj(bg.deployment_ready_option);
  const alarmConfig = obj(group.alarm_configuration);
  const rollback = obj(group.auto_rollback_configuration);
  const ecs = obj(group.ecs_service);
  const tgs = (obj(obj(group.load_balancer_info).target_group_pair_info).target_group as unknown[] | undefined) ?? [];
  const deploymentConfigName = typeof group.deployment_config_name === 'string' ? text(group.deployment_config_name, 'deployment config') : 'CodeDeployDefault.ECSAllAtOnce';
  const custom = customConfigOf(config, deploymentConfigName);
  return {
    applicationName: text(group.app_name, 'application name'),
    deploymentGroupName: text(group.deployment_group_name, 'name'),
    deploymentConfigName,
    ...(custom ? { customConfig: custom } : {}),
    clusterName: text(ecs.cluster_name, 'cluster'),
    serviceName: text(ecs.service_name, 'service'),
    targetGroupNames: [text(obj(tgs[0]).name, 'blue target group'), text(obj(tgs[1]).name, 'green target group')],
    terminationWaitTimeInMinutes: num(obj(bg.terminate_blue_instances_on_deployment_success).termination_wait_time_in_minutes, 0),
    deploymentReadyOption: {
      actionOnTimeout: ready.action_on_timeout === 'STOP_DEPLOYMENT' ? 'STOP_DEPLOYMENT' : 'CONTINUE_DEPLOYMENT',
      waitTimeInMinutes: num(ready.wait_time_in_minutes, 0),
    },
    alarms: alarmConfig.enabled === false ? [] : ((alarmConfig.alarms as unknown[] | undefined) ?? []).map((a) => text(a, 'alarm name')),
    autoRollbackConfiguration: {
      enabled: rollback.enabled === true,
      events: ((rollback.events as string[] | undefined) ?? []).filter((e): e is 'DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' => e === 'DEPLOYMENT_FAILURE' || e === 'DEPLOYMENT_STOP_ON_ALARM'),
    },
  };
}

/** The hook function as the stack deploys it. */
export interface DemoHook {
  readonly functionName: string;
  /** Its environment variables; values Terraform computes (the test URL) are left out. */
  readonly variables: Readonly<Record<string, string>>;
  /** The zip Terraform uploads, relative to the stack directory. */
  readonly zipFile: string;
  readonly timeoutInSeconds: number;
}

/**
 * A hook Lambda of the stack: the `aws_lambda_function` named `functionName` (a service's), else the
 * first whose name starts with `CodeDeployHook_`.
 * @throws when there is none, or its code is not a local zip
 */
export function demoHook(config: StackJson, functionName?: string): DemoHook {
  const fn = Object.values(config.resource?.aws_lambda_function ?? {}).find((f) =>
    typeof f.function_name === 'string' && (functionName === undefined ? f.function_name.startsWith('CodeDeployHook_') : resolveReferences(config, f.function_name) === functionName),
  );
  if (!fn) throw new Error(functionName === undefined ? 'the stack has no hook function (an aws_lambda_function named CodeDeployHook_…)' : `the stack has no hook function ${JSON.stringify(functionName)}`);
  if (typeof fn.filename !== 'string') throw new Error(`the hook function ${String(fn.function_name)} has no local zip (filename)`);
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(obj(fn.environment).variables))) {
    const resolved = typeof v === 'string' ? resolveReferences(config, v) : undefined;
    if (resolved !== undefined) variables[k] = resolved;
  }
  return { functionName: String(fn.function_name), variables, zipFile: fn.filename, timeoutInSeconds: num(fn.timeout, 3) };
}
