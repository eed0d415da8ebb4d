/**
 * The stand-in provider process Terraform starts as `hashicorp/aws` or `hashicorp/null`:
 * a tfplugin6 gRPC server on a unix socket with go-plugin's handshake line.
 *
 * Usage: `node provider.js <aws|null> <home dir>`, where the home dir holds `schema-<provider>.json`
 * (read when the first call needs it, and again whenever it is rewritten), plus `server.key` and
 * `server.crt` when Terraform starts the process itself and asks for AutoMTLS (`PLUGIN_CLIENT_CERT`).
 * Without that variable it serves plain gRPC on a socket in a private (0700) directory: the way the
 * harness starts one shared process that several Terraform commands reattach to
 * (`TF_REATTACH_PROVIDERS`). With `OFFLINE_TF_EXIT_WITH_STDIN=1` it exits when its stdin closes, so a
 * shared process never outlives the harness that started it.
 * `OFFLINE_TF_DRIFT_FILE` may name a JSON array of drift patches (see behaviour.ts) applied on read;
 * `OFFLINE_TF_ACCOUNT_ID` and `OFFLINE_TF_NAME_MARK` shape the fake values (see behaviour.ts).
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processSettings } from './behaviour';
import { EXIT_WITH_STDIN_ENV, handshakeLine, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from './handshake';
import { createHandlers, schemaFileLoader } from './provider-handlers';

function unaryService(serviceName: string, handlers: Record<string, (req: Buffer) => Buffer | Promise<Buffer>>): {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
} {
  const identity = (b: Buffer): Buffer => b;
  const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    definition[method] = {
      path: `/${serviceName}/${method}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    };
    implementation[method] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      Promise.resolve()
        .then(() => handler(call.request))
        .then(
          (res) => callback(null, res),
          (err: Error) => {
            process.stderr.write(`offline provider: ${method} failed: ${err.stack ?? err.message}\n`);
            callback({ code: grpc.status.INTERNAL, details: `${method}: ${err.message}` });
          },
        );
    };
  }
  return { definition, implementation };
}

/** Entry point: serve the provider until Terraform shuts it down. */
export function main(): void {
  const [provider, home] = process.argv.slice(2);
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write('This is a Terraform provider plugin (offline stand-in); Terraform starts it, not you.\n');
    process.exit(1);
  }
  if (!provider || !home) {
    process.stderr.write('usage: provider.js <aws|null> <home dir>\n');
    process.exit(1);
  }
  const baseSettings = processSettings(process.env);
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  // AutoMTLS only when Terraform started us and asks for it: a reattached process has no certificate.
  const serverCert = clientCert ? readFileSync(path.join(home, 'server.crt')) : undefined;
  const credentials = clientCert
    ? grpc.ServerCredentials.createSsl(Buffer.from(clientCert), [{ private_key: readFileSync(path.join(home, 'server.key')), cert_chain: serverCert! }], true)
    : grpc.ServerCredentials.createInsecure();

  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'otf-'));
  const socket = path.join(socketDir, 'plugin.sock');
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 256 << 20, 'grpc.max_send_message_length': 256 << 20 });
  const shutdown = (): void => {
    server.forceShutdown();
    rmSync(socketDir, { recursive: true, force: true });
    process.exit(0);
  };
  const providerService = unaryService('tfplugin6.Provider', createHandlers(schemaFileLoader(path.join(home, `schema-${provider}.json`)), baseSettings));
  server.addService(providerService.definition, providerService.implementation);
  // go-plugin asks the plugin to exit through its controller service; answering promptly saves
  // Terraform a two-second wait before it kills the process.
  const controller = unaryService('plugin.GRPCController', {
    Shutdown: () => {
      setImmediate(shutdown);
      return Buffer.alloc(0);
    },
  });
  server.addService(controller.definition, controller.implementation);
  process.on('SIGTERM', shutdown);
  if (process.env[EXIT_WITH_STDIN_ENV] === '1') {
    process.stdin.on('end', shutdown).on('error', shutdown).resume();
  }
  process.on('SIGINT', () => undefined); // Terraform forwards Ctrl-C; it stops us through Shutdown.

  server.bindAsync(`unix://${socket}`, credentials, (err) => {
    if (err) {
      process.stderr.write(`offline provider: cannot listen on ${socket}: ${err.message}\n`);
      process.exit(1);
    }
    const der = (serverCert ?? Buffer.alloc(0))
      .toString('utf8')
      .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
      .replace(/\s+/g, '');
    const certField = clientCert ? der.replace(/=+$/, '') : '';
    process.stdout.write(handshakeLine(socket, certField));
  });
}

if (require.main === module) main();
