/**
 * `npm run hook:check` on the shared shell: flags from one declaration (parser, help, docs table),
 * output and exit codes against real local servers, bounded waits whatever a server does.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { promisify } from 'node:util';
import { httpGet } from '../hook-lambda/http-get';
import { CLI_DEFAULT_BUDGET_IN_SECONDS, HOOK_CHECK_PROGRAM, HookCheckInput, main, toHookCheckInput } from '../scripts/hook-check';
import { flagTable, parseCommandLine, ProgramIo, UsageError } from '../scripts/cli';
import { npmScriptCommand } from '../test-support/npm-script';

const execFileAsync = promisify(execFile);
/** Exactly what `npm run hook:check` runs (the precompiled program). */
const { command: node, args: hookCheck } = npmScriptCommand('hook:check');

let server: Server;
let base: string;
/** Accepts connections and never answers. */
let silent: TcpServer;
let silentUrl: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') res.end('status: ok');
    else if (req.url === '/needs-host') {
      res.statusCode = req.headers.host === 'app.example.com' ? 204 : 421;
      res.end();
    } else if (req.url === '/stall-body') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    } else {
      res.statusCode = 503;
      res.end('starting');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  silent = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

function parse(argv: string[]): HookCheckInput {
  const outcome = parseCommandLine(HOOK_CHECK_PROGRAM, argv, {});
  if (outcome.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(outcome)}`);
  return toHookCheckInput(outcome.parsed);
}

function problemsOf(argv: string[]): readonly string[] {
  const outcome = parseCommandLine(HOOK_CHECK_PROGRAM, argv, {});
  if (outcome.kind === 'usage-error') return outcome.problems;
  if (outcome.kind !== 'run') throw new Error(`unexpected ${outcome.kind}`);
  try {
    toHookCheckInput(outcome.parsed);
  } catch (err) {
    if (err instanceof UsageError) return err.problems;
    throw err;
  }
  return [];
}

async function runMain(argv: string[]) {
  const out: string[] = [];
  const io: ProgramIo = { argv, env: {}, stdout: (t) => out.push(t), stderr: () => undefined, exit: () => undefined };
  const outcome = parseCommandLine(HOOK_CHECK_PROGRAM, argv, {});
  if (outcome.kind !== 'run') throw new Error('expected a run');
  const lines: string[] = [];
  const code = await main(outcome.parsed, io, { httpGet, print: (l) => lines.push(l), sleep: (ms) => sleepFor(ms).then(() => undefined) });
  return { code, lines };
}

describe('hook:check flags', () => {
  test('turns repeated --path and the shared options into one check per path', () => {
    const input = parse([
      '--url', 'http://localhost:8080', '--path', '/health', '--path', '/ready?a=1,2',
      '--expect-status', '200-299', '--body-contains', 'ok', '--header', 'Host: app.example.com', '--header', 'Accept: text/html, */*',
      '--timeout-in-ms', '1500', '--passes', '3', '--budget-in-seconds', '10',
    ]);
    expect(input.config.checks.map((c) => [c.url, c.expectedStatusText, c.bodyContains, c.headers, c.timeoutInMs])).toEqual([
      ['http://localhost:8080/health', '200-299', 'ok', { Host: 'app.example.com', Accept: 'text/html, */*' }, 1500],
      ['http://localhost:8080/ready?a=1,2', '200-299', 'ok', { Host: 'app.example.com', Accept: 'text/html, */*' }, 1500],
    ]);
    expect([input.config.requiredConsecutivePasses, input.config.checkBudgetInSeconds, input.json]).toEqual([3, 10, false]);
  });

  test('defaults to GET / expecting 200 with the CLI budget', () => {
    const input = parse(['--url', 'http://localhost:8080']);
    expect(input.config.checks.map((c) => [c.url, c.expectedStatusText, c.timeoutInMs])).toEqual([['http://localhost:8080/', '200', 3000]]);
    expect([input.config.requiredConsecutivePasses, input.config.checkBudgetInSeconds]).toEqual([2, CLI_DEFAULT_BUDGET_IN_SECONDS]);
  });

  test('reports every problem at once, each naming the flag, the value and what is allowed', () => {
    expect(problemsOf(['--passes', '0', '--expect-status', '2xx', '--header', 'no-colon', '--budget-in-seconds', '901'])).toEqual([
      '--url is required: the base URL of the test route, e.g. --url http://localhost:8080',
      "--header must look like 'Name: value', received \"no-colon\"",
      '--expect-status must be a status code 100-599, a non-empty list of codes, or a string such as "200-299" or "200,204", received "2xx"',
      '--passes must be an integer from 1 to 20, received 0',
      expect.stringMatching(/^--budget-in-seconds must be .*900.*received 901$/),
    ]);
    expect(problemsOf(['--url', 'http://x', '--timeout-in-ms', 'soon'])).toEqual(['--timeout-in-ms must be a number; received "soon"']);
    expect(problemsOf(['--url', 'not a url'])).toEqual(['--url must be an absolute http:// or https:// URL without query or fragment, received "not a url"']);
    expect(problemsOf(['--url', 'http://x', '--nope'])[0]).toMatch(/^unknown flag --nope; flags are --url, --path/);
  });

  test("docs/hook.md's flag table is the one the declarations produce", () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'hook.md'), 'utf8');
    expect(doc).toContain(flagTable(HOOK_CHECK_PROGRAM));
  });
});

// Each run has its own requests and output, and most of their time is a check budget: concurrently.
describe('hook:check against real servers', () => {
  test.concurrent('exits 0 and prints each attempt and the verdict when the checks pass', async () => {
    const { code, lines } = await runMain(['--url', base, '--path', '/health', '--body-contains', 'ok']);
    expect(code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^GET /health  #1  ${base}/health  200  \\d+ ms  pass \\(1 in a row\\)$`));
    expect(lines[2]).toMatch(/^PASS: the hook would report Succeeded: all 1 check passed 2 times in a row/);
  });

  test.concurrent('sends --header, so host-based routing can be tried', async () => {
    expect((await runMain(['--url', base, '--path', '/needs-host', '--expect-status', '204', '--header', 'Host: app.example.com', '--passes', '1'])).code).toBe(0);
  });

  test.concurrent('exits 1 with the reason when a check keeps failing', async () => {
    const { code, lines } = await runMain(['--url', base, '--path', '/other', '--budget-in-seconds', '0.5']);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/ 503  \d+ ms  FAIL status 503 \(expected 200\)$/);
    expect(lines[lines.length - 1]).toMatch(/^FAIL: the hook would report Failed: GET \/other: did not pass 2 times in a row/);
  });

  test.concurrent('prints the Lambda JSON lines with --json', async () => {
    const { lines } = await runMain(['--url', base, '--path', '/health', '--passes', '1', '--json']);
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['hook.attempt', 'hook.verdict']);
    expect(JSON.parse(lines[0])).toMatchObject({ check: 'GET /health', url: `${base}/health`, status: 200, pass: true });
  });

  test.concurrent.each([
    ['a server that accepts and never answers', () => silentUrl, '/'],
    ['a server that sends headers and stalls the body', () => base, '/stall-body'],
  ])('ends within its budget against %s', async (_name, url, path) => {
    const started = Date.now();
    const { code, lines } = await runMain(['--url', url(), '--path', path, '--budget-in-seconds', '1', '--timeout-in-ms', '400']);
    expect(code).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/^FAIL: .*timed out after \d+ ms/);
    expect(Date.now() - started).toBeLessThan(1000 + 500);
  });

  test.concurrent('ends within the budget and its grace even when a request ignores its own deadline', async () => {
    const outcome = parseCommandLine(HOOK_CHECK_PROGRAM, ['--url', base, '--budget-in-seconds', '0.5'], {});
    if (outcome.kind !== 'run') throw new Error('expected a run');
    const lines: string[] = [];
    const started = Date.now();
    const code = await main(outcome.parsed, {} as ProgramIo, { httpGet: () => new Promise<never>(() => undefined), print: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines).toEqual(['FAIL: the hook would report Failed: checks did not finish within the 0.5 s check budget']);
    expect(Date.now() - started).toBeLessThan(500 + 250 + 300);
  });
});

describe('hook:check as a process', () => {
  test.concurrent('exits 0 against a healthy server, 2 without a stack trace on bad input, 0 for --version', async () => {
    // Three processes at once: none depends on another. (--help: the next test.)
    const [ok, bad, version] = await Promise.all([
      execFileAsync(node, [...hookCheck, '--url', base, '--path', '/health', '--passes', '1']),
      execFileAsync(node, [...hookCheck, '--url', base, '--passes', 'x']).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      ),
      execFileAsync(node, [...hookCheck, '--version']),
    ]);
    expect(ok.stdout).toContain('PASS: the hook would report Succeeded');
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toBe('hook:check: --passes must be a number; received "x"\nrun \'npm run hook:check -- --help\' for usage\n');
    expect(version.stdout).toMatch(/^hook:check \d+\.\d+\.\d+\n$/);
  });

  // One --help run for what were two tests of the same command line: its first output is the usage
  // line (all the other test read of it), and the pipe closed after it ends the program quietly, exit 0.
  test.concurrent('--help prints the usage, exit 0, and a closed stdout ends it quietly (hook:check --help | head -c 10)', async () => {
    const child = spawn(node, [...hookCheck, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', (c: Buffer) => {
      first = c.toString();
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toMatch(/^Usage: npm run hook:check -- \[flags\]/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
