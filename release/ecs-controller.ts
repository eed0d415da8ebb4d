/**
 * ECS's own deployment controller (an ECS-native blue/green, linear or canary service). Terraform
 * registers the new task definition (the service's `task_definition` is ignored by Terraform, as for
 * CodeDeploy); the release starts the deployment with UpdateService (the service's cluster and name,
 * the task definition, `forceNewDeployment` false) and follows the service deployment ECS creates with
 * DescribeServiceDeployments, one call per poll (its `lifecycleStage`, revisions with their traffic
 * weights, `rollback`, alarms and circuit breaker answer everything the display needs). A failure is
 * rolled back by ECS inside the same service deployment, which the release then follows as the
 * rollback. Ctrl-C sends StopServiceDeployment with stopType ROLLBACK.
 */
import type { Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { ReleaseAbort } from './abort';
import { retryDelayInMs } from './aws-calls';
import type { EcsContext } from './context';
import type { DeploymentController, DeploymentPoller, PollerReads, ReportIdentity, RollbackFound, StartResult } from './controller';
import { clearEcsActive } from './ecs-active';
import { type EcsProgress, ecsProgressFrom } from './ecs-progress';
import { computeEcsTimeout, describeStrategy, ecsShiftSchedule } from './ecs-schedule';
import type { Line } from './failure';
import { givenTimeout, type GroupSettings } from './group-settings';
import { scaledTimeoutNote, timeoutInMs } from './timeout';
import type { FollowRole } from './next-step';
import type { Progress } from './progress';
import { lambdaLogGroup } from './request';

/** How long to look for the service deployment UpdateService started, when its answer does not name it. */
export const START_DISCOVERY_IN_MS = 30_000;
/** UpdateService attempts while ECS throttles it. */
export const MAX_UPDATE_ATTEMPTS = 5;

/** `family:revision` of a task definition given by ARN or as `family:revision`. */
export function taskDefinitionKey(taskDefinition: string): string {
  return taskDefinition.replace(/^arn:[^:]+:ecs:[^:]*:\d*:task-definition\//, '');
}

/** The exact UpdateService request of a release (what `--dry-run` prints). */
export function buildUpdateServiceRequest(input: EcsContext['input']): UpdateServiceCommandInput {
  return { cluster: input.clusterName, service: input.serviceName, taskDefinition: input.taskDefinitionArn, forceNewDeployment: false };
}

/**
 * The ECS console page of a service's deployments (partition-aware), where a service deployment is
 * listed; the service deployment ARN names the cluster and the service.
 */
export function ecsConsoleUrl(region: string, serviceDeploymentArn: string, fallback: { readonly clusterName: string; readonly serviceName: string }): string {
  const m = /:service-deployment\/([^/]+)\/([^/]+)\//.exec(serviceDeploymentArn);
  const [cluster, service] = m ? [m[1]!, m[2]!] : [fallback.clusterName, fallback.serviceName];
  const host = region.startsWith('cn-') ? `${region}.console.amazonaws.cn` : region.startsWith('us-gov-') ? 'console.amazonaws-us-gov.com' : `${region}.console.aws.amazon.com`;
  return `https://${host}/ecs/v2/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/deployments?region=${region}`;
}

/** The ECS controller of one release. */
export class EcsController implements DeploymentController {
  readonly type = 'ECS' as const;
  readonly statusCall = 'DescribeServiceDeployments' as const;
  readonly finalWaitKeyword = 'bake-time';
  /** The service as DescribeServices answered it last. */
  private service: Service | undefined;

  constructor(private readonly ctx: EcsContext) {}

  get calls(): EcsContext['calls'] {
    return this.ctx.calls;
  }

  describeTarget(): string {
    const i = this.ctx.input;
    return `cluster ${i.clusterName} service ${i.serviceName} region ${i.region} controller ECS`;
  }

  describeRevision(): string {
    return `task-definition ${this.ctx.input.taskDefinitionArn}`;
  }

  /** Reads the service: it must exist and be deployed by ECS; its deployment configuration gives the timeout. */
  async readSettings(): Promise<GroupSettings> {
    const { input, display } = this.ctx;
    const service = await this.readService();
    const config = service.deploymentConfiguration;
    if (!config?.strategy || config.strategy === 'ROLLING') {
      display.line('warning', `service ${input.serviceName} uses the ROLLING strategy: no test traffic, traffic shifting or bake time to show; following the service deployment's status`);
    }
    const schedule = ecsShiftSchedule(config);
    if (input.timeoutInMinutes !== undefined) return { ...givenTimeout(this.ctx), schedule };
    const t = computeEcsTimeout(config);
    display.line('timeout', `${t.totalInMinutes} min (${describeStrategy(config)}: traffic shifting ${t.trafficShiftingInMinutes} + bake time ${t.bakeTimeInMinutes} + margin ${t.marginInMinutes})${scaledTimeoutNote(t, input.minuteInMs)}`);
    return { timeoutInMinutes: t.totalInMinutes, timeoutInMs: timeoutInMs(t, input.minuteInMs), schedule };
  }

  private async readService(): Promise<Service> {
    const { input, calls } = this.ctx;
    const lookup = await calls.describeService(input.clusterName, input.serviceName);
    if (lookup.kind === 'missing') {
      throw new ReleaseAbort({ kind: 'invalid-input' }, `ECS has no service ${input.serviceName} in cluster ${input.clusterName} (DescribeServices: ${lookup.reason}). Check --ecs-cluster/--ecs-service (or RELEASE_* variables and the outputs file) and --region ${input.region}.`, 'ServiceNotFoundException');
    }
    const type = lookup.service.deploymentController?.type ?? 'ECS';
    if (type !== 'ECS') {
      throw new ReleaseAbort(
        { kind: 'invalid-input' },
        `service ${input.serviceName} in cluster ${input.clusterName} is deployed by the ${type} deployment controller, not ECS; release it with --controller ${type === 'CODE_DEPLOY' ? 'CODE_DEPLOY' : '<its controller>'} (or the stack's ${'deployment_controller'} output)`,
        'NotEcsController',
      );
    }
    this.service = lookup.service;
    return lookup.service;
  }

  /** Clears the way (another service deployment running), then UpdateService; nothing when the service already runs the task definition. */
  async start(timeoutInMs: number): Promise<StartResult> {
    const { input, clock } = this.ctx;
    if (await clearEcsActive(this.ctx, clock() + timeoutInMs)) await this.readService();
    const service = this.service ?? (await this.readService());
    if (this.ctx.interrupts.received > 0) throw new ReleaseAbort({ kind: 'interrupted' }, 'interrupted before a deployment was started; nothing to stop', 'Interrupted');
    if (service.taskDefinition && taskDefinitionKey(service.taskDefinition) === taskDefinitionKey(input.taskDefinitionArn)) {
      return { kind: 'unchanged', message: `service ${input.serviceName} already runs ${service.taskDefinition} and no service deployment is running: nothing to deploy` };
    }
    const before = service.currentServiceDeployment;
    const startedAt = clock();
    const answer = await this.updateService();
    const named = answer.service?.currentServiceDeployment;
    const id = named && named !== before ? named : await this.discover(before, startedAt);
    return { kind: 'started', id };
  }

  private async updateService(): Promise<{ service?: Service }> {
    const { input, calls } = this.ctx;
    const request = buildUpdateServiceRequest(input);
    for (let attempt = 1; ; attempt++) {
      const result = await calls.updateService(request);
      if (result.ok) return result.value;
      const c = result.error;
      if (c.kind === 'throttling' && attempt < MAX_UPDATE_ATTEMPTS) {
        await this.ctx.interrupts.pause(retryDelayInMs(attempt, { minIntervalInMs: input.pollMinIntervalInMs, maxIntervalInMs: input.pollMaxIntervalInMs }, this.ctx.random()));
        continue;
      }
      if (c.code === 'ClientException' || c.code === 'InvalidParameterException' || c.kind === 'not-found') {
        throw new ReleaseAbort(
          { kind: 'invalid-input' },
          `ECS refused UpdateService of service ${input.serviceName} in cluster ${input.clusterName} to task definition ${input.taskDefinitionArn}: ${c.code}: ${c.message}. Check --task-definition-arn, --ecs-cluster/--ecs-service (or RELEASE_* variables and the outputs file) and --region ${input.region}.`,
          c.code,
        );
      }
      throw calls.abortFor('UpdateService', c);
    }
  }

  /** The service deployment UpdateService started, when its answer did not name it: the newest one created since. */
  private async discover(before: string | undefined, startedAtInMs: number): Promise<string> {
    const { input, calls, clock } = this.ctx;
    const until = clock() + START_DISCOVERY_IN_MS;
    for (;;) {
      calls.setDeadline(until);
      const list = await calls.listServiceDeployments(input.clusterName, input.serviceName, ['PENDING', 'IN_PROGRESS', 'SUCCESSFUL', 'STOP_REQUESTED', 'STOPPED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'], 5);
      // Clocks differ: a minute of slack before the call, and never the deployment that was current before it.
      const found = list.find((d) => d.serviceDeploymentArn && d.serviceDeploymentArn !== before && (d.createdAt?.getTime() ?? Infinity) >= startedAtInMs - 60_000);
      if (found?.serviceDeploymentArn) return found.serviceDeploymentArn;
      if (clock() >= until) {
        throw new ReleaseAbort(
          { kind: 'aws-error' },
          `UpdateService was accepted, but no new service deployment of ${input.serviceName} appeared within ${START_DISCOVERY_IN_MS / 1000} s; see the service's events (aws ecs describe-services --cluster ${input.clusterName} --services ${input.serviceName})`,
          'NoServiceDeployment',
        );
      }
      await this.ctx.interrupts.pause(input.pollMinIntervalInMs);
    }
  }

  poller(id: string, role: FollowRole): DeploymentPoller {
    return new EcsPoller(this.ctx, id, role);
  }

  async stopWithRollback(id: string): Promise<void> {
    await this.ctx.calls.stopWithRollback(id);
  }

  /** ECS rolls back inside the same service deployment; STOPPED means it stopped without one. */
  async findRollback(id: string, last: Progress): Promise<RollbackFound> {
    const facts = (last as Partial<EcsProgress>).ecs;
    if (facts?.status.startsWith('ROLLBACK_')) return { rollbackId: id, ...(facts.rollbackReason ? { message: facts.rollbackReason } : {}) };
    return { message: `ECS ended ${id} ${facts?.status ?? last.status} without a rollback${facts?.statusReason ? ` (${facts.statusReason})` : ''}; the service's alarms or circuit breaker have rollback off` };
  }

  consoleUrl(id: string): string {
    return ecsConsoleUrl(this.ctx.input.region, id, this.ctx.input);
  }

  dryRun(): { readonly text: string; readonly request: object } {
    const request = buildUpdateServiceRequest(this.ctx.input);
    const text = [
      `UpdateService request (region ${this.ctx.input.region}):`,
      JSON.stringify(request, null, 2),
      '',
      'ECS then runs the service deployment with the service\'s own deployment configuration (strategy, bake time, lifecycle hooks, alarms); the release follows it with DescribeServiceDeployments.',
      '',
      'Dry run: nothing was called.',
      '',
    ].join('\n');
    return { text, request };
  }

  failureLines(p: Progress): Line[] {
    const lines: Line[] = [];
    if (p.error) lines.push({ kind: 'error', text: `${p.error.code ?? 'Unknown'}: ${p.error.message ?? ''}` });
    const failed = p.lifecycleEvents.filter((e) => e.status === 'Failed' || e.status === 'Stopped');
    for (const e of failed) lines.push({ kind: 'failed', text: `${e.name} ${e.status}` });
    const hook = this.ctx.input.hookFunctionName;
    if (hook && this.hookFailed(p)) lines.push({ kind: 'hook', text: `${hook} logs ${this.ctx.input.hookLogGroupName ?? lambdaLogGroup(hook)}` });
    return lines;
  }

  /** A hook may have failed the deployment: it failed at a stage a hook runs at (PRE_PRODUCTION_TRAFFIC_SHIFT hooks run in PRODUCTION_TRAFFIC_SHIFT), or ECS says so. */
  private hookFailed(p: Progress): boolean {
    const facts = (p as Partial<EcsProgress>).ecs;
    if (!facts || p.error?.code === 'ALARM_ACTIVE' || p.error?.code === 'CIRCUIT_BREAKER_TRIGGERED') return false;
    const stages = new Set(facts.hookStages);
    if (stages.has('PRE_PRODUCTION_TRAFFIC_SHIFT')) stages.add('PRODUCTION_TRAFFIC_SHIFT');
    return p.lifecycleEvents.some((e) => e.status === 'Failed' && stages.has(e.name)) || /hook/i.test(facts.statusReason ?? '');
  }

  diagnosticsRequest(): undefined {
    // The failure diagnostics read CodeDeploy's ECS target; for ECS-native services the error, the
    // failed stage and the hook's log group above are what the release reports.
    return undefined;
  }

  reportIdentity(last: Progress | undefined): ReportIdentity {
    const i = this.ctx.input;
    const facts = (last as Partial<EcsProgress> | undefined)?.ecs;
    return {
      controller: 'ECS',
      applicationName: null,
      deploymentGroupName: null,
      ecs: {
        clusterName: i.clusterName,
        serviceName: i.serviceName,
        taskDefinitionArn: i.taskDefinitionArn,
        ...(facts
          ? {
              serviceDeploymentArn: facts.serviceDeploymentArn,
              status: facts.status,
              ...(facts.statusReason ? { statusReason: facts.statusReason } : {}),
              ...(facts.lifecycleStage ? { lifecycleStage: facts.lifecycleStage } : {}),
              ...(facts.targetServiceRevisionArn ? { targetServiceRevisionArn: facts.targetServiceRevisionArn } : {}),
              ...(facts.triggeredAlarmNames.length > 0 ? { triggeredAlarmNames: facts.triggeredAlarmNames } : {}),
              ...(facts.rollbackReason ? { rollbackReason: facts.rollbackReason } : {}),
            }
          : {}),
      },
    };
  }
}

/** One follow of a service deployment: one DescribeServiceDeployments per poll (the poll schedule times it). */
class EcsPoller implements DeploymentPoller {
  constructor(
    private readonly ctx: EcsContext,
    private readonly id: string,
    private readonly role: FollowRole,
  ) {}

  async poll(previous: Progress | undefined, stopRequested: boolean): Promise<Progress> {
    const d = await this.ctx.calls.describeServiceDeployment(this.id);
    if (!d) {
      throw new ReleaseAbort({ kind: 'invalid-input' }, `ECS has no service deployment ${this.id} (DescribeServiceDeployments answered it as a failure); check --follow and --region ${this.ctx.input.region}`, 'ServiceDeploymentNotFoundException');
    }
    if (this.role === 'main' && previous === undefined && this.ctx.input.followDeploymentId) this.warnOtherService(d.serviceArn);
    return ecsProgressFrom(d, { role: this.role, stopRequested: this.role === 'main' && stopRequested, ...(previous ? { previous } : {}), nowInMs: this.ctx.clock() });
  }

  unread(): Progress {
    return { deploymentId: this.id, status: 'Unknown', terminal: false, lifecycleEvents: [], terminationWaitStarted: false };
  }

  reads(): PollerReads {
    // One call reads everything (release/poll-schedule.ts times it; which call is not a choice here).
    return { targetReadable: true };
  }

  async continueWhenReady(): Promise<string | undefined> {
    // An ECS service deployment never waits in Ready (no ready wait; pause hooks are not supported).
    return undefined;
  }

  private warnOtherService(serviceArn: string | undefined): void {
    const { clusterName, serviceName } = this.ctx.input;
    if (serviceArn && !serviceArn.endsWith(`:service/${clusterName}/${serviceName}`)) {
      this.ctx.display.line('warning', `${this.id} belongs to ${serviceArn}, not to service ${serviceName} in cluster ${clusterName} of the inputs`);
    }
  }
}
