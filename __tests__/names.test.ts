import { boundedName, HOOK_FUNCTION_PREFIX, NAME_LIMITS, resourceNames, shortHash, stackName, trafficConfigName } from '../config/names';

describe('boundedName', () => {
  test('keeps a name that fits', () => {
    expect(boundedName('bluegreen-dev', 32, '-blue')).toBe('bluegreen-dev-blue');
  });

  test('shortens a name that does not fit to the limit, keeping the suffix', () => {
    const name = boundedName('a-very-long-project-name-staging', 32, '-green');
    expect(name.length).toBeLessThanOrEqual(32);
    expect(name.endsWith('-green')).toBe(true);
  });

  test('adds a hash of the full name, so two long names with the same start stay different', () => {
    const a = boundedName('payments-platform-eu-staging-one', 32, '-blue');
    const b = boundedName('payments-platform-eu-staging-two', 32, '-blue');
    expect(a).not.toBe(b);
    expect(a).toBe(`payments-platform-eu-${shortHash('payments-platform-eu-staging-one-blue')}-blue`);
  });

  test('is stable between calls', () => {
    expect(boundedName('x'.repeat(40), 32)).toBe(boundedName('x'.repeat(40), 32));
  });

  test('does not leave a hyphen before the hash', () => {
    // Cut at 25 characters would end on the hyphen after "abcd".
    const name = boundedName(`${'a'.repeat(24)}-bcdefghijk`, 32);
    expect(name).not.toMatch(/--/);
  });

  test('fails when the suffix leaves no room', () => {
    expect(() => boundedName('abc', 8, '-suffix')).toThrow('boundedName: maxLength 8 leaves no room for "abc" with suffix "-suffix"');
  });
});

describe('resourceNames', () => {
  test('names the stack <project>-<environment>', () => {
    expect(stackName('bluegreen', 'dev')).toBe('bluegreen-dev');
    expect(resourceNames('bluegreen', 'prod').stack).toBe('bluegreen-prod');
  });

  test('gives the example environment readable names', () => {
    const names = resourceNames('bluegreen', 'dev');
    expect(names).toMatchObject({
      loadBalancer: 'bluegreen-dev',
      blueTargetGroup: 'bluegreen-dev-blue',
      greenTargetGroup: 'bluegreen-dev-green',
      hookFunction: 'CodeDeployHook_bluegreen-dev',
      serviceLogGroup: '/ecs/bluegreen-dev',
      hookLogGroup: '/aws/lambda/CodeDeployHook_bluegreen-dev',
      appSpecObjectKey: 'bluegreen-dev/appspec.yaml',
    });
  });

  test('keeps load balancer and target group names within 32 characters for the longest valid names', () => {
    const names = resourceNames('p'.repeat(32), 'e'.repeat(32));
    expect(names.loadBalancer.length).toBeLessThanOrEqual(NAME_LIMITS.loadBalancer);
    expect(names.blueTargetGroup.length).toBeLessThanOrEqual(NAME_LIMITS.targetGroup);
    expect(names.greenTargetGroup.length).toBeLessThanOrEqual(NAME_LIMITS.targetGroup);
    expect(names.blueTargetGroup).not.toBe(names.greenTargetGroup);
  });

  test('keeps Lambda and IAM role names within 64 characters and the hook prefix', () => {
    const names = resourceNames('p'.repeat(32), 'e'.repeat(32));
    expect(names.hookFunction.startsWith(HOOK_FUNCTION_PREFIX)).toBe(true);
    expect(names.hookFunction.length).toBeLessThanOrEqual(64);
    for (const role of [names.hookRole, names.executionRole, names.taskRole, names.codeDeployRole]) expect(role.length).toBeLessThanOrEqual(64);
  });

  test('keeps the S3 bucket prefix within 37 characters', () => {
    expect(resourceNames('p'.repeat(32), 'e'.repeat(32)).appSpecBucketPrefix.length).toBeLessThanOrEqual(37);
    expect(resourceNames('bluegreen', 'dev').appSpecBucketPrefix).toBe('bluegreen-dev-');
  });

  test('gives different environments of a long project different target group names', () => {
    const a = resourceNames('payments-platform-europe', 'staging');
    const b = resourceNames('payments-platform-europe', 'stagin2');
    expect(a.blueTargetGroup).not.toBe(b.blueTargetGroup);
  });

  test('never starts a load balancer name with the reserved "internal-"', () => {
    expect(resourceNames('internal', 'tools').loadBalancer).toBe('alb-internal-tools');
  });
});

describe('trafficConfigName', () => {
  test('names the traffic shape, so a changed shape is a new configuration rather than the same name replaced', () => {
    expect(trafficConfigName('shop-prod-traffic', { type: 'canary', percentage: 10, intervalInMinutes: 5 })).toBe('shop-prod-traffic-canary-10pct-every-5min');
    expect(trafficConfigName('shop-prod-traffic', { type: 'linear', percentage: 20, intervalInMinutes: 2 })).toBe('shop-prod-traffic-linear-20pct-every-2min');
  });

  test('stays within the 100 characters CodeDeploy allows and keeps the shape for a long base', () => {
    const name = trafficConfigName('x'.repeat(120), { type: 'linear', percentage: 99, intervalInMinutes: 2880 });
    expect(name.length).toBeLessThanOrEqual(NAME_LIMITS.codeDeployName);
    expect(name.endsWith('-linear-99pct-every-2880min')).toBe(true);
  });
});
