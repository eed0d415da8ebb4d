/**
 * A local stand-in for AWS CodeDeploy's ECS blue/green deployments, over real HTTP (JSON 1.1,
 * `X-Amz-Target: CodeDeploy_20141006.<Operation>`), with fault injection per test.
 *
 * ```ts
 * const standIn = await startCodeDeployStandIn({ groups: [{ applicationName: 'app', deploymentGroupName: 'dg' }] });
 * const client = new CodeDeployClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 * standIn.faults.throttle('GetDeployment', 3);
 * ...
 * await standIn.settle(); // every deployment ended
 * await standIn.close();
 * ```
 */
import { AwsJsonError, AwsJsonServer, OperationHandler, RecordedCall, startAwsJsonServer } from '../aws-json-server';
import { CodeDeployModel } from './api';
import { CodeDeployModelOptions, DeploymentSnapshot, TERMINAL_STATUSES } from './state-machine';

/** The JSON 1.1 target prefix of CodeDeploy. */
export const CODEDEPLOY_TARGET_PREFIX = 'CodeDeploy_20141006';

/** Fault injection of one stand-in; every rule applies until {@link Faults.clear}. */
export interface Faults {
  /** The next `count` calls of `operation` answer `ThrottlingException` ("Rate exceeded"). */
  throttle(operation: string, count: number): void;
  /** Every call of `operation` answers `AccessDeniedException`, as IAM does for a missing permission. */
  deny(operation: string): void;
  /** Every call of `operation` (or of every operation for `'*'`) is answered `latencyInMs` later. */
  latency(operation: string, latencyInMs: number): void;
  /**
   * The CloudWatch alarm `alarmName` goes into ALARM when a deployment's green weight reaches
   * `greenWeightAtLeast` percent (mid-shift with a canary or linear config). The group must list the alarm.
   */
  alarmWhenGreenReaches(alarmName: string, greenWeightAtLeast: number): void;
  /** Removes every rule, puts every alarm back to OK and resets {@link Faults.injected}. */
  clear(): void;
  /** Calls answered with an injected error, per operation. */
  readonly injected: Readonly<Record<string, number>>;
}

/** Options of {@link startCodeDeployStandIn}. */
export interface CodeDeployStandInOptions extends CodeDeployModelOptions {}

/** A running stand-in. */
export interface CodeDeployStandIn {
  /** `http://127.0.0.1:<port>`: give it to the SDK (`endpoint`), the AWS CLI (`--endpoint-url`) or the release CLI. */
  readonly endpoint: string;
  /** Every request received (faulted ones included), in order. */
  readonly calls: RecordedCall[];
  readonly model: CodeDeployModel;
  readonly faults: Faults;
  /** Every deployment, oldest first. */
  deployments(): DeploymentSnapshot[];
  deployment(id: string): DeploymentSnapshot | undefined;
  /** Resolves when `predicate` holds (checked every 5 ms); rejects with `what` after `timeoutInMs`. */
  waitUntil(predicate: () => boolean, what: string, timeoutInMs?: number): Promise<void>;
  /**
   * Waits until no deployment is active, then throws when any deployment is not terminal. Use it in
   * afterEach/afterAll so every deployment a test started provably ended.
   */
  settle(timeoutInMs?: number): Promise<void>;
  /** Throws, listing them, when deployments are still active (no waiting). */
  assertAllTerminal(): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startCodeDeployStandIn(options: CodeDeployStandInOptions): Promise<CodeDeployStandIn> {
  const model = new CodeDeployModel(options);
  const throttles = new Map<string, number>();
  const denied = new Set<string>();
  const latencies = new Map<string, number>();
  const injected: Record<string, number> = {};
  const count = (op: string): void => {
    injected[op] = (injected[op] ?? 0) + 1;
  };

  const faults: Faults = {
    throttle: (operation, n) => throttles.set(operation, (throttles.get(operation) ?? 0) + n),
    deny: (operation) => denied.add(operation),
    latency: (operation, ms) => latencies.set(operation, ms),
    alarmWhenGreenReaches: (alarmName, percent) => model.addAlarmTrigger(alarmName, percent),
    clear: () => {
      throttles.clear();
      denied.clear();
      latencies.clear();
      model.clearAlarms();
      for (const key of Object.keys(injected)) delete injected[key];
    },
    injected,
  };

  const beforeHandle = async (call: RecordedCall): Promise<void> => {
    const delay = latencies.get(call.operation) ?? latencies.get('*');
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (denied.has(call.operation)) {
      count(call.operation);
      throw new AwsJsonError(
        'AccessDeniedException',
        `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: codedeploy:${call.operation} on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* because no identity-based policy allows the codedeploy:${call.operation} action`,
      );
    }
    const left = throttles.get(call.operation) ?? 0;
    if (left > 0) {
      throttles.set(call.operation, left - 1);
      count(call.operation);
      throw new AwsJsonError('ThrottlingException', 'Rate exceeded');
    }
  };

  const op = (fn: (input: any) => unknown): OperationHandler => (input) => fn(input);
  const handlers: Record<string, OperationHandler> = {
    CreateDeployment: op((i) => model.createDeployment(i)),
    GetDeployment: op((i) => model.getDeployment(i)),
    BatchGetDeployments: op((i) => model.batchGetDeployments(i)),
    ListDeployments: op((i) => model.listDeployments(i)),
    ListDeploymentTargets: op((i) => model.listDeploymentTargets(i)),
    GetDeploymentTarget: op((i) => model.getDeploymentTarget(i)),
    BatchGetDeploymentTargets: op((i) => model.batchGetDeploymentTargets(i)),
    StopDeployment: op((i) => model.stopDeployment(i)),
    ContinueDeployment: op((i) => model.continueDeployment(i)),
    GetDeploymentGroup: op((i) => model.getDeploymentGroup(i)),
    GetDeploymentConfig: op((i) => model.getDeploymentConfig(i)),
    GetApplicationRevision: op((i) => model.getApplicationRevision(i)),
    PutLifecycleEventHookExecutionStatus: op((i) => model.putLifecycleEventHookExecutionStatus(i)),
  };

  const server: AwsJsonServer = await startAwsJsonServer({ targetPrefix: CODEDEPLOY_TARGET_PREFIX, handlers, beforeHandle });

  const waitUntil = async (predicate: () => boolean, what: string, timeoutInMs = 10_000): Promise<void> => {
    const deadline = Date.now() + timeoutInMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutInMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const explain = (s: DeploymentSnapshot): string =>
    `${s.deploymentId} (${s.creator}, ${s.status}; events ${s.events.map((e) => `${e.name}=${e.status}`).join(' ')})`;
  const assertAllTerminal = (): void => {
    const active = model.activeDeployments();
    if (active.length > 0) throw new Error(`deployments left active in the CodeDeploy stand-in: ${active.map(explain).join('; ')}`);
    const odd = model.snapshots().filter((s) => !TERMINAL_STATUSES.includes(s.status));
    if (odd.length > 0) throw new Error(`deployments not terminal: ${odd.map(explain).join('; ')}`);
  };

  return {
    endpoint: server.endpoint,
    calls: server.calls,
    model,
    faults,
    deployments: () => model.snapshots(),
    deployment: (id) => model.snapshot(id),
    waitUntil,
    settle: async (timeoutInMs = 15_000) => {
      try {
        await waitUntil(() => model.activeDeployments().length === 0, 'every deployment to end', timeoutInMs);
      } catch {
        // Fall through: the assertion below names what is still running.
      }
      assertAllTerminal();
    },
    assertAllTerminal,
    close: async () => {
      model.close();
      await server.close();
    },
  };
}
