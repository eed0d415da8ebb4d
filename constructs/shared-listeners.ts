import { Construct } from 'constructs';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { loadBalancerKey } from '../config/routes';
import { listenerOf, type PlannedListener } from '../config/native-routes';
import type { ResolvedEnvironment, ResolvedService } from '../config/resolve';
import { allowIngress, type ApplicationLoadBalancer } from './load-balancer';
import type { TestListenerAccess } from './service-listeners';

/** Who may reach the listeners of one load balancer, by role. */
export interface ListenerAccess {
  /** CIDRs allowed to production listeners. */
  readonly productionCidrs: readonly string[];
  readonly test: TestListenerAccess;
  readonly certificateArn: string | undefined;
  readonly sslPolicy: string;
  readonly vpcId: string;
  /** Name of the empty target group the shared listeners of a load balancer forward unmatched requests to. */
  readonly unroutedTargetGroupName: (loadBalancer: ApplicationLoadBalancer) => string;
}

/**
 * A listener the platform creates for ECS-native rules on a port no service owns: HTTPS (with the
 * certificate) or HTTP for production, HTTP for test, its port opened to the same sources as a
 * service's listener of that role. Its default action forwards to an empty target group, so a
 * request no rule matches gets 503, and every action on the listener is a forward (ECS blue/green
 * deployments fail on a listener whose rules mix forward with other actions).
 */
export class SharedListener extends Construct {
  readonly listener: LbListener;

  constructor(scope: ApplicationLoadBalancer, id: string, props: { readonly port: number; readonly role: 'production' | 'test'; readonly unrouted: LbTargetGroup; readonly access: ListenerAccess }) {
    super(scope, id);
    const a = props.access;
    const https = props.role === 'production' && a.certificateArn !== undefined;
    const sg = scope.securityGroup.id;
    if (props.role === 'production') {
      a.productionCidrs.forEach((cidr, i) => allowIngress(this, `Ingress${i + 1}`, sg, props.port, cidr, 'Production listener of ECS-native rules'));
    } else if (a.test.allowPublicAccess) {
      allowIngress(this, 'IngressPublic', sg, props.port, '0.0.0.0/0', 'Test listener of ECS-native rules, public by explicit opt-in (allowPublicAccess)');
    } else {
      a.test.natEgressCidrs.forEach((cidr, i) => allowIngress(this, `IngressNat${i + 1}`, sg, props.port, cidr, 'Test listener of ECS-native rules from the hook (NAT gateway)'));
      a.test.allowedCidrs.forEach((cidr, i) => allowIngress(this, `Ingress${i + 1}`, sg, props.port, cidr, 'Test listener of ECS-native rules from a listed CIDR'));
    }
    this.listener = new LbListener(this, 'Listener', {
      loadBalancerArn: scope.loadBalancer.arn,
      port: props.port,
      protocol: https ? 'HTTPS' : 'HTTP',
      ...(https ? { certificateArn: a.certificateArn, sslPolicy: a.sslPolicy } : {}),
      defaultAction: [{ type: 'forward', targetGroupArn: props.unrouted.arn }],
    });
  }
}

/**
 * The listeners ECS-native rules go on, by load balancer and port (config/native-routes.ts plans them):
 * a service that owns its listeners registers them; a port no service owns gets a {@link SharedListener}
 * (and its load balancer one empty target group) the first time a rule needs it.
 */
export class ListenerRegistry {
  private readonly byKey = new Map<string, LbListener>();
  private readonly unrouted = new Map<ApplicationLoadBalancer, LbTargetGroup>();

  constructor(
    private readonly env: ResolvedEnvironment,
    private readonly access: ListenerAccess,
  ) {}

  /** Records the production and test listener a service owns. */
  register(service: ResolvedService, listeners: { readonly productionListener: LbListener; readonly testListener: LbListener }): void {
    const lb = loadBalancerKey({ name: service.name, loadBalancer: service.routing.loadBalancer });
    this.byKey.set(`${lb}:${service.routing.productionPort}`, listeners.productionListener);
    this.byKey.set(`${lb}:${service.routing.testPort}`, listeners.testListener);
  }

  /**
   * The listener a native service's production or test rule goes on.
   * @throws Error when a service owns that listener but was not built yet (build owners first)
   */
  listenerFor(service: ResolvedService, role: 'production' | 'test', loadBalancer: ApplicationLoadBalancer): LbListener {
    const planned: PlannedListener = listenerOf(this.env, service, role);
    const found = this.byKey.get(planned.key);
    if (found) return found;
    if (planned.owner !== undefined) {
      const owner = this.env.services.find((s) => s.name === planned.owner);
      throw new Error(`the ${role} rule of ${service.field} goes on port ${planned.port}, the ${planned.role} listener of ${owner?.field ?? planned.owner}: build that service before ${service.field}`);
    }
    const shared = new SharedListener(loadBalancer, `SharedListener${planned.port}`, { port: planned.port, role, unrouted: this.unroutedOf(loadBalancer), access: this.access });
    this.byKey.set(planned.key, shared.listener);
    return shared.listener;
  }

  private unroutedOf(loadBalancer: ApplicationLoadBalancer): LbTargetGroup {
    let tg = this.unrouted.get(loadBalancer);
    if (!tg) {
      // No targets, ever: the default action of the shared listeners (503 for a request no rule matches).
      tg = new LbTargetGroup(loadBalancer, 'UnroutedTargetGroup', {
        name: this.access.unroutedTargetGroupName(loadBalancer),
        port: 80,
        protocol: 'HTTP',
        targetType: 'ip',
        vpcId: this.access.vpcId,
      });
      this.unrouted.set(loadBalancer, tg);
    }
    return tg;
  }
}

/** Base URL of a listener of a load balancer: HTTPS only for a production port with a certificate. */
export function listenerUrl(dnsName: string, port: number, https: boolean): string {
  const defaultPort = https ? 443 : 80;
  return `${https ? 'https' : 'http'}://${dnsName}${port === defaultPort ? '' : `:${port}`}`;
}
