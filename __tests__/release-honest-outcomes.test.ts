/**
 * Exit codes and output say what really happened (issue 11 §2): a stop that came too late is not
 * reported as a rollback; a closed stdout ends the CLI quietly; an unusable outputs file is one cause
 * on one line, not that cause plus a "missing …" line for every value it would have given.
 */
import { CodeDeployClient, GetDeploymentCommand, GetDeploymentTargetCommand, ListDeploymentsCommand, ListDeploymentTargetsCommand, CreateDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES } from '../release/exit-codes';
import { RELEASE_PROGRAM } from '../release/flags';
import { type ParseIo, parseReleaseInput } from '../release/input';
import { run } from '../release/run';
import { helpText } from '../scripts/cli';
import { CodeDeployStandIn, startCodeDeployStandIn } from '../test-support/codedeploy';
import { isolatedAwsEnv, killRunningReleases, removeIsolatedAwsHomes, REPO_ROOT, startRelease, writeOutputsFile } from '../test-support/codedeploy/release-process';
import { FaultEndpoint, startFaultEndpoint } from '../test-support/fault-servers';
import { npmScriptCommand } from '../test-support/npm-script';
import { releaseInput } from '../test-support/release-input';

jest.setTimeout(60_000);

const ALREADY_COMPLETED = JSON.stringify({ __type: 'DeploymentAlreadyCompletedException', message: 'The deployment d-… has already completed.' });

describe('a stop requested too late (the deployment ended Succeeded anyway)', () => {
  let standIn: CodeDeployStandIn;
  let endpoint: FaultEndpoint;

  beforeAll(async () => {
    standIn = await startCodeDeployStandIn({
      msPerMinute: 100,
      eventDurationInMs: 50,
      groups: [{ applicationName: 'app', deploymentGroupName: 'late', terminationWaitTimeInMinutes: 30 }],
    });
    // CodeDeploy answers the stop "already completed": it came too late to roll anything back.
    endpoint = await startFaultEndpoint({ upstream: standIn.endpoint, faults: { StopDeployment: { kind: 'answer', answer: { status: 400, body: ALREADY_COMPLETED } } } });
  });

  afterAll(async () => {
    await killRunningReleases();
    await endpoint?.close();
    await standIn?.settle(30_000);
    await standIn?.close();
    removeIsolatedAwsHomes();
  });

  test('Ctrl-C in the termination wait: its own exit code and result, no claim of a rollback', async () => {
    const release = startRelease([
      '--application', 'app', '--deployment-group', 'late', '--region', 'us-east-1',
      '--task-definition-arn', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', '--container-name', 'web', '--container-port', '8080',
      '--endpoint-url', endpoint.url, '--poll-min-interval-in-ms', '200', '--poll-max-interval-in-ms', '400',
    ]);
    await release.waitForLine(/ termination-wait started/);
    release.signal('SIGINT');
    const r = await release.exited;
    expect(r.code).toBe(EXIT_CODES.stopTooLate);
    expect(r.code).not.toBe(EXIT_CODES.interrupted);
    expect(r.lines[r.lines.length - 1]).toMatch(/ result Succeeded d-\S+ exit 6$/);
    expect(r.lines).toContainEqual(expect.stringMatching(/ interrupted the stop came too late: d-\S+ succeeded; the new revision is live and nothing was rolled back/));
    expect(r.lines.filter((l) => / rollback /.test(l))).toEqual([]);
    expect(endpoint.requests.filter((q) => q.operation === 'StopDeployment')).toHaveLength(1);
  });
});

test('--stop-on-timeout that comes too late: the same distinct outcome, not "timeout, stopped with rollback"', async () => {
  const cd = mockClient(CodeDeployClient);
  try {
    let now = Date.parse('2026-11-26T03:00:00Z');
    const start = now;
    let err = '';
    cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-LATE' });
    cd.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });
    cd.on(GetDeploymentTargetCommand).resolves({});
    // Still in its termination wait at the 1-minute deadline; it succeeds 20 s later.
    cd.on(GetDeploymentCommand).callsFake(() => ({ deploymentInfo: { deploymentId: 'd-LATE', status: now - start >= 80_000 ? 'Succeeded' : 'InProgress', instanceTerminationWaitTimeStarted: true } }));
    cd.on(StopDeploymentCommand).rejects(Object.assign(new Error('already completed'), { name: 'DeploymentAlreadyCompletedException', $metadata: { httpStatusCode: 400 } }));
    const result = await run(releaseInput({ timeoutInMinutes: 1, stopOnTimeout: true }), {
      codedeploy: new CodeDeployClient({ region: 'us-east-1' }),
      clock: () => now,
      sleep: async (ms) => void (now += ms),
      output: { stdout: { write: () => undefined }, stderr: { write: (t) => void (err += t) } },
      random: () => 0.5,
    });
    expect(result.exitCode).toBe(EXIT_CODES.stopTooLate);
    expect(result.outcome).toEqual({ kind: 'stop-too-late' });
    expect(err).toMatch(/timeout the stop came too late: d-LATE succeeded; the new revision is live and nothing was rolled back/);
    expect(err).toMatch(/result Succeeded d-LATE exit 6\n$/);
  } finally {
    cd.restore();
  }
});

test('the distinct exit code is documented in --help and docs/release.md', () => {
  const help = helpText(RELEASE_PROGRAM);
  expect(help).toMatch(new RegExp(`\\n  ${EXIT_CODES.stopTooLate} +a stop was requested .*too late`));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const doc = (require('node:fs') as typeof import('node:fs')).readFileSync(join(REPO_ROOT, 'docs', 'release.md'), 'utf8');
  expect(doc).toMatch(new RegExp(`\\n\\| ${EXIT_CODES.stopTooLate} \\| .*too late`));
});

/** Runs a bash command line to its end (at most 30 s); its exit status and stderr. */
function bash(line: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', line], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('a closed stdout ends the CLI quietly (real pipes)', () => {
  let dir: string;
  let outputs: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'release-pipe-'));
    outputs = writeOutputsFile(dir, 'bluegreen-dev', {
      region: 'us-east-1',
      applicationName: 'app',
      deploymentGroupName: 'group',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
      containerName: 'web',
      containerPort: 8080,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // `true` reads nothing and exits before the CLI writes: every write meets a closed pipe. The four
  // pipelines share nothing: they run concurrently.
  test.concurrent.each([
    ['--dry-run', 'head -1'],
    ['--dry-run', 'true'],
    ['--dry-run --json', 'true'],
    ['--help', 'true'],
  ])('release %s | %s: exit 0, nothing on stderr about the pipe', async (flags, reader) => {
    const { command, args } = npmScriptCommand('release');
    const cli = `${[command, ...args].map((a) => JSON.stringify(a)).join(' ')} --outputs-file ${JSON.stringify(outputs)} ${flags}`;
    const r = await bash(`${cli} | ${reader}; exit "\${PIPESTATUS[0]}"`, { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ...isolatedAwsEnv() });
    expect(r).toEqual({ status: 0, stderr: '' });
  });
});

describe('an outputs file that cannot be used is one cause on one line', () => {
  const io = (files: Record<string, string>): ParseIo => ({
    readFile: (p) => {
      if (!(p in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      return files[p]!;
    },
    gitCommit: () => undefined,
  });
  const errorsOf = (argv: string[], files: Record<string, string> = {}): readonly string[] => {
    const r = parseReleaseInput(argv, {}, io(files));
    if (r.kind !== 'error') throw new Error(`expected errors, got ${r.kind}`);
    return r.errors;
  };

  test.each([
    ['missing', {}, /^cannot read the outputs file outputs\.json \(from --outputs-file\): ENOENT/],
    ['not JSON', { 'outputs.json': '{ nope' }, /^the outputs file outputs\.json is not valid JSON/],
    ['holds two stacks', { 'outputs.json': JSON.stringify({ a: { x: 1 }, b: { x: 1 } }) }, /holds outputs of 2 stacks \(a, b\); choose one with --stack/],
    ['not an object of outputs', { 'outputs.json': '[]' }, /is not a JSON object of stack outputs/],
  ])('outputs file %s: exactly one line, the cause', (_, files, cause) => {
    expect(errorsOf(['--outputs-file', 'outputs.json'], files as Record<string, string>)).toEqual([expect.stringMatching(cause)]);
  });

  test('without an outputs file every missing value is still named, with where it was looked for', () => {
    expect(errorsOf([]).filter((e) => e.startsWith('missing ')).length).toBeGreaterThanOrEqual(6);
  });
});
