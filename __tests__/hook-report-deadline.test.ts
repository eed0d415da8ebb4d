/**
 * Issue 11 §1, audited for the hook: whatever the CodeDeploy endpoint does, the invocation ends (its
 * report attempts aborted, logged, HookReportError) before the Lambda's deadline. Real sockets on
 * 127.0.0.1 and a CodeDeployClient configured as the hook's own (one attempt, 2 s connect, 5 s request).
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { toHookEnvironment } from '../hook-lambda/config';
import { createHandler, HookReportError } from '../hook-lambda/index';
import { refusedEndpoint, startNeverAnsweringEndpoint, startSilentTcpListener, startStallingBodyEndpoint } from '../test-support/fault-servers';

const EVENT = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'hook-exec-1' };
let green: Server;
let greenUrl: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  green = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => green.listen(0, '127.0.0.1', resolve));
  greenUrl = `http://127.0.0.1:${(green.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close();
  green.closeAllConnections();
  await new Promise<void>((resolve) => green.close(() => resolve()));
});

/** The hook's own client settings (hook-lambda/index.ts createCodeDeployClient), pointed at `endpoint`. */
function hookClient(endpoint: string): CodeDeployClient {
  return new CodeDeployClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 },
  });
}

async function endpointFor(kind: string): Promise<string> {
  switch (kind) {
    case 'accepts and never answers': {
      const e = await startNeverAnsweringEndpoint();
      closers.push(() => e.close());
      return e.url;
    }
    case 'sends headers, then stalls the body': {
      const e = await startStallingBodyEndpoint();
      closers.push(() => e.close());
      return e.url;
    }
    case 'accepts TCP and never reads': {
      const e = await startSilentTcpListener();
      closers.push(() => e.close());
      return e.url;
    }
    default:
      return refusedEndpoint();
  }
}

// Each case has its own endpoint, client, handler and log, and waits out its 3 s Lambda deadline:
// they run concurrently.
test.concurrent.each(['accepts and never answers', 'sends headers, then stalls the body', 'accepts TCP and never reads', 'refuses connections'])(
  'a CodeDeploy endpoint that %s: the invocation ends before the Lambda deadline, its report attempts logged',
  async (kind) => {
    const logs: Record<string, unknown>[] = [];
    const client = hookClient(await endpointFor(kind));
    const handler = createHandler({ env: toHookEnvironment({ testBaseUrl: greenUrl, requiredConsecutivePasses: 1 }), codedeploy: client, log: (e) => logs.push({ ...e }) });
    const deadline = Date.now() + 3000;
    const outcome = await handler(EVENT, { getRemainingTimeInMillis: () => deadline - Date.now() }).then(
      () => 'returned',
      (err: unknown) => err,
    );
    client.destroy();
    expect(Date.now()).toBeLessThan(deadline);
    expect(outcome).toBeInstanceOf(HookReportError);
    expect((outcome as Error).message).toMatch(/^could not report Succeeded to CodeDeploy after \d+ attempt\(s\)/);
    const reports = logs.filter((l) => l.event === 'hook.report');
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports[reports.length - 1]).toMatchObject({ outcome: 'gave-up', error: expect.any(String) });
  },
  15_000,
);
