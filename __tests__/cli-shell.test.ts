/**
 * The shared command-line shell (scripts/cli.ts): one declaration per flag gives the parser, the help
 * and the docs table; every program answers --help/--version with 0, usage errors with 2 and
 * internal errors with 70.
 */
import { convertFlagValue, EXIT_INTERNAL, EXIT_USAGE, flagTable, helpText, parseCommandLine, runProgram, UsageError, type ProgramIo, type ProgramSpec } from '../scripts/cli';

const spec: ProgramSpec = {
  name: 'demo-cli',
  command: 'npm run demo-cli --',
  summary: 'A program used to test the shell.',
  positionals: { usage: '<file>', min: 0, max: 1 },
  flags: [
    { name: 'stack', type: 'string', env: 'DEMO_STACK', output: 'stackName', valueName: '<name>', help: 'Stack to use.' },
    { name: 'timeout-in-minutes', type: 'number', integer: true, min: 1, max: 60, default: 5, env: 'DEMO_TIMEOUT', help: 'Overall timeout.' },
    { name: 'json', type: 'boolean', help: 'One JSON document on stdout.' },
    { name: 'format', type: 'string', choices: ['text', 'markdown'], default: 'text', help: 'Output format.' },
    { name: 'port', type: 'list', help: 'Ports; repeat or comma-separate.' },
  ],
  exitCodes: [{ code: 0, meaning: 'done' }, { code: 1, meaning: 'failed' }],
};

function io(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const codes: number[] = [];
  const value: ProgramIo = { argv, env, stdout: (t) => out.push(t), stderr: (t) => err.push(t), exit: (c) => codes.push(c) };
  return { value, out, err, codes };
}

describe('parseCommandLine', () => {
  it('takes the flag over its environment variable over its default, and says where each came from', () => {
    const r = parseCommandLine(spec, ['--stack', 'a'], { DEMO_STACK: 'b', DEMO_TIMEOUT: '7' });
    expect(r).toEqual({ kind: 'run', parsed: { values: { stack: 'a', 'timeout-in-minutes': 7, json: false, format: 'text', port: undefined }, sources: { stack: 'flag', 'timeout-in-minutes': 'env', format: 'default' }, positionals: [] } });
  });

  it('reports every problem at once, naming the flag, the value and what is allowed', () => {
    const r = parseCommandLine(spec, ['--timeout-in-minutes', '0', '--format', 'html'], {});
    expect(r).toEqual({ kind: 'usage-error', problems: ['--timeout-in-minutes must be a whole number from 1 to 60; received "0"', '--format must be one of text, markdown; received "html"'] });
  });

  it('names the environment variable when its value is the bad one', () => {
    const r = parseCommandLine(spec, [], { DEMO_TIMEOUT: 'soon' });
    expect(r).toEqual({ kind: 'usage-error', problems: ['DEMO_TIMEOUT (for --timeout-in-minutes) must be a whole number from 1 to 60; received "soon"'] });
  });

  it('rejects an unknown flag and lists the known ones', () => {
    const r = parseCommandLine(spec, ['--stak', 'x'], {});
    expect(r.kind).toBe('usage-error');
    expect((r as { problems: readonly string[] }).problems[0]).toMatch(/^unknown flag --stak; flags are --stack, --timeout-in-minutes/);
  });

  it('rejects a flag without its value', () => {
    expect(parseCommandLine(spec, ['--stack'], {})).toEqual({ kind: 'usage-error', problems: ['--stack needs a value (<name>)'] });
  });

  it('reports every flag-level problem at once, not only the first', () => {
    expect(parseCommandLine(spec, ['--json=yes', '--stak', '--format', '--bogus', 'f.json', '--stack'], {})).toEqual({
      kind: 'usage-error',
      problems: [
        '--json takes no value',
        expect.stringMatching(/^unknown flag --stak; flags are --stack, /),
        '--format needs a value (<value>)',
        '--stack needs a value (<name>)',
      ],
    });
  });

  it('splits and concatenates list flags', () => {
    const r = parseCommandLine(spec, ['--port', '80,443', '--port', '8080'], {});
    expect(r.kind === 'run' && r.parsed.values.port).toEqual(['80', '443', '8080']);
  });

  it('reports a negative number as out of range, not as a missing value', () => {
    expect(parseCommandLine(spec, ['--timeout-in-minutes', '-1'], {})).toEqual({ kind: 'usage-error', problems: ['--timeout-in-minutes must be a whole number from 1 to 60; received "-1"'] });
    expect(parseCommandLine(spec, ['--timeout-in-minutes', '-0.5', '--json'], {})).toEqual({ kind: 'usage-error', problems: ['--timeout-in-minutes must be a whole number from 1 to 60; received "-0.5"'] });
  });

  it('still treats a flag after a value-taking flag as a missing value', () => {
    expect(parseCommandLine(spec, ['--timeout-in-minutes', '--json'], {})).toEqual({ kind: 'usage-error', problems: ['--timeout-in-minutes needs a value (<value>)'] });
  });

  it.each(['0x10', '1e1', '0b11', '1_0', '+ 5', 'Infinity', '5abc'])('accepts only decimal notation for a number flag, not %s', (text) => {
    expect(parseCommandLine(spec, ['--timeout-in-minutes', text], {})).toEqual({ kind: 'usage-error', problems: [`--timeout-in-minutes must be a whole number from 1 to 60; received ${JSON.stringify(text)}`] });
  });

  it('rejects a list flag given on the command line with no item, instead of treating it as absent', () => {
    expect(parseCommandLine(spec, ['--port', ''], {})).toEqual({ kind: 'usage-error', problems: ['--port needs at least one value; received ""'] });
    expect(parseCommandLine(spec, ['--port', ' , '], {})).toEqual({ kind: 'usage-error', problems: ['--port needs at least one value; received " , "'] });
  });

  it('rejects more positionals than declared', () => {
    expect(parseCommandLine(spec, ['a', 'b'], {})).toEqual({ kind: 'usage-error', problems: ['too many arguments ("a" "b"); expected <file>'] });
  });

  it('checks a value the program read itself with the flag\'s own declaration and message', () => {
    const problems: string[] = [];
    expect(convertFlagValue(spec.flags[1]!, '61', 'output "timeout" of the stack', problems)).toBeUndefined();
    expect(problems).toEqual(['output "timeout" of the stack must be a whole number from 1 to 60; received "61"']);
  });

  it('answers --help and --version before any other problem', () => {
    expect(parseCommandLine(spec, ['--bogus', '--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(spec, ['--version', '--bogus'], {})).toEqual({ kind: 'version' });
  });
});

describe('helpText and flagTable', () => {
  it('lists every declared flag with its environment variable, output and default', () => {
    const help = helpText(spec);
    for (const f of spec.flags) expect(help).toContain(`--${f.name}`);
    expect(help).toContain('env DEMO_STACK');
    expect(help).toContain('output stackName');
    expect(help).toContain('default 5');
    expect(help).toMatch(/^ {2}70 {2}internal error/m);
    expect(help).toMatch(/^ {2}2 {3}bad input/m);
  });

  it('gives one Markdown row per flag', () => {
    const rows = flagTable(spec).split('\n').slice(2);
    expect(rows).toHaveLength(spec.flags.length);
    expect(rows[0]).toBe('| `--stack <name>` | `DEMO_STACK` | `stackName` |  | Stack to use. |');
  });
});

describe('runProgram', () => {
  it('exits 0 with the help on stdout', async () => {
    const t = io(['--help']);
    await runProgram(spec, () => 1, t.value);
    expect(t.codes).toEqual([0]);
    expect(t.out.join('')).toContain('Usage: npm run demo-cli -- <file> [flags]');
  });

  it('exits 0 with the version on stdout', async () => {
    const t = io(['--version']);
    await runProgram(spec, () => 1, t.value);
    expect(t.codes).toEqual([0]);
    expect(t.out.join('')).toMatch(/^demo-cli \d+\.\d+\.\d+/);
  });

  it('exits 2 on a usage error, one line per problem and a pointer to --help', async () => {
    const t = io(['--format', 'x']);
    await runProgram(spec, () => 0, t.value);
    expect(t.codes).toEqual([EXIT_USAGE]);
    expect(t.err.join('')).toBe('demo-cli: --format must be one of text, markdown; received "x"\nrun \'npm run demo-cli -- --help\' for usage\n');
  });

  it('runs the program\'s afterUsageError step after printing a usage error', async () => {
    const t = io(['--format', 'x']);
    await runProgram(spec, () => 0, t.value, { afterUsageError: (problems, o) => o.stdout(`${JSON.stringify({ problems })}\n`) });
    expect(t.codes).toEqual([EXIT_USAGE]);
    expect(t.out).toEqual(['{"problems":["--format must be one of text, markdown; received \\"x\\""]}\n']);
  });

  it('exits 2 when the program throws a UsageError', async () => {
    const t = io([]);
    await runProgram(spec, () => { throw new UsageError('cannot read plan.json: no such file'); }, t.value);
    expect(t.codes).toEqual([EXIT_USAGE]);
    expect(t.err[0]).toBe('demo-cli: cannot read plan.json: no such file\n');
  });

  it('exits 70 with one line on an unexpected error, never a stack trace', async () => {
    const t = io([]);
    await runProgram(spec, async () => { throw new TypeError('boom'); }, t.value);
    expect(t.codes).toEqual([EXIT_INTERNAL]);
    expect(t.err).toEqual(['demo-cli: internal error: boom\n']);
  });

  it('exits with the code the program returns', async () => {
    const t = io(['--json']);
    await runProgram(spec, (p) => (p.values.json ? 1 : 0), t.value);
    expect(t.codes).toEqual([1]);
  });
});
