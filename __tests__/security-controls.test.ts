/**
 * Every control of docs/security.md, on the synthesized JSON: it holds on a stack with every control
 * on, and each flip of the attribute that carries it makes its check fail (mutation-style: a check
 * that cannot fail is a defect too). The doc's table must list exactly these controls, with the
 * defaults config/options.ts gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import { prod } from '../stacks/environments';
import { postureDefault, type DefaultedOptionPath } from '../config/options';
import type { EnvironmentConfig } from '../config/environment';
import { SECURITY_CONTROLS, type StackJson } from '../test-support/security-controls';

/** The prod example with the one control it leaves off (ECR encryption replaces existing repositories) on too. */
const everyControlOn: EnvironmentConfig = { ...prod, encryption: { ...prod.encryption, encryptContainerRepository: true } };

let json: StackJson;
beforeAll(() => {
  json = JSON.parse(Testing.synth(new BlueGreenStack(Testing.app(), 'bluegreen-prod', { environment: everyControlOn })));
});

const copy = (): StackJson => structuredClone(json);

/**
 * Whether a flip changed the stack, as `not.toEqual` judges it. Stacks of different JSON lengths differ
 * (key order does not change the length); only a flip that kept the length needs the deep comparison,
 * which over the whole prod stack cost more than the checks themselves.
 */
let jsonLength: number | undefined;
function expectChanged(flipped: StackJson): void {
  jsonLength ??= JSON.stringify(json).length;
  if (JSON.stringify(flipped).length === jsonLength) expect(flipped).not.toEqual(json);
}

/** A check's violations; a resource the check looks for and cannot find is one too. */
function violations(check: (j: StackJson) => string[], stack: StackJson): string[] {
  try {
    return check(stack);
  } catch (error) {
    return [`not found: ${(error as Error).message}`];
  }
}

describe.each(SECURITY_CONTROLS.map((c) => [c.id, c] as const))('%s', (_id, control) => {
  test('holds on the stack with every control on', () => {
    expect(violations(control.check, json)).toEqual([]);
  });

  test.each(Object.keys(control.flips))('fails when flipped: %s', (flip) => {
    const flipped = copy();
    control.flips[flip]!(flipped);
    expectChanged(flipped);
    expect(violations(control.check, flipped).length).toBeGreaterThan(0);
  });
});

describe('the prod example as written', () => {
  test('every control holds but ECR encryption (off on purpose: it would replace the existing repositories)', () => {
    const example = JSON.parse(Testing.synth(new BlueGreenStack(Testing.app(), 'bluegreen-prod', { environment: prod })));
    expect(SECURITY_CONTROLS.filter((c) => violations(c.check, example).length > 0).map((c) => c.id)).toEqual(['kms-ecr']);
  });
});

describe('docs/security.md lists exactly these controls, with the defaults of config/options.ts', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'security.md'), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- security-controls:'), doc.indexOf('Rules the stack does not answer'));
  const rows = table
    .split('\n')
    .filter((line) => /^\| `[a-z0-9-]+` \|/.test(line))
    .map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));

  test('one row per control, same ids', () => {
    expect(rows.map((r) => r[0]!.replace(/`/g, '')).sort()).toEqual(SECURITY_CONTROLS.map((c) => c.id).sort());
  });

  test('every row names the rules it answers (or says why none)', () => {
    for (const row of rows) expect([row[0], row[5]]).toEqual([row[0], expect.stringMatching(/CKV2?_AWS_\d+|AVD-AWS-\d{4}|none|AWS Config/)]);
  });

  /** The switches whose defaults the table states as on/off, by control id. */
  const SWITCHES: Record<string, DefaultedOptionPath> = {
    'alb-access-logs': 'loadBalancer.accessLogs.enabled',
    'alb-deletion-protection': 'loadBalancer.deletionProtection',
    'default-security-group-closed': 'network.restrictDefaultSecurityGroup',
    'vpc-flow-logs': 'network.flowLogs.enabled',
    'container-read-only-root': 'service.readonlyRootFilesystem',
    'container-init-process': 'service.initProcessEnabled',
    'vpc-endpoints': 'network.vpcEndpoints',
  };

  test.each(Object.entries(SWITCHES))('%s: the Development and Production columns are the defaults of %s', (id, option) => {
    const row = rows.find((r) => r[0] === `\`${id}\``)!;
    for (const [column, posture] of [[2, 'development'], [3, 'production']] as const) {
      expect([id, posture, row[column]!.split(' ')[0]]).toEqual([id, posture, postureDefault(option, posture) ? 'on' : 'off']);
    }
  });

  test('the numeric defaults the table states', () => {
    const cell = (id: string, column: number) => rows.find((r) => r[0] === `\`${id}\``)![column];
    expect(cell('access-log-retention', 2)).toBe(String(postureDefault('loadBalancer.accessLogs.retentionInDays', 'development')));
    expect(cell('task-egress-https', 2)).toBe(`\`'${postureDefault('service.egress', 'development')}'\``);
  });
});
