/**
 * The reporter over the stored plans of our example stacks in fixtures/plans/generated/ (real
 * Terraform 1.11 plans made offline by scripts/generate-plan-fixtures.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, exitCodeFor, parsePlan, renderMarkdown, type Finding, type Report } from '../plan-report';

const DIR = join(__dirname, 'fixtures', 'plans', 'generated');

function report(name: string): Report {
  return buildReport(parsePlan(readFileSync(join(DIR, `${name}.json`), 'utf8'), name), { title: name });
}

function serious(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.id} ${f.address}`);
}

describe('stored plans of the example stacks', () => {
  test('bluegreen-dev create: only the test port dev deliberately opens to the internet is blocking', () => {
    const result = report('bluegreen-dev-create');
    expect(serious(result.findings)).toEqual([expect.stringMatching(/^blocking world-open-port aws_vpc_security_group_ingress_rule\.\S*TestIngressPublic/)]);
    expect(exitCodeFor(result.findings, 'blocking')).toBe(1);
  });

  test('bluegreen-prod create: nothing blocking or warning, exit 0', () => {
    const result = report('bluegreen-prod-create');
    expect(serious(result.findings)).toEqual([]);
    expect(exitCodeFor(result.findings, 'blocking')).toBe(0);
    expect(result.productionPorts.ports).toEqual([80, 443]);
  });

  test('bluegreen-dev right after apply: "No changes." and nothing else', () => {
    const result = report('bluegreen-dev-no-changes');
    expect(result.summary.noChanges).toBe(true);
    expect(result.summary.drift).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(renderMarkdown(result).trimEnd().split('\n').at(-1)).toBe('**No changes. Infrastructure matches the configuration.**');
  });

  test('bluegreen-dev after a CodeDeploy release with ignore_changes: "No changes.", drift noted, no hazard', () => {
    const result = report('bluegreen-dev-after-release');
    expect(result.summary.noChanges).toBe(true);
    expect(result.summary.drift.map((a) => a.split('.')[0]).sort()).toEqual(['aws_ecs_service', 'aws_lb_listener', 'aws_lb_listener']);
    expect(result.findings).toEqual([]);
  });

  test('bluegreen-dev after a release without ignore_changes: blocking on the service and both listeners', () => {
    const result = report('bluegreen-dev-after-release-without-ignore-changes');
    expect(serious(result.findings).map((l) => l.replace(/\.\S+$/, ''))).toEqual([
      'blocking codedeploy-owned-attribute aws_ecs_service',
      'blocking codedeploy-owned-attribute aws_lb_listener',
      'blocking codedeploy-owned-attribute aws_lb_listener',
    ]);
  });

  test('bluegreen-dev with the service renamed: blocking replacement forced by name', () => {
    const result = report('bluegreen-dev-service-replaced');
    const replaced = result.findings.filter((f) => f.id === 'bluegreen-resource-replaced');
    expect(replaced).toEqual([expect.objectContaining({ severity: 'blocking', address: expect.stringMatching(/^aws_ecs_service\./) })]);
    expect(replaced[0].message).toContain('forced by a change to name');
  });

  test.each(['bluegreen-dev-create', 'bluegreen-prod-create', 'bluegreen-dev-service-replaced'])('%s renders under the comment cap, marker first', (name) => {
    const markdown = renderMarkdown(report(name));
    expect(markdown.startsWith(`<!-- plan-report:${name} -->\n`)).toBe(true);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
  });
});
