/**
 * The harness that runs the release CLI as a child process for the end-to-end tests: a wait for a
 * progress line ends when the CLI exits, and releases a failed test left running can be killed.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { killRunningReleases, removeIsolatedAwsHomes, startRelease } from '../test-support/codedeploy/release-process';

jest.setTimeout(60_000);

afterAll(async () => {
  await killRunningReleases();
  removeIsolatedAwsHomes();
});

const RELEASE_ARGS = [
  '--application', 'bluegreen-dev',
  '--deployment-group', 'bluegreen-dev',
  '--region', 'us-east-1',
  '--task-definition-arn', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
  '--container-name', 'web',
  '--container-port', '8080',
];

test('waiting for a line fails as soon as the CLI exits without printing it, not at the timeout', async () => {
  const release = startRelease(['--no-such-option']);
  // The timeout is far beyond the test's own: only the exit can end this wait in time.
  await expect(release.waitForLine(/a line the CLI never prints/, 120_000)).rejects.toThrow(/the release (has )?exited/);
  expect((await release.exited).code).not.toBe(0);
  await expect(release.waitForLine(/another line it never prints/, 120_000)).rejects.toThrow(/the release (has )?exited/);
});

test('killRunningReleases ends a release that is still running (an API that never answers) and reports it', async () => {
  // CodeDeploy that accepts every request and never answers: the CLI waits on its first call.
  const requests: string[] = [];
  const server: Server = createServer((req) => {
    requests.push(String(req.headers['x-amz-target']));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const release = startRelease([...RELEASE_ARGS, '--endpoint-url', endpoint]);
    const deadline = Date.now() + 30_000;
    while (requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(requests.length).toBeGreaterThan(0);
    expect(await killRunningReleases()).toBe(1);
    expect(await release.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await killRunningReleases()).toBe(0);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
