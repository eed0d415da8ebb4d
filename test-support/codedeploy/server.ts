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
import { createFaults, StandInFaults } from '../aws-faults';
import { AwsJsonError, AwsJsonServer, OperationHandler, RecordedCall, startAwsJsonServer } from '../aws-json-server';
import { waitUntil } from '../wait-until';
import { CodeDeployModel } from './api';
import { CodeDeployModelOptions, DeploymentSnapshot, TERMINAL_STATUSES } from './state-machine';

/** The JSON 1.1 target prefix of CodeDeploy. */
export const CODEDEPLOY_TARGET_PREFIX = 'CodeDeploy_20141006';

/** Fault injection of one stand-in: the shared request faults (aws-faults.ts) plus alarms. */
export interface Faults extends StandInFaults {
  /**
   * The CloudWatch alarm `alarmName` goes into ALARM when a deployment's green weight reaches
   * `greenWeightAtLeast` percent (mid-shift with a canary or linear config). The group must list the alarm.
   * {@link StandInFaults.clear} also puts every alarm back to OK.
   */
  alarmWhenGreenReaches(alarmName: string, greenWeightAtLeast: number): void;
  /**
   * Rules for the calls about one deployment group only: those naming it (`deploymentGroupName`) or a
   * deployment of it (`deploymentId`), so tests of other groups can run meanwhile. Calls about no
   * group (GetDeploymentConfig, GetApplicationRevision, the Batch* operations) never meet them. They
   * apply before the shared rules; {@link StandInFaults.clear} removes them too.
   */
  inGroup(deploymentGroupName: string): StandInFaults;
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
   * afterEach/afterAll so every deployment a test started provably ended; `only` limits it to some
   * deployments (a concurrent test's groups).
   */
  settle(timeoutInMs?: number, only?: (d: DeploymentSnapshot) => boolean): Promise<void>;
  /** Throws, listing them, when deployments (of `only`) are still active (no waiting). */
  assertAllTerminal(only?: (d: DeploymentSnapshot) => boolean): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startCodeDeployStandIn(options: CodeDeployStandInOptions): Promise<CodeDeployStandIn> {
  const model = new CodeDeployModel(options);
  const style = {
    iamPrefix: 'codedeploy',
    accessDeniedCode: 'AccessDeniedException',
    accessDeniedStatusCode: 400,
    throttlingCode: 'ThrottlingException',
    resource: 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*',
  };
  const request = createFaults(style);
  const byGroup = new Map<string, ReturnType<typeof createFaults>>();
  const faults: Faults = Object.assign(request.faults, {
    alarmWhenGreenReaches: (alarmName: string, percent: number) => model.addAlarmTrigger(alarmName, percent),
    inGroup: (group: string) => {
      if (!byGroup.has(group)) byGroup.set(group, createFaults(style));
      return byGroup.get(group)!.faults;
    },
  });
  const clearRequestFaults = request.faults.clear;
  faults.clear = () => {
    clearRequestFaults();
    byGroup.clear();
    model.clearAlarms();
  };
  const groupOf = (input: Record<string, unknown>): string | undefined => {
    if (typeof input.deploymentGroupName === 'string') return input.deploymentGroupName;
    return typeof input.deploymentId === 'string' ? model.snapshot(input.deploymentId)?.deploymentGroupName : undefined;
  };
  const beforeHandle = async (call: RecordedCall): Promise<void> => {
    const group = groupOf(call.input);
    const scoped = group === undefined ? undefined : byGroup.get(group);
    const fault = (await scoped?.before(call.operation)) ?? (await request.before(call.operation));
    if (fault) throw new AwsJsonError(fault.code, fault.message, fault.statusCode);
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

  const explain = (s: DeploymentSnapshot): string =>
    `${s.deploymentId} (${s.creator}, ${s.status}; events ${s.events.map((e) => `${e.name}=${e.status}`).join(' ')})`;
  const assertAllTerminal = (only: (d: DeploymentSnapshot) => boolean = () => true): void => {
    const active = model.activeDeployments().filter(only);
    if (active.length > 0) throw new Error(`deployments left active in the CodeDeploy stand-in: ${active.map(explain).join('; ')}`);
    const odd = model.snapshots().filter((s) => only(s) && !TERMINAL_STATUSES.includes(s.status));
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
    settle: async (timeoutInMs = 15_000, only = () => true) => {
      try {
        await waitUntil(() => model.activeDeployments().filter(only).length === 0, 'every deployment to end', timeoutInMs);
      } catch {
        // Fall through: the assertion below names what is still running.
      }
      assertAllTerminal(only);
    },
    assertAllTerminal,
    close: async () => {
      model.close();
      await server.close();
    },
  };
}
