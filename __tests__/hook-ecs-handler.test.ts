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

let green: Server;
let base: string;
let failuresLeft = 0;
let requests = 0;
let logs: Record<string, unknown>[];

beforeAll(async () => {
  green = createServer((req, res) => {
    requests += 1;
    if (req.url === '/hang') return;
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      res.statusCode = 503;
    }
    res.end('ok');
  });
  await new Promise<void>((resolve) => green.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(green.address() as AddressInfo).port}`;
});

afterAll(async () => {
  green.closeAllConnections();
  await new Promise<void>((resolve) => green.close(() => resolve()));
});

beforeEach(() => {
  failuresLeft = 0;
  requests = 0;
  logs = [];
});

const noCodeDeploy = { send: () => Promise.reject(new Error('the ECS contract must not call CodeDeploy')) };
function handlerFor(config: Partial<HookConfig>, extra: Parameters<typeof createHandler>[0] = {}) {
  return createHandler({ env: toHookEnvironment({ testBaseUrl: base, ...config }), codedeploy: noCodeDeploy, log: (e) => logs.push({ ...e }), ...extra });
}
const context = (ms: number) => {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
};

test('answers SUCCEEDED when green passes, and logs the verdict with the ECS ids', async () => {
  const answer = await handlerFor({ checks: [{ path: '/health' }] })(event('POST_TEST_TRAFFIC_SHIFT'), context(10_000));
  expect(answer).toEqual({ hookStatus: 'SUCCEEDED' });
  expect(requests).toBe(2);
  expect(logs.map((l) => l.event)).toEqual(['hook.start', 'hook.slice', 'hook.attempt', 'hook.attempt', 'hook.verdict']);
  expect(logs[logs.length - 1]).toMatchObject({ hookStatus: 'SUCCEEDED', executionId: 'e-1', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', targetServiceRevisionArn: GREEN });
});

test('a green slower than one short invocation: IN_PROGRESS with progress, then SUCCEEDED on the re-invocation', async () => {
  failuresLeft = 100;
  const handler = handlerFor({ checks: [{ path: '/health' }], checkBudgetInSeconds: 30 });
  // A 1.2 s Lambda: each invocation checks for under a second.
  const first = (await handler(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { configured: 'kept' } }), context(1200))) as EcsHookResponse;
  expect(first).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: expect.any(Number) });
  const progress = first.hookDetails![ECS_PROGRESS_KEY] as { invocations: number; checks: { attempts: number; consecutivePasses: number }[] };
  expect(progress.invocations).toBe(1);
  expect(progress.checks[0]!.attempts).toBeGreaterThan(1);
  failuresLeft = 0;
  // ECS merges the returned hookDetails into the configured ones and passes them back.
  const second = await handler(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { configured: 'kept', ...first.hookDetails } }), context(1200));
  expect(second).toEqual({ hookStatus: 'SUCCEEDED' });
  const attempts = logs.filter((l) => l.event === 'hook.attempt').map((l) => l.attempt);
  expect(attempts).toEqual(attempts.map((_, i) => i + 1)); // attempt numbers go on across invocations
});

test('FAILED once the budget that started at the first invocation is spent', async () => {
  failuresLeft = 1000;
  const handler = handlerFor({ checks: [{ path: '/health' }], checkBudgetInSeconds: 1 });
  let answer = (await handler(event('POST_TEST_TRAFFIC_SHIFT'), context(600))) as EcsHookResponse;
  for (let i = 0; i < 10 && answer.hookStatus === 'IN_PROGRESS'; i++) {
    answer = (await handler(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: answer.hookDetails }), context(600))) as EcsHookResponse;
  }
  expect(answer).toEqual({ hookStatus: 'FAILED' });
  expect(logs[logs.length - 1]).toMatchObject({ event: 'hook.verdict', hookStatus: 'FAILED', reason: expect.stringMatching(/^GET \/health: did not pass 2 times in a row within the 1\.0 s check budget/) });
});

test('a hanging green ends the invocation before the Lambda deadline', async () => {
  const ctx = context(2000);
  const started = Date.now();
  const answer = (await handlerFor({ checks: [{ path: '/hang', timeoutInMs: 60_000 }] })(event('POST_TEST_TRAFFIC_SHIFT'), ctx)) as EcsHookResponse;
  expect(answer.hookStatus).toBe('IN_PROGRESS');
  expect(Date.now() - started).toBeLessThan(2000);
});

test('a rollback re-invocation answers SUCCEEDED without a request to green', async () => {
  const answer = await handlerFor({})(event('PRODUCTION_TRAFFIC_SHIFT', { executionDetails: { serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/c/web', targetServiceRevisionArn: GREEN, testTrafficWeights: {}, productionTrafficWeights: { [GREEN]: 0, [BLUE]: 100 } } }), context(5000));
  expect(answer).toEqual({ hookStatus: 'SUCCEEDED' });
  expect(requests).toBe(0);
});

test('a stage before test traffic reaches green answers FAILED, saying where to configure the hook', async () => {
  expect(await handlerFor({})(event('POST_SCALE_UP'), context(5000))).toEqual({ hookStatus: 'FAILED' });
  expect(requests).toBe(0);
  expect(logs[logs.length - 1]).toMatchObject({ reason: expect.stringMatching(/configure it at POST_TEST_TRAFFIC_SHIFT/) });
});

test.each<[string, unknown]>([
  ['executionDetails not an object', event('POST_TEST_TRAFFIC_SHIFT', { executionDetails: 42 })],
  ['an unknown stage', event('SOMETIME')],
  ['hookDetails not an object', event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: 'x' })],
  ['a progress record this hook did not write', event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { [ECS_PROGRESS_KEY]: { startedAtMs: 'yesterday' } } })],
  ['neither contract', { hello: 'world' }],
  ['no event at all', undefined],
])('a malformed ECS event (%s) answers FAILED, logged, never throws', async (_name, bad) => {
  expect(await handlerFor({})(bad, context(5000))).toEqual({ hookStatus: 'FAILED' });
  expect(requests).toBe(0);
  expect(logs.some((l) => l.level === 'error' || (l.event === 'hook.verdict' && l.hookStatus === 'FAILED'))).toBe(true);
});

test('an invalid configuration answers FAILED with every problem logged', async () => {
  const handler = createHandler({ env: { HOOK_TEST_BASE_URL: 'nope', HOOK_REQUIRED_CONSECUTIVE_PASSES: '0' }, codedeploy: noCodeDeploy, log: (e) => logs.push({ ...e }) });
  expect(await handler(event('POST_TEST_TRAFFIC_SHIFT'), context(5000))).toEqual({ hookStatus: 'FAILED' });
  expect(logs.find((l) => l.event === 'hook.config-error')).toMatchObject({ problems: [expect.stringMatching(/^testBaseUrl/), expect.stringMatching(/^requiredConsecutivePasses/)] });
});

test('a bug in the hook (a sleep that throws) answers FAILED; a log sink that throws does not matter', async () => {
  failuresLeft = 1;
  const handler = handlerFor({ checks: [{ path: '/health' }] }, { sleep: () => Promise.reject(new Error('clock broke')), log: () => { throw new Error('sink down'); } });
  expect(await handler(event('POST_TEST_TRAFFIC_SHIFT'), context(5000))).toEqual({ hookStatus: 'FAILED' });
});
