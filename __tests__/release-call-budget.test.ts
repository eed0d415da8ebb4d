/**
 * The process's budget of API calls (release/call-budget.ts): the token bucket's arithmetic (pure), and
 * two releases sharing one budget that both slow down when AWS throttles one of them (the call machinery,
 * and two whole releases of one command).
 */
import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentConfigCommand, GetDeploymentGroupCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCalls } from '../release/aws-calls';
import { afterThrottle, CallBudget, CallBudgets, type CallBudgetLimits, fullBucket, refill, reserveCall } from '../release/call-budget';
import { run } from '../release/run';
import { releaseInput } from '../test-support/release-input';

const T = Date.parse('2026-11-26T03:00:00Z');
const limits: CallBudgetLimits = { ratePerSecond: 2, burst: 4, minRatePerSecond: 0.25, recoveryPerSecond: 0.5, throttleWindowInMs: 1000 };

describe('the token bucket', () => {
  test('a burst goes at once; then each call waits for its token at the rate', () => {
    let s = fullBucket(limits, T);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = reserveCall(s, T, limits);
      s = r.state;
      waits.push(r.waitInMs);
    }
    expect(waits).toEqual([0, 0, 0, 0, 500, 1000]);
  });

  test('tokens come back at the rate, never beyond the burst', () => {
    expect(refill({ tokens: -2, ratePerSecond: 2, atInMs: T }, T + 1500, limits)).toEqual({ tokens: 1, ratePerSecond: 2, atInMs: T + 1500 });
    expect(refill({ tokens: 0, ratePerSecond: 2, atInMs: T }, T + 60_000, limits).tokens).toBe(4);
    // A clock that went back changes nothing.
    expect(refill({ tokens: 1, ratePerSecond: 2, atInMs: T }, T - 5000, limits)).toEqual({ tokens: 1, ratePerSecond: 2, atInMs: T });
  });

  test('throttling halves the rate (never below the minimum) and leaves no token; the rate grows back', () => {
    const throttled = afterThrottle(fullBucket(limits, T), T, limits);
    expect(throttled).toEqual({ tokens: 0, ratePerSecond: 1, atInMs: T, halvedAtInMs: T });
    expect(reserveCall(throttled, T, limits).waitInMs).toBe(1000);
    // A burst of throttling answers is one event: the rate halves once per window.
    expect(afterThrottle(throttled, T + 999, limits).ratePerSecond).toBeCloseTo(1.4995);
    const noRecovery = { ...limits, recoveryPerSecond: 0 };
    let s = throttled;
    for (let i = 1; i <= 5; i++) s = afterThrottle(s, T + i * 1000, noRecovery);
    expect(s.ratePerSecond).toBe(0.25);
    // 0.5 call/s regained per second: from 1 to the full 2 in two seconds (3 tokens refilled meanwhile).
    expect(refill(throttled, T + 2000, limits)).toEqual({ tokens: 3, ratePerSecond: 2, atInMs: T + 2000, halvedAtInMs: T });
  });

  test('one budget per service and Region (and endpoint) in a process', () => {
    const budgets = new CallBudgets(limits);
    expect(budgets.for('codedeploy', 'us-east-1')).toBe(budgets.for('codedeploy', 'us-east-1'));
    expect(budgets.for('codedeploy', 'us-east-1')).not.toBe(budgets.for('codedeploy', 'eu-west-1'));
    expect(budgets.for('codedeploy', 'us-east-1')).not.toBe(budgets.for('ecs', 'us-east-1'));
    expect(budgets.for('codedeploy', 'us-east-1', 'http://127.0.0.1:1')).not.toBe(budgets.for('codedeploy', 'us-east-1'));
  });
});

describe('releases sharing a budget', () => {
  /** Two call machineries on one budget and one fake clock; the first `throttleFirst` calls are throttled. */
  function twoReleases(throttleFirst: number) {
    let now = T;
    const pauses: { who: string; ms: number }[] = [];
    let sent = 0;
    const sender = {
      send: async () => {
        sent++;
        if (sent <= throttleFirst) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
        return {};
      },
    };
    const budget = new CallBudget(limits);
    const calls = (who: string) =>
      new AwsCalls({
        sender: sender as unknown as CodeDeployClient,
        region: 'us-east-1',
        minIntervalInMs: 1000,
        maxIntervalInMs: 10_000,
        random: () => 0,
        pause: async (ms) => {
          pauses.push({ who, ms });
          now += ms;
        },
        guard: (p) => p,
        notify: () => undefined,
        clock: () => now,
        budget,
      });
    return { a: calls('a'), b: calls('b'), pauses, budget, now: () => now };
  }

  test('within the budget, no call waits', async () => {
    const r = twoReleases(0);
    for (let i = 0; i < 2; i++) {
      await r.a.call('GetDeployment', { input: {} });
      await r.b.call('GetDeployment', { input: {} });
    }
    expect(r.pauses).toEqual([]);
  });

  test('one release is throttled: the other one slows down too, without having been throttled itself', async () => {
    const r = twoReleases(1);
    await r.a.call('GetDeployment', { input: {} });
    // a waited out its own back-off (2 s ceiling, equal jitter at random 0); meanwhile the halved rate
    // regained enough for its retry's token.
    expect(r.pauses).toEqual([{ who: 'a', ms: 1000 }]);
    expect(r.budget.ratePerSecond(r.now())).toBe(1.5);
    r.pauses.length = 0;
    // b was never throttled, yet waits for its tokens at the lowered rate (within the budget it would not).
    await r.b.call('GetDeployment', { input: {} });
    await r.b.call('GetDeployment', { input: {} });
    expect(r.pauses).toEqual([{ who: 'b', ms: 500 }, { who: 'b', ms: 536 }]);
  });
});

describe('two releases of one command on the process\'s budgets', () => {
  test('AWS throttles one release: the other one waits for its tokens too; without the throttling, or with budgets of their own, it does not', async () => {
    const cd = mockClient(CodeDeployClient);
    // Room for both releases' calls at once: only throttling makes anyone wait.
    const roomy: CallBudgetLimits = { ...limits, burst: 20 };
    const releaseBoth = async (shared: boolean, throttle: boolean): Promise<Record<string, number[]>> => {
      cd.reset();
      let groupReads = 0;
      cd.on(GetDeploymentGroupCommand).callsFake(() => {
        // The first read of the first release is throttled.
        if (groupReads++ === 0 && throttle) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
        return { deploymentGroupInfo: { deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce' } };
      });
      cd.on(GetDeploymentConfigCommand).resolves({ deploymentConfigInfo: { trafficRoutingConfig: { type: 'AllAtOnce' } } });
      cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
      cd.on(CreateDeploymentCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
      let now = T;
      const sleeps: Record<string, number[]> = { a: [], b: [] };
      const budgets = new CallBudgets(roomy);
      const release = (who: 'a' | 'b') =>
        run(releaseInput({ service: who }), {
          codedeploy: new CodeDeployClient({ region: 'us-east-1' }),
          clock: () => now,
          sleep: async (ms) => {
            sleeps[who]!.push(ms);
            now += ms;
          },
          random: () => 0,
          output: { stdout: { write: () => undefined }, stderr: { write: () => undefined } },
          budgets: shared ? budgets : new CallBudgets(roomy),
        });
      const results = await Promise.all([release('a'), release('b')]);
      expect(results.map((r) => r.exitCode)).toEqual([5, 5]);
      return sleeps;
    };
    const together = await releaseBoth(true, true);
    expect(together.a!.length).toBeGreaterThan(0);
    expect(together.b!.length).toBeGreaterThan(0);
    expect((await releaseBoth(true, false)).b).toEqual([]);
    expect((await releaseBoth(false, true)).b).toEqual([]);
  });
});
