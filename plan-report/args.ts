/**
 * Command-line arguments of `npm run plan:report`, parsed once into a typed object.
 */
import { FAIL_ON_VALUES, type FailOn } from './exit-code';
import { PlanInputError } from './parse';

/** Output formats. */
export const FORMATS = ['markdown', 'text'] as const;
export type Format = (typeof FORMATS)[number];

/** Parsed command line. */
export interface PlanReportArgs {
  /** Plan JSON file, or `-` for stdin. */
  readonly planFile: string;
  readonly format: Format;
  readonly failOn: FailOn;
  readonly title: string;
  readonly marker?: string;
  readonly productionPorts?: readonly number[];
  /** Write the report here instead of stdout. */
  readonly outFile?: string;
  /** Markdown length cap in characters, 0 for none. */
  readonly maxChars?: number;
  readonly help: boolean;
}

/** Usage text of the CLI. */
export const USAGE = `Usage: npm run plan:report -- <plan.json | -> [options]

Reports a Terraform plan (the JSON of \`terraform show -json <planfile>\`, format 1.x) with the
blue/green hazards it contains.

Options:
  --format markdown|text       Output format (default: markdown, for a pull request comment).
  --fail-on none|info|warning|blocking
                               Exit 1 when a hazard of at least this severity is found (default: blocking).
  --title <text>               Report heading, e.g. the stack name (default: the plan file's name).
  --marker <id>                Id of the hidden <!-- plan-report:<id> --> marker (default: from the title).
  --production-port <port>     Port that may be open to 0.0.0.0/0 and ::/0; repeat or comma-separate.
                               Default: the ports of the plan's production listeners, else 80 and 443.
  --out <file>                 Write the report to a file instead of stdout.
  --max-chars <n>              Cap the Markdown at n characters (default 60000; 0: no cap).
  --help                       This text.

Exit codes: 0 no hazard at or above --fail-on; 1 at least one; 2 bad input (missing file, not JSON,
not a format 1.x plan, bad option).
`;

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new PlanInputError(`--production-port must be a port number from 1 to 65535; received "${text}"`);
  }
  return port;
}

/**
 * Parses the arguments after `--`.
 * @throws PlanInputError naming the option, the value received and what is allowed.
 */
export function parseArgs(argv: readonly string[]): PlanReportArgs {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  let help = false;
  const takesValue = ['--format', '--fail-on', '--title', '--marker', '--production-port', '--out', '--max-chars'];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (!takesValue.includes(name)) {
        throw new PlanInputError(`unknown option ${name}; allowed: ${[...takesValue, '--help'].join(', ')}`);
      }
      let value: string | undefined = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
      if (eq === -1) i += 1;
      if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new PlanInputError(`${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
      continue;
    }
    positional.push(arg);
  }
  const last = (name: string): string | undefined => values.get(name)?.at(-1);
  if (help) return { planFile: '', format: 'markdown', failOn: 'blocking', title: '', help };
  if (positional.length !== 1) {
    throw new PlanInputError(
      positional.length === 0
        ? 'missing the plan file: npm run plan:report -- <plan.json> (the JSON of terraform show -json <planfile>, or - for stdin)'
        : `expected one plan file; received ${positional.length}: ${positional.join(' ')}`,
    );
  }
  const format = last('--format') ?? 'markdown';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new PlanInputError(`--format must be one of ${FORMATS.join(', ')}; received "${format}"`);
  }
  const failOn = last('--fail-on') ?? 'blocking';
  if (!(FAIL_ON_VALUES as readonly string[]).includes(failOn)) {
    throw new PlanInputError(`--fail-on must be one of ${FAIL_ON_VALUES.join(', ')}; received "${failOn}"`);
  }
  const ports = values.get('--production-port')?.flatMap((v) => v.split(',')).map((p) => parsePort(p.trim()));
  const maxCharsText = last('--max-chars');
  if (maxCharsText !== undefined && !/^\d+$/.test(maxCharsText)) {
    throw new PlanInputError(`--max-chars must be a whole number of characters (0 for no cap); received "${maxCharsText}"`);
  }
  const planFile = positional[0];
  const defaultTitle = planFile === '-' ? 'plan' : (planFile.split(/[\\/]/).at(-1) ?? planFile).replace(/\.json$/i, '');
  return {
    planFile,
    format: format as Format,
    failOn: failOn as FailOn,
    title: last('--title') ?? defaultTitle,
    marker: last('--marker'),
    productionPorts: ports,
    outFile: last('--out'),
    maxChars: maxCharsText === undefined ? undefined : Number(maxCharsText),
    help,
  };
}
