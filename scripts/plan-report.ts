/**
 * `npm run plan:report -- <plan.json | -> [flags]`: the thin shell around `plan-report/` on the
 * shared command-line shell (reads the plan, writes the report, sets the exit code).
 * See docs/plan-review.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  buildReport,
  DEFAULT_MAX_MARKDOWN_CHARS,
  EXIT_CODES,
  exitCodeFor,
  FAIL_ON_VALUES,
  FORMATS,
  MIN_MAX_MARKDOWN_CHARS,
  parsePlan,
  PlanInputError,
  renderMarkdown,
  renderText,
  resolveArgs,
  type FailOn,
  type Format,
} from '../plan-report';
import { EXIT_USAGE, processIo, runProgram, type ParsedCommandLine, type ProgramIo, type ProgramSpec } from './cli';

/** The reporter's declaration: every flag once; `--help` and docs/plan-review.md's flag table come from it. */
export const PLAN_REPORT_PROGRAM: ProgramSpec = {
  name: 'plan-report',
  command: 'npm run plan:report --',
  summary:
    'Reports a Terraform plan (the JSON of `terraform show -json <planfile>`, format 1.x; `-` reads it from stdin) with the blue/green and security hazards it contains.',
  positionals: { usage: '<plan.json | ->', min: 1, max: 1 },
  flags: [
    { name: 'format', type: 'string', choices: FORMATS, default: 'markdown', help: 'Markdown for a pull request comment, or plain text for a terminal or CI log.' },
    { name: 'fail-on', type: 'string', choices: FAIL_ON_VALUES, default: 'blocking', help: 'Exit 1 when a hazard of at least this severity is found; none: never.' },
    { name: 'title', type: 'string', valueName: '<text>', help: 'Report heading, e.g. the stack name (default: the plan file name).' },
    { name: 'marker', type: 'string', valueName: '<id>', help: 'Id in the hidden first-line marker comment (plan-report:ID) a workflow finds its comment by (default: from the title).' },
    {
      name: 'production-port',
      type: 'list',
      valueName: '<port>',
      help: 'Port that may be open to the whole internet; repeat or comma-separate. Replaces the ports of the plan\'s production listeners (else 80 and 443).',
    },
    { name: 'out', type: 'string', valueName: '<file>', help: 'Write the report to a file instead of stdout.' },
    {
      name: 'max-chars',
      type: 'number',
      integer: true,
      min: 0,
      default: DEFAULT_MAX_MARKDOWN_CHARS,
      valueName: '<n>',
      help: `Cap of the Markdown in characters (GitHub refuses comments over 65,536): 0 for no cap, else at least ${MIN_MAX_MARKDOWN_CHARS}.`,
    },
  ],
  exitCodes: [
    { code: EXIT_CODES.ok, meaning: 'no hazard at or above --fail-on (the report was written)' },
    { code: EXIT_CODES.findings, meaning: 'at least one hazard at or above --fail-on (the report was still written)' },
    { code: EXIT_CODES.badInput, meaning: 'bad input: unreadable file, not JSON, not a format 1.x plan, a bad flag or value' },
  ],
};

/** File and stdin access of the reporter, injected so tests run it without touching the disk. */
export interface PlanReportFiles {
  readonly readFile: (path: string) => string;
  readonly readStdin: () => string;
  readonly writeFile: (path: string, text: string) => void;
}

const REAL_FILES: PlanReportFiles = {
  readFile: (path) => readFileSync(path, 'utf8'),
  readStdin: () => readFileSync(0, 'utf8'),
  writeFile: (path, text) => writeFileSync(path, text),
};

function readInput(planFile: string, files: PlanReportFiles): string {
  try {
    return planFile === '-' ? files.readStdin() : files.readFile(planFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new PlanInputError(`cannot read plan file ${planFile}: ${reason}`);
  }
}

function writeOutput(outFile: string, text: string, files: PlanReportFiles): void {
  try {
    files.writeFile(outFile, text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new PlanInputError(`cannot write the report to --out ${outFile}: ${reason}`);
  }
}

/** The reporter once the shell has parsed the command line: returns the exit code (0, 1 or 2). */
export function planReport(parsed: ParsedCommandLine, io: Pick<ProgramIo, 'stdout' | 'stderr'>, files: PlanReportFiles = REAL_FILES): number {
  const v = parsed.values;
  try {
    const args = resolveArgs({
      planFile: parsed.positionals[0]!,
      format: v.format as Format,
      failOn: v['fail-on'] as FailOn,
      title: v.title as string | undefined,
      marker: v.marker as string | undefined,
      productionPorts: v['production-port'] as readonly string[] | undefined,
      outFile: v.out as string | undefined,
      maxChars: v['max-chars'] as number | undefined,
    });
    const plan = parsePlan(readInput(args.planFile, files), args.planFile === '-' ? 'stdin' : args.planFile);
    const report = buildReport(plan, { title: args.title, marker: args.marker, productionPorts: args.productionPorts });
    const text = args.format === 'text' ? renderText(report) : renderMarkdown(report, { maxChars: args.maxChars });
    if (args.outFile !== undefined) writeOutput(args.outFile, text, files);
    else io.stdout(text);
    const code = exitCodeFor(report.findings, args.failOn);
    if (code !== EXIT_CODES.ok) {
      const counted = report.findings.filter((f) => exitCodeFor([f], args.failOn) !== EXIT_CODES.ok).length;
      io.stderr(`plan-report: ${counted} hazard(s) at or above --fail-on ${args.failOn}\n`);
    }
    return code;
  } catch (error) {
    // Bad input found after parsing: one line naming the cause (no usage hint: the flags were fine).
    if (!(error instanceof PlanInputError)) throw error;
    io.stderr(error.message.split('\n').map((line) => `plan-report: ${line}\n`).join(''));
    return EXIT_USAGE;
  }
}

/** Runs the whole program (parse, help, version, report) with the given I/O; resolves to the exit code. */
export function run(io: ProgramIo, files: PlanReportFiles = REAL_FILES): Promise<number> {
  return runProgram(PLAN_REPORT_PROGRAM, (parsed, programIo) => planReport(parsed, programIo, files), io);
}

if (require.main === module) {
  void run(processIo());
}
