/**
 * The constants of go-plugin's handshake between Terraform and a provider process, shared by the
 * provider (provider-server.ts) and the harness that starts shared providers, without loading gRPC.
 */

/** go-plugin's magic cookie for Terraform providers (public, part of the plugin handshake). */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** Environment variable of the provider process: exit when stdin closes (a shared provider). */
export const EXIT_WITH_STDIN_ENV = 'OFFLINE_TF_EXIT_WITH_STDIN';

/** go-plugin's handshake line for a protocol-6 gRPC server on a unix socket (`cert` empty without AutoMTLS). */
export function handshakeLine(socket: string, cert: string): string {
  return `1|6|unix|${socket}|grpc|${cert}\n`;
}

/** Parses go-plugin's handshake line `1|6|unix|<socket>|grpc|<cert>`; undefined when it is not one. */
export function parseHandshake(line: string): { socket: string } | undefined {
  const fields = line.trim().split('|');
  if (fields.length < 5 || fields[0] !== '1' || fields[1] !== '6' || fields[2] !== 'unix' || fields[4] !== 'grpc' || !fields[3]) return undefined;
  return { socket: fields[3] };
}
