/**
 * The CLI as users run it: a child process (exactly what `npm run release` runs, package.json), with a
 * real CodeDeploy SDK client talking to a small local JSON 1.1 server where a deployment is needed.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsJsonServer, startAwsJsonServer } from '../test-support/aws-json-server';
import { npmScriptCommand } from '../test-support/npm-script';

const ROOT = join(__dirname, '..');
const EVENTS = ['BeforeInstall', 'Install', 'AfterInstall', 'AllowTestTraffic', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI exactly as `npm run release` does (the precompiled release, one process: signals reach it directly). */
function cli(args: string[], env: Record<string, string> = {}, onStderr?: (text: string, child: ChildProcess) => void): Promise<Run> {
  const { command, args: releaseArgs } = npmScriptCommand('release');
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...releaseArgs, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let outputsFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'release-cli-'));
  outputsFile = join(dir, 'outputs.json');
  writeFileSync(
    outputsFile,
    JSON.stringify({
      'bluegreen-dev': {
        aws_region: 'us-east-1',
        codedeploy_application_name: 'bluegreen-dev',
        codedeploy_deployment_group_name: 'bluegreen-dev',
        ecs_task_definition_arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
        ecs_container_name: 'web',
        ecs_container_port: 8080,
        hook_function_name: 'CodeDeployHook_bluegreen-dev',
        hook_lifecycle_events: 'AfterAllowTestTraffic',
      },
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deployment that advances one lifecycle event every `stepInMs` of real time (or hangs at Install). */
async function standIn(stepInMs: number, hang = false): Promise<AwsJsonServer> {
  let createdAt = 0;
  let stoppedAt = 0;
  const k = () => (hang ? 1 : Math.floor((Date.now() - createdAt) / stepInMs));
  return startAwsJsonServer({
    targetPrefix: 'CodeDeploy_20141006',
    handlers: {
      GetDeploymentGroup: () => ({ deploymentGroupInfo: { deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce' } }),
      GetDeploymentConfig: () => ({ deploymentConfigInfo: { computePlatform: 'ECS', trafficRoutingConfig: { type: 'AllAtOnce' } } }),
      ListDeployments: () => ({ deployments: [] }),
      CreateDeployment: () => {
        createdAt = Date.now();
        return { deploymentId: 'd-CLI' };
      },
      StopDeployment: () => {
        stoppedAt = Date.now();
        return { status: 'Pending' };
      },
      GetDeployment: ({ deploymentId }: { deploymentId: string }) => {
        if (deploymentId === 'd-CLIRB') return { deploymentInfo: { deploymentId, status: 'Succeeded' } };
        const status = stoppedAt ? 'Stopped' : k() > EVENTS.length ? 'Succeeded' : 'InProgress';
        return { deploymentInfo: { deploymentId, status, createTime: createdAt / 1000, ...(stoppedAt ? { rollbackInfo: { rollbackDeploymentId: 'd-CLIRB' } } : {}) } };
      },
      ListDeploymentTargets: () => ({ targetIds: ['cluster:service'] }),
      GetDeploymentTarget: () => {
        const n = k();
        const green = n > 6 ? 100 : 0;
        return {
          deploymentTarget: {
            deploymentTargetType: 'ECSTarget',
            ecsTarget: {
              lifecycleEvents: EVENTS.map((lifecycleEventName, i) => ({ lifecycleEventName, status: i < n ? 'Succeeded' : i === n ? 'InProgress' : 'Pending' })),
              taskSetsInfo: [{ taskSetLabel: 'Blue', trafficWeight: 100 - green }, { taskSetLabel: 'Green', trafficWeight: green }],
            },
          },
        };
      },
    },
  });
}

/** Runs `body` against a stand-in of its own ({@link standIn}), closed at its end. */
async function withStandIn(stepInMs: number, hang: boolean, body: (server: AwsJsonServer) => Promise<void>): Promise<void> {
  const server = await standIn(stepInMs, hang);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

const FAST = ['--poll-min-interval-in-ms', '100', '--poll-max-interval-in-ms', '300'];

// Every test runs its own process (and, against an endpoint, its own server and files): they run
// concurrently.
describe('release CLI as a child process', () => {
  test.concurrent('--help documents the flags, exit codes and IAM permissions, exit 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--outputs-file <path>');
    expect(r.stdout).toContain('--until <stage>');
    expect(r.stdout).toMatch(/Exit codes:[\s\S]*130/);
    expect(r.stdout).toContain('codedeploy:CreateDeployment');
  });

  test.concurrent('--version prints the version, exit 0', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^release \d+\.\d+\.\d+/);
  });

  test.concurrent('an unknown flag is a usage error (exit 2) in the shared shape; --json still prints one document', async () => {
    const r = await cli(['--json', '--outputs-flie', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^release: unknown flag --outputs-flie; flags are --outputs-file, /m);
    expect(r.stderr).toContain("run 'npm run release -- --help' for usage");
    expect(JSON.parse(r.stdout)).toMatchObject({ deploymentId: null, exitCode: 2, error: { code: 'InvalidInput' } });
  });

  test.concurrent('--dry-run with an outputs file prints the request and AppSpec and exits 0 without calling AWS', async () => {
    // An endpoint nobody listens on: any call would fail.
    const r = await cli(['--outputs-file', outputsFile, '--dry-run', '--description', 'dry'], { AWS_ENDPOINT_URL_CODEDEPLOY: 'http://127.0.0.1:9' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"revisionType": "AppSpecContent"');
    expect(r.stdout).toContain('"description": "dry"');
    expect(r.stdout).toContain('AfterAllowTestTraffic: CodeDeployHook_bluegreen-dev');
  });

  test.concurrent('a missing outputs file is one cause on one line (exit 2), not one line per value it would have given', async () => {
    const r = await cli(['--outputs-file', join(dir, 'no-such-outputs.json')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^release: cannot read the outputs file .*no-such-outputs\.json \(from --outputs-file\): ENOENT/);
    expect(lines[1]).toBe("run 'npm run release -- --help' for usage");
    expect(lines[2]).toMatch(/Z result NotStarted - exit 2$/);
  });

  // One run for what was two tests of the same command line: the one document and the named field are
  // the same whether or not the GitHub files can be written; unwritable, there is also the warning.
  test.concurrent('missing input exits 2 naming the field and where it looked; --json still prints one document, also when GITHUB_STEP_SUMMARY cannot be written', async () => {
    const r = await cli(['--json', '--region', 'us-east-1'], { GITHUB_STEP_SUMMARY: join(dir, 'no-such-dir', 'summary.md'), GITHUB_OUTPUT: join(dir, 'no-such-dir', 'out.txt') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('release: missing CodeDeploy application name: looked for --application, RELEASE_APPLICATION and output "codedeploy_application_name"');
    expect(JSON.parse(r.stdout)).toMatchObject({ deploymentId: null, exitCode: 2, error: { code: 'InvalidInput' } });
    expect(r.stderr).toMatch(/Z warning could not write GITHUB_STEP_SUMMARY \(.*summary\.md\): ENOENT/);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/Z result NotStarted - exit 2$/);
  });

  test.concurrent('against a local CodeDeploy endpoint: follows a deployment to success over real HTTP (--endpoint-url), with JSON and GitHub outputs', async () => {
    await withStandIn(60, false, async (server) => {
      const ghOutput = join(dir, 'gh-output.txt');
      const summary = join(dir, 'summary.md');
      const r = await cli(['--outputs-file', outputsFile, '--endpoint-url', server.endpoint, '--json', ...FAST], { GITHUB_OUTPUT: ghOutput, GITHUB_STEP_SUMMARY: summary, CI: 'true' });
      expect(r.code).toBe(0);
      for (const e of EVENTS) expect(r.stderr).toMatch(new RegExp(`Z lifecycle ${e} Succeeded\\n`));
      expect(r.stderr).toMatch(/Z traffic blue 0% green 100%\n/);
      expect(JSON.parse(r.stdout)).toMatchObject({ deploymentId: 'd-CLI', status: 'Succeeded', exitCode: 0 });
      expect(readFileSync(ghOutput, 'utf8')).toBe('deployment_id=d-CLI\nstatus=Succeeded\n');
      expect(readFileSync(summary, 'utf8')).toContain('Release Succeeded');
      const create = server.calls.find((c) => c.operation === 'CreateDeployment');
      expect(create?.input).toMatchObject({ applicationName: 'bluegreen-dev', revision: { revisionType: 'AppSpecContent' } });
    });
  });

  test.concurrent('against a local CodeDeploy endpoint: uses the SDK\'s AWS_ENDPOINT_URL_CODEDEPLOY when no --endpoint-url is given', async () => {
    // Install ends after 1 s and the deployment after 4.5 s: however late a loaded machine runs the CLI's
    // polls, it sees Install end before the deployment does (at 20 ms a step it could see only the end).
    await withStandIn(500, false, async (server) => {
      const r = await cli(['--outputs-file', outputsFile, '--until', 'install', ...FAST], { AWS_ENDPOINT_URL_CODEDEPLOY: server.endpoint });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/until install reached/);
      expect(server.calls.map((c) => c.operation)).toContain('CreateDeployment');
    });
  });

  test.concurrent('against a local CodeDeploy endpoint: SIGINT stops the deployment with rollback, follows the rollback, exits 130', async () => {
    await withStandIn(50, true, async (server) => {
      let sent = false;
      const r = await cli(['--outputs-file', outputsFile, '--endpoint-url', server.endpoint, ...FAST], {}, (text, child) => {
        if (!sent && /lifecycle Install InProgress/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      expect(r.code).toBe(130);
      const stop = server.calls.find((c) => c.operation === 'StopDeployment');
      expect(stop?.input).toEqual({ deploymentId: 'd-CLI', autoRollbackEnabled: true });
      expect(r.stderr).toMatch(/rollback d-CLIRB started/);
      expect(r.stderr).toMatch(/result Stopped d-CLI exit 130/);
    });
  });
});
