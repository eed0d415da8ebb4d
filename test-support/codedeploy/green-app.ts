/**
 * The green task set's stand-in: a small HTTP app on 127.0.0.1 whose health the test controls.
 * The hook's checks reach it as they would reach green through the load balancer's test listener.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** What green answers. */
export type GreenHealth = 'healthy' | 'unhealthy';

/** A running green app. */
export interface GreenApp {
  /** Base URL, e.g. `http://127.0.0.1:40123` (use as the hook's `HOOK_TEST_BASE_URL`). */
  readonly url: string;
  /** Requests received, as `METHOD path`. */
  readonly requests: string[];
  /** healthy: 200 with a body naming the version; unhealthy: 503. */
  setHealth(health: GreenHealth): void;
  close(): Promise<void>;
}

/** Options of {@link startGreenApp}. */
export interface GreenAppOptions {
  /** @default 'healthy' */
  readonly health?: GreenHealth;
  /** Text the healthy body contains (what a `bodyContains` check looks for). @default 'green ok' */
  readonly body?: string;
}

/** Starts the green app on a free port of 127.0.0.1. */
export async function startGreenApp(options: GreenAppOptions = {}): Promise<GreenApp> {
  let health: GreenHealth = options.health ?? 'healthy';
  const body = options.body ?? 'green ok';
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const ok = health === 'healthy';
    const text = ok ? `${body}\n` : 'service unavailable\n';
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHealth: (h) => {
      health = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
