import { resolveEnvironment, type EnvironmentConfig } from '../config/environment';
import { environmentWarnings, validateEnvironment } from '../config/validation';

const base = {
  name: 'x',
  region: 'eu-west-1',
  network: { mode: 'new', natGatewayCount: 1 },
  service: { image: { external: 'nginx' }, memoryInMiB: 512 },
} as const satisfies EnvironmentConfig;

const withConfig = (extra: Record<string, unknown>): EnvironmentConfig => ({ ...base, ...extra }) as EnvironmentConfig;
const withService = (extra: Record<string, unknown>): EnvironmentConfig => ({ ...base, service: { ...base.service, ...extra } }) as EnvironmentConfig;

describe('posture picks the defaults of the costly controls; each setting overrides it', () => {
  test('development: access logs, deletion protection and flow logs off; the free controls on', () => {
    const env = resolveEnvironment(base);
    expect(env.posture).toBe('development');
    expect(env.loadBalancer).toMatchObject({ deletionProtection: false, accessLogs: { enabled: false, retentionInDays: 90 } });
    expect(env.network).toMatchObject({ restrictDefaultSecurityGroup: true, flowLogs: { enabled: false, trafficType: 'ALL', retentionInDays: 90 }, vpcEndpoints: false });
  });

  test('production: the three on', () => {
    const env = resolveEnvironment(withConfig({ posture: 'production' }));
    expect(env.loadBalancer).toMatchObject({ deletionProtection: true, accessLogs: { enabled: true } });
    expect(env.network).toMatchObject({ flowLogs: { enabled: true } });
  });

  test('an explicit setting wins over the posture, in both directions', () => {
    const off = resolveEnvironment(withConfig({ posture: 'production', loadBalancer: { deletionProtection: false, accessLogs: { enabled: false } }, network: { mode: 'new', flowLogs: { enabled: false } } }));
    expect([off.loadBalancer.deletionProtection, off.loadBalancer.accessLogs.enabled, off.network.mode === 'new' && off.network.flowLogs.enabled]).toEqual([false, false, false]);
    const on = resolveEnvironment(withConfig({ loadBalancer: { deletionProtection: true, accessLogs: { enabled: true } } }));
    expect([on.loadBalancer.deletionProtection, on.loadBalancer.accessLogs.enabled]).toEqual([true, true]);
  });

  test('the input is not modified', () => {
    const config = withConfig({ posture: 'production', loadBalancer: { accessLogs: { retentionInDays: 30 } } });
    const before = JSON.stringify(config);
    resolveEnvironment(config);
    expect(JSON.stringify(config)).toBe(before);
  });
});

describe('validation names the field, the value and what is allowed', () => {
  test.each<[string, EnvironmentConfig, string[]]>([
    ['an unknown posture', withConfig({ posture: 'prod' }), ['posture must be "development", "production", got "prod"']],
    ['access log retention out of range', withConfig({ loadBalancer: { accessLogs: { retentionInDays: 0 } } }), ['loadBalancer.accessLogs.retentionInDays must be an integer from 1 to 3650, got 0']],
    ['a misspelt access log field', withConfig({ loadBalancer: { accessLogs: { enable: true } } }), ['loadBalancer.accessLogs.enable is not a known field (allowed: enabled, retentionInDays)']],
    ['deletion protection not a boolean', withConfig({ loadBalancer: { deletionProtection: 'yes' } }), ['loadBalancer.deletionProtection must be true or false, got "yes"']],
    ['a flow log traffic type', withConfig({ network: { mode: 'new', natGatewayCount: 1, flowLogs: { trafficType: 'all' } } }), ['network.flowLogs.trafficType must be one of "ALL", "ACCEPT", "REJECT", got "all"']],
    ['a flow log retention CloudWatch refuses', withConfig({ network: { mode: 'new', natGatewayCount: 1, flowLogs: { retentionInDays: 100 } } }), [expect.stringMatching(/^network\.flowLogs\.retentionInDays must be one of 1, 3, .* got 100$/) as unknown as string]],
    ['endpoints without NAT', withConfig({ network: { mode: 'new', natGatewayCount: 0, vpcEndpoints: true }, testListener: { allowPublicAccess: true } }), [expect.stringMatching(/^network\.vpcEndpoints needs private subnets .* got natGatewayCount 0$/) as unknown as string]],
    [
      'VPC controls on an existing VPC',
      withConfig({ network: { mode: 'existing', vpcId: 'vpc-0123456789abcdef0', publicSubnetIds: ['subnet-01234567', 'subnet-89abcdef'], privateSubnetIds: ['subnet-0123456a'], flowLogs: { enabled: true } }, testListener: { allowedCidrs: ['198.51.100.7/32'] } }),
      ['network.flowLogs applies to a VPC the stack creates (network.mode "new"); remove it for network.mode "existing", got {"enabled":true}'],
    ],
    ['a key alias', withConfig({ encryption: { kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/mine' } }), [expect.stringMatching(/^encryption\.kmsKeyArn must be a KMS key ARN .*not an alias.*, got "arn:aws:kms:eu-west-1:123456789012:alias\/mine"$/) as unknown as string]],
    [
      'a key of another region',
      withConfig({ encryption: { kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }),
      ['encryption.kmsKeyArn must be a key in the environment\'s region (eu-west-1): CloudWatch Logs, S3 and ECR use keys of their own region, got "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"'],
    ],
    [
      'both a key and creating one',
      withConfig({ encryption: { createKmsKey: true, kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef' } }),
      ['encryption.createKmsKey must be false when encryption.kmsKeyArn names a key (use one or the other), got true'],
    ],
    ['ECR encryption without a key', withConfig({ encryption: { encryptContainerRepository: true } }), ['encryption.encryptContainerRepository needs a key: set encryption.createKmsKey to true or give encryption.kmsKeyArn, got true without either']],
    ['a capability Fargate cannot add', withService({ capabilities: { add: ['NET_ADMIN'] } }), ['service.capabilities.add[0] must be "SYS_PTRACE" (the only capability Fargate lets a task add), got "NET_ADMIN"']],
    ['an unknown capability to drop', withService({ capabilities: { drop: ['ALL', 'CAP_NET_RAW'] } }), [expect.stringMatching(/^service\.capabilities\.drop\[1\] must be one of ALL, AUDIT_CONTROL, .* got "CAP_NET_RAW"$/) as unknown as string]],
    ['capabilities not an object', withService({ capabilities: ['ALL'] }), ['service.capabilities must be an object { add?, drop? }, got ["ALL"]']],
    ['a user with spaces', withService({ user: 'www data' }), ['service.user must be a user or uid, optionally with :group or :gid (e.g. "101" or "nginx:nginx"), got "www data"']],
    ['an egress mode', withService({ egress: '443' }), ['service.egress must be "all", "https", got "443"']],
    ['reserved concurrency 0 (would stop the hook)', withConfig({ hook: { reservedConcurrentExecutions: 0 } }), ['hook.reservedConcurrentExecutions must be an integer from 1 to 10, got 0']],
    ['reserved concurrency of one service', withService({ hook: { reservedConcurrentExecutions: 11 } }), ['service.hook.reservedConcurrentExecutions must be an integer from 1 to 10, got 11']],
  ])('%s', (_case, config, problems) => {
    expect(validateEnvironment(config)).toEqual(problems);
  });

  test('tmpfs mounts: every problem at once, with the mount index', () => {
    const config = withService({
      tmpfs: [
        { containerPath: '/tmp', sizeInMiB: 64, mountOptions: ['noexec', 'mode=1777'] },
        { containerPath: 'var/cache', sizeInMiB: 0 },
        { containerPath: '/tmp', sizeInMiB: 500, mountOptions: ['size=1g'], extra: 1 },
      ],
    });
    expect(validateEnvironment(config)).toEqual([
      'service.tmpfs[1].containerPath must be an absolute path other than / without .. (e.g. "/tmp"), got "var/cache"',
      'service.tmpfs[1].sizeInMiB must be an integer from 1 to the task memory (512 MiB): tmpfs is memory, got 0',
      'service.tmpfs[2].extra is not a known field (allowed: containerPath, sizeInMiB, mountOptions)',
      'service.tmpfs[2].containerPath repeats "/tmp"; mount each path once',
      expect.stringMatching(/^service\.tmpfs\[2\]\.mountOptions\[0\] must be a tmpfs mount option \(defaults, ro, .*\), alone or as name=value, got "size=1g"$/),
      'service.tmpfs must total at most the task memory (512 MiB) in sizeInMiB: tmpfs is memory, got 564',
    ]);
  });

  test('a valid hardened service passes', () => {
    const config = withService({
      readonlyRootFilesystem: true,
      tmpfs: [{ containerPath: '/tmp', sizeInMiB: 64, mountOptions: ['nosuid', 'nodev'] }],
      user: '101:101',
      capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] },
      initProcessEnabled: true,
      egress: 'https',
      hook: { reservedConcurrentExecutions: 2 },
    });
    expect(validateEnvironment(config)).toEqual([]);
  });
});

describe('synth warnings of the security settings', () => {
  const warnings = (config: EnvironmentConfig): string[] => environmentWarnings(resolveEnvironment(config));

  test('a read-only root with nowhere to write', () => {
    expect(warnings(withService({ readonlyRootFilesystem: true }))).toEqual([
      'service.readonlyRootFilesystem is true and service.tmpfs is empty: the container can write nowhere, and most programs need at least /tmp.',
    ]);
  });

  test('root in production, not in development', () => {
    expect(warnings(withConfig({ posture: 'production', service: { ...base.service, user: '0:0' } }))).toEqual(['service.user is "0:0": the container runs as root in a production environment.']);
    expect(warnings(withService({ user: 'root' }))).toEqual([]);
  });

  test('ECR encryption that replaces the repository', () => {
    expect(warnings(withConfig({ encryption: { createKmsKey: true, encryptContainerRepository: true } }))[0]).toMatch(/^encryption\.encryptContainerRepository is true: .*replaced and its images are deleted/);
  });

  test('a broad production range, and a broad test range, by the union of the ranges', () => {
    const found = warnings(withConfig({ loadBalancer: { allowedCidrs: ['0.0.0.0/2', '64.0.0.0/2'] }, testListener: { allowedCidrs: ['11.0.0.0/8', '12.0.0.0/8'] } }));
    expect(found).toEqual([
      expect.stringMatching(/^loadBalancer\.allowedCidrs lets \d+(\.\d+)?% of public IPv4 .* reach the production listeners/),
      expect.stringMatching(/^testListener\.allowedCidrs lets .* reach the test port 8080 \(green during a release\)/),
    ]);
  });

  test('the test listener split in two halves of the internet is refused, not warned about', () => {
    const config = withConfig({ testListener: { allowedCidrs: ['::/1', '8000::/1'] } });
    expect(validateEnvironment(config)).toEqual([expect.stringMatching(/^testListener\.allowedCidrs must not open the test port to the whole internet: the union of \["::\/1","8000::\/1"\] covers all public IPv6 addresses/)]);
  });
});
