import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagTable, helpText } from '../scripts/cli';
import { RELEASE_FLAGS, RELEASE_PROGRAM } from '../release/flags';
import { RELEASE_ENV } from '../lib/release-env';

const docs = readFileSync(join(__dirname, '..', 'docs', 'release.md'), 'utf8');
const help = helpText(RELEASE_PROGRAM);

describe('release help and docs', () => {
  test('--help names every flag with its environment variable and stack output', () => {
    for (const spec of Object.values(RELEASE_FLAGS)) {
      expect(help).toMatch(new RegExp(`^  --${spec.name}[ \\n]`, 'm'));
      if ('env' in spec) expect(help).toContain(spec.env);
      if ('output' in spec) expect(help).toContain(spec.output);
    }
  });

  test('every RELEASE_* variable of lib/release-env.ts belongs to exactly one flag', () => {
    const envs = Object.values(RELEASE_FLAGS).flatMap((f) => ('env' in f ? [f.env] : []));
    expect([...envs].sort()).toEqual(Object.values(RELEASE_ENV).sort());
  });

  test('--help lists every exit code and the IAM actions the release calls', () => {
    for (const code of ['0', '1', '2', '3', '4', '5', '70', '130']) expect(help).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    // Exit 2 also covers names AWS does not know (docs/release.md, Exit codes).
    expect(help).toMatch(/^  2 +[\s\S]*does not exist[\s\S]*^  3 /m);
    for (const action of ['CreateDeployment', 'GetDeployment', 'ListDeployments', 'ListDeploymentTargets', 'GetDeploymentTarget', 'GetDeploymentGroup', 'GetDeploymentConfig', 'StopDeployment', 'ContinueDeployment']) {
      expect(help).toContain(`codedeploy:${action}`);
      expect(docs).toContain(`codedeploy:${action}`);
    }
  });

  test('--help and the docs list the permissions CreateDeployment checks on its own, whatever the flags', () => {
    expect(help).toContain('codedeploy:RegisterApplicationRevision');
    expect(help).not.toMatch(/codedeploy:GetDeploymentConfig \(unless/);
    expect(docs).toMatch(/^\| `codedeploy:RegisterApplicationRevision` \| always/m);
    expect(docs).toMatch(/^\| `codedeploy:GetDeploymentConfig` \| always/m);
    expect(docs).not.toMatch(/Not needed: `codedeploy:RegisterApplicationRevision`/);
  });

  test('the flag table of docs/release.md is the one the declaration gives (regenerate it from flagTable(RELEASE_PROGRAM) when this fails)', () => {
    const table = flagTable(RELEASE_PROGRAM);
    const start = docs.indexOf('| Flag | Environment variable | Stack output | Default | Meaning |');
    expect(start).toBeGreaterThan(0);
    expect(docs.slice(start, start + table.length + 1)).toBe(`${table}\n`);
  });

  test('docs/release.md lists every exit code of the declaration', () => {
    for (const { code } of RELEASE_PROGRAM.exitCodes) expect(docs).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    expect(docs).toMatch(/^\| 70 \|/m);
  });
});
