/**
 * `npm run plan:report -- plan.json [--format markdown|text] [--fail-on <severity>] [--title ...]`:
 * the thin shell around `plan-report` (reads the plan, writes the report, sets the exit code).
 * See docs/plan-review.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  buildReport,
  EXIT_CODES,
  exitCodeFor,
  parseArgs,
  parsePlan,
  PlanInputError,
  renderMarkdown,
  renderText,
  USAGE,
} from '../plan-report';

/** I/O the CLI needs, injected so tests run it without touching the process. */
export interface PlanReportDeps {
  readonly readFile: (path: string) => string;
  readonly readStdin: () => string;
  readonly writeFile: (path: string, text: string) => void;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function readInput(planFile: string, deps: PlanReportDeps): string {
  try {
    return planFile === '-' ? deps.readStdin() : deps.readFile(planFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new PlanInputError(`cannot read plan file ${planFile}: ${reason}`);
  }
}

function writeOutput(outFile: string, text: string, deps: PlanReportDeps): void {
  try {
    deps.writeFile(outFile, text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new PlanInputError(`cannot write the report to --out ${outFile}: ${reason}`);
  }
}

/** Runs the reporter; returns the exit code (0 ok, 1 hazard at or above --fail-on, 2 bad input). */
export function run(argv: readonly string[], deps: PlanReportDeps): number {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      deps.stdout(USAGE);
      return EXIT_CODES.ok;
    }
    const plan = parsePlan(readInput(args.planFile, deps), args.planFile === '-' ? 'stdin' : args.planFile);
    const report = buildReport(plan, { title: args.title, marker: args.marker, productionPorts: args.productionPorts });
    const text = args.format === 'text' ? renderText(report) : renderMarkdown(report, { maxChars: args.maxChars });
    if (args.outFile !== undefined) writeOutput(args.outFile, text, deps);
    else deps.stdout(text);
    const code = exitCodeFor(report.findings, args.failOn);
    if (code !== EXIT_CODES.ok) {
      const counted = report.findings.filter((f) => exitCodeFor([f], args.failOn) !== EXIT_CODES.ok).length;
      deps.stderr(`plan-report: ${counted} hazard(s) at or above --fail-on ${args.failOn}\n`);
    }
    return code;
  } catch (error) {
    if (error instanceof PlanInputError) {
      deps.stderr(`plan-report: ${error.message}\n`);
      return EXIT_CODES.badInput;
    }
    throw error;
  }
}

if (require.main === module) {
  const deps: PlanReportDeps = {
    readFile: (path) => readFileSync(path, 'utf8'),
    readStdin: () => readFileSync(0, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  try {
    process.exitCode = run(process.argv.slice(2), deps);
  } catch (error) {
    // An unexpected error is a bug of the reporter, not bad input: say so in one line.
    process.stderr.write(`plan-report: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  }
}
