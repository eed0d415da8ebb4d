import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helpText } from '../release/help';
import { BOOLEAN_FLAGS, VALUE_FLAGS } from '../release/input';
import { OUTPUT_NAMES } from '../lib/outputs';

const docs = readFileSync(join(__dirname, '..', 'docs', 'release.md'), 'utf8');
const valueFlags = Object.values(VALUE_FLAGS) as Array<{ flag: string; env?: string; output?: keyof typeof OUTPUT_NAMES }>;

describe('release help and docs', () => {
  test('--help names every flag with its environment variable and stack output', () => {
    const help = helpText();
    for (const spec of valueFlags) {
      expect(help).toContain(`${spec.flag} <value>`);
      if (spec.env) expect(help).toContain(spec.env);
      if (spec.output) expect(help).toContain(OUTPUT_NAMES[spec.output]);
    }
    for (const flag of BOOLEAN_FLAGS) expect(help).toMatch(new RegExp(`^  ${flag} +\\S`, 'm'));
  });

  test('--help lists every exit code and the IAM actions the release calls', () => {
    const help = helpText();
    for (const code of ['0', '1', '2', '3', '4', '5', '130']) expect(help).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    // Exit 2 also covers names AWS does not know (docs/release.md, Exit codes).
    expect(help).toMatch(/^  2 +[\s\S]*does not exist[\s\S]*^  3 /m);
    for (const action of ['CreateDeployment', 'GetDeployment', 'ListDeployments', 'ListDeploymentTargets', 'GetDeploymentTarget', 'GetDeploymentGroup', 'GetDeploymentConfig', 'StopDeployment', 'ContinueDeployment']) {
      expect(help).toContain(`codedeploy:${action}`);
      expect(docs).toContain(`codedeploy:${action}`);
    }
  });

  test('--help and the docs list the permissions CreateDeployment checks on its own, whatever the flags', () => {
    const help = helpText();
    expect(help).toContain('codedeploy:RegisterApplicationRevision');
    expect(help).not.toMatch(/codedeploy:GetDeploymentConfig \(unless/);
    expect(docs).toMatch(/^\| `codedeploy:RegisterApplicationRevision` \| always/m);
    expect(docs).toMatch(/^\| `codedeploy:GetDeploymentConfig` \| always/m);
    expect(docs).not.toMatch(/Not needed: `codedeploy:RegisterApplicationRevision`/);
  });

  test('docs/release.md documents every flag and environment variable', () => {
    for (const spec of valueFlags) {
      expect(docs).toContain(`\`${spec.flag} `);
      if (spec.env) expect(docs).toContain(`\`${spec.env}\``);
      if (spec.output) expect(docs).toContain(`\`${OUTPUT_NAMES[spec.output]}\``);
    }
    for (const flag of BOOLEAN_FLAGS) expect(docs).toContain(`\`${flag}\``);
  });
});
