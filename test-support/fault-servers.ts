/**
 * Real-socket network faults on 127.0.0.1, for proving that every wait of a client is bounded: an
 * endpoint that accepts and never answers, one that answers after a delay, one that sends the
 * response headers and then stalls the body, and a port that refuses connections.
 *
 * {@link startFaultEndpoint} is the general form: an HTTP endpoint that either answers by itself or
 * forwards to an upstream (e.g. the CodeDeploy stand-in), with a fault per AWS JSON operation (the
 * `X-Amz-Target` header's part after the dot, e.g. `GetDeployment`) that a test can change at any
 * time. So a release can create its deployment for real and then meet a `GetDeployment` that never
 * answers, while its `StopDeployment` still reaches the stand-in.
 *
 * Every socket is tracked and destroyed by `close()`, so a test never waits for a stalled client.
 */
import { createServer as createHttpServer, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server, Socket } from 'node:net';

/** What the endpoint does with a request. */
export type Fault =
  /** Answer normally: forward to the upstream, or the fixed answer. */
  | { readonly kind: 'none' }
  /** Read the request, never answer, keep the connection open. */
  | { readonly kind: 'never-answer' }
  /** Answer normally, but only after `delayInMs`. */
  | { readonly kind: 'delay'; readonly delayInMs: number }
  /** Send the status line and headers (announcing a body) and part of the body, then nothing. */
  | { readonly kind: 'headers-then-stall' }
  /** Answer this instead (e.g. an AWS error: status 400, body `{"__type":"…","message":"…"}`), upstream untouched. */
  | { readonly kind: 'answer'; readonly answer: FixedAnswer };

/** The answer of an endpoint without an upstream. @default 200, `application/x-amz-json-1.1`, `{}` */
export interface FixedAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** One request the endpoint received. */
export interface ReceivedRequest {
  /** The AWS JSON operation (`X-Amz-Target` after the dot), or `''`. */
  readonly operation: string;
  /** The fault applied to it. */
  readonly fault: Fault['kind'];
  /** Wall-clock ms when its headers arrived. */
  readonly at: number;
  readonly body: string;
}

/** A running fault endpoint. */
export interface FaultEndpoint {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received so far, in order. */
  readonly requests: readonly ReceivedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  /** Sets the fault for one operation, or for every operation without its own (`'*'`). */
  setFault(operation: string, fault: Fault): void;
  /** Resolves with the first request (already received or future) for `operation`. */
  nextRequest(operation: string, timeoutInMs?: number): Promise<ReceivedRequest>;
  /** Destroys every open connection and stops listening. */
  close(): Promise<void>;
}

/** Options of {@link startFaultEndpoint}. */
export interface FaultEndpointOptions {
  /** Forward requests (path, headers, body) to this base URL. @default - answer {@link FixedAnswer} */
  readonly upstream?: string;
  readonly answer?: FixedAnswer;
  /** Fault of every operation without its own. @default none */
  readonly fault?: Fault;
  /** Faults by operation. */
  readonly faults?: Readonly<Record<string, Fault>>;
}

const operationOf = (req: IncomingMessage): string => {
  const target = req.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value ? value.slice(value.lastIndexOf('.') + 1) : '';
};

function track(server: Server): { sockets: Set<Socket>; count: () => number } {
  const sockets = new Set<Socket>();
  let count = 0;
  server.on('connection', (socket: Socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return { sockets, count: () => count };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function forward(upstream: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const target = new URL(req.url ?? '/', upstream);
  const out = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`fault endpoint: upstream ${upstream} failed: ${err.message}`);
  });
  out.end(body);
}

/** Starts an HTTP endpoint on 127.0.0.1 (port 0) that applies {@link Fault}s per operation. */
export async function startFaultEndpoint(options: FaultEndpointOptions = {}): Promise<FaultEndpoint> {
  const faults = new Map<string, Fault>(Object.entries(options.faults ?? {}));
  faults.set('*', options.fault ?? { kind: 'none' });
  const requests: ReceivedRequest[] = [];
  const waiters: { operation: string; resolve: (r: ReceivedRequest) => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const answer = (req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
    if (options.upstream) return forward(options.upstream, req, body, res);
    const a = options.answer ?? {};
    res.writeHead(a.status ?? 200, { 'content-type': 'application/x-amz-json-1.1', ...a.headers });
    res.end(a.body ?? '{}');
  };
  const server = createHttpServer((req, res) => {
    const operation = operationOf(req);
    const fault = faults.get(operation) ?? faults.get('*')!;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const received: ReceivedRequest = { operation, fault: fault.kind, at: Date.now(), body: body.toString('utf8') };
      requests.push(received);
      for (const w of waiters.filter((x) => x.operation === operation)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(received);
      }
      switch (fault.kind) {
        case 'none':
          return answer(req, body, res);
        case 'never-answer':
          return;
        case 'delay': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!res.destroyed) answer(req, body, res);
          }, fault.delayInMs);
          timers.add(timer);
          return;
        }
        case 'answer':
          res.writeHead(fault.answer.status ?? 200, { 'content-type': 'application/x-amz-json-1.1', ...fault.answer.headers });
          res.end(fault.answer.body ?? '{}');
          return;
        case 'headers-then-stall':
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '4096' });
          res.write('{"deploymentInfo":{');
          return;
      }
    });
  });
  // The client's own timeouts are under test: the server must not cut a stalled exchange short.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 60_000;
  const { sockets, count } = track(server);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: count,
    setFault: (operation, fault) => void faults.set(operation, fault),
    nextRequest: (operation, timeoutInMs = 20_000) => {
      const found = requests.find((r) => r.operation === operation);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${operation} request within ${timeoutInMs} ms (received: ${requests.map((r) => r.operation).join(', ') || 'none'})`)), timeoutInMs);
        waiters.push({ operation, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      return closeServer(server, sockets);
    },
  };
}

/** An endpoint that accepts every request and never answers. */
export function startNeverAnsweringEndpoint(): Promise<FaultEndpoint> {
  return startFaultEndpoint({ fault: { kind: 'never-answer' } });
}

/** An endpoint that answers (forwards to `upstream`, else `{}`) only after `delayInMs`. */
export function startDelayedEndpoint(delayInMs: number, upstream?: string): Promise<FaultEndpoint> {
  return startFaultEndpoint({ fault: { kind: 'delay', delayInMs }, ...(upstream ? { upstream } : {}) });
}

/** An endpoint that sends a 200 with headers and a partial body, then stalls. */
export function startStallingBodyEndpoint(): Promise<FaultEndpoint> {
  return startFaultEndpoint({ fault: { kind: 'headers-then-stall' } });
}

/** A raw TCP listener that accepts connections and never reads or writes (below HTTP). */
export async function startSilentTcpListener(): Promise<{ readonly url: string; readonly connections: () => number; close(): Promise<void> }> {
  const server = createTcpServer(() => undefined);
  const { sockets, count } = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, connections: count, close: () => closeServer(server, sockets) };
}

/**
 * A URL on 127.0.0.1 whose port refuses connections: a port the OS just gave us, closed again. (Another
 * process could take it meanwhile; on loopback with a fresh ephemeral port that is rare, and a test that
 * meets it sees an answer instead of a refusal.)
 */
export async function refusedEndpoint(): Promise<string> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
