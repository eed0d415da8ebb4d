/**
 * `npm run demo`: a real release on this machine. The stack is applied with the offline Terraform
 * (or, without terraform, its outputs are derived from the synthesized stack with placeholders), the
 * outputs file is written, and the real release CLI (scripts/release.ts, a child process with the
 * terminal's own display) follows a deployment of the local CodeDeploy stand-in, whose hook is the
 * stack's real hook bundle checking a local green app. Nothing reaches AWS: every endpoint is local.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CodeDeployClient, CreateDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { appSpecSha256, renderAppSpecJson } from '../lib/appspec';
import { OUTPUT_NAMES, SERVICES_OUTPUT } from '../lib/outputs';
import { RELEASE_PROGRAM } from '../release/flags';
import { UsageError } from '../scripts/cli';
import { readStackConfig } from '../tools/offline-terraform/harness';
import { applyOffline, OFFLINE_ACCOUNT_ID } from '../scripts/apply-offline';
import { outDir, PROJECT_ROOT, stacksDir, synthesizeStacks, type DeclaredStack } from '../scripts/offline-stacks';
import { alarmToTrigger, deploymentConfigOverride, FIRST_LINE, LAST_LINE_START, minuteInMs, scenario, shiftMinutes, type Scenario, type ScenarioName } from './scenarios';
import { demoGroup, demoHook, placeholderOutputs, stackRegion, type StackJson } from './stack';
import { startWorld, type World } from './world';

/** What `npm run demo` does. */
export interface DemoInput {
  readonly scenario: ScenarioName;
  readonly stack: DeclaredStack;
  /** Derive the outputs from the synthesized stack even when terraform is installed. */
  readonly withoutTerraform: boolean;
  /** The service to release, in a stack with several. @default - the first of its `services` output */
  readonly service?: string;
  /** Real ms per CodeDeploy minute. @default - chosen so the shift and waits take about 6 s */
  readonly minuteInMs?: number;
}

/** How long the hook may keep checking an unhealthy green before it reports Failed (the stack gives minutes). */
const HOOK_BUDGET_IN_SECONDS = 6;
/** The demo gives up on a release that has not ended after this long (it ends in well under a minute). */
const RELEASE_DEADLINE_IN_MS = 4 * 60_000;

/** True when `terraform version` runs. */
export function terraformAvailable(): boolean {
  const r = spawnSync('terraform', ['version'], { stdio: 'ignore', timeout: 15000, env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return r.status === 0;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The release's own words for an exit code, up to their first aside. */
export function exitMeaning(code: number): string {
  const meaning = RELEASE_PROGRAM.exitCodes.find((e) => e.code === code)?.meaning ?? 'see npm run release -- --help';
  return meaning.split(/ \(|;/)[0]!.trim();
}

/** `npm run release -- <args>` for the screen: a flag and its value per piece, lines under 100 columns. */
export function commandLines(args: readonly string[], width = 100): string[] {
  const pieces: string[] = [];
  for (const a of args.map(quote)) {
    if (a.startsWith('--') || pieces.length === 0) pieces.push(a);
    else pieces[pieces.length - 1] += ` ${a}`;
  }
  const lines = ['   npm run release --'];
  for (const p of pieces) {
    if (lines[lines.length - 1]!.length + 1 + p.length + 2 > width) {
      lines[lines.length - 1] += ' \\';
      lines.push(`     ${p}`);
    } else lines[lines.length - 1] += ` ${p}`;
  }
  return lines;
}

/** Writes the outputs file; returns its path, or undefined after saying why it could not. */
async function writeOutputs(input: DemoInput, say: (line: string) => void): Promise<string | undefined> {
  const file = path.join(outDir(), 'demo', `${input.stack.stack}-outputs.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  const synthLog: string[] = [];
  const synth = { output: (t: string) => synthLog.push(t) };
  const useTerraform = !input.withoutTerraform && terraformAvailable();
  if (useTerraform) {
    say(`1. terraform apply of ${input.stack.stack}, offline: real Terraform, a local stand-in provider`);
    say(`   (fake ids and ARNs, account ${OFFLINE_ACCOUNT_ID})`);
    const applied = await applyOffline({ stacks: [input.stack.stack], out: { [input.stack.stack]: file }, fresh: false, skipSynth: false }, say, { synth });
    if (!applied) {
      say(synthLog.join('').trimEnd());
      return undefined;
    }
    say(`   ${applied[0]!.summary}`);
  } else {
    say(`1. ${input.withoutTerraform ? '--without-terraform' : 'terraform is not on PATH'}: no offline apply; the outputs are derived from the synthesized`);
    say('   stack, with placeholder values where Terraform would compute them');
    if ((await synthesizeStacks([input.stack], synth)) !== 0) {
      say(synthLog.join('').trimEnd());
      return undefined;
    }
    const config = readStackConfig(path.join(stacksDir(), input.stack.stack)) as StackJson;
    writeFileSync(file, `${JSON.stringify(placeholderOutputs(config), null, 2)}\n`);
  }
  say(`   outputs (terraform output -json) written to ${path.relative(process.cwd(), file)}`);
  return file;
}

/** Starts a deployment of its own in the group, so the release meets an active one. */
async function startOtherDeployment(world: World, input: { group: string; application: string; region: string; taskDefinitionArn: string; containerName: string; containerPort: number }): Promise<string> {
  const client = new CodeDeployClient({ endpoint: world.standIn.endpoint, region: input.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    const content = renderAppSpecJson({ taskDefinitionArn: input.taskDefinitionArn, containerName: input.containerName, containerPort: input.containerPort });
    const r = await client.send(
      new CreateDeploymentCommand({
        applicationName: input.application,
        deploymentGroupName: input.group,
        // A slow linear shift: still running when the release starts.
        deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
        description: 'started by npm run demo before the release (another pipeline, say)',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: appSpecSha256(content) } },
      }),
    );
    return r.deploymentId!;
  } finally {
    client.destroy();
  }
}

async function stopDeployment(world: World, id: string, region: string): Promise<void> {
  const client = new CodeDeployClient({ endpoint: world.standIn.endpoint, region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    await client.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
  } catch {
    // Already over: nothing to stop.
  } finally {
    client.destroy();
  }
}

/** The release's environment: the user's, without any AWS setting of theirs, plus the world's local ones. */
export function releaseEnvironment(base: NodeJS.ProcessEnv, world: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (k.startsWith('AWS_') || k === 'GITHUB_STEP_SUMMARY' || k === 'GITHUB_OUTPUT') continue;
    env[k] = v;
  }
  return { ...env, ...world };
}

/** Runs the release CLI; resolves with its exit code. Ctrl-C reaches it from the terminal (same process group). */
function runRelease(args: readonly string[], env: NodeJS.ProcessEnv, whileRunning: (child: ChildProcess) => void): Promise<number> {
  // As `npm run release` runs it: precompiled (scripts/run.js), one process, so Ctrl-C reaches the release itself.
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'run.js'), 'release', ...args], { cwd: PROJECT_ROOT, env, stdio: 'inherit' });
  const kill = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  // The terminal's Ctrl-C reaches the release directly; the demo waits for it to stop the deployment.
  const ignore = (): void => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  const deadline = setTimeout(kill, RELEASE_DEADLINE_IN_MS);
  whileRunning(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      process.off('exit', kill);
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      resolve(code ?? (signal === 'SIGKILL' ? 70 : 128));
    });
  });
}

/** Lines saying what the stand-in recorded: each deployment, its traffic steps, the hook's verdicts. */
export function recordedLines(world: World): string[] {
  const lines = world.standIn.deployments().map((d) => {
    const steps = d.trafficHistory.map((h) => `${h.greenWeight}%`).join(' → ');
    const who = d.creator === 'codeDeployRollback' ? 'rollback' : 'deployment';
    return `   ${who} ${d.deploymentId}: ${d.status}${d.errorCode ? ` (${d.errorCode})` : ''}${steps ? `; traffic to green ${steps}` : ''}`;
  });
  for (const h of world.standIn.model.hookInvocations) lines.push(`   hook ${h.functionName} at ${h.lifecycleEvent}: ${h.reported ?? 'no report'}`);
  return lines;
}

/** The release's arguments for the scenario. */
export function releaseArgs(s: Scenario, stack: string, outputsFile: string, override: string | undefined, service?: string): string[] {
  return [
    '--outputs-file',
    path.relative(PROJECT_ROOT, outputsFile),
    '--stack',
    stack,
    ...(service ? ['--service', service] : []),
    ...(override ? ['--deployment-config', override] : []),
    '--description',
    `npm run demo -- --scenario ${s.name} (local simulation)`,
    // Polls at least every second: the simulated minutes here last a second or less.
    '--poll-max-interval-in-ms',
    '1000',
    '--timeout-in-minutes',
    '5',
  ];
}

function setUpScenario(s: Scenario, world: World, alarm: string | undefined, say: (line: string) => void): void {
  if (s.name === 'hook-fails') {
    world.makeGreenUnhealthy();
    say(`   green answers 503 to everything; the hook checks it for ${HOOK_BUDGET_IN_SECONDS} s (the stack allows longer), then reports Failed`);
  }
  if (s.name === 'alarm') {
    world.standIn.faults.alarmWhenGreenReaches(alarm!, 1);
    say(`   the alarm ${alarm} goes off as soon as green receives traffic`);
  }
  if (s.name === 'interrupt') say('   the demo presses Ctrl-C for you (SIGINT to the release) once green has part of the traffic');
}

/** A `terraform output -json` document. */
type OutputsDoc = Record<string, { value: unknown }>;

/**
 * The service the demo releases: `wanted`, else the first of the stack's `services` output; undefined
 * for a stack without one.
 * @throws when the name is not one of the stack's services (the message lists them)
 */
export function chooseService(outputs: OutputsDoc, wanted: string | undefined): { name: string; values: Record<string, unknown> } | undefined {
  const services = outputs[SERVICES_OUTPUT]?.value as Record<string, Record<string, unknown>> | undefined;
  if (!services || typeof services !== 'object') {
    if (wanted !== undefined) throw new UsageError(`--service ${JSON.stringify(wanted)}: the stack has no services output`);
    return undefined;
  }
  const names = Object.keys(services);
  const name = wanted ?? names[0];
  if (name === undefined || !services[name]) throw new UsageError(`--service ${JSON.stringify(wanted)} is not a service of the stack; its services are ${names.join(', ')}`);
  return { name, values: services[name]! };
}

/** What the release will need, read from the stack and its outputs file. */
function planRelease(input: DemoInput, s: Scenario, outputsFile: string) {
  const config = readStackConfig(path.join(stacksDir(), input.stack.stack)) as StackJson;
  const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as OutputsDoc;
  const service = chooseService(outputs, input.service);
  const value = (key: keyof typeof OUTPUT_NAMES): unknown => service?.values[OUTPUT_NAMES[key]] ?? outputs[OUTPUT_NAMES[key]]?.value;
  const group = demoGroup(config, service ? String(value('deploymentGroupName')) : undefined);
  if (s.name === 'alarm' && !alarmToTrigger(group)) throw new Error(`its deployment group ${group.deploymentGroupName} has no alarm: the alarm scenario needs one`);
  const hook = demoHook(config, service && value('hookFunctionName') ? String(value('hookFunctionName')) : undefined);
  const override = deploymentConfigOverride(s, group);
  const configName = override ?? group.deploymentConfigName;
  const shift = shiftMinutes(configName, group);
  const minute = input.minuteInMs ?? minuteInMs(shift, shift + group.terminationWaitTimeInMinutes + group.deploymentReadyOption.waitTimeInMinutes);
  const region = String(value('region') ?? stackRegion(config));
  const hookLogGroupName = String(value('hookLogGroupName') ?? `/aws/lambda/${hook.functionName}`);
  return { config, group, hook, override, configName, minute, region, hookLogGroupName, service: service?.name, value };
}

/** {@link planRelease}, or undefined after saying why the stack cannot be released here (a usage error propagates). */
function planOrSay(input: DemoInput, s: Scenario, outputsFile: string, say: (line: string) => void): ReturnType<typeof planRelease> | undefined {
  try {
    return planRelease(input, s, outputsFile);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    say(`the demo cannot release ${input.stack.stack}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** Runs one scenario; returns the release's exit code (1 when the demo could not get as far as the release). */
export async function runDemo(input: DemoInput, say: (line: string) => void): Promise<number> {
  const s = scenario(input.scenario);
  say(FIRST_LINE);
  say(`Scenario ${s.name} (npm run demo -- --help lists the others):`);
  say(`   ${s.summary}`);
  say('');
  let code = 1;
  let released = false;
  let world: World | undefined;
  try {
    const outputsFile = await writeOutputs(input, say);
    if (!outputsFile) return code;
    const plan = planOrSay(input, s, outputsFile, say);
    if (!plan) return code;
    const { group, hook, override, minute, region, hookLogGroupName, service, value } = plan;
    say('2. local AWS on 127.0.0.1: CodeDeploy, CloudWatch Logs and ELBv2 stand-ins, a green app,');
    say(`   and the stack's own hook bundle as ${hook.functionName} (no ECS stand-in)`);
    say(`   ${service ? `service ${service}, ` : ''}group ${group.deploymentGroupName}; 1 CodeDeploy minute lasts ${(minute / 1000).toFixed(2)} s here`);
    world = await startWorld({ group, hook, stackDir: path.join(stacksDir(), input.stack.stack), region, hookLogGroupName, minuteInMs: minute, hookBudgetInSeconds: HOOK_BUDGET_IN_SECONDS, accountId: OFFLINE_ACCOUNT_ID });
    setUpScenario(s, world, alarmToTrigger(group), say);
    let other: string | undefined;
    if (s.name === 'active') {
      other = await startOtherDeployment(world, {
        group: group.deploymentGroupName,
        application: group.applicationName,
        region,
        taskDefinitionArn: String(value('taskDefinitionArn')),
        containerName: String(value('containerName')),
        containerPort: Number(value('containerPort')),
      });
      say(`   another deployment, ${other}, is already running in the group`);
    }
    const args = releaseArgs(s, input.stack.stack, outputsFile, override, service);
    if (override) say(`   ${input.stack.stack} shifts traffic all at once: this release asks for a canary (--deployment-config)`);
    say('3. the release, as you would run it against AWS (its endpoints are the local ones):');
    commandLines(args).forEach((l) => say(l));
    say('');
    const w = world;
    released = true;
    code = await runRelease(args, releaseEnvironment(process.env, w.releaseEnv), (child) => {
      if (s.name !== 'interrupt') return;
      const shifting = (): boolean => w.standIn.deployments().some((d) => d.creator === 'user' && d.greenWeight > 0 && d.greenWeight < 100);
      w.standIn.waitUntil(shifting, 'green receiving part of the traffic', 60_000).then(
        () => child.kill('SIGINT'),
        () => undefined,
      );
    });
    if (other) await stopDeployment(world, other, region);
    say('');
    say('What the local CodeDeploy stand-in recorded:');
    recordedLines(world).forEach((l) => say(l));
    return code;
  } finally {
    await world?.close();
    say(released ? `${LAST_LINE_START}. The release exited ${code} (${exitMeaning(code)}).` : `${LAST_LINE_START}. The demo stopped before the release (see above).`);
  }
}
