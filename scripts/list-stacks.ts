/**
 * Prints the stacks the app declares (one per environment of stacks/environments.ts), for the
 * workflows' matrices: adding an environment there changes what CI plans and releases, nothing else.
 *
 *   node scripts/run.js list-stacks                 # bluegreen-dev (dev) …, one per line
 *   node scripts/run.js list-stacks --format json   # [{"stack":"bluegreen-dev","environment":"dev"},…]
 *   node scripts/run.js list-stacks --format json --environment prod   # only that one (exit 2 if unknown)
 */
import { runProgram, UsageError, type ProgramIo, type ProgramSpec } from './cli';
import { declaredStacks, type DeclaredStack } from './offline-stacks';

export const LIST_STACKS_PROGRAM: ProgramSpec = {
  name: 'list-stacks',
  command: 'node scripts/run.js list-stacks',
  summary: 'Prints the stacks the app declares, one per environment of stacks/environments.ts, in synth order: as text, or as one line of JSON for a GitHub Actions matrix.',
  flags: [
    { name: 'format', type: 'string', choices: ['text', 'json'], default: 'text', help: 'text: "<stack> (<environment>)" per line; json: one line, an array of {stack, environment}.' },
    { name: 'environment', type: 'list', valueName: '<name>[,<name>]', help: 'Only these environments (an unknown one is a usage error naming the known ones).' },
  ],
  exitCodes: [{ code: 0, meaning: 'printed' }],
};

/**
 * The declared stacks of the named environments (all when none is named), in declaration order.
 * @throws UsageError naming every unknown environment and the known ones
 */
export function stacksOfEnvironments(declared: readonly DeclaredStack[], environments: readonly string[]): DeclaredStack[] {
  const known = declared.map((d) => d.environment);
  const unknown = [...new Set(environments)].filter((e) => !known.includes(e));
  if (unknown.length > 0) {
    const problems = unknown.map((e) => `--environment ${JSON.stringify(e)} is not an environment of the app; its environments are ${known.join(', ')}`);
    throw new UsageError(problems[0]!, problems);
  }
  return environments.length === 0 ? [...declared] : declared.filter((d) => environments.includes(d.environment));
}

/** Entry point. */
export function main(io?: ProgramIo): Promise<number> {
  return runProgram(
    LIST_STACKS_PROGRAM,
    (parsed, pio) => {
      const stacks = stacksOfEnvironments(declaredStacks(), (parsed.values.environment as readonly string[] | undefined) ?? []);
      if (parsed.values.format === 'json') pio.stdout(`${JSON.stringify(stacks)}\n`);
      else pio.stdout(stacks.map((s) => `${s.stack} (${s.environment})\n`).join(''));
      return 0;
    },
    io,
  );
}

if (require.main === module) void main();
