/**
 * The lowest TLS version an Elastic Load Balancing security policy accepts, read from its name.
 *
 * AWS names its predefined policies by their lowest version ("ELBSecurityPolicy-TLS13-1-2-2021-06"
 * accepts TLS 1.2 and 1.3, "…-TLS-1-1-2017-01" TLS 1.1 and 1.2, "…-FS-1-1-2019-08" 1.1 and 1.2); the
 * older undated-version names accept TLS 1.0 (AWS, Elastic Load Balancing User Guide, "Security
 * policies for your Application Load Balancer", protocols by policy). `ELBSecurityPolicy-2016-08` is
 * also what an HTTPS listener gets when the API call names no policy. Application Load Balancers
 * have no custom policies, so an unknown name is a policy newer than this table: undefined, not a
 * guess.
 */

/** TLS versions, comparable as numbers. */
export type TlsVersion = 1.0 | 1.1 | 1.2 | 1.3;

/** Predefined policies whose name does not carry the version: all accept TLS 1.0. */
const LEGACY_TLS_1_0 = ['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-2015-05', 'ELBSecurityPolicy-FS-2018-06'];

/** Lowest TLS version `policy` accepts; undefined for a name this table does not know. */
export function minimumTlsVersion(policy: unknown): TlsVersion | undefined {
  if (typeof policy !== 'string' || !policy.startsWith('ELBSecurityPolicy-')) return undefined;
  if (LEGACY_TLS_1_0.includes(policy)) return 1.0;
  const match = /^ELBSecurityPolicy-(?:TLS13|TLS|FS)-1-([0-3])-/.exec(policy);
  return match ? ((1 + Number(match[1]) / 10) as TlsVersion) : undefined;
}

/** The version below which a policy counts as weak: TLS 1.0 and 1.1 are deprecated (RFC 8996). */
export const MINIMUM_STRONG_TLS: TlsVersion = 1.2;
