/**
 * The hook handler end to end over real sockets: local HTTP servers stand in for green, and the real
 * CodeDeployClient talks to a local CodeDeploy JSON endpoint that records every report.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { toHookEnvironment, HookConfig } from '../hook-lambda/config';
import { createHandler, CreateHandlerOptions, HookReportError, HookResult } from '../hook-lambda/index';
import { CheckRetryPolicy, DEFAULT_CHECK_RETRY_POLICY } from '../hook-lambda/policy';
import { AwsJsonError, AwsJsonServer, startAwsJsonServer } from '../test-support/aws-json-server';

const PUT = 'PutLifecycleEventHookExecutionStatus';
const EVENT = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'hook-exec-1' };

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** Green stand-in: one route per scenario. `/flaky` counts per full URL, so each test has its own. */
function greenRoutes(flakyCounts: Map<string, number>): Record<string, Route> {
  return {
    '/ok': (_q, r) => r.end('healthy'),
    '/error': (_q, r) => {
      r.statusCode = 500;
      r.end('boom');
    },
    '/flaky': (q, r) => {
      const n = (flakyCounts.get(q.url ?? '') ?? 0) + 1;
      flakyCounts.set(q.url ?? '', n);
      r.statusCode = n <= 2 ? 503 : 200;
      r.end(n <= 2 ? 'starting' : 'healthy');
    },
    '/hang': () => undefined,
    '/close': (q) => q.socket.destroy(),
    '/slow-body': (_q, r) => {
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.write('heal');
      // The rest of the body never comes.
    },
    '/close-mid-body': (q, r) => {
      r.writeHead(200, { 'content-length': '100' });
      r.write('heal', () => q.socket.destroy());
    },
    '/wrong-body': (_q, r) => r.end('maintenance mode'),
    '/redirect': (_q, r) => {
      r.writeHead(301, { location: '/login' });
      r.end();
    },
    '/host': (q, r) => {
      r.statusCode = q.headers.host === 'app.example.com' ? 200 : 404;
      r.end(`host=${q.headers.host}`);
    },
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

let green: Server;
let greenUrl: string;
let deadPortUrl: string;
let codedeploy: AwsJsonServer;
let client: CodeDeployClient;
/** How the report endpoint answers call number n, by hook execution id (tests run concurrently). */
const reportBehaviours = new Map<string, (call: number) => unknown>();
const reportCounts = new Map<string, number>();

beforeAll(async () => {
  const routes = greenRoutes(new Map());
  green = createServer((req, res) => (routes[(req.url ?? '').split('?')[0]!] ?? routes['/error'])(req, res));
  greenUrl = `http://127.0.0.1:${await listen(green)}`;
  const dead = createServer();
  deadPortUrl = `http://127.0.0.1:${await listen(dead)}`;
  await closeServer(dead);
  codedeploy = await startAwsJsonServer({
    targetPrefix: 'CodeDeploy_20141006',
    handlers: {
      [PUT]: (input: { lifecycleEventHookExecutionId: string }) => {
        const id = input.lifecycleEventHookExecutionId;
        const n = (reportCounts.get(id) ?? 0) + 1;
        reportCounts.set(id, n);
        return (reportBehaviours.get(id) ?? (() => ({})))(n);
      },
    },
  });
  client = new CodeDeployClient({
    endpoint: codedeploy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await codedeploy.close();
  await closeServer(green);
});

/**
 * The production retry policy with a short pause between passes: the pause is not what these tests
 * prove (hook-checks.test.ts does), and at 500 ms it was most of the time of every passing test.
 * The first test keeps the production default.
 */
const QUICK_PASSES: CheckRetryPolicy = { ...DEFAULT_CHECK_RETRY_POLICY, passIntervalInMs: 50 };

/** A fake Lambda context whose deadline is `ms` from now. */
function contextWithDeadline(ms: number) {
  const deadline = Date.now() + ms;
  return { deadline, getRemainingTimeInMillis: () => deadline - Date.now() };
}

let scenarios = 0;

/**
 * One test's own hook execution: its event (a hook execution id of its own), log, reports and report
 * behaviour, so that tests share the servers and the client but nothing else and run concurrently.
 */
function scenario() {
  scenarios += 1;
  const event = { ...EVENT, LifecycleEventHookExecutionId: `hook-exec-${scenarios}` };
  const logs: Record<string, unknown>[] = [];
  const startedAt = Date.now();
  const handler = (options: CreateHandlerOptions) => createHandler({ codedeploy: client, log: (entry) => logs.push({ ...entry }), checkRetryPolicy: QUICK_PASSES, ...options });
  const handlerFor = (config: Partial<HookConfig> & { env?: Record<string, string> }, options: CreateHandlerOptions = {}) => {
    const { env: extraEnv, ...rest } = config;
    return handler({ env: { ...toHookEnvironment({ testBaseUrl: greenUrl, ...rest }), ...extraEnv }, ...options });
  };
  return {
    event,
    logs,
    startedAt,
    handler,
    handlerFor,
    reportsAnswer(behaviour: (call: number) => unknown) {
      reportBehaviours.set(event.LifecycleEventHookExecutionId, behaviour);
    },
    reports: () => codedeploy.calls.filter((c) => c.operation === PUT && c.input.lifecycleEventHookExecutionId === event.LifecycleEventHookExecutionId),
    attemptLogs: () => logs.filter((l) => l.event === 'hook.attempt'),
    async invoke(config: Parameters<typeof handlerFor>[0], remainingInMs = 3000): Promise<{ result: HookResult; deadline: number }> {
      const context = contextWithDeadline(remainingInMs);
      const result = await handlerFor(config)(event, context);
      return { result, deadline: context.deadline };
    },
  };
}

/** The report's input for this scenario's event. */
const reportOf = (event: typeof EVENT, status: string) => ({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status });

// Every test has its own hook execution (scenario()), so they run concurrently: most of their time is
// waiting out a check budget, a Lambda deadline or a backoff. Jest runs the concurrent tests of one
// describe block 5 at a time in the order written, hence one block, with the longest waits first.
describe('hook handler against real local servers', () => {
  // Deadlines: the hook's own, and the Lambda's.
  test.concurrent('a hanging CodeDeploy endpoint does not hold the hook past the deadline', async () => {
    const s = scenario();
    s.reportsAnswer(() => new Promise(() => undefined));
    // 4 s: the hook stops retrying 200 ms before the deadline, room enough for a busy CI machine.
    const context = contextWithDeadline(4000);
    await expect(s.handlerFor({ checks: [{ path: '/ok' }] })(s.event, context)).rejects.toThrow(/timed out/);
    expect(Date.now()).toBeLessThan(context.deadline);
  });

  test.concurrent('reports Failed before the Lambda deadline when green hangs', async () => {
    const s = scenario();
    // No check budget configured (default 240 s): the Lambda's 3 s remaining time is what limits it.
    const { result, deadline } = await s.invoke({ checks: [{ path: '/hang' }] }, 3000);
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('timed out');
    const calls = s.reports();
    expect(calls.map((c) => c.input.status)).toEqual(['Failed']);
    expect(calls[0].at).toBeLessThan(deadline);
    // It used the time it had (about 2 s of checks) rather than giving up at once.
    expect(calls[0].at - s.startedAt).toBeGreaterThanOrEqual(1500);
  });

  test.concurrent('keeps retrying a failing endpoint only until shortly before the Lambda deadline', async () => {
    const s = scenario();
    s.reportsAnswer(() => {
      throw new AwsJsonError('InternalFailure', 'try again', 500);
    });
    const context = contextWithDeadline(2500);
    await expect(s.handlerFor({ checks: [{ path: '/ok' }] })(s.event, context)).rejects.toThrow(HookReportError);
    expect(s.reports().length).toBeGreaterThan(2);
    expect(Date.now()).toBeLessThan(context.deadline);
  });

  test.concurrent('reports Failed when a request never settles, even if it ignores its own timeout', async () => {
    const s = scenario();
    const handler = s.handlerFor({}, { httpGet: () => new Promise<never>(() => undefined) });
    const context = contextWithDeadline(2000);
    const result = await handler(s.event, context);
    expect(result).toMatchObject({ status: 'Failed', reason: 'checks did not finish within the 1.0 s check budget' });
    expect(s.reports().map((c) => c.input.status)).toEqual(['Failed']);
    expect(s.reports()[0].at).toBeLessThan(context.deadline);
  });

  // Checks of green, and how each way of failing reads.
  test.concurrent('reports Succeeded once when green answers 200 twice in a row (the production retry policy)', async () => {
    const s = scenario();
    const result = await s.handlerFor({ checks: [{ path: '/ok' }] }, { checkRetryPolicy: undefined })(s.event, contextWithDeadline(3000));
    expect(result).toMatchObject({ status: 'Succeeded', report: 'reported', reportAttempts: 1 });
    expect(s.reports().map((c) => c.input)).toEqual([reportOf(s.event, 'Succeeded')]);
    expect(s.attemptLogs()).toHaveLength(2);
    expect(s.attemptLogs()[0]).toMatchObject({ check: 'GET /ok', url: `${greenUrl}/ok`, status: 200, pass: true });
    expect(typeof s.attemptLogs()[0].latencyMs).toBe('number');
    expect(s.logs.find((l) => l.event === 'hook.verdict')).toMatchObject({ status: 'Succeeded', reason: expect.stringContaining('GET /ok') });
  });

  test.concurrent('reports Failed once when green answers 500', async () => {
    const s = scenario();
    const { result } = await s.invoke({ checks: [{ path: '/error' }], checkBudgetInSeconds: 1 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('status 500 (expected 200)');
    expect(s.reports().map((c) => c.input.status)).toEqual(['Failed']);
    expect(s.attemptLogs().length).toBeGreaterThan(1);
    expect(s.attemptLogs().every((l) => l.status === 500 && l.pass === false)).toBe(true);
  });

  test.concurrent('reports Succeeded when green answers 503 at first and recovers within the budget', async () => {
    const s = scenario();
    // 10 s of Lambda time (8 s of checks): only a bound. With 3 s, a full run at load 34 on 2 cores once
    // spent the check budget before the fourth attempt and the hook reported Failed.
    const { result } = await s.invoke({ checks: [{ path: `/flaky?for=${s.event.LifecycleEventHookExecutionId}` }] }, 10_000);
    expect(result.status).toBe('Succeeded');
    expect(s.attemptLogs().map((l) => l.status)).toEqual([503, 503, 200, 200]);
    expect(s.reports().map((c) => c.input.status)).toEqual(['Succeeded']);
  });

  test.concurrent('reports Failed when green closes the connection', async () => {
    const s = scenario();
    const { result } = await s.invoke({ checks: [{ path: '/close' }], checkBudgetInSeconds: 0.6 });
    expect(result.status).toBe('Failed');
    expect(String(s.attemptLogs()[0].error)).toMatch(/ECONNRESET|socket hang up/);
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('reports Failed at once when green closes the connection in the middle of the body', async () => {
    const s = scenario();
    // A budget longer than the 1 s the failure must take at most: a 0.2 s budget cut the request's own
    // timeout to 0.2 s, so on a loaded machine the attempt could time out before the close was seen.
    const { result } = await s.invoke({ checks: [{ path: '/close-mid-body', timeoutInMs: 2000 }], checkBudgetInSeconds: 1.5 });
    expect(result.status).toBe('Failed');
    expect(s.attemptLogs()[0]).toMatchObject({ pass: false, error: expect.stringMatching(/closed while reading the body|ECONNRESET|aborted/) });
    expect(Number(s.attemptLogs()[0].latencyMs)).toBeLessThan(1000);
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('reports Failed when nothing listens on the port', async () => {
    const s = scenario();
    const result = await s.handlerFor({ env: { HOOK_TEST_BASE_URL: deadPortUrl, HOOK_CHECK_BUDGET_IN_SECONDS: '0.6' } })(s.event, contextWithDeadline(3000));
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('ECONNREFUSED');
    expect(s.reports().map((c) => c.input.status)).toEqual(['Failed']);
  });

  test.concurrent('reports Failed when the body is too slow, even though the status is 200', async () => {
    const s = scenario();
    const { result } = await s.invoke({ checks: [{ path: '/slow-body', timeoutInMs: 300 }], checkBudgetInSeconds: 0.8 });
    expect(result.status).toBe('Failed');
    expect(s.attemptLogs()[0]).toMatchObject({ pass: false, error: expect.stringContaining('reading the body') });
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('reports Failed when the body lacks the expected text', async () => {
    const s = scenario();
    const { result } = await s.invoke({ checks: [{ path: '/wrong-body', bodyContains: 'healthy' }], checkBudgetInSeconds: 0.6 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('body does not contain "healthy"');
    expect(s.reports().map((c) => c.input.status)).toEqual(['Failed']);
  });

  test.concurrent('does not follow a redirect: a 301 fails a check expecting 200', async () => {
    const s = scenario();
    const { result } = await s.invoke({ checks: [{ path: '/redirect' }], checkBudgetInSeconds: 0.6 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('status 301 (expected 200); redirect to /login not followed');
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('a redirect passes a check that expects it', async () => {
    const s = scenario();
    const { result } = await s.invoke({ checks: [{ path: '/redirect', expectedStatus: '300-399' }] });
    expect(result.status).toBe('Succeeded');
  });

  test.concurrent('sends the configured Host header', async () => {
    const s = scenario();
    const { result } = await s.invoke({ checks: [{ path: '/host', headers: { Host: 'app.example.com' } }] });
    expect(result.status).toBe('Succeeded');
  });

  test.concurrent('reports Failed on a TLS error (https to a plain HTTP port)', async () => {
    const s = scenario();
    const result = await s.handlerFor({ env: { HOOK_TEST_BASE_URL: greenUrl.replace('http:', 'https:'), HOOK_CHECK_BUDGET_IN_SECONDS: '0.5' } })(s.event, contextWithDeadline(3000));
    expect(result.status).toBe('Failed');
    expect(String(s.attemptLogs()[0].error)).toMatch(/EPROTO|SSL|TLS|wrong version/i);
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('reports Failed on a DNS failure', async () => {
    const s = scenario();
    const result = await s.handlerFor({ env: { HOOK_TEST_BASE_URL: 'http://green.invalid', HOOK_CHECK_BUDGET_IN_SECONDS: '0.5' } })(s.event, contextWithDeadline(3000));
    expect(result.status).toBe('Failed');
    expect(String(s.attemptLogs()[0].error)).toMatch(/ENOTFOUND|EAI_AGAIN|timed out/);
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('requires every check to pass: one failing check fails the hook', async () => {
    const s = scenario();
    // One pass is enough for /ok, so a loaded machine cannot leave it short of its passes within the
    // budget (with 2 required passes and 0.6 s, /ok got one attempt under load and was named too).
    const { result } = await s.invoke({ checks: [{ path: '/ok' }, { path: '/error' }], requiredConsecutivePasses: 1, checkBudgetInSeconds: 1 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('GET /error');
    expect(result.reason).not.toContain('GET /ok');
    expect(s.reports()).toHaveLength(1);
  });

  // Configuration, event and code errors.
  test.concurrent('reports Failed with the problem when the configuration is invalid', async () => {
    const s = scenario();
    const { result } = await s.invoke({ env: { HOOK_CHECKS: '[{"path":"health"}]' } });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('checks[0].path must be a string starting with "/"');
    expect(s.reports().map((c) => c.input.status)).toEqual(['Failed']);
    expect(s.attemptLogs()).toHaveLength(0);
    expect(s.logs.find((l) => l.event === 'hook.config-error')).toBeDefined();
  });

  test.concurrent('reports Failed when the test base URL is missing', async () => {
    const s = scenario();
    const result = await s.handler({ env: {} })(s.event, contextWithDeadline(3000));
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('HOOK_TEST_BASE_URL');
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('answers Failed, logged and without a report, when the event has no hook execution id (never throws)', async () => {
    const s = scenario();
    const result = await s.handlerFor({ checks: [{ path: '/ok' }] })({ DeploymentId: 'd-1' }, contextWithDeadline(3000));
    expect(result).toEqual({
      status: 'Failed',
      reason: 'malformed CodeDeploy lifecycle event: DeploymentId and LifecycleEventHookExecutionId must be non-empty strings, received {"DeploymentId":"d-1"}',
      report: 'not-reported',
      reportAttempts: 0,
    });
    // No other test uses this deployment id.
    expect(codedeploy.calls.filter((c) => c.operation === PUT && c.input.deploymentId === 'd-1')).toHaveLength(0);
    expect(s.logs).toEqual([expect.objectContaining({ level: 'error', event: 'hook.malformed-event', contract: 'codedeploy' })]);
  });

  test.concurrent('reports Failed when the hook code itself throws', async () => {
    const s = scenario();
    const handler = s.handlerFor({ checks: [{ path: '/error' }] }, { sleep: () => Promise.reject(new Error('clock broke')) });
    const result = await handler(s.event, contextWithDeadline(3000));
    expect(result).toMatchObject({ status: 'Failed', reason: 'internal error in the hook: Error: clock broke' });
    expect(s.reports().map((c) => c.input.status)).toEqual(['Failed']);
  });

  test.concurrent('still reports when the log sink throws', async () => {
    const s = scenario();
    const handler = s.handlerFor(
      { checks: [{ path: '/ok' }] },
      {
        log: () => {
          throw new Error('log sink down');
        },
      },
    );
    const result = await handler(s.event, contextWithDeadline(3000));
    expect(result.status).toBe('Succeeded');
    expect(s.reports().map((c) => c.input.status)).toEqual(['Succeeded']);
  });

  // Odd invocations.
  test.concurrent('still reports when the Lambda context itself throws', async () => {
    const s = scenario();
    const context = {
      getRemainingTimeInMillis: (): number => {
        throw new Error('context gone');
      },
    };
    const result = await s.handlerFor({ checks: [{ path: '/ok' }] })(s.event, context);
    expect(result.status).toBe('Succeeded');
    expect(s.reports().map((c) => c.input.status)).toEqual(['Succeeded']);
  });

  test.concurrent('an event with extra fields, delivered twice: both invocations report once, the second is already completed', async () => {
    const s = scenario();
    s.reportsAnswer((n) => {
      if (n > 1) throw new AwsJsonError('LifecycleEventAlreadyCompletedException', 'already completed', 400);
      return {};
    });
    const handler = s.handlerFor({ checks: [{ path: '/ok' }] });
    const event = { ...s.event, Extra: 'ignored', Nested: { a: 1 } };
    const first = await handler(event, contextWithDeadline(3000));
    const second = await handler(event, contextWithDeadline(3000));
    expect([first.report, second.report]).toEqual(['reported', 'already-completed']);
    expect(s.reports().map((c) => c.input)).toEqual([reportOf(s.event, 'Succeeded'), reportOf(s.event, 'Succeeded')]);
  });

  // The report call.
  test.concurrent('retries a throttled report and succeeds on the second attempt', async () => {
    const s = scenario();
    s.reportsAnswer((n) => {
      if (n === 1) throw new AwsJsonError('ThrottlingException', 'Rate exceeded', 400);
      return {};
    });
    const { result } = await s.invoke({ checks: [{ path: '/ok' }] });
    expect(result).toMatchObject({ status: 'Succeeded', report: 'reported', reportAttempts: 2 });
    expect(s.reports().map((c) => c.input.status)).toEqual(['Succeeded', 'Succeeded']);
    expect(s.logs.filter((l) => l.event === 'hook.report').map((l) => l.outcome)).toEqual(['retrying', 'reported']);
  });

  test.concurrent('treats LifecycleEventAlreadyCompletedException as done', async () => {
    const s = scenario();
    s.reportsAnswer(() => {
      throw new AwsJsonError('LifecycleEventAlreadyCompletedException', 'already completed', 400);
    });
    const { result } = await s.invoke({ checks: [{ path: '/ok' }] });
    expect(result).toMatchObject({ status: 'Succeeded', report: 'already-completed', reportAttempts: 1 });
    expect(s.reports()).toHaveLength(1);
  });

  test.concurrent('does not retry a permanent error and fails the invocation', async () => {
    const s = scenario();
    s.reportsAnswer(() => {
      throw new AwsJsonError('InvalidLifecycleEventHookExecutionIdException', 'no such hook execution', 400);
    });
    await expect(s.invoke({ checks: [{ path: '/ok' }] })).rejects.toThrow(HookReportError);
    expect(s.reports()).toHaveLength(1);
  });
});
