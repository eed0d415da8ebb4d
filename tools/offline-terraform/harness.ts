/**
 * Runs the real Terraform CLI offline against the stand-in provider: writes a private CLI
 * configuration (a filesystem mirror holding hashicorp/aws and hashicorp/null) into a temporary home,
 * the provider's schemas next to it, and runs terraform with that environment. The provider program
 * is one cached bundle (provider-bundle.ts). By default Terraform reattaches to provider processes the
 * harness keeps in a pool and lends to one command at a time (provider-pool.ts); a command may instead
 * reattach to a set the caller started (`startProviders`), or let Terraform start the provider for
 * each phase, installed from the mirror and with AutoMTLS, as it starts a real one (`'terraform'`).
 * Nothing here reads or writes the user's own Terraform configuration or touches the network, and
 * nothing here knows the app: callers hand in Terraform JSON configurations.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProviderSchemas, defaultCacheDir, PROVIDER_PACKAGES, providersNeeded, providersOf, typesUsed } from './schema';
import type { ProviderName } from './schema';
import { ACCOUNT_ID_ENV, DRIFT_FILE_ENV, NAME_MARK_ENV } from './behaviour';
import type { DriftPatch } from './behaviour';
import { cliConfig, makeCertificate, mirrorVersions, terraformPlatform } from './mirror';
import { providerBundle } from './provider-bundle';
import { ProviderPool, type PoolLease } from './provider-pool';
import { schemaFile, startSharedProviders, type SharedProviders } from './shared-providers';
import { offlineTerraformEnv } from './terraform-env';
import { diagnosticsText, plannedChanges, type PlanChanges } from './plan-stream';
import { readStateJson } from './state-file';

export { offlineTerraformEnv } from './terraform-env';
export { plannedChanges, type PlanChanges } from './plan-stream';

/** The parts of a Terraform JSON configuration the harness looks at. */
export interface TerraformJson {
  readonly terraform?: { readonly backend?: unknown; readonly [key: string]: unknown };
  readonly resource?: { readonly [type: string]: unknown };
  readonly data?: { readonly [type: string]: unknown };
  readonly [key: string]: unknown;
}

/** Thrown by {@link OfflineTerraform.run} when the terraform executable cannot be started. */
export class TerraformNotFoundError extends Error {
  constructor(readonly binary: string, cause: string) {
    super(`cannot run ${JSON.stringify(binary)} (${cause}): install Terraform 1.x and put it on PATH (https://developer.hashicorp.com/terraform/install)`);
    this.name = 'TerraformNotFoundError';
  }
}

/** Result of one terraform command. */
export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Options for {@link createOfflineTerraform}. */
export interface OfflineTerraformOptions {
  /**
   * Configurations this instance will run; the provider serves exactly the types they use. More can
   * be added later with {@link OfflineTerraform.serve} (e.g. once a synth has written them).
   */
  readonly configs: readonly TerraformJson[];
  /**
   * Where reconstructed schemas are cached.
   * @default node_modules/.cache/offline-terraform of this project
   */
  readonly cacheDir?: string;
  /**
   * The terraform executable.
   * @default "terraform" (from PATH)
   */
  readonly terraformBinary?: string;
  /**
   * How commands that do not choose (see {@link RunOptions.providers}) reach the provider.
   * @default 'pool'
   */
  readonly providers?: ProviderMode;
  /**
   * How many sets of provider processes the pool runs at once ('pool' mode): concurrent commands
   * beyond that wait for one to come free. Starting a set costs about 1 CPU-s on a loaded 2-core
   * machine, and most of a command's wall time is waiting, so two give most of the overlap.
   * @default 2
   */
  readonly maxProviderSets?: number;
}

/**
 * How Terraform reaches the stand-in provider:
 * - `'pool'`: reattaches (`TF_REATTACH_PROVIDERS`) to a set of provider processes the harness keeps
 *   and lends to one command at a time (provider-pool.ts): sequential commands reuse the processes.
 * - `'terraform'`: Terraform starts the provider itself for each phase of the command, installed by
 *   `terraform init` from the mirror and speaking AutoMTLS: exactly the path of a real provider.
 */
export type ProviderMode = 'pool' | 'terraform';

/** The parts of `terraform show -json <planfile>` the harness's users look at. */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly name: string;
    readonly change: { readonly actions: readonly string[]; readonly before: unknown; readonly after: unknown; readonly replace_paths?: readonly (readonly (string | number)[])[] };
  }[];
  readonly [key: string]: unknown;
}

/** What {@link OfflineTerraform.plan} returns: `json` with `read: 'json'`, `changes` with `read: 'changes'`. */
export interface PlanResult {
  /** Exit code of `terraform plan -detailed-exitcode`: 0 no changes, 2 changes. */
  readonly code: number;
  /** What the plan printed: human-readable, or with `read: 'changes'` Terraform's machine-readable lines. */
  readonly output: string;
  readonly json?: PlanJson;
  readonly changes?: PlanChanges;
  /** The saved plan, in the work dir (for {@link OfflineTerraform.apply}). */
  readonly planFile: string;
}

/** Options of {@link OfflineTerraform.run}. */
export interface RunOptions {
  /**
   * Drift patches the provider applies when Terraform reads resources during this command (plays an
   * outside change). Not with shared providers of {@link OfflineTerraform.startProviders} (give them
   * their drift when starting them).
   */
  readonly drift?: readonly DriftPatch[];
  /**
   * The fake account of the provider's ARNs and ids during this command (12 digits). Not with shared
   * providers (give it to startProviders).
   * @default "123456789012"
   */
  readonly accountId?: string;
  /**
   * A word the provider puts into the names it makes up during this command (see behaviour.ts).
   * Not with shared providers (give it to startProviders).
   * @default - none
   */
  readonly nameMark?: string;
  /**
   * How this command reaches the provider (see {@link ProviderMode}), or shared provider processes
   * to reattach to (from {@link OfflineTerraform.startProviders}). `init` never takes a set of the
   * pool: it starts no provider, and installs them from the mirror.
   * @default - the harness's mode ({@link OfflineTerraformOptions.providers}, 'pool' unless set)
   */
  readonly providers?: SharedProviders | ProviderMode;
  /**
   * Gives up after this long.
   * @default 120000
   */
  readonly timeoutInMs?: number;
}

/** Options of {@link OfflineTerraform.plan}. */
export interface PlanOptions extends RunOptions {
  /**
   * What the caller reads of the plan: `'json'`, the whole plan as `terraform show -json` gives it;
   * `'changes'`, only which resources change how, from the `planned_change` lines of `terraform plan
   * -json` (Terraform's machine-readable output): no show (~0.15 CPU-s on bluegreen-prod), and no
   * human-readable rendering of the plan.
   * @default 'json'
   */
  readonly read?: 'json' | 'changes';
}

const PROVIDERS = Object.keys(PROVIDER_PACKAGES) as ProviderName[];

/** A private Terraform environment wired to the stand-in provider. Call {@link dispose} when done. */
export class OfflineTerraform {
  /** Environment for terraform commands (CLI config, no checkpoint, automation mode). */
  readonly env: NodeJS.ProcessEnv;
  private readonly types = { resources: new Set<string>(), dataSources: new Set<string>() };
  private readonly configs: TerraformJson[] = [];
  private setProviders?: readonly ProviderName[]; // fixed when the first set starts
  private readonly shared = new Set<SharedProviders>();
  /** Provider sets lent to commands in the 'pool' mode. */
  readonly pool: ProviderPool;
  private hasCertificate = false;

  constructor(
    /** Temporary directory holding the CLI config, provider mirror, schemas and certificate. */
    readonly home: string,
    private readonly terraformBinary: string,
    /** The provider bundle (provider-bundle.ts). */
    readonly providerJs: string,
    private readonly cacheDir: string,
    /** How commands that do not choose reach the provider. */
    readonly providerMode: ProviderMode = 'pool',
    maxProviderSets = 2,
  ) {
    this.env = offlineTerraformEnv(process.env, home);
    this.pool = new ProviderPool(home, (o) => this.startSet(o), maxProviderSets);
  }

  /**
   * Adds configurations: the provider then serves the types they use too, and the mirror offers the
   * provider versions they pin. Safe while shared providers run (they read the schemas again); throws
   * for one needing a provider the sets started so far do not run (see startSet).
   */
  serve(configs: readonly TerraformJson[]): void {
    if (this.setProviders && configs.flatMap(providersOf).some((p) => !this.setProviders!.includes(p))) throw new Error('a configuration needs a provider that the provider processes already started do not run: give createOfflineTerraform every configuration');
    for (const c of configs) {
      this.configs.push(c);
      const used = typesUsed(c);
      used.resources.forEach((t) => this.types.resources.add(t));
      used.dataSources.forEach((t) => this.types.dataSources.add(t));
    }
    const wanted = { resources: [...this.types.resources].sort(), dataSources: [...this.types.dataSources].sort() };
    // Unpacked filesystem-mirror layout: <mirror>/<host>/<namespace>/<type>/<version>/<os_arch>/terraform-provider-<type>_v<version>
    const mirror = path.join(this.home, 'mirror');
    for (const p of PROVIDERS) {
      // Through a temporary name: a shared provider may read the file at any moment.
      const file = schemaFile(this.home, p);
      writeFileSync(`${file}.tmp`, JSON.stringify(buildProviderSchemas(p, wanted, this.cacheDir)));
      renameSync(`${file}.tmp`, file);
      const script = `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(this.providerJs)} ${p} ${JSON.stringify(this.home)}\n`;
      for (const version of mirrorVersions(p, this.configs)) {
        const dir = path.join(mirror, 'registry.terraform.io', 'hashicorp', p, version, terraformPlatform());
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, `terraform-provider-${p}_v${version}`), script, { mode: 0o755 });
      }
    }
    writeFileSync(path.join(this.home, 'terraform.rc'), cliConfig(mirror));
  }

  /**
   * Starts one process per provider that commands given `{ providers }` reattach to, and resolves when
   * they answer. They may start before {@link serve} has been given any configuration. Stopped by
   * {@link dispose} (or their own `stop`). See shared-providers.ts for what may share one set.
   */
  async startProviders(options: { readonly drift?: readonly DriftPatch[]; readonly accountId?: string; readonly nameMark?: string } = {}): Promise<SharedProviders> {
    let driftFile: string | undefined;
    if (options.drift) {
      driftFile = path.join(this.home, `drift-shared-${Date.now()}-${Math.random().toString(16).slice(2, 8)}.json`);
      writeFileSync(driftFile, JSON.stringify(options.drift));
    }
    const providers = await this.startSet({ driftFile, accountId: options.accountId, nameMark: options.nameMark });
    this.shared.add(providers);
    return providers;
  }

  private startSet(options: { readonly driftFile?: string; readonly accountId?: string; readonly nameMark?: string }): Promise<SharedProviders> {
    if (PROVIDERS.some((p) => !existsSync(schemaFile(this.home, p)))) this.serve([]);
    this.setProviders ??= providersNeeded(this.configs); // no process for a provider no configuration uses (our stacks use no null provider)
    return startSharedProviders({ home: this.home, bundle: this.providerJs, providers: this.setProviders, ...options });
  }

  /**
   * A fresh work dir holding a synthesized stack: its cdk.tf.json (read from `source`, a stack
   * directory, or given as an object) with any backend removed so state stays local, plus the
   * stack's assets (lambda zips, files) copied from `assetsFrom` (default: `source` when it is a
   * directory). Returns the work dir.
   */
  workspace(source: string | TerraformJson, name = 'stack', assetsFrom?: string): string {
    const dir = mkdtempSync(path.join(this.home, `${name.replace(/[^\w-]/g, '_')}-`));
    const config = typeof source === 'string' ? readStackConfig(source) : source;
    const assets = assetsFrom ?? (typeof source === 'string' ? source : undefined);
    if (assets) {
      for (const entry of readdirSync(assets)) {
        if (entry === '.terraform' || entry.endsWith('.tfstate') || entry.endsWith('.tfstate.backup') || entry === 'cdk.tf.json') continue;
        cpSync(path.join(assets, entry), path.join(dir, entry), { recursive: true });
      }
    }
    writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(withLocalBackend(config), null, 2));
    return dir;
  }

  /**
   * A fresh work dir holding a copy of `from` (a work dir of this harness that no command is using):
   * its configuration, assets, state, lock file and installed providers, so it needs no `init`. For
   * commands that would otherwise run in one work dir at once: Terraform locks the state, and a
   * second command there fails. Saved plans and drift files are not copied.
   */
  copyWorkspace(from: string, name: string): string {
    const dir = mkdtempSync(path.join(this.home, `${name.replace(/[^\w-]/g, '_')}-`));
    const skipped = (entry: string) => entry.startsWith('tfplan-') || entry.startsWith('.drift-');
    cpSync(from, dir, { recursive: true, filter: (src) => src === from || !skipped(path.basename(src)) });
    return dir;
  }

  /**
   * Runs `terraform <args>` in `cwd`, reaching the provider as `options.providers` says (by default
   * through a set of the pool, given back when the command ends). Never throws for a non-zero exit;
   * check `code`.
   */
  async run(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<TerraformResult> {
    const { env, lease } = await this.commandEnv(cwd, args, options);
    try {
      return await this.spawnTerraform(cwd, args, env, options.timeoutInMs ?? 120000);
    } finally {
      lease?.release();
    }
  }

  /** The environment of one command, and the pool set it holds until it ends (if any). */
  private async commandEnv(cwd: string, args: readonly string[], options: RunOptions): Promise<{ env: NodeJS.ProcessEnv; lease?: PoolLease }> {
    const env = { ...this.env };
    const mode = options.providers ?? this.providerMode;
    if (typeof mode === 'object') {
      if (options.drift || options.accountId || options.nameMark) throw new Error('drift, accountId or nameMark with shared providers: give them to startProviders');
      env.TF_REATTACH_PROVIDERS = mode.reattach;
      return { env };
    }
    if (mode === 'pool') {
      // init starts no provider: it installs them from the mirror, as for a real one.
      if (args[0] === 'init') return { env };
      const lease = await this.pool.acquire({ drift: options.drift, accountId: options.accountId, nameMark: options.nameMark, waitInMs: options.timeoutInMs });
      env.TF_REATTACH_PROVIDERS = lease.reattach;
      return { env, lease };
    }
    if (!this.hasCertificate) {
      // Only a provider Terraform starts itself speaks AutoMTLS.
      makeCertificate(this.home);
      this.hasCertificate = true;
    }
    if (options.drift) {
      const driftFile = path.join(cwd, `.drift-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
      writeFileSync(driftFile, JSON.stringify(options.drift));
      env[DRIFT_FILE_ENV] = driftFile;
    }
    if (options.accountId) env[ACCOUNT_ID_ENV] = options.accountId;
    if (options.nameMark) env[NAME_MARK_ENV] = options.nameMark;
    return { env };
  }

  private spawnTerraform(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutInMs: number): Promise<TerraformResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(this.terraformBinary, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutInMs);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(err.code === 'ENOENT' || err.code === 'EACCES' ? new TerraformNotFoundError(this.terraformBinary, err.code) : err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr, durationMs: Date.now() - started });
      });
    });
  }

  /** Runs a command and throws with Terraform's error output unless it exits with one of `okCodes`. */
  async mustRun(cwd: string, args: readonly string[], options: RunOptions = {}, okCodes: readonly number[] = [0]): Promise<TerraformResult> {
    const result = await this.run(cwd, args, options);
    if (!okCodes.includes(result.code)) {
      // A command's -json output (not show's) is a stream of messages: its diagnostics say what failed.
      const output = args.includes('-json') && args[0] !== 'show' ? diagnosticsText(result.stdout) : result.stdout;
      throw new Error(`terraform ${args.join(' ')} exited ${result.code} in ${cwd}:\n${result.stderr}\n${output}`.trim());
    }
    return result;
  }

  /** `terraform init` for a work dir made by {@link workspace}. */
  init(cwd: string): Promise<TerraformResult> {
    return this.mustRun(cwd, ['init', '-input=false', '-no-color']);
  }

  /**
   * `terraform apply -auto-approve`, then the resulting state as `terraform show -json` gives it
   * ({@link state}). With `planFile` (a plan {@link plan} saved in `cwd`) it applies that plan
   * instead of planning again.
   */
  async apply(cwd: string, options: RunOptions & { readonly planFile?: string } = {}): Promise<unknown> {
    const { planFile, ...run } = options;
    await this.mustRun(cwd, ['apply', '-auto-approve', '-input=false', '-no-color', ...(planFile ? [planFile] : [])], run);
    return this.state(cwd);
  }

  /**
   * The state of `cwd` in the shape of `terraform show -json` (outputs, and resources with their
   * values), read from the terraform.tfstate Terraform wrote: no terraform process (state-file.ts).
   */
  state(cwd: string): unknown {
    return readStateJson(cwd);
  }

  /**
   * `terraform plan -detailed-exitcode` (0 no changes, 2 changes), saved in `cwd` (`planFile`, for
   * {@link apply}), then what `options.read` asks for: the plan as JSON (`terraform show -json`), or
   * its changes. Throws when planning fails.
   */
  plan(cwd: string, options: PlanOptions & { readonly read: 'changes' }): Promise<PlanResult & { readonly changes: PlanChanges }>;
  // Last: what ReturnType<OfflineTerraform['plan']> gives callers that name the type.
  plan(cwd: string, options?: PlanOptions & { readonly read?: 'json' }): Promise<PlanResult & { readonly json: PlanJson }>;
  async plan(cwd: string, options: PlanOptions = {}): Promise<PlanResult> {
    const { read = 'json', ...run } = options;
    const planFile = `tfplan-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
    const json = read === 'changes' ? ['-json'] : [];
    const result = await this.mustRun(cwd, ['plan', ...json, '-detailed-exitcode', '-input=false', '-no-color', `-out=${planFile}`], run, [0, 2]);
    if (read === 'changes') return { code: result.code, output: result.stdout, changes: plannedChanges(result.stdout), planFile };
    const plan = JSON.parse((await this.mustRun(cwd, ['show', '-json', planFile], showOptions(run))).stdout) as PlanJson;
    return { code: result.code, output: result.stdout, json: plan, planFile };
  }

  /** Stops the pool's and the caller's shared providers, and removes the temporary home and every work dir in it. */
  dispose(): void {
    this.pool.stop();
    for (const p of this.shared) void p.stop();
    this.shared.clear();
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** The options of the `show` after a command: the same way to the provider (no drift: show reads nothing). */
function showOptions({ drift: _drift, ...options }: RunOptions): RunOptions {
  return options;
}

/**
 * A copy of `config` without its `terraform.backend` block, whatever its type: Terraform then keeps
 * state in the work dir. (Even a local backend goes: its path may point at the user's real state.)
 */
export function withLocalBackend(config: TerraformJson): TerraformJson {
  if (!config.terraform?.backend) return config;
  const { backend: _backend, ...terraform } = config.terraform;
  return { ...config, terraform };
}

/**
 * Sets up the private Terraform environment for the given configurations: a temporary home, the
 * provider bundle (from the cache when its sources are unchanged), the schemas and the mirror.
 */
export function createOfflineTerraform(options: OfflineTerraformOptions): OfflineTerraform {
  const home = mkdtempSync(path.join(os.tmpdir(), 'offline-terraform-'));
  try {
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const tf = new OfflineTerraform(home, options.terraformBinary ?? 'terraform', providerBundle(cacheDir).file, cacheDir, options.providers, options.maxProviderSets);
    tf.serve(options.configs);
    return tf;
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
}

/** Reads `<stackDir>/cdk.tf.json`. */
export function readStackConfig(stackDir: string): TerraformJson {
  const file = path.join(stackDir, 'cdk.tf.json');
  if (!existsSync(file)) throw new Error(`${stackDir}: no cdk.tf.json (run \`npm run synth\` first)`);
  return JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;
}
