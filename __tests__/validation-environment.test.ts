import type { EnvironmentConfig } from '../config/environment';
import { assertValidEnvironment, EnvironmentConfigError, environmentWarnings, validateEnvironment } from '../config/validation';
import { resolveEnvironment } from '../config/environment';
import { dev, prod } from '../stacks/environments';

/** A valid environment: private subnets behind NAT, external image, defaults elsewhere. */
const base: EnvironmentConfig = {
  name: 'test',
  region: 'eu-west-1',
  network: { mode: 'new', natGatewayCount: 1 },
  service: { image: { external: 'nginx:1.27' } },
};

const existingVpc: EnvironmentConfig = {
  ...base,
  network: {
    mode: 'existing',
    vpcId: 'vpc-0123456789abcdef0',
    publicSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    privateSubnetIds: ['subnet-0123456789abcdef2', 'subnet-0123456789abcdef3'],
  },
  testListener: { allowedCidrs: ['198.51.100.7/32'] },
};

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';

/** Returns a copy of `base` with one part replaced; fields typed loosely so invalid values can be written. */
function withPart(part: Record<string, unknown>, from: EnvironmentConfig = base): EnvironmentConfig {
  return { ...from, ...part } as unknown as EnvironmentConfig;
}
const service = (s: Record<string, unknown>) => withPart({ service: { ...base.service, ...s } });
const lb = (l: Record<string, unknown>) => withPart({ loadBalancer: l });
const hc = (h: Record<string, unknown>) => lb({ healthCheck: h });
const testL = (t: Record<string, unknown>, from?: EnvironmentConfig) => withPart({ testListener: t }, from);
const deployment = (d: Record<string, unknown>) => withPart({ deployment: d });
const alarms = (a: Record<string, unknown>) => withPart({ alarms: a });
const hook = (h: Record<string, unknown>) => withPart({ hook: h });
const state = (s: Record<string, unknown>) => withPart({ state: s });
const network = (n: Record<string, unknown>) => withPart({ network: n });
const names = (n: number) => Array.from({ length: n }, (_, i) => `existing-alarm-${i}`);

describe('validateEnvironment', () => {
  test('accepts the minimal environment with NAT', () => {
    expect(validateEnvironment(base)).toEqual([]);
  });

  test('accepts an existing VPC with private subnets and listed NAT addresses', () => {
    expect(validateEnvironment(existingVpc)).toEqual([]);
  });

  test('accepts 7 extra tags (with environment, project and UseWithCodeDeploy: the 10 S3 allows on the AppSpec object) and a project merely containing "sg"', () => {
    const tags = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`t${i}`, 'x']));
    expect(validateEnvironment(withPart({ tags, project: 'sgshop' }))).toEqual([]);
  });

  test('accepts a /23 VPC (its /27 subnets are the smallest a load balancer should get)', () => {
    expect(validateEnvironment(network({ mode: 'new', cidrBlock: '10.0.0.0/23', natGatewayCount: 1 }))).toEqual([]);
  });

  test('accepts the example environments dev and prod', () => {
    expect(validateEnvironment(dev)).toEqual([]);
    expect(validateEnvironment(prod)).toEqual([]);
  });

  test('does not modify its input', () => {
    const input = JSON.parse(JSON.stringify(prod)) as EnvironmentConfig;
    validateEnvironment(input);
    resolveEnvironment(input);
    expect(input).toEqual(JSON.parse(JSON.stringify(prod)));
  });

  test('collects every problem instead of stopping at the first', () => {
    const config = withPart({ name: 'Bad_Name', region: 'mars', service: { image: { external: 'nginx' }, cpu: 300 } });
    expect(validateEnvironment(config)).toEqual([
      'name must be 1-32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "Bad_Name"',
      'region must be an AWS region code such as eu-west-1, got "mars"',
      'service.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate CPU units), got 300',
    ]);
  });

  // [behaviour, config, exact message]
  const cases: Array<[string, EnvironmentConfig, string]> = [
    ['rejects a service that is not an object', withPart({ service: undefined }), 'service must be an object with at least an image, got undefined'],
    ['rejects an environment name that ends with a hyphen', withPart({ name: 'dev-' }), 'name must be 1-32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "dev-"'],
    ['rejects an environment name longer than 32 characters', withPart({ name: 'a'.repeat(33) }), `name must be 1-32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "${'a'.repeat(33)}"`],
    ['rejects an uppercase project name', withPart({ project: 'Shop' }), 'project must be 1-100 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "Shop"'],
    ['rejects a region that is not a region code', withPart({ region: 'Ireland' }), 'region must be an AWS region code such as eu-west-1, got "Ireland"'],

    ['rejects an unknown network mode', network({ mode: 'shared' }), 'network.mode must be "new" or "existing", got "shared"'],
    ['rejects a VPC CIDR larger than /16', network({ mode: 'new', cidrBlock: '10.0.0.0/8', natGatewayCount: 1 }), 'network.cidrBlock must be an IPv4 CIDR block from /16 to /23 (its subnets, 4 bits smaller, must be /27 or larger for the load balancer), got "10.0.0.0/8"'],
    [
      'rejects a /24 VPC, whose /28 subnets are too small for the load balancer',
      network({ mode: 'new', cidrBlock: '10.0.0.0/24', natGatewayCount: 1 }),
      'network.cidrBlock must be an IPv4 CIDR block from /16 to /23 (its subnets, 4 bits smaller, must be /27 or larger for the load balancer), got "10.0.0.0/24"',
    ],
    ['rejects a VPC CIDR with bad syntax', network({ mode: 'new', cidrBlock: '10.0.0/16', natGatewayCount: 1 }), 'network.cidrBlock must be an IPv4 CIDR block from /16 to /23 (its subnets, 4 bits smaller, must be /27 or larger for the load balancer), got "10.0.0/16"'],
    ['rejects a single availability zone', network({ mode: 'new', availabilityZoneCount: 1, natGatewayCount: 1 }), 'network.availabilityZoneCount must be an integer from 2 to 6, got 1'],
    ['rejects more NAT gateways than availability zones', network({ mode: 'new', availabilityZoneCount: 2, natGatewayCount: 3 }), 'network.natGatewayCount must be an integer from 0 to 2, got 3'],
    ['rejects a malformed VPC id', withPart({ network: { ...existingVpc.network, vpcId: 'vpc-123' } }, existingVpc), 'network.vpcId must be a VPC id such as vpc-0123456789abcdef0, got "vpc-123"'],
    [
      'rejects an existing VPC with one public subnet',
      withPart({ network: { ...existingVpc.network, publicSubnetIds: ['subnet-0123456789abcdef0'] } }, existingVpc),
      'network.publicSubnetIds must list at least 2 subnets in different availability zones (an ALB needs 2), got ["subnet-0123456789abcdef0"]',
    ],
    [
      'rejects a malformed private subnet id',
      withPart({ network: { ...existingVpc.network, privateSubnetIds: ['subnet-0123456789abcdef2', 'subnet-xyz'] } }, existingVpc),
      'network.privateSubnetIds[1] must be a subnet id such as subnet-0123456789abcdef0, got "subnet-xyz"',
    ],

    ['rejects an image given neither as external nor as ECR tag', service({ image: {} }), "service.image must be either { external: '<image reference>' } or { ecrTag: '<tag>' }, got {}"],
    [
      'rejects an image given both as external and as ECR tag',
      service({ image: { external: 'nginx', ecrTag: 'v1' } }),
      'service.image must be either { external: \'<image reference>\' } or { ecrTag: \'<tag>\' }, got {"external":"nginx","ecrTag":"v1"}',
    ],
    [
      'rejects an image reference with an uppercase repository',
      service({ image: { external: 'Nginx:latest' } }),
      'service.image.external must be an image reference such as public.ecr.aws/nginx/nginx:stable or registry/repo@sha256:<64 hex>, got "Nginx:latest"',
    ],
    [
      'rejects an image reference with a short digest',
      service({ image: { external: 'nginx@sha256:abc' } }),
      'service.image.external must be an image reference such as public.ecr.aws/nginx/nginx:stable or registry/repo@sha256:<64 hex>, got "nginx@sha256:abc"',
    ],
    ['rejects an ECR tag starting with a dot', service({ image: { ecrTag: '.v1' } }), 'service.image.ecrTag must be an image tag (1-128 letters, digits, _ . -, not starting with . or -), got ".v1"'],
    ['rejects a container name with a space', service({ containerName: 'web app' }), 'service.containerName must be 1-255 letters, digits, hyphens or underscores, got "web app"'],
    ['rejects container port 0', service({ containerPort: 0 }), 'service.containerPort must be an integer from 1 to 65535, got 0'],
    ['rejects container port 65536', service({ containerPort: 65536 }), 'service.containerPort must be an integer from 1 to 65535, got 65536'],
    ['rejects a non-integer container port', service({ containerPort: 80.5 }), 'service.containerPort must be an integer from 1 to 65535, got 80.5'],
    ['rejects a CPU size Fargate does not offer', service({ cpu: 300 }), 'service.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate CPU units), got 300'],
    ['rejects 4096 MiB with 256 CPU units', service({ cpu: 256, memoryInMiB: 4096 }), 'service.memoryInMiB must be one of 512, 1024, 2048 with service.cpu 256 (Fargate), got 4096'],
    ['rejects 1024 MiB with 1024 CPU units', service({ cpu: 1024, memoryInMiB: 1024 }), 'service.memoryInMiB must be one of 2048-8192 in steps of 1024 with service.cpu 1024 (Fargate), got 1024'],
    ['rejects 18432 MiB with 8192 CPU units', service({ cpu: 8192, memoryInMiB: 18432 }), 'service.memoryInMiB must be one of 16384-61440 in steps of 4096 with service.cpu 8192 (Fargate), got 18432'],
    ['rejects a negative desired count', service({ desiredCount: -1 }), 'service.desiredCount must be an integer from 0 to 1000, got -1'],
    ['rejects an environment variable name starting with a digit', service({ environment: { '1X': 'a' } }), 'service.environment key must be a variable name (letters, digits, _; not starting with a digit), got "1X"'],
    ['rejects a non-string environment variable value', service({ environment: { PORT: 8080 } }), 'service.environment.PORT must be a string, got 8080'],
    [
      'rejects a log retention CloudWatch does not accept',
      service({ logRetentionInDays: 10 }),
      'service.logRetentionInDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (days CloudWatch Logs accepts), got 10',
    ],
    ['rejects a non-boolean containerInsights', service({ containerInsights: 'yes' }), 'service.containerInsights must be true or false, got "yes"'],
    ['rejects a negative health check grace period', service({ healthCheckGracePeriodInSeconds: -1 }), 'service.healthCheckGracePeriodInSeconds must be an integer from 0 to 2147483647, got -1'],

    [
      'rejects a certificate ARN that is not an ACM ARN',
      lb({ certificateArn: 'arn:aws:iam::123456789012:server-certificate/web' }),
      'loadBalancer.certificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>), got "arn:aws:iam::123456789012:server-certificate/web"',
    ],
    [
      'rejects a certificate of another region than the load balancer',
      lb({ certificateArn: CERT.replace('eu-west-1', 'us-east-1') }),
      `loadBalancer.certificateArn must be a certificate in the environment's region (eu-west-1): a load balancer only uses ACM certificates of its own region, got "${CERT.replace('eu-west-1', 'us-east-1')}"`,
    ],
    ['rejects production port 80 with a certificate', lb({ certificateArn: CERT, productionPort: 80 }), 'loadBalancer.productionPort must not be 80 with a certificate (port 80 redirects to HTTPS), got 80'],
    ['rejects production port 0', lb({ productionPort: 0 }), 'loadBalancer.productionPort must be an integer from 1 to 65535, got 0'],
    ['rejects an SSL policy name that is not an ELB policy', lb({ certificateArn: CERT, sslPolicy: 'TLS1.3' }), 'loadBalancer.sslPolicy must be an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-2021-06, got "TLS1.3"'],
    ['rejects an empty production CIDR list', lb({ allowedCidrs: [] }), 'loadBalancer.allowedCidrs must list at least one CIDR block, got []'],
    ['rejects a production CIDR list given as a string', lb({ allowedCidrs: '0.0.0.0/0' }), 'loadBalancer.allowedCidrs must be a list of CIDR blocks, got "0.0.0.0/0"'],
    ['rejects a /33 production CIDR', lb({ allowedCidrs: ['10.0.0.0/33'] }), 'loadBalancer.allowedCidrs[0] must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32, got "10.0.0.0/33"'],
    ['rejects a production CIDR without prefix length', lb({ allowedCidrs: ['0.0.0.0/0', '10.1.2.3'] }), 'loadBalancer.allowedCidrs[1] must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32, got "10.1.2.3"'],
    ['rejects a health check path without leading slash', hc({ path: 'health' }), 'loadBalancer.healthCheck.path must start with / and have at most 1024 characters, got "health"'],
    ['rejects a health check matcher outside 200-499', hc({ matcher: '500' }), 'loadBalancer.healthCheck.matcher must be HTTP codes from 200 to 499 such as "200", "200,204" or "200-299", got "500"'],
    ['rejects a health check matcher with bad syntax', hc({ matcher: '2xx' }), 'loadBalancer.healthCheck.matcher must be HTTP codes from 200 to 499 such as "200", "200,204" or "200-299", got "2xx"'],
    ['rejects a health check interval under 5 seconds', hc({ intervalInSeconds: 4, timeoutInSeconds: 2 }), 'loadBalancer.healthCheck.intervalInSeconds must be an integer from 5 to 300, got 4'],
    ['rejects a health check timeout under 2 seconds', hc({ timeoutInSeconds: 1 }), 'loadBalancer.healthCheck.timeoutInSeconds must be an integer from 2 to 120, got 1'],
    ['rejects a health check timeout not shorter than the interval', hc({ intervalInSeconds: 5, timeoutInSeconds: 5 }), 'loadBalancer.healthCheck.timeoutInSeconds must be less than loadBalancer.healthCheck.intervalInSeconds (5), got 5'],
    ['rejects a healthy threshold of 1', hc({ healthyThreshold: 1 }), 'loadBalancer.healthCheck.healthyThreshold must be an integer from 2 to 10, got 1'],
    ['rejects an unhealthy threshold of 11', hc({ unhealthyThreshold: 11 }), 'loadBalancer.healthCheck.unhealthyThreshold must be an integer from 2 to 10, got 11'],
    ['rejects a deregistration delay over an hour', lb({ deregistrationDelayInSeconds: 3601 }), 'loadBalancer.deregistrationDelayInSeconds must be an integer from 0 to 3600, got 3601'],
    ['rejects an idle timeout of 0', lb({ idleTimeoutInSeconds: 0 }), 'loadBalancer.idleTimeoutInSeconds must be an integer from 1 to 4000, got 0'],

    ['fails when the test port equals the production port', testL({ port: 80 }), 'testListener.port must differ from loadBalancer.productionPort (80), got 80'],
    ['fails when the test port is 80 with a certificate', withPart({ loadBalancer: { certificateArn: CERT }, testListener: { port: 80 } }), 'testListener.port must not be 80 with a certificate (port 80 redirects to HTTPS), got 80'],
    ['rejects test port 70000', testL({ port: 70000 }), 'testListener.port must be an integer from 1 to 65535, got 70000'],
    ['rejects a malformed test CIDR', testL({ allowedCidrs: ['203.0.113.0/24', '300.0.0.0/8'] }), 'testListener.allowedCidrs[1] must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32, got "300.0.0.0/8"'],
    [
      'rejects opening the test port to the internet through allowedCidrs',
      testL({ allowedCidrs: ['0.0.0.0/0'] }),
      'testListener.allowedCidrs must not open the test port to the whole internet: "0.0.0.0/0" covers all public IPv4 addresses; set testListener.allowPublicAccess to true to do that explicitly, or list narrower ranges, got ["0.0.0.0/0"]',
    ],
    ['rejects a non-boolean allowPublicAccess', testL({ allowPublicAccess: 'yes' }), 'testListener.allowPublicAccess must be true or false, got "yes"'],
    [
      'requires the explicit public opt-in when the hook runs outside the VPC (no NAT)',
      network({ mode: 'new', natGatewayCount: 0 }),
      'testListener.allowPublicAccess must be true when the hook runs outside the VPC (no NAT: network.natGatewayCount 0 or no network.privateSubnetIds), because the hook then calls the test listener from addresses AWS does not fix; add NAT or opt in explicitly, got false',
    ],
    [
      'requires the NAT addresses of an existing VPC in testListener.allowedCidrs',
      testL({}, existingVpc),
      'testListener.allowedCidrs must list the NAT addresses of network.privateSubnetIds (the hook reaches the test listener through them) unless testListener.allowPublicAccess is true, got []',
    ],

    [
      'rejects an unknown predefined deployment config',
      deployment({ trafficRouting: { type: 'predefined', name: 'CodeDeployDefault.AllAtOnce' } }),
      'deployment.trafficRouting.name must be one of CodeDeployDefault.ECSAllAtOnce, CodeDeployDefault.ECSLinear10PercentEvery1Minutes, CodeDeployDefault.ECSLinear10PercentEvery3Minutes, CodeDeployDefault.ECSCanary10Percent5Minutes, CodeDeployDefault.ECSCanary10Percent15Minutes, got "CodeDeployDefault.AllAtOnce"',
    ],
    ['rejects a canary percentage of 0', deployment({ trafficRouting: { type: 'canary', percentage: 0, intervalInMinutes: 5 } }), 'deployment.trafficRouting.percentage must be an integer from 1 to 99, got 0'],
    ['rejects a linear percentage of 100', deployment({ trafficRouting: { type: 'linear', percentage: 100, intervalInMinutes: 1 } }), 'deployment.trafficRouting.percentage must be an integer from 1 to 99, got 100'],
    ['rejects a canary interval of 0 minutes', deployment({ trafficRouting: { type: 'canary', percentage: 10, intervalInMinutes: 0 } }), 'deployment.trafficRouting.intervalInMinutes must be an integer from 1 to 2880, got 0'],
    ['rejects a linear interval over 2880 minutes', deployment({ trafficRouting: { type: 'linear', percentage: 10, intervalInMinutes: 2881 } }), 'deployment.trafficRouting.intervalInMinutes must be an integer from 1 to 2880, got 2881'],
    ['rejects an unknown traffic routing type', deployment({ trafficRouting: { type: 'blue' } }), 'deployment.trafficRouting.type must be "predefined", "canary" or "linear", got "blue"'],
    ['rejects a termination wait over 2880 minutes', deployment({ terminationWaitTimeInMinutes: 2881 }), 'deployment.terminationWaitTimeInMinutes must be an integer from 0 to 2880, got 2881'],
    ['rejects a negative termination wait', deployment({ terminationWaitTimeInMinutes: -1 }), 'deployment.terminationWaitTimeInMinutes must be an integer from 0 to 2880, got -1'],
    ['rejects a manual approval wait of 0 minutes', deployment({ manualApprovalWaitInMinutes: 0 }), 'deployment.manualApprovalWaitInMinutes must be an integer from 1 to 2880, got 0'],

    ['rejects a non-boolean alarms.enabled', alarms({ enabled: 'no' }), 'alarms.enabled must be true or false, got "no"'],
    ['rejects a 5xx threshold of 0', alarms({ target5xxThreshold: 0 }), 'alarms.target5xxThreshold must be an integer from 1 to 1000000, got 0'],
    ['rejects an alarm period of 45 seconds', alarms({ periodInSeconds: 45 }), 'alarms.periodInSeconds must be 10, 30 or a multiple of 60 up to 86400, got 45'],
    ['rejects 0 evaluation periods', alarms({ evaluationPeriods: 0 }), 'alarms.evaluationPeriods must be an integer from 1 to 100, got 0'],
    ['rejects an empty additional alarm name', alarms({ additionalAlarmNames: [''] }), 'alarms.additionalAlarmNames[0] must be an alarm name of 1-255 characters, got ""'],
    ['rejects 11 alarms: 4 generated and 7 additional', alarms({ additionalAlarmNames: names(7) }), "alarms must total at most 10 per deployment group (CodeDeploy's limit), got 11 (4 generated + 7 in alarms.additionalAlarmNames)"],
    ['rejects 11 additional alarms with generated alarms off', alarms({ enabled: false, additionalAlarmNames: names(11) }), "alarms must total at most 10 per deployment group (CodeDeploy's limit), got 11 (0 generated + 11 in alarms.additionalAlarmNames)"],

    ['rejects an empty list of hook lifecycle events', hook({ lifecycleEvents: [] }), 'hook.lifecycleEvents must list at least one of AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic, got []'],
    [
      'rejects a hook at BeforeInstall, when green is not behind the test listener yet',
      hook({ lifecycleEvents: ['BeforeInstall'] }),
      'hook.lifecycleEvents[0] must be one of AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic (the test listener does not route to green yet at that event), got "BeforeInstall"',
    ],
    ['rejects an unknown lifecycle event', hook({ lifecycleEvents: ['AfterTraffic'] }), 'hook.lifecycleEvents[0] must be one of AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic, got "AfterTraffic"'],
    ['rejects a repeated lifecycle event', hook({ lifecycleEvents: ['BeforeAllowTraffic', 'BeforeAllowTraffic'] }), 'hook.lifecycleEvents[1] repeats "BeforeAllowTraffic"; each event may appear once'],
    // Checks and passes are validated by the hook's own parser (hook-lambda/resolve-config.ts).
    ['rejects an empty list of checks', hook({ checks: [] }), 'hook.checks must be a list of 1 to 20 checks, received []'],
    ['rejects a check path without leading slash', hook({ checks: [{ path: 'health' }] }), 'hook.checks[0].path must be a string starting with "/" and without spaces, received "health"'],
    [
      'rejects an expected status of 700',
      hook({ checks: [{ expectedStatus: 700 }] }),
      'hook.checks[0].expectedStatus must be a status code 100-599, a non-empty list of codes, or a string such as "200-299" or "200,204", received 700',
    ],
    [
      'rejects a reversed status range',
      hook({ checks: [{ expectedStatus: '299-200' }] }),
      'hook.checks[0].expectedStatus must be a status code 100-599, a non-empty list of codes, or a string such as "200-299" or "200,204", received "299-200"',
    ],
    [
      'rejects a status list with a non-status',
      hook({ checks: [{}, { expectedStatus: [200, 'ok'] }] }),
      'hook.checks[1].expectedStatus must be a status code 100-599, a non-empty list of codes, or a string such as "200-299" or "200,204", received [200,"ok"]',
    ],
    ['rejects a non-string bodyContains', hook({ checks: [{ bodyContains: 5 }] }), 'hook.checks[0].bodyContains must be a non-empty string, received 5'],
    ['rejects non-string header values', hook({ checks: [{ headers: { Host: 1 } }] }), 'hook.checks[0].headers.Host must be a string without line breaks, received 1'],
    ['rejects a per-request timeout of 0 ms', hook({ checks: [{ timeoutInMs: 0 }] }), 'hook.checks[0].timeoutInMs must be an integer from 1 to 60000, received 0'],
    ['rejects an unknown check field', hook({ checks: [{ method: 'POST' }] }), 'hook.checks[0].method is not a known field (allowed: path, expectedStatus, bodyContains, headers, timeoutInMs)'],
    ['rejects 0 required consecutive passes', hook({ requiredConsecutivePasses: 0 }), 'hook.requiredConsecutivePasses must be an integer from 1 to 20, received 0'],
    ['rejects 21 required consecutive passes', hook({ requiredConsecutivePasses: 21 }), 'hook.requiredConsecutivePasses must be an integer from 1 to 20, received 21'],
    ['rejects a check budget under 10 seconds', hook({ checkBudgetInSeconds: 5 }), 'hook.checkBudgetInSeconds must be an integer from 10 to 840, got 5'],
    ['rejects a check budget that leaves no room within the 900 s Lambda limit', hook({ checkBudgetInSeconds: 841 }), 'hook.checkBudgetInSeconds must be an integer from 10 to 840, got 841'],
    [
      'rejects a hook log retention CloudWatch does not accept',
      hook({ logRetentionInDays: 2 }),
      'hook.logRetentionInDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (days CloudWatch Logs accepts), got 2',
    ],

    ['rejects an unknown state backend', state({ backend: 'consul' }), 'state.backend must be "local" or "s3", got "consul"'],
    ['rejects an empty local state path', state({ backend: 'local', path: '' }), 'state.path must be a non-empty file path, got ""'],
    ['rejects an invalid state bucket name', state({ backend: 's3', bucket: 'My_Bucket' }), 'state.bucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got "My_Bucket"'],
    ['rejects an empty state key', state({ backend: 's3', bucket: 'my-state', key: '' }), 'state.key must be an object key of 1-1024 characters, got ""'],
    ['rejects an invalid state region', state({ backend: 's3', bucket: 'my-state', region: 'EU' }), 'state.region must be an AWS region code such as eu-west-1, got "EU"'],
    ['rejects a too short lock table name', state({ backend: 's3', bucket: 'my-state', dynamodbTable: 'ab' }), 'state.dynamodbTable must be a DynamoDB table name (3-255 letters, digits, _ . -), got "ab"'],

    ['rejects a non-boolean autoRelease', withPart({ autoRelease: 'yes' }), 'autoRelease must be true or false, got "yes"'],
    ['rejects a tag that overrides the environment tag', withPart({ tags: { environment: 'x' } }), "tags.environment is set by the stack from the environment's name; remove it, got \"x\""],
    ['rejects a tag that overrides the project tag', withPart({ tags: { project: 'x' } }), "tags.project is set by the stack from the environment's project; remove it, got \"x\""],
    ['rejects more extra tags than the AppSpec object can carry (S3: 10 per object)', withPart({ tags: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`t${i}`, 'x'])) }), 'tags must have at most 7 entries (S3 allows 10 tags on the AppSpec object, which also carries environment, project and UseWithCodeDeploy), got 8'],
    ['rejects a project that makes security group names start with "sg-"', withPart({ project: 'sg-shop' }), 'project must not be "sg" or start with "sg-" (security group names start with the project, and EC2 reserves that prefix), got "sg-shop"'],
    ['rejects the project "sg" (security group "sg-<environment>-alb")', withPart({ project: 'sg' }), 'project must not be "sg" or start with "sg-" (security group names start with the project, and EC2 reserves that prefix), got "sg"'],
    ['rejects a tag key in the aws: namespace', withPart({ tags: { 'aws:owner': 'x' } }), 'tags key must be 1-128 characters and not start with "aws:", got "aws:owner"'],
    ['rejects a tag value longer than 256 characters', withPart({ tags: { team: 'x'.repeat(257) } }), `tags.team must be a string of at most 256 characters, got "${'x'.repeat(257)}"`],
  ];

  test.each(cases)('%s', (_behaviour, config, message) => {
    expect(validateEnvironment(config)).toEqual([message]);
  });
});

describe('assertValidEnvironment', () => {
  test('returns the resolved environment when it is valid', () => {
    expect(assertValidEnvironment(base)).toEqual(resolveEnvironment(base));
  });

  test('throws one EnvironmentConfigError listing every problem', () => {
    const config = withPart({ region: 'mars', service: { image: { external: 'nginx' }, containerPort: 0 } });
    expect(() => assertValidEnvironment(config)).toThrow(
      new EnvironmentConfigError('test', [
        'region must be an AWS region code such as eu-west-1, got "mars"',
        'service.containerPort must be an integer from 1 to 65535, got 0',
      ]),
    );
    try {
      assertValidEnvironment(config);
    } catch (err) {
      expect((err as Error).message).toBe(
        'Invalid configuration of environment "test" (2 problems):\n' +
          '  - region must be an AWS region code such as eu-west-1, got "mars"\n' +
          '  - service.containerPort must be an integer from 1 to 65535, got 0',
      );
    }
  });
});

describe('environmentWarnings', () => {
  test('warns when the test port is public by opt-in', () => {
    const env = resolveEnvironment({ ...base, network: { mode: 'new' }, testListener: { port: 9000, allowPublicAccess: true } });
    expect(environmentWarnings(env)).toEqual([
      'testListener.allowPublicAccess is true: port 9000 of the load balancer (the green task set during a release) is reachable from the whole internet. Use NAT (network.natGatewayCount >= 1) to keep it private.',
    ]);
  });

  test('warns when the HTTPS policy still accepts TLS older than 1.2', () => {
    const env = resolveEnvironment({ ...base, loadBalancer: { certificateArn: CERT, sslPolicy: 'ELBSecurityPolicy-2016-08' } });
    expect(environmentWarnings(env)).toEqual([
      'loadBalancer.sslPolicy ELBSecurityPolicy-2016-08 accepts TLS versions older than 1.2 on the production listener. Use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (the default).',
    ]);
  });

  test.each(['ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-TLS13-1-3-2021-06', 'ELBSecurityPolicy-TLS-1-2-Ext-2018-06', 'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04'])(
    'accepts the TLS 1.2+ policy %s without a warning',
    (sslPolicy) => {
      expect(environmentWarnings(resolveEnvironment({ ...base, loadBalancer: { certificateArn: CERT, sslPolicy } }))).toEqual([]);
    },
  );

  test('warns about TLS 1.1 policies too (ELBSecurityPolicy-TLS13-1-1-2021-06)', () => {
    const env = resolveEnvironment({ ...base, loadBalancer: { certificateArn: CERT, sslPolicy: 'ELBSecurityPolicy-TLS13-1-1-2021-06' } });
    expect(environmentWarnings(env)).toHaveLength(1);
  });

  test('has nothing to say about a private test listener', () => {
    expect(environmentWarnings(resolveEnvironment(base))).toEqual([]);
  });
});
