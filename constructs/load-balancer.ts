import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { isIpv6Cidr } from '../config/subnets';

/** Props of {@link ApplicationLoadBalancer}. */
export interface ApplicationLoadBalancerProps {
  readonly vpcId: string;
  readonly publicSubnetIds: readonly string[];
  /**
   * ACM certificate of the HTTPS production listeners; with it, port 80 redirects to HTTPS.
   * @default - HTTP only, no redirect
   */
  readonly certificateArn?: string;
  /**
   * Port the HTTP redirect sends clients to (the first service's production port).
   * @default 443
   */
  readonly redirectToPort?: number;
  /** CIDRs allowed to the production listeners and the redirect. */
  readonly allowedCidrs: readonly string[];
  readonly idleTimeoutInSeconds: number;
  readonly names: { readonly loadBalancer: string; readonly securityGroup: string };
  /**
   * Deletion protection (`loadBalancer.deletionProtection`).
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Where to write access logs (`loadBalancer.accessLogs`).
   * @default - no access logs
   */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string; readonly ready: readonly ITerraformDependable[] };
}

/** Allows `port` from `cidr` in `securityGroupId` (IPv4 or IPv6 by the CIDR). */
export function allowIngress(scope: Construct, id: string, securityGroupId: string, port: number, cidr: string, description: string): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    ...(isIpv6Cidr(cidr) ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
    description,
  });
}

/**
 * An internet-facing Application Load Balancer, its security group and, with a certificate, the
 * HTTP→HTTPS redirect on port 80. The listeners of each service are added by {@link ServiceListeners}:
 * CodeDeploy's traffic routes are listeners, so every service owns a production and a test listener.
 */
export class ApplicationLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  /** True when the production listeners speak HTTPS. */
  readonly https: boolean;

  constructor(scope: Construct, id: string, props: ApplicationLoadBalancerProps) {
    super(scope, id);
    this.https = props.certificateArn !== undefined;
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: props.names.securityGroup,
      description: 'Load balancer: production and test listeners',
      vpcId: props.vpcId,
      tags: { Name: props.names.securityGroup },
    });
    if (this.https) {
      props.allowedCidrs.forEach((cidr, i) => allowIngress(this, `RedirectIngress${i + 1}`, this.securityGroup.id, 80, cidr, 'HTTP to HTTPS redirect'));
    }
    this.loadBalancer = new Lb(this, 'LoadBalancer', {
      name: props.names.loadBalancer,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [this.securityGroup.id],
      subnets: [...props.publicSubnetIds],
      idleTimeout: props.idleTimeoutInSeconds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
      ...(props.accessLogs ? { accessLogs: { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true } } : {}),
      // Elastic Load Balancing checks that it may write to the bucket when the logs are turned on.
      ...(props.accessLogs ? { dependsOn: [...props.accessLogs.ready] } : {}),
    });
    if (this.https) {
      new LbListener(this, 'RedirectListener', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: String(props.redirectToPort ?? 443), statusCode: 'HTTP_301' } }],
      });
    }
  }
}
