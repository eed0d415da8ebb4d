import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import type { ResolvedEnvironment } from '../config/environment';
import { subnetLayout } from '../config/subnets';
import { VpcSecurity, type VpcSecurityProps } from './network-security';

/** Props of {@link Network}. */
export interface NetworkProps {
  /** The environment's (validated) network settings. */
  readonly network: ResolvedEnvironment['network'];
  /** Prefix of the `Name` tags. */
  readonly namePrefix: string;
  /**
   * What a new VPC's security controls need (default security group, flow logs, endpoints).
   * @default - none of them, whatever the settings say
   */
  readonly security?: Omit<VpcSecurityProps, 'network' | 'vpcId' | 'vpcCidrBlock' | 'privateSubnetIds' | 'privateRouteTableIds'>;
}

/**
 * The VPC the service runs in: a new one (public subnets in 2+ AZs, and private subnets behind NAT
 * when `natGatewayCount > 0`), or an existing one given by ids.
 */
export class Network extends Construct {
  readonly vpcId: string;
  /** Subnets of the load balancer. */
  readonly publicSubnetIds: string[];
  /** Private subnets (empty without NAT): the tasks and the hook run here when there are any. */
  readonly privateSubnetIds: string[];
  /** Public addresses of the NAT gateways, as `/32` CIDRs (empty for an existing VPC: the user lists them). */
  readonly natEgressCidrs: string[];
  /** Route tables of the private subnets (empty for an existing VPC or without NAT). */
  readonly privateRouteTableIds: string[] = [];
  /** The default security group, flow logs and endpoints of a new VPC. */
  readonly security: VpcSecurity | undefined;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const n = props.network;
    if (n.mode === 'existing') {
      this.vpcId = n.vpcId;
      this.publicSubnetIds = [...n.publicSubnetIds];
      this.privateSubnetIds = [...n.privateSubnetIds];
      this.natEgressCidrs = [];
      this.security = undefined;
      return;
    }

    // Regular zones only: Local and Wavelength Zones (opt-in) lack Fargate and ALB.
    const zones = new DataAwsAvailabilityZones(this, 'AvailabilityZones', {
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    const layout = subnetLayout(n.cidrBlock, n.availabilityZoneCount, n.natGatewayCount > 0);
    const vpc = new Vpc(this, 'Vpc', {
      cidrBlock: n.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.namePrefix },
    });
    const igw = new InternetGateway(this, 'InternetGateway', { vpcId: vpc.id, tags: { Name: props.namePrefix } });
    const publicSubnets = this.publicSubnets(vpc.id, igw.id, layout.publicCidrs, zones.names, props.namePrefix);
    const nats = this.natGateways(n.natGatewayCount, publicSubnets, igw, props.namePrefix);

    const privateSubnets = this.privateSubnets(vpc.id, layout.privateCidrs, zones.names, nats.map((x) => x.nat.id), props.namePrefix);

    this.vpcId = vpc.id;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.natEgressCidrs = nats.map(({ eip }) => `${eip.publicIp}/32`);
    this.security = props.security
      ? new VpcSecurity(this, 'Security', {
          ...props.security,
          network: n,
          vpcId: vpc.id,
          vpcCidrBlock: n.cidrBlock,
          privateSubnetIds: this.privateSubnetIds,
          privateRouteTableIds: this.privateRouteTableIds,
        })
      : undefined;
  }

  /** A public subnet per zone, all on one route table whose default route is the internet gateway. */
  private publicSubnets(vpcId: string, internetGatewayId: string, cidrs: readonly string[], zoneNames: string[], namePrefix: string): Subnet[] {
    const publicRoutes = new RouteTable(this, 'PublicRouteTable', { vpcId, tags: { Name: `${namePrefix}-public` } });
    new Route(this, 'PublicDefaultRoute', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: internetGatewayId });
    return cidrs.map((cidr, i) => {
      const subnet = new Subnet(this, `PublicSubnet${i + 1}`, {
        vpcId,
        cidrBlock: cidr,
        availabilityZone: Fn.element(zoneNames, i),
        // Tasks that run here (no NAT) get their public address from the service's assign_public_ip.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${namePrefix}-public-${i + 1}` },
      });
      new RouteTableAssociation(this, `PublicSubnet${i + 1}RouteTable`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      return subnet;
    });
  }

  /** `count` NAT gateways, one per public subnet from the first, each with its Elastic IP. */
  private natGateways(count: number, publicSubnets: readonly Subnet[], internetGateway: InternetGateway, namePrefix: string): { eip: Eip; nat: NatGateway }[] {
    return Array.from({ length: count }, (_, i) => {
      const eip = new Eip(this, `NatAddress${i + 1}`, { domain: 'vpc', tags: { Name: `${namePrefix}-nat-${i + 1}` } });
      const nat = new NatGateway(this, `NatGateway${i + 1}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i]!.id,
        tags: { Name: `${namePrefix}-${i + 1}` },
        dependsOn: [internetGateway],
      });
      return { eip, nat };
    });
  }

  /** A private subnet per zone, each with a route table whose default route goes out through a NAT gateway. */
  private privateSubnets(vpcId: string, cidrs: readonly string[], zoneNames: string[], natIds: readonly string[], namePrefix: string): Subnet[] {
    return cidrs.map((cidr, i) => {
      const subnet = new Subnet(this, `PrivateSubnet${i + 1}`, {
        vpcId,
        cidrBlock: cidr,
        availabilityZone: Fn.element(zoneNames, i),
        tags: { Name: `${namePrefix}-private-${i + 1}` },
      });
      const routes = new RouteTable(this, `PrivateRouteTable${i + 1}`, { vpcId, tags: { Name: `${namePrefix}-private-${i + 1}` } });
      // Fewer NAT gateways than zones (cheaper, less available): zones share them round-robin.
      new Route(this, `PrivateDefaultRoute${i + 1}`, { routeTableId: routes.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: natIds[i % natIds.length]! });
      new RouteTableAssociation(this, `PrivateSubnet${i + 1}RouteTable`, { subnetId: subnet.id, routeTableId: routes.id });
      this.privateRouteTableIds.push(routes.id);
      return subnet;
    });
  }
}
