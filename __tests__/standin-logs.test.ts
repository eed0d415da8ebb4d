/**
 * The CloudWatch Logs stand-in over real HTTP with the real CloudWatchLogsClient: filter patterns,
 * time range, stream filters, paging (including empty pages), the API's errors and injected faults.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, FilterLogEventsCommandInput, FilterLogEventsCommandOutput, PutLogEventsCommand, CreateLogGroupCommand, CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import { compileFilterPattern, FilterPatternError, LogsStandIn, startLogsStandIn } from '../test-support/logs';

const GROUP = '/aws/lambda/bluegreen-dev-hook';
const verdict = (deploymentId: string, status: string, reason: string): string =>
  JSON.stringify({ time: '2026-11-26T03:00:00.000Z', level: 'warn', event: 'hook.verdict', deploymentId, lifecycleEventHookExecutionId: `exec-${deploymentId}`, status, reason });

describe('filter patterns', () => {
  const match = (pattern: string, message: string): boolean => compileFilterPattern(pattern)(message);

  test('JSON patterns compare strings, numbers, wildcards and combine with && and ||', () => {
    const m = JSON.stringify({ event: 'hook.verdict', deploymentId: 'd-ABC', attempts: 5, ok: false, nested: { a: [1, 'x'] } });
    expect(match('{ $.event = "hook.verdict" }', m)).toBe(true);
    expect(match('{ ($.event = "hook.verdict") && ($.deploymentId = "d-ABC") }', m)).toBe(true);
    expect(match('{ ($.event = "hook.verdict") && ($.deploymentId = "d-XYZ") }', m)).toBe(false);
    expect(match('{ $.deploymentId = "d-XYZ" || $.attempts >= 5 }', m)).toBe(true);
    expect(match('{ $.attempts > 5 }', m)).toBe(false);
    expect(match('{ $.event = "hook.*" }', m)).toBe(true);
    expect(match('{ $.event != "hook.*" }', m)).toBe(false);
    expect(match('{ $.event = hook.verdict }', m)).toBe(true);
    expect(match('{ $.ok IS FALSE }', m)).toBe(true);
    expect(match('{ $.nested.a[1] = "x" }', m)).toBe(true);
    expect(match('{ $.missing NOT EXISTS }', m)).toBe(true);
    expect(match('{ $.missing = "x" }', m)).toBe(false);
    expect(match('{ $.event = "hook.verdict" }', 'START RequestId: 1 Version: $LATEST')).toBe(false);
  });

  test('term patterns: all terms, ?any, -excluded, quoted phrases; empty matches everything', () => {
    expect(match('ERROR', 'an ERROR here')).toBe(true);
    expect(match('ERROR timeout', 'ERROR: connect timeout')).toBe(true);
    expect(match('ERROR timeout', 'ERROR: refused')).toBe(false);
    expect(match('?ERROR ?WARN', 'WARN x')).toBe(true);
    expect(match('?ERROR ?WARN', 'INFO x')).toBe(false);
    expect(match('ERROR -timeout', 'ERROR: connect timeout')).toBe(false);
    expect(match('"status 503"', 'GET /health: status 503')).toBe(true);
    expect(match('', 'anything')).toBe(true);
  });

  test.each(['{ $.event = "x"', '{ event = "x" }', '{ $.a ~ 1 }', '[ip, user]', '%ERR.*%', '{ $.a > "x" }', '{ ($.a = 1 }'])('%s is rejected', (pattern) => {
    expect(() => compileFilterPattern(pattern)).toThrow(FilterPatternError);
  });
});

/** A test's own stand-in (events of two streams appended, pages of 2) and client. */
interface LogsWorld {
  readonly logs: LogsStandIn;
  readonly client: CloudWatchLogsClient;
  filter(input: Partial<FilterLogEventsCommandInput>): Promise<FilterLogEventsCommandOutput>;
  /** Every page until no nextToken. */
  all(input: Partial<FilterLogEventsCommandInput>): Promise<{ messages: string[]; pages: number }>;
}

async function startWorld(): Promise<LogsWorld> {
  const logs = await startLogsStandIn({ pageSize: 2 });
  const client = new CloudWatchLogsClient({ endpoint: logs.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  logs.append(GROUP, '2026/11/26/[$LATEST]aaa', [
    { timestamp: 1000, message: 'START RequestId: r1 Version: $LATEST' },
    { timestamp: 2000, message: verdict('d-AAAAAAAAA', 'Failed', 'GET /health: status 503 (expected 200), 5 attempts') },
    { timestamp: 3000, message: verdict('d-BBBBBBBBB', 'Succeeded', 'all checks passed') },
  ]);
  logs.append(GROUP, '2026/11/26/[$LATEST]bbb', [
    { timestamp: 2500, message: verdict('d-AAAAAAAAA', 'Failed', 'second') },
    { timestamp: 4000, message: verdict('d-AAAAAAAAA', 'Succeeded', 'third') },
  ]);
  const filter = (input: Partial<FilterLogEventsCommandInput>) => client.send(new FilterLogEventsCommand({ logGroupName: GROUP, ...input }));
  const all = async (input: Partial<FilterLogEventsCommandInput>) => {
    const messages: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await filter({ ...input, ...(nextToken ? { nextToken } : {}) });
      pages++;
      messages.push(...(page.events ?? []).map((e) => (e.message!.startsWith('{') ? JSON.parse(e.message!).reason : e.message!)));
      nextToken = page.nextToken;
    } while (nextToken && pages < 50);
    return { messages, pages };
  };
  return { logs, client, filter, all };
}

/**
 * A test with a stand-in and client of its own, closed at its end: tests share nothing, so they run
 * concurrently (the SDK's back-off after a throttle, a second or two, is the longest wait).
 */
function logsTest(name: string, body: (w: LogsWorld) => Promise<void>): void {
  test.concurrent(name, async () => {
    const w = await startWorld();
    try {
      await body(w);
    } finally {
      w.client.destroy();
      await w.logs.close();
    }
  });
}

describe('CloudWatch Logs stand-in over HTTP', () => {
  logsTest('a JSON pattern selects one deployment\'s verdicts across streams, by timestamp, page by page', async ({ all }) => {
    const { messages, pages } = await all({ filterPattern: '{ ($.event = "hook.verdict") && ($.deploymentId = "d-AAAAAAAAA") }' });
    expect(messages).toEqual(['GET /health: status 503 (expected 200), 5 attempts', 'second', 'third']);
    expect(pages).toBe(2);
  });

  logsTest('startTime and endTime are inclusive; stream names and prefixes filter', async ({ all }) => {
    expect((await all({ startTime: 2000, endTime: 3000 })).messages).toEqual(['GET /health: status 503 (expected 200), 5 attempts', 'second', 'all checks passed']);
    expect((await all({ logStreamNamePrefix: '2026/11/26/[$LATEST]b' })).messages).toEqual(['second', 'third']);
    expect((await all({ logStreamNames: ['2026/11/26/[$LATEST]aaa'], filterPattern: 'START' })).messages).toEqual(['START RequestId: r1 Version: $LATEST']);
  });

  logsTest('empty pages with a nextToken go on to the events', async ({ logs, all }) => {
    logs.emptyPages(3);
    const { messages, pages } = await all({ filterPattern: '{ $.deploymentId = "d-BBBBBBBBB" }' });
    expect(messages).toEqual(['all checks passed']);
    expect(pages).toBe(4);
  });

  test.concurrent('events are searchable only after the ingestion delay', async () => {
    // The stand-in's own clock, moved by the test: on the wall clock a loaded machine's first call
    // could come after the 300 ms, and the exact bound would be untested.
    let now = 1_800_000_000_000;
    const delayed = await startLogsStandIn({ ingestionDelayInMs: 300, clock: () => now });
    const c = new CloudWatchLogsClient({ endpoint: delayed.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      delayed.append(GROUP, 's', ['late line']);
      expect((await c.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).events).toEqual([]);
      now += 299;
      expect((await c.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).events).toEqual([]);
      now += 1;
      expect((await c.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).events?.map((e) => e.message)).toEqual(['late line']);
    } finally {
      c.destroy();
      await delayed.close();
    }
  });

  logsTest('the API\'s errors: no group, both group parameters, both stream filters, bad limit, bad token, bad pattern', async ({ client, filter }) => {
    const error = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error & { $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}: ${e.message}`);
    expect(await error(client.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/none' })))).toBe('ResourceNotFoundException 400: The specified log group does not exist.');
    expect(await error(client.send(new FilterLogEventsCommand({ logGroupName: GROUP, logGroupIdentifier: GROUP })))).toMatch(/^InvalidParameterException 400: .*not both/);
    expect(await error(filter({ logStreamNames: ['a'], logStreamNamePrefix: 'a' }))).toMatch(/^InvalidParameterException/);
    expect(await error(filter({ limit: 0 }))).toMatch(/^InvalidParameterException/);
    expect(await error(filter({ nextToken: 'garbage' }))).toMatch(/^InvalidParameterException .*nextToken/);
    expect(await error(filter({ filterPattern: '{ $.a = ' }))).toMatch(/^InvalidParameterException .*Invalid filter pattern/);
  });

  logsTest('a log group ARN works as logGroupIdentifier', async ({ logs, client }) => {
    const page = await client.send(new FilterLogEventsCommand({ logGroupIdentifier: logs.model.arnOf(GROUP), filterPattern: 'START' }));
    expect(page.events).toHaveLength(1);
  });

  logsTest('CreateLogGroup, CreateLogStream and PutLogEvents store events FilterLogEvents finds', async ({ client }) => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/other' }));
    await client.send(new CreateLogStreamCommand({ logGroupName: '/other', logStreamName: 's' }));
    await client.send(new PutLogEventsCommand({ logGroupName: '/other', logStreamName: 's', logEvents: [{ timestamp: 5, message: 'hello' }] }));
    const page = await client.send(new FilterLogEventsCommand({ logGroupName: '/other' }));
    expect(page.events?.map((e) => [e.timestamp, e.message, e.logStreamName])).toEqual([[5, 'hello', 's']]);
    await expect(client.send(new CreateLogGroupCommand({ logGroupName: '/other' }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
  });

  logsTest('injected AccessDenied names the permission; throttling is retried by the SDK', async ({ logs, filter }) => {
    logs.faults.deny('FilterLogEvents');
    await expect(filter({})).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('not authorized to perform: logs:FilterLogEvents') });
    logs.faults.clear();
    logs.faults.throttle('FilterLogEvents', 2);
    const retrying = new CloudWatchLogsClient({ endpoint: logs.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 3 });
    try {
      expect((await retrying.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'START' }))).events).toHaveLength(1);
      expect(logs.faults.injected.FilterLogEvents).toBe(2);
    } finally {
      retrying.destroy();
    }
  });
});
