/**
 * Stand-in provider processes started once by the harness and reused by many Terraform commands,
 * through Terraform's own mechanism for providers it did not start: `TF_REATTACH_PROVIDERS` (what
 * provider authors use to debug a provider; Terraform then neither installs, starts nor stops it).
 *
 * Why: a Terraform command starts each provider once per phase (twice for `validate`, three times for
 * `plan`), and a Node process with the provider loaded takes about 0.1 s to answer. Started once,
 * ahead of time (while the app synthesizes), that cost leaves the critical path.
 *
 * A shared provider remembers the last `ConfigureProvider` (region, default tags) for its whole life,
 * and its drift file (which it reads again on every refresh), fake account and name mark are fixed
 * when it starts: commands that configure the provider (plan, apply, refresh) must not run at the
 * same time on one set unless they configure it alike. `validate` never configures a provider, so any
 * number of validations may share one set. The harness's pool (provider-pool.ts) lends each set to
 * one command at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ACCOUNT_ID_ENV, DRIFT_FILE_ENV, NAME_MARK_ENV } from './behaviour';
import { EXIT_WITH_STDIN_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, parseHandshake } from './handshake';
import type { ProviderName } from './schema';

/** The registry address Terraform knows each provider by. */
export const PROVIDER_ADDRESSES: Readonly<Record<ProviderName, string>> = {
  aws: 'registry.terraform.io/hashicorp/aws',
  null: 'registry.terraform.io/hashicorp/null',
};

/** Options of {@link startSharedProviders}. */
export interface SharedProvidersOptions {
  /** Directory holding `schema-<provider>.json` (written before the first command runs). */
  readonly home: string;
  /** The provider bundle (see provider-bundle.ts). */
  readonly bundle: string;
  readonly providers: readonly ProviderName[];
  /** A file of drift patches the providers apply on every read. @default - no drift */
  readonly driftFile?: string;
  /** The fake account id of ARNs and ids. @default "123456789012" */
  readonly accountId?: string;
  /** A word put into names the provider makes up (see behaviour.ts, NAME_MARK_ENV). @default - none */
  readonly nameMark?: string;
  /**
   * Gives up when a provider has not answered its handshake after this long.
   * @default 30000
   */
  readonly startTimeoutInMs?: number;
}

/** Running shared providers. */
export interface SharedProviders {
  /** The value of `TF_REATTACH_PROVIDERS` that sends Terraform to them. */
  readonly reattach: string;
  /** What the processes wrote to stderr (their own failures; Terraform shows the RPC errors). */
  readonly log: () => string;
  /** True once a process of the set has exited (stopped, or died): Terraform can no longer reach it. */
  readonly exited: () => boolean;
  /** Stops the processes (idempotent). */
  stop(): Promise<void>;
}

/** The value of `TF_REATTACH_PROVIDERS` for providers listening on these unix sockets. */
export function reattachValue(sockets: Readonly<Partial<Record<ProviderName, { socket: string; pid: number }>>>): string {
  const entries = Object.entries(sockets).map(([provider, s]) => [
    PROVIDER_ADDRESSES[provider as ProviderName],
    // Test: true tells go-plugin the process is not Terraform's: it must neither kill nor shut it down.
    { Protocol: 'grpc', ProtocolVersion: 6, Pid: s!.pid, Test: true, Addr: { Network: 'unix', String: s!.socket } },
  ]);
  return JSON.stringify(Object.fromEntries(entries));
}

function startOne(provider: ProviderName, options: SharedProvidersOptions, stderr: string[]): Promise<{ child: ChildProcess; socket: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, [EXIT_WITH_STDIN_ENV]: '1' };
  delete env.PLUGIN_CLIENT_CERT;
  delete env[DRIFT_FILE_ENV];
  if (options.driftFile) env[DRIFT_FILE_ENV] = options.driftFile;
  delete env[ACCOUNT_ID_ENV];
  delete env[NAME_MARK_ENV];
  if (options.accountId) env[ACCOUNT_ID_ENV] = options.accountId;
  if (options.nameMark) env[NAME_MARK_ENV] = options.nameMark;
  const child = spawn(process.execPath, [options.bundle, provider, options.home], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the offline ${provider} provider did not start: ${why}${stderr.length ? `\n${stderr.join('')}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no handshake within ${options.startTimeoutInMs ?? 30000} ms`), options.startTimeoutInMs ?? 30000);
    child.on('error', (err) => fail(err.message));
    child.on('exit', (code, signal) => fail(`it exited (${signal ?? code}) before its handshake`));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (!out.includes('\n')) return;
      const handshake = parseHandshake(out.split('\n')[0]!);
      if (!handshake) return fail(`unexpected handshake ${JSON.stringify(out.split('\n')[0])}`);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, socket: handshake.socket });
    });
  });
}

/**
 * Starts one process per provider and resolves once each has answered its handshake.
 * @throws when a provider does not start (the message carries its stderr)
 */
export async function startSharedProviders(options: SharedProvidersOptions): Promise<SharedProviders> {
  const stderr: string[] = [];
  const settled = await Promise.allSettled(options.providers.map((p) => startOne(p, options, stderr)));
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(
      started.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            // Closing stdin is the provider's cue to exit; SIGKILL if it does not within a second.
            child.stdin!.end();
            setTimeout(() => child.kill('SIGKILL'), 1000).unref();
          }),
      ),
    );
  };
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const sockets: Partial<Record<ProviderName, { socket: string; pid: number }>> = {};
  options.providers.forEach((p, i) => (sockets[p] = { socket: started[i]!.socket, pid: started[i]!.child.pid! }));
  let exited = false;
  for (const { child } of started) {
    child.once('exit', () => (exited = true));
    // A shared provider serves many commands: it must not keep this process alive, nor die unseen.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
  }
  return { reattach: reattachValue(sockets), log: () => stderr.join(''), exited: () => exited, stop };
}

/** The path of a provider's schema file in a harness home. */
export function schemaFile(home: string, provider: ProviderName): string {
  return path.join(home, `schema-${provider}.json`);
}
