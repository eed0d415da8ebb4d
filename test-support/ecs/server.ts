/**
 * A local stand-in for Amazon ECS's native blue/green deployments over real HTTP (JSON 1.1,
 * `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`), with fault injection per test.
 *
 * ```ts
 * const ecs = await startEcsStandIn({ services: [{ serviceName: 'web', deploymentConfiguration: { strategy: 'LINEAR', bakeTimeInMinutes: 5 } }] });
 * // JS SDK:  new ECSClient({ endpoint: ecs.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
 * // AWS CLI: aws ecs describe-services --cluster bluegreen-cluster --services web --endpoint-url $ENDPOINT
 * ecs.faults.failGreenTasks('web', { exitCode: 137, stoppedReason: 'Essential container in task exited' });
 * await ecs.settle();
 * await ecs.close();
 * ```
 */
import { createFaults, StandInFaults } from '../aws-faults';
import { AwsJsonError, AwsJsonServer, OperationHandler, RecordedCall, startAwsJsonServer } from '../aws-json-server';
import { waitUntil } from '../wait-until';
import { EcsApi } from './api';
import { EcsSimulation, EcsTiming, LambdaInvoker, TaskFailure } from './simulation';
import { arns, ContainerSpec, DeploymentConfiguration, DeploymentState, LifecycleStage, resolveDeploymentConfiguration, ServiceDeploymentStatus, ServiceState } from './state';

/** The JSON 1.1 target prefix of ECS (botocore's `ecs` model metadata). */
export const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';

/** A service as a test declares it. */
export interface EcsServiceSpec {
  readonly serviceName: string;
  /** @default 'bluegreen-cluster' */
  readonly clusterName?: string;
  /** The task definition running at the start (`family:revision` or its ARN). @default '<serviceName>:1' */
  readonly taskDefinition?: string;
  /** @default 2 */
  readonly desiredCount?: number;
  /** As the ECS API takes it. @default { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 } */
  readonly deploymentConfiguration?: DeploymentConfiguration;
  /** As the ECS API takes it. @default one load balancer with blue/green target groups and production/test listener rules */
  readonly loadBalancers?: readonly Record<string, unknown>[];
}

/** Options of {@link startEcsStandIn}. */
export interface EcsStandInOptions extends EcsTiming {
  readonly services: readonly EcsServiceSpec[];
  /**
   * Containers per task definition (`family:revision` or ARN). When given, UpdateService accepts only
   * these task definitions (ClientException otherwise).
   * @default - any `family:revision`, with {@link EcsStandInOptions.containers}
   */
  readonly taskDefinitions?: Readonly<Record<string, readonly ContainerSpec[]>>;
  /** @default [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:latest' }] */
  readonly containers?: readonly ContainerSpec[];
  /** Invokes lifecycle hook Lambdas (the ECS contract). @default - every hook invocation fails */
  readonly hookInvoker?: LambdaInvoker;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/** Fault injection of one ECS stand-in. */
export interface EcsFaults extends StandInFaults {
  /**
   * The service's next green tasks stop instead of running: by default every one, with
   * `EssentialContainerExited`, "Essential container in task exited" and exit code 1.
   */
  failGreenTasks(serviceName: string, failure?: Partial<TaskFailure>): void;
  /** The CloudWatch alarm goes into ALARM when a deployment gives green this share of production traffic. */
  alarmWhenGreenReaches(alarmName: string, greenWeightAtLeast: number): void;
  setAlarmState(alarmName: string, state: 'OK' | 'ALARM'): void;
}

/** What a test sees of a service deployment (plain data). */
export interface ServiceDeploymentSnapshot {
  readonly serviceDeploymentArn: string;
  readonly serviceName: string;
  readonly status: ServiceDeploymentStatus;
  readonly statusReason?: string;
  readonly lifecycleStage?: LifecycleStage;
  readonly targetTaskDefinition: string;
  readonly productionWeight: number;
  readonly testWeight: number;
  readonly rollbackReason?: string;
  readonly history: DeploymentState['history'];
  readonly trafficHistory: DeploymentState['trafficHistory'];
  readonly hooks: ReadonlyArray<{ readonly stage: string; readonly result?: string; readonly hookDetails?: unknown }>;
}

/** A running ECS stand-in. */
export interface EcsStandIn {
  readonly endpoint: string;
  /** Every request received (faulted ones included), in order. */
  readonly calls: RecordedCall[];
  readonly api: EcsApi;
  readonly simulation: EcsSimulation;
  readonly faults: EcsFaults;
  /** The service's state (tasks, events, deployments) for assertions. */
  service(serviceName: string): ServiceState;
  /** Every service deployment, oldest first (of one service, or all). */
  deployments(serviceName?: string): ServiceDeploymentSnapshot[];
  setHookInvoker(invoker: LambdaInvoker | undefined): void;
  waitUntil(predicate: () => boolean, what: string, timeoutInMs?: number): Promise<void>;
  /** Waits until no deployment is running, then throws naming any that still is. */
  settle(timeoutInMs?: number): Promise<void>;
  close(): Promise<void>;
}

function snapshot(d: DeploymentState): ServiceDeploymentSnapshot {
  return {
    serviceDeploymentArn: d.arn,
    serviceName: d.service.serviceName,
    status: d.status,
    ...(d.statusReason !== undefined ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage !== undefined ? { lifecycleStage: d.lifecycleStage } : {}),
    targetTaskDefinition: d.target.taskDefinition,
    productionWeight: d.productionWeight,
    testWeight: d.testWeight,
    ...(d.rollback ? { rollbackReason: d.rollback.reason } : {}),
    history: d.history.map((h) => ({ ...h })),
    trafficHistory: d.trafficHistory.map((h) => ({ ...h })),
    hooks: d.hooks.map((h) => ({ stage: h.stage, ...(h.result !== undefined ? { result: h.result } : {}), ...(h.event.hookDetails ? { hookDetails: h.event.hookDetails } : {}) })),
  };
}

function createServices(options: EcsStandInOptions, api: EcsApi, simulation: EcsSimulation): void {
  const arn = arns(simulation.region);
  for (const spec of options.services) {
    const clusterName = spec.clusterName ?? 'bluegreen-cluster';
    const taskDefinition = arn.taskDefinition((spec.taskDefinition ?? `${spec.serviceName}:1`).replace(/^arn:.*:task-definition\//, ''));
    const tg = (color: string) => `arn:aws:elasticloadbalancing:${simulation.region}:123456789012:targetgroup/${spec.serviceName}-${color}/${'0'.repeat(16)}`;
    const rule = (which: string) => `arn:aws:elasticloadbalancing:${simulation.region}:123456789012:listener-rule/app/${spec.serviceName}/${'1'.repeat(16)}/${'2'.repeat(16)}/${which === 'prod' ? '3' : '4'}${'0'.repeat(15)}`;
    const service: ServiceState = {
      serviceName: spec.serviceName,
      clusterName,
      arn: arn.service(clusterName, spec.serviceName),
      clusterArn: arn.cluster(clusterName),
      createdAt: Date.now(),
      desiredCount: spec.desiredCount ?? 2,
      taskDefinition,
      deploymentConfiguration: resolveDeploymentConfiguration(spec.deploymentConfiguration),
      loadBalancers: spec.loadBalancers ?? [
        {
          targetGroupArn: tg('blue'),
          containerName: 'app',
          containerPort: 80,
          advancedConfiguration: { alternateTargetGroupArn: tg('green'), productionListenerRule: rule('prod'), testListenerRule: rule('test'), roleArn: `arn:aws:iam::123456789012:role/${spec.serviceName}-ecs-infrastructure` },
        },
      ],
      current: undefined as never,
      deployments: [],
      tasks: [],
      events: [],
    };
    service.current = api.newRevision(service, taskDefinition);
    simulation.services.push(service);
    simulation.launchRunning(service, service.current, service.desiredCount, 'ecs-svc/1000000000000000001');
    simulation.addEvent(service, 'has reached a steady state.');
  }
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startEcsStandIn(options: EcsStandInOptions): Promise<EcsStandIn> {
  const region = options.region ?? 'us-east-1';
  const simulation = new EcsSimulation(region, options, options.hookInvoker);
  const arn = arns(region);
  const taskDefinitions = new Map(Object.entries(options.taskDefinitions ?? {}).map(([k, v]) => [arn.taskDefinition(k.replace(/^arn:.*:task-definition\//, '')), v]));
  const api = new EcsApi(simulation, taskDefinitions, options.containers ?? [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:latest' }]);
  createServices(options, api, simulation);
  const findService = (name: string): ServiceState => {
    const s = simulation.services.find((x) => x.serviceName === name);
    if (!s) throw new Error(`the ECS stand-in has no service ${name} (it has ${simulation.services.map((x) => x.serviceName).join(', ')})`);
    return s;
  };

  const request = createFaults({
    iamPrefix: 'ecs',
    accessDeniedCode: 'AccessDeniedException',
    accessDeniedStatusCode: 400,
    throttlingCode: 'ThrottlingException',
    resource: `arn:aws:ecs:${region}:123456789012:service/*`,
  });
  const beforeHandle = async (call: RecordedCall): Promise<void> => {
    const fault = await request.before(call.operation);
    if (fault) throw new AwsJsonError(fault.code, fault.message, fault.statusCode);
  };
  const faults: EcsFaults = Object.assign(request.faults, {
    failGreenTasks: (serviceName: string, failure: Partial<TaskFailure> = {}) =>
      simulation.setTaskFailure(findService(serviceName), {
        remaining: failure.remaining ?? Infinity,
        stopCode: failure.stopCode ?? 'EssentialContainerExited',
        stoppedReason: failure.stoppedReason ?? 'Essential container in task exited',
        ...(failure.stopCode === 'TaskFailedToStart' && failure.exitCode === undefined ? {} : { exitCode: failure.exitCode ?? 1 }),
        ...(failure.containerReason !== undefined ? { containerReason: failure.containerReason } : {}),
      }),
    alarmWhenGreenReaches: (alarmName: string, percent: number) => simulation.addAlarmTrigger(alarmName, percent),
    setAlarmState: (alarmName: string, state: 'OK' | 'ALARM') => simulation.setAlarmState(alarmName, state),
  });
  const clearRequestFaults = request.faults.clear;
  faults.clear = () => {
    clearRequestFaults();
    simulation.clearFaults();
  };

  const op = (fn: (input: any) => unknown): OperationHandler => (input) => fn(input);
  const handlers: Record<string, OperationHandler> = {
    UpdateService: op((i) => api.updateService(i)),
    DescribeServices: op((i) => api.describeServices(i)),
    ListServiceDeployments: op((i) => api.listServiceDeployments(i)),
    DescribeServiceDeployments: op((i) => api.describeServiceDeployments(i)),
    StopServiceDeployment: op((i) => api.stopServiceDeployment(i)),
    DescribeServiceRevisions: op((i) => api.describeServiceRevisions(i)),
    ListTasks: op((i) => api.listTasks(i)),
    DescribeTasks: op((i) => api.describeTasks(i)),
  };
  const server: AwsJsonServer = await startAwsJsonServer({ targetPrefix: ECS_TARGET_PREFIX, handlers, beforeHandle });
  const all = (): DeploymentState[] => simulation.services.flatMap((s) => s.deployments).sort((a, b) => a.createdAt - b.createdAt);
  const running = (): DeploymentState[] => all().filter((d) => !simulation.isTerminal(d));

  return {
    endpoint: server.endpoint,
    calls: server.calls,
    api,
    simulation,
    faults,
    service: findService,
    deployments: (serviceName) => all().filter((d) => serviceName === undefined || d.service.serviceName === serviceName).map(snapshot),
    setHookInvoker: (invoker) => {
      simulation.hookInvoker = invoker;
    },
    waitUntil,
    settle: async (timeoutInMs = 15_000) => {
      await waitUntil(() => running().length === 0, 'every service deployment to end', timeoutInMs).catch(() => undefined);
      const left = running();
      if (left.length > 0) throw new Error(`service deployments left running in the ECS stand-in: ${left.map((d) => `${d.arn} (${d.status}, ${d.lifecycleStage ?? 'no stage'})`).join('; ')}`);
    },
    close: async () => {
      simulation.close();
      await server.close();
    },
  };
}
