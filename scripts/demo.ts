/**
 * `npm run demo`: a real blue/green release on this machine, with no AWS account (demo/run.ts).
 * Thin entry point on the shared shell.
 */
import { runDemo } from '../demo/run';
import { SCENARIO_NAMES, SCENARIOS, type ScenarioName } from '../demo/scenarios';
import { runProgram, UsageError, type ProgramIo, type ProgramSpec } from './cli';
import { declaredStacks, selectStacks } from './offline-stacks';

export const DEMO_PROGRAM: ProgramSpec = {
  name: 'demo',
  command: 'npm run demo --',
  summary:
    'A real release on this machine, with no AWS account: the stack is applied with the offline Terraform (outputs file written), a local CodeDeploy stand-in runs the stack\'s deployment group with the stack\'s real hook bundle checking a local green app, and the real release CLI follows the deployment with the display you see against AWS. Nothing touches AWS.',
  flags: [
    { name: 'scenario', type: 'string', choices: SCENARIO_NAMES, default: SCENARIO_NAMES[0], help: 'What happens (see Scenarios below).' },
    { name: 'stack', type: 'string', valueName: '<name>', help: `Stack to release (one the app declares). Default: ${declaredStacks()[0]?.stack ?? 'the first one'}.` },
    { name: 'service', type: 'string', valueName: '<name>', help: "Service to release, in a stack with several. Default: the first of the stack's services output." },
    { name: 'without-terraform', type: 'boolean', help: 'Derive the outputs from the synthesized stack with placeholders, as when terraform is not installed.' },
    { name: 'minute-in-ms', type: 'number', integer: true, min: 50, max: 60000, valueName: '<ms>', help: 'How long a CodeDeploy minute lasts here. Default: chosen so the traffic shift and waits take about 6 s.' },
  ],
  exitCodes: [
    { code: 0, meaning: 'the release succeeded' },
    { code: 1, meaning: 'the release failed or rolled back, or the demo could not set up (synth or offline apply failed)' },
    { code: 4, meaning: 'another deployment was active (scenario active)' },
    { code: 130, meaning: 'interrupted: the deployment was stopped with a rollback (scenario interrupt, or your own Ctrl-C)' },
  ],
  epilog: ['Scenarios (--scenario), each under a minute; the demo exits with the code the real release CLI returned:', ...SCENARIOS.map((s) => `  ${s.name.padEnd(11)} ${s.summary}`)].join('\n'),
};

/** Entry point: `npm run demo -- …`. Everything it says goes to stderr, with the release's own display. */
export function main(io?: ProgramIo): Promise<number> {
  return runProgram(
    DEMO_PROGRAM,
    (parsed, pio) => {
      const name = parsed.values.stack as string | undefined;
      const selected = selectStacks(declaredStacks(), name ? [name] : []);
      if ('problems' in selected) throw new UsageError(`--stack ${selected.problems[0]!}`);
      const stack = selected.stacks[0];
      if (!stack) throw new UsageError('the app declares no stack (stacks/environments.ts)');
      return runDemo(
        {
          scenario: parsed.values.scenario as ScenarioName,
          stack,
          withoutTerraform: parsed.values['without-terraform'] === true,
          ...(parsed.values.service !== undefined ? { service: parsed.values.service as string } : {}),
          ...(parsed.values['minute-in-ms'] !== undefined ? { minuteInMs: parsed.values['minute-in-ms'] as number } : {}),
        },
        (line) => pio.stderr(`${line}\n`),
      );
    },
    io,
  );
}

if (require.main === module) void main();
