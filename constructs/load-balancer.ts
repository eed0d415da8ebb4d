import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { ResolvedEnvironment } from '../config/environment';
import { isIpv6Cidr } from '../config/subnets';

/** Props of {@link BlueGreenLoadBalancer}. */
export interface BlueGreenLoadBalancerProps {
  readonly vpcId: string;
  readonly publicSubnetIds: readonly string[];
  /** Addresses (CIDRs) of the NAT gateways the hook calls the test listener from. */
  readonly natEgressCidrs: readonly string[];
  readonly loadBalancer: ResolvedEnvironment['loadBalancer'];
  readonly testListener: ResolvedEnvironment['testListener'];
  readonly containerPort: number;
  readonly names: { readonly loadBalancer: string; readonly blueTargetGroup: string; readonly greenTargetGroup: string; readonly securityGroup: string };
}

/** Listener attributes CodeDeploy rewrites during a release (Terraform names, emitted verbatim). */
export const CODEDEPLOY_OWNED_LISTENER_ATTRIBUTES = ['default_action'];

/**
 * The ALB, its security group, the blue and green target groups, and the production and test
 * listeners (plus an HTTP→HTTPS redirect with a certificate).
 */
export class BlueGreenLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  readonly blueTargetGroup: LbTargetGroup;
  readonly greenTargetGroup: LbTargetGroup;
  readonly productionListener: LbListener;
  readonly testListener: LbListener;
  /** Base URL of production traffic. */
  readonly productionUrl: string;
  /** Base URL of the test listener (always HTTP: see docs/stack.md). */
  readonly testUrl: string;

  constructor(scope: Construct, id: string, props: BlueGreenLoadBalancerProps) {
    super(scope, id);
    const lb = props.loadBalancer;
    const https = lb.certificateArn !== undefined;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: props.names.securityGroup,
      description: 'Load balancer: production and test listeners',
      vpcId: props.vpcId,
      tags: { Name: props.names.securityGroup },
    });
    const allow = (ruleId: string, port: number, cidr: string, description: string): void => {
      new VpcSecurityGroupIngressRule(this, ruleId, {
        securityGroupId: this.securityGroup.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        ...(isIpv6Cidr(cidr) ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
        description,
      });
    };
    lb.allowedCidrs.forEach((cidr, i) => {
      allow(`ProductionIngress${i + 1}`, lb.productionPort, cidr, 'Production listener');
      if (https) allow(`RedirectIngress${i + 1}`, 80, cidr, 'HTTP to HTTPS redirect');
    });
    if (props.testListener.allowPublicAccess) {
      allow('TestIngressPublic', props.testListener.port, '0.0.0.0/0', 'Test listener, public by explicit opt-in (allowPublicAccess)');
    } else {
      props.natEgressCidrs.forEach((cidr, i) => allow(`TestIngressNat${i + 1}`, props.testListener.port, cidr, 'Test listener from the hook (NAT gateway)'));
      props.testListener.allowedCidrs.forEach((cidr, i) => allow(`TestIngress${i + 1}`, props.testListener.port, cidr, 'Test listener from a listed CIDR'));
    }

    this.loadBalancer = new Lb(this, 'LoadBalancer', {
      name: props.names.loadBalancer,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [this.securityGroup.id],
      subnets: [...props.publicSubnetIds],
      idleTimeout: lb.idleTimeoutInSeconds,
      dropInvalidHeaderFields: true,
    });

    const hc = lb.healthCheck;
    const targetGroup = (tgId: string, name: string): LbTargetGroup =>
      new LbTargetGroup(this, tgId, {
        name,
        port: props.containerPort,
        protocol: 'HTTP',
        targetType: 'ip',
        vpcId: props.vpcId,
        deregistrationDelay: String(lb.deregistrationDelayInSeconds),
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
    this.blueTargetGroup = targetGroup('BlueTargetGroup', props.names.blueTargetGroup);
    this.greenTargetGroup = targetGroup('GreenTargetGroup', props.names.greenTargetGroup);

    // Both listeners start on blue; from then on CodeDeploy owns `default_action` (it swaps the
    // target group at every release), so Terraform must never put it back. Each listener depends on
    // both target groups: after a swap it references green, and a destroy must not delete green first.
    const forwardToBlue = [{ type: 'forward', targetGroupArn: this.blueTargetGroup.arn }];
    const owned = { ignoreChanges: CODEDEPLOY_OWNED_LISTENER_ATTRIBUTES };
    this.productionListener = new LbListener(this, 'ProductionListener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: lb.productionPort,
      protocol: https ? 'HTTPS' : 'HTTP',
      ...(https ? { certificateArn: lb.certificateArn, sslPolicy: lb.sslPolicy } : {}),
      defaultAction: forwardToBlue,
      dependsOn: [this.blueTargetGroup, this.greenTargetGroup],
      lifecycle: owned,
    });
    this.testListener = new LbListener(this, 'TestListener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: props.testListener.port,
      protocol: 'HTTP',
      defaultAction: forwardToBlue,
      dependsOn: [this.blueTargetGroup, this.greenTargetGroup],
      lifecycle: owned,
    });
    if (https) {
      new LbListener(this, 'RedirectListener', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: String(lb.productionPort), statusCode: 'HTTP_301' } }],
      });
    }

    const defaultPort = https ? 443 : 80;
    const portSuffix = lb.productionPort === defaultPort ? '' : `:${lb.productionPort}`;
    this.productionUrl = `${https ? 'https' : 'http'}://${this.loadBalancer.dnsName}${portSuffix}`;
    this.testUrl = `http://${this.loadBalancer.dnsName}:${props.testListener.port}`;
  }
}
