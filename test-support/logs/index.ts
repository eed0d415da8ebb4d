/**
 * A local stand-in for Amazon CloudWatch Logs over real HTTP (JSON 1.1,
 * `X-Amz-Target: Logs_20140328.<Operation>`): CreateLogGroup, CreateLogStream, PutLogEvents and
 * FilterLogEvents (filter patterns: filter-pattern.ts; paging with `nextToken`), with fault injection.
 *
 * ```ts
 * const logs = await startLogsStandIn({ ingestionDelayInMs: 500 });
 * logs.append('/aws/lambda/hook', '2026/11/26/[$LATEST]abc', ['{"event":"hook.verdict",…}']);
 * const client = new CloudWatchLogsClient({ endpoint: logs.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 * logs.faults.deny('FilterLogEvents');   // AccessDeniedException naming logs:FilterLogEvents
 * logs.emptyPages(2);                    // the next 2 searches answer an empty page with a nextToken
 * ```
 */
import { AwsJsonError, AwsJsonServer, RecordedCall, startAwsJsonServer } from '../aws-json-server';
import { createFaults, StandInFaults } from '../aws-faults';
import { LogsModel, LogsModelOptions } from './model';

export { compileFilterPattern, FilterPatternError } from './filter-pattern';
export { LogsModel } from './model';
export type { LogsModelOptions } from './model';

/** The JSON 1.1 target prefix of CloudWatch Logs. */
export const LOGS_TARGET_PREFIX = 'Logs_20140328';

/** A running stand-in. */
export interface LogsStandIn {
  /** `http://127.0.0.1:<port>`: the SDK's `endpoint`, the AWS CLI's `--endpoint-url`, or `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`. */
  readonly endpoint: string;
  readonly calls: RecordedCall[];
  readonly model: LogsModel;
  readonly faults: StandInFaults;
  /** Adds lines (each one event, timestamped now unless given) to a stream, creating group and stream as Lambda does. */
  append(logGroupName: string, logStreamName: string, lines: readonly (string | { readonly timestamp: number; readonly message: string })[]): void;
  /** The next `count` FilterLogEvents calls answer an empty page with a `nextToken` (AWS may, mid-search). */
  emptyPages(count: number): void;
  close(): Promise<void>;
}

/**
 * Copies lines a source keeps appending to (e.g. a hook runtime's `logs`) into a stream every
 * `intervalInMs`, as Lambda ships a function's output to CloudWatch Logs. Returns the stop function.
 */
export function shipLines(source: readonly string[], target: LogsStandIn, logGroupName: string, logStreamName: string, intervalInMs = 50): () => void {
  let shipped = 0;
  const ship = (): void => {
    if (source.length > shipped) target.append(logGroupName, logStreamName, source.slice(shipped));
    shipped = source.length;
  };
  const timer = setInterval(ship, intervalInMs);
  return () => {
    clearInterval(timer);
    ship();
  };
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startLogsStandIn(options: LogsModelOptions = {}): Promise<LogsStandIn> {
  const model = new LogsModel(options);
  const { faults, before } = createFaults({
    iamPrefix: 'logs',
    accessDeniedCode: 'AccessDeniedException',
    accessDeniedStatusCode: 400,
    throttlingCode: 'ThrottlingException',
    resource: `${model.arnOf('*')}`,
  });
  const server: AwsJsonServer = await startAwsJsonServer({
    targetPrefix: LOGS_TARGET_PREFIX,
    beforeHandle: async (call) => {
      const fault = await before(call.operation);
      if (fault) throw new AwsJsonError(fault.code, fault.message, fault.statusCode);
    },
    handlers: {
      CreateLogGroup: (i) => model.createLogGroup(i),
      CreateLogStream: (i) => model.createLogStream(i),
      PutLogEvents: (i) => model.putLogEvents(i),
      FilterLogEvents: (i) => model.filterLogEvents(i),
    },
  });
  return {
    endpoint: server.endpoint,
    calls: server.calls,
    model,
    faults,
    append: (group, stream, lines) =>
      model.append(
        group,
        stream,
        lines.map((l) => (typeof l === 'string' ? { timestamp: (options.clock ?? Date.now)(), message: l } : l)),
      ),
    emptyPages: (count) => {
      model.emptyPagesLeft += count;
    },
    close: () => server.close(),
  };
}
