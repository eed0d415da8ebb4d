/**
 * How much of the internet the listeners' allowed CIDRs let in, judged by the UNION of the ranges
 * (lib/cidr.ts) rather than by how they are written: `0.0.0.0/1` + `128.0.0.0/1` is all of IPv4 as
 * surely as `0.0.0.0/0`, and `::/1` + `8000::/1` all of IPv6. Validation refuses a test port open to
 * the whole internet without `testListener.allowPublicAccess`; the synth warnings name ranges that are
 * broad (more public addresses than one IPv4 /8 or IPv6 /32: {@link BROAD_PREFIX_LENGTH}) without
 * being the whole internet. The plan reporter applies the same rules to the planned security group.
 * Pure: no cdktf imports. Values that are not CIDR blocks are skipped (validation reports them).
 */
import { BROAD_PREFIX_LENGTH, describeExposure, isCidr, publicExposure, type Exposure, type FamilyExposure } from '../lib/cidr';

const FAMILY_NAME = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

/** Why the threshold is where it is (lib/cidr.ts explains it in full). */
const THRESHOLD_REASON = {
  ipv4: 'larger than any single network you would allow in (an office, a VPN, a CI provider)',
  ipv6: "a whole provider's allocation",
} as const;

/** The exposure of the valid CIDR blocks of a list (undefined when the list is not a list). */
export function listExposure(cidrs: unknown): Exposure | undefined {
  if (!Array.isArray(cidrs)) return undefined;
  return publicExposure(cidrs.filter((cidr): cidr is string => isCidr(cidr)));
}

const families = (exposure: Exposure): FamilyExposure[] => [exposure.ipv4, exposure.ipv6];

/** "the union of [a, b]": the ranges of one family as written, for messages. */
function unionOf(cidrs: readonly unknown[], family: 'ipv4' | 'ipv6'): string {
  const mine = cidrs.filter((c): c is string => isCidr(c) && (String(c).includes(':') ? 'ipv6' : 'ipv4') === family);
  return mine.length === 1 ? JSON.stringify(mine[0]) : `the union of ${JSON.stringify(mine)}`;
}

/**
 * Validation problems of `testListener.allowedCidrs`: when the union covers every public address of
 * a family, the test port (green, before it is released) would be open to the whole internet, which
 * needs the explicit `testListener.allowPublicAccess`.
 */
export function testListenerExposureProblems(cidrs: unknown, allowPublicAccess: unknown): string[] {
  const exposure = listExposure(cidrs);
  if (exposure === undefined || allowPublicAccess === true) return [];
  return families(exposure)
    .filter((f) => f.coversAllPublic)
    .map(
      (f) =>
        `testListener.allowedCidrs must not open the test port to the whole internet: ${unionOf(cidrs as unknown[], f.family)} covers ${describeExposure(f)}; ` +
        `set testListener.allowPublicAccess to true to do that explicitly, or list narrower ranges, got ${JSON.stringify(cidrs)}`,
    );
}

/** Which listener a warning is about. */
export interface ListenerDescription {
  /** The option, as users write it: `testListener.allowedCidrs`, `loadBalancer.allowedCidrs`. */
  readonly field: string;
  /** What is exposed, for the sentence: "the test port 8080 (green during a release)". */
  readonly what: string;
}

/**
 * Synth warnings for a listener's allowed CIDRs that are broad but not the whole internet: a union
 * larger than one IPv4 /8 or IPv6 /32, or single ranges larger than that. The whole internet is not
 * warned about here: for the production listener it is the usual intent, for the test listener it is
 * refused (or opted into, which has its own warning).
 */
export function broadExposureWarnings(cidrs: unknown, listener: ListenerDescription): string[] {
  const exposure = listExposure(cidrs);
  if (exposure === undefined) return [];
  const warnings: string[] = [];
  for (const f of families(exposure)) {
    if (f.coversAllPublic || (!f.broad && f.broadRanges.length === 0)) continue;
    const threshold = `/${BROAD_PREFIX_LENGTH[f.family]}`;
    const single = f.broadRanges.length > 0 ? `; ranges broader than one ${FAMILY_NAME[f.family]} ${threshold}: ${f.broadRanges.join(', ')}` : '';
    warnings.push(
      `${listener.field} lets ${describeExposure(f)} reach ${listener.what} (${unionOf(cidrs as unknown[], f.family)}): more than one ${FAMILY_NAME[f.family]} ${threshold} holds, ` +
        `${THRESHOLD_REASON[f.family]}${single}. List the networks that need it${listener.field.startsWith('loadBalancer') ? ', or 0.0.0.0/0 and ::/0 for the whole internet' : ''}.`,
    );
  }
  return warnings;
}
