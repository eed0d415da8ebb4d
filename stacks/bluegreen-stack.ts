import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import type { HookBundle } from '../hook-build/bundle';
import type { EnvironmentConfig } from '../config/environment';
import type { ResolvedEnvironment } from '../config/resolve';
import type { PlatformNames } from '../config/names';
import { OUTPUT_NAMES, SERVICES_OUTPUT, type OutputKey } from '../lib/outputs';
import { assertValidEnvironment } from '../config/validation';
import { BlueGreenPlatform } from '../constructs/platform';
import { BlueGreenService } from '../constructs/service';
import { NativeBlueGreenService } from '../constructs/native-service';
import { ownsListeners } from '../config/native-routes';
import type { ResolvedService } from '../config/resolve';

/** Props of {@link BlueGreenStack}. */
export interface BlueGreenStackProps {
  /** The environment (its shared settings and its services); validated before any resource is created. */
  readonly environment: EnvironmentConfig;
  /**
   * A bundled hook to use.
   * @default - the package's prebuilt bundle; from the sources, `hook-lambda/index.ts` bundled with esbuild (content-hash cached)
   */
  readonly hookBundle?: HookBundle;
  /**
   * Called with each synth-time warning (e.g. a public test port).
   * @default - warnings are only kept in {@link BlueGreenStack.warnings}
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * One environment as one Terraform stack: the AWS provider (region, default tags), the state backend,
 * a {@link BlueGreenPlatform} and one {@link BlueGreenService} per service, and the outputs the release
 * reads: a `services` object (one entry per service, lib/outputs.ts `SERVICES_OUTPUT`) and, for a
 * stack of one service, every output of `OUTPUT_NAMES` at the top level as well.
 *
 * `id` is the stack's name, its directory in `cdktf.out/stacks/` and what `--stack` selects;
 * main.ts uses `<project>-<environment>` (e.g. `bluegreen-dev`). The platform is built with the id
 * `Default` and the environment's `service` with the id `Default` inside it: cdktf leaves `Default`
 * out of logical ids, so a single-service environment keeps the addresses it had before services were
 * split out, and an existing stack upgrades without replacing anything.
 */
export class BlueGreenStack extends TerraformStack {
  /** The environment with defaults filled in. */
  readonly environment: ResolvedEnvironment;
  readonly platform: BlueGreenPlatform;
  /** Names of what the services share (`names.stack` is `<project>-<environment>`). */
  readonly names: PlatformNames;
  /**
   * The services, in the environment's order (`service` first): a {@link BlueGreenService} per CodeDeploy
   * service, a {@link NativeBlueGreenService} per `controller: 'ecs'` service.
   */
  readonly services: readonly (BlueGreenService | NativeBlueGreenService)[];
  /** Synth-time warnings of this environment, prefixed with the stack name. */
  readonly warnings: readonly string[];

  /**
   * @throws EnvironmentConfigError when the environment is invalid (before the stack exists)
   * @throws HookBundleError when the hook cannot be bundled
   */
  constructor(scope: Construct, id: string, props: BlueGreenStackProps) {
    // Validate before the stack construct itself exists: nothing of an invalid environment is created.
    const env = assertValidEnvironment(props.environment);
    super(scope, id);
    this.environment = env;
    this.configureState(env, id);
    new AwsProvider(this, 'Aws', {
      region: env.region,
      defaultTags: [{ tags: { ...env.tags, environment: env.name, project: env.project } }],
    });
    if (env.services.some((s) => s.autoRelease)) new NullProvider(this, 'Null', {});

    this.platform = new BlueGreenPlatform(this, 'Default', { environment: props.environment, hookBundle: props.hookBundle });
    this.names = this.platform.names;
    this.warnings = this.platform.warnings.map((w) => `${id}: ${w}`);
    this.warnings.forEach((w) => props.onWarning?.(w));
    // Services that own listeners first: ECS-native rules on shared ports go on their listeners.
    const built = new Map<ResolvedService, BlueGreenService | NativeBlueGreenService>();
    for (const s of [...env.services.filter(ownsListeners), ...env.services.filter((x) => !ownsListeners(x))]) built.set(s, this.buildService(s));
    this.services = env.services.map((s) => built.get(s)!);
    this.declareOutputs();
  }

  /** A service's construct: the stack-level one with the id `Default` inside the platform, the others by name. */
  private buildService(s: ResolvedService): BlueGreenService | NativeBlueGreenService {
    const [scope, id] = s.stackLevel ? [this.platform, 'Default'] : [this, s.name];
    const props = { platform: this.platform, service: s.name };
    return s.controller === 'ecs' ? new NativeBlueGreenService(scope, id, props) : new BlueGreenService(scope, id, props);
  }

  private declareOutputs(): void {
    if (this.services.length === 1) {
      const only = this.services[0]!;
      // Output ids are the contract with the release CLI: top-level, exactly OUTPUT_NAMES.
      for (const key of Object.keys(OUTPUT_NAMES) as OutputKey[]) new TerraformOutput(this, OUTPUT_NAMES[key], only.outputs[key]);
    }
    const byService = Object.fromEntries(
      this.services.map((service) => [service.config.name, Object.fromEntries((Object.keys(OUTPUT_NAMES) as OutputKey[]).map((key) => [OUTPUT_NAMES[key], service.outputs[key].value]))]),
    );
    new TerraformOutput(this, SERVICES_OUTPUT, { value: byService, description: 'Per service (by name): the outputs of OUTPUT_NAMES (lib/outputs.ts)' });
  }

  private configureState(env: ResolvedEnvironment, stackName: string): void {
    const state = env.state;
    if (state.backend === 's3') {
      new S3Backend(this, {
        bucket: state.bucket,
        key: state.key ?? `${stackName}/terraform.tfstate`,
        region: state.region ?? env.region,
        encrypt: true,
        ...(state.dynamodbTable ? { dynamodbTable: state.dynamodbTable } : {}),
      });
      // S3-native locking (Terraform 1.10+); cdktf 0.21's S3Backend has no property for it yet.
      if (!state.dynamodbTable) this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Relative to the synthesized stack directory (cdktf.out/stacks/<stack>): the project root, as
      // cdktf's default, but without writing this machine's absolute path into the output.
      new LocalBackend(this, { path: state.path ?? `../../../terraform.${stackName}.tfstate` });
    }
  }
}
