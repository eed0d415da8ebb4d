/**
 * A minimal HTTP server speaking the AWS JSON 1.1 protocol (as CodeDeploy does), for tests that
 * point a real SDK client at a local endpoint. Operations are handlers keyed by name; a handler
 * returns the response body or throws an {@link AwsJsonError} to answer with an AWS error shape.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** Thrown by a handler to answer with an AWS error (`{ __type, message }` and an HTTP status). */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** What every stand-in server records of a request, whatever its protocol. */
export interface RecordedRequest {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly at: number;
  /** The caller's `User-Agent` header (tells the AWS CLI, the JS SDK and others apart). */
  readonly userAgent?: string;
}

/** One recorded request. */
export interface RecordedCall extends RecordedRequest {
  /** The `__type` of the error answered, when the call failed (set once answered). */
  errorType?: string;
}

/** Handler of one operation. */
export type OperationHandler = (input: any, call: RecordedCall) => unknown | Promise<unknown>;

/** A running server. */
export interface AwsJsonServer {
  /** Endpoint to give the SDK client, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly calls: RecordedCall[];
  readonly server: Server;
  close(): Promise<void>;
}

/** Options of {@link startAwsJsonServer}. */
export interface AwsJsonServerOptions {
  /** Target prefix before the dot, e.g. `CodeDeploy_20141006`. */
  readonly targetPrefix: string;
  readonly handlers: Readonly<Record<string, OperationHandler>>;
  /** Port to listen on. @default 0 (any free port) */
  readonly port?: number;
  /**
   * Runs before the handler of every recorded call: may wait (latency) or throw an
   * {@link AwsJsonError} (fault injection), which is answered instead of calling the handler.
   * @default - none
   */
  readonly beforeHandle?: (call: RecordedCall) => void | Promise<void>;
}

/** The request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `req-${Date.now().toString(36)}`,
  });
  res.end(text);
}

/** Starts the server on 127.0.0.1. */
export async function startAwsJsonServer(options: AwsJsonServerOptions): Promise<AwsJsonServer> {
  const calls: RecordedCall[] = [];
  const server = createServer(async (req, res) => {
    let call: RecordedCall | undefined;
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operation] = target.split('.');
      const raw = await readBody(req);
      if (req.method !== 'POST' || prefix !== options.targetPrefix || !operation) {
        send(res, 400, { __type: 'UnknownOperationException', message: `unknown target ${JSON.stringify(target)}` });
        return;
      }
      const input = raw.length > 0 ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const userAgent = req.headers['user-agent'];
      call = { operation, input, at: Date.now(), ...(userAgent ? { userAgent: String(userAgent) } : {}) };
      calls.push(call);
      if (options.beforeHandle) await options.beforeHandle(call);
      const handler = options.handlers[operation];
      if (!handler) {
        call.errorType = 'UnknownOperationException';
        send(res, 400, { __type: 'UnknownOperationException', message: `operation ${operation} is not implemented by this stand-in` });
        return;
      }
      send(res, 200, await handler(input, call));
    } catch (err) {
      const type = err instanceof AwsJsonError ? err.type : 'InternalFailure';
      if (call) call.errorType = type;
      if (err instanceof AwsJsonError) send(res, err.statusCode, { __type: err.type, message: err.message });
      else send(res, 500, { __type: type, message: String((err as Error)?.message ?? err) });
    }
  });
  return { calls, ...(await listenLocally(server, options.port ?? 0)) };
}

/** Listens on 127.0.0.1 (`port` 0: a free one); `close` also ends kept-alive connections. */
export async function listenLocally(server: Server, port: number): Promise<{ readonly endpoint: string; readonly server: Server; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
