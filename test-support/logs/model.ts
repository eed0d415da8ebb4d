/**
 * The state of the CloudWatch Logs stand-in: log groups, streams and events, and the operations
 * on them as the API defines them (input validation, errors, paging). No HTTP here (server.ts).
 */
import { AwsJsonError } from '../aws-json-server';
import { compileFilterPattern, FilterPatternError } from './filter-pattern';

/** One stored event. */
interface StoredEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  readonly eventId: string;
}

/** Options of {@link LogsModel}. */
export interface LogsModelOptions {
  /** Account in ARNs. @default '123456789012' */
  readonly accountId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * Events become visible to FilterLogEvents this long after they were put (CloudWatch Logs makes
   * events searchable shortly after ingestion, not at once). @default 0
   */
  readonly ingestionDelayInMs?: number;
  /** Most events one FilterLogEvents page holds (AWS: up to 10,000 or 1 MB). @default 10000 */
  readonly pageSize?: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
}

const invalid = (message: string): AwsJsonError => new AwsJsonError('InvalidParameterException', message);
const notFound = (message: string): AwsJsonError => new AwsJsonError('ResourceNotFoundException', message);

const MAX_LIMIT = 10_000;

/** The stand-in's log groups and their events. */
export class LogsModel {
  private readonly groups = new Map<string, { readonly createdAt: number; readonly streams: Map<string, StoredEvent[]> }>();
  private nextEventId = 1;
  /** FilterLogEvents calls still to answer with an empty page (and a nextToken), as AWS may. */
  emptyPagesLeft = 0;

  constructor(private readonly options: LogsModelOptions = {}) {}

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** `arn:aws:logs:<region>:<account>:log-group:<name>` (DescribeLogGroups adds `:*` to `arn`; `logGroupArn` has none). */
  arnOf(name: string): string {
    return `arn:aws:logs:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '123456789012'}:log-group:${name}`;
  }

  private group(nameOrIdentifier: string) {
    const name = nameOrIdentifier.startsWith('arn:') ? /:log-group:([^:]+)(?::\*)?$/.exec(nameOrIdentifier)?.[1] ?? '' : nameOrIdentifier;
    const group = this.groups.get(name);
    if (!group) throw notFound('The specified log group does not exist.');
    return { name, group };
  }

  createLogGroup(input: { logGroupName?: string }): object {
    const name = input.logGroupName ?? '';
    if (!/^[\w\-./#]{1,512}$/.test(name)) throw invalid(`1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
    if (this.groups.has(name)) throw new AwsJsonError('ResourceAlreadyExistsException', 'The specified log group already exists');
    this.groups.set(name, { createdAt: this.now(), streams: new Map() });
    return {};
  }

  createLogStream(input: { logGroupName?: string; logStreamName?: string }): object {
    const { group } = this.group(input.logGroupName ?? '');
    const stream = input.logStreamName ?? '';
    if (stream.length === 0 || /[:*]/.test(stream)) throw invalid(`invalid logStreamName '${stream}'`);
    if (group.streams.has(stream)) throw new AwsJsonError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    group.streams.set(stream, []);
    return {};
  }

  putLogEvents(input: { logGroupName?: string; logStreamName?: string; logEvents?: { timestamp?: number; message?: string }[] }): object {
    const { group } = this.group(input.logGroupName ?? '');
    const events = group.streams.get(input.logStreamName ?? '');
    if (!events) throw notFound('The specified log stream does not exist.');
    const ingestionTime = this.now();
    for (const e of input.logEvents ?? []) {
      if (typeof e.timestamp !== 'number' || typeof e.message !== 'string') throw invalid('every log event needs a timestamp and a message');
      events.push({ logStreamName: input.logStreamName!, timestamp: e.timestamp, message: e.message, ingestionTime, eventId: this.eventId() });
    }
    return {};
  }

  private eventId(): string {
    // AWS's event ids are long decimal strings; only their uniqueness matters to a client.
    return String(this.nextEventId++).padStart(56, '0');
  }

  /** Adds lines to a stream, creating the group and stream when missing (what Lambda does for a function). */
  append(logGroupName: string, logStreamName: string, lines: readonly { readonly timestamp: number; readonly message: string }[]): void {
    if (!this.groups.has(logGroupName)) this.createLogGroup({ logGroupName });
    const group = this.groups.get(logGroupName)!;
    if (!group.streams.has(logStreamName)) group.streams.set(logStreamName, []);
    this.putLogEvents({ logGroupName, logStreamName, logEvents: lines.map((l) => ({ timestamp: l.timestamp, message: l.message })) });
  }

  filterLogEvents(input: Record<string, any>): object {
    const request = validateFilter(input);
    const { group } = this.group(request.groupKey);
    const matcher = (() => {
      try {
        return compileFilterPattern(request.filterPattern);
      } catch (err) {
        if (err instanceof FilterPatternError) throw invalid(`Invalid filter pattern: ${err.message}`);
        throw err;
      }
    })();
    const visibleBefore = this.now() - (this.options.ingestionDelayInMs ?? 0);
    const all = [...group.streams.entries()]
      .filter(([stream]) => (request.streams ? request.streams.includes(stream) : stream.startsWith(request.prefix ?? '')))
      .flatMap(([, events]) => events)
      .filter((e) => e.ingestionTime <= visibleBefore && e.timestamp >= request.startTime && e.timestamp <= request.endTime && matcher(e.message))
      .sort((a, b) => a.timestamp - b.timestamp || a.ingestionTime - b.ingestionTime || a.eventId.localeCompare(b.eventId));
    const offset = request.offset;
    if (this.emptyPagesLeft > 0) {
      this.emptyPagesLeft--;
      return { events: [], searchedLogStreams: [], nextToken: pageToken(offset, request.fingerprint) };
    }
    const size = Math.min(request.limit, this.options.pageSize ?? MAX_LIMIT);
    const page = all.slice(offset, offset + size);
    const more = offset + size < all.length;
    return {
      events: page.map((e) => ({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId })),
      searchedLogStreams: [],
      ...(more ? { nextToken: pageToken(offset + size, request.fingerprint) } : {}),
    };
  }
}

const pageToken = (offset: number, fingerprint: string): string => Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64');

/** Validates FilterLogEvents' input as the API documents it. */
function validateFilter(input: Record<string, any>) {
  const { logGroupName, logGroupIdentifier, logStreamNames, logStreamNamePrefix, startTime, endTime, limit, nextToken, filterPattern } = input;
  if ((logGroupName === undefined) === (logGroupIdentifier === undefined)) throw invalid('You must specify either logGroupName or logGroupIdentifier, but not both.');
  if (logStreamNames !== undefined && logStreamNamePrefix !== undefined) throw invalid('Cannot specify both logStreamNames and logStreamNamePrefix.');
  if (logStreamNames !== undefined && (!Array.isArray(logStreamNames) || logStreamNames.length < 1 || logStreamNames.length > 100)) throw invalid('logStreamNames must have 1 to 100 names.');
  for (const [name, v] of [['startTime', startTime], ['endTime', endTime]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw invalid(`${name} must be a non-negative number of milliseconds since the epoch, got ${JSON.stringify(v)}`);
  }
  if (startTime !== undefined && endTime !== undefined && endTime < startTime) throw invalid('endTime must not be before startTime.');
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)) throw invalid(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${MAX_LIMIT}`);
  const fingerprint = JSON.stringify([logGroupName ?? logGroupIdentifier, logStreamNames, logStreamNamePrefix, startTime, endTime, filterPattern]);
  let offset = 0;
  if (nextToken !== undefined) {
    try {
      const t = JSON.parse(Buffer.from(String(nextToken), 'base64').toString('utf8')) as { o: number; f: string };
      if (t.f !== fingerprint || !Number.isInteger(t.o)) throw new Error('other query');
      offset = t.o;
    } catch {
      throw invalid('The specified nextToken is invalid.');
    }
  }
  return {
    groupKey: String(logGroupName ?? logGroupIdentifier),
    streams: logStreamNames as string[] | undefined,
    prefix: logStreamNamePrefix as string | undefined,
    startTime: (startTime as number | undefined) ?? 0,
    endTime: (endTime as number | undefined) ?? Number.MAX_SAFE_INTEGER,
    limit: (limit as number | undefined) ?? MAX_LIMIT,
    filterPattern: filterPattern as string | undefined,
    fingerprint,
    offset,
  };
}
