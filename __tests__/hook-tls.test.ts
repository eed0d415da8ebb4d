/** HTTPS checks against a real TLS server with a self-signed certificate made by openssl. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { toHookEnvironment } from '../hook-lambda/config';
import { httpGet, HttpGetError } from '../hook-lambda/http-get';
import { createHandler } from '../hook-lambda/index';
import { describeWithTool } from '../test-support/require-tool';

describeWithTool(
  'hook checks over HTTPS',
  'openssl',
  () => {
    let dir: string;
    let server: Server;
    let base: string;
    const serverNames: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hook-tls-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
        '-subj', '/CN=app.example.com', '-addext', 'subjectAltName=DNS:app.example.com',
      ], { stdio: 'ignore' });
      const credentials = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
      const context = createSecureContext(credentials);
      server = createServer(
        {
          ...credentials,
          SNICallback: (name, cb) => {
            serverNames.push(name);
            cb(null, context);
          },
        },
        (_req, res) => res.end('ok'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    test('an untrusted certificate is an error, not a pass', async () => {
      const err = await httpGet({ url: `${base}/`, headers: {}, timeoutInMs: 2000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpGetError);
      expect((err as HttpGetError).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    });

    test('the Host header (without its port) is sent as the TLS server name', async () => {
      serverNames.length = 0;
      await httpGet({ url: `${base}/`, headers: { Host: 'app.example.com:443' }, timeoutInMs: 2000 }).catch(() => undefined);
      // No SNI for a bare IP address.
      await httpGet({ url: `${base}/`, headers: {}, timeoutInMs: 2000 }).catch(() => undefined);
      expect(serverNames).toEqual(['app.example.com']);
    });

    test('the handler reports Failed once on a TLS error', async () => {
      const sent: unknown[] = [];
      const handler = createHandler({
        env: toHookEnvironment({ testBaseUrl: base, checkBudgetInSeconds: 0.5 }),
        codedeploy: { send: async (command) => void sent.push(command.input) },
        log: () => undefined,
      });
      const result = await handler({ DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'h-1' }, { getRemainingTimeInMillis: () => 3000 });
      expect(result.status).toBe('Failed');
      expect(result.reason).toContain('self-signed certificate');
      expect(sent).toEqual([{ deploymentId: 'd-1', lifecycleEventHookExecutionId: 'h-1', status: 'Failed' }]);
    });
  },
  ['version'],
);
