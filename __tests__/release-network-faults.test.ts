/**
 * Every wait of the release is bounded, and a signal works while a call is in flight: the real release
 * CLI (a child process, as `npm run release` runs it) over real sockets, against the CodeDeploy stand-in
 * behind a fault endpoint (test-support/fault-servers.ts) that makes `GetDeployment` never answer (to
 * the client, also what an answer after the deadline is) or send its headers and stall the body; a port
 * that refuses connections; an endpoint that never answers anything.
 *
 * @long-running (started first on a fresh clone: test-support/test-sequencer.js)
 */
import { CodeDeployClient, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { CALL_TIME_LIMITS } from '../release/aws-calls';
import { CodeDeployStandIn, startCodeDeployStandIn } from '../test-support/codedeploy';
import { killRunningReleases, ReleaseExit, removeIsolatedAwsHomes, startRelease } from '../test-support/codedeploy/release-process';
import { Fault, FaultEndpoint, refusedEndpoint, startFaultEndpoint, startNeverAnsweringEndpoint } from '../test-support/fault-servers';

// Every test runs concurrently; the longest waits out one call's time limit (10 s).
jest.setTimeout(60_000);

const APP = 'app';
/**
 * Faults of a call in flight, by name. An answer that comes only after the deadline (fault-servers'
 * `delay`) is, to the client, a call that never answers until long after every limit here: the same
 * bytes on the socket, so it is not run again (fault-servers.test.ts checks the delay itself).
 */
const FAULTS: Record<string, Fault> = {
  'never answers (or only after the deadline)': { kind: 'never-answer' },
  'sends headers, then stalls the body': { kind: 'headers-then-stall' },
};

let standIn: CodeDeployStandIn;
const endpoints: FaultEndpoint[] = [];

beforeAll(async () => {
  const groups = [];
  for (const [i] of Object.keys(FAULTS).entries()) {
    // Long enough (100 s) to outlive the deadline; the test stops it afterwards.
    groups.push({ applicationName: APP, deploymentGroupName: `deadline-${i}`, terminationWaitTimeInMinutes: 1000 });
    for (const signal of ['SIGINT', 'SIGTERM']) {
      groups.push({ applicationName: APP, deploymentGroupName: `${signal}-${i}`, deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes', terminationWaitTimeInMinutes: 30 });
    }
  }
  standIn = await startCodeDeployStandIn({ msPerMinute: 100, eventDurationInMs: 50, groups });
});

afterAll(async () => {
  await killRunningReleases();
  for (const e of endpoints.splice(0)) await e.close();
  await standIn?.settle(60_000);
  await standIn?.close();
  removeIsolatedAwsHomes();
});

/**
 * The deadline tests' minute (`--minute-in-ms`): `--timeout-in-minutes 1` is then 6 s, shorter than one
 * call's 10 s time limit, so only the deadline can end a GetDeployment that hangs from the first poll
 * (0.2 s after creation) on.
 */
const DEADLINE_IN_MS = 6000;
/** Without the deadline, the hanging call would end this long after it began. */
const CALL_LIMIT_IN_MS = CALL_TIME_LIMITS.attemptTimeoutInMs;

/** Poll fast, except where the default intervals are the point (they set the pace of retries). */
const FAST_POLLS = ['--poll-min-interval-in-ms', '200', '--poll-max-interval-in-ms', '400'];

function releaseArgs(group: string, endpoint: string, extra: readonly string[] = FAST_POLLS): string[] {
  return [
    '--application', APP, '--deployment-group', group, '--region', 'us-east-1',
    '--task-definition-arn', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
    '--container-name', 'web', '--container-port', '8080',
    '--endpoint-url', endpoint,
    ...extra,
  ];
}

async function faultyGetDeployment(fault: Fault): Promise<FaultEndpoint> {
  const endpoint = await startFaultEndpoint({ upstream: standIn.endpoint });
  endpoints.push(endpoint);
  // Created for real; then every GetDeployment meets the fault.
  endpoint.setFault('GetDeployment', fault);
  return endpoint;
}

const createdIn = (group: string): string => {
  const d = standIn.deployments().find((x) => x.deploymentGroupName === group && x.creator === 'user');
  if (!d) throw new Error(`no deployment in ${group}`);
  return d.deploymentId;
};

const stopsOf = (id: string): number[] => standIn.calls.filter((c) => c.operation === 'StopDeployment' && c.input.deploymentId === id).map((c) => c.at);

describe('every wait is bounded, and a signal works while a call is in flight (real sockets, the real CLI)', () => {
  // The longest first: jest runs at most 5 concurrent tests at a time (maxConcurrency), in this order.
  test.concurrent('an endpoint that accepts and never answers anything: exit 5 after one call timeout, not hours', async () => {
    const endpoint = await startNeverAnsweringEndpoint();
    endpoints.push(endpoint);
    const startedAt = Date.now();
    const r = await startRelease(releaseArgs('SIGINT-0', endpoint.url, ['--timeout-in-minutes', '30'])).exited;
    expect(r.code).toBe(5);
    expect(r.exitedAt - startedAt).toBeLessThan(25_000);
    expect(r.stderr).toContain(endpoint.url);
  });

  test.concurrent.each(Object.keys(FAULTS).map((name, i) => [name, i] as const))('the overall timeout: GetDeployment %s, the call is cut at the deadline and exit 3 within seconds of it (1 minute of --minute-in-ms after the deployment was created)', async (name, i) => {
    const group = `deadline-${i}`;
    const endpoint = await faultyGetDeployment(FAULTS[name]!);
    const release = startRelease(releaseArgs(group, endpoint.url, [...FAST_POLLS, '--timeout-in-minutes', '1', '--minute-in-ms', String(DEADLINE_IN_MS)]));
    await release.waitForLine(/ deployment d-\S+ created$/);
    const createdAt = Date.now();
    const r: ReleaseExit = await release.exited;
    const id = createdIn(group);
    await new CodeDeployClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }).send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    expect({ code: r.code, last: r.lines[r.lines.length - 1] }).toEqual({ code: 3, last: expect.stringMatching(new RegExp(`result \\S+ ${id} exit 3$`)) });
    expect(r.lines).toContainEqual(expect.stringMatching(new RegExp(` timeout 1 min \\(--timeout-in-minutes\\); with --minute-in-ms ${DEADLINE_IN_MS}: ${DEADLINE_IN_MS} ms$`)));
    // The read in flight at the deadline was cut there, not at its own time limit.
    expect(r.lines).toContainEqual(expect.stringMatching(/ timeout GetDeployment got no answer before the deadline$/));
    expect(r.lines.some((l) => / timeout timed out after 1 min; deployment d-\S+ is /.test(l))).toBe(true);
    // The deadline, measured from a moment slightly after it started; the end within 3.5 s of it, before
    // the hanging call's own limit would have ended it.
    expect(r.exitedAt - createdAt).toBeGreaterThanOrEqual(DEADLINE_IN_MS - 2000);
    expect(r.exitedAt - createdAt).toBeLessThan(Math.min(DEADLINE_IN_MS + 3500, CALL_LIMIT_IN_MS));
  });

  const cases = Object.keys(FAULTS).flatMap((name, i) => (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, name, i] as const));
  test.concurrent.each(cases)('%s while GetDeployment %s: StopDeployment with rollback at once; then a second signal exits at once, or, the endpoint healed, the rollback is followed', async (signal, name, i) => {
    const group = `${signal}-${i}`;
    const endpoint = await faultyGetDeployment(FAULTS[name]!);
    const release = startRelease(releaseArgs(group, endpoint.url));
    await release.waitForLine(/ deployment d-\S+ created$/);
    await endpoint.nextRequest('GetDeployment');
    // The call is in flight now (its fault holds it).
    await new Promise((r) => setTimeout(r, 300));
    const id = createdIn(group);
    // SIGTERM's case heals the endpoint now: the call in flight keeps its fault (a fault is chosen when a
    // request arrives), and the poll after the stop is answered rather than waiting out its time limit.
    if (signal === 'SIGTERM') endpoint.setFault('GetDeployment', { kind: 'none' });
    const signalledAt = Date.now();
    release.signal(signal);
    await standIn.waitUntil(() => stopsOf(id).length > 0, `StopDeployment of ${id}`, 10_000);
    expect(stopsOf(id)[0]! - signalledAt).toBeLessThan(2_500);
    expect(standIn.calls.find((c) => c.operation === 'StopDeployment')?.input).toMatchObject({ autoRollbackEnabled: true });
    if (signal === 'SIGINT') {
      // A CI cancel: SIGINT, then SIGTERM. The second signal exits at once, whatever is in flight.
      const secondAt = Date.now();
      release.signal('SIGTERM');
      const r = await release.exited;
      expect(r.code).toBe(130);
      expect(r.exitedAt - secondAt).toBeLessThan(2_500);
      expect(r.lines.some((l) => new RegExp(`interrupted again: exiting now; deployment ${id} is .*stop with rollback requested`).test(l))).toBe(true);
    } else {
      const r = await release.exited;
      expect(r.code).toBe(130);
      expect(r.lines).toContainEqual(expect.stringMatching(/ rollback status Succeeded$/));
      expect(r.lines[r.lines.length - 1]).toMatch(new RegExp(`result Stopped ${id} exit 130$`));
    }
    expect(stopsOf(id)).toHaveLength(1);
  });

  test.concurrent('connection refused (a mistyped --endpoint-url), default poll intervals: exit 5 within seconds', async () => {
    const url = await refusedEndpoint();
    const startedAt = Date.now();
    const r = await startRelease(releaseArgs('SIGINT-0', url, ['--timeout-in-minutes', '30'])).exited;
    expect(r.code).toBe(5);
    expect(r.exitedAt - startedAt).toBeLessThan(10_000);
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain(url);
  });

  test.concurrent('Ctrl-C while the very first call never answers: nothing was created, exit 130 at once', async () => {
    const endpoint = await startNeverAnsweringEndpoint();
    endpoints.push(endpoint);
    const release = startRelease(releaseArgs('SIGINT-0', endpoint.url, ['--timeout-in-minutes', '30']));
    await endpoint.nextRequest('ListDeployments');
    const signalledAt = Date.now();
    release.signal('SIGINT');
    const r = await release.exited;
    expect(r.code).toBe(130);
    expect(r.exitedAt - signalledAt).toBeLessThan(2_500);
    expect(r.lines[r.lines.length - 1]).toMatch(/result NotStarted - exit 130$/);
    // Without --minute-in-ms the timeout is in real minutes, as against AWS: no note of another length.
    expect(r.lines).toContainEqual(expect.stringMatching(/ timeout 30 min \(--timeout-in-minutes\)$/));
  });
});
