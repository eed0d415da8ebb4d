import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { appSpecSha256 } from '../lib/appspec';
import { releaseInput, TEST_TASK_DEFINITION_ARN } from '../test-support/release-input';
import { ECS_LIFECYCLE_EVENTS } from '../release/progress';
import type { Diagnostics, DiagnosticsRequest } from '../release/diagnostics';
import { ReleaseDeps, run } from '../release/run';

const cd = mockClient(CodeDeployClient);
const T0 = Date.parse('2026-11-26T03:00:00Z');
const baseInput = releaseInput;
const TASK_DEF = TEST_TASK_DEFINITION_ARN;
// Written out here, not rendered: the request must carry exactly this AppSpec.
const content = JSON.stringify({ version: '0.0', Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: TASK_DEF, LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 } } } }], Hooks: [{ AfterAllowTestTraffic: 'CodeDeployHook_web' }] });

interface Harness {
  deps: ReleaseDeps;
  now(): number;
  stdout(): string;
  stderr(): string;
  sleeps: number[];
  files: Record<string, string>;
  signal(name?: string): void;
}

function harness(): Harness {
  let now = T0;
  let out = '';
  let err = '';
  const sleeps: number[] = [];
  const files: Record<string, string> = {};
  let listener: ((s: string) => void) | undefined;
  return {
    deps: {
      codedeploy: new CodeDeployClient({ region: 'us-east-1' }),
      clock: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      output: { stdout: { write: (t) => void (out += t) }, stderr: { write: (t) => void (err += t) } },
      signals: { subscribe: (l) => ((listener = l), () => (listener = undefined)) },
      random: () => 0.5,
      appendFile: (p, t) => void (files[p] = (files[p] ?? '') + t),
    },
    now: () => now,
    stdout: () => out,
    stderr: () => err,
    sleeps,
    files,
    signal: (name = 'SIGINT') => listener?.(name),
  };
}

interface Scenario {
  /** ms per lifecycle event */
  stepInMs?: number;
  /** index of the lifecycle event that fails */
  failAt?: number;
  errorCode?: string;
  errorMessage?: string;
  diagnostics?: { errorCode: string; message: string; logTail?: string };
  /** the deployment never finishes */
  hang?: boolean;
  /** status while waiting between BeforeAllowTraffic and AllowTraffic until ContinueDeployment */
  waitReady?: boolean;
  /** ContinueDeployment takes effect but answers with this error (someone else approved it first) */
  continueAnswersError?: string;
}

/**
 * A scripted ECS deployment driven by the fake clock: one lifecycle event every `stepInMs`, traffic
 * shifting during AllowTraffic, a termination wait, and a rollback deployment on failure or stop.
 */
function scriptDeployment(h: Harness, s: Scenario = {}): { createdAt: () => number; stopped: () => boolean } {
  const step = s.stepInMs ?? 2000;
  let createdAt = -1;
  let stoppedAt = -1;
  let continuedAt = -1;
  let rollbackSeenAt = -1;
  cd.on(CreateDeploymentCommand).callsFake(() => {
    createdAt = h.now();
    return { deploymentId: 'd-NEW' };
  });
  cd.on(StopDeploymentCommand).callsFake((input) => {
    if (input.deploymentId === 'd-NEW') stoppedAt = h.now();
    return { status: 'Pending' };
  });
  cd.on(ContinueDeploymentCommand).callsFake(() => {
    continuedAt = h.now();
    if (s.continueAnswersError) throw Object.assign(new Error('The deployment is not in a ready state.'), { name: s.continueAnswersError, $metadata: { httpStatusCode: 400 } });
    return {};
  });
  cd.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['cluster:service'] });
  const state = () => {
    const t = h.now() - createdAt;
    let k = Math.floor(t / step);
    if (s.waitReady && k >= 6) k = continuedAt < 0 ? 6 : 6 + Math.floor((h.now() - continuedAt) / step) + 1;
    const failed = s.failAt !== undefined && k >= s.failAt;
    const stopped = stoppedAt >= 0 && h.now() - stoppedAt >= step;
    const done = !s.hang && k >= ECS_LIFECYCLE_EVENTS.length + 1;
    return { k, failed, stopped, done };
  };
  cd.on(GetDeploymentCommand).callsFake((input) => {
    if (input.deploymentId === 'd-RB') {
      if (rollbackSeenAt < 0) rollbackSeenAt = h.now();
      const status = h.now() - rollbackSeenAt >= 3000 ? 'Succeeded' : 'InProgress';
      return { deploymentInfo: { deploymentId: 'd-RB', status, creator: 'codeDeployRollback' } };
    }
    const { k, failed, stopped, done } = state();
    const status = failed ? 'Failed' : stopped ? 'Stopped' : done ? 'Succeeded' : s.waitReady && k === 6 && continuedAt < 0 ? 'Ready' : 'InProgress';
    return {
      deploymentInfo: {
        deploymentId: 'd-NEW',
        status,
        createTime: new Date(createdAt),
        ...(status === 'Succeeded' || failed || stopped ? { completeTime: new Date(h.now()) } : {}),
        ...(failed ? { errorInformation: { code: s.errorCode ?? 'HOOK_FAILED', message: s.errorMessage ?? 'The hook reported Failed' } } : {}),
        ...(stopped ? { errorInformation: { code: 'MANUAL_STOP', message: 'stopped by the user' } } : {}),
        ...(failed || stopped ? { rollbackInfo: { rollbackDeploymentId: 'd-RB' } } : {}),
      },
    };
  });
  cd.on(GetDeploymentTargetCommand).callsFake((input) => {
    if (input.deploymentId === 'd-RB') {
      return { deploymentTarget: { deploymentTargetType: 'ECSTarget', ecsTarget: { lifecycleEvents: [{ lifecycleEventName: 'AllowTraffic', status: 'Succeeded' }], taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 100 }, { taskSetLabel: 'Green', trafficWeight: 0 }] } } };
    }
    const { k } = state();
    const events = ECS_LIFECYCLE_EVENTS.map((name, i) => {
      const failedHere = s.failAt === i && k >= i;
      const status = failedHere ? 'Failed' : s.failAt !== undefined && s.failAt < i && k >= s.failAt ? 'Skipped' : i < k ? 'Succeeded' : i === k ? 'InProgress' : 'Pending';
      return {
        lifecycleEventName: name,
        status,
        ...(i <= k ? { startTime: new Date(createdAt + i * step) } : {}),
        ...(i < k ? { endTime: new Date(createdAt + (i + 1) * step) } : {}),
        ...(failedHere && s.diagnostics ? { diagnostics: s.diagnostics } : {}),
      };
    });
    const allowTraffic = 6;
    const green = k > allowTraffic ? 100 : k === allowTraffic ? 10 : 0;
    return {
      deploymentTarget: {
        deploymentTargetType: 'ECSTarget',
        ecsTarget: { lifecycleEvents: events, taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 100 - green }, { taskSetLabel: 'Green', trafficWeight: green }] },
      },
    };
  });
  return { createdAt: () => createdAt, stopped: () => stoppedAt >= 0 };
}

function noActive(): void {
  cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
}

const group = {
  deploymentGroupInfo: {
    deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
    blueGreenDeploymentConfiguration: { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE' as const, terminationWaitTimeInMinutes: 5 } },
  },
};

beforeEach(() => {
  cd.reset();
  cd.on(GetDeploymentGroupCommand).resolves(group);
  cd.on(GetDeploymentConfigCommand).resolves({ deploymentConfigInfo: { computePlatform: 'ECS', trafficRoutingConfig: { type: 'AllAtOnce' } } });
});

const lines = (h: Harness): string[] => h.stderr().split('\n').filter((l) => l.length > 0);

describe('release run', () => {
  test('succeeds: creates an inline AppSpec deployment, prints every lifecycle event and the traffic reaching green 100%', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(0);
    const create = cd.commandCalls(CreateDeploymentCommand)[0].args[0].input;
    expect(create).toEqual({
      applicationName: 'app',
      deploymentGroupName: 'group',
      description: 'abc123 release',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: appSpecSha256(content) } },
    });
    expect(cd.commandCalls(ListDeploymentsCommand)[0].args[0].input.includeOnlyStatuses).toEqual(['Created', 'Queued', 'InProgress', 'Ready']);
    for (const name of ECS_LIFECYCLE_EVENTS) {
      expect(lines(h)).toContainEqual(expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ lifecycle ${name} Succeeded$`)));
    }
    expect(lines(h)).toContainEqual(expect.stringMatching(/Z traffic blue 0% green 100%$/));
    expect(lines(h)).toContainEqual(expect.stringMatching(/Z traffic blue 90% green 10%$/));
    expect(lines(h)).toContainEqual(expect.stringMatching(/Z console https:\/\/us-east-1\.console\.aws\.amazon\.com\/codesuite\/codedeploy\/deployments\/d-NEW\?region=us-east-1$/));
    expect(lines(h)).toContainEqual(expect.stringMatching(/Z termination-wait started 5 min$/));
    expect(lines(h).at(-1)).toMatch(/Z result Succeeded d-NEW exit 0$/);
    expect(lines(h)).toContainEqual(expect.stringMatching(new RegExp(`Z revision AppSpecContent sha256 ${appSpecSha256(content)} task-definition ${TASK_DEF}$`)));
    expect(result.report.lifecycleEvents.map((e) => e.status)).toEqual(ECS_LIFECYCLE_EVENTS.map(() => 'Succeeded'));
    // Computed timeout: no ready wait, all-at-once, 5 min termination wait, 20 min margin.
    expect(lines(h)).toContainEqual(expect.stringMatching(/timeout 25 min/));
    // The poll schedule: a deployment just created is Created, so the first poll comes after 2 s (twice the
    // fastest interval), reading the status and, as it runs, the target; while an event ends every 2 s, the
    // target (events, traffic) every 2 s and the status not again; once every event passed, the 5-minute
    // termination wait: the status only, every 10 s (the slowest interval).
    const polls = cd.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')).slice(4);
    expect(polls).toEqual(['GetDeployment', 'ListDeploymentTargets', ...Array(8).fill('GetDeploymentTarget'), 'GetDeployment']);
    expect(h.sleeps).toEqual([...Array(8).fill(2000), 10000]);
  });

  test('hook failure: prints errorInformation, the failed event, its diagnostics and the hook log group, follows the rollback, exits 1', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { failAt: 4, diagnostics: { errorCode: 'ScriptFailed', message: 'GET /health returned 503', logTail: 'attempt 1: 503\nattempt 2: 503' } });
    const result = await run(baseInput({ hookLogGroupName: '/bluegreen/hook' }), h.deps);
    expect(result.exitCode).toBe(1);
    const text = h.stderr();
    expect(text).toMatch(/Z error HOOK_FAILED: The hook reported Failed\n/);
    expect(text).toMatch(/Z failed AfterAllowTestTraffic ScriptFailed: GET \/health returned 503\n/);
    expect(text).toMatch(/Z failed AfterAllowTestTraffic log attempt 2: 503\n/);
    expect(text).toMatch(/Z hook CodeDeployHook_web logs \/bluegreen\/hook\n/);
    expect(text).toMatch(/Z rollback d-RB started\n/);
    expect(text).toMatch(/Z rollback status Succeeded\n/);
    expect(result.report.rollbackDeploymentId).toBe('d-RB');
    expect(result.report.rollbackStatus).toBe('Succeeded');
    expect(result.report.status).toBe('Failed');
    expect(result.report.error).toEqual({ code: 'HOOK_FAILED', message: 'The hook reported Failed' });
    expect(lines(h).at(-1)).toMatch(/result Failed d-NEW exit 1$/);
  });

  test('alarm rollback during traffic shifting: reports the alarm, no hook line, follows the rollback, exits 1', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { failAt: 6, errorCode: 'ALARM_ACTIVE', errorMessage: 'One or more alarms have been activated: 5xx-green' });
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(1);
    expect(h.stderr()).toMatch(/error ALARM_ACTIVE: One or more alarms have been activated: 5xx-green/);
    expect(h.stderr()).toMatch(/failed AllowTraffic Failed: no diagnostics/);
    expect(h.stderr()).not.toMatch(/ hook /);
    expect(h.stderr()).toMatch(/rollback d-RB started/);
    expect(result.report.rollbackStatus).toBe('Succeeded');
  });

  test('reports that no rollback happened when CodeDeploy started none', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { failAt: 1 });
    // Same deployment, but without rollbackInfo.
    cd.on(GetDeploymentCommand).callsFake(() => ({ deploymentInfo: { deploymentId: 'd-NEW', status: 'Failed', errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'tasks failed to start' } } }));
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(1);
    expect(h.stderr()).toMatch(/rollback none: no rollback deployment was started/);
    expect(result.report.rollbackDeploymentId).toBeUndefined();
  });

  describe('another deployment is active', () => {
    test('by default exits 4 naming it and how to proceed, and creates nothing', async () => {
      const h = harness();
      cd.on(ListDeploymentsCommand).resolves({ deployments: ['d-OLD'] });
      cd.on(GetDeploymentCommand, { deploymentId: 'd-OLD' }).resolves({ deploymentInfo: { deploymentId: 'd-OLD', status: 'InProgress', creator: 'user', description: 'previous release' } });
      const result = await run(baseInput(), h.deps);
      expect(result.exitCode).toBe(4);
      expect(result.outcome).toEqual({ kind: 'active-deployment', activeDeploymentId: 'd-OLD' });
      expect(h.stderr()).toMatch(/another deployment, d-OLD \(InProgress, created by user: previous release\), is active in deployment group group/);
      expect(h.stderr()).toMatch(/--wait-for-active/);
      expect(h.stderr()).toMatch(/--stop-active/);
      expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    });

    test('--wait-for-active waits for it to end, then creates and follows the new one', async () => {
      const h = harness();
      const oldEndsAt = T0 + 30000;
      cd.on(ListDeploymentsCommand).callsFake(() => ({ deployments: h.now() < oldEndsAt ? ['d-OLD'] : [] }));
      scriptDeployment(h);
      cd.on(GetDeploymentCommand, { deploymentId: 'd-OLD' }).callsFake(() => ({ deploymentInfo: { deploymentId: 'd-OLD', status: h.now() < oldEndsAt ? 'InProgress' : 'Succeeded' } }));
      const result = await run(baseInput({ activePolicy: 'wait' }), h.deps);
      expect(result.exitCode).toBe(0);
      expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
      expect(h.stderr()).toMatch(/active d-OLD InProgress\n/);
      expect(h.stderr()).toMatch(/active d-OLD Succeeded\n/);
      const createdAt = cd.commandCalls(CreateDeploymentCommand);
      expect(createdAt).toHaveLength(1);
      expect(h.stderr().indexOf('active d-OLD Succeeded')).toBeLessThan(h.stderr().indexOf('deployment d-NEW created'));
    });

    test('a list that keeps showing a deployment that has ended does not hold the release: it creates after one more look', async () => {
      const h = harness();
      let lists = 0;
      cd.on(ListDeploymentsCommand).callsFake(() => {
        // Guard for the failure mode under test (an endless loop): give up loudly after many lists.
        if (++lists > 20) throw Object.assign(new Error('listed too often'), { name: 'TooManyLists', $metadata: { httpStatusCode: 400 } });
        return { deployments: ['d-OLD'] };
      });
      scriptDeployment(h);
      cd.on(GetDeploymentCommand, { deploymentId: 'd-OLD' }).resolves({ deploymentInfo: { deploymentId: 'd-OLD', status: 'Succeeded' } });
      const result = await run(baseInput({ activePolicy: 'wait' }), h.deps);
      expect(result.exitCode).toBe(0);
      expect(lists).toBe(2);
      expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
    });

    test('--stop-active stops it with rollback, waits for its rollback without stopping that, then creates', async () => {
      const h = harness();
      let oldStoppedAt = -1;
      cd.on(ListDeploymentsCommand).callsFake(() => {
        if (oldStoppedAt < 0 || h.now() - oldStoppedAt < 2000) return { deployments: ['d-OLD'] };
        if (h.now() - oldStoppedAt < 6000) return { deployments: ['d-OLDRB'] };
        return { deployments: [] };
      });
      scriptDeployment(h);
      cd.on(StopDeploymentCommand, { deploymentId: 'd-OLD' }).callsFake(() => {
        oldStoppedAt = h.now();
        return { status: 'Pending' };
      });
      cd.on(GetDeploymentCommand, { deploymentId: 'd-OLD' }).callsFake(() => ({ deploymentInfo: { deploymentId: 'd-OLD', status: oldStoppedAt >= 0 && h.now() - oldStoppedAt >= 2000 ? 'Stopped' : 'InProgress', creator: 'user' } }));
      cd.on(GetDeploymentCommand, { deploymentId: 'd-OLDRB' }).callsFake(() => ({ deploymentInfo: { deploymentId: 'd-OLDRB', status: h.now() - oldStoppedAt >= 6000 ? 'Succeeded' : 'InProgress', creator: 'codeDeployRollback' } }));
      const result = await run(baseInput({ activePolicy: 'stop' }), h.deps);
      expect(result.exitCode).toBe(0);
      const stops = cd.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input);
      expect(stops).toEqual([{ deploymentId: 'd-OLD', autoRollbackEnabled: true }]);
      expect(h.stderr()).toMatch(/active d-OLDRB InProgress \(rollback\)/);
      expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
    });

    test('a DeploymentLimitExceededException race is handled like an active deployment (exit 4 by default)', async () => {
      const h = harness();
      let lists = 0;
      cd.on(ListDeploymentsCommand).callsFake(() => ({ deployments: lists++ === 0 ? [] : ['d-RACE'] }));
      cd.on(GetDeploymentCommand, { deploymentId: 'd-RACE' }).resolves({ deploymentInfo: { deploymentId: 'd-RACE', status: 'Created' } });
      cd.on(CreateDeploymentCommand).rejects(Object.assign(new Error('The deployment group has an active deployment'), { name: 'DeploymentLimitExceededException' }));
      const result = await run(baseInput(), h.deps);
      expect(result.exitCode).toBe(4);
      expect(h.stderr()).toMatch(/CreateDeployment refused \(DeploymentLimitExceededException\)/);
      expect(h.stderr()).toMatch(/another deployment, d-RACE \(Created\)/);
      expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
    });

    test('a DeploymentLimitExceededException race with --wait-for-active waits and creates again', async () => {
      const h = harness();
      const raceEndsAt = T0 + 20000;
      let lists = 0;
      cd.on(ListDeploymentsCommand).callsFake(() => ({ deployments: lists++ === 0 || h.now() >= raceEndsAt ? [] : ['d-RACE'] }));
      scriptDeployment(h);
      cd.on(CreateDeploymentCommand)
        .rejectsOnce(Object.assign(new Error('busy'), { name: 'DeploymentLimitExceededException' }))
        .resolves({ deploymentId: 'd-NEW' });
      cd.on(GetDeploymentCommand, { deploymentId: 'd-RACE' }).callsFake(() => ({ deploymentInfo: { deploymentId: 'd-RACE', status: h.now() >= raceEndsAt ? 'Succeeded' : 'InProgress' } }));
      const result = await run(baseInput({ activePolicy: 'wait' }), h.deps);
      expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(2);
      expect(result.report.deploymentId).toBe('d-NEW');
    });
  });

  test('throttling: backs off with growing, jittered delays and still completes', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    let gets = 0;
    const { createdAt } = scriptDeployment(h);
    const scripted = (input: { deploymentId?: string }) => ({ deploymentInfo: { deploymentId: input.deploymentId, status: h.now() - createdAt() >= 18000 ? 'Succeeded' : 'InProgress' } });
    cd.on(GetDeploymentCommand).callsFake((input) => {
      gets++;
      // The first poll's answer, then the status polls of the termination wait are throttled.
      if (gets >= 2 && gets <= 5) throw throttle;
      return scripted(input);
    });
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(0);
    expect(h.stderr()).toMatch(/throttled GetDeployment ThrottlingException; retrying in/);
    // Four throttles in a row: ceilings 2, 4, 8, 16 s with equal jitter at random 0.5.
    expect(h.sleeps.slice(-4)).toEqual([1500, 3000, 6000, 12000]);
  });

  test('access denied: exits 5 at once with the action and the IAM permission, no retries', async () => {
    const h = harness();
    noActive();
    cd.on(CreateDeploymentCommand).rejects(Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/ci is not authorized to perform: codedeploy:CreateDeployment'), { name: 'AccessDeniedException' }));
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(5);
    expect(h.stderr()).toMatch(/AWS denied codedeploy:CreateDeployment \(AccessDeniedException: .*\)\. Grant the caller the IAM permission "codedeploy:CreateDeployment"/);
    expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(result.report.error?.code).toBe('AccessDeniedException');
  });

  test('no permission to read the deployment target: warns naming the permission and follows the status to the end', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    cd.on(GetDeploymentTargetCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(0);
    expect(h.stderr()).toMatch(/warning AWS denied codedeploy:GetDeploymentTarget .*"codedeploy:GetDeploymentTarget".* Following the deployment's status only/);
    expect(cd.commandCalls(GetDeploymentTargetCommand)).toHaveLength(1);
    expect(lines(h).at(-1)).toMatch(/result Succeeded d-NEW exit 0$/);
  });

  test('targets that do not exist yet are waited for, not reported as errors', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    cd.on(ListDeploymentTargetsCommand)
      .rejectsOnce(Object.assign(new Error('The deployment has not started'), { name: 'DeploymentNotStartedException' }))
      .resolves({ targetIds: ['cluster:service'] });
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(0);
    expect(h.stderr()).not.toMatch(/error|warning/);
    expect(cd.commandCalls(ListDeploymentTargetsCommand)).toHaveLength(2);
  });

  test('no permission to read the created deployment: exit 5 naming the permission and the running deployment', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    cd.on(GetDeploymentCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const result = await run(baseInput({ json: true }), h.deps);
    expect(result.exitCode).toBe(5);
    expect(h.stderr()).toMatch(/console https:.*d-NEW/);
    expect(h.stderr()).toMatch(/error AWS denied codedeploy:GetDeployment /);
    expect(JSON.parse(h.stdout())).toMatchObject({ deploymentId: 'd-NEW', status: 'Created', exitCode: 5, error: { code: 'AccessDeniedException' } });
    expect(cd.commandCalls(GetDeploymentCommand)).toHaveLength(1);
  });

  test('a deployment group that does not exist is an input error (exit 2)', async () => {
    const h = harness();
    cd.on(GetDeploymentGroupCommand).rejects(Object.assign(new Error('No Deployment Group found for name: group'), { name: 'DeploymentGroupDoesNotExistException' }));
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(2);
    expect(h.stderr()).toMatch(/AWS rejected the input of GetDeploymentGroup: DeploymentGroupDoesNotExistException/);
  });

  test('a deployment group of another compute platform is an input error (exit 2) and nothing is created', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    cd.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: { computePlatform: 'Lambda' } });
    const result = await run(baseInput(), h.deps);
    expect(result.exitCode).toBe(2);
    expect(h.stderr()).toMatch(/deployment group group of app deploys to Lambda, not ECS/);
    expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
  });

  test('timeout: says where the deployment is, leaves it running, exits 3', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { hang: true, stepInMs: 20000 });
    const result = await run(baseInput({ timeoutInMinutes: 1 }), h.deps);
    expect(result.exitCode).toBe(3);
    expect(h.stderr()).toMatch(/timeout timed out after 1 min; deployment d-NEW is InProgress, at AllowTestTraffic InProgress, traffic blue 100% green 0%/);
    expect(h.stderr()).toMatch(/d-NEW left running/);
    expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    expect(cd.commandCalls(GetDeploymentGroupCommand)).toHaveLength(0);
    // The deadline is honoured to the poll: the release ends within one fast poll of 60 s after creation.
    expect(h.now() - T0).toBeLessThanOrEqual(60000 + 10000);
    expect(h.now() - T0).toBeGreaterThanOrEqual(60000);
  });

  test('timeout with --stop-on-timeout stops with rollback, follows the rollback, still exits 3', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { hang: true, stepInMs: 20000 });
    const result = await run(baseInput({ timeoutInMinutes: 1, stopOnTimeout: true }), h.deps);
    expect(result.exitCode).toBe(3);
    expect(cd.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([{ deploymentId: 'd-NEW', autoRollbackEnabled: true }]);
    expect(h.stderr()).toMatch(/status Stopped/);
    expect(result.report.rollbackDeploymentId).toBe('d-RB');
    // Lines already printed are not repeated after the stop.
    expect(h.stderr().match(/lifecycle BeforeInstall Succeeded/g)).toHaveLength(1);
  });

  describe('failure diagnostics', () => {
    const gathered = (request: DiagnosticsRequest): Diagnostics => ({
      deploymentId: request.deploymentId,
      trigger: request.trigger,
      gatheredAt: new Date(T0).toISOString(),
      durationInMs: 5,
      hook: { status: 'gathered', logGroupName: request.hookLogGroupName ?? '', verdictExpected: request.expectHookVerdict, verdicts: [{ time: 't', status: 'Failed', reason: 'GET /health: status 503' }] },
      ecs: { status: 'skipped', note: 'ecs:DescribeServices denied (AccessDeniedException); grant "ecs:DescribeServices" to see this', events: [], stoppedTasks: [] },
      targets: { status: 'gathered', targetGroupName: 'web-green', targets: [] },
    });
    const withDiagnose = (h: Harness, requests: DiagnosticsRequest[]): ReleaseDeps => ({
      ...h.deps,
      diagnose: async (request) => {
        requests.push(request);
        // Gathered before the stop and the rollback: nothing was stopped yet.
        expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
        return gathered(request);
      },
    });

    test('a failed hook event: gathered once, expecting the verdict, shown before the rollback, in the report', async () => {
      const h = harness();
      noActive();
      scriptDeployment(h, { failAt: 4, diagnostics: { errorCode: 'ScriptFailed', message: 'hook failed' } });
      const requests: DiagnosticsRequest[] = [];
      const result = await run(baseInput({ json: true }), withDiagnose(h, requests));
      expect(result.exitCode).toBe(1);
      expect(requests).toEqual([{ deploymentId: 'd-NEW', trigger: 'failed', createdAt: expect.any(String), hookLogGroupName: '/aws/lambda/CodeDeployHook_web', expectHookVerdict: true }]);
      const err = h.stderr();
      expect(err).toMatch(/diagnosis hook Failed: GET \/health: status 503\n.*diagnosis skipped ecs: ecs:DescribeServices denied/);
      expect(err.indexOf('diagnosis hook')).toBeLessThan(err.indexOf('rollback d-RB started'));
      expect(result.report.diagnostics?.trigger).toBe('failed');
      expect(JSON.parse(h.stdout()).diagnostics.hook.verdicts).toHaveLength(1);
    });

    test('a timeout with --stop-on-timeout: gathered with trigger timeout before the stop; exit 3 unchanged', async () => {
      const h = harness();
      noActive();
      scriptDeployment(h, { hang: true, stepInMs: 20000 });
      const requests: DiagnosticsRequest[] = [];
      const result = await run(baseInput({ timeoutInMinutes: 1, stopOnTimeout: true }), withDiagnose(h, requests));
      expect(result.exitCode).toBe(3);
      expect(requests.map((r) => [r.trigger, r.expectHookVerdict])).toEqual([['timeout', false]]);
      expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(1);
      expect(result.report.diagnostics?.trigger).toBe('timeout');
    });

    test('success and Ctrl-C gather nothing', async () => {
      const ok = harness();
      noActive();
      scriptDeployment(ok);
      const requests: DiagnosticsRequest[] = [];
      expect((await run(baseInput(), withDiagnose(ok, requests))).exitCode).toBe(0);
      const interrupted = harness();
      cd.reset();
      noActive();
      const { createdAt } = scriptDeployment(interrupted);
      // Ctrl-C 5 s into the deployment: stopped with rollback, which ends it Stopped.
      const deps: ReleaseDeps = {
        ...withDiagnose(interrupted, requests),
        diagnose: async (r) => (requests.push(r), gathered(r)),
        sleep: async (ms) => {
          await interrupted.deps.sleep(ms);
          const t = interrupted.now() - createdAt();
          if (createdAt() > 0 && t >= 5000 && t < 5000 + ms) interrupted.signal('SIGINT');
        },
      };
      expect((await run(baseInput(), deps)).exitCode).toBe(130);
      expect(interrupted.stderr()).toMatch(/status Stopped/);
      expect(requests).toEqual([]);
    });
  });

  test('--until test-traffic exits 0 once AfterAllowTestTraffic succeeded and leaves the deployment running', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    const result = await run(baseInput({ until: 'test-traffic' }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(result.outcome).toEqual({ kind: 'until-reached', stage: 'test-traffic' });
    expect(lines(h).at(-3)).toMatch(/Z until test-traffic reached$/);
    expect(lines(h).at(-2)).toMatch(/Z follow d-NEW keeps going; follow the rest with --follow d-NEW$/);
    expect(h.stderr()).toMatch(/lifecycle AfterAllowTestTraffic Succeeded\n/);
    expect(h.stderr()).not.toMatch(/lifecycle AllowTraffic Succeeded/);
    expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    expect(result.report.until).toBe('test-traffic');
  });

  test('--follow follows an existing deployment to its end without creating one', async () => {
    const h = harness();
    noActive();
    const { createdAt } = scriptDeployment(h);
    // The deployment was created earlier (e.g. by a run with --until test-traffic).
    await h.deps.codedeploy!.send(new CreateDeploymentCommand({ applicationName: 'app' }));
    expect(createdAt()).toBe(T0);
    cd.resetHistory();
    const result = await run(baseInput({ followDeploymentId: 'd-NEW' }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    expect(cd.commandCalls(ListDeploymentsCommand)).toHaveLength(0);
    expect(h.stderr()).toMatch(/Z deployment d-NEW followed\n/);
    expect(h.stderr()).not.toMatch(/ revision /);
    expect(h.stderr()).not.toMatch(/warning/);
    expect(result.report.deploymentId).toBe('d-NEW');
  });

  test('--follow warns when the deployment belongs to another group than the inputs say', async () => {
    const h = harness();
    cd.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-OTHER', status: 'Succeeded', applicationName: 'app', deploymentGroupName: 'other-group' } });
    cd.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });
    const result = await run(baseInput({ followDeploymentId: 'd-OTHER', timeoutInMinutes: 5 }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(h.stderr()).toMatch(/warning d-OTHER belongs to group other-group, not to the app\/group of the inputs/);
  });

  test('--follow --continue approves a deployment waiting in Ready and follows it', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { waitReady: true });
    await h.deps.codedeploy!.send(new CreateDeploymentCommand({ applicationName: 'app' }));
    cd.resetHistory();
    const result = await run(baseInput({ followDeploymentId: 'd-NEW', continueWhenReady: true }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(cd.commandCalls(ContinueDeploymentCommand)).toHaveLength(1);
  });

  test('--continue calls ContinueDeployment when the deployment is Ready', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { waitReady: true });
    const result = await run(baseInput({ continueWhenReady: true }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(cd.commandCalls(ContinueDeploymentCommand).map((c) => c.args[0].input)).toEqual([{ deploymentId: 'd-NEW', deploymentWaitType: 'READY_WAIT' }]);
    expect(h.stderr()).toMatch(/status Ready/);
    expect(h.stderr()).not.toMatch(/ready d-NEW waits/);
  });

  test('--continue keeps following when the deployment was approved by someone else first (DeploymentIsNotInReadyStateException)', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { waitReady: true, continueAnswersError: 'DeploymentIsNotInReadyStateException' });
    const result = await run(baseInput({ continueWhenReady: true }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(result.report.status).toBe('Succeeded');
    expect(h.stderr()).toMatch(/Z continue d-NEW is no longer Ready \(DeploymentIsNotInReadyStateException\); following it\n/);
  });

  test('without --continue a Ready deployment is waited for, with a hint how to approve it', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { waitReady: true, hang: true });
    const result = await run(baseInput({ timeoutInMinutes: 1 }), h.deps);
    expect(result.exitCode).toBe(3);
    expect(cd.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
    expect(h.stderr()).toMatch(/Z ready d-NEW waits for ContinueDeployment: .*aws deploy continue-deployment --deployment-id d-NEW --deployment-wait-type READY_WAIT\n/);
    expect(h.stderr()).toMatch(/timed out after 1 min; deployment d-NEW is Ready/);
  });

  test('interrupt: StopDeployment with autoRollbackEnabled, follows the rollback, exits 130', async () => {
    const h = harness();
    noActive();
    const { createdAt } = scriptDeployment(h);
    // Press Ctrl-C 5 s into the deployment.
    const original = h.deps.sleep;
    const deps: ReleaseDeps = {
      ...h.deps,
      sleep: async (ms) => {
        await original(ms);
        if (createdAt() > 0 && h.now() - createdAt() >= 5000 && h.now() - createdAt() < 5000 + ms) h.signal('SIGINT');
      },
    };
    const result = await run(baseInput(), deps);
    expect(result.exitCode).toBe(130);
    expect(cd.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([{ deploymentId: 'd-NEW', autoRollbackEnabled: true }]);
    expect(h.stderr()).toMatch(/interrupted SIGINT received/);
    expect(h.stderr()).toMatch(/interrupted stopping d-NEW with rollback/);
    expect(h.stderr()).toMatch(/status Stopped/);
    expect(h.stderr()).toMatch(/rollback status Succeeded/);
    expect(result.report.rollbackDeploymentId).toBe('d-RB');
    expect(lines(h).at(-1)).toMatch(/result Stopped d-NEW exit 130$/);
  });

  test('a second interrupt exits at once, printing the deployment id and state', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    cd.on(StopDeploymentCommand).callsFake(() => {
      h.signal('SIGINT');
      return new Promise(() => undefined); // never answers: only the second Ctrl-C can end this
    });
    const original = h.deps.sleep;
    let fired = false;
    const deps: ReleaseDeps = {
      ...h.deps,
      sleep: async (ms) => {
        await original(ms);
        if (!fired && h.now() - T0 >= 3000) {
          fired = true;
          h.signal('SIGINT');
        }
      },
    };
    const result = await run(baseInput(), deps);
    expect(result.exitCode).toBe(130);
    expect(h.stderr()).toMatch(/interrupted again: exiting now; deployment d-NEW is InProgress \(stop with rollback requested\); see https:\/\/us-east-1\.console/);
    expect(h.stderr()).not.toMatch(/rollback d-RB started/);
  });

  test('an interrupt while following a rollback does not stop the rollback', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { failAt: 2 });
    const original = h.deps.sleep;
    let fired = false;
    const deps: ReleaseDeps = {
      ...h.deps,
      sleep: async (ms) => {
        await original(ms);
        if (!fired && /rollback d-RB started/.test(h.stderr())) {
          fired = true;
          h.signal('SIGTERM');
        }
      },
    };
    const result = await run(baseInput(), deps);
    expect(fired).toBe(true);
    expect(h.stderr()).toMatch(/interrupted SIGTERM received; the rollback is not stopped/);
    expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    expect(result.report.rollbackStatus).toBe('Succeeded');
    expect(result.exitCode).toBe(1);
  });

  test('an interrupt while waiting for an active deployment creates nothing and exits 130', async () => {
    const h = harness();
    cd.on(ListDeploymentsCommand).resolves({ deployments: ['d-OLD'] });
    cd.on(GetDeploymentCommand, { deploymentId: 'd-OLD' }).resolves({ deploymentInfo: { deploymentId: 'd-OLD', status: 'InProgress' } });
    const original = h.deps.sleep;
    const deps: ReleaseDeps = {
      ...h.deps,
      sleep: async (ms) => {
        await original(ms);
        if (h.now() - T0 >= 5000) h.signal('SIGINT');
      },
    };
    const result = await run(baseInput({ activePolicy: 'wait' }), deps);
    expect(result.exitCode).toBe(130);
    expect(cd.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    expect(cd.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    expect(h.stderr()).toMatch(/interrupted while waiting for d-OLD; no deployment was created/);
  });

  test('dry run prints the exact request and AppSpec and calls nothing', async () => {
    const h = harness();
    const result = await run(baseInput({ dryRun: true }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(cd.calls()).toHaveLength(0);
    const out = h.stdout();
    const json = out.slice(out.indexOf('{'), out.indexOf('\n}\n') + 2);
    expect(JSON.parse(json)).toEqual({
      applicationName: 'app',
      deploymentGroupName: 'group',
      description: 'abc123 release',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: appSpecSha256(content) } },
    });
    expect(out).toContain(`AppSpec content (sha256 ${appSpecSha256(content)}):\n${content}\n`);
    expect(out).toContain('TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/web:7');
    expect(h.files).toEqual({});
  });

  test('dry run with --json prints one JSON document with the request', async () => {
    const h = harness();
    const result = await run(baseInput({ dryRun: true, json: true }), h.deps);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(h.stdout());
    expect(doc.status).toBe('DryRun');
    expect(doc.deploymentId).toBeNull();
    expect(doc.request.revision.appSpecContent.sha256).toBe(appSpecSha256(content));
    expect(cd.calls()).toHaveLength(0);
  });

  test('--json prints exactly one JSON document on stdout; human text stays on stderr', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    const result = await run(baseInput({ json: true }), h.deps);
    const doc = JSON.parse(h.stdout());
    expect(doc).toEqual({
      controller: 'CODE_DEPLOY',
      deploymentId: 'd-NEW',
      status: 'Succeeded',
      exitCode: 0,
      applicationName: 'app',
      deploymentGroupName: 'group',
      startedAt: new Date(T0).toISOString(),
      endedAt: expect.any(String),
      durationInSeconds: Math.round((Date.parse(doc.endedAt) - T0) / 1000),
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-NEW?region=us-east-1',
      lifecycleEvents: result.report.lifecycleEvents,
    });
    expect(doc.durationInSeconds).toBeGreaterThanOrEqual(18);
    expect(doc.lifecycleEvents).toHaveLength(8);
    expect(h.stderr()).toMatch(/lifecycle Install Succeeded/);
  });

  test('GitHub Actions: appends a Markdown summary and deployment_id/status outputs', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h, { failAt: 4 });
    await run(baseInput({ githubStepSummaryPath: 'summary.md', githubOutputPath: 'out.txt' }), h.deps);
    expect(h.files['out.txt']).toBe('deployment_id=d-NEW\nstatus=Failed\n');
    const md = h.files['summary.md'];
    expect(md).toMatch(/^### ❌ Release Failed — `d-NEW`/);
    expect(md).toContain('| Deployment | [d-NEW](https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-NEW?region=us-east-1) |');
    expect(md).toContain('| Rollback | `d-RB` Succeeded |');
    expect(md).toContain('| AfterAllowTestTraffic | Failed |');
  });

  test('a GitHub file that cannot be written is a warning: the exit code, result line and JSON stay those of the deployment', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    const deps: ReleaseDeps = {
      ...h.deps,
      appendFile: (p) => {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      },
    };
    const result = await run(baseInput({ json: true, githubStepSummaryPath: 'missing/summary.md', githubOutputPath: 'missing/out.txt' }), deps);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(h.stdout())).toMatchObject({ deploymentId: 'd-NEW', status: 'Succeeded', exitCode: 0 });
    expect(lines(h)).toContainEqual(expect.stringMatching(/Z warning could not write GITHUB_STEP_SUMMARY \(missing\/summary\.md\): ENOENT/));
    expect(lines(h)).toContainEqual(expect.stringMatching(/Z warning could not write GITHUB_OUTPUT \(missing\/out\.txt\): ENOENT/));
    expect(lines(h).at(-1)).toMatch(/Z result Succeeded d-NEW exit 0$/);
  });

  test('S3 revision: references the stack\'s AppSpec object as YAML with its version', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    const result = await run(baseInput({ revision: { type: 's3', bucket: 'appspec-bucket', key: 'group/appspec.yaml', version: 'v3' } }), h.deps);
    expect(result.exitCode).toBe(0);
    expect(cd.commandCalls(CreateDeploymentCommand)[0].args[0].input.revision).toEqual({
      revisionType: 'S3',
      s3Location: { bucket: 'appspec-bucket', key: 'group/appspec.yaml', bundleType: 'YAML', version: 'v3' },
    });
  });

  test('a per-release deployment config is sent and used for the timeout', async () => {
    const h = harness();
    noActive();
    scriptDeployment(h);
    cd.on(GetDeploymentConfigCommand, { deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes' }).resolves({
      deploymentConfigInfo: { computePlatform: 'ECS', trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 } } },
    });
    await run(baseInput({ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes' }), h.deps);
    expect(cd.commandCalls(CreateDeploymentCommand)[0].args[0].input.deploymentConfigName).toBe('CodeDeployDefault.ECSCanary10Percent15Minutes');
    expect(h.stderr()).toMatch(/timeout 40 min \(CodeDeployDefault\.ECSCanary10Percent15Minutes: ready wait 0 \+ traffic shifting 15 \+ termination wait 5 \+ margin 20\)/);
  });
});
