/**
 * Pure IPv4 arithmetic for the VPC the stack creates: syntax checks and the subnet layout. No cdktf
 * imports. Computing the subnet CIDRs here (instead of `cidrsubnet()` in Terraform) keeps them
 * visible in the synthesized JSON and testable with `toEqual`.
 */
import { isIPv6 } from 'node:net';

/** Extra prefix bits of each subnet: a /16 VPC gets /20 subnets (4,096 addresses each). */
export const SUBNET_EXTRA_BITS = 4;

/** Index of the first private subnet; public subnets take 0..7, private ones 8..15. */
export const PRIVATE_SUBNET_OFFSET = 8;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parsed IPv4 CIDR. */
export interface Ipv4Cidr {
  /** Address as an unsigned 32-bit number. */
  readonly address: number;
  readonly prefixLength: number;
}

/** Parses `a.b.c.d/n`; undefined when the text is not an IPv4 CIDR. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match || !IPV4.test(match[1]!)) return undefined;
  const prefixLength = Number(match[2]);
  if (prefixLength > 32) return undefined;
  const address = match[1]!.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return { address, prefixLength };
}

/** True for an IPv4 CIDR (`10.0.0.0/16`) or an IPv6 CIDR (`2001:db8::/32`). */
export function isCidr(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  if (parseIpv4Cidr(text)) return true;
  const match = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text);
  return match !== null && isIPv6(match[1]!) && Number(match[2]) <= 128;
}

/** True when the CIDR is IPv6. */
export function isIpv6Cidr(text: string): boolean {
  return isCidr(text) && parseIpv4Cidr(text) === undefined;
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** The VPC's subnet CIDRs: one public (and, with NAT, one private) subnet per availability zone. */
export interface SubnetLayout {
  readonly publicCidrs: readonly string[];
  readonly privateCidrs: readonly string[];
}

/**
 * Splits the VPC CIDR into `/prefix+4` subnets: public subnets first, private subnets from index 8.
 * Host bits of the VPC CIDR are ignored (the network address is used).
 */
export function subnetLayout(vpcCidr: string, availabilityZoneCount: number, withPrivate: boolean): SubnetLayout {
  const parsed = parseIpv4Cidr(vpcCidr);
  if (!parsed) throw new Error(`subnetLayout: ${JSON.stringify(vpcCidr)} is not an IPv4 CIDR`);
  const prefixLength = parsed.prefixLength + SUBNET_EXTRA_BITS;
  const size = 2 ** (32 - prefixLength);
  const network = parsed.address - (parsed.address % 2 ** (32 - parsed.prefixLength));
  const cidr = (index: number): string => `${formatIpv4(network + index * size)}/${prefixLength}`;
  const indexes = Array.from({ length: availabilityZoneCount }, (_, i) => i);
  return {
    publicCidrs: indexes.map((i) => cidr(i)),
    privateCidrs: withPrivate ? indexes.map((i) => cidr(PRIVATE_SUBNET_OFFSET + i)) : [],
  };
}
