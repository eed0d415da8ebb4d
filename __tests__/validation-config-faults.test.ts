/**
 * Environment configuration faults a reviewer found: every problem at once, unknown keys refused at
 * every level, faithful values in messages, non-objects named as such, duplicate environments and an
 * ENVIRONMENTS value that selects nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../config/environment';
import { validateEnvironment } from '../config/validation';
import { show } from '../config/problems';
import { EnvironmentSelectionError, selectEnvironments, synthesize } from '../main';
import { dev, ENVIRONMENTS } from '../stacks/environments';

const problemsOf = (patch: Record<string, unknown>): string[] => validateEnvironment({ ...dev, ...patch } as unknown as EnvironmentConfig);

let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'config-faults-'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('every independent problem comes out together', () => {
  test('an invalid memoryInMiB is reported even when cpu is invalid too', () => {
    const problems = problemsOf({ service: { ...dev.service, cpu: 300, memoryInMiB: -1 } });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^service\.cpu must be one of .* got 300$/), expect.stringMatching(/^service\.memoryInMiB must be .* got -1$/)]));
  });

  test('a memory some cpu allows is not reported while cpu is invalid (the pair cannot be judged)', () => {
    const problems = problemsOf({ service: { ...dev.service, cpu: 300, memoryInMiB: 2048 } });
    expect(problems.filter((m) => m.includes('memoryInMiB'))).toEqual([]);
  });

  test('synthesize reports both and writes nothing', () => {
    expect(() => synthesize([{ ...dev, service: { ...dev.service!, cpu: 300, memoryInMiB: -1 } }], { outdir: join(outdir, 'both') })).toThrow(/service\.cpu[\s\S]*service\.memoryInMiB .*got -1/);
  });
});

describe('unknown keys are refused at every level, with the allowed ones', () => {
  test.each([
    [{ servcie: {} }, /^servcie is not a known field \(allowed: name, project, region, .*service, services/],
    [{ network: { mode: 'new', cidrblock: '10.0.0.0/16' } }, /^network\.cidrblock is not a known field \(allowed: mode, cidrBlock/],
    [{ network: { mode: 'existing', vpcId: 'vpc-01234567', publicSubnetIds: ['subnet-01234567', 'subnet-89abcdef'], natGatewayCount: 1 } }, /^network\.natGatewayCount is not a known field \(allowed: mode, vpcId, publicSubnetIds, privateSubnetIds, restrictDefaultSecurityGroup/],
    [{ loadBalancer: { productionport: 80 } }, /^loadBalancer\.productionport is not a known field \(allowed: certificateArn, productionPort/],
    [{ loadBalancer: { healthCheck: { paht: '/' } } }, /^loadBalancer\.healthCheck\.paht is not a known field \(allowed: path, matcher/],
    [{ testListener: { prot: 8080 } }, /^testListener\.prot is not a known field \(allowed: port, allowedCidrs, allowPublicAccess\)/],
    [{ deployment: { terminationWait: 5 } }, /^deployment\.terminationWait is not a known field \(allowed: trafficRouting/],
    [{ deployment: { trafficRouting: { type: 'canary', percentage: 10, intervalInMinutes: 5, interval: 5 } } }, /^deployment\.trafficRouting\.interval is not a known field/],
    [{ alarms: { enable: true } }, /^alarms\.enable is not a known field \(allowed: enabled/],
    [{ hook: { check: [] } }, /^hook\.check is not a known field \(allowed: lifecycleEvents/],
    [{ quotas: { listeners: 5 } }, /^quotas\.listeners is not a known field/],
    [{ state: { backend: 'local', bucket: 'x' } }, /^state\.bucket is not a known field \(allowed: backend, path\)/],
    [{ service: { ...dev.service, alarms: { enabeld: true } } }, /^service\.alarms\.enabeld is not a known field/],
    [{ service: { ...dev.service, routing: { healthCheck: { paht: '/' } } } }, /^service\.routing\.healthCheck\.paht is not a known field/],
  ])('%j', (patch, message) => {
    expect(problemsOf(patch)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('the example environments have no unknown key', () => {
    for (const env of ENVIRONMENTS) expect(validateEnvironment(env).filter((m) => m.includes('not a known field'))).toEqual([]);
  });
});

describe('values JSON cannot show are shown as written', () => {
  test.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [undefined, 'undefined'],
    [BigInt(8080), '8080n'],
    [function handler() {}, '[function handler]'],
    [{ port: Number.NaN }, '{"port":NaN}'],
    [[1, undefined], '[1,undefined]'],
    ['text', '"text"'],
  ])('%p', (value, shown) => {
    expect(show(value)).toBe(shown);
  });

  test('a circular value does not hang', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(show(loop)).toBe('{"self":[circular]}');
  });

  test('testListener.port NaN is reported as NaN', () => {
    expect(problemsOf({ testListener: { port: Number.NaN } })).toContainEqual(expect.stringMatching(/^testListener\.port must be an integer from \d+ to \d+, got NaN$/));
  });
});

describe('a non-object where an object is expected', () => {
  test.each(['network', 'loadBalancer', 'testListener', 'deployment', 'alarms', 'hook', 'quotas', 'state', 'tags', 'encryption'])('%s', (section) => {
    const problems = problemsOf({ [section]: 'x' });
    expect(problems).toContain(`${section} must be an object, got "x"`);
    // Nothing else is read out of the string (JSON-style `${section}.mode … got undefined`).
    expect(problems.filter((m) => m.startsWith(`${section}.`) && m.endsWith('got undefined'))).toEqual([]);
    expect(problems.filter((m) => m.includes('"x"'))).toEqual([`${section} must be an object, got "x"`]);
  });

  test('other problems still come out', () => {
    const problems = problemsOf({ network: 'x', region: 'nowhere' });
    expect(problems).toEqual(expect.arrayContaining(['network must be an object, got "x"', expect.stringMatching(/^region must be an AWS region code/)]));
  });
});

describe('environments declared twice', () => {
  test('synthesize says the environment is declared twice', () => {
    expect(() => synthesize([dev, dev], { outdir: join(outdir, 'twice') })).toThrow(/environment "dev" is declared 2 times \(entries 1, 2 of the list\)/);
    expect(() => synthesize([dev, dev], { outdir: join(outdir, 'twice') })).not.toThrow(/must not be named like/);
  });
});

describe('ENVIRONMENTS that selects nothing', () => {
  test.each([',', ' , ', ',,'])('%j is an error naming the variable and the declared environments', (value) => {
    expect(() => selectEnvironments(ENVIRONMENTS, value)).toThrow(EnvironmentSelectionError);
    expect(() => selectEnvironments(ENVIRONMENTS, value)).toThrow(/^Invalid ENVIRONMENTS variable[\s\S]*ENVIRONMENTS must name at least one environment \(comma-separated: "dev"/);
  });

  test('an undeclared name is reported under the ENVIRONMENTS heading', () => {
    expect(() => selectEnvironments(ENVIRONMENTS, 'nope')).toThrow(/^Invalid ENVIRONMENTS variable \(1 problem\):\n {2}- ENVIRONMENTS names "nope", but the environments are "dev"/);
  });
});
