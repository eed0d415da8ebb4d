/**
 * The ECS container definition of a service's one container, and the egress its tasks are given.
 * Pure: no cdktf imports; the image and log group may be Terraform references. The hardening keys
 * (`readonlyRootFilesystem`, `user`, `linuxParameters`) are written only when a setting asks for them,
 * so a service that sets none keeps the container definition it always had (a changed definition is a
 * new task definition revision).
 */
import type { ResolvedService } from './resolve';
import type { TaskEgress } from './security-config';

/** What of a service the container definition is made of. */
export type ContainerSettings = Pick<
  ResolvedService,
  'containerName' | 'containerPort' | 'environment' | 'readonlyRootFilesystem' | 'tmpfs' | 'user' | 'capabilities' | 'initProcessEnabled'
>;

/** ECS `linuxParameters` of the container, or undefined when no setting needs one. */
export function linuxParameters(s: ContainerSettings): Record<string, unknown> | undefined {
  const parameters: Record<string, unknown> = {};
  if (s.capabilities.add.length > 0 || s.capabilities.drop.length > 0) {
    parameters.capabilities = { ...(s.capabilities.add.length > 0 ? { add: [...s.capabilities.add] } : {}), ...(s.capabilities.drop.length > 0 ? { drop: [...s.capabilities.drop] } : {}) };
  }
  if (s.initProcessEnabled) parameters.initProcessEnabled = true;
  if (s.tmpfs.length > 0) {
    parameters.tmpfs = s.tmpfs.map((m) => ({ containerPath: m.containerPath, size: m.sizeInMiB, ...(m.mountOptions && m.mountOptions.length > 0 ? { mountOptions: [...m.mountOptions] } : {}) }));
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/** The container definition (one element of the task definition's `containerDefinitions`). */
export function containerDefinition(s: ContainerSettings, runtime: { readonly image: string; readonly logGroup: string; readonly region: string }): Record<string, unknown> {
  const linux = linuxParameters(s);
  return {
    name: s.containerName,
    image: runtime.image,
    essential: true,
    portMappings: [{ containerPort: s.containerPort, protocol: 'tcp' }],
    environment: Object.entries(s.environment)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': runtime.logGroup, 'awslogs-region': runtime.region, 'awslogs-stream-prefix': s.containerName },
    },
    ...(s.readonlyRootFilesystem ? { readonlyRootFilesystem: true } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(linux !== undefined ? { linuxParameters: linux } : {}),
  };
}

/** One egress rule of the tasks' security group (`aws_vpc_security_group_egress_rule`). */
export interface EgressRule {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4: string;
  readonly description: string;
}

/**
 * The tasks' egress: everything, or TCP 443 only, to any IPv4 address (AWS APIs, ECR, S3 and the VPC
 * endpoints all listen on 443; DNS through the VPC resolver is not subject to security groups).
 */
export function taskEgressRule(egress: TaskEgress): EgressRule {
  return egress === 'https'
    ? { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'HTTPS only: image pulls, logs, AWS APIs and HTTPS calls of the application' }
    : { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', description: 'Image pulls, logs and calls made by the application' };
}
