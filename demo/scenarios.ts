/**
 * The demo's scenarios: what each shows, what the demo does to the local world to make it happen,
 * and the exit code the real release CLI returns for that outcome (release/exit-codes.ts). Pure.
 */
import { EXIT_CODES } from '../release/exit-codes';
import type { DemoGroup } from './stack';

/**
 * The demo's first line and the start of its last: said plainly, whatever happens in between. Here, not
 * in run.ts, so a test can check them without loading the whole demo.
 */
export const FIRST_LINE = 'LOCAL SIMULATION: this demo runs on this machine only and touches no AWS account.';
export const LAST_LINE_START = 'End of the local simulation: nothing touched AWS';

/** A scenario's name (the value of `--scenario`). */
export type ScenarioName = 'success' | 'hook-fails' | 'alarm' | 'interrupt' | 'active';

/** One scenario. */
export interface Scenario {
  readonly name: ScenarioName;
  /** One line for --help and the demo's introduction. */
  readonly summary: string;
  /** The release CLI's exit code for this outcome. */
  readonly exitCode: number;
  /** Shows a gradual traffic shift (asks for a canary when the stack shifts all at once). */
  readonly needsShift: boolean;
}

/** Every scenario, in the order --help lists them; the first is the default. */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'success', summary: 'a canary release: the hook checks green, then 10% of the traffic, then all of it. Exit 0.', exitCode: EXIT_CODES.success, needsShift: true },
  { name: 'hook-fails', summary: 'green answers 503: the hook reports Failed, CodeDeploy rolls back, the release says why. Exit 1.', exitCode: EXIT_CODES.deploymentFailed, needsShift: false },
  { name: 'alarm', summary: 'an alarm goes off while 10% of the traffic is on green: CodeDeploy rolls back. Exit 1.', exitCode: EXIT_CODES.deploymentFailed, needsShift: true },
  { name: 'interrupt', summary: 'Ctrl-C mid-shift (the demo presses it): the release stops it with a rollback. Exit 130.', exitCode: EXIT_CODES.interrupted, needsShift: true },
  { name: 'active', summary: 'another deployment is already running in the group: the release does not start. Exit 4.', exitCode: EXIT_CODES.activeDeployment, needsShift: false },
];

/** The scenario names, for the --scenario flag's choices. */
export const SCENARIO_NAMES: readonly ScenarioName[] = SCENARIOS.map((s) => s.name);

/** The scenario of `name`. */
export function scenario(name: ScenarioName): Scenario {
  return SCENARIOS.find((s) => s.name === name)!;
}

/** The canary the demo asks for (`--deployment-config`) when the stack's own config shifts all at once. */
export const DEMO_CANARY_CONFIG = 'CodeDeployDefault.ECSCanary10Percent5Minutes';

/** True when the group's own config moves traffic gradually (a canary or linear shape). */
export function shiftsGradually(group: DemoGroup): boolean {
  if (group.customConfig) return group.customConfig.trafficRoutingConfig.type !== 'AllAtOnce';
  return /Canary|Linear/.test(group.deploymentConfigName);
}

/** The deployment config the release asks for, when not the group's own. */
export function deploymentConfigOverride(s: Scenario, group: DemoGroup): string | undefined {
  return s.needsShift && !shiftsGradually(group) ? DEMO_CANARY_CONFIG : undefined;
}

/** Simulated minutes of the shift a config implies (canary: its interval; linear: every step). */
export function shiftMinutes(configName: string, group: DemoGroup): number {
  const routing = group.customConfig?.deploymentConfigName === configName ? group.customConfig.trafficRoutingConfig : undefined;
  if (routing?.timeBasedCanary) return routing.timeBasedCanary.canaryInterval;
  if (routing?.timeBasedLinear) return Math.ceil(100 / routing.timeBasedLinear.linearPercentage) * routing.timeBasedLinear.linearInterval;
  const canary = /Canary(\d+)Percent(\d+)Minutes/.exec(configName);
  if (canary) return Number(canary[2]);
  const linear = /Linear(\d+)PercentEvery(\d+)Minutes?/.exec(configName);
  if (linear) return Math.ceil(100 / Number(linear[1])) * Number(linear[2]);
  return 0;
}

/**
 * Real milliseconds per CodeDeploy minute: the traffic shift takes about 6 s (a 5-minute canary: 1 minute
 * = 1 s, so the 10% step stays on screen for 5 s) and everything timed (shift, ready wait, termination
 * wait) at most about 20 s; never faster than 50 ms nor slower than 1 s a minute.
 */
export function minuteInMs(shiftInMinutes: number, totalInMinutes: number = shiftInMinutes): number {
  const bounds = [1000, ...(shiftInMinutes > 0 ? [6000 / shiftInMinutes] : []), ...(totalInMinutes > 0 ? [20000 / totalInMinutes] : [])];
  return Math.max(50, Math.round(Math.min(...bounds)));
}

/** The alarm the alarm scenario sets off: one watching green's errors when the stack has one. */
export function alarmToTrigger(group: DemoGroup): string | undefined {
  // A word of the name, not a substring: "bluegreen-dev-blue-…" watches blue.
  const green = (a: string): boolean => /(^|[-_.])green([-_.]|$)/i.test(a);
  return group.alarms.find((a) => green(a) && /5xx/i.test(a)) ?? group.alarms.find(green) ?? group.alarms[0];
}
