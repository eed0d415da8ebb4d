/**
 * A minimal HTTP server speaking the AWS Query protocol (as Elastic Load Balancing v2 does): a
 * form-encoded POST with `Action` and `Version`, answered with XML
 * (`<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`), lists as `<member>`
 * elements, errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, Server, ServerResponse } from 'node:http';
import { listenLocally, readBody, type RecordedRequest } from './aws-json-server';

/** Thrown by a handler to answer with an AWS error. */
export class AwsQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** One recorded request; `input` is the form fields decoded into objects and lists (`Names.member.1=a` → `{ Names: ['a'] }`). */
export interface RecordedQueryCall extends RecordedRequest {
  /** The error code answered, when the call failed (set once answered). */
  errorCode?: string;
}

/** Handler of one action: returns the `…Result` members (lists as arrays, numbers, booleans, Dates). */
export type QueryHandler = (input: any, call: RecordedQueryCall) => unknown | Promise<unknown>;

/** Options of {@link startAwsQueryServer}. */
export interface AwsQueryServerOptions {
  /** The API version every request must name, e.g. `2015-12-01`. */
  readonly version: string;
  /** Namespace of the XML answers, e.g. `http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/`. */
  readonly xmlNamespace: string;
  readonly handlers: Readonly<Record<string, QueryHandler>>;
  /** Runs before each handler; may wait or throw an {@link AwsQueryError}. @default - none */
  readonly beforeHandle?: (call: RecordedQueryCall) => void | Promise<void>;
}

/** A running server. */
export interface AwsQueryServer {
  readonly endpoint: string;
  readonly calls: RecordedQueryCall[];
  readonly server: Server;
  close(): Promise<void>;
}

/** Decodes Query fields: dots nest, `member.N` makes list items (1-based, in index order). */
export function decodeQueryInput(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  const listify = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'member' && o.member && typeof o.member === 'object') {
      const items = o.member as Record<string, unknown>;
      return Object.keys(items)
        .filter((k) => /^\d+$/.test(k))
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => listify(items[k]));
    }
    return Object.fromEntries(keys.map((k) => [k, listify(o[k])]));
  };
  return listify(root) as Record<string, unknown>;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One element: arrays as `<member>` items, objects as nested elements, Dates as ISO 8601. */
export function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml('member', v)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function send(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': requestId });
  res.end(xml);
}

/** Starts the server on 127.0.0.1 (a free port). */
export async function startAwsQueryServer(options: AwsQueryServerOptions): Promise<AwsQueryServer> {
  const calls: RecordedQueryCall[] = [];
  const ns = escapeXml(options.xmlNamespace);
  const errorXml = (code: string, message: string, requestId: string, status: number): string =>
    `<ErrorResponse xmlns="${ns}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    let call: RecordedQueryCall | undefined;
    try {
      const params = new URLSearchParams(await readBody(req));
      const operation = params.get('Action') ?? '';
      if (req.method !== 'POST' || !operation) {
        send(res, 400, errorXml('MissingAction', 'Missing Action', requestId, 400), requestId);
        return;
      }
      const userAgent = req.headers['user-agent'];
      call = { operation, input: decodeQueryInput(params), at: Date.now(), ...(userAgent ? { userAgent: String(userAgent) } : {}) };
      calls.push(call);
      if (params.get('Version') !== options.version) throw new AwsQueryError('InvalidParameterValue', `Version must be ${options.version}, got ${params.get('Version')}`);
      if (options.beforeHandle) await options.beforeHandle(call);
      const handler = options.handlers[operation];
      if (!handler) throw new AwsQueryError('InvalidAction', `The action ${operation} is not valid for this web service (not implemented by this stand-in).`);
      const result = ((await handler(call.input, call)) ?? {}) as Record<string, unknown>;
      const body = Object.entries(result).map(([k, v]) => toXml(k, v)).join('');
      send(
        res,
        200,
        `<${operation}Response xmlns="${ns}"><${operation}Result>${body}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
        requestId,
      );
    } catch (err) {
      const e = err instanceof AwsQueryError ? err : new AwsQueryError('InternalFailure', String((err as Error)?.message ?? err), 500);
      if (call) call.errorCode = e.code;
      send(res, e.statusCode, errorXml(e.code, e.message, requestId, e.statusCode), requestId);
    }
  });
  return { calls, ...(await listenLocally(server, 0)) };
}
