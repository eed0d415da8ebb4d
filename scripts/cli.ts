/**
 * The one command-line shell every program of this project runs on (`release`, `hook:check`,
 * `validate`, `plan:offline`, `plan:report`, `demo`, …).
 *
 * A program declares each flag once ({@link FlagSpec}: name, value type, environment variable, stack
 * output, default, help line). From that one declaration come the parser (node:util `parseArgs`,
 * strict), `--help`, and the Markdown flag table the docs are checked against ({@link flagTable}).
 *
 * Shared behaviour, the same in every program:
 * - `--help` and `--version` print to stdout and exit 0;
 * - a usage error (unknown flag, missing value, a value of the wrong type: all problems at once) is
 *   one line per problem on stderr, naming the flag, the value and what is allowed, then exit 2;
 * - an unexpected error is one line `<program>: internal error: <message>`, exit {@link EXIT_INTERNAL};
 * - a closed stdout (`… | head -1`) ends the output quietly instead of an EPIPE stack trace.
 *
 * Why node:util `parseArgs` rather than commander/yargs: it is in Node (no dependency), strict, and
 * leaves the declaration table — the part that keeps help, env vars and docs in step — to us.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit code of a successful run. */
export const EXIT_OK = 0;
/** Exit code of a usage error (bad flag, bad value), in every program. */
export const EXIT_USAGE = 2;
/**
 * Exit code of an unexpected internal error, in every program: 70 is `EX_SOFTWARE` of BSD's
 * sysexits.h, distinct from every program's own codes (0–5, 130).
 */
export const EXIT_INTERNAL = 70;

/** Value types of a flag. `list` takes a comma-separated value and may be repeated. */
export type FlagType = 'string' | 'boolean' | 'number' | 'list';

/** One flag, declared once. */
export interface FlagSpec {
  /** Long name without the dashes, e.g. `outputs-file`. */
  readonly name: string;
  readonly type: FlagType;
  /** One-letter alias, e.g. `h`. */
  readonly short?: string;
  /**
   * Environment variable read when the flag is absent (an empty value counts as unset).
   * @default - none
   */
  readonly env?: string;
  /**
   * Name of the stack output the program reads when neither flag nor variable is set. The shell only
   * documents it; the program reads the outputs.
   * @default - none
   */
  readonly output?: string;
  /**
   * Value when nothing else sets it.
   * @default - unset (undefined; `false` for a boolean)
   */
  readonly default?: string | number | boolean | readonly string[];
  /** Placeholder shown in help, e.g. `<file>`. @default `<value>` */
  readonly valueName?: string;
  /** One line of help. */
  readonly help: string;
  /**
   * Allowed values (checked by the parser; listed in help).
   * @default - any value of the type
   */
  readonly choices?: readonly string[];
  /** Inclusive range of a `number` flag. */
  readonly min?: number;
  readonly max?: number;
  /** Must be a whole number (a `number` flag). @default false */
  readonly integer?: boolean;
  /**
   * Whether a `list` flag's values are split on commas. Off for values that may contain commas
   * themselves (an HTTP header such as `Accept: a, b`): then each occurrence is one value.
   * @default true
   */
  readonly splitOnCommas?: boolean;
}

/** A program's declaration: everything `--help` shows. */
export interface ProgramSpec {
  /** Short name used in messages, e.g. `release`. */
  readonly name: string;
  /** How a user runs it, e.g. `npm run release --`. */
  readonly command: string;
  /** What it does, one paragraph. */
  readonly summary: string;
  /** Positional arguments, e.g. `<plan.json | ->`; shown after the command in the usage line. */
  readonly positionals?: { readonly usage: string; readonly min: number; readonly max: number };
  readonly flags: readonly FlagSpec[];
  /** Exit codes of the program (0 and the shared ones are added to help if missing). */
  readonly exitCodes: readonly { readonly code: number; readonly meaning: string }[];
  /** Extra help text after the flags. */
  readonly epilog?: string;
}

/** Where a parsed value came from. */
export type ValueSource = 'flag' | 'env' | 'default';

/** Parsed values: by flag name; `sources` tells where each set value came from. */
export interface ParsedCommandLine {
  readonly values: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  readonly sources: Readonly<Record<string, ValueSource>>;
  readonly positionals: readonly string[];
}

/** The result of {@link parseCommandLine}. */
export type ParseOutcome =
  | { readonly kind: 'run'; readonly parsed: ParsedCommandLine }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'usage-error'; readonly problems: readonly string[] };

const HELP: FlagSpec = { name: 'help', type: 'boolean', short: 'h', help: 'Show this help and exit 0.' };
const VERSION: FlagSpec = { name: 'version', type: 'boolean', help: 'Show the version and exit 0.' };

/** The program's flags plus the shared `--help` and `--version`. */
export function allFlags(spec: ProgramSpec): FlagSpec[] {
  const own = spec.flags.filter((f) => f.name !== 'help' && f.name !== 'version');
  return [...own, HELP, VERSION];
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** A value such as -1 or -0.5: node's parseArgs would take it for a short flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Joins `--flag -1` into `--flag=-1` for a flag that takes a value, so a negative number reaches the
 * range check ("must be ... from 1 to 60; received "-1"") instead of reading as a missing value.
 */
function joinNegativeValues(argv: readonly string[], flags: readonly FlagSpec[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const flag = flags.find((f) => arg === `--${f.name}` || (f.short !== undefined && arg === `-${f.short}`));
    if (flag && flag.type !== 'boolean' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${flag.name}=${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/**
 * Checks and converts one raw value of a flag (from the command line, its environment variable, or a
 * place the program reads itself, such as a stack output), pushing a problem named after `from`.
 */
export function convertFlagValue(flag: FlagSpec, raw: string | boolean | (string | boolean)[], from: string, problems: string[]): ParsedCommandLine['values'][string] {
  const shown = (v: unknown): string => JSON.stringify(v);
  switch (flag.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).trim().toLowerCase();
      if (['1', 'true', 'yes'].includes(text)) return true;
      if (['', '0', 'false', 'no'].includes(text)) return false;
      problems.push(`${from} must be true or false (or 1/0); received ${shown(raw)}`);
      return undefined;
    }
    case 'number': {
      const text = String(Array.isArray(raw) ? raw[raw.length - 1] : raw).trim();
      // Decimal notation only: Number() would also take 0x10, 1e3 and 0b11, which nobody means.
      const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
      const range = flag.min !== undefined || flag.max !== undefined ? ` from ${flag.min ?? '-∞'} to ${flag.max ?? '∞'}` : '';
      const kind = flag.integer ? 'a whole number' : 'a number';
      if (text === '' || !Number.isFinite(value) || (flag.integer && !Number.isInteger(value)) || (flag.min !== undefined && value < flag.min) || (flag.max !== undefined && value > flag.max)) {
        problems.push(`${from} must be ${kind}${range}; received ${shown(text)}`);
        return undefined;
      }
      return value;
    }
    case 'list': {
      const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (flag.splitOnCommas === false ? [String(v)] : String(v).split(','))).map((s) => s.trim()).filter((s) => s.length > 0);
      const bad = flag.choices ? parts.filter((p) => !flag.choices!.includes(p)) : [];
      if (bad.length > 0) {
        problems.push(`${from} must be one or more of ${flag.choices!.join(', ')}; received ${shown(bad.join(','))}`);
        return undefined;
      }
      return parts;
    }
    case 'string': {
      const value = String(Array.isArray(raw) ? raw[raw.length - 1] : raw);
      if (flag.choices && !flag.choices.includes(value)) {
        problems.push(`${from} must be one of ${flag.choices.join(', ')}; received ${shown(value)}`);
        return undefined;
      }
      return value;
    }
  }
}

/**
 * Parses argv (after the script name) and the environment against the declaration. Pure: no I/O.
 * Precedence per flag: command line, then its environment variable, then its default. Every problem
 * is collected before returning.
 */
export function parseCommandLine(spec: ProgramSpec, argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParseOutcome {
  const flags = allFlags(spec);
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const f of flags) {
    options[f.name] = { type: f.type === 'boolean' ? 'boolean' : 'string', multiple: f.type === 'list', ...(f.short ? { short: f.short } : {}) };
  }
  // Help and version win over any other problem, as in most CLIs.
  if (argv.some((a) => a === '--help' || a === '-h')) return { kind: 'help' };
  if (argv.includes('--version')) return { kind: 'version' };
  const args = joinNegativeValues(argv, flags);
  let tokens;
  try {
    tokens = parseArgs({ args, options, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    return { kind: 'usage-error', problems: tokenProblems(args, options, flags, err as Error) };
  }
  const problems: string[] = [];
  const values: Record<string, ParsedCommandLine['values'][string]> = {};
  const sources: Record<string, ValueSource> = {};
  for (const f of flags) {
    if (f.name === 'help' || f.name === 'version') continue;
    const raw = (tokens.values as Record<string, string | boolean | (string | boolean)[] | undefined>)[f.name];
    const envValue = f.env !== undefined ? env[f.env] : undefined;
    if (raw !== undefined) {
      values[f.name] = convertFlagValue(f, raw, `--${f.name}`, problems);
      sources[f.name] = 'flag';
      // `--stack ''` (an unset shell variable) must not quietly mean "every stack".
      if (f.type === 'list' && Array.isArray(values[f.name]) && (values[f.name] as string[]).length === 0) {
        problems.push(`--${f.name} needs at least one value; received ${JSON.stringify((Array.isArray(raw) ? raw : [raw]).join(','))}`);
      }
    } else if (envValue !== undefined && envValue.trim() !== '') {
      values[f.name] = convertFlagValue(f, envValue, `${f.env} (for --${f.name})`, problems);
      sources[f.name] = 'env';
    } else if (f.default !== undefined) {
      values[f.name] = f.default;
      sources[f.name] = 'default';
    } else {
      values[f.name] = f.type === 'boolean' ? false : undefined;
    }
  }
  const positionals = tokens.positionals;
  const pos = spec.positionals ?? { usage: '', min: 0, max: 0 };
  if (positionals.length > pos.max) {
    problems.push(pos.max === 0 ? `unexpected argument ${JSON.stringify(positionals[0])}; ${spec.name} takes only flags` : `too many arguments (${positionals.map((p) => JSON.stringify(p)).join(' ')}); expected ${pos.usage}`);
  } else if (positionals.length < pos.min) {
    problems.push(`missing argument: expected ${pos.usage}`);
  }
  if (problems.length > 0) return { kind: 'usage-error', problems };
  return { kind: 'run', parsed: { values, sources, positionals } };
}

/**
 * Every flag-level problem of argv, not only the first one strict parsing stops at: the lenient parse
 * tokenizes everything, and each token is checked as the strict parse would.
 */
function tokenProblems(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, flags: readonly FlagSpec[], first: Error): string[] {
  const problems: string[] = [];
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const known = flags.find((f) => f.name === t.name);
    if (!known) problems.push(`unknown flag ${t.rawName}; flags are ${flags.map((f) => `--${f.name}`).join(', ')}`);
    else if (known.type === 'boolean' && t.inlineValue) problems.push(`${t.rawName} takes no value`);
    else if (known.type !== 'boolean' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-') && t.value.length > 1))) {
      problems.push(`${t.rawName} needs a value (${known.valueName ?? '<value>'})`);
    }
  }
  return problems.length > 0 ? problems : [usageProblem(first, flags)];
}

function usageProblem(err: Error, flags: readonly FlagSpec[]): string {
  const code = (err as { code?: string }).code;
  const flagName = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flagName) {
    const names = flags.map((f) => `--${f.name}`);
    return `unknown flag ${flagName}; flags are ${names.join(', ')}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flagName) {
    const f = flags.find((x) => `--${x.name}` === flagName.split('=')[0] || `-${x.short}` === flagName);
    if (f && f.type === 'boolean') return `${flagName.split('=')[0]} takes no value`;
    return `${flagName.split(' ')[0]} needs a value${f ? ` (${f.valueName ?? '<value>'})` : ''}`;
  }
  return err.message;
}

function flagUsage(f: FlagSpec): string {
  const names = `${f.short ? `-${f.short}, ` : ''}--${f.name}`;
  if (f.type === 'boolean') return names;
  const value = f.valueName ?? (f.choices ? f.choices.join('|') : '<value>');
  return `${names} ${value}`;
}

function flagDetails(f: FlagSpec): string {
  const parts: string[] = [];
  if (f.default !== undefined && f.default !== false) parts.push(`default ${Array.isArray(f.default) ? f.default.join(',') : String(f.default)}`);
  if (f.min !== undefined || f.max !== undefined) parts.push(`${f.min ?? '-∞'}–${f.max ?? '∞'}`);
  if (f.env) parts.push(`env ${f.env}`);
  if (f.output) parts.push(`output ${f.output}`);
  return parts.length > 0 ? ` [${parts.join('; ')}]` : '';
}

/** Exit codes shown in help: the program's, with the shared usage and internal-error codes. */
export function exitCodes(spec: ProgramSpec): { code: number; meaning: string }[] {
  const list = [...spec.exitCodes];
  if (!list.some((e) => e.code === EXIT_USAGE)) list.push({ code: EXIT_USAGE, meaning: 'bad input (usage error)' });
  list.push({ code: EXIT_INTERNAL, meaning: 'internal error (a bug: please report it)' });
  return list.sort((a, b) => a.code - b.code);
}

/** The `--help` text, produced from the declaration. */
export function helpText(spec: ProgramSpec, width = 100): string {
  const flags = allFlags(spec);
  const usage = `Usage: ${spec.command}${spec.positionals ? ` ${spec.positionals.usage}` : ''} [flags]`;
  const left = flags.map(flagUsage);
  const column = Math.min(34, Math.max(...left.map((l) => l.length)) + 2);
  const lines = flags.map((f, i) => {
    const text = `${f.help}${flagDetails(f)}`;
    const head = `  ${left[i]!.padEnd(column)}`;
    return head.length > column + 2 ? `  ${left[i]}\n${' '.repeat(column + 2)}${wrap(text, width - column - 2).join(`\n${' '.repeat(column + 2)}`)}` : `${head}${wrap(text, width - column - 2).join(`\n${' '.repeat(column + 2)}`)}`;
  });
  const codes = exitCodes(spec).map((e) => `  ${String(e.code).padEnd(4)}${e.meaning}`);
  return [usage, '', ...wrap(spec.summary, width), '', 'Flags:', ...lines, '', 'Exit codes:', ...codes, ...(spec.epilog ? ['', spec.epilog.trimEnd()] : []), ''].join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line.length > 0 && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line.length > 0 ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

/** The flags as a Markdown table (flag, environment variable, stack output, default, meaning), for the docs. */
export function flagTable(spec: ProgramSpec): string {
  const rows = spec.flags.map((f) => {
    const def = f.default === undefined ? '' : `\`${Array.isArray(f.default) ? f.default.join(',') : String(f.default)}\``;
    return `| \`${flagUsage(f).replace(/\|/g, '\\|')}\` | ${f.env ? `\`${f.env}\`` : ''} | ${f.output ? `\`${f.output}\`` : ''} | ${def} | ${f.help.replace(/\|/g, '\\|')} |`;
  });
  return ['| Flag | Environment variable | Stack output | Default | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The package version (package.json), shown by `--version`. */
export function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version;
}

/** Process I/O of {@link runProgram}; injected by tests. */
export interface ProgramIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly exit: (code: number) => void;
}

/** Thrown by a program for bad input found after parsing (e.g. an unreadable file): exit 2, one line. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Every problem, when there are several (one line each). */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Makes a write to a closed pipe (EPIPE, e.g. `| head -1`) end quietly: later writes are dropped
 * and no error is thrown or printed. Returns the guarded writer.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  });
  return (text: string) => {
    if (closed) return;
    try {
      stream.write(text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') closed = true;
      else throw err;
    }
  };
}

/** The real process, with closed pipes handled quietly. */
export function processIo(): ProgramIo {
  return {
    argv: process.argv.slice(2),
    env: process.env,
    stdout: quietOnClosedPipe(process.stdout),
    stderr: quietOnClosedPipe(process.stderr),
    exit: exitAfterFlush,
  };
}

/** Optional steps of {@link runProgram}. */
export interface ProgramHooks {
  /**
   * Runs after a usage error was printed (before exit 2): e.g. a program that promises one JSON
   * document on stdout whatever happens prints it here.
   * @default - nothing
   */
  readonly afterUsageError?: (problems: readonly string[], io: ProgramIo) => void;
}

/**
 * Exits once stdout and stderr have handed every queued byte to the OS. `process.exit` right after a
 * large write to a pipe whose reader is slower (`| less`, a CI log collector) would drop all but the
 * first pipe buffer (64 KiB on Linux). A closed pipe does not hold the exit up.
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  const streams = [process.stdout, process.stderr].filter((stream) => !stream.destroyed && stream.writableLength > 0);
  let pending = streams.length;
  if (pending === 0) process.exit(code);
  // An empty write's callback runs after every write queued before it, or with an error once the pipe is closed.
  for (const stream of streams) stream.write('', () => --pending === 0 && process.exit(code));
}

/**
 * Runs a program: parses, answers `--help`/`--version`, reports usage errors (exit 2) and internal
 * errors (exit {@link EXIT_INTERNAL}), otherwise exits with the code `main` resolves to.
 */
export async function runProgram(spec: ProgramSpec, main: (parsed: ParsedCommandLine, io: ProgramIo) => Promise<number> | number, io: ProgramIo = processIo(), hooks: ProgramHooks = {}): Promise<number> {
  const outcome = parseCommandLine(spec, io.argv, io.env);
  let code: number;
  if (outcome.kind === 'help') {
    io.stdout(helpText(spec));
    code = EXIT_OK;
  } else if (outcome.kind === 'version') {
    io.stdout(`${spec.name} ${packageVersion()}\n`);
    code = EXIT_OK;
  } else if (outcome.kind === 'usage-error') {
    code = usageError(spec, outcome.problems, io, hooks);
  } else {
    try {
      code = await main(outcome.parsed, io);
    } catch (err) {
      if (err instanceof UsageError) code = usageError(spec, err.problems, io, hooks);
      else {
        io.stderr(`${spec.name}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
        code = EXIT_INTERNAL;
      }
    }
  }
  io.exit(code);
  return code;
}

function usageError(spec: ProgramSpec, problems: readonly string[], io: ProgramIo, hooks: ProgramHooks): number {
  io.stderr(problems.map((p) => `${spec.name}: ${p}\n`).join(''));
  io.stderr(`run '${spec.command} --help' for usage\n`);
  hooks.afterUsageError?.(problems, io);
  return EXIT_USAGE;
}
