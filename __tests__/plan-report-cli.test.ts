import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_INTERNAL, EXIT_USAGE, flagTable } from '../scripts/cli';
import { EXIT_CODES } from '../plan-report';
import { PLAN_REPORT_PROGRAM, run, type PlanReportFiles } from '../scripts/plan-report';
import { npmScriptCommand } from '../test-support/npm-script';

const FIXTURES = join(__dirname, 'fixtures', 'plans');
const ROOT = join(__dirname, '..');
/** Exactly what `npm run plan:report` runs (the precompiled program), after the Node binary. */
const PLAN_REPORT = npmScriptCommand('plan:report').args;

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  files: Map<string, string>;
  exits: number[];
}

async function cli(args: string[], stdin = '', realWrites = false, stdout?: (text: string) => void): Promise<Captured> {
  const out = { stdout: '', stderr: '', files: new Map<string, string>(), exits: [] as number[] };
  const files: PlanReportFiles = {
    readFile: (path) => readFileSync(path, 'utf8'),
    readStdin: () => stdin,
    writeFile: (path, text) => (realWrites ? writeFileSync(path, text) : out.files.set(path, text)),
  };
  const code = await run(
    {
      argv: args,
      env: {},
      stdout:
        stdout ??
        ((text) => {
          out.stdout += text;
        }),
      stderr: (text) => {
        out.stderr += text;
      },
      exit: (exitCode) => out.exits.push(exitCode),
    },
    files,
  );
  return { code, ...out };
}

const fixture = (name: string): string => join(FIXTURES, name);

describe('plan:report exit codes', () => {
  test('0 when the plan has no blocking hazard', async () => {
    expect((await cli([fixture('service-desired-count-updated.json')])).code).toBe(0);
  });

  test('1 on a blocking hazard with the default --fail-on blocking, and says why on stderr', async () => {
    const result = await cli([fixture('service-task-definition-updated.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('plan-report: 1 hazard(s) at or above --fail-on blocking\n');
    expect(result.stdout).toContain('<!-- plan-report:service-task-definition-updated -->');
  });

  test('--fail-on none never fails on findings', async () => {
    expect((await cli([fixture('critical-deleted.json'), '--fail-on', 'none'])).code).toBe(0);
  });

  test('--fail-on sets the threshold: a warning fails at warning, not at blocking', async () => {
    expect((await cli([fixture('iam-wildcard-added.json'), '--fail-on', 'warning'])).code).toBe(1);
    expect((await cli([fixture('iam-wildcard-added.json'), '--fail-on=blocking'])).code).toBe(0);
    expect((await cli([fixture('critical-updated.json'), '--fail-on', 'info'])).code).toBe(1);
    expect((await cli([fixture('critical-updated.json'), '--fail-on', 'warning'])).code).toBe(0);
  });

  test('--production-port changes what counts as a hazard', async () => {
    expect((await cli([fixture('sg-test-port-opened.json')])).code).toBe(1);
    expect((await cli([fixture('sg-test-port-opened.json'), '--production-port', '80,8080'])).code).toBe(0);
  });

  const HINT = "run 'npm run plan:report -- --help' for usage\n";
  test.each([
    [['missing-plan.json'], 'plan-report: cannot read plan file missing-plan.json: no such file\n'],
    [[], `plan-report: missing argument: expected <plan.json | ->\n${HINT}`],
    [['a.json', 'b.json'], `plan-report: too many arguments ("a.json" "b.json"); expected <plan.json | ->\n${HINT}`],
    [['p.json', '--format', 'html'], `plan-report: --format must be one of markdown, text; received "html"\n${HINT}`],
    [['p.json', '--fail-on', 'error'], `plan-report: --fail-on must be one of none, info, warning, blocking; received "error"\n${HINT}`],
    [['p.json', '--max-chars=-1'], `plan-report: --max-chars must be a whole number from 0 to ∞; received "-1"\n${HINT}`],
    [['p.json', '--max-chars', '1.5'], `plan-report: --max-chars must be a whole number from 0 to ∞; received "1.5"\n${HINT}`],
    [['p.json', '--title'], `plan-report: --title needs a value (<text>)\n${HINT}`],
    [[fixture('data-updated.json'), '--production-port', '70000'], 'plan-report: --production-port must be a port number from 1 to 65535; received "70000"\n'],
    [[fixture('data-updated.json'), '--production-port', '80,x', '--production-port', '0'], 'plan-report: --production-port must be a port number from 1 to 65535; received "x", "0"\n'],
    [[fixture('data-updated.json'), '--title', ''], 'plan-report: --title must not be empty; received ""\n'],
    [[fixture('data-updated.json'), '--marker', ' '], 'plan-report: --marker must not be empty; received " "\n'],
    [[fixture('data-updated.json'), '--max-chars', '10'], 'plan-report: --max-chars must be 0 (no cap) or at least 1000 (the report\'s fixed parts need that much); received 10\n'],
    [['p.json', '--colour'], `plan-report: unknown flag --colour; flags are --format, --fail-on, --title, --marker, --production-port, --out, --max-chars, --help, --version\n${HINT}`],
  ])('2 on bad input %j, naming the flag or file, the value and what is allowed', async (args, message) => {
    const result = await cli(args);
    expect(result).toEqual(expect.objectContaining({ code: EXIT_USAGE, stderr: message, stdout: '', exits: [EXIT_USAGE] }));
  });

  test('every problem the reporter finds in the flags at once', async () => {
    const result = await cli([fixture('data-updated.json'), '--title', '', '--production-port', '0', '--max-chars', '999']);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'plan-report: --production-port must be a port number from 1 to 65535; received "0"',
      'plan-report: --title must not be empty; received ""',
      'plan-report: --max-chars must be 0 (no cap) or at least 1000 (the report\'s fixed parts need that much); received 999',
    ]);
  });

  test('every problem of the command line at once', async () => {
    const result = await cli(['p.json', '--format', 'html', '--fail-on', 'error']);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'plan-report: --format must be one of markdown, text; received "html"',
      'plan-report: --fail-on must be one of none, info, warning, blocking; received "error"',
      "run 'npm run plan:report -- --help' for usage",
    ]);
  });

  test('an unexpected error is one line and exit 70, not a stack trace', async () => {
    const result = await cli([fixture('data-updated.json')], '', false, () => {
      throw new Error('disk on fire');
    });
    expect(result).toEqual(expect.objectContaining({ code: EXIT_INTERNAL, stderr: 'plan-report: internal error: disk on fire\n', exits: [EXIT_INTERNAL] }));
  });

  test('its bad-input code is the shared usage code', () => {
    expect(EXIT_CODES.badInput).toBe(EXIT_USAGE);
  });

  test('2 when --out cannot be written', async () => {
    const result = await cli([fixture('data-updated.json'), '--out', join(FIXTURES, 'no-such-dir', 'report.md')], '', true);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^plan-report: cannot write the report to --out .*report\.md: ENOENT\n$/);
  });

  test('2 when stdin is not a plan', async () => {
    const result = await cli(['-'], '{"format_version":"0.1"}');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^plan-report: stdin: format_version must be "1.x"/);
  });
});

describe('plan:report output', () => {
  test('--format text prints the terminal report', async () => {
    const result = await cli([fixture('data-deleted.json'), '--format', 'text', '--title', 'bluegreen-prod']);
    expect(result.stdout.split('\n')[0]).toBe('Terraform plan: bluegreen-prod');
    expect(result.stdout).toContain('[BLOCKING] aws_ecr_repository.app');
  });

  test('--title and --marker set the heading and the sticky comment marker', async () => {
    const result = await cli([fixture('data-updated.json'), '--title', 'bluegreen-prod (us-east-1)', '--marker', 'bluegreen-prod']);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual(['<!-- plan-report:bluegreen-prod -->', '### Terraform plan: bluegreen-prod (us-east-1)']);
  });

  test('--out writes the report to a file and nothing to stdout', async () => {
    const result = await cli([fixture('data-updated.json'), '--out', 'report.md']);
    expect(result.stdout).toBe('');
    expect(result.files.get('report.md')).toContain('**Plan:** 0 to add, 3 to change, 0 to replace, 0 to destroy.');
  });

  test('reads the plan from stdin with -', async () => {
    const result = await cli(['-', '--title', 'dev'], readFileSync(fixture('data-updated.json'), 'utf8'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<!-- plan-report:dev -->');
  });

  test('--help prints usage, every flag and the exit codes, and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('Usage: npm run plan:report -- <plan.json | -> [flags]');
    for (const flag of PLAN_REPORT_PROGRAM.flags) expect(result.stdout).toContain(`--${flag.name}`);
    expect(result.stdout).toMatch(/^ {2}1 {3}at least one hazard at or above --fail-on/m);
    expect(result.stdout).toMatch(/^ {2}70 {2}internal error/m);
  });

  test('--help wins over a bad flag; -h is the same', async () => {
    expect(await cli(['--format', 'html', '-h'])).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
  });

  test('--version prints the package version and exits 0', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^plan-report \d+\.\d+\.\d+\n$/);
  });
});

describe('docs/plan-review.md', () => {
  test('its flag table is the one the declaration gives', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'plan-review.md'), 'utf8');
    expect(doc).toContain(flagTable(PLAN_REPORT_PROGRAM));
  });
});

describe('npm run plan:report as a process', () => {
  test('bad input exits 2 with one line on stderr and no stack trace', async () => {
    const result = spawnSync(process.execPath, [...PLAN_REPORT, 'no-such-plan.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('plan-report: cannot read plan file no-such-plan.json: no such file\n');
  });

  test('a blocking hazard exits 1 and prints the report', async () => {
    const result = spawnSync(
      process.execPath,
      [...PLAN_REPORT, fixture('listener-default-action-updated.json'), '--format', 'text'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('[BLOCKING] aws_lb_listener.production');
  });

  test('a closed stdout ends quietly: no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [...PLAN_REPORT, fixture('critical-replaced.json'), '--fail-on', 'none'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // as `| head -0` would: the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  test('a report larger than a pipe buffer arrives whole through a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-report-'));
    const plan = join(dir, 'big.json');
    const resource = (i: number) => ({
      address: `aws_ssm_parameter.p${i}`,
      mode: 'managed',
      type: 'aws_ssm_parameter',
      name: `p${i}`,
      change: { actions: ['create'], before: null, after: { name: `/p/${i}`, value: 'v'.repeat(400) }, after_unknown: {} },
    });
    writeFileSync(plan, JSON.stringify({ format_version: '1.2', resource_changes: Array.from({ length: 600 }, (_, i) => resource(i)) }));
    try {
      const args = [plan, '--format', 'text'];
      const expected = (await cli(args)).stdout;
      expect(expected.length).toBeGreaterThan(1 << 18); // four pipe buffers at least
      // A slow reader: the pipe fills while the reader sleeps, so the program must wait for it before exiting.
      const child = spawn(process.execPath, [...PLAN_REPORT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pause();
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      child.stdout.resume();
      const code = await closed;
      const received = Buffer.concat(chunks).toString('utf8');
      expect({ code, bytes: received.length }).toEqual({ code: 0, bytes: expected.length });
      expect(received === expected).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
