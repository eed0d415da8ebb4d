import { Construct } from 'constructs';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { ResolvedRouting } from '../config/resolve';
import { allowIngress, type ApplicationLoadBalancer } from './load-balancer';

/** Listener attributes CodeDeploy rewrites during a release (Terraform names, emitted verbatim). */
export const CODEDEPLOY_OWNED_LISTENER_ATTRIBUTES = ['default_action'];

/** One of a service's two target groups (IP targets on the container port, the service's health check). */
export function serviceTargetGroup(
  scope: Construct,
  id: string,
  props: { readonly vpcId: string; readonly routing: Pick<ResolvedRouting, 'healthCheck' | 'deregistrationDelayInSeconds'>; readonly containerPort: number; readonly name: string },
): LbTargetGroup {
  const hc = props.routing.healthCheck;
  return new LbTargetGroup(scope, id, {
    name: props.name,
    port: props.containerPort,
    protocol: 'HTTP',
    targetType: 'ip',
    vpcId: props.vpcId,
    deregistrationDelay: String(props.routing.deregistrationDelayInSeconds),
    healthCheck: {
      enabled: true,
      path: hc.path,
      matcher: hc.matcher,
      protocol: 'HTTP',
      port: 'traffic-port',
      interval: hc.intervalInSeconds,
      timeout: hc.timeoutInSeconds,
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
    },
  });
}

/** Who may reach a service's test listener. */
export interface TestListenerAccess {
  /** Open it to 0.0.0.0/0 (explicit opt-in). */
  readonly allowPublicAccess: boolean;
  /** CIDRs besides the NAT addresses. */
  readonly allowedCidrs: readonly string[];
  /** NAT gateways' addresses (`/32`), where the hook calls from. */
  readonly natEgressCidrs: readonly string[];
}

/** Props of {@link ServiceListeners}. */
export interface ServiceListenersProps {
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly vpcId: string;
  /** Ports, health check and deregistration delay of the service's route. */
  readonly routing: ResolvedRouting;
  readonly containerPort: number;
  /** CIDRs allowed to the production listener. */
  readonly productionCidrs: readonly string[];
  readonly testAccess: TestListenerAccess;
  readonly certificateArn: string | undefined;
  readonly sslPolicy: string;
  readonly names: { readonly blueTargetGroup: string; readonly greenTargetGroup: string };
}

/**
 * One CodeDeploy service's route on a load balancer: the blue and green target groups, its
 * production and test listeners (CodeDeploy's two traffic routes), and the security group rules that
 * open their ports.
 */
export class ServiceListeners extends Construct {
  readonly blueTargetGroup: LbTargetGroup;
  readonly greenTargetGroup: LbTargetGroup;
  readonly productionListener: LbListener;
  readonly testListener: LbListener;
  /** Base URL of production traffic. */
  readonly productionUrl: string;
  /** Base URL of the test listener (always HTTP: see docs/stack.md). */
  readonly testUrl: string;

  constructor(scope: Construct, id: string, props: ServiceListenersProps) {
    super(scope, id);
    const r = props.routing;
    const https = props.certificateArn !== undefined;
    this.openPorts(props);
    const targetGroup = (tgId: string, name: string): LbTargetGroup => serviceTargetGroup(this, tgId, { vpcId: props.vpcId, routing: r, containerPort: props.containerPort, name });
    this.blueTargetGroup = targetGroup('BlueTargetGroup', props.names.blueTargetGroup);
    this.greenTargetGroup = targetGroup('GreenTargetGroup', props.names.greenTargetGroup);

    // Both listeners start on blue; from then on CodeDeploy owns `default_action` (it swaps the
    // target group at every release), so Terraform must never put it back. Each listener depends on
    // both target groups: after a swap it references green, and a destroy must not delete green first.
    const forwardToBlue = [{ type: 'forward', targetGroupArn: this.blueTargetGroup.arn }];
    const owned = { ignoreChanges: CODEDEPLOY_OWNED_LISTENER_ATTRIBUTES };
    const lbArn = props.loadBalancer.loadBalancer.arn;
    this.productionListener = new LbListener(this, 'ProductionListener', {
      loadBalancerArn: lbArn,
      port: r.productionPort,
      protocol: https ? 'HTTPS' : 'HTTP',
      ...(https ? { certificateArn: props.certificateArn, sslPolicy: props.sslPolicy } : {}),
      defaultAction: forwardToBlue,
      dependsOn: [this.blueTargetGroup, this.greenTargetGroup],
      lifecycle: owned,
    });
    this.testListener = new LbListener(this, 'TestListener', {
      loadBalancerArn: lbArn,
      port: r.testPort,
      protocol: 'HTTP',
      defaultAction: forwardToBlue,
      dependsOn: [this.blueTargetGroup, this.greenTargetGroup],
      lifecycle: owned,
    });

    const dns = props.loadBalancer.loadBalancer.dnsName;
    const defaultPort = https ? 443 : 80;
    const portSuffix = r.productionPort === defaultPort ? '' : `:${r.productionPort}`;
    this.productionUrl = `${https ? 'https' : 'http'}://${dns}${portSuffix}`;
    this.testUrl = `http://${dns}:${r.testPort}`;
  }

  /** Ingress rules of the production and test ports on the load balancer's security group. */
  private openPorts(props: ServiceListenersProps): void {
    const r = props.routing;
    const sg = props.loadBalancer.securityGroup.id;
    props.productionCidrs.forEach((cidr, i) => allowIngress(this, `ProductionIngress${i + 1}`, sg, r.productionPort, cidr, 'Production listener'));
    const test = props.testAccess;
    if (test.allowPublicAccess) {
      allowIngress(this, 'TestIngressPublic', sg, r.testPort, '0.0.0.0/0', 'Test listener, public by explicit opt-in (allowPublicAccess)');
    } else {
      test.natEgressCidrs.forEach((cidr, i) => allowIngress(this, `TestIngressNat${i + 1}`, sg, r.testPort, cidr, 'Test listener from the hook (NAT gateway)'));
      test.allowedCidrs.forEach((cidr, i) => allowIngress(this, `TestIngress${i + 1}`, sg, r.testPort, cidr, 'Test listener from a listed CIDR'));
    }
  }
}
