/**
 * Which ports of the plan's security groups the internet can reach, judged by what the ingress rules
 * cover together rather than how each is written: `0.0.0.0/1` in one rule and `128.0.0.0/1` in
 * another open a port exactly as `0.0.0.0/0` does. The arithmetic is lib/cidr.ts's, shared with the
 * stack's validation and synth warning.
 *
 * The union is taken over every ingress rule in the plan, across security groups: the reporter does
 * not follow which groups share a load balancer or a task, so complementary halves in two unrelated
 * groups are reported too. That errs toward a review, never toward a missed opening.
 */
import { BROAD_PREFIX_LENGTH, describeExposure, publicExposure, tryParseCidr, type Cidr, type Exposure, type FamilyExposure } from '../lib/cidr';
import { ingressOpenings, SECURITY_GROUP_TYPES, openingKey, type Opening } from './network';
import { changeKind } from './summarize';
import type { Finding, Plan } from './types';

/** An ingress opening with the resource that declares it. */
interface SourcedOpening extends Opening {
  readonly address: string;
  /** Parsed CIDR; undefined when the text is not one (such a rule is left to Terraform's own validation). */
  readonly parsed: Cidr | undefined;
  /** Not declared by the same resource before the plan. */
  readonly isNew: boolean;
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp' };

function sourced(plan: Plan, side: 'before' | 'after'): SourcedOpening[] {
  const out: SourcedOpening[] = [];
  for (const resource of plan.resource_changes) {
    if (resource.mode !== 'managed' || !SECURITY_GROUP_TYPES.includes(resource.type)) continue;
    const kind = changeKind(resource.change.actions);
    if (side === 'after' && kind === 'delete') continue;
    const existing = new Set(ingressOpenings(resource.type, resource.change.before).map(openingKey));
    for (const opening of ingressOpenings(resource.type, resource.change[side])) {
      const result = tryParseCidr(opening.cidr, { allowHostBits: true });
      out.push({
        ...opening,
        protocol: PROTOCOL_NAMES[opening.protocol] ?? opening.protocol,
        address: resource.address,
        parsed: 'cidr' in result ? result.cidr : undefined,
        isNew: side === 'after' && !existing.has(openingKey(opening)),
      });
    }
  }
  return out;
}

/** Maximal port ranges, outside the production ports, on which the same openings apply. */
function segments(openings: readonly Opening[], production: readonly number[]): { from: number; to: number }[] {
  const cuts = new Set<number>([0, 65536]);
  for (const o of openings) cuts.add(o.fromPort).add(o.toPort + 1);
  for (const port of production) cuts.add(port).add(port + 1);
  const sorted = [...cuts].filter((c) => c >= 0 && c <= 65536).sort((a, b) => a - b);
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i]!;
    const to = sorted[i + 1]! - 1;
    if (!(from === to && production.includes(from))) out.push({ from, to });
  }
  return out;
}

const covers = (o: Opening, from: number, to: number): boolean => o.fromPort <= from && to <= o.toPort;

function exposureOf(openings: readonly SourcedOpening[]): Exposure {
  return publicExposure(openings.flatMap((o) => (o.parsed ? [o.parsed] : [])));
}

/** What one port range's openings newly let in. */
interface Verdict {
  readonly severity: 'blocking' | 'warning';
  readonly families: readonly FamilyExposure[];
  readonly contributors: readonly SourcedOpening[];
}

function judge(after: readonly SourcedOpening[], before: readonly SourcedOpening[]): Verdict | undefined {
  const now = exposureOf(after);
  const was = exposureOf(before);
  const world = (['ipv4', 'ipv6'] as const).filter((f) => now[f].coversAllPublic && !was[f].coversAllPublic);
  if (world.length > 0) return { severity: 'blocking', families: world.map((f) => now[f]), contributors: after };
  const broad = (['ipv4', 'ipv6'] as const).filter((f) => now[f].broad && !now[f].coversAllPublic && now[f].publicAddresses > was[f].publicAddresses);
  if (broad.length > 0) return { severity: 'warning', families: broad.map((f) => now[f]), contributors: after };
  return undefined;
}

function familyText(exposure: FamilyExposure, contributors: readonly SourcedOpening[]): string {
  const mine = contributors.filter((o) => o.parsed?.family === exposure.family);
  const addresses = new Set(mine.map((o) => o.address));
  const ranges = mine.map((o) => (addresses.size > 1 ? `${o.cidr} in ${o.address}` : o.cidr));
  return `${describeExposure(exposure)} [${[...new Set(ranges)].join(', ')}]`;
}

function portsText(contributors: readonly SourcedOpening[]): string {
  const ranges = [...new Set(contributors.map((o) => `${o.fromPort === o.toPort ? o.fromPort : `${o.fromPort}-${o.toPort}`} (${o.protocol})`))];
  return `${ranges.length > 1 ? 'ports' : 'port'} ${ranges.join(', ')}`;
}

function finding(verdict: Verdict, production: readonly number[]): Finding {
  const fresh = verdict.contributors.filter((o) => o.isNew).map((o) => o.address);
  const address = [...(fresh.length > 0 ? fresh : verdict.contributors.map((o) => o.address))].sort()[0]!;
  const what = `${portsText(verdict.contributors)} to ${verdict.families.map((f) => familyText(f, verdict.contributors)).join(' and ')}`;
  const notProduction = `which is not a production listener port (${production.join(', ')})`;
  if (verdict.severity === 'blocking') {
    return {
      id: 'world-open-port',
      severity: 'blocking',
      address,
      message: `Opens ${what}, ${notProduction}: the test listener (the untested green version) or the tasks become reachable from the whole internet.`,
    };
  }
  return {
    id: 'broad-open-port',
    severity: 'warning',
    address,
    message: `Opens ${what}, more than a /${BROAD_PREFIX_LENGTH.ipv4} (IPv4) or /${BROAD_PREFIX_LENGTH.ipv6} (IPv6) holds, ${notProduction}: the test listener (the untested green version) or the tasks become reachable from a large part of the internet; allow the networks that need it (office, VPN, CI, NAT addresses) instead.`,
  };
}

/**
 * Findings for ports other than the production listener's that the plan newly opens to all public
 * IPv4 or IPv6 addresses (blocking `world-open-port`) or to more public addresses than a /8 or /32
 * holds (warning `broad-open-port`), judged on the union of every ingress rule covering the port.
 * "Newly": compared with the same union of the rules' values before the plan, so an opening that was
 * already there is not reported on every pull request. Protocol `-1` covers every protocol and port;
 * ICMP is ignored (it has no ports).
 */
export function exposureFindings(plan: Plan, production: readonly number[]): Finding[] {
  const after = sourced(plan, 'after');
  const before = sourced(plan, 'before');
  const named = [...new Set(after.map((o) => o.protocol).filter((p) => p !== 'all'))];
  const findings = new Map<string, Finding>();
  for (const protocol of named.length > 0 ? named : ['all']) {
    const applies = (o: SourcedOpening): boolean => o.protocol === protocol || o.protocol === 'all';
    const afterP = after.filter(applies);
    const beforeP = before.filter(applies);
    for (const { from, to } of segments([...afterP, ...beforeP], production)) {
      const verdict = judge(
        afterP.filter((o) => covers(o, from, to)),
        beforeP.filter((o) => covers(o, from, to)),
      );
      if (verdict === undefined) continue;
      const result = finding(verdict, production);
      // One finding per set of rules and verdict, however many port ranges it spans.
      findings.set(`${result.id}|${result.message}`, result);
    }
  }
  return [...findings.values()];
}
