/**
 * The harness's default way for Terraform to reach the stand-in provider: sets of shared provider
 * processes (shared-providers.ts) reused command after command, one command at a time per set.
 *
 * Why: Terraform starts a provider once per phase of a command (twice for `validate`, three times for
 * `plan` and `apply`, once for `show`), and each start of the Node provider costs about 0.2 s of CPU:
 * in the test suite, more than Terraform's own work. Reattached providers cost nothing per command.
 *
 * Why one command per set: a provider remembers the last `ConfigureProvider` (region, default tags)
 * for its whole life, so two commands configuring it differently must not overlap on one set. A
 * command takes an idle set (a new one is started when none is idle) and gives it back when it ends:
 * commands in sequence reuse the processes, concurrent ones get their own.
 *
 * What fixes a set when it starts is its key: the fake account and the name mark (process
 * settings). Drift is not part of the key: every set reads its own drift file, which the provider
 * reads again on every refresh of a resource, and the pool writes each command's drift (or none)
 * into it before the command starts, so a command never sees another's drift.
 */
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DriftPatch } from './behaviour';
import type { SharedProviders } from './shared-providers';

/** What a command asks the pool for. */
export interface PoolRequest {
  /** Drift patches the provider applies when this command refreshes resources. @default - none */
  readonly drift?: readonly DriftPatch[];
  /** The fake account of ARNs and ids. @default - the provider's (123456789012) */
  readonly accountId?: string;
  /** A word put into names the provider makes up. @default - none */
  readonly nameMark?: string;
}

/** A set lent to one command: reattach to it, then call `release` once the command has ended. */
export interface PoolLease {
  /** The value of `TF_REATTACH_PROVIDERS` for this set. */
  readonly reattach: string;
  /** Gives the set back (idempotent). */
  release(): void;
}

/** Starts one set of shared providers reading drift from `driftFile`. */
export type StartSet = (options: { readonly driftFile: string; readonly accountId?: string; readonly nameMark?: string }) => Promise<SharedProviders>;

interface PooledSet {
  readonly key: string;
  readonly providers: SharedProviders;
  readonly driftFile: string;
  busy: boolean;
}

/** Writes `drift` to `file` through a temporary name: the provider may read the file at any moment. */
function writeDrift(file: string, drift: readonly DriftPatch[]): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(drift));
  renameSync(`${file}.tmp`, file);
}

/** Idle and busy provider sets of one harness, by key. */
export class ProviderPool {
  private readonly sets: PooledSet[] = [];
  private started = 0;
  private stopped = false;

  /** @param dir where the sets' drift files live (the harness's private home) */
  constructor(
    private readonly dir: string,
    private readonly startSet: StartSet,
  ) {}

  /** How many sets were started so far (each is one process per provider). */
  get setsStarted(): number {
    return this.started;
  }

  /**
   * An idle set with the request's key, started when there is none, holding the request's drift.
   * @throws when the pool was stopped, or when a new set does not start (the message says why)
   */
  async acquire(request: PoolRequest = {}): Promise<PoolLease> {
    if (this.stopped) throw new Error('the offline Terraform harness was disposed: no provider for another command');
    const key = JSON.stringify([request.accountId ?? '', request.nameMark ?? '']);
    this.dropExited();
    let set = this.sets.find((s) => !s.busy && s.key === key);
    if (!set) {
      set = await this.startNew(key, request);
    }
    set.busy = true;
    const lent = set;
    try {
      writeDrift(lent.driftFile, request.drift ?? []);
    } catch (err) {
      lent.busy = false;
      throw err;
    }
    let released = false;
    return {
      reattach: lent.providers.reattach,
      release: () => {
        if (released) return;
        released = true;
        lent.busy = false;
      },
    };
  }

  /** Stops every set; a set still starting stops once it has started. */
  stop(): void {
    this.stopped = true;
    for (const s of this.sets.splice(0)) void s.providers.stop();
  }

  private async startNew(key: string, request: PoolRequest): Promise<PooledSet> {
    this.started += 1;
    const driftFile = path.join(this.dir, `drift-pool-${this.started}.json`);
    writeDrift(driftFile, []);
    const providers = await this.startSet({ driftFile, accountId: request.accountId, nameMark: request.nameMark });
    if (this.stopped) {
      void providers.stop();
      throw new Error('the offline Terraform harness was disposed while its providers started');
    }
    const set: PooledSet = { key, providers, driftFile, busy: false };
    this.sets.push(set);
    return set;
  }

  /** Forgets idle sets whose processes have exited (a crash): the next command starts a new one. */
  private dropExited(): void {
    for (let i = this.sets.length - 1; i >= 0; i--) {
      const s = this.sets[i]!;
      if (!s.busy && s.providers.exited()) {
        this.sets.splice(i, 1);
        void s.providers.stop();
      }
    }
  }
}
