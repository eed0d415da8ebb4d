/**
 * What the deployment group and its deployment config say about the deployment's duration: the
 * overall timeout (release/timeout.ts computes it) and the traffic schedule the poll delay and the
 * progress bar use. Also refuses a group that does not deploy to ECS before anything is created.
 */
import { GetDeploymentConfigCommand, GetDeploymentGroupCommand, type DeploymentConfigInfo, type DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { ReleaseAbort } from './abort';
import type { ReleaseContext } from './context';
import type { Display } from './display';
import type { CommonReleaseInput } from './input';
import type { ShiftSchedule } from './poll';
import { computeTimeout, scaledTimeoutNote, timeoutInMs } from './timeout';

/** The overall timeout, and the schedule when the group and config were read. */
export interface GroupSettings {
  readonly timeoutInMinutes: number;
  /** The timeout on the real clock (its minutes last `--minute-in-ms`, but the margin's: release/timeout.ts). */
  readonly timeoutInMs: number;
  /** @default - unknown (`--timeout-in-minutes` given: nothing was read) */
  readonly schedule?: ShiftSchedule;
  /**
   * The ECS target of the group's deployments, `<clustername>:<servicename>` (the format of ECS target
   * ids: CodeDeploy API Reference, BatchGetDeploymentTargets `targetIds` and DeploymentGroupInfo
   * `ecsServices`), so no ListDeploymentTargets is needed to find it. @default - unknown: listed
   */
  readonly ecsTargetId?: string;
}

/**
 * The schedule of a deployment config's traffic routing (TrafficRoutingConfig of the CodeDeploy API:
 * canaryPercentage/canaryInterval, linearPercentage/linearInterval, in percent and minutes) and of the
 * group's waits (release/timeout.ts reads them: the termination wait, the ready wait of STOP_DEPLOYMENT).
 */
export function shiftSchedule(config: DeploymentConfigInfo | undefined, waits: { readonly terminationWaitInMinutes: number; readonly readyWaitInMinutes: number }): ShiftSchedule {
  const routing = config?.trafficRoutingConfig;
  const type = routing?.type === 'TimeBasedCanary' || routing?.type === 'TimeBasedLinear' ? routing.type : 'AllAtOnce';
  const stepPercent = type === 'TimeBasedCanary' ? routing?.timeBasedCanary?.canaryPercentage : type === 'TimeBasedLinear' ? routing?.timeBasedLinear?.linearPercentage : undefined;
  return {
    type,
    intervalInMinutes: routing?.timeBasedCanary?.canaryInterval ?? routing?.timeBasedLinear?.linearInterval ?? 0,
    terminationWaitInMinutes: waits.terminationWaitInMinutes,
    ...(stepPercent !== undefined && stepPercent > 0 ? { stepPercent } : {}),
    ...(waits.readyWaitInMinutes > 0 ? { readyWaitInMinutes: waits.readyWaitInMinutes } : {}),
  };
}

/** Reads the group and its effective config (unless `--timeout-in-minutes`), printing the `timeout` line. */
export async function readGroupSettings(ctx: ReleaseContext): Promise<GroupSettings> {
  const { input, calls, display } = ctx;
  if (input.timeoutInMinutes !== undefined) return givenTimeout(ctx);
  const group = (
    await calls.call<{ deploymentGroupInfo?: DeploymentGroupInfo }>('GetDeploymentGroup', new GetDeploymentGroupCommand({ applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName }))
  ).deploymentGroupInfo;
  if (group?.computePlatform && group.computePlatform !== 'ECS') {
    throw new ReleaseAbort(
      { kind: 'invalid-input' },
      `deployment group ${input.deploymentGroupName} of ${input.applicationName} deploys to ${group.computePlatform}, not ECS; this release starts ECS blue/green deployments only`,
      'NotEcs',
    );
  }
  const configName = input.deploymentConfigName ?? group?.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce';
  const config = (await calls.call<{ deploymentConfigInfo?: DeploymentConfigInfo }>('GetDeploymentConfig', new GetDeploymentConfigCommand({ deploymentConfigName: configName }))).deploymentConfigInfo;
  const t = computeTimeout(group, config);
  display.line(
    'timeout',
    `${t.totalInMinutes} min (${configName}: ready wait ${t.readyWaitInMinutes} + traffic shifting ${t.trafficShiftingInMinutes} + termination wait ${t.terminationWaitInMinutes} + margin ${t.marginInMinutes})${scaledTimeoutNote(t, input.minuteInMs)}`,
  );
  const ecs = group?.ecsServices?.[0];
  const ecsTargetId = ecs?.clusterName && ecs.serviceName ? `${ecs.clusterName}:${ecs.serviceName}` : undefined;
  return { timeoutInMinutes: t.totalInMinutes, timeoutInMs: timeoutInMs(t, input.minuteInMs), schedule: shiftSchedule(config, t), ...(ecsTargetId ? { ecsTargetId } : {}) };
}

/** `--timeout-in-minutes`: the `timeout` line, and the timeout without a margin (either controller). */
export function givenTimeout(ctx: { readonly input: CommonReleaseInput; readonly display: Display }): GroupSettings {
  const given = { totalInMinutes: ctx.input.timeoutInMinutes ?? 0, marginInMinutes: 0 };
  ctx.display.line('timeout', `${given.totalInMinutes} min (--timeout-in-minutes)${scaledTimeoutNote(given, ctx.input.minuteInMs)}`);
  return { timeoutInMinutes: given.totalInMinutes, timeoutInMs: timeoutInMs(given, ctx.input.minuteInMs) };
}
