/** `npm run hook:check`: argument parsing, output and exit codes, against a real local server. */
import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { promisify } from 'node:util';
import { httpGet } from '../hook-lambda/http-get';
import { CLI_DEFAULT_BUDGET_IN_SECONDS, main, parseHookCheckArgs, UsageError } from '../scripts/hook-check';

const execFileAsync = promisify(execFile);

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') res.end('status: ok');
    else if (req.url === '/needs-host') {
      res.statusCode = req.headers.host === 'app.example.com' ? 204 : 421;
      res.end();
    } else {
      res.statusCode = 503;
      res.end('starting');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const deps = { httpGet, now: Date.now, sleep: (ms: number) => sleepFor(ms).then(() => undefined), print: (l: string) => out.push(l) };
  return { out, err, deps, printError: (l: string) => err.push(l) };
}

describe('parseHookCheckArgs', () => {
  test('turns repeated --path and the shared options into one check per path', () => {
    const input = parseHookCheckArgs([
      '--url', 'http://localhost:8080', '--path', '/health', '--path', '/ready',
      '--expect-status', '200-299', '--body-contains', 'ok', '--header', 'Host: app.example.com',
      '--timeout-in-ms', '1500', '--passes', '3', '--budget-in-seconds', '10',
    ]);
    if (input === 'help') throw new Error('unexpected help');
    expect(input.config.checks.map((c) => [c.url, c.expectedStatusText, c.bodyContains, c.headers, c.timeoutInMs])).toEqual([
      ['http://localhost:8080/health', '200-299', 'ok', { Host: 'app.example.com' }, 1500],
      ['http://localhost:8080/ready', '200-299', 'ok', { Host: 'app.example.com' }, 1500],
    ]);
    expect([input.config.requiredConsecutivePasses, input.config.checkBudgetInSeconds, input.json]).toEqual([3, 10, false]);
  });

  test('defaults to GET / expecting 200 with the CLI budget', () => {
    const input = parseHookCheckArgs(['--url', 'http://localhost:8080']);
    if (input === 'help') throw new Error('unexpected help');
    expect(input.config.checks.map((c) => [c.url, c.expectedStatusText])).toEqual([['http://localhost:8080/', '200']]);
    expect(input.config.checkBudgetInSeconds).toEqual(CLI_DEFAULT_BUDGET_IN_SECONDS);
  });

  test('names the flag in validation errors', () => {
    expect(() => parseHookCheckArgs(['--url', 'http://x', '--passes', '0'])).toThrow(new UsageError('--passes must be an integer from 1 to 20, received 0'));
    expect(() => parseHookCheckArgs(['--url', 'http://x', '--expect-status', '2xx'])).toThrow(/^--expect-status must be/);
    expect(() => parseHookCheckArgs(['--url', 'http://x', '--header', 'no-colon'])).toThrow("--header must look like 'Name: value', received \"no-colon\"");
    expect(() => parseHookCheckArgs(['--url', 'http://x', '--timeout-in-ms', 'soon'])).toThrow('--timeout-in-ms must be a number, received "soon"');
    expect(() => parseHookCheckArgs(['--path', '/'])).toThrow('--url is required');
    expect(() => parseHookCheckArgs(['--url', 'http://x', '--nope'])).toThrow(UsageError);
  });
});

describe('hook:check main', () => {
  test('exits 0 and prints each attempt and the verdict when the checks pass', async () => {
    const c = capture();
    const code = await main(['--url', base, '--path', '/health', '--body-contains', 'ok'], c.deps, c.printError);
    expect(code).toBe(0);
    expect(c.out).toHaveLength(3);
    expect(c.out[0]).toMatch(new RegExp(`^GET /health  #1  ${base}/health  200  \\d+ ms  pass \\(1 in a row\\)$`));
    expect(c.out[2]).toMatch(/^PASS: the hook would report Succeeded: all 1 check passed 2 times in a row/);
  });

  test('sends --header, so host-based routing can be tried', async () => {
    const c = capture();
    expect(await main(['--url', base, '--path', '/needs-host', '--expect-status', '204', '--header', 'Host: app.example.com', '--passes', '1'], c.deps, c.printError)).toBe(0);
  });

  test('exits 1 with the reason when a check keeps failing', async () => {
    const c = capture();
    const code = await main(['--url', base, '--path', '/other', '--budget-in-seconds', '0.5'], c.deps, c.printError);
    expect(code).toBe(1);
    expect(c.out[0]).toMatch(/ 503  \d+ ms  FAIL status 503 \(expected 200\)$/);
    expect(c.out[c.out.length - 1]).toMatch(/^FAIL: the hook would report Failed: GET \/other: did not pass 2 times in a row/);
  });

  test('prints the Lambda JSON lines with --json', async () => {
    const c = capture();
    await main(['--url', base, '--path', '/health', '--passes', '1', '--json'], c.deps, c.printError);
    expect(c.out.map((l) => JSON.parse(l).event)).toEqual(['hook.attempt', 'hook.verdict']);
    expect(JSON.parse(c.out[0])).toMatchObject({ check: 'GET /health', url: `${base}/health`, status: 200, pass: true });
  });

  test('exits 2 with a message and no output on bad input', async () => {
    const c = capture();
    expect(await main(['--url', 'not a url'], c.deps, c.printError)).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.err).toEqual(['hook:check: --url must be an absolute http:// or https:// URL without query or fragment, received "not a url"\nRun with --help for usage.']);
  });

  test('--help prints usage and exits 0', async () => {
    const c = capture();
    expect(await main(['--help'], c.deps, c.printError)).toBe(0);
    expect(c.out[0]).toContain('Usage: npm run hook:check -- --url <base-url>');
  });
});

describe('hook:check as a process', () => {
  const script = join(__dirname, '..', 'scripts', 'hook-check.ts');
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');

  test('exits 0 against a healthy server and 2 without a stack trace on bad input', async () => {
    const ok = await execFileAsync(tsx, [script, '--url', base, '--path', '/health', '--passes', '1']);
    expect(ok.stdout).toContain('PASS: the hook would report Succeeded');
    const bad = await execFileAsync(tsx, [script, '--url', base, '--passes', 'x']).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toContain('--passes must be a number, received "x"');
    expect(bad?.stderr).not.toMatch(/\n\s+at /);
  });
});
