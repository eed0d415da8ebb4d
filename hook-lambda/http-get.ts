/**
 * One HTTP(S) GET with a hard deadline covering connect, headers AND body, on Node's built-in
 * `http`/`https`. Built-in `fetch` is not used because it silently replaces a `Host` header, which
 * host-based listener rules need.
 */
import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

/** One request. */
export interface HttpGetRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Deadline of the whole exchange: connect, headers and body. */
  readonly timeoutInMs: number;
  /**
   * Bytes of body kept; the rest is not read (a health page is small, a huge body must not fill memory).
   * @default 1048576
   */
  readonly maxBodyBytes?: number;
}

/** A response received in full (or up to `maxBodyBytes`). */
export interface HttpGetResponse {
  readonly status: number;
  readonly location?: string;
  readonly body: string;
  readonly bodyTruncated: boolean;
}

/** Performs one GET; rejects with {@link HttpGetError} when no complete response arrives in time. */
export type HttpGet = (request: HttpGetRequest) => Promise<HttpGetResponse>;

/** Why a GET got no response. `code` is e.g. `TIMEOUT`, `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, a TLS code. */
export class HttpGetError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpGetError';
  }
}

const USER_AGENT = 'bluegreen-traffic-hook/1';

function describeNetworkError(err: unknown): HttpGetError {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'ERROR';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return new HttpGetError(code, message.includes(code) ? message : `${code}: ${message}`);
}

/** Reads a response's body up to `maxBodyBytes`; `settle` guards against answering twice. */
function readResponse(
  res: IncomingMessage,
  maxBodyBytes: number,
  settle: (fn: () => void) => void,
  resolve: (response: HttpGetResponse) => void,
  reject: (err: HttpGetError) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const done = (truncated: boolean): void =>
    settle(() =>
      resolve({
        status: res.statusCode ?? 0,
        ...(typeof res.headers.location === 'string' ? { location: res.headers.location } : {}),
        body: Buffer.concat(chunks).toString('utf8'),
        bodyTruncated: truncated,
      }),
    );
  res.on('data', (chunk: Buffer) => {
    const room = maxBodyBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(room, chunk.length);
    if (size >= maxBodyBytes) {
      done(true);
      res.destroy();
    }
  });
  res.on('end', () => done(false));
  // Some ways a connection dies emit neither 'aborted' nor 'error'; 'close' without a complete body is one.
  res.on('close', () => {
    if (!res.complete) settle(() => reject(new HttpGetError('ECONNRESET', 'connection closed while reading the body')));
  });
  res.on('aborted', () => settle(() => reject(new HttpGetError('ECONNRESET', 'connection closed while reading the body'))));
  res.on('error', (err) => settle(() => reject(describeNetworkError(err))));
}

/** The default {@link HttpGet}: a fresh connection per request (no keep-alive), no redirect following. */
export const httpGet: HttpGet = (req) =>
  new Promise<HttpGetResponse>((resolve, reject) => {
    const url = new URL(req.url);
    const secure = url.protocol === 'https:';
    const hostHeader = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'host')?.[1];
    const sniName = hostHeader?.replace(/:\d+$/, '');
    let settled = false;
    let response: IncomingMessage | undefined;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      settle(() =>
        reject(
          new HttpGetError(
            'TIMEOUT',
            response
              ? `timed out after ${req.timeoutInMs} ms reading the body (status ${response.statusCode} received)`
              : `timed out after ${req.timeoutInMs} ms waiting for the response`,
          ),
        ),
      );
      // Destroying the socket is what stops a hanging server from holding the invocation.
      request.destroy();
      response?.destroy();
    }, req.timeoutInMs);
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: 'GET',
        headers: { 'user-agent': USER_AGENT, accept: '*/*', ...req.headers },
        // A new connection each time: each attempt proves green accepts connections, and no socket lingers.
        agent: false,
        ...(secure && sniName && isIP(sniName) === 0 ? { servername: sniName } : {}),
      },
      (res) => {
        response = res;
        readResponse(res, req.maxBodyBytes ?? 1024 * 1024, settle, resolve, reject);
      },
    );
    request.on('error', (err) => settle(() => reject(describeNetworkError(err))));
    request.end();
  });
