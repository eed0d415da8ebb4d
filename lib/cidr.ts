/**
 * CIDR blocks as sets of addresses: strict parsing of IPv4 and IPv6 CIDRs, and how much of the
 * public internet a list of them lets in, judged by the UNION of the ranges rather than by how they
 * are written (`0.0.0.0/1` + `128.0.0.0/1` is all of IPv4 exactly as `0.0.0.0/0` is).
 *
 * Pure: no I/O, no dependencies beyond `node:net`'s address syntax check. Addresses are BigInts
 * (IPv6 needs 128 bits). Shared by the stack's validation, the synth warning and the plan reporter,
 * so all three give the same verdict for the same ranges.
 */
import { isIPv6 } from 'node:net';

/** Address family of a CIDR block. */
export type IpFamily = 'ipv4' | 'ipv6';

/** Address width in bits of each family. */
export const FAMILY_BITS: Readonly<Record<IpFamily, number>> = { ipv4: 32, ipv6: 128 };

/** A parsed CIDR block: the inclusive range `first`..`last` of addresses it covers. */
export interface Cidr {
  readonly family: IpFamily;
  /** The text as written. */
  readonly text: string;
  /** Network address/prefix in canonical form (host bits cleared, IPv6 per RFC 5952): `10.0.0.0/8`, `2001:db8::/32`. */
  readonly canonical: string;
  readonly prefixLength: number;
  /** First address (the network address), as an unsigned integer. */
  readonly first: bigint;
  /** Last address, as an unsigned integer. */
  readonly last: bigint;
}

/** Bad CIDR text. `problems` holds one message per bad value, each naming the value and what is allowed. */
export class CidrError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'CidrError';
  }
}

/** Options of {@link parseCidr}. */
export interface ParseCidrOptions {
  /**
   * Accept an address with bits set after the prefix (`10.0.0.1/8`) and read it as its network
   * (`10.0.0.0/8`). Off by default because the AWS provider refuses such blocks in security group
   * rules (`cidr_blocks`, `cidr_ipv4`, `cidr_ipv6`: "must be a CIDR network address"); on for
   * reading values that already passed through Terraform, e.g. a plan.
   * @default false
   */
  readonly allowHostBits?: boolean;
}

const ALLOWED = 'expected an IPv4 block a.b.c.d/n (n from 0 to 32) or an IPv6 block such as 2001:db8::/32 (n from 0 to 128)';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The reason `address` is not a dotted-quad IPv4 address, or undefined when it is one. */
function ipv4Problem(address: string): string | undefined {
  const octets = address.split('.');
  if (octets.length !== 4) return `an IPv4 address has 4 dot-separated octets, got ${octets.length}`;
  for (const [i, octet] of octets.entries()) {
    if (!/^\d{1,3}$/.test(octet)) return `octet ${i + 1} (${show(octet)}) is not a number from 0 to 255`;
    if (octet.length > 1 && octet.startsWith('0')) return `octet ${i + 1} (${show(octet)}) has a leading zero (ambiguous: octal in some parsers)`;
    if (Number(octet) > 255) return `octet ${i + 1} (${octet}) is over 255`;
  }
  return undefined;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** 16-bit groups of a valid IPv6 address (an embedded dotted IPv4 tail becomes its two groups). */
function ipv6Groups(address: string): number[] {
  const text = address.replace(/(\d+\.\d+\.\d+\.\d+)$/, (v4) => {
    const value = Number(ipv4ToBigInt(v4));
    return `${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  });
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head, rest] = text.split('::') as [string, string | undefined];
  if (rest === undefined) return parse(head);
  const left = parse(head);
  const right = parse(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv6ToBigInt(address: string): bigint {
  return ipv6Groups(address).reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
}

/** Text of an address in its family's canonical form (IPv6: RFC 5952 §4, lower case, longest zero run as `::`). */
export function formatAddress(family: IpFamily, value: bigint): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not shortened.
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Parses one CIDR block, or returns the reason it is not one (a sentence naming the value and what is allowed). */
export function tryParseCidr(text: unknown, options: ParseCidrOptions = {}): { cidr: Cidr } | { error: string } {
  const fail = (why: string): { error: string } => ({ error: `${show(text)} is not a CIDR block: ${why}; ${ALLOWED}` });
  if (typeof text !== 'string') return fail(`it is ${kindOf(text)}, not text`);
  if (text !== text.trim()) return fail('it has leading or trailing whitespace');
  const slash = text.indexOf('/');
  if (slash < 0) return fail('it has no /prefix length (write a single address as /32 or /128)');
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family: IpFamily = address.includes(':') ? 'ipv6' : 'ipv4';
  const bits = FAMILY_BITS[family];
  if (family === 'ipv4') {
    const problem = ipv4Problem(address);
    if (problem) return fail(problem);
  } else if (address.includes('%')) {
    return fail('an IPv6 zone index (%…) has no meaning in a CIDR block');
  } else if (!isIPv6(address)) {
    return fail(`${show(address)} is not an IPv6 address`);
  }
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return fail(`the prefix length ${show(prefixText)} is not a whole number without leading zeros`);
  const prefixLength = Number(prefixText);
  if (prefixLength > bits) return fail(`the prefix length /${prefixLength} is over /${bits}, the ${family === 'ipv4' ? 'IPv4' : 'IPv6'} maximum`);
  const value = family === 'ipv4' ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostBits = BigInt(bits - prefixLength);
  const hostMask = (1n << hostBits) - 1n;
  const first = value & ~hostMask;
  const canonical = `${formatAddress(family, first)}/${prefixLength}`;
  if (value !== first && options.allowHostBits !== true) {
    return { error: `${show(text)} is not a CIDR network address: bits are set after the /${prefixLength} prefix; did you mean ${canonical}?` };
  }
  return { cidr: { family, text, canonical, prefixLength, first, last: first | hostMask } };
}

/**
 * Parses one CIDR block. Strict: four decimal octets without leading zeros (IPv4), a valid IPv6
 * address without a zone index, a prefix length in range, and (unless `allowHostBits`) no bits set
 * after the prefix.
 * @throws CidrError naming the value, what is wrong and what is allowed.
 */
export function parseCidr(text: unknown, options: ParseCidrOptions = {}): Cidr {
  const result = tryParseCidr(text, options);
  if ('error' in result) throw new CidrError([result.error]);
  return result.cidr;
}

/** Parses every value, collecting all problems at once: `errors[i]` names the bad value and its index in `values`. */
export function parseCidrs(values: readonly unknown[], options: ParseCidrOptions = {}): { cidrs: Cidr[]; errors: string[] } {
  const cidrs: Cidr[] = [];
  const errors: string[] = [];
  values.forEach((value, i) => {
    const result = tryParseCidr(value, options);
    if ('error' in result) errors.push(`[${i}] ${result.error}`);
    else cidrs.push(result.cidr);
  });
  return { cidrs, errors };
}

/** True when `text` is a valid CIDR block (strict, as {@link parseCidr}). */
export function isCidr(text: unknown, options: ParseCidrOptions = {}): boolean {
  return 'cidr' in tryParseCidr(text, options);
}

/** An inclusive range of addresses. */
interface Interval {
  readonly first: bigint;
  readonly last: bigint;
}

/** Sorted, non-overlapping, non-adjacent intervals covering exactly the union of the given ones. */
function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: { first: bigint; last: bigint }[] = [];
  for (const { first, last } of sorted) {
    const previous = out[out.length - 1];
    if (previous !== undefined && first <= previous.last + 1n) {
      if (last > previous.last) previous.last = last;
    } else {
      out.push({ first, last });
    }
  }
  return out;
}

/** Addresses of sorted, merged `a` also in sorted, merged `b`. */
function intersectionSize(a: readonly Interval[], b: readonly Interval[]): bigint {
  let total = 0n;
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]!.last < x.first) j++;
    for (let k = j; k < b.length && b[k]!.first <= x.last; k++) {
      const first = x.first > b[k]!.first ? x.first : b[k]!.first;
      const last = x.last < b[k]!.last ? x.last : b[k]!.last;
      total += last - first + 1n;
    }
  }
  return total;
}

/** A range that is not public address space, with the RFC that sets it apart. */
export interface NonPublicRange {
  readonly cidr: string;
  readonly name: string;
  readonly source: string;
}

/**
 * IPv4 ranges that are not public: no internet client can reach a load balancer from them. From
 * IANA's IPv4 Special-Purpose Address Registry (RFC 6890) and the multicast/reserved blocks.
 * 192.88.99.0/24 (deprecated 6to4 relay anycast) stays public: when unsure, counting an address as
 * public errs toward a warning.
 */
export const NON_PUBLIC_IPV4: readonly NonPublicRange[] = [
  { cidr: '0.0.0.0/8', name: '"this network"', source: 'RFC 791, RFC 1122' },
  { cidr: '10.0.0.0/8', name: 'private', source: 'RFC 1918' },
  { cidr: '100.64.0.0/10', name: 'shared address space (carrier-grade NAT)', source: 'RFC 6598' },
  { cidr: '127.0.0.0/8', name: 'loopback', source: 'RFC 1122' },
  { cidr: '169.254.0.0/16', name: 'link-local', source: 'RFC 3927' },
  { cidr: '172.16.0.0/12', name: 'private', source: 'RFC 1918' },
  { cidr: '192.0.0.0/24', name: 'IETF protocol assignments', source: 'RFC 6890' },
  { cidr: '192.0.2.0/24', name: 'documentation (TEST-NET-1)', source: 'RFC 5737' },
  { cidr: '192.168.0.0/16', name: 'private', source: 'RFC 1918' },
  { cidr: '198.18.0.0/15', name: 'benchmarking', source: 'RFC 2544' },
  { cidr: '198.51.100.0/24', name: 'documentation (TEST-NET-2)', source: 'RFC 5737' },
  { cidr: '203.0.113.0/24', name: 'documentation (TEST-NET-3)', source: 'RFC 5737' },
  { cidr: '224.0.0.0/4', name: 'multicast', source: 'RFC 5771' },
  { cidr: '240.0.0.0/4', name: 'reserved for future use, and the limited broadcast address', source: 'RFC 1112, RFC 919' },
];

/**
 * IPv6 ranges inside the global unicast space 2000::/3 that are not public. Public IPv6 is
 * 2000::/3 minus these: RFC 4291 §2.4 and IANA's IPv6 Address Space registry assign global unicast
 * from 2000::/3 only; everything outside it is loopback, IPv4-mapped, unique local (fc00::/7),
 * link-local (fe80::/10), multicast (ff00::/8) or reserved by the IETF, so `2000::/3` alone opens a
 * port to the whole IPv6 internet. From IANA's IPv6 Special-Purpose Address Registry (RFC 6890).
 */
export const NON_PUBLIC_IPV6_IN_GLOBAL_UNICAST: readonly NonPublicRange[] = [
  { cidr: '2001:2::/48', name: 'benchmarking', source: 'RFC 5180' },
  { cidr: '2001:db8::/32', name: 'documentation', source: 'RFC 3849' },
  { cidr: '3fff::/20', name: 'documentation', source: 'RFC 9637' },
];

/** The IPv6 space public addresses are drawn from: global unicast (RFC 4291 §2.4). */
export const IPV6_GLOBAL_UNICAST = '2000::/3';

/** Sorted merged complement of `holes` within `space`. */
function complement(space: Interval, holes: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let next = space.first;
  for (const hole of union(holes)) {
    if (hole.first > next) out.push({ first: next, last: hole.first - 1n });
    if (hole.last + 1n > next) next = hole.last + 1n;
  }
  if (next <= space.last) out.push({ first: next, last: space.last });
  return out;
}

const PUBLIC: Readonly<Record<IpFamily, readonly Interval[]>> = {
  ipv4: complement(parseCidr('0.0.0.0/0'), NON_PUBLIC_IPV4.map((range) => parseCidr(range.cidr))),
  ipv6: complement(parseCidr(IPV6_GLOBAL_UNICAST), NON_PUBLIC_IPV6_IN_GLOBAL_UNICAST.map((range) => parseCidr(range.cidr))),
};

const sizeOf = (intervals: readonly Interval[]): bigint => intervals.reduce((sum, i) => sum + (i.last - i.first + 1n), 0n);

/** Number of public addresses in each family (IPv4: 3,702,258,688 with the table above). */
export const PUBLIC_ADDRESS_COUNT: Readonly<Record<IpFamily, bigint>> = { ipv4: sizeOf(PUBLIC.ipv4), ipv6: sizeOf(PUBLIC.ipv6) };

/**
 * The "broad range" threshold: a prefix length per family; a range (or a union) that covers more
 * public addresses than one block of this prefix holds is broad.
 *
 * - IPv4 /8 (16,777,216 addresses): IANA handed out IPv4 to the regional registries and to the
 *   largest early holders in /8 units (IANA IPv4 Address Space Registry), so no single network an
 *   operator would allow in (an office, a VPN, a CI provider's egress, a cloud region's NAT) is
 *   broader than a /8. A rule broader than that spans several unrelated holders: the internet in
 *   pieces, not a known client.
 * - IPv6 /32 (2^96 addresses): /32 is the regional registries' minimum allocation to an ISP or LIR
 *   (e.g. RIPE NCC's IPv6 policy), while an end site gets a /48 to /56; a range broader than a /32
 *   spans more than one provider's whole allocation.
 */
export const BROAD_PREFIX_LENGTH: Readonly<Record<IpFamily, number>> = { ipv4: 8, ipv6: 32 };

const BROAD_SIZE: Readonly<Record<IpFamily, bigint>> = {
  ipv4: 1n << BigInt(32 - BROAD_PREFIX_LENGTH.ipv4),
  ipv6: 1n << BigInt(128 - BROAD_PREFIX_LENGTH.ipv6),
};

/** How much of one family's public address space a list of CIDR blocks lets in. */
export interface FamilyExposure {
  readonly family: IpFamily;
  /** Public addresses in the union of the blocks (each counted once, however many blocks cover it). */
  readonly publicAddresses: bigint;
  /** All public addresses of the family ({@link PUBLIC_ADDRESS_COUNT}). */
  readonly publicTotal: bigint;
  /** `publicAddresses / publicTotal`, from 0 to 1 (1 only when {@link coversAllPublic}). */
  readonly fraction: number;
  /** The union covers every public address of the family: as open as `0.0.0.0/0` or `::/0`. */
  readonly coversAllPublic: boolean;
  /** The union covers more public addresses than one block of {@link BROAD_PREFIX_LENGTH} holds. */
  readonly broad: boolean;
  /** The blocks (as written) that alone cover more public addresses than the threshold, in input order. */
  readonly broadRanges: readonly string[];
}

/** How much of the public internet a list of CIDR blocks lets in, per family. */
export interface Exposure {
  readonly ipv4: FamilyExposure;
  readonly ipv6: FamilyExposure;
  /** Either family's union covers all of its public space. */
  readonly coversAllPublic: boolean;
  /** Either family's union is broad ({@link FamilyExposure.broad}). */
  readonly broad: boolean;
}

function familyExposure(family: IpFamily, cidrs: readonly Cidr[]): FamilyExposure {
  const mine = cidrs.filter((cidr) => cidr.family === family);
  const publicAddresses = intersectionSize(union(mine), PUBLIC[family]);
  const publicTotal = PUBLIC_ADDRESS_COUNT[family];
  const coversAllPublic = publicAddresses === publicTotal;
  // Six decimals is plenty for a message; exact comparisons use the BigInts.
  const fraction = coversAllPublic ? 1 : Number((publicAddresses * 1_000_000n) / publicTotal) / 1_000_000;
  const broadRanges = mine.filter((cidr) => intersectionSize([cidr], PUBLIC[family]) > BROAD_SIZE[family]).map((cidr) => cidr.text);
  return { family, publicAddresses, publicTotal, fraction, coversAllPublic, broad: publicAddresses > BROAD_SIZE[family], broadRanges };
}

/**
 * How much of the public IPv4 and IPv6 internet the union of `cidrs` lets in. Overlapping,
 * duplicate and unsorted blocks are fine: each address counts once. Private and reserved space
 * ({@link NON_PUBLIC_IPV4}, IPv6 outside {@link IPV6_GLOBAL_UNICAST} or in
 * {@link NON_PUBLIC_IPV6_IN_GLOBAL_UNICAST}) counts for nothing.
 *
 * Strings are parsed with {@link parseCidr} and `options` (strict by default).
 * @throws CidrError listing every bad value at once.
 */
export function publicExposure(cidrs: readonly (string | Cidr)[], options: ParseCidrOptions = {}): Exposure {
  const texts = cidrs.filter((cidr): cidr is string => typeof cidr === 'string');
  const { cidrs: parsed, errors } = parseCidrs(texts, options);
  if (errors.length > 0) throw new CidrError(errors.map((error) => error.replace(/^\[\d+\] /, '')));
  const all = [...cidrs.filter((cidr): cidr is Cidr => typeof cidr !== 'string'), ...parsed];
  const ipv4 = familyExposure('ipv4', all);
  const ipv6 = familyExposure('ipv6', all);
  return { ipv4, ipv6, coversAllPublic: ipv4.coversAllPublic || ipv6.coversAllPublic, broad: ipv4.broad || ipv6.broad };
}

/**
 * One phrase for a family's exposure, for warnings and reports: "all public IPv4 addresses",
 * "25% of public IPv4 (1,073,741,824 addresses)", "no public IPv6 addresses".
 */
export function describeExposure(exposure: FamilyExposure): string {
  const name = exposure.family === 'ipv4' ? 'IPv4' : 'IPv6';
  if (exposure.coversAllPublic) return `all public ${name} addresses`;
  if (exposure.publicAddresses === 0n) return `no public ${name} addresses`;
  const percent = exposure.fraction * 100;
  const shown = percent >= 1 ? `${Number(percent.toPrecision(3))}%` : percent >= 0.0001 ? `${Number(percent.toPrecision(2))}%` : 'under 0.0001%';
  return `${shown} of public ${name} (${exposure.publicAddresses.toLocaleString('en-US')} addresses)`;
}
