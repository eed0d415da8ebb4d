/**
 * What the ECS stand-in answers: its state rendered in the API's shapes (Service, ServiceDeployment,
 * ServiceDeploymentBrief, ServiceRevision, Task), member names and enums as botocore's ECS model
 * declares them, timestamps in epoch seconds (JSON 1.1). Pure: no state changes.
 */
import { DeploymentState, epoch, RevisionState, ServiceState, TaskState, TERMINAL_DEPLOYMENT_STATUSES } from './state';

function counts(service: ServiceState, revision: RevisionState) {
  const tasks = service.tasks.filter((t) => t.revision === revision && t.desiredStatus === 'RUNNING');
  return {
    runningTaskCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTaskCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
  };
}

function revisionSummary(d: DeploymentState, revision: RevisionState, green: boolean) {
  const c = counts(d.service, revision);
  // Green is wanted until a rollback; blue until green has taken over.
  const requested = (green ? d.status.startsWith('ROLLBACK') : d.status === 'SUCCESSFUL') ? 0 : d.service.desiredCount;
  return {
    arn: revision.arn,
    requestedTaskCount: requested,
    runningTaskCount: c.runningTaskCount,
    pendingTaskCount: c.pendingTaskCount,
    requestedTestTrafficWeight: green ? d.testWeight : 100 - d.testWeight,
    requestedProductionTrafficWeight: green ? d.productionWeight : 100 - d.productionWeight,
  };
}

function monitorStatus(enabled: boolean, triggered: boolean, ended: boolean): 'DISABLED' | 'TRIGGERED' | 'MONITORING' | 'MONITORING_COMPLETE' {
  if (!enabled) return 'DISABLED';
  if (triggered) return 'TRIGGERED';
  return ended ? 'MONITORING_COMPLETE' : 'MONITORING';
}

/** ServiceDeployment (DescribeServiceDeployments). */
export function serviceDeploymentView(d: DeploymentState, hookTimeoutInMs: number): Record<string, unknown> {
  const ended = TERMINAL_DEPLOYMENT_STATUSES.includes(d.status);
  const breaker = d.configuration.deploymentCircuitBreaker;
  const alarms = d.configuration.alarms;
  const running = d.hooks.filter((h) => h.result === 'IN_PROGRESS' || h.result === undefined);
  const latest = new Map(running.map((h) => [h.hookId, h]));
  return {
    serviceDeploymentArn: d.arn,
    serviceArn: d.service.arn,
    clusterArn: d.service.clusterArn,
    createdAt: epoch(d.createdAt),
    ...(d.startedAt !== undefined ? { startedAt: epoch(d.startedAt) } : {}),
    ...(d.finishedAt !== undefined ? { finishedAt: epoch(d.finishedAt) } : {}),
    ...(d.stoppedAt !== undefined ? { stoppedAt: epoch(d.stoppedAt) } : {}),
    updatedAt: epoch(d.updatedAt),
    sourceServiceRevisions: d.source === d.target ? [] : [revisionSummary(d, d.source, false)],
    targetServiceRevision: revisionSummary(d, d.target, true),
    status: d.status,
    ...(d.statusReason !== undefined ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage !== undefined ? { lifecycleStage: d.lifecycleStage } : {}),
    ...(!ended && latest.size > 0
      ? {
          lifecycleHookDetails: [...latest.values()].map((h) => ({
            hookId: h.hookId,
            targetType: 'AWS_LAMBDA',
            targetArn: h.functionArn,
            status: 'IN_PROGRESS',
            expiresAt: epoch(h.at + hookTimeoutInMs),
            timeoutAction: 'ROLLBACK',
          })),
        }
      : {}),
    deploymentConfiguration: JSON.parse(JSON.stringify(d.configuration)) as unknown,
    ...(d.rollback ? { rollback: { reason: d.rollback.reason, startedAt: epoch(d.rollback.startedAt), serviceRevisionArn: d.rollback.serviceRevisionArn } } : {}),
    deploymentCircuitBreaker: {
      status: monitorStatus(breaker?.enable === true, d.circuitBreakerTriggered, ended),
      failureCount: d.circuitBreakerFailures,
      threshold: Math.min(200, Math.max(3, Math.ceil(0.5 * d.service.desiredCount))),
    },
    alarms: {
      status: monitorStatus(alarms?.enable === true, d.triggeredAlarms.length > 0, ended),
      alarmNames: [...(alarms?.alarmNames ?? [])],
      triggeredAlarmNames: [...d.triggeredAlarms],
    },
  };
}

/** ServiceDeploymentBrief (ListServiceDeployments). */
export function serviceDeploymentBriefView(d: DeploymentState): Record<string, unknown> {
  return {
    serviceDeploymentArn: d.arn,
    serviceArn: d.service.arn,
    clusterArn: d.service.clusterArn,
    ...(d.startedAt !== undefined ? { startedAt: epoch(d.startedAt) } : {}),
    createdAt: epoch(d.createdAt),
    ...(d.finishedAt !== undefined || d.stoppedAt !== undefined ? { finishedAt: epoch(d.finishedAt ?? d.stoppedAt) } : {}),
    targetServiceRevisionArn: d.target.arn,
    status: d.status,
    ...(d.statusReason !== undefined ? { statusReason: d.statusReason } : {}),
  };
}

/** The legacy `deployments` list of a Service: one entry per revision with tasks wanted. */
function legacyDeployments(s: ServiceState): Record<string, unknown>[] {
  const latest = s.deployments[s.deployments.length - 1];
  const entry = (d: DeploymentState | undefined, revision: RevisionState, primary: boolean) => {
    const c = counts(s, revision);
    const rollout = !d ? 'COMPLETED' : d.status === 'SUCCESSFUL' ? 'COMPLETED' : TERMINAL_DEPLOYMENT_STATUSES.includes(d.status) ? 'FAILED' : 'IN_PROGRESS';
    return {
      id: d?.ecsDeploymentId ?? 'ecs-svc/0000000000000000001',
      status: primary ? 'PRIMARY' : 'ACTIVE',
      taskDefinition: revision.taskDefinition,
      desiredCount: s.desiredCount,
      pendingCount: c.pendingTaskCount,
      runningCount: c.runningTaskCount,
      failedTasks: d?.circuitBreakerFailures ?? 0,
      createdAt: epoch(d?.createdAt ?? s.createdAt),
      updatedAt: epoch(d?.updatedAt ?? s.createdAt),
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
      rolloutState: rollout,
      ...(d?.statusReason ? { rolloutStateReason: d.statusReason } : {}),
    };
  };
  if (!latest || TERMINAL_DEPLOYMENT_STATUSES.includes(latest.status)) return [entry(latest?.status === 'SUCCESSFUL' ? latest : undefined, s.current, true)];
  return [entry(latest, latest.target, true), entry(undefined, latest.source, false)];
}

/** Service (DescribeServices, UpdateService). */
export function serviceView(s: ServiceState): Record<string, unknown> {
  const live = s.tasks.filter((t) => t.desiredStatus === 'RUNNING');
  const revisions = [...new Set(live.map((t) => t.revision))];
  const latest = s.deployments[s.deployments.length - 1];
  return {
    serviceArn: s.arn,
    serviceName: s.serviceName,
    clusterArn: s.clusterArn,
    loadBalancers: JSON.parse(JSON.stringify(s.loadBalancers)) as unknown,
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: s.desiredCount,
    runningCount: live.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingCount: live.filter((t) => t.lastStatus !== 'RUNNING').length,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: s.taskDefinition,
    deploymentConfiguration: JSON.parse(JSON.stringify(s.deploymentConfiguration)) as unknown,
    deployments: legacyDeployments(s),
    events: s.events.map((e) => ({ id: e.id, createdAt: epoch(e.createdAt), message: e.message })),
    createdAt: epoch(s.createdAt),
    ...(latest ? { currentServiceDeployment: latest.arn } : {}),
    currentServiceRevisions: revisions.map((r) => ({ arn: r.arn, requestedTaskCount: s.desiredCount, ...counts(s, r) })),
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: 'arn:aws:iam::123456789012:role/deployer',
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
  };
}

/** ServiceRevision (DescribeServiceRevisions). */
export function serviceRevisionView(s: ServiceState, r: RevisionState): Record<string, unknown> {
  return {
    serviceRevisionArn: r.arn,
    serviceArn: s.arn,
    clusterArn: s.clusterArn,
    taskDefinition: r.taskDefinition,
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    loadBalancers: JSON.parse(JSON.stringify(s.loadBalancers)) as unknown,
    containerImages: r.containers.map((c) => ({ containerName: c.name, image: c.image, imageDigest: `sha256:${'0'.repeat(64)}` })),
    createdAt: epoch(r.createdAt),
  };
}

/** Task (DescribeTasks): stopped tasks keep their stop code, reason and container exit codes. */
export function taskView(s: ServiceState, t: TaskState): Record<string, unknown> {
  return {
    attachments: [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: 'us-east-1a',
    clusterArn: s.clusterArn,
    connectivity: t.lastStatus === 'STOPPED' ? 'DISCONNECTED' : 'CONNECTED',
    containers: t.containers.map((c) => ({
      containerArn: c.containerArn,
      taskArn: t.arn,
      name: c.name,
      image: c.image,
      lastStatus: c.lastStatus,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      networkBindings: [],
      networkInterfaces: [],
      healthStatus: c.healthStatus,
      cpu: '0',
    })),
    cpu: '256',
    createdAt: epoch(t.createdAt),
    desiredStatus: t.desiredStatus,
    enableExecuteCommand: false,
    group: `service:${s.serviceName}`,
    healthStatus: t.healthStatus,
    lastStatus: t.lastStatus,
    launchType: 'FARGATE',
    memory: '512',
    overrides: { containerOverrides: t.containers.map((c) => ({ name: c.name })), inferenceAcceleratorOverrides: [] },
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    ...(t.startedAt !== undefined ? { startedAt: epoch(t.startedAt) } : {}),
    startedBy: t.startedBy,
    ...(t.stopCode !== undefined ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedAt !== undefined ? { stoppedAt: epoch(t.stoppedAt), executionStoppedAt: epoch(t.stoppedAt) } : {}),
    ...(t.stoppedReason !== undefined ? { stoppedReason: t.stoppedReason } : {}),
    ...(t.stoppingAt !== undefined ? { stoppingAt: epoch(t.stoppingAt) } : {}),
    tags: [],
    taskArn: t.arn,
    taskDefinitionArn: t.revision.taskDefinition,
    version: t.lastStatus === 'STOPPED' ? 4 : t.lastStatus === 'RUNNING' ? 3 : 1,
    ephemeralStorage: { sizeInGiB: 20 },
    fargateEphemeralStorage: { sizeInGiB: 20 },
  };
}
