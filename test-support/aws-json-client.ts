/**
 * A minimal AWS JSON 1.1 client for tests: one POST with `X-Amz-Target`, over a real socket. For
 * stand-ins whose SDK client the project does not depend on (yet); no signing, no retries.
 */
import { request } from 'node:http';

/** An error answer (`{ __type, message }`) of a JSON 1.1 service. */
export class AwsJsonCallError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(`${type}: ${message}`);
    this.name = 'AwsJsonCallError';
  }
}

/** Calls `<targetPrefix>.<operation>` at `endpoint`; resolves with the answer's body, rejects with {@link AwsJsonCallError}. */
export function awsJsonCall<T = any>(endpoint: string, targetPrefix: string, operation: string, input: unknown, timeoutInMs = 10_000): Promise<T> {
  const body = JSON.stringify(input ?? {});
  return new Promise<T>((resolve, reject) => {
    const req = request(
      endpoint,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${targetPrefix}.${operation}`, 'content-length': Buffer.byteLength(body) },
        timeout: timeoutInMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown>;
          try {
            parsed = text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            reject(new Error(`${operation}: the answer is not JSON: ${text.slice(0, 200)}`));
            return;
          }
          if ((res.statusCode ?? 500) >= 300) reject(new AwsJsonCallError(String(parsed.__type ?? 'UnknownError'), String(parsed.message ?? ''), res.statusCode ?? 500));
          else resolve(parsed as T);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${operation}: no answer within ${timeoutInMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
