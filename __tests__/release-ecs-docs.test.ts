/**
 * docs/release.md's section on ECS-native services says what the code does: the `--until` mapping
 * table, the status mapping table, the outputs a native service needs, the error codes, --help.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECS_NATIVE_RELEASE_OUTPUTS, OUTPUT_NAMES } from '../lib/outputs';
import { ECS_RELEASE_IAM_ACTIONS } from '../release/ecs-calls';
import { releaseStatusOf } from '../release/ecs-progress';
import { untilMappingTable } from '../release/ecs-stages';
import { RELEASE_PROGRAM } from '../release/flags';
import { helpText } from '../scripts/cli';

const docs = readFileSync(join(__dirname, '..', 'docs', 'release.md'), 'utf8');
const section = docs.slice(docs.indexOf('## ECS-native services'), docs.indexOf('## IAM permissions of the caller'));

test('the section exists, before the CodeDeploy IAM section', () => {
  expect(docs.indexOf('## ECS-native services')).toBeGreaterThan(0);
  expect(section.length).toBeGreaterThan(1000);
});

test('the --until mapping table is the one UNTIL_STAGE_MAP gives (regenerate it with untilMappingTable() when this fails)', () => {
  expect(section).toContain(`${untilMappingTable()}\n`);
});

test('every row of the status table is what releaseStatusOf says, for the deployment and for its rollback', () => {
  const table = section.slice(section.indexOf('| ECS `status` |'));
  const rows = table.split('\n').slice(2).filter((l) => l.startsWith('|'));
  expect(rows.length).toBeGreaterThanOrEqual(7);
  for (const row of rows) {
    const [statuses, main, rollback] = row.split('|').slice(1, 4).map((c) => c.trim());
    for (const status of [...statuses!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!)) {
      expect(main!.startsWith(`\`${releaseStatusOf(status, 'main', false)}\``)).toBe(true);
      if (status.startsWith('ROLLBACK_')) expect(main).toContain(`\`${releaseStatusOf(status, 'main', true)}\``);
      if (rollback) expect(rollback).toBe(`\`${releaseStatusOf(status, 'rollback', false)}\``);
    }
  }
});

test('the outputs a native service needs are named as lib/outputs.ts declares them', () => {
  for (const key of ECS_NATIVE_RELEASE_OUTPUTS) expect(section).toContain(`\`${OUTPUT_NAMES[key]}\``);
  expect(section).toContain('ECS_NATIVE_RELEASE_OUTPUTS');
});

test('the error codes of an ECS failure are documented', () => {
  for (const code of ['ALARM_ACTIVE', 'CIRCUIT_BREAKER_TRIGGERED', 'STOPPED_BY_RELEASE', 'SERVICE_DEPLOYMENT_FAILED', 'SERVICE_DEPLOYMENT_STOPPED']) expect(section).toContain(`\`${code}\``);
});

test('--help names every ECS action the release calls and says no iam:PassRole', () => {
  const help = helpText(RELEASE_PROGRAM).replace(/\s+/g, ' ');
  for (const { action } of ECS_RELEASE_IAM_ACTIONS) expect(help).toContain(action);
  expect(help).toMatch(/ECS controller instead: .*; no iam:PassRole/);
});

test('the IAM table is ECS_RELEASE_IAM_ACTIONS, row by row (action and when)', () => {
  const rows = ECS_RELEASE_IAM_ACTIONS.map((a) => `| \`${a.action}\` | ${a.when} |`).join('\n');
  expect(section).toContain(`| Action | When |\n|---|---|\n${rows}\n`);
});
