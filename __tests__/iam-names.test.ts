/**
 * Every IAM role of an environment keeps the documented prefix whatever the lengths of the project,
 * environment and service names (issue 11 §4): the rule is read from docs/stack.md ("IAM names") and
 * applied here on its own, then compared with every generated role name.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boundedName, iamNamePrefix, iamRoleName, NAME_LIMITS, platformNames, serviceNames, stackName } from '../config/names';
import { validateEnvironment } from '../config/validation';
import type { EnvironmentConfig } from '../config/environment';

const doc = readFileSync(join(__dirname, '..', 'docs', 'stack.md'), 'utf8');
const section = doc.slice(doc.indexOf('## IAM names'), doc.indexOf('## IAM needed by whoever deploys'));

/** The documented rule, with its numbers read from the doc. */
function documentedPrefix(project: string, environment: string): string {
  const whole = Number(/`<project>-<environment>` when that has at most (\d+) characters/.exec(section)![1]);
  const head = Number(/first (\d+) characters of `<project>-<environment>`/.exec(section)![1]);
  const digits = Number(/the first (\d+)\s+hex digits of the SHA-256/.exec(section)![1]);
  const name = `${project}-${environment}`;
  if (name.length <= whole) return name;
  return `${name.slice(0, head).replace(/-+$/, '')}-${createHash('sha256').update(name).digest('hex').slice(0, digits)}`;
}

/** The ARN pattern the doc gives, as a regular expression for role names. */
function documentedPattern(prefix: string): RegExp {
  const arn = /arn:aws:iam::<account>:role\/(<iam prefix>-\*)/.exec(section)![1]!;
  const escaped = arn.replace('<iam prefix>', prefix).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

const letters = 'abcdefghijklmnopqrstuvwxyz';
/** A valid name of `length` characters: letters with a hyphen now and then, never at either end. */
const nameOf = (length: number, seed: number): string =>
  Array.from({ length }, (_, i) => (i > 0 && i < length - 1 && (i + seed) % 7 === 0 ? '-' : letters[(i * 5 + seed) % 26]!)).join('');

function allRoleNames(project: string, environment: string, services: readonly string[]): string[] {
  const platform = platformNames(project, environment);
  const perService = [undefined, ...services].flatMap((service) => {
    const names = serviceNames(project, environment, service);
    return [names.taskRole, names.executionRole, names.hookRole];
  });
  return [platform.codeDeployRole, platform.flowLogRole, ...perService];
}

describe('IAM role names keep one documented prefix (docs/stack.md, IAM names)', () => {
  const projectLengths = [1, 9, 32, 33, 42, 52, 53, 54, 60, 77, 100];
  const environmentLengths = [1, 3, 17, 32];
  const serviceLengths = [1, 3, 12, 32];
  const cases = projectLengths.flatMap((p) => environmentLengths.map((e) => [p, e] as const));

  test.each(cases)('project of %i, environment of %i characters: every role matches role/<iam prefix>-*, within 64 characters', (p, e) => {
    const project = nameOf(p, p);
    const environment = nameOf(e, e + 3);
    const prefix = documentedPrefix(project, environment);
    expect(iamNamePrefix(project, environment)).toBe(prefix);
    expect(platformNames(project, environment).iamPrefix).toBe(prefix);
    const roles = allRoleNames(project, environment, serviceLengths.map((l, i) => nameOf(l, i)));
    for (const role of roles) {
      expect([role, role.length <= NAME_LIMITS.iamRole]).toEqual([role, true]);
      expect([role, documentedPattern(prefix).test(role)]).toEqual([role, true]);
    }
    // Distinct roles stay distinct after shortening.
    expect(new Set(roles).size).toBe(roles.length);
  });

  test('names that fitted before the prefix existed are unchanged (no role is renamed on upgrade)', () => {
    // The formula of the previous release: boundedName(<stack>[-<service>], 64, '-<what>').
    for (const [p, e, s] of [[9, 3, 0], [9, 4, 3], [32, 20, 0], [40, 13, 0], [32, 26, 0], [25, 20, 8], [30, 20, 7]] as const) {
      const project = nameOf(p, 1);
      const environment = nameOf(e, 2);
      const service = s > 0 ? nameOf(s, 3) : undefined;
      const base = service === undefined ? stackName(project, environment) : `${stackName(project, environment)}-${service}`;
      const names = serviceNames(project, environment, service);
      for (const [what, now] of [['-task', names.taskRole], ['-execution', names.executionRole], ['-hook', names.hookRole]] as const) {
        const before = boundedName(base, NAME_LIMITS.iamRole, what);
        if (`${base}${what}`.length <= NAME_LIMITS.iamRole) expect(now).toBe(before);
      }
      if (stackName(project, environment).length + '-codedeploy'.length <= 64) {
        expect(platformNames(project, environment).codeDeployRole).toBe(boundedName(stackName(project, environment), 64, '-codedeploy'));
      }
    }
    expect(serviceNames('bluegreen', 'prod', 'api').executionRole).toBe('bluegreen-prod-api-execution');
    expect(platformNames('bluegreen', 'prod').codeDeployRole).toBe('bluegreen-prod-codedeploy');
  });

  test('the part after the prefix keeps its last word while there is room, then becomes a hash', () => {
    const prefix = 'x'.repeat(40);
    expect(iamRoleName(prefix, 'checkout-service-execution')).toMatch(/^x{40}-checko-[0-9a-f]{6}-execution$/);
    const long = 'y'.repeat(59);
    expect(iamRoleName(long, 'checkout-service-execution')).toMatch(/^y{59}-[0-9a-f]{4}$/);
  });
});

describe('project names as long as AWS accepts (a CodeDeploy application name: 100 characters)', () => {
  const env = (project: string): EnvironmentConfig => ({ name: 'staging', project, region: 'eu-west-1', network: { mode: 'new', natGatewayCount: 1 }, service: { image: { external: 'nginx' } } });

  test('a 42-character project is valid, and so is one of 100', () => {
    expect(validateEnvironment(env(nameOf(42, 5)))).toEqual([]);
    expect(validateEnvironment(env(nameOf(100, 6)))).toEqual([]);
  });

  test('101 characters is refused, naming the limit', () => {
    const project = nameOf(101, 7);
    expect(validateEnvironment(env(project))).toEqual([`project must be 1-100 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "${project}"`]);
  });

  test('every name AWS limits stays within its limit for the longest project, environment and service names', () => {
    const project = nameOf(100, 8);
    const environment = nameOf(32, 9);
    const platform = platformNames(project, environment);
    const service = serviceNames(project, environment, nameOf(32, 10));
    expect(platform.loadBalancer.length).toBeLessThanOrEqual(NAME_LIMITS.loadBalancer);
    expect(platform.codeDeployApplication.length).toBeLessThanOrEqual(NAME_LIMITS.codeDeployName);
    expect(platform.appSpecBucketPrefix.length).toBeLessThanOrEqual(NAME_LIMITS.s3BucketPrefix);
    expect(platform.accessLogBucketPrefix.length).toBeLessThanOrEqual(NAME_LIMITS.s3BucketPrefix);
    expect(service.blueTargetGroup.length).toBeLessThanOrEqual(NAME_LIMITS.targetGroup);
    expect(service.dedicatedLoadBalancer.length).toBeLessThanOrEqual(NAME_LIMITS.loadBalancer);
    expect(service.hookFunction.length).toBeLessThanOrEqual(NAME_LIMITS.lambdaFunction);
    expect(service.deploymentGroup.length).toBeLessThanOrEqual(NAME_LIMITS.codeDeployName);
    // Security group names (255), alarm names (255) and log groups (512) hold the full names.
    expect(`${service.alarmPrefix}-green-unhealthy-hosts`.length).toBeLessThanOrEqual(NAME_LIMITS.alarm);
    expect(service.tasksSecurityGroup.length).toBeLessThanOrEqual(255);
  });
});

describe('two roles of an environment that would get one name', () => {
  test('of one kind: refused by the generic check, naming both services', () => {
    const project = nameOf(60, 11);
    const config = { name: 'prod', project, region: 'eu-west-1', network: { mode: 'new', natGatewayCount: 1 }, services: { s50: { image: { external: 'nginx' } }, s114: { image: { external: 'nginx' } } } } as EnvironmentConfig;
    // Past 59 characters of prefix a role keeps 4 hex digits of its own part: s50-task and s114-task share e42b.
    expect(serviceNames(project, 'prod', 's50').taskRole).toBe(serviceNames(project, 'prod', 's114').taskRole);
    expect(validateEnvironment(config)).toEqual([expect.stringMatching(/^services\.s114 must not create the same taskRole name as services\.s50, got ".*-e42b" for both; rename one of the services$/)]);
  });

  test('of two kinds (a task role and a hook role): refused, naming both', () => {
    const project = nameOf(60, 11);
    const config = {
      name: 'prod',
      project,
      region: 'eu-west-1',
      network: { mode: 'new', natGatewayCount: 1 },
      services: { s60646: { image: { external: 'nginx' } }, h0: { image: { external: 'nginx' } } },
    } as EnvironmentConfig;
    // s60646-task and h0-hook share 8a01.
    expect(serviceNames(project, 'prod', 's60646').taskRole).toBe(serviceNames(project, 'prod', 'h0').hookRole);
    expect(validateEnvironment(config)).toEqual([
      expect.stringMatching(/^services\.h0 must not have a hook role named like the task role of services\.s60646: both would be ".*-8a01" .*; shorten the project, the environment or the service name$/),
    ]);
  });
});
