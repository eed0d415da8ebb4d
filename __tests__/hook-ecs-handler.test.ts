/**
 * The hook handler on the ECS contract over real sockets: a local HTTP server stands in for green.
 * ECS reads the returned hookStatus; no CodeDeploy call is ever made.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HookConfig, toHookEnvironment } from '../hook-lambda/config';
import { ECS_PROGRESS_KEY } from '../hook-lambda/ecs-policy';
import { createHandler, EcsHookResponse } from '../hook-lambda/index';

const GREEN = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/web/2';
const BLUE = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/web/1';
const event = (stage: string, over: Record<string, unknown> = {}) => ({
  executionId: 'e-1',
  lifecycleStage: stage,
  resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/web/abc',
  executionDetails: { serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/c/web', targetServiceRevisionArn: GREEN, testTrafficWeights: {}, productionTrafficWeights: {} },
  ...over,
});

const noCodeDeploy = { send: () => Promise.reject(new Error('the ECS contract must not call CodeDeploy')) };
const context = (ms: number) => {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
};

/** A test's own green (503 while `failuresLeft` > 0, `/hang` never answers), handler and log. */
interface World {
  failuresLeft: number;
  requests: number;
  readonly logs: Record<string, unknown>[];
  handlerFor(config: Partial<HookConfig>, extra?: Parameters<typeof createHandler>[0]): ReturnType<typeof createHandler>;
}

/**
 * A test with a green of its own: tests share nothing, so they run concurrently (most of their time
 * is the hook's pause between passes or a Lambda deadline).
 */
function greenTest(name: string, body: (w: World) => Promise<void>): void {
  test.concurrent(name, async () => {
    const w: World = {
      failuresLeft: 0,
      requests: 0,
      logs: [],
      handlerFor: (config, extra = {}) => createHandler({ env: toHookEnvironment({ testBaseUrl: base, ...config }), codedeploy: noCodeDeploy, log: (e) => w.logs.push({ ...e }), ...extra }),
    };
    const green: Server = createServer((req, res) => {
      w.requests += 1;
      if (req.url === '/hang') return;
      if (w.failuresLeft > 0) {
        w.failuresLeft -= 1;
        res.statusCode = 503;
      }
      res.end('ok');
    });
    await new Promise<void>((resolve) => green.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(green.address() as AddressInfo).port}`;
    try {
      await body(w);
    } finally {
      green.closeAllConnections();
      await new Promise<void>((resolve) => green.close(() => resolve()));
    }
  });
}

greenTest('answers SUCCEEDED when green passes, and logs the verdict with the ECS ids', async (w) => {
  const answer = await w.handlerFor({ checks: [{ path: '/health' }] })(event('POST_TEST_TRAFFIC_SHIFT'), context(10_000));
  expect(answer).toEqual({ hookStatus: 'SUCCEEDED' });
  expect(w.requests).toBe(2);
  expect(w.logs.map((l) => l.event)).toEqual(['hook.start', 'hook.slice', 'hook.attempt', 'hook.attempt', 'hook.verdict']);
  expect(w.logs[w.logs.length - 1]).toMatchObject({ hookStatus: 'SUCCEEDED', executionId: 'e-1', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', targetServiceRevisionArn: GREEN });
});

greenTest('a green slower than one short invocation: IN_PROGRESS with progress, then SUCCEEDED on the re-invocation', async (w) => {
  w.failuresLeft = 100;
  const handler = w.handlerFor({ checks: [{ path: '/health' }], checkBudgetInSeconds: 30 });
  // A 2 s Lambda: each invocation checks for at most 1.65 s (the answer's margin and the watchdog's
  // grace kept back), room for more than one attempt on a loaded machine (1.2 s left one there).
  const first = (await handler(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { configured: 'kept' } }), context(2000))) as EcsHookResponse;
  expect(first).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: expect.any(Number) });
  const progress = first.hookDetails![ECS_PROGRESS_KEY] as { invocations: number; checks: { attempts: number; consecutivePasses: number }[] };
  expect(progress.invocations).toBe(1);
  expect(progress.checks[0]!.attempts).toBeGreaterThan(1);
  w.failuresLeft = 0;
  // ECS merges the returned hookDetails into the configured ones and passes them back.
  const second = await handler(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { configured: 'kept', ...first.hookDetails } }), context(2000));
  expect(second).toEqual({ hookStatus: 'SUCCEEDED' });
  const attempts = w.logs.filter((l) => l.event === 'hook.attempt').map((l) => l.attempt);
  expect(attempts).toEqual(attempts.map((_, i) => i + 1)); // attempt numbers go on across invocations
});

greenTest('FAILED once the budget that started at the first invocation is spent', async (w) => {
  w.failuresLeft = 1000;
  const handler = w.handlerFor({ checks: [{ path: '/health' }], checkBudgetInSeconds: 1 });
  let answer = (await handler(event('POST_TEST_TRAFFIC_SHIFT'), context(600))) as EcsHookResponse;
  for (let i = 0; i < 10 && answer.hookStatus === 'IN_PROGRESS'; i++) {
    answer = (await handler(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: answer.hookDetails }), context(600))) as EcsHookResponse;
  }
  expect(answer).toEqual({ hookStatus: 'FAILED' });
  expect(w.logs[w.logs.length - 1]).toMatchObject({ event: 'hook.verdict', hookStatus: 'FAILED', reason: expect.stringMatching(/^GET \/health: did not pass 2 times in a row within the 1\.0 s check budget/) });
});

greenTest('a hanging green ends the invocation before the Lambda deadline', async (w) => {
  const ctx = context(2000);
  const started = Date.now();
  const answer = (await w.handlerFor({ checks: [{ path: '/hang', timeoutInMs: 60_000 }] })(event('POST_TEST_TRAFFIC_SHIFT'), ctx)) as EcsHookResponse;
  expect(answer.hookStatus).toBe('IN_PROGRESS');
  expect(Date.now() - started).toBeLessThan(2000);
});

greenTest('a rollback re-invocation answers SUCCEEDED without a request to green', async (w) => {
  const answer = await w.handlerFor({})(event('PRODUCTION_TRAFFIC_SHIFT', { executionDetails: { serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/c/web', targetServiceRevisionArn: GREEN, testTrafficWeights: {}, productionTrafficWeights: { [GREEN]: 0, [BLUE]: 100 } } }), context(5000));
  expect(answer).toEqual({ hookStatus: 'SUCCEEDED' });
  expect(w.requests).toBe(0);
});

greenTest('a stage before test traffic reaches green answers FAILED, saying where to configure the hook', async (w) => {
  expect(await w.handlerFor({})(event('POST_SCALE_UP'), context(5000))).toEqual({ hookStatus: 'FAILED' });
  expect(w.requests).toBe(0);
  expect(w.logs[w.logs.length - 1]).toMatchObject({ reason: expect.stringMatching(/configure it at POST_TEST_TRAFFIC_SHIFT/) });
});

const MALFORMED: [string, unknown][] = [
  ['executionDetails not an object', event('POST_TEST_TRAFFIC_SHIFT', { executionDetails: 42 })],
  ['an unknown stage', event('SOMETIME')],
  ['hookDetails not an object', event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: 'x' })],
  ['a progress record this hook did not write', event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { [ECS_PROGRESS_KEY]: { startedAtMs: 'yesterday' } } })],
  ['neither contract', { hello: 'world' }],
  ['no event at all', undefined],
];
for (const [name, bad] of MALFORMED) {
  greenTest(`a malformed ECS event (${name}) answers FAILED, logged, never throws`, async (w) => {
    expect(await w.handlerFor({})(bad, context(5000))).toEqual({ hookStatus: 'FAILED' });
    expect(w.requests).toBe(0);
    expect(w.logs.some((l) => l.level === 'error' || (l.event === 'hook.verdict' && l.hookStatus === 'FAILED'))).toBe(true);
  });
}

greenTest('an invalid configuration answers FAILED with every problem logged', async (w) => {
  const handler = createHandler({ env: { HOOK_TEST_BASE_URL: 'nope', HOOK_REQUIRED_CONSECUTIVE_PASSES: '0' }, codedeploy: noCodeDeploy, log: (e) => w.logs.push({ ...e }) });
  expect(await handler(event('POST_TEST_TRAFFIC_SHIFT'), context(5000))).toEqual({ hookStatus: 'FAILED' });
  expect(w.logs.find((l) => l.event === 'hook.config-error')).toMatchObject({ problems: [expect.stringMatching(/^testBaseUrl/), expect.stringMatching(/^requiredConsecutivePasses/)] });
});

greenTest('a bug in the hook (a sleep that throws) answers FAILED; a log sink that throws does not matter', async (w) => {
  w.failuresLeft = 1;
  const handler = w.handlerFor({ checks: [{ path: '/health' }] }, { sleep: () => Promise.reject(new Error('clock broke')), log: () => { throw new Error('sink down'); } });
  expect(await handler(event('POST_TEST_TRAFFIC_SHIFT'), context(5000))).toEqual({ hookStatus: 'FAILED' });
});
