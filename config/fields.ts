/**
 * The keys each object of an environment's configuration may have, so a misspelled key (`servcie`,
 * `loadBalancer.healthcheck`) is refused with the allowed ones instead of silently ignored. Pure.
 * A service's own keys are listed in config/validation-service.ts (SERVICE_FIELDS, ROUTING_FIELDS).
 */
import { CODEDEPLOY_DEPLOYMENT_FIELDS, NATIVE_DEPLOYMENT_FIELDS } from './native';
import type { Problems } from './problems';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The fields of every object in an environment's configuration (what `knownFields` allows). */
export const CONFIG_FIELDS = {
  environment: ['name', 'project', 'region', 'posture', 'encryption', 'network', 'service', 'services', 'loadBalancer', 'testListener', 'deployment', 'alarms', 'hook', 'autoRelease', 'quotas', 'state', 'tags'],
  'network (mode "new")': ['mode', 'cidrBlock', 'availabilityZoneCount', 'natGatewayCount', 'restrictDefaultSecurityGroup', 'flowLogs', 'vpcEndpoints'],
  // The new-VPC controls are refused for an existing VPC by config/validation-security.ts, with the reason.
  'network (mode "existing")': ['mode', 'vpcId', 'publicSubnetIds', 'privateSubnetIds', 'restrictDefaultSecurityGroup', 'flowLogs', 'vpcEndpoints'],
  loadBalancer: ['certificateArn', 'productionPort', 'sslPolicy', 'allowedCidrs', 'healthCheck', 'deregistrationDelayInSeconds', 'idleTimeoutInSeconds', 'deletionProtection', 'accessLogs'],
  healthCheck: ['path', 'matcher', 'intervalInSeconds', 'timeoutInSeconds', 'healthyThreshold', 'unhealthyThreshold'],
  testListener: ['port', 'allowedCidrs', 'allowPublicAccess'],
  deployment: [...CODEDEPLOY_DEPLOYMENT_FIELDS, ...NATIVE_DEPLOYMENT_FIELDS],
  trafficRouting: ['type', 'name', 'percentage', 'intervalInMinutes'],
  linearConfiguration: ['stepPercent', 'stepBakeTimeInMinutes'],
  canaryConfiguration: ['canaryPercent', 'canaryBakeTimeInMinutes'],
  alarms: ['enabled', 'target5xxThreshold', 'periodInSeconds', 'evaluationPeriods', 'additionalAlarmNames'],
  hook: ['lifecycleEvents', 'lifecycleStages', 'checks', 'requiredConsecutivePasses', 'checkBudgetInSeconds', 'logRetentionInDays', 'reservedConcurrentExecutions'],
  quotas: ['listenersPerLoadBalancer', 'rulesPerSecurityGroup', 'rulesPerLoadBalancer'],
  'state (backend "local")': ['backend', 'path'],
  'state (backend "s3")': ['backend', 'bucket', 'key', 'region', 'dynamodbTable'],
} as const satisfies Record<string, readonly string[]>;

/** Refuses unknown keys of a deployment/alarms/hook section (the environment's, or a service's override). */
export function knownSectionFields(field: string, section: 'deployment' | 'alarms' | 'hook', value: unknown, p: Problems): void {
  p.knownFields(field, value, CONFIG_FIELDS[section]);
  if (section !== 'deployment' || !isObject(value)) return;
  for (const key of ['trafficRouting', 'linearConfiguration', 'canaryConfiguration'] as const) p.knownFields(`${field}.${key}`, value[key], CONFIG_FIELDS[key]);
}

