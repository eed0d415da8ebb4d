/**
 * The problem collector of the environment validation and the syntax rules it shares. Pure: no cdktf
 * imports, no I/O. Every message has the form `<field as the user wrote it> must <what is allowed>,
 * got <value>`.
 */
import { isCidr } from './subnets';
import { rangeOf, type RangedOptionPath } from './options';
import { AWS_REGION_PATTERN } from '../lib/aws-region';

/** Retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy, CloudWatch Logs API reference). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export { AWS_REGION_PATTERN };

/** Environment and service names: 1-32 lowercase letters, digits, hyphens; a letter first, no hyphen last. */
export const NAME_PATTERN = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * Longest project name: a CodeDeploy application name may have 100 characters (CreateApplication,
 * CodeDeploy API reference), the longest AWS limit of a name the project starts. Every name whose
 * limit is shorter (load balancer, target groups, IAM roles, Lambda, bucket prefix) is derived and
 * shortened with a hash (config/names.ts).
 */
export const PROJECT_MAX_LENGTH = 100;

/** Project names: as {@link NAME_PATTERN}, up to {@link PROJECT_MAX_LENGTH} characters. */
export const PROJECT_PATTERN = new RegExp(`^[a-z]([a-z0-9-]{0,${PROJECT_MAX_LENGTH - 2}}[a-z0-9])?$`);

/**
 * A value as messages quote it: JSON where JSON is faithful, otherwise what the user wrote (NaN,
 * Infinity, undefined, 10n, a function), also inside objects and lists (JSON would print NaN as null).
 */
export function show(value: unknown, seen: ReadonlySet<object> = new Set()): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return value.name ? `[function ${value.name}]` : '[function]';
  if (typeof value === 'symbol') return value.toString();
  if (value !== null && typeof value === 'object') {
    if (seen.has(value)) return '[circular]';
    const inner = new Set([...seen, value]);
    if (Array.isArray(value)) return `[${value.map((v) => show(v, inner)).join(',')}]`;
    if (value instanceof Date || value instanceof RegExp) return String(value);
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${show(v, inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** True for an integer. */
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Collects problems in the order found; each helper pushes one message in the project's format. The
 * same message is kept once: a setting several services inherit is reported once, where it is written.
 */
export class Problems {
  private readonly seen = new Set<string>();
  readonly list: string[] = [];

  add(message: string): void {
    if (this.seen.has(message)) return;
    this.seen.add(message);
    this.list.push(message);
  }

  intRange(field: string, value: unknown, min: number, max: number): boolean {
    if (isInt(value) && value >= min && value <= max) return true;
    this.add(`${field} must be an integer from ${min} to ${max}, got ${show(value)}`);
    return false;
  }

  /** Checks an integer option against its range in config/options.ts; `field` names it as the user wrote it. */
  option(option: RangedOptionPath, value: unknown, field: string = option): boolean {
    const { min, max } = rangeOf(option);
    return this.intRange(field, value, min, max);
  }

  name(field: string, value: unknown, pattern: RegExp = NAME_PATTERN, maxLength = 32): boolean {
    if (typeof value === 'string' && pattern.test(value)) return true;
    this.add(`${field} must be 1-${maxLength} lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got ${show(value)}`);
    return false;
  }

  boolean(field: string, value: unknown): void {
    if (typeof value !== 'boolean') this.add(`${field} must be true or false, got ${show(value)}`);
  }

  cidrs(field: string, value: unknown, allowEmpty: boolean): void {
    if (!Array.isArray(value)) {
      this.add(`${field} must be a list of CIDR blocks, got ${show(value)}`);
      return;
    }
    if (!allowEmpty && value.length === 0) this.add(`${field} must list at least one CIDR block, got []`);
    value.forEach((cidr, i) => {
      if (!isCidr(cidr)) this.add(`${field}[${i}] must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32, got ${show(cidr)}`);
    });
  }

  retention(field: string, value: unknown): void {
    if ((LOG_RETENTION_DAYS as readonly unknown[]).includes(value)) return;
    this.add(`${field} must be one of ${LOG_RETENTION_DAYS.join(', ')} (days CloudWatch Logs accepts), got ${show(value)}`);
  }

  region(field: string, value: unknown): void {
    if (typeof value === 'string' && AWS_REGION_PATTERN.test(value)) return;
    this.add(`${field} must be an AWS region code such as eu-west-1, got ${show(value)}`);
  }

  /** Reports every key of `value` (an object) that is not in `allowed`; `field` '' is the environment itself. */
  knownFields(field: string, value: unknown, allowed: readonly string[]): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add(`${field === '' ? key : `${field}.${key}`} is not a known field (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** Names a field of a settings section: where the user wrote it (a service's override, or the environment's default). */
export type FieldNamer = (key: string) => string;
