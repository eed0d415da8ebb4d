/**
 * The local world a demo release runs in: the CodeDeploy stand-in playing the stack's deployment
 * group, a CloudWatch Logs stand-in that receives the hook's logs (so a failed release can quote the
 * hook's verdict, as it does against AWS), an ELBv2 stand-in holding the blue and green target groups
 * (green's targets as healthy as the green app), a local green app, and the stack's real hook bundle
 * in a warm "Lambda" process. Every AWS endpoint the release or the hook could reach is on 127.0.0.1:
 * the stand-ins, and a closed local port for every other service (ECS: there is no stand-in of a
 * CodeDeploy-controlled service, so the release's ECS diagnostics say they could not connect).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import {
  startCodeDeployStandIn,
  startGreenApp,
  startHookRuntime,
  type CodeDeployStandIn,
  type GreenApp,
  type HookRuntime,
} from '../test-support/codedeploy';
import { startElbv2StandIn, type Elbv2StandIn, type TargetSpec } from '../test-support/elbv2';
import { shipLines, startLogsStandIn, type LogsStandIn } from '../test-support/logs';
import type { DemoGroup, DemoHook } from './stack';

/** Port 9 (discard) of the loopback: nothing listens, so a call there is refused at once, never sent to AWS. */
export const CLOSED_LOCAL_ENDPOINT = 'http://127.0.0.1:9';

/** Options of {@link startWorld}. */
export interface WorldOptions {
  readonly group: DemoGroup;
  readonly hook: DemoHook;
  /** The stack directory (the hook zip is relative to it). */
  readonly stackDir: string;
  readonly region: string;
  readonly hookLogGroupName: string;
  /** Real milliseconds per CodeDeploy minute. */
  readonly minuteInMs: number;
  /** The hook's check budget for the demo, in seconds (its real budget is minutes). */
  readonly hookBudgetInSeconds: number;
  /** The account of the ARNs the stand-ins make. */
  readonly accountId: string;
}

/** Two targets of a target group in one health state (10.0.<subnet>.<n>). */
export function targets(subnet: number, health: 'healthy' | 'unhealthy'): TargetSpec[] {
  return [11, 12].map((n, i) => ({
    id: `10.0.${subnet}.${n}`,
    availabilityZone: `us-east-1${'ab'[i]}`,
    state: health,
    ...(health === 'unhealthy' ? { reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' } : {}),
  }));
}

/** A running world. */
export interface World {
  readonly standIn: CodeDeployStandIn;
  readonly logs: LogsStandIn;
  readonly green: GreenApp;
  readonly hook: HookRuntime;
  readonly elbv2: Elbv2StandIn;
  /** Makes green unhealthy: the app answers 503 and its targets fail their health checks. */
  makeGreenUnhealthy(): void;
  /** The environment of the release process: dummy credentials, a private AWS config, local endpoints only. */
  readonly releaseEnv: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Text a healthy green answers: it contains every `bodyContains` of the hook's checks. */
export function greenBody(hook: DemoHook): string {
  let wanted: string[] = [];
  try {
    const checks = JSON.parse(hook.variables.HOOK_CHECKS ?? '[]') as { bodyContains?: unknown }[];
    wanted = checks.map((c) => c.bodyContains).filter((b): b is string => typeof b === 'string');
  } catch {
    // The hook reports a malformed HOOK_CHECKS itself.
  }
  return ['green (local app of npm run demo)', ...wanted].join(' ');
}

/**
 * Largest unzipped size read: Lambda's limit for a function's deployment package, unzipped (250 MB,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
const MAX_UNZIPPED_BYTES = 262_144_000;

/** `raw` inflated, at most `maxOutputLength` bytes of it (more is reported as that length, not held). */
function inflateRaw(raw: Buffer, maxOutputLength: number, what: string): Buffer {
  try {
    return inflateRawSync(raw, { maxOutputLength });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return Buffer.alloc(maxOutputLength);
    throw new Error(`${what} does not inflate: ${(err as Error).message}`);
  }
}

/**
 * The files of a ZIP archive by name (directories left out). Only what Lambda archives use: stored or
 * deflated entries, no ZIP64. Node's zlib inflates: fflate's JavaScript inflate took ~45 ms of CPU for
 * the hook's 0.5 MB, in every demo.
 * @throws Error naming what is not a readable archive: an entry without its local header, running past
 *   the end, unpacking to more than Lambda's unzipped limit or to another size than its directory says
 */
export function readZip(zip: Buffer, name = 'the archive'): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  if (end < 0 || end + 22 > zip.length) throw new Error(`${name} is not a ZIP archive (no end of central directory)`);
  const files = new Map<string, Buffer>();
  let at = zip.readUInt32LE(end + 16);
  for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${name}: broken central directory at byte ${at}`);
    const [method, size, fullSize, nameLength] = [zip.readUInt16LE(at + 10), zip.readUInt32LE(at + 20), zip.readUInt32LE(at + 24), zip.readUInt16LE(at + 28)];
    const entry = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: ${entry} has no local header at byte ${local}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + size > zip.length) throw new Error(`${name}: ${entry} runs past the end of the archive (${size} bytes from byte ${start})`);
    if (fullSize > MAX_UNZIPPED_BYTES) throw new Error(`${name}: ${entry} unpacks to ${fullSize} bytes, more than Lambda's ${MAX_UNZIPPED_BYTES} unzipped`);
    const raw = zip.subarray(start, start + size);
    if (method !== 0 && method !== 8) throw new Error(`${name}: ${entry} uses compression method ${method}; only stored (0) and deflate (8) are read`);
    // Inflating stops at the size the directory declares (+1 to see an entry that claims less than it holds).
    const data = method === 8 ? inflateRaw(raw, fullSize + 1, `${name}: ${entry}`) : Buffer.from(raw);
    if (data.length !== fullSize) throw new Error(`${name}: ${entry} unpacks to ${data.length} bytes, not the ${fullSize} its directory says`);
    if (!entry.endsWith('/')) files.set(entry, data);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return files;
}

/** Unzips the stack's hook zip (what Terraform uploads to Lambda) into `dir`; returns its index.js. */
export function unpackHook(zipFile: string, dir: string): string {
  const files = readZip(readFileSync(zipFile), zipFile);
  if (!files.has('index.js')) throw new Error(`${zipFile} has no index.js (files: ${[...files.keys()].join(', ')})`);
  for (const [name, bytes] of files) writeFileSync(path.join(dir, path.basename(name)), bytes);
  return path.join(dir, 'index.js');
}

/** The environment of the release process: dummy credentials, a private empty AWS config, local endpoints only. */
export function localReleaseEnv(region: string, configFile: string, endpoints: { codedeploy: string; logs: string; elbv2: string }): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'OFFLINEDEMO',
    AWS_SECRET_ACCESS_KEY: 'offline-demo-not-a-secret',
    AWS_REGION: region,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: configFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL: CLOSED_LOCAL_ENDPOINT,
    AWS_ENDPOINT_URL_CODEDEPLOY: endpoints.codedeploy,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoints.logs,
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: endpoints.elbv2,
  };
}

/** Starts the stack's hook zip in a warm "Lambda" process whose logs go to the Logs stand-in. */
async function startHook(options: WorldOptions, dir: string, standIn: CodeDeployStandIn, logs: LogsStandIn, green: GreenApp, stops: (() => Promise<void> | void)[]): Promise<HookRuntime> {
  const { hook } = options;
  const runtime = await startHookRuntime({
    modulePath: unpackHook(path.join(options.stackDir, hook.zipFile), dir),
    env: {
      ...hook.variables,
      HOOK_TEST_BASE_URL: green.url,
      HOOK_CHECK_BUDGET_IN_SECONDS: String(options.hookBudgetInSeconds),
      AWS_REGION: options.region,
      AWS_LAMBDA_FUNCTION_NAME: hook.functionName,
      AWS_ENDPOINT_URL: CLOSED_LOCAL_ENDPOINT,
      AWS_ENDPOINT_URL_CODEDEPLOY: standIn.endpoint,
    },
    timeoutInMs: Math.min(hook.timeoutInSeconds, options.hookBudgetInSeconds + 20) * 1000,
  });
  stops.push(() => runtime.close());
  stops.push(shipLines(runtime.logs, logs, options.hookLogGroupName, `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]0ff11ne0demo`));
  standIn.model.setHookInvoker((fn, event) => (fn === hook.functionName ? runtime.invoker(fn, event) : Promise.reject(new Error(`Function not found: ${fn}`))));
  return runtime;
}

/** Starts everything; on a failure half-way, stops what had started. */
export async function startWorld(options: WorldOptions): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bluegreen-demo-'));
  const stops: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const { group } = options;
    // Steps long enough to read on screen, shorter when minutes are (tests use short ones).
    const stepInMs = Math.min(400, Math.round(options.minuteInMs * 0.4));
    const standIn = await startCodeDeployStandIn({
      groups: [{ ...group, desiredCount: 2 }],
      customDeploymentConfigs: group.customConfig ? [group.customConfig] : [],
      region: options.region,
      msPerMinute: options.minuteInMs,
      eventDurationInMs: stepInMs,
      startDelayInMs: stepInMs,
    });
    stops.push(() => standIn.close());
    const logs = await startLogsStandIn();
    stops.push(() => logs.close());
    const green = await startGreenApp({ body: greenBody(options.hook) });
    stops.push(() => green.close());
    const [blueTg, greenTg] = group.targetGroupNames;
    const elbv2 = await startElbv2StandIn({ region: options.region, accountId: options.accountId, targetGroups: [{ name: blueTg, targets: targets(1, 'healthy') }, { name: greenTg, targets: targets(2, 'healthy') }] });
    stops.push(() => elbv2.close());
    const hook = await startHook(options, dir, standIn, logs, green, stops);
    const config = path.join(dir, 'aws-config');
    writeFileSync(config, '');
    const releaseEnv = localReleaseEnv(options.region, config, { codedeploy: standIn.endpoint, logs: logs.endpoint, elbv2: elbv2.endpoint });
    const makeGreenUnhealthy = (): void => {
      green.setHealth('unhealthy');
      elbv2.model.setTargets(greenTg, targets(2, 'unhealthy'));
    };
    return { standIn, logs, green, hook, elbv2, makeGreenUnhealthy, releaseEnv, close };
  } catch (err) {
    await close();
    throw err;
  }
}
