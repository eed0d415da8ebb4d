import { request } from 'node:http';
import {
  refusedEndpoint,
  startDelayedEndpoint,
  startFaultEndpoint,
  startNeverAnsweringEndpoint,
  startSilentTcpListener,
  startStallingBodyEndpoint,
} from '../test-support/fault-servers';

/** What a plain HTTP client saw within `limitInMs`. */
interface Seen {
  readonly error?: string;
  readonly status?: number;
  readonly headersAtInMs?: number;
  readonly body: string;
  readonly ended: boolean;
}

function post(url: string, operation: string, limitInMs: number): Promise<Seen> {
  const started = Date.now();
  return new Promise((resolve) => {
    let seen: Seen = { body: '', ended: false };
    const req = request(url, { method: 'POST', headers: { 'x-amz-target': `CodeDeploy_20141006.${operation}`, 'content-type': 'application/x-amz-json-1.1' } }, (res) => {
      seen = { ...seen, status: res.statusCode!, headersAtInMs: Date.now() - started };
      res.on('data', (c: Buffer) => (seen = { ...seen, body: seen.body + c.toString('utf8') }));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ ...seen, ended: true });
      });
      res.on('error', () => undefined);
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(seen);
    }, limitInMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ...seen, error: err.code ?? err.message });
    });
    req.end('{}');
  });
}

// Each test has endpoints of its own and mostly waits out a limit: concurrently, except the refused
// port, which runs after them so that no endpoint started meanwhile can take the port it closed.
describe('fault endpoints on 127.0.0.1', () => {
  test.concurrent('never answering: the request is received, no status line ever comes', async () => {
    const endpoint = await startNeverAnsweringEndpoint();
    try {
      const seen = await post(endpoint.url, 'GetDeployment', 500);
      expect(seen.status).toBeUndefined();
      expect(seen.error).toBeUndefined();
      expect(endpoint.requests.map((r) => r.operation)).toEqual(['GetDeployment']);
    } finally {
      await endpoint.close();
    }
  });

  test.concurrent('delayed: the answer comes after the delay, not before', async () => {
    const endpoint = await startDelayedEndpoint(400);
    try {
      const early = await post(endpoint.url, 'GetDeployment', 150);
      expect(early.status).toBeUndefined();
      const seen = await post(endpoint.url, 'GetDeployment', 3000);
      expect(seen).toMatchObject({ status: 200, body: '{}', ended: true });
      expect(seen.headersAtInMs).toBeGreaterThanOrEqual(380);
    } finally {
      await endpoint.close();
    }
  });

  test.concurrent('headers then stall: status and headers arrive, the announced body never ends', async () => {
    const endpoint = await startStallingBodyEndpoint();
    try {
      const seen = await post(endpoint.url, 'GetDeployment', 600);
      expect(seen.status).toBe(200);
      expect(seen.body.length).toBeGreaterThan(0);
      expect(seen.ended).toBe(false);
    } finally {
      await endpoint.close();
    }
  });

  test('refused: connecting fails with ECONNREFUSED at once', async () => {
    const url = await refusedEndpoint();
    const started = Date.now();
    const seen = await post(url, 'GetDeployment', 5000);
    expect(seen.error).toBe('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test.concurrent('silent TCP listener: accepts the connection, sends nothing', async () => {
    const listener = await startSilentTcpListener();
    try {
      const seen = await post(listener.url, 'GetDeployment', 400);
      expect(seen.status).toBeUndefined();
      expect(seen.error).toBeUndefined();
      expect(listener.connections()).toBe(1);
    } finally {
      await listener.close();
    }
  });

  test.concurrent('faults per operation over a forwarding endpoint; changing a fault applies to the next request', async () => {
    const upstream = await startFaultEndpoint({ answer: { body: '{"from":"upstream"}' } });
    const endpoint = await startFaultEndpoint({ upstream: upstream.url, faults: { GetDeployment: { kind: 'never-answer' } } });
    try {
      expect(await post(endpoint.url, 'StopDeployment', 2000)).toMatchObject({ status: 200, body: '{"from":"upstream"}' });
      expect((await post(endpoint.url, 'GetDeployment', 300)).status).toBeUndefined();
      endpoint.setFault('GetDeployment', { kind: 'none' });
      expect(await post(endpoint.url, 'GetDeployment', 2000)).toMatchObject({ status: 200, body: '{"from":"upstream"}' });
      expect(upstream.requests.map((r) => r.operation)).toEqual(['StopDeployment', 'GetDeployment']);
      await expect(endpoint.nextRequest('StopDeployment')).resolves.toMatchObject({ operation: 'StopDeployment', fault: 'none' });
      await expect(endpoint.nextRequest('ContinueDeployment', 50)).rejects.toThrow(/no ContinueDeployment request within 50 ms/);
    } finally {
      await endpoint.close();
      await upstream.close();
    }
  });
});

test('an operation can be answered by the endpoint itself (an AWS error), the upstream never sees it', async () => {
  const upstream = await startFaultEndpoint();
  const body = JSON.stringify({ __type: 'DeploymentAlreadyCompletedException', message: 'already completed' });
  const endpoint = await startFaultEndpoint({ upstream: upstream.url, faults: { StopDeployment: { kind: 'answer', answer: { status: 400, body } } } });
  try {
    expect(await post(endpoint.url, 'StopDeployment', 2000)).toMatchObject({ status: 400, body, ended: true });
    expect(upstream.requests).toEqual([]);
  } finally {
    await endpoint.close();
    await upstream.close();
  }
});
