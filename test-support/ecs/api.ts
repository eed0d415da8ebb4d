/**
 * What the ECS stand-in accepts: the operations, their request checks, errors and paging, in ECS's
 * terms (exception names and the operations that declare them are botocore's ECS model). State changes
 * are the simulation's (simulation.ts); answers are rendered by views.ts.
 */
import { AwsJsonError } from '../aws-json-server';
import { EcsSimulation } from './simulation';
import { arns, ContainerSpec, DeploymentConfiguration, DeploymentState, RevisionState, ServiceState, TaskState, TERMINAL_DEPLOYMENT_STATUSES } from './state';
import { serviceDeploymentBriefView, serviceDeploymentView, serviceRevisionView, serviceView, taskView } from './views';

const DEPLOYMENT_STATUSES = ['PENDING', 'SUCCESSFUL', 'STOPPED', 'STOP_REQUESTED', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];
const TASK_DEFINITION = /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?([A-Za-z0-9_-]{1,255}):(\d+)$/;

const invalid = (message: string): AwsJsonError => new AwsJsonError('InvalidParameterException', message);

function list(value: unknown, name: string, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${name} must contain at least one element.`);
  if (value.length > max) throw invalid(`${name} can have at most ${max} elements.`);
  return value.map(String);
}

function maxResults(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 100) throw invalid('maxResults must be between 1 and 100.');
  return value as number;
}

/** A page of `items` from an opaque `nextToken` (the offset, base64-encoded). */
function page<T>(items: T[], nextToken: unknown, size: number): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = typeof nextToken === 'string' ? Number(Buffer.from(nextToken, 'base64').toString('utf8').replace(/^offset:/, '')) : NaN;
    if (!Number.isInteger(decoded) || decoded < 0) throw invalid('The nextToken is not valid.');
    start = decoded;
  }
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64') } : {}) };
}

/** The ECS API operations of one stand-in. */
export class EcsApi {
  private readonly arn: ReturnType<typeof arns>;

  constructor(
    readonly simulation: EcsSimulation,
    private readonly taskDefinitions: ReadonlyMap<string, readonly ContainerSpec[]>,
    private readonly defaultContainers: readonly ContainerSpec[],
  ) {
    this.arn = arns(simulation.region);
  }

  updateService(input: any): { service: unknown } {
    const service = this.findService(input.cluster, input.service);
    if (input.desiredCount !== undefined) {
      if (!Number.isInteger(input.desiredCount) || input.desiredCount < 0) throw invalid('desiredCount must be a whole number of at least 0.');
      service.desiredCount = input.desiredCount;
    }
    if (input.deploymentConfiguration !== undefined) service.deploymentConfiguration = { ...service.deploymentConfiguration, ...(input.deploymentConfiguration as DeploymentConfiguration) };
    const taskDefinition = input.taskDefinition === undefined ? undefined : this.resolveTaskDefinition(input.taskDefinition);
    if ((taskDefinition !== undefined && taskDefinition !== service.taskDefinition) || input.forceNewDeployment === true) {
      this.simulation.startDeployment(service, this.newRevision(service, taskDefinition ?? service.taskDefinition), service.deploymentConfiguration);
    }
    return { service: serviceView(service) };
  }

  describeServices(input: any): { services: unknown[]; failures: unknown[] } {
    const cluster = this.findCluster(input.cluster);
    const names = list(input.services, 'services', 10);
    const found = names.map((n) => ({ n, s: this.lookupService(cluster, n) }));
    return {
      services: found.filter((f) => f.s).map((f) => serviceView(f.s!)),
      failures: found.filter((f) => !f.s).map((f) => ({ arn: f.n.startsWith('arn:') ? f.n : this.arn.service(cluster, f.n), reason: 'MISSING' })),
    };
  }

  listServiceDeployments(input: any): { serviceDeployments: unknown[]; nextToken?: string } {
    if (!input.service) throw invalid('service must be specified.');
    const service = this.findService(input.cluster, input.service);
    let deployments = [...service.deployments].reverse(); // newest first
    if (input.status !== undefined) {
      const statuses = list(input.status, 'status', DEPLOYMENT_STATUSES.length);
      const bad = statuses.filter((s) => !DEPLOYMENT_STATUSES.includes(s));
      if (bad.length > 0) throw invalid(`status must be one of ${DEPLOYMENT_STATUSES.join(', ')}; received ${bad.join(', ')}.`);
      deployments = deployments.filter((d) => statuses.includes(d.status));
    }
    const range = input.createdAt as { before?: number; after?: number } | undefined;
    if (range?.after !== undefined) deployments = deployments.filter((d) => d.createdAt / 1000 >= range.after!);
    if (range?.before !== undefined) deployments = deployments.filter((d) => d.createdAt / 1000 <= range.before!);
    const p = page(deployments, input.nextToken, maxResults(input.maxResults, 20));
    return { serviceDeployments: p.items.map(serviceDeploymentBriefView), ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
  }

  describeServiceDeployments(input: any): { serviceDeployments: unknown[]; failures: unknown[] } {
    const wanted = list(input.serviceDeploymentArns, 'serviceDeploymentArns', 20);
    const found = wanted.map((a) => ({ a, d: this.allDeployments().find((d) => d.arn === a) }));
    return {
      serviceDeployments: found.filter((f) => f.d).map((f) => serviceDeploymentView(f.d!, this.simulation.hookTimeoutInMinutes * this.simulation.msPerMinute)),
      failures: found.filter((f) => !f.d).map((f) => ({ arn: f.a, reason: 'MISSING' })),
    };
  }

  stopServiceDeployment(input: any): { serviceDeploymentArn: string } {
    if (!input.serviceDeploymentArn) throw invalid('serviceDeploymentArn must be specified.');
    const d = this.allDeployments().find((x) => x.arn === input.serviceDeploymentArn);
    if (!d) throw new AwsJsonError('ServiceDeploymentNotFoundException', `The service deployment ${String(input.serviceDeploymentArn)} does not exist.`);
    const stopType = input.stopType ?? 'ROLLBACK';
    if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') throw invalid(`stopType must be ROLLBACK or ABORT; received ${String(stopType)}.`);
    if (TERMINAL_DEPLOYMENT_STATUSES.includes(d.status)) {
      throw new AwsJsonError('ConflictException', `The service deployment ${d.arn} is ${d.status} and can no longer be stopped.`);
    }
    this.simulation.requestStop(d, stopType);
    return { serviceDeploymentArn: d.arn };
  }

  describeServiceRevisions(input: any): { serviceRevisions: unknown[]; failures: unknown[] } {
    const wanted = list(input.serviceRevisionArns, 'serviceRevisionArns', 20);
    const revisions = this.simulation.services.flatMap((s) => this.revisionsOf(s).map((r) => ({ s, r })));
    const found = wanted.map((a) => ({ a, hit: revisions.find((x) => x.r.arn === a) }));
    return {
      serviceRevisions: found.filter((f) => f.hit).map((f) => serviceRevisionView(f.hit!.s, f.hit!.r)),
      failures: found.filter((f) => !f.hit).map((f) => ({ arn: f.a, reason: 'MISSING' })),
    };
  }

  listTasks(input: any): { taskArns: string[]; nextToken?: string } {
    const cluster = this.findCluster(input.cluster);
    const desired = input.desiredStatus ?? 'RUNNING';
    if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired)) throw invalid(`desiredStatus must be RUNNING, PENDING or STOPPED; received ${String(desired)}.`);
    let services = this.simulation.services.filter((s) => s.clusterName === cluster);
    if (input.serviceName !== undefined) services = [this.findService(cluster, input.serviceName)];
    let tasks = services.flatMap((s) => s.tasks).filter((t) => (desired === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING'));
    if (input.startedBy !== undefined) tasks = tasks.filter((t) => t.startedBy === input.startedBy);
    if (input.family !== undefined) tasks = tasks.filter((t) => TASK_DEFINITION.exec(t.revision.taskDefinition)?.[2] === input.family);
    const p = page(tasks, input.nextToken, maxResults(input.maxResults, 100));
    return { taskArns: p.items.map((t) => t.arn), ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
  }

  describeTasks(input: any): { tasks: unknown[]; failures: unknown[] } {
    const cluster = this.findCluster(input.cluster);
    const wanted = list(input.tasks, 'tasks', 100);
    const all = this.simulation.services.filter((s) => s.clusterName === cluster).flatMap((s) => s.tasks.map((t) => ({ s, t })));
    const found = wanted.map((w) => ({ w, hit: all.find(({ t }) => t.arn === w || t.arn.endsWith(`/${w}`)) }));
    return {
      tasks: found.filter((f) => f.hit).map((f) => taskView(f.hit!.s, f.hit!.t as TaskState)),
      failures: found.filter((f) => !f.hit).map((f) => ({ arn: f.w.startsWith('arn:') ? f.w : `${this.arn.cluster(cluster).replace(':cluster/', ':task/')}/${f.w}`, reason: 'MISSING' })),
    };
  }

  // ---- request checks ----

  /** The cluster's name, from a name or an ARN; `default` when none is given (as ECS). */
  findCluster(cluster: unknown): string {
    const name = cluster === undefined ? 'default' : String(cluster).replace(/^arn:aws[a-z-]*:ecs:[^:]+:\d+:cluster\//, '');
    if (!this.simulation.services.some((s) => s.clusterName === name)) throw new AwsJsonError('ClusterNotFoundException', 'Cluster not found.');
    return name;
  }

  findService(cluster: unknown, service: unknown): ServiceState {
    const clusterName = this.findCluster(cluster);
    if (service === undefined || service === '') throw invalid('service must be specified.');
    const found = this.lookupService(clusterName, String(service));
    if (!found) throw new AwsJsonError('ServiceNotFoundException', 'Service not found.');
    return found;
  }

  private lookupService(cluster: string, nameOrArn: string): ServiceState | undefined {
    return this.simulation.services.find((s) => s.clusterName === cluster && (s.serviceName === nameOrArn || s.arn === nameOrArn));
  }

  private resolveTaskDefinition(value: unknown): string {
    const match = typeof value === 'string' ? TASK_DEFINITION.exec(value) : null;
    if (!match) throw new AwsJsonError('ClientException', 'TaskDefinition not found.');
    const arn = this.arn.taskDefinition(`${match[2]}:${match[3]}`);
    if (this.taskDefinitions.size > 0 && !this.taskDefinitions.has(arn)) throw new AwsJsonError('ClientException', 'TaskDefinition not found.');
    return arn;
  }

  /** A new service revision of `taskDefinition` (each deployment deploys a new one, as ECS). */
  newRevision(service: ServiceState, taskDefinition: string): RevisionState {
    return {
      arn: this.arn.serviceRevision(service.clusterName, service.serviceName),
      taskDefinition,
      containers: this.taskDefinitions.get(taskDefinition) ?? this.defaultContainers,
      createdAt: Date.now(),
    };
  }

  private revisionsOf(s: ServiceState): RevisionState[] {
    return [...new Set([s.current, ...s.deployments.flatMap((d) => [d.source, d.target])])];
  }

  private allDeployments(): DeploymentState[] {
    return this.simulation.services.flatMap((s) => s.deployments);
  }
}
