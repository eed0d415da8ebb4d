/**
 * The command lines of `npm run validate`, `npm run plan:offline` and scripts/list-stacks.ts: all on
 * the shared shell (scripts/cli.ts), so --help/--version exit 0, bad input exits 2 naming every
 * problem, and a missing terraform is one line and exit 1, not a stack trace.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProgramIo } from '../scripts/cli';
import { main as applyMain } from '../scripts/apply-offline';
import { main as listStacksMain, stacksOfEnvironments } from '../scripts/list-stacks';
import { declaredStacks, selectStacks } from '../scripts/offline-stacks';
import { defaultPlanFile, main as planOfflineMain, readDrift } from '../scripts/plan-offline';
import { main as validateMain } from '../scripts/validate';
import { npmScriptCommand } from '../test-support/npm-script';
import { runProcess, type ProcessRun } from '../test-support/run-process';

const ROOT = path.join(__dirname, '..');
const STACKS = declaredStacks().map((d) => d.stack);

function fakeIo(argv: string[]): { io: ProgramIo; out: () => string; err: () => string; code: () => number | undefined } {
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  return {
    io: { argv, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), exit: (c) => (code = c) },
    out: () => out.join(''),
    err: () => err.join(''),
    code: () => code,
  };
}

/** npm scripts of the programs that have one; list-stacks has none (the workflows run scripts/run.js list-stacks). */
const NPM_SCRIPTS: Readonly<Record<string, string>> = { 'validate.ts': 'validate', 'plan-offline.ts': 'plan:offline' };

/** Runs a program exactly as its npm script does (precompiled, by scripts/run.js), without blocking: the runs overlap. */
function runScript(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  const script = NPM_SCRIPTS[file];
  const { command, args: programArgs } = script ? npmScriptCommand(script) : { command: process.execPath, args: [path.join(ROOT, 'scripts', 'run.js'), file.replace(/\.ts$/, '')] };
  return runProcess(command, [...programArgs, ...args], { cwd: ROOT, env, timeoutMs: 60000 });
}

// The runs of the programs as processes, all at once (each prints and writes nothing shared).
const PROGRAMS: [string, string[]][] = [
  ['validate.ts', ['--stack', '--skip-synth']],
  ['plan-offline.ts', ['--out', '--state', '--drift', '--skip-synth']],
  ['list-stacks.ts', ['--format', '--environment']],
  ['apply-offline.ts', ['--out', '--fresh', '--skip-synth']],
];

test.concurrent.each(PROGRAMS)('scripts/%s --help prints every flag and the exit codes, exit 0', async (file, flags) => {
  const r = await runScript(file, ['--help']);
  expect(r.status).toBe(0);
  for (const flag of flags) expect(r.stdout).toContain(flag);
  expect(r.stdout).toMatch(/Exit codes:[\s\S]*\b70\b/);
}, 30000);

test.concurrent.each(PROGRAMS)('scripts/%s --version prints the package version, exit 0', async (file) => {
  const r = await runScript(file, ['--version']);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toMatch(/ \d+\.\d+\.\d+$/);
}, 30000);

test.concurrent('without terraform on PATH, validate says what to install in one line and exits 1', async () => {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'no-terraform-'));
  try {
    for (const stack of STACKS) {
      mkdirSync(path.join(outdir, 'stacks', stack), { recursive: true });
      writeFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), '{}');
    }
    const r = await runScript('validate.ts', ['--skip-synth'], { PATH: path.dirname(process.execPath), HOME: os.tmpdir(), CDKTF_OUTDIR: outdir });
    expect(r.stdout + r.stderr).toMatch(/^error: cannot run "terraform" \(ENOENT\): install Terraform 1\.x/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(1);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}, 30000);

describe('npm run validate arguments', () => {
  test('an unknown stack is a usage error naming it and the stacks of the app (all of them at once)', async () => {
    const t = fakeIo(['--stack', 'nope,bluegreen-typo']);
    await validateMain(t.io);
    expect(t.code()).toBe(2);
    expect(t.err()).toContain(`--stack "nope" is not a stack of the app; its stacks are ${STACKS.join(', ')}`);
    expect(t.err()).toContain('"bluegreen-typo" is not a stack of the app');
  });

  test('an unknown flag is a usage error', async () => {
    const t = fakeIo(['--fast']);
    await validateMain(t.io);
    expect(t.code()).toBe(2);
    expect(t.err()).toMatch(/unknown flag --fast/);
  });
});

describe('npm run plan:offline arguments', () => {
  test('needs a stack', async () => {
    const t = fakeIo([]);
    await planOfflineMain(t.io);
    expect(t.code()).toBe(2);
    expect(t.err()).toContain('missing argument: expected <stack>');
  });

  test('--out and --state take one stack; missing files and unknown stacks are named, all at once', async () => {
    const t = fakeIo([...STACKS, 'nope', '--out', 'x.json', '--state', 'no-such.tfstate', '--drift', 'no-such.json']);
    await planOfflineMain(t.io);
    expect(t.code()).toBe(2);
    const err = t.err();
    expect(err).toContain('"nope" is not a stack of the app');
    expect(err).toMatch(/--out takes one stack; received \d+/);
    expect(err).toMatch(/--state takes one stack/);
    expect(err).toContain('--state no-such.tfstate: no such file');
    expect(err).toContain('--drift no-such.json: no such file');
  });

  test('writes to cdktf.out/plans/<stack>.json by default', () => {
    expect(defaultPlanFile('bluegreen-dev')).toBe(path.join(ROOT, 'cdktf.out', 'plans', 'bluegreen-dev.json'));
  });

  test('a --drift file must be a JSON array of {type, match, set}', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drift-'));
    try {
      const file = path.join(dir, 'drift.json');
      for (const [text, message] of [
        ['{', /not JSON/],
        ['{"type":"aws_lb"}', /must be a JSON array .*received object/],
        ['[{"type":"aws_lb","match":{},"set":{}}, {"type":1}]', /entries 1 are not/],
      ] as const) {
        writeFileSync(file, text);
        expect(() => readDrift(file)).toThrow(message);
      }
      writeFileSync(file, '[{"type":"aws_lb","match":{"name":"a"},"set":{"idle_timeout":5}}]');
      expect(readDrift(file)).toEqual([{ type: 'aws_lb', match: { name: 'a' }, set: { idle_timeout: 5 } }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run apply:offline arguments', () => {
  test('--out takes one stack; unknown stacks are named', async () => {
    const t = fakeIo([...STACKS, 'nope', '--out', 'x.json']);
    await applyMain(t.io);
    expect(t.code()).toBe(2);
    expect(t.err()).toContain('"nope" is not a stack of the app');
    expect(t.err()).toMatch(/--out takes one stack; received \d+/);
  });
});

describe('the stacks the app declares', () => {
  test('one per environment, named <project>-<environment>', () => {
    expect(declaredStacks([{ name: 'dev' } as never, { name: 'qa', project: 'shop' } as never])).toEqual([
      { stack: 'bluegreen-dev', environment: 'dev' },
      { stack: 'shop-qa', environment: 'qa' },
    ]);
  });

  test('selecting: all by default, by name in declaration order, unknown names reported', () => {
    const declared = [{ stack: 'a-dev', environment: 'dev' }, { stack: 'a-prod', environment: 'prod' }];
    expect(selectStacks(declared, [])).toEqual({ stacks: declared });
    expect(selectStacks(declared, ['a-prod', 'a-dev'])).toEqual({ stacks: declared });
    expect(selectStacks(declared, ['a-qa'])).toEqual({ problems: ['"a-qa" is not a stack of the app; its stacks are a-dev, a-prod (stacks/environments.ts)'] });
    expect(() => stacksOfEnvironments(declared, ['qa'])).toThrow('--environment "qa" is not an environment of the app; its environments are dev, prod');
    expect(stacksOfEnvironments(declared, ['prod'])).toEqual([declared[1]]);
  });

  test('list-stacks --format json prints them on one line for a workflow matrix', async () => {
    const t = fakeIo(['--format', 'json']);
    await listStacksMain(t.io);
    expect(t.code()).toBe(0);
    expect(t.out().endsWith('\n')).toBe(true);
    expect(t.out().trim().includes('\n')).toBe(false);
    expect(JSON.parse(t.out())).toEqual(declaredStacks());
  });
});
