/**
 * The esbuild bundle the stack ships: it loads, exports `handler`, and in a fresh Node process with
 * only environment variables (as in Lambda) its default CodeDeploy client follows
 * `AWS_ENDPOINT_URL_CODEDEPLOY` to a local stand-in.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleHook, HookBundle } from '../hook-build/bundle';
import { toHookEnvironment } from '../hook-lambda/config';
import { AwsJsonServer, startAwsJsonServer } from '../test-support/aws-json-server';

const execFileAsync = promisify(execFile);

let outDir: string;
let bundle: HookBundle;
let green: Server;
let greenUrl: string;
let codedeploy: AwsJsonServer;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'hook-bundle-'));
  bundle = bundleHook({ outDir });
  green = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => green.listen(0, '127.0.0.1', resolve));
  greenUrl = `http://127.0.0.1:${(green.address() as AddressInfo).port}`;
  codedeploy = await startAwsJsonServer({ targetPrefix: 'CodeDeploy_20141006', handlers: { PutLifecycleEventHookExecutionStatus: () => ({}) } });
});

afterAll(async () => {
  await codedeploy.close();
  green.closeAllConnections();
  await new Promise<void>((resolve) => green.close(() => resolve()));
  rmSync(outDir, { recursive: true, force: true });
});

describe('hook bundle', () => {
  test('is one CommonJS file exporting handler', () => {
    expect(bundle.handler).toBe('index.handler');
    const mod = require(bundle.file) as { handler?: unknown; createHandler?: unknown };
    expect(typeof mod.handler).toBe('function');
    expect(typeof mod.createHandler).toBe('function');
  });

  test('reports to the endpoint named by AWS_ENDPOINT_URL_CODEDEPLOY from a fresh process', async () => {
    const script = `
      const { handler } = require(process.argv[1]);
      const deadline = Date.now() + 5000;
      handler({ DeploymentId: 'd-BUNDLE', LifecycleEventHookExecutionId: 'h-BUNDLE' }, { getRemainingTimeInMillis: () => deadline - Date.now() })
        .then((r) => process.stderr.write('RESULT ' + JSON.stringify(r) + '\\n'), (e) => { process.stderr.write('ERROR ' + e.message + '\\n'); process.exitCode = 1; });
    `;
    const { stdout, stderr } = await execFileAsync(process.execPath, ['-e', script, bundle.file], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL_CODEDEPLOY: codedeploy.endpoint,
        ...toHookEnvironment({ testBaseUrl: greenUrl, requiredConsecutivePasses: 1 }),
      },
    });
    expect(stderr).toContain('RESULT {"status":"Succeeded"');
    expect(codedeploy.calls.map((c) => [c.operation, c.input])).toEqual([
      ['PutLifecycleEventHookExecutionStatus', { deploymentId: 'd-BUNDLE', lifecycleEventHookExecutionId: 'h-BUNDLE', status: 'Succeeded' }],
    ]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(lines.map((l) => l.event)).toEqual(['hook.start', 'hook.attempt', 'hook.verdict', 'hook.report']);
  });
});
