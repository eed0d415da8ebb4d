/**
 * An environment of N identical services on one shared load balancer, for benchmarks and tests of how
 * the stack grows with its services (`npm run bench`, __tests__/stack-services.test.ts). Not an
 * example to deploy: every service runs the public nginx image.
 */
import type { EnvironmentConfig, ServiceConfig } from '../config/environment';

/** Options of {@link manyServicesEnvironment}. */
export interface ManyServicesOptions {
  /**
   * Environment name.
   * @default 'many'
   */
  readonly name?: string;
  /**
   * Settings of every service (its image included).
   * @default - the public nginx image, 0.25 vCPU / 512 MiB, one task
   */
  readonly service?: ServiceConfig;
  /**
   * Anything else of the environment (network, load balancer, …), over the defaults below.
   * @default - a new VPC with one NAT gateway, HTTP, local state
   */
  readonly environment?: Partial<EnvironmentConfig>;
}

/**
 * `count` services named `s01`, `s02`, … (two digits up to 99), each with allocated listener ports on
 * the shared load balancer (80/8080, 8000/8081, …). 25 services use all 50 listeners an Application
 * Load Balancer has by default; validation refuses more unless some are `routing.loadBalancer:
 * 'dedicated'` or `quotas.listenersPerLoadBalancer` is raised.
 */
export function manyServicesEnvironment(count: number, options: ManyServicesOptions = {}): EnvironmentConfig {
  const service: ServiceConfig = options.service ?? { image: { external: 'public.ecr.aws/nginx/nginx:stable' }, desiredCount: 1 };
  const width = Math.max(2, String(count).length);
  return {
    name: options.name ?? 'many',
    region: 'eu-west-1',
    network: { mode: 'new', natGatewayCount: 1 },
    ...options.environment,
    services: Object.fromEntries(Array.from({ length: count }, (_, i) => [`s${String(i + 1).padStart(width, '0')}`, { ...service }])),
  };
}
