/**
 * Attribute-level diff of one resource change: only the attributes that change, with sensitive values
 * masked and unknown values marked, plus a line diff for long values (policies, container definitions).
 */
import { diffArrays } from 'diff';
import type { PlanChange } from './types';

/** One side of an attribute change. */
export type DiffValue =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'sensitive' };

/** An attribute that changes, e.g. `load_balancer[0].target_group_arn`. */
export interface AttributeChange {
  readonly path: string;
  readonly before: DiffValue;
  readonly after: DiffValue;
}

const ABSENT: DiffValue = { kind: 'absent' };
const UNKNOWN: DiffValue = { kind: 'unknown' };
const SENSITIVE: DiffValue = { kind: 'sensitive' };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0)
  );
}

/** Deep equality where null, undefined, [] and {} are all "nothing" (Terraform uses them interchangeably). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameValue(a[key], b[key]));
  }
  return a === b;
}

/** True when any value inside a mask (`after_unknown`, `*_sensitive`) is `true`. */
export function containsTrue(mask: unknown): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(containsTrue);
  if (isPlainObject(mask)) return Object.values(mask).some(containsTrue);
  return false;
}

function child(mask: unknown, key: string | number): unknown {
  if (mask === true) return true;
  if (Array.isArray(mask) && typeof key === 'number') return mask[key];
  if (isPlainObject(mask) && typeof key === 'string') return mask[key];
  return undefined;
}

function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function hasNestedObjects(value: unknown): boolean {
  return Array.isArray(value) && value.some((item) => isPlainObject(item) || Array.isArray(item));
}

interface Masks {
  readonly unknown: unknown;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
}

function walk(before: unknown, after: unknown, masks: Masks, path: string, out: AttributeChange[]): void {
  if (masks.beforeSensitive === true || masks.afterSensitive === true) {
    // Compare the real values (they are in the JSON) but never print them.
    if (!sameValue(before, after) || containsTrue(masks.unknown)) {
      out.push({
        path,
        before: isEmpty(before) ? ABSENT : SENSITIVE,
        after: containsTrue(masks.unknown) ? UNKNOWN : isEmpty(after) ? ABSENT : SENSITIVE,
      });
    }
    return;
  }
  if (masks.unknown === true) {
    out.push({ path, before: isEmpty(before) ? ABSENT : { kind: 'value', value: before }, after: UNKNOWN });
    return;
  }
  const bothObjects =
    (isPlainObject(before) || isEmpty(before)) &&
    (isPlainObject(after) || isEmpty(after)) &&
    (isPlainObject(before) || isPlainObject(after) || (isPlainObject(masks.unknown) && containsTrue(masks.unknown)));
  const structured =
    (Array.isArray(before) || isEmpty(before)) &&
    (Array.isArray(after) || isEmpty(after)) &&
    (hasNestedObjects(before) || hasNestedObjects(after));
  if (bothObjects) {
    const b = isPlainObject(before) ? before : {};
    const a = isPlainObject(after) ? after : {};
    const unknownKeys = isPlainObject(masks.unknown) ? Object.keys(masks.unknown) : [];
    // Sorted, as Terraform's own plan output lists attributes.
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b), ...unknownKeys])].sort();
    for (const key of keys) {
      walk(b[key], a[key], step(masks, key), joinPath(path, key), out);
    }
    return;
  }
  // A list of plain values is shown as one value, unless some element is sensitive (it would be
  // printed with the rest) or unknown: then element by element, so only that element is masked.
  const elementMasked = [masks.unknown, masks.beforeSensitive, masks.afterSensitive].some((m) => Array.isArray(m) && containsTrue(m));
  if (structured || elementMasked) {
    const b = Array.isArray(before) ? before : [];
    const a = Array.isArray(after) ? after : [];
    const length = Math.max(a.length, b.length, Array.isArray(masks.unknown) ? masks.unknown.length : 0);
    for (let i = 0; i < length; i += 1) walk(b[i], a[i], step(masks, i), joinPath(path, i), out);
    return;
  }
  if (sameValue(before, after)) return;
  out.push({
    path,
    before: isEmpty(before) ? ABSENT : { kind: 'value', value: before },
    after: isEmpty(after) ? ABSENT : { kind: 'value', value: after },
  });
}

function step(masks: Masks, key: string | number): Masks {
  return {
    unknown: child(masks.unknown, key),
    beforeSensitive: child(masks.beforeSensitive, key),
    afterSensitive: child(masks.afterSensitive, key),
  };
}

/**
 * The attributes a change modifies. For a create, every attribute that gets a value (or is known only
 * after apply); for a delete, nothing (the whole resource goes).
 */
export function diffAttributes(change: PlanChange): AttributeChange[] {
  if (change.actions.length === 1 && change.actions[0] === 'delete') return [];
  const out: AttributeChange[] = [];
  walk(
    change.before,
    change.after,
    { unknown: change.after_unknown, beforeSensitive: change.before_sensitive, afterSensitive: change.after_sensitive },
    '',
    out,
  );
  return out;
}

/** Values longer than this (or multi-line, or JSON documents) are shown as a line diff. */
export const LONG_VALUE_CHARS = 160;

/** The text a value is shown as: JSON documents in strings are pretty-printed so they diff line by line. */
export function displayText(value: unknown): string {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        // Not JSON after all: show the string itself.
      }
    }
    return value;
  }
  if (Array.isArray(value) || isPlainObject(value)) {
    const compact = JSON.stringify(value);
    return compact.length > LONG_VALUE_CHARS ? JSON.stringify(value, null, 2) : compact;
  }
  return JSON.stringify(value);
}

/** True when a side should be shown as a line diff rather than inline. */
export function isLongValue(value: DiffValue): boolean {
  if (value.kind !== 'value') return false;
  const text = displayText(value.value);
  return text.includes('\n') || text.length > LONG_VALUE_CHARS;
}

/** One line of a line diff. */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/**
 * Edits beyond which the line diff gives up and shows every removed line, then every added line.
 * jsdiff's Myers diff costs about (lines × edits): this bound keeps a rewritten 10,000-line document
 * to milliseconds, deterministically (unlike a time limit, which would differ between machines).
 */
export const MAX_LINE_DIFF_EDITS = 1000;

/** Line diff of two texts (jsdiff's Myers diff over the lines: the fewest removed and added lines). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const parts = diffArrays(a, b, { maxEditLength: MAX_LINE_DIFF_EDITS });
  if (parts === undefined) {
    return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  }
  return parts.flatMap((part) => part.value.map((text) => ({ op: part.added ? ('+' as const) : part.removed ? ('-' as const) : (' ' as const), text })));
}

/**
 * Keeps `context` unchanged lines around each change and replaces longer unchanged runs with one
 * `...` line, so a one-line change in a 200-line policy stays readable.
 */
export function withContext(lines: readonly DiffLine[], context = 3): DiffLine[] {
  const keep = lines.map((line) => line.op !== ' ');
  const near = lines.map((_, index) => {
    for (let d = -context; d <= context; d += 1) if (keep[index + d]) return true;
    return false;
  });
  const out: DiffLine[] = [];
  let skipped = 0;
  lines.forEach((line, index) => {
    if (near[index]) {
      if (skipped > 0) out.push({ op: ' ', text: `... (${skipped} unchanged line${skipped === 1 ? '' : 's'})` });
      skipped = 0;
      out.push(line);
    } else {
      skipped += 1;
    }
  });
  if (skipped > 0) out.push({ op: ' ', text: `... (${skipped} unchanged line${skipped === 1 ? '' : 's'})` });
  return out;
}

/** Text of one side of a change for a line diff ("" when absent, a marker when unknown or sensitive). */
export function sideText(value: DiffValue): string {
  switch (value.kind) {
    case 'value':
      return displayText(value.value);
    case 'absent':
      return '';
    case 'unknown':
      return '(known after apply)';
    case 'sensitive':
      return '(sensitive value)';
  }
}
