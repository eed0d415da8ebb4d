/**
 * What CodeDeploy answers: the stand-in's state rendered in the API's shapes (DeploymentInfo,
 * DeploymentTarget with its ECSTarget, DeploymentGroupInfo, DeploymentConfigInfo), member names and
 * enums as botocore's CodeDeploy model declares them, timestamps in epoch seconds (JSON 1.1). Pure.
 */
import { createHash } from 'node:crypto';
import { EcsDeploymentConfig } from './deployment-configs';
import { ACCOUNT, Deployment, ResolvedGroup } from './state-machine';

const epoch = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** The ECS target of a deployment: `<cluster>:<service>`. */
export function targetId(d: Deployment): string {
  return `${d.group.clusterName}:${d.group.serviceName}`;
}

/** A stable listener ARN per group and route. */
export function listenerArn(g: ResolvedGroup, which: 'prod' | 'test', region: string): string {
  const id = createHash('sha256').update(`${g.serviceName}/${which}`).digest('hex');
  return `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:listener/app/${g.serviceName}/${id.slice(0, 16)}/${id.slice(16, 32)}`;
}

/** DeploymentInfo (GetDeployment, BatchGetDeployments). */
export function deploymentInfo(d: Deployment): Record<string, unknown> {
  const counts = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  if (d.targetStatus !== 'Unknown') counts[d.targetStatus] += 1;
  const g = d.group;
  return {
    applicationName: g.applicationName,
    deploymentGroupName: g.deploymentGroupName,
    deploymentConfigName: d.config.deploymentConfigName,
    deploymentId: d.id,
    revision: d.revision,
    status: d.status,
    ...(d.errorInformation ? { errorInformation: { ...d.errorInformation } } : {}),
    createTime: epoch(d.createTime),
    ...(d.startTime !== undefined ? { startTime: epoch(d.startTime) } : {}),
    ...(d.completeTime !== undefined ? { completeTime: epoch(d.completeTime) } : {}),
    deploymentOverview: counts,
    ...(d.description !== undefined ? { description: d.description } : {}),
    creator: d.creator,
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: { enabled: d.autoRollback.enabled, events: [...d.autoRollback.events] },
    updateOutdatedInstancesOnly: false,
    ...(d.rollbackInfo ? { rollbackInfo: { ...d.rollbackInfo } } : {}),
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    instanceTerminationWaitTimeStarted: d.instanceTerminationWaitTimeStarted,
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: g.terminationWaitTimeInMinutes },
      deploymentReadyOption: { ...g.deploymentReadyOption },
    },
    loadBalancerInfo: { targetGroupPairInfoList: [{ targetGroups: g.targetGroupNames.map((name) => ({ name })) }] },
    fileExistsBehavior: 'DISALLOW',
    deploymentStatusMessages: [],
    computePlatform: 'ECS',
  };
}

/** DeploymentTarget of an ECS deployment (GetDeploymentTarget, BatchGetDeploymentTargets). */
export function deploymentTarget(d: Deployment, region: string): Record<string, unknown> {
  const g = d.group;
  return {
    deploymentTargetType: 'ECSTarget',
    ecsTarget: {
      deploymentId: d.id,
      targetId: targetId(d),
      targetArn: `arn:aws:ecs:${region}:${ACCOUNT}:service/${g.clusterName}/${g.serviceName}`,
      lastUpdatedAt: epoch(d.lastUpdatedAt),
      lifecycleEvents: d.events.map((e) => ({
        lifecycleEventName: e.lifecycleEventName,
        ...(e.diagnostics ? { diagnostics: { ...e.diagnostics } } : {}),
        ...(e.startTime !== undefined ? { startTime: epoch(e.startTime) } : {}),
        ...(e.endTime !== undefined ? { endTime: epoch(e.endTime) } : {}),
        status: e.status,
      })),
      status: d.targetStatus,
      taskSetsInfo: d.taskSets.map((t) => ({
        identifer: t.identifer,
        desiredCount: t.desiredCount,
        pendingCount: t.pendingCount,
        runningCount: t.runningCount,
        status: t.status,
        trafficWeight: t.trafficWeight,
        targetGroup: { name: t.targetGroupName },
        taskSetLabel: t.label,
      })),
    },
  };
}

/** DeploymentGroupInfo (GetDeploymentGroup); `deployments` are the group's, oldest first. */
export function deploymentGroupInfo(g: ResolvedGroup, deployments: readonly Deployment[], region: string): { deploymentGroupInfo: unknown } {
  const last = (pred: (d: Deployment) => boolean) => {
    const d = deployments.filter((x) => x.group === g && pred(x)).pop();
    return d ? { deploymentId: d.id, status: d.status, endTime: epoch(d.completeTime), createTime: epoch(d.createTime) } : undefined;
  };
  return {
    deploymentGroupInfo: {
      applicationName: g.applicationName,
      deploymentGroupId: g.deploymentGroupId,
      deploymentGroupName: g.deploymentGroupName,
      deploymentConfigName: g.deploymentConfigName,
      ec2TagFilters: [],
      onPremisesInstanceTagFilters: [],
      autoScalingGroups: [],
      serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/${g.applicationName}-codedeploy`,
      triggerConfigurations: [],
      alarmConfiguration: { enabled: g.alarms.length > 0, ignorePollAlarmFailure: false, alarms: g.alarms.map((name) => ({ name })) },
      autoRollbackConfiguration: { enabled: g.autoRollbackConfiguration.enabled, events: [...g.autoRollbackConfiguration.events] },
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      outdatedInstancesStrategy: 'UPDATE',
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: g.terminationWaitTimeInMinutes },
        deploymentReadyOption: { ...g.deploymentReadyOption },
      },
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: g.targetGroupNames.map((name) => ({ name })),
            prodTrafficRoute: { listenerArns: [listenerArn(g, 'prod', region)] },
            testTrafficRoute: { listenerArns: [listenerArn(g, 'test', region)] },
          },
        ],
      },
      ...(last(() => true) ? { lastAttemptedDeployment: last(() => true) } : {}),
      ...(last((d) => d.status === 'Succeeded') ? { lastSuccessfulDeployment: last((d) => d.status === 'Succeeded') } : {}),
      computePlatform: 'ECS',
      ecsServices: [{ serviceName: g.serviceName, clusterName: g.clusterName }],
    },
  };
}

/** DeploymentConfigInfo (GetDeploymentConfig). */
export function deploymentConfigInfo(config: EcsDeploymentConfig): { deploymentConfigInfo: unknown } {
  return {
    deploymentConfigInfo: {
      // A stable id per name, as CodeDeploy's are.
      deploymentConfigId: createHash('sha256').update(config.deploymentConfigName).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
      deploymentConfigName: config.deploymentConfigName,
      createTime: 1_546_300_800,
      computePlatform: 'ECS',
      trafficRoutingConfig: config.trafficRoutingConfig,
    },
  };
}

/** GetApplicationRevision's answer: a revision and the deployments (oldest first) that used it. */
export function applicationRevisionInfo(applicationName: string, revision: unknown, used: readonly Deployment[]): unknown {
  return {
    applicationName,
    revision,
    revisionInfo: {
      description: used[used.length - 1]!.description,
      deploymentGroups: [...new Set(used.map((d) => d.group.deploymentGroupName))],
      firstUsedTime: epoch(used[0]!.createTime),
      lastUsedTime: epoch(used[used.length - 1]!.createTime),
      registerTime: epoch(used[0]!.createTime),
    },
  };
}
