/**
 * `npm run demo`: a real blue/green release on this machine, with no AWS account (demo/run.ts).
 * Thin entry point on the shared shell.
 */
import { runDemo } from '../demo/run';
import { SCENARIO_NAMES, SCENARIOS, type ScenarioName } from '../demo/scenarios';
import { runProgram, UsageError, type ProgramIo, type ProgramSpec } from './cli';
import { resolveEnvironment } from '../config/resolve';
import type { EnvironmentConfig } from '../config/environment';
import { ENVIRONMENTS } from '../stacks/environments';
import { declaredStacks, selectStacks, type DeclaredStack } from './offline-stacks';

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

/**
 * Checks `--service` against the services the stack's environment declares (the keys of its
 * `services` output), before any set-up: a wrong name must not cost a synth and an apply first.
 * @throws UsageError naming the value and the stack's services
 */
export function checkDemoService(stack: DeclaredStack, wanted: string, environments: readonly EnvironmentConfig[] = ENVIRONMENTS): void {
  const config = environments.find((e) => e.name === stack.environment);
  if (!config) return; // selectStacks found it there; nothing more to check against
  const names = resolveEnvironment(config).services.map((s) => s.name);
  if (!names.includes(wanted)) throw new UsageError(`--service ${JSON.stringify(wanted)} is not a service of stack ${stack.stack}; its services are ${names.join(', ')}`);
}

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
      if (parsed.values.service !== undefined) checkDemoService(stack, parsed.values.service as string);
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
