import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, markerId, MIN_MAX_MARKDOWN_CHARS, renderMarkdown, renderText, validatePlan, type ReportOptions } from '../plan-report';
import { codeCell } from '../plan-report/render-markdown';

const FIXTURES = join(__dirname, 'fixtures', 'plans');

function raw(name: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

function markdown(document: unknown, options: Partial<ReportOptions> = {}, maxChars?: number): string {
  return renderMarkdown(buildReport(validatePlan(document), { title: 'bluegreen-dev', ...options }), { maxChars });
}

/** Splits a Markdown table row into cells the way GitHub does: on pipes not escaped with a backslash. */
function cells(row: string): string[] {
  return row.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
}

/** A plan with `count` updated IAM policies, each a long JSON document. */
function bigPlan(count: number): unknown {
  const policy = (n: number) =>
    JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 40 }, (_, i) => ({ Effect: 'Allow', Action: `s3:GetObject`, Resource: `arn:aws:s3:::bucket-${n}-${i}/*` })) });
  return {
    format_version: '1.2',
    resource_changes: Array.from({ length: count }, (_, n) => ({
      address: `aws_iam_policy.p${String(n).padStart(3, '0')}`,
      mode: 'managed',
      type: 'aws_iam_policy',
      name: `p${n}`,
      change: { actions: ['update'], before: { policy: policy(n) }, after: { policy: policy(n + 1000) }, after_unknown: {} },
    })),
  };
}

describe('markdown report', () => {
  test('starts with the hidden marker the workflow finds its sticky comment by', () => {
    const text = markdown(raw('critical-updated.json'));
    expect(text.split('\n')[0]).toBe('<!-- plan-report:bluegreen-dev -->');
  });

  test('uses --marker when given, reduced to a safe id', () => {
    expect(markdown(raw('critical-updated.json'), { marker: 'Blue/Green --> prod' }).split('\n')[0]).toBe('<!-- plan-report:blue-green-prod -->');
    expect(markerId('--')).toBe('plan');
  });

  test('says "No changes." in one line when nothing changes (no-op and read actions ignored)', () => {
    const plan = raw('service-drift-ignored.json');
    plan.resource_drift = [];
    const lines = markdown(plan).trimEnd().split('\n');
    expect(lines.filter((l) => l.trim() !== '' && !l.startsWith('<!--') && !l.startsWith('###'))).toEqual([
      '**No changes. Infrastructure matches the configuration.**',
    ]);
  });

  test('notes drift separately when only drift was found', () => {
    const text = markdown(raw('service-drift-ignored.json'));
    expect(text).toContain('No changes.');
    expect(text).toContain('1 resource(s) changed outside Terraform');
  });

  test('summary line counts replacements apart from adds and destroys', () => {
    expect(markdown(raw('critical-replaced.json'))).toContain('**Plan:** 0 to add, 0 to change, 7 to replace, 0 to destroy.');
    expect(markdown(raw('data-deleted.json'))).toContain('**Plan:** 0 to add, 0 to change, 1 to replace, 2 to destroy.');
  });

  test('lists changes grouped by action, destroys first', () => {
    const plan = raw('data-deleted.json');
    plan.resource_changes.push({ ...plan.resource_changes[0], address: 'aws_ecr_repository.new', change: { actions: ['create'], before: null, after: { name: 'x' } } });
    const rows = markdown(plan).split('\n').filter((l) => /^\| (destroy|replace|create|update)/.test(l));
    expect(rows.map((r) => cells(r)[0].trim())).toEqual(['destroy', 'destroy', 'replace', 'create']);
  });

  test('shows hazards with severity, address and consequence', () => {
    const text = markdown(raw('service-task-definition-updated.json'));
    const row = text.split('\n').find((l) => l.includes('blocking |'));
    expect(row).toBeDefined();
    expect(cells(row!)).toHaveLength(3);
    expect(row).toContain('`aws_ecs_service.service`');
  });

  test('escapes pipes in table cells so a value cannot add columns', () => {
    const plan = raw('listener-tags-updated.json');
    plan.resource_changes[0].change.after.tags = { Name: 'a | b | c' };
    const row = markdown(plan).split('\n').find((l) => l.startsWith('| `tags.Name`'));
    expect(row).toBeDefined();
    expect(cells(row!)).toHaveLength(3);
    expect(row).toContain('a \\| b \\| c');
  });

  test('code cells use a fence longer than any backtick run in the value', () => {
    expect(codeCell('a ``b`` c')).toBe('```a ``b`` c```');
  });

  test('masks sensitive values and never prints them', () => {
    const plan = raw('listener-tags-updated.json');
    const change = plan.resource_changes[0].change;
    change.before.certificate_arn = 'secret-before';
    change.after.certificate_arn = 'secret-after';
    change.before_sensitive.certificate_arn = true;
    change.after_sensitive.certificate_arn = true;
    const text = markdown(plan);
    expect(text).toContain('*(sensitive value)*');
    expect(text).not.toContain('secret-');
  });

  test('shows unknown values as known after apply', () => {
    const plan = raw('service-replaced.json');
    expect(markdown(plan)).toMatch(/\| `id` \| `[^`]+` \| \*\(known after apply\)\* \|/);
  });

  test('a create lists known values in a table and the attributes known after apply in one line', () => {
    const text = markdown(raw('sg-test-port-opened.json'));
    expect(text).toContain('| `from_port` | `8080` |');
    expect(text).toContain('*Known after apply:* `arn`, `id`, `security_group_rule_id`, `tags_all`');
  });

  test('pretty-prints JSON strings and diffs them line by line', () => {
    const text = markdown(raw('iam-wildcard-added.json'));
    expect(text).toContain('```diff');
    expect(text).toContain('+       "Action": "s3:*",');
    expect(text).toMatch(/\.\.\. \(\d+ unchanged lines\)/);
  });

  test('a value containing a code fence and HTML cannot escape its diff block', () => {
    const plan = raw('iam-scoped-added.json');
    const change = plan.resource_changes[0].change;
    change.after.policy = change.after.policy.replace('"Sid":"WriteArtifacts"', '"Sid":"x```\\n</details><!-- plan-report:other -->"');
    const text = markdown(plan);
    const fence = text.split('\n').find((l) => l.startsWith('````'));
    expect(fence).toBe('````diff');
    expect(text.match(/<!-- plan-report:/g)).toHaveLength(2); // the real marker, and the quoted one inside the fence
    expect(text.indexOf('<!-- plan-report:bluegreen-dev -->')).toBe(0);
  });

  test('stays under the comment cap with a truncation note, keeping every block closed', () => {
    const text = markdown(bigPlan(300));
    expect(text.length).toBeLessThanOrEqual(60_000);
    expect(text).toContain('**Truncated**');
    expect(text.match(/<details>/g)?.length).toBe(text.match(/<\/details>/g)?.length);
    expect((text.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  test('honours a smaller --max-chars and none with 0', () => {
    expect(markdown(bigPlan(50), {}, 10_000).length).toBeLessThanOrEqual(10_000);
    // 20 policies (about 94,000 characters in full) already need the default cap; 300 diffed in full
    // cost most of this file's time and prove nothing more (the cap is the only limit on the whole).
    expect(markdown(bigPlan(20))).toContain('**Truncated**');
    const uncapped = markdown(bigPlan(20), {}, 0);
    expect(uncapped.length).toBeGreaterThan(60_000);
    expect(uncapped).not.toContain('**Truncated**');
  });

  test('honours the smallest cap --max-chars allows', () => {
    for (const count of [1, 5, 50, 300]) {
      const text = markdown(bigPlan(count), {}, MIN_MAX_MARKDOWN_CHARS);
      expect(text.length).toBeLessThanOrEqual(MIN_MAX_MARKDOWN_CHARS);
      expect(text).toContain('Ports allowed open to the internet');
    }
  });

  test('says which ports may be open to the internet and why', () => {
    expect(markdown(raw('sg-production-port-opened.json'))).toContain('Ports allowed open to the internet: 80 (from the production listeners in the plan)');
  });
});

describe('text report', () => {
  test('lists hazards, changes and attribute diffs without Markdown', () => {
    const text = renderText(buildReport(validatePlan(raw('service-task-definition-updated.json')), { title: 'bluegreen-dev' }));
    expect(text).toContain('Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.');
    expect(text).toContain('[BLOCKING] aws_ecs_service.service: Terraform would change task_definition');
    expect(text).toContain('task_definition: arn:aws:ecs:us-east-1:111122223333:task-definition/web:8 -> arn:aws:ecs:us-east-1:111122223333:task-definition/web:7');
    expect(text).not.toContain('|');
    expect(text).not.toContain('<details>');
  });

  test('a create shows attribute = value', () => {
    const text = renderText(buildReport(validatePlan(raw('sg-test-port-opened.json')), { title: 'x' }));
    expect(text).toContain('    from_port = 8080\n');
    expect(text).toContain('    arn = (known after apply)\n');
  });

  test('no changes is one line after the heading', () => {
    const plan = raw('service-drift-ignored.json');
    plan.resource_drift = [];
    expect(renderText(buildReport(validatePlan(plan), { title: 'x' }))).toBe('Terraform plan: x\nNo changes. Infrastructure matches the configuration.\n');
  });
});
