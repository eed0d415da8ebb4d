/**
 * The package entry of `cdktf-ecs-bluegreen` (package.json `exports`): the constructs, their props and
 * configuration types, validation, and `synthesize()` for an app that only lists environments.
 *
 *   const { App } = require('cdktf');
 *   const { BlueGreenStack } = require('cdktf-ecs-bluegreen');
 *   new BlueGreenStack(new App(), 'bluegreen-dev', { environment: { name: 'dev', region: 'eu-west-1', ... } });
 *
 * Everything here is the public API of the package (semver: see CHANGELOG.md); modules not exported
 * here are internal and may change in any release.
 */
export { BlueGreenStack, type BlueGreenStackProps } from './stacks/bluegreen-stack';
export { BlueGreenPlatform, type BlueGreenPlatformProps } from './constructs/platform';
export { BlueGreenService, type BlueGreenServiceProps, type ServiceOutput } from './constructs/service';
export { NativeBlueGreenService, type NativeBlueGreenServiceProps } from './constructs/native-service';
export { synthesize, AggregateConfigError, EnvironmentSelectionError, selectEnvironments, type SynthesizeOptions } from './main';
export { applySynthSpeedSettings, KEEP_SOURCE_MAPS_ENV, type SynthSpeedSettings } from './stacks/synth-process';
export {
  DEFAULT_SERVICE_NAME,
  NATIVE_DEPLOYMENT_STRATEGIES,
  PREDEFINED_ECS_DEPLOYMENT_CONFIGS,
  resolveEnvironment,
  SERVICE_CONTROLLERS,
  type QuotasConfig,
  type ResolvedRouting,
  type ResolvedService,
  type ServiceController,
  type ServiceRoutingConfig,
  type StackServiceConfig,
  type AlarmsConfig,
  type DeploymentConfig,
  type EnvironmentConfig,
  type ExistingVpcConfig,
  type HookSettings,
  type ImageConfig,
  type LoadBalancerConfig,
  type NetworkConfig,
  type NewVpcConfig,
  type PredefinedEcsDeploymentConfig,
  type ResolvedEnvironment,
  type ServiceConfig,
  type StateConfig,
  type TargetHealthCheckConfig,
  type TestListenerConfig,
  type TrafficRoutingConfig,
  type CanaryConfigurationConfig,
  type LinearConfigurationConfig,
  type MigrationConfig,
  type NativeDeploymentStrategy,
} from './config/environment';
export { assertValidEnvironment, EnvironmentConfigError, environmentWarnings, validateEnvironment } from './config/validation';
export { OUTPUT_NAMES, SERVICES_OUTPUT, type OutputKey } from './lib/outputs';
export { iamNamePrefix, IAM_PREFIX_MAX_LENGTH } from './config/names';
export {
  POSTURES,
  TASK_EGRESS,
  type AccessLogsConfig,
  type EncryptionConfig,
  type FlowLogsConfig,
  type LinuxCapabilitiesConfig,
  type Posture,
  type TaskEgress,
  type TmpfsMount,
} from './config/security-config';
export { HookBundleError, type HookBundle } from './hook-build/bundle';
