/**
 * A local stand-in for Elastic Load Balancing v2 over real HTTP (the Query protocol: form-encoded
 * POST, XML answers): DescribeTargetGroups and DescribeTargetHealth of `ip` target groups whose
 * targets' health the test sets, with fault injection.
 *
 * ```ts
 * const elbv2 = await startElbv2StandIn({ targetGroups: [{ name: 'web-green', targets: [
 *   { id: '10.0.1.23', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' } ] }] });
 * const client = new ElasticLoadBalancingV2Client({ endpoint: elbv2.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 * elbv2.faults.deny('DescribeTargetHealth');   // AccessDenied naming elasticloadbalancing:DescribeTargetHealth
 * ```
 */
import { AwsQueryError, AwsQueryServer, RecordedQueryCall, startAwsQueryServer } from '../aws-query-server';
import { createFaults, StandInFaults } from '../aws-faults';
import { Elbv2Model, Elbv2ModelOptions } from './model';

export { Elbv2Model } from './model';
export type { Elbv2ModelOptions, TargetGroupSpec, TargetSpec } from './model';

/** The API version and XML namespace of ELBv2 (botocore's `elbv2/2015-12-01` model). */
export const ELBV2_VERSION = '2015-12-01';
export const ELBV2_XML_NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

/** A running stand-in. */
export interface Elbv2StandIn {
  /** The SDK's `endpoint`, the AWS CLI's `--endpoint-url`, or `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`. */
  readonly endpoint: string;
  readonly calls: RecordedQueryCall[];
  readonly model: Elbv2Model;
  readonly faults: StandInFaults;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startElbv2StandIn(options: Elbv2ModelOptions = {}): Promise<Elbv2StandIn> {
  const model = new Elbv2Model(options);
  const { faults, before } = createFaults({
    iamPrefix: 'elasticloadbalancing',
    accessDeniedCode: 'AccessDenied',
    accessDeniedStatusCode: 403,
    throttlingCode: 'Throttling',
    resource: `arn:aws:elasticloadbalancing:${options.region ?? 'us-east-1'}:${options.accountId ?? '123456789012'}:targetgroup/*`,
  });
  const server: AwsQueryServer = await startAwsQueryServer({
    version: ELBV2_VERSION,
    xmlNamespace: ELBV2_XML_NAMESPACE,
    beforeHandle: async (call) => {
      const fault = await before(call.operation);
      if (fault) throw new AwsQueryError(fault.code, fault.message, fault.statusCode);
    },
    handlers: {
      DescribeTargetGroups: (i) => model.describeTargetGroups(i),
      DescribeTargetHealth: (i) => model.describeTargetHealth(i),
    },
  });
  return { endpoint: server.endpoint, calls: server.calls, model, faults, close: () => server.close() };
}
