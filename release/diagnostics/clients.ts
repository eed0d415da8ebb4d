/**
 * The SDK clients of the failure diagnostics, created only when a release fails. Endpoints follow
 * the SDK's own resolution, so `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, `AWS_ENDPOINT_URL_ECS`,
 * `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2` (or `AWS_ENDPOINT_URL`) point them at stand-ins.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DiagnosticsBudget, DiagnosticsSender } from './gather';

/** The three clients, and how to release their sockets. */
export interface DiagnosticsClients {
  readonly logs: DiagnosticsSender;
  readonly ecs: DiagnosticsSender;
  readonly elbv2: DiagnosticsSender;
  destroy(): void;
}

/**
 * One retry at most (the SDK's default is 3 attempts): a diagnostic is worth a second try after a
 * blip, not the release's time; the abort signal of each call bounds it anyway.
 */
export function createDiagnosticsClients(region: string, budget: DiagnosticsBudget): DiagnosticsClients {
  const config = { region, maxAttempts: 2, requestHandler: { connectionTimeout: Math.min(1000, budget.perCallInMs), requestTimeout: budget.perCallInMs } };
  const logs = new CloudWatchLogsClient(config);
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  return {
    logs,
    ecs,
    elbv2,
    destroy: () => {
      logs.destroy();
      ecs.destroy();
      elbv2.destroy();
    },
  };
}
