/**
 * The hook handler end to end over real sockets: local HTTP servers stand in for green, and the real
 * CodeDeployClient talks to a local CodeDeploy JSON endpoint that records every report.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { toHookEnvironment, HookConfig } from '../hook-lambda/config';
import { createHandler, HookReportError, HookResult } from '../hook-lambda/index';
import { AwsJsonError, AwsJsonServer, startAwsJsonServer } from '../test-support/aws-json-server';

const PUT = 'PutLifecycleEventHookExecutionStatus';
const EVENT = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'hook-exec-1' };

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** Green stand-in: one route per scenario. */
function greenRoutes(state: { flakyCount: number }): Record<string, Route> {
  return {
    '/ok': (_q, r) => r.end('healthy'),
    '/error': (_q, r) => {
      r.statusCode = 500;
      r.end('boom');
    },
    '/flaky': (_q, r) => {
      state.flakyCount += 1;
      r.statusCode = state.flakyCount <= 2 ? 503 : 200;
      r.end(state.flakyCount <= 2 ? 'starting' : 'healthy');
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
const greenState = { flakyCount: 0 };
let codedeploy: AwsJsonServer;
let reportBehaviour: (call: number) => unknown;
let reportCount = 0;
let client: CodeDeployClient;

beforeAll(async () => {
  const routes = greenRoutes(greenState);
  green = createServer((req, res) => (routes[req.url ?? ''] ?? routes['/error'])(req, res));
  greenUrl = `http://127.0.0.1:${await listen(green)}`;
  const dead = createServer();
  deadPortUrl = `http://127.0.0.1:${await listen(dead)}`;
  await closeServer(dead);
  codedeploy = await startAwsJsonServer({
    targetPrefix: 'CodeDeploy_20141006',
    handlers: {
      [PUT]: () => {
        reportCount += 1;
        return reportBehaviour(reportCount);
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

let logs: Record<string, unknown>[];
let startedAt: number;

beforeEach(() => {
  greenState.flakyCount = 0;
  codedeploy.calls.length = 0;
  reportBehaviour = () => ({});
  reportCount = 0;
  logs = [];
  startedAt = Date.now();
});

/** A fake Lambda context whose deadline is `ms` from now. */
function contextWithDeadline(ms: number) {
  const deadline = Date.now() + ms;
  return { deadline, getRemainingTimeInMillis: () => deadline - Date.now() };
}

function handlerFor(config: Partial<HookConfig> & { env?: Record<string, string> }) {
  const { env: extraEnv, ...rest } = config;
  return createHandler({
    env: { ...toHookEnvironment({ testBaseUrl: greenUrl, ...rest }), ...extraEnv },
    codedeploy: client,
    log: (entry) => logs.push({ ...entry }),
  });
}

function reports() {
  return codedeploy.calls.filter((c) => c.operation === PUT);
}

function attemptLogs() {
  return logs.filter((l) => l.event === 'hook.attempt');
}

async function invoke(config: Parameters<typeof handlerFor>[0], remainingInMs = 3000): Promise<{ result: HookResult; deadline: number }> {
  const context = contextWithDeadline(remainingInMs);
  const result = await handlerFor(config)(EVENT, context);
  return { result, deadline: context.deadline };
}

describe('hook handler against real local servers', () => {
  test('reports Succeeded once when green answers 200 twice in a row', async () => {
    const { result } = await invoke({ checks: [{ path: '/ok' }] });
    expect(result).toMatchObject({ status: 'Succeeded', report: 'reported', reportAttempts: 1 });
    expect(reports().map((c) => c.input)).toEqual([
      { deploymentId: EVENT.DeploymentId, lifecycleEventHookExecutionId: EVENT.LifecycleEventHookExecutionId, status: 'Succeeded' },
    ]);
    expect(attemptLogs()).toHaveLength(2);
    expect(attemptLogs()[0]).toMatchObject({ check: 'GET /ok', url: `${greenUrl}/ok`, status: 200, pass: true });
    expect(typeof attemptLogs()[0].latencyMs).toBe('number');
    expect(logs.find((l) => l.event === 'hook.verdict')).toMatchObject({ status: 'Succeeded', reason: expect.stringContaining('GET /ok') });
  });

  test('reports Failed once when green answers 500', async () => {
    const { result } = await invoke({ checks: [{ path: '/error' }], checkBudgetInSeconds: 1 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('status 500 (expected 200)');
    expect(reports().map((c) => c.input.status)).toEqual(['Failed']);
    expect(attemptLogs().length).toBeGreaterThan(1);
    expect(attemptLogs().every((l) => l.status === 500 && l.pass === false)).toBe(true);
  });

  test('reports Succeeded when green answers 503 at first and recovers within the budget', async () => {
    const { result } = await invoke({ checks: [{ path: '/flaky' }] });
    expect(result.status).toBe('Succeeded');
    expect(attemptLogs().map((l) => l.status)).toEqual([503, 503, 200, 200]);
    expect(reports().map((c) => c.input.status)).toEqual(['Succeeded']);
  });

  test('reports Failed before the Lambda deadline when green hangs', async () => {
    // No check budget configured (default 240 s): the Lambda's 3 s remaining time is what limits it.
    const { result, deadline } = await invoke({ checks: [{ path: '/hang' }] }, 3000);
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('timed out');
    const calls = reports();
    expect(calls.map((c) => c.input.status)).toEqual(['Failed']);
    expect(calls[0].at).toBeLessThan(deadline);
    // It used the time it had (about 2 s of checks) rather than giving up at once.
    expect(calls[0].at - startedAt).toBeGreaterThanOrEqual(1500);
  });

  test('reports Failed when green closes the connection', async () => {
    const { result } = await invoke({ checks: [{ path: '/close' }], checkBudgetInSeconds: 0.6 });
    expect(result.status).toBe('Failed');
    expect(String(attemptLogs()[0].error)).toMatch(/ECONNRESET|socket hang up/);
    expect(reports()).toHaveLength(1);
  });

  test('reports Failed at once when green closes the connection in the middle of the body', async () => {
    const { result } = await invoke({ checks: [{ path: '/close-mid-body', timeoutInMs: 2000 }], checkBudgetInSeconds: 0.2 });
    expect(result.status).toBe('Failed');
    expect(attemptLogs()[0]).toMatchObject({ pass: false, error: expect.stringMatching(/closed while reading the body|ECONNRESET|aborted/) });
    expect(Number(attemptLogs()[0].latencyMs)).toBeLessThan(1000);
    expect(reports()).toHaveLength(1);
  });

  test('reports Failed when nothing listens on the port', async () => {
    const result = await handlerFor({ env: { HOOK_TEST_BASE_URL: deadPortUrl, HOOK_CHECK_BUDGET_IN_SECONDS: '0.6' } })(EVENT, contextWithDeadline(3000));
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('ECONNREFUSED');
    expect(reports().map((c) => c.input.status)).toEqual(['Failed']);
  });

  test('reports Failed when the body is too slow, even though the status is 200', async () => {
    const { result } = await invoke({ checks: [{ path: '/slow-body', timeoutInMs: 300 }], checkBudgetInSeconds: 0.8 });
    expect(result.status).toBe('Failed');
    expect(attemptLogs()[0]).toMatchObject({ pass: false, error: expect.stringContaining('reading the body') });
    expect(reports()).toHaveLength(1);
  });

  test('reports Failed when the body lacks the expected text', async () => {
    const { result } = await invoke({ checks: [{ path: '/wrong-body', bodyContains: 'healthy' }], checkBudgetInSeconds: 0.6 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('body does not contain "healthy"');
    expect(reports().map((c) => c.input.status)).toEqual(['Failed']);
  });

  test('does not follow a redirect: a 301 fails a check expecting 200', async () => {
    const { result } = await invoke({ checks: [{ path: '/redirect' }], checkBudgetInSeconds: 0.6 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('status 301 (expected 200); redirect to /login not followed');
    expect(reports()).toHaveLength(1);
  });

  test('a redirect passes a check that expects it', async () => {
    const { result } = await invoke({ checks: [{ path: '/redirect', expectedStatus: '300-399' }] });
    expect(result.status).toBe('Succeeded');
  });

  test('sends the configured Host header', async () => {
    const { result } = await invoke({ checks: [{ path: '/host', headers: { Host: 'app.example.com' } }] });
    expect(result.status).toBe('Succeeded');
  });

  test('reports Failed on a TLS error (https to a plain HTTP port)', async () => {
    const result = await handlerFor({ env: { HOOK_TEST_BASE_URL: greenUrl.replace('http:', 'https:'), HOOK_CHECK_BUDGET_IN_SECONDS: '0.5' } })(
      EVENT,
      contextWithDeadline(3000),
    );
    expect(result.status).toBe('Failed');
    expect(String(attemptLogs()[0].error)).toMatch(/EPROTO|SSL|TLS|wrong version/i);
    expect(reports()).toHaveLength(1);
  });

  test('reports Failed on a DNS failure', async () => {
    const result = await handlerFor({ env: { HOOK_TEST_BASE_URL: 'http://green.invalid', HOOK_CHECK_BUDGET_IN_SECONDS: '0.5' } })(
      EVENT,
      contextWithDeadline(3000),
    );
    expect(result.status).toBe('Failed');
    expect(String(attemptLogs()[0].error)).toMatch(/ENOTFOUND|EAI_AGAIN|timed out/);
    expect(reports()).toHaveLength(1);
  });

  test('requires every check to pass: one failing check fails the hook', async () => {
    // One pass is enough for /ok, so a loaded machine cannot leave it short of its passes within the
    // budget (with 2 required passes and 0.6 s, /ok got one attempt under load and was named too).
    const { result } = await invoke({ checks: [{ path: '/ok' }, { path: '/error' }], requiredConsecutivePasses: 1, checkBudgetInSeconds: 1 });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('GET /error');
    expect(result.reason).not.toContain('GET /ok');
    expect(reports()).toHaveLength(1);
  });
});

describe('hook handler: configuration, event and code errors', () => {
  test('reports Failed with the problem when the configuration is invalid', async () => {
    const { result } = await invoke({ env: { HOOK_CHECKS: '[{"path":"health"}]' } });
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('checks[0].path must be a string starting with "/"');
    expect(reports().map((c) => c.input.status)).toEqual(['Failed']);
    expect(attemptLogs()).toHaveLength(0);
    expect(logs.find((l) => l.event === 'hook.config-error')).toBeDefined();
  });

  test('reports Failed when the test base URL is missing', async () => {
    const handler = createHandler({ env: {}, codedeploy: client, log: (e) => logs.push({ ...e }) });
    const result = await handler(EVENT, contextWithDeadline(3000));
    expect(result.status).toBe('Failed');
    expect(result.reason).toContain('HOOK_TEST_BASE_URL');
    expect(reports()).toHaveLength(1);
  });

  test('answers Failed, logged and without a report, when the event has no hook execution id (never throws)', async () => {
    const result = await handlerFor({ checks: [{ path: '/ok' }] })({ DeploymentId: 'd-1' }, contextWithDeadline(3000));
    expect(result).toEqual({
      status: 'Failed',
      reason: 'malformed CodeDeploy lifecycle event: DeploymentId and LifecycleEventHookExecutionId must be non-empty strings, received {"DeploymentId":"d-1"}',
      report: 'not-reported',
      reportAttempts: 0,
    });
    expect(reports()).toHaveLength(0);
    expect(logs).toEqual([expect.objectContaining({ level: 'error', event: 'hook.malformed-event', contract: 'codedeploy' })]);
  });

  test('reports Failed when the hook code itself throws', async () => {
    const handler = createHandler({
      env: toHookEnvironment({ testBaseUrl: greenUrl, checks: [{ path: '/error' }] }),
      codedeploy: client,
      log: (e) => logs.push({ ...e }),
      sleep: () => Promise.reject(new Error('clock broke')),
    });
    const result = await handler(EVENT, contextWithDeadline(3000));
    expect(result).toMatchObject({ status: 'Failed', reason: 'internal error in the hook: Error: clock broke' });
    expect(reports().map((c) => c.input.status)).toEqual(['Failed']);
  });
  test('reports Failed when a request never settles, even if it ignores its own timeout', async () => {
    const handler = createHandler({
      env: toHookEnvironment({ testBaseUrl: greenUrl }),
      codedeploy: client,
      log: (e) => logs.push({ ...e }),
      httpGet: () => new Promise<never>(() => undefined),
    });
    const context = contextWithDeadline(2000);
    const result = await handler(EVENT, context);
    expect(result).toMatchObject({ status: 'Failed', reason: 'checks did not finish within the 1.0 s check budget' });
    expect(reports().map((c) => c.input.status)).toEqual(['Failed']);
    expect(reports()[0].at).toBeLessThan(context.deadline);
  });

  test('still reports when the log sink throws', async () => {
    const handler = createHandler({
      env: toHookEnvironment({ testBaseUrl: greenUrl, checks: [{ path: '/ok' }] }),
      codedeploy: client,
      log: () => {
        throw new Error('log sink down');
      },
    });
    const result = await handler(EVENT, contextWithDeadline(3000));
    expect(result.status).toBe('Succeeded');
    expect(reports().map((c) => c.input.status)).toEqual(['Succeeded']);
  });
});

describe('hook handler: odd invocations', () => {
  test('still reports when the Lambda context itself throws', async () => {
    const handler = handlerFor({ checks: [{ path: '/ok' }] });
    const context = {
      getRemainingTimeInMillis: (): number => {
        throw new Error('context gone');
      },
    };
    const result = await handler(EVENT, context);
    expect(result.status).toBe('Succeeded');
    expect(reports().map((c) => c.input.status)).toEqual(['Succeeded']);
  });

  test('an event with extra fields, delivered twice: both invocations report once, the second is already completed', async () => {
    reportBehaviour = (n) => {
      if (n > 1) throw new AwsJsonError('LifecycleEventAlreadyCompletedException', 'already completed', 400);
      return {};
    };
    const handler = handlerFor({ checks: [{ path: '/ok' }] });
    const event = { ...EVENT, Extra: 'ignored', Nested: { a: 1 } };
    const first = await handler(event, contextWithDeadline(3000));
    const second = await handler(event, contextWithDeadline(3000));
    expect([first.report, second.report]).toEqual(['reported', 'already-completed']);
    expect(reports().map((c) => c.input)).toEqual([
      { deploymentId: EVENT.DeploymentId, lifecycleEventHookExecutionId: EVENT.LifecycleEventHookExecutionId, status: 'Succeeded' },
      { deploymentId: EVENT.DeploymentId, lifecycleEventHookExecutionId: EVENT.LifecycleEventHookExecutionId, status: 'Succeeded' },
    ]);
  });
});

describe('hook handler: the report call', () => {
  test('retries a throttled report and succeeds on the second attempt', async () => {
    reportBehaviour = (n) => {
      if (n === 1) throw new AwsJsonError('ThrottlingException', 'Rate exceeded', 400);
      return {};
    };
    const { result } = await invoke({ checks: [{ path: '/ok' }] });
    expect(result).toMatchObject({ status: 'Succeeded', report: 'reported', reportAttempts: 2 });
    expect(reports().map((c) => c.input.status)).toEqual(['Succeeded', 'Succeeded']);
    expect(logs.filter((l) => l.event === 'hook.report').map((l) => l.outcome)).toEqual(['retrying', 'reported']);
  });

  test('treats LifecycleEventAlreadyCompletedException as done', async () => {
    reportBehaviour = () => {
      throw new AwsJsonError('LifecycleEventAlreadyCompletedException', 'already completed', 400);
    };
    const { result } = await invoke({ checks: [{ path: '/ok' }] });
    expect(result).toMatchObject({ status: 'Succeeded', report: 'already-completed', reportAttempts: 1 });
    expect(reports()).toHaveLength(1);
  });

  test('does not retry a permanent error and fails the invocation', async () => {
    reportBehaviour = () => {
      throw new AwsJsonError('InvalidLifecycleEventHookExecutionIdException', 'no such hook execution', 400);
    };
    await expect(invoke({ checks: [{ path: '/ok' }] })).rejects.toThrow(HookReportError);
    expect(reports()).toHaveLength(1);
  });

  test('keeps retrying a failing endpoint only until shortly before the Lambda deadline', async () => {
    reportBehaviour = () => {
      throw new AwsJsonError('InternalFailure', 'try again', 500);
    };
    const context = contextWithDeadline(2500);
    await expect(handlerFor({ checks: [{ path: '/ok' }] })(EVENT, context)).rejects.toThrow(HookReportError);
    expect(reports().length).toBeGreaterThan(2);
    expect(Date.now()).toBeLessThan(context.deadline);
  });

  test('a hanging CodeDeploy endpoint does not hold the hook past the deadline', async () => {
    reportBehaviour = () => new Promise(() => undefined);
    // 4 s: the hook stops retrying 200 ms before the deadline, room enough for a busy CI machine.
    const context = contextWithDeadline(4000);
    await expect(handlerFor({ checks: [{ path: '/ok' }] })(EVENT, context)).rejects.toThrow(/timed out/);
    expect(Date.now()).toBeLessThan(context.deadline);
  });
});
