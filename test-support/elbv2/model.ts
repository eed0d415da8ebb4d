/**
 * The state of the ELBv2 stand-in: target groups of type `ip` (as Fargate services use) and the
 * health of their targets, with DescribeTargetGroups and DescribeTargetHealth as the API defines
 * them (filters, paging with `Marker`, errors). No HTTP here (index.ts).
 */
import { AwsQueryError } from '../aws-query-server';

/** A target's health as a test sets it. */
export interface TargetSpec {
  /** IP address. */
  readonly id: string;
  /** @default the target group's port */
  readonly port?: number;
  /** @default 'us-east-1a' */
  readonly availabilityZone?: string;
  /** TargetHealthStateEnum: `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`, `unhealthy.draining`. */
  readonly state: string;
  /** TargetHealthReasonEnum, e.g. `Target.FailedHealthChecks`. @default - none */
  readonly reason?: string;
  /** @default - none */
  readonly description?: string;
}

/** A target group as a test declares it. */
export interface TargetGroupSpec {
  readonly name: string;
  /** @default 80 */
  readonly port?: number;
  /** @default '/' */
  readonly healthCheckPath?: string;
  /** @default [] */
  readonly targets?: readonly TargetSpec[];
}

/** Options of {@link Elbv2Model}. */
export interface Elbv2ModelOptions {
  readonly targetGroups?: readonly TargetGroupSpec[];
  /** @default '123456789012' */
  readonly accountId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
}

const validation = (message: string): AwsQueryError => new AwsQueryError('ValidationError', message);
const notFound = (): AwsQueryError => new AwsQueryError('TargetGroupNotFound', 'One or more target groups not found');

/** DescribeTargetGroups' largest page (ELBv2 API reference: PageSize 1-400). */
const MAX_PAGE_SIZE = 400;

interface Group {
  readonly spec: TargetGroupSpec;
  readonly arn: string;
  targets: TargetSpec[];
}

/** The stand-in's target groups. */
export class Elbv2Model {
  private readonly groups: Group[] = [];

  constructor(private readonly options: Elbv2ModelOptions = {}) {
    for (const spec of options.targetGroups ?? []) this.addTargetGroup(spec);
  }

  /** Declares a target group; returns its ARN. */
  addTargetGroup(spec: TargetGroupSpec): string {
    const id = (this.groups.length + 1).toString(16).padStart(16, '0');
    const arn = `arn:aws:elasticloadbalancing:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '123456789012'}:targetgroup/${spec.name}/${id}`;
    this.groups.push({ spec, arn, targets: [...(spec.targets ?? [])] });
    return arn;
  }

  /** Replaces the targets (and their health) of a target group. */
  setTargets(name: string, targets: readonly TargetSpec[]): void {
    const g = this.groups.find((x) => x.spec.name === name);
    if (!g) throw new Error(`no target group ${name} in the ELBv2 stand-in`);
    g.targets = [...targets];
  }

  private describe(g: Group): Record<string, unknown> {
    const port = g.spec.port ?? 80;
    return {
      TargetGroupArn: g.arn,
      TargetGroupName: g.spec.name,
      Protocol: 'HTTP',
      Port: port,
      VpcId: 'vpc-0123456789abcdef0',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: g.spec.healthCheckPath ?? '/',
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [],
      TargetType: 'ip',
      ProtocolVersion: 'HTTP1',
      IpAddressType: 'ipv4',
    };
  }

  describeTargetGroups(input: { LoadBalancerArn?: string; TargetGroupArns?: string[]; Names?: string[]; Marker?: string; PageSize?: string }): object {
    const filters = [input.LoadBalancerArn, input.TargetGroupArns, input.Names].filter((x) => x !== undefined);
    if (filters.length > 1) throw validation('Only one of LoadBalancerArn, TargetGroupArns and Names can be specified');
    const found = (g: Group | undefined): Group => {
      if (!g) throw notFound();
      return g;
    };
    let groups = this.groups;
    if (input.Names) {
      groups = input.Names.map((n) => found(this.groups.find((g) => g.spec.name === n)));
    } else if (input.TargetGroupArns) {
      groups = input.TargetGroupArns.map((a) => found(this.groups.find((g) => g.arn === a)));
    } else if (input.LoadBalancerArn) {
      // The stand-in's target groups belong to no load balancer.
      groups = [];
    }
    const size = input.PageSize === undefined ? MAX_PAGE_SIZE : Number(input.PageSize);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw validation(`1 validation error detected: Value '${input.PageSize}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and ${MAX_PAGE_SIZE}`);
    const start = input.Marker === undefined ? 0 : Number(Buffer.from(input.Marker, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw validation('Invalid Marker');
    const page = groups.slice(start, start + size);
    return {
      TargetGroups: page.map((g) => this.describe(g)),
      ...(start + size < groups.length ? { NextMarker: Buffer.from(String(start + size)).toString('base64') } : {}),
    };
  }

  describeTargetHealth(input: { TargetGroupArn?: string; Targets?: { Id?: string; Port?: string }[] }): object {
    if (!input.TargetGroupArn) throw validation("1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null");
    const g = this.groups.find((x) => x.arn === input.TargetGroupArn);
    if (!g) throw notFound();
    const port = g.spec.port ?? 80;
    const registered = g.targets.map((t) => ({ ...t, port: t.port ?? port }));
    const selected = input.Targets
      ? input.Targets.map((want) => {
          const wantPort = want.Port === undefined ? undefined : Number(want.Port);
          const t = registered.find((r) => r.id === want.Id && (wantPort === undefined || r.port === wantPort));
          // Asking for a target that is not registered answers it as unused, not as an error.
          return t ?? { id: want.Id ?? '', port: wantPort ?? port, state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group' };
        })
      : registered;
    return {
      TargetHealthDescriptions: selected.map((t) => ({
        Target: { Id: t.id, Port: t.port, AvailabilityZone: ('availabilityZone' in t ? t.availabilityZone : undefined) ?? 'us-east-1a' },
        HealthCheckPort: String(t.port),
        TargetHealth: { State: t.state, ...(t.reason ? { Reason: t.reason } : {}), ...(t.description ? { Description: t.description } : {}) },
      })),
    };
  }
}
