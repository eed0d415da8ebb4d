/**
 * The example environments. Each entry becomes one stack, `<project>-<name>`. Edit these (or add
 * your own) to fit your account; `docs/configuration.md` lists every option with its default.
 */
import type { EnvironmentConfig } from '../config/environment';

/**
 * `bluegreen-dev`: a cheap public demo that synthesizes and deploys with no edits. HTTP only, no NAT
 * (the tasks get public addresses; the hook runs outside the VPC, so the test port must be public:
 * an explicit opt-in that prints a warning at synth), a public nginx image (no ECR), local state.
 */
export const dev: EnvironmentConfig = {
  name: 'dev',
  region: 'us-east-1',
  network: { mode: 'new', availabilityZoneCount: 2, natGatewayCount: 0 },
  service: {
    image: { external: 'public.ecr.aws/nginx/nginx:stable' },
    containerName: 'web',
    containerPort: 80,
    cpu: 256,
    memoryInMiB: 512,
    desiredCount: 1,
    logRetentionInDays: 7,
  },
  testListener: { port: 8080, allowPublicAccess: true },
  deployment: { trafficRouting: { type: 'predefined', name: 'CodeDeployDefault.ECSAllAtOnce' }, terminationWaitTimeInMinutes: 0 },
  hook: { checks: [{ path: '/', expectedStatus: 200, bodyContains: 'nginx' }], checkBudgetInSeconds: 120, logRetentionInDays: 7 },
};

/**
 * `bluegreen-prod`: a shared platform with three services on one load balancer. HTTPS with an ACM
 * certificate (HTTP redirects to it), private subnets behind one NAT gateway per zone, hooks in the
 * VPC, test ports reachable only from the NAT addresses and the listed office CIDR, canary traffic
 * shifts watched by alarms, images from each service's ECR repository, and state in S3 with native
 * locking. Replace the certificate ARN, the CIDR and the state bucket with your own before deploying.
 *
 * `web` is written as `service`: the single service this environment had first, which keeps its
 * stack-level names (`bluegreen-prod`) and Terraform addresses. `api` was added beside it under
 * `services` (names `bluegreen-prod-api-…`): adding it creates resources and changes nothing of `web`.
 * `reports` is deployed by ECS itself (`controller: 'ecs'`, a canary): its production and test rules
 * match the host `reports.example.com` on web's HTTPS listener (:443) and test listener (:9443), so it
 * needs no port of its own.
 *
 * Every security control is on (docs/security.md): `posture: 'production'` (ALB access logs, ALB
 * deletion protection, VPC flow logs), a customer-managed KMS key for the log groups and the AppSpec
 * bucket, VPC endpoints for image pulls and logs, the hooks' reserved concurrency, and `web` hardened:
 * read-only root filesystem with a tmpfs on /tmp, user 101, every capability dropped, an init process,
 * HTTPS-only egress. Its image must work that way: examples/web/Dockerfile (NGINX unprivileged) does;
 * build it with `IMAGE_BUILD_CONTEXT=examples/web`.
 */
export const prod: EnvironmentConfig = {
  name: 'prod',
  region: 'eu-west-1',
  posture: 'production',
  encryption: { createKmsKey: true },
  network: { mode: 'new', cidrBlock: '10.20.0.0/16', availabilityZoneCount: 3, natGatewayCount: 3, vpcEndpoints: true },
  service: {
    name: 'web',
    image: { ecrTag: process.env.BLUEGREEN_PROD_IMAGE_TAG ?? 'bootstrap' },
    containerName: 'web',
    containerPort: 8080,
    cpu: 512,
    memoryInMiB: 1024,
    desiredCount: 3,
    environment: { NODE_ENV: 'production' },
    logRetentionInDays: 90,
    containerInsights: true,
    // examples/web: NGINX as uid 101 on 8080, writing only its pid and temp files under /tmp.
    readonlyRootFilesystem: true,
    tmpfs: [{ containerPath: '/tmp', sizeInMiB: 64, mountOptions: ['nosuid', 'nodev', 'noexec'] }],
    user: '101',
    capabilities: { drop: ['ALL'] },
    initProcessEnabled: true,
    egress: 'https',
  },
  services: {
    // Production on https://<alb>:8443 (declared: clients depend on it); its test port is allocated
    // (the first free one after web's 9443: 9444).
    api: {
      image: { ecrTag: process.env.BLUEGREEN_PROD_API_IMAGE_TAG ?? 'bootstrap' },
      containerName: 'api',
      containerPort: 3000,
      cpu: 256,
      memoryInMiB: 512,
      desiredCount: 2,
      logRetentionInDays: 90,
      routing: { productionPort: 8443, healthCheck: { path: '/healthz' } },
      deployment: { trafficRouting: { type: 'linear', percentage: 20, intervalInMinutes: 1 } },
      hook: { checks: [{ path: '/healthz', expectedStatus: 200 }] },
    },
    // ECS-native canary behind the shared HTTPS listener, by host name (docs/native.md).
    reports: {
      controller: 'ecs',
      image: { ecrTag: process.env.BLUEGREEN_PROD_REPORTS_IMAGE_TAG ?? 'bootstrap' },
      containerName: 'reports',
      containerPort: 8080,
      cpu: 256,
      memoryInMiB: 512,
      desiredCount: 2,
      logRetentionInDays: 90,
      routing: { hosts: ['reports.example.com'], healthCheck: { path: '/health' } },
      deployment: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 60 },
      hook: { lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] },
    },
  },
  loadBalancer: {
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000',
    healthCheck: { path: '/health' },
  },
  testListener: { port: 9443, allowedCidrs: ['203.0.113.0/24'] },
  deployment: {
    trafficRouting: { type: 'canary', percentage: 10, intervalInMinutes: 5 },
    terminationWaitTimeInMinutes: 60,
  },
  alarms: { target5xxThreshold: 5, periodInSeconds: 60, evaluationPeriods: 1 },
  hook: {
    checks: [{ path: '/health', expectedStatus: 200 }, { path: '/', expectedStatus: '200-399' }],
    requiredConsecutivePasses: 3,
    checkBudgetInSeconds: 300,
    logRetentionInDays: 90,
    reservedConcurrentExecutions: 2,
  },
  state: { backend: 's3', bucket: 'example-terraform-state-123456789012', key: 'bluegreen/prod.tfstate', region: 'eu-west-1' },
  tags: { 'cost-center': 'platform' },
};

/** Every example environment, in synth order. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, prod];
