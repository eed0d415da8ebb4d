/**
 * `npm run bench`: runs every benchmark module in `bench/` (sorted by file name) and prints its
 * figures. Each module exports `name` and `run(): Promise<void>` and prints its own table.
 * `npm run bench -- synth` runs only the modules whose file name contains "synth". A module that
 * exports `optIn = true` (one that takes many minutes, e.g. the whole test suite five times) runs only
 * when its name is given. Files starting with `_` are helpers, not benchmarks.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram, UsageError, type ProgramIo, type ProgramSpec } from './cli';

interface BenchModule {
  readonly name: string;
  readonly optIn?: boolean;
  run(): Promise<void>;
}

const BENCH_DIR = join(__dirname, '..', 'bench');

/** The benchmark modules in `bench/`, by name without `.ts`, sorted (helpers starting with `_` left out). */
export function benchModules(dir: string = BENCH_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

export const BENCH_PROGRAM: ProgramSpec = {
  name: 'bench',
  command: 'npm run bench --',
  summary:
    'Runs the benchmark modules in bench/ and prints their figures: all of them (except opt-in ones that take minutes), or only those whose name contains one of the filters given.',
  positionals: { usage: '[<filter> ...]', min: 0, max: 100 },
  flags: [],
  exitCodes: [
    { code: 0, meaning: 'every selected benchmark ran' },
    { code: 1, meaning: 'a benchmark failed' },
    { code: 2, meaning: 'bad input: unknown flag, or a filter that matches no benchmark module' },
  ],
  get epilog(): string {
    return `Benchmark modules: ${benchModules().join(', ')}.`;
  },
};

/**
 * The modules the filters select: all when there are none, else those whose name contains a filter.
 * @throws UsageError naming every filter that matches no module, and the modules there are
 */
export function selectBenchModules(modules: readonly string[], filters: readonly string[]): string[] {
  const unmatched = filters.filter((f) => !modules.some((m) => m.includes(f)));
  if (unmatched.length > 0) {
    const problems = unmatched.map((f) => `bench filter ${JSON.stringify(f)} matches no benchmark module; modules: ${modules.join(', ')}`);
    throw new UsageError(problems[0]!, problems);
  }
  return filters.length === 0 ? [...modules] : modules.filter((m) => filters.some((f) => m.includes(f)));
}

async function runBenches(filters: readonly string[], log: (line: string) => void): Promise<number> {
  for (const name of selectBenchModules(benchModules(), filters)) {
    const mod = (await import(join(BENCH_DIR, `${name}.ts`))) as BenchModule;
    if (mod.optIn && filters.length === 0) {
      log(`\n== ${mod.name} (${name}.ts): skipped, takes minutes; run it with npm run bench -- ${name} ==`);
      continue;
    }
    log(`\n== ${mod.name} (${name}.ts) ==`);
    try {
      await mod.run();
    } catch (err) {
      log(`FAIL  ${name}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  }
  return 0;
}

/** Entry point: `npm run bench -- [<filter> …]`. */
export function main(io?: ProgramIo): Promise<number> {
  return runProgram(BENCH_PROGRAM, (parsed, pio) => runBenches(parsed.positionals, (line) => pio.stdout(`${line}\n`)), io);
}

if (require.main === module) void main();
