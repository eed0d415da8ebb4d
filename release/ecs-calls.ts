/**
 * Every ECS call of the release (the ECS deployment controller), on the same machinery as CodeDeploy's
 * ({@link AwsCalls}: one retry policy, the same connection/request timeouts, abort signals at the
 * deadline and the first signal, one mapping of what is left over to an exit code). Messages name
 * `ecs:<Action>`, AWS_ENDPOINT_URL_ECS and the ECS flags.
 *
 * The calls and the IAM action each needs (docs/release.md, "ECS-native services"; a test ties that
 * list to {@link ECS_RELEASE_IAM_ACTIONS}): DescribeServices, ListServiceDeployments,
 * DescribeServiceDeployments, UpdateService, StopServiceDeployment.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Failure,
  type Service,
  type ServiceDeployment,
  type ServiceDeploymentBrief,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { ReleaseAbort } from './abort';
import { AwsCalls, type AwsCallsDeps, type AwsServiceProfile, type CallResult } from './aws-calls';

/** ECS, as messages name it. */
export const ECS_PROFILE: AwsServiceProfile = {
  iamPrefix: 'ecs',
  name: 'ECS',
  endpointVariable: 'AWS_ENDPOINT_URL_ECS',
  inputFlags: '--ecs-cluster/--ecs-service/--task-definition-arn',
};

/**
 * Every IAM action the release calls for an ECS-native service, with when (docs/release.md lists the
 * same; a test runs the release's paths against a mock and checks the actions sent are exactly these).
 */
export const ECS_RELEASE_IAM_ACTIONS = [
  { action: 'ecs:DescribeServices', when: 'always: the service\'s controller, strategy and bake times (the timeout), its task definition' },
  { action: 'ecs:ListServiceDeployments', when: 'unless --follow: a service deployment already running, and the new one\'s ARN when UpdateService does not name it' },
  { action: 'ecs:DescribeServiceDeployments', when: 'always: every poll' },
  { action: 'ecs:UpdateService', when: 'unless --follow (or the service already runs the task definition): starts the deployment' },
  { action: 'ecs:StopServiceDeployment', when: '--stop-active, --stop-on-timeout, Ctrl-C' },
] as const;

/** What DescribeServices found: the service, or what ECS said instead. */
export type ServiceLookup = { readonly kind: 'found'; readonly service: Service } | { readonly kind: 'missing'; readonly reason: string };

/** How StopServiceDeployment ended. */
export type StopResult = 'stopping' | 'not-stoppable';

/** The release's ECS calls. */
export class EcsCalls extends AwsCalls {
  constructor(deps: AwsCallsDeps) {
    super({ ...deps, service: ECS_PROFILE });
  }

  /** DescribeServices of one service (the cluster `default` when none is named, as ECS). */
  async describeService(cluster: string, service: string): Promise<ServiceLookup> {
    const answer = await this.call<{ services?: Service[]; failures?: Failure[] }>('DescribeServices', new DescribeServicesCommand({ cluster, services: [service] }));
    const found = answer.services?.[0];
    if (found) return { kind: 'found', service: found };
    const failure = answer.failures?.[0];
    return { kind: 'missing', reason: failure ? `${failure.reason ?? 'MISSING'}${failure.detail ? `: ${failure.detail}` : ''}` : 'not in the answer' };
  }

  /** The service's deployments in one of `statuses`, newest first (one page of up to `maxResults`). */
  async listServiceDeployments(cluster: string, service: string, statuses: readonly string[], maxResults = 20): Promise<ServiceDeploymentBrief[]> {
    const answer = await this.call<{ serviceDeployments?: ServiceDeploymentBrief[] }>(
      'ListServiceDeployments',
      new ListServiceDeploymentsCommand({ cluster, service, status: [...statuses] as never, maxResults }),
    );
    return answer.serviceDeployments ?? [];
  }

  /** One service deployment, or undefined when ECS says it does not exist (a `failures` entry). */
  async describeServiceDeployment(arn: string): Promise<ServiceDeployment | undefined> {
    const answer = await this.call<{ serviceDeployments?: ServiceDeployment[] }>('DescribeServiceDeployments', new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    return answer.serviceDeployments?.find((d) => d.serviceDeploymentArn === arn) ?? answer.serviceDeployments?.[0];
  }

  /** UpdateService, once: the caller decides about each error (a throttled start is retried by the caller). */
  updateService(request: UpdateServiceCommandInput): Promise<CallResult<{ service?: Service }>> {
    return this.callOnce('UpdateService', new UpdateServiceCommand(request));
  }

  /**
   * StopServiceDeployment with stopType ROLLBACK. A deployment that ended, or is already rolling back,
   * between the last poll and the stop cannot be stopped (ConflictException): that is not an error, the
   * release goes on following it. Stopping twice is harmless, so a network error is retried.
   */
  async stopWithRollback(serviceDeploymentArn: string): Promise<StopResult> {
    try {
      await this.call('StopServiceDeployment', new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' }));
      return 'stopping';
    } catch (err) {
      if (err instanceof ReleaseAbort && err.code === 'ConflictException') return 'not-stoppable';
      throw err;
    }
  }
}
