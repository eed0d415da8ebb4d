import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type PlanReportDeps } from '../scripts/plan-report';

const FIXTURES = join(__dirname, 'fixtures', 'plans');
const ROOT = join(__dirname, '..');

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  files: Map<string, string>;
}

function cli(args: string[], stdin = '', realWrites = false): Captured {
  const out = { stdout: '', stderr: '', files: new Map<string, string>() };
  const deps: PlanReportDeps = {
    readFile: (path) => readFileSync(path, 'utf8'),
    readStdin: () => stdin,
    writeFile: (path, text) => (realWrites ? writeFileSync(path, text) : out.files.set(path, text)),
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
  };
  const code = run(args, deps);
  return { code, ...out };
}

const fixture = (name: string): string => join(FIXTURES, name);

describe('plan:report exit codes', () => {
  test('0 when the plan has no blocking hazard', () => {
    expect(cli([fixture('service-desired-count-updated.json')]).code).toBe(0);
  });

  test('1 on a blocking hazard with the default --fail-on blocking, and says why on stderr', () => {
    const result = cli([fixture('service-task-definition-updated.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('plan-report: 1 hazard(s) at or above --fail-on blocking\n');
    expect(result.stdout).toContain('<!-- plan-report:service-task-definition-updated -->');
  });

  test('--fail-on none never fails on findings', () => {
    expect(cli([fixture('critical-deleted.json'), '--fail-on', 'none']).code).toBe(0);
  });

  test('--fail-on sets the threshold: a warning fails at warning, not at blocking', () => {
    expect(cli([fixture('iam-wildcard-added.json'), '--fail-on', 'warning']).code).toBe(1);
    expect(cli([fixture('iam-wildcard-added.json'), '--fail-on=blocking']).code).toBe(0);
    expect(cli([fixture('critical-updated.json'), '--fail-on', 'info']).code).toBe(1);
    expect(cli([fixture('critical-updated.json'), '--fail-on', 'warning']).code).toBe(0);
  });

  test('--production-port changes what counts as a hazard', () => {
    expect(cli([fixture('sg-test-port-opened.json')]).code).toBe(1);
    expect(cli([fixture('sg-test-port-opened.json'), '--production-port', '80,8080']).code).toBe(0);
  });

  test.each([
    [['missing-plan.json'], 'plan-report: cannot read plan file missing-plan.json: no such file\n'],
    [[], 'plan-report: missing the plan file: npm run plan:report -- <plan.json> (the JSON of terraform show -json <planfile>, or - for stdin)\n'],
    [['p.json', '--format', 'html'], 'plan-report: --format must be one of markdown, text; received "html"\n'],
    [['p.json', '--fail-on', 'error'], 'plan-report: --fail-on must be one of none, info, warning, blocking; received "error"\n'],
    [['p.json', '--production-port', '70000'], 'plan-report: --production-port must be a port number from 1 to 65535; received "70000"\n'],
    [['p.json', '--colour'], 'plan-report: unknown option --colour; allowed: --format, --fail-on, --title, --marker, --production-port, --out, --max-chars, --help\n'],
  ])('2 on bad input %j, with a one-line message', (args, message) => {
    const result = cli(args);
    expect(result).toEqual(expect.objectContaining({ code: 2, stderr: message, stdout: '' }));
  });

  test('2 when --out cannot be written', () => {
    const result = cli([fixture('data-updated.json'), '--out', join(FIXTURES, 'no-such-dir', 'report.md')], '', true);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^plan-report: cannot write the report to --out .*report\.md: ENOENT\n$/);
  });

  test('2 when stdin is not a plan', () => {
    const result = cli(['-'], '{"format_version":"0.1"}');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^plan-report: stdin: format_version must be "1.x"/);
  });
});

describe('plan:report output', () => {
  test('--format text prints the terminal report', () => {
    const result = cli([fixture('data-deleted.json'), '--format', 'text', '--title', 'bluegreen-prod']);
    expect(result.stdout.split('\n')[0]).toBe('Terraform plan: bluegreen-prod');
    expect(result.stdout).toContain('[BLOCKING] aws_ecr_repository.app');
  });

  test('--title and --marker set the heading and the sticky comment marker', () => {
    const result = cli([fixture('data-updated.json'), '--title', 'bluegreen-prod (us-east-1)', '--marker', 'bluegreen-prod']);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual(['<!-- plan-report:bluegreen-prod -->', '### Terraform plan: bluegreen-prod (us-east-1)']);
  });

  test('--out writes the report to a file and nothing to stdout', () => {
    const result = cli([fixture('data-updated.json'), '--out', 'report.md']);
    expect(result.stdout).toBe('');
    expect(result.files.get('report.md')).toContain('**Plan:** 0 to add, 3 to change, 0 to replace, 0 to destroy.');
  });

  test('reads the plan from stdin with -', () => {
    const result = cli(['-', '--title', 'dev'], readFileSync(fixture('data-updated.json'), 'utf8'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<!-- plan-report:dev -->');
  });

  test('--help prints usage with the exit codes', () => {
    const result = cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes: 0 no hazard at or above --fail-on; 1 at least one; 2 bad input');
  });
});

describe('npm run plan:report as a process', () => {
  test('bad input exits 2 with one line on stderr and no stack trace', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'plan-report.ts'), 'no-such-plan.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('plan-report: cannot read plan file no-such-plan.json: no such file\n');
  });

  test('a blocking hazard exits 1 and prints the report', () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'plan-report.ts'), fixture('listener-default-action-updated.json'), '--format', 'text'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('[BLOCKING] aws_lb_listener.production');
  });
});
