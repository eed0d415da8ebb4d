/**
 * The CloudWatch Logs stand-in over real HTTP with the real CloudWatchLogsClient: filter patterns,
 * time range, stream filters, paging (including empty pages), the API's errors and injected faults.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, FilterLogEventsCommandInput, PutLogEventsCommand, CreateLogGroupCommand, CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
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

describe('CloudWatch Logs stand-in over HTTP', () => {
  let logs: LogsStandIn;
  let client: CloudWatchLogsClient;
  const filter = (input: Partial<FilterLogEventsCommandInput>) => client.send(new FilterLogEventsCommand({ logGroupName: GROUP, ...input }));

  beforeEach(async () => {
    logs = await startLogsStandIn({ pageSize: 2 });
    client = new CloudWatchLogsClient({ endpoint: logs.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    logs.append(GROUP, '2026/11/26/[$LATEST]aaa', [
      { timestamp: 1000, message: 'START RequestId: r1 Version: $LATEST' },
      { timestamp: 2000, message: verdict('d-AAAAAAAAA', 'Failed', 'GET /health: status 503 (expected 200), 5 attempts') },
      { timestamp: 3000, message: verdict('d-BBBBBBBBB', 'Succeeded', 'all checks passed') },
    ]);
    logs.append(GROUP, '2026/11/26/[$LATEST]bbb', [
      { timestamp: 2500, message: verdict('d-AAAAAAAAA', 'Failed', 'second') },
      { timestamp: 4000, message: verdict('d-AAAAAAAAA', 'Succeeded', 'third') },
    ]);
  });
  afterEach(async () => {
    client.destroy();
    await logs.close();
  });

  /** Every page until no nextToken. */
  async function all(input: Partial<FilterLogEventsCommandInput>): Promise<{ messages: string[]; pages: number }> {
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
  }

  test('a JSON pattern selects one deployment\'s verdicts across streams, by timestamp, page by page', async () => {
    const { messages, pages } = await all({ filterPattern: '{ ($.event = "hook.verdict") && ($.deploymentId = "d-AAAAAAAAA") }' });
    expect(messages).toEqual(['GET /health: status 503 (expected 200), 5 attempts', 'second', 'third']);
    expect(pages).toBe(2);
  });

  test('startTime and endTime are inclusive; stream names and prefixes filter', async () => {
    expect((await all({ startTime: 2000, endTime: 3000 })).messages).toEqual(['GET /health: status 503 (expected 200), 5 attempts', 'second', 'all checks passed']);
    expect((await all({ logStreamNamePrefix: '2026/11/26/[$LATEST]b' })).messages).toEqual(['second', 'third']);
    expect((await all({ logStreamNames: ['2026/11/26/[$LATEST]aaa'], filterPattern: 'START' })).messages).toEqual(['START RequestId: r1 Version: $LATEST']);
  });

  test('empty pages with a nextToken go on to the events', async () => {
    logs.emptyPages(3);
    const { messages, pages } = await all({ filterPattern: '{ $.deploymentId = "d-BBBBBBBBB" }' });
    expect(messages).toEqual(['all checks passed']);
    expect(pages).toBe(4);
  });

  test('events are searchable only after the ingestion delay', async () => {
    const delayed = await startLogsStandIn({ ingestionDelayInMs: 300 });
    const c = new CloudWatchLogsClient({ endpoint: delayed.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      delayed.append(GROUP, 's', ['late line']);
      expect((await c.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).events).toEqual([]);
      await new Promise((r) => setTimeout(r, 350));
      expect((await c.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).events?.map((e) => e.message)).toEqual(['late line']);
    } finally {
      c.destroy();
      await delayed.close();
    }
  });

  test('the API\'s errors: no group, both group parameters, both stream filters, bad limit, bad token, bad pattern', async () => {
    const error = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error & { $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}: ${e.message}`);
    expect(await error(client.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/none' })))).toBe('ResourceNotFoundException 400: The specified log group does not exist.');
    expect(await error(client.send(new FilterLogEventsCommand({ logGroupName: GROUP, logGroupIdentifier: GROUP })))).toMatch(/^InvalidParameterException 400: .*not both/);
    expect(await error(filter({ logStreamNames: ['a'], logStreamNamePrefix: 'a' }))).toMatch(/^InvalidParameterException/);
    expect(await error(filter({ limit: 0 }))).toMatch(/^InvalidParameterException/);
    expect(await error(filter({ nextToken: 'garbage' }))).toMatch(/^InvalidParameterException .*nextToken/);
    expect(await error(filter({ filterPattern: '{ $.a = ' }))).toMatch(/^InvalidParameterException .*Invalid filter pattern/);
  });

  test('a log group ARN works as logGroupIdentifier', async () => {
    const page = await client.send(new FilterLogEventsCommand({ logGroupIdentifier: logs.model.arnOf(GROUP), filterPattern: 'START' }));
    expect(page.events).toHaveLength(1);
  });

  test('CreateLogGroup, CreateLogStream and PutLogEvents store events FilterLogEvents finds', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/other' }));
    await client.send(new CreateLogStreamCommand({ logGroupName: '/other', logStreamName: 's' }));
    await client.send(new PutLogEventsCommand({ logGroupName: '/other', logStreamName: 's', logEvents: [{ timestamp: 5, message: 'hello' }] }));
    const page = await client.send(new FilterLogEventsCommand({ logGroupName: '/other' }));
    expect(page.events?.map((e) => [e.timestamp, e.message, e.logStreamName])).toEqual([[5, 'hello', 's']]);
    await expect(client.send(new CreateLogGroupCommand({ logGroupName: '/other' }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
  });

  test('injected AccessDenied names the permission; throttling is retried by the SDK', async () => {
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
