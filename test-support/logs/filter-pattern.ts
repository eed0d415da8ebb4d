/**
 * CloudWatch Logs filter patterns, as far as this stand-in needs them: term patterns (`ERROR`,
 * `"quoted phrase"`, `?a ?b` for any, `-term` to exclude) and JSON patterns
 * (`{ $.a.b = "v" && ($.n > 5 || $.s != "x*") }`, `IS TRUE|FALSE|NULL`, `EXISTS`, `NOT EXISTS`).
 * Space-delimited (`[a, b]`) and regular-expression (`%…%`) patterns are rejected as not emulated.
 * Syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */

/** A compiled pattern: true when the message matches. */
export type LogMatcher = (message: string) => boolean;

/** Thrown for a pattern the stand-in cannot parse (answered as `InvalidParameterException`). */
export class FilterPatternError extends Error {}

type Compare = { kind: 'cmp'; path: (string | number)[]; op: string; value: string | number | boolean | null };
type Node = { kind: 'and' | 'or'; left: Node; right: Node } | Compare;

const TOKEN = /\s*(&&|\|\||\(|\)|!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|\$[^\s=!<>()&|]*|[^\s=!<>()&|"]+)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      if (text.slice(start).trim() === '') break;
      throw new FilterPatternError(`Invalid character(s) in term '${text.slice(start).trim()}'`);
    }
    tokens.push(m[1]!);
  }
  return tokens;
}

function parsePath(selector: string): (string | number)[] {
  if (!selector.startsWith('$')) throw new FilterPatternError(`a JSON property selector starts with $, got '${selector}'`);
  const path: (string | number)[] = [];
  const re = /\.([A-Za-z0-9_@-]+)|\[(\d+)\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < selector.length) {
    const m = re.exec(selector);
    if (!m) throw new FilterPatternError(`invalid selector '${selector}'`);
    path.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  if (path.length === 0) throw new FilterPatternError(`invalid selector '${selector}'`);
  return path;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Node {
    const node = this.or();
    if (this.i < this.tokens.length) throw new FilterPatternError(`unexpected '${this.tokens[this.i]}'`);
    return node;
  }

  private peek(): string | undefined {
    return this.tokens[this.i];
  }

  private take(): string {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new FilterPatternError('unexpected end of the pattern');
    return t;
  }

  private or(): Node {
    let left = this.and();
    while (this.peek() === '||') {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.primary();
    while (this.peek() === '&&') {
      this.i++;
      left = { kind: 'and', left, right: this.primary() };
    }
    return left;
  }

  private primary(): Node {
    if (this.peek() === '(') {
      this.i++;
      const node = this.or();
      if (this.take() !== ')') throw new FilterPatternError("missing ')'");
      return node;
    }
    const path = parsePath(this.take());
    const op = this.take();
    if (op === 'IS') {
      const what = this.take();
      if (what === 'NULL') return { kind: 'cmp', path, op: 'is', value: null };
      if (what === 'TRUE' || what === 'FALSE') return { kind: 'cmp', path, op: 'is', value: what === 'TRUE' };
      throw new FilterPatternError(`IS takes TRUE, FALSE or NULL, got '${what}'`);
    }
    if (op === 'EXISTS') return { kind: 'cmp', path, op: 'exists', value: true };
    if (op === 'NOT') {
      if (this.take() !== 'EXISTS') throw new FilterPatternError('NOT must be followed by EXISTS');
      return { kind: 'cmp', path, op: 'exists', value: false };
    }
    if (!['=', '!=', '<', '>', '<=', '>='].includes(op)) throw new FilterPatternError(`unknown operator '${op}'`);
    const raw = this.take();
    const n = Number(raw);
    if (!raw.startsWith('"') && raw !== '' && Number.isFinite(n)) return { kind: 'cmp', path, op, value: n };
    if (op !== '=' && op !== '!=') throw new FilterPatternError(`'${op}' compares numbers, got '${raw}'`);
    return { kind: 'cmp', path, op, value: raw.startsWith('"') ? (JSON.parse(raw) as string) : raw };
  }
}

const wildcard = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

function select(value: unknown, path: (string | number)[]): { found: boolean; value?: unknown } {
  let v: unknown = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !(key in (v as object))) return { found: false };
    v = (v as Record<string | number, unknown>)[key];
  }
  return { found: true, value: v };
}

function evaluate(node: Node, doc: unknown): boolean {
  if (node.kind !== 'cmp') return node.kind === 'and' ? evaluate(node.left, doc) && evaluate(node.right, doc) : evaluate(node.left, doc) || evaluate(node.right, doc);
  const { found, value } = select(doc, node.path);
  if (node.op === 'exists') return found === node.value;
  if (!found) return false;
  if (node.op === 'is') return value === node.value;
  if (typeof node.value === 'number') {
    if (typeof value !== 'number') return false;
    const [a, b] = [value, node.value];
    const results: Record<string, boolean> = { '=': a === b, '!=': a !== b, '<': a < b, '>': a > b, '<=': a <= b, '>=': a >= b };
    return results[node.op] ?? false;
  }
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined) return false;
  const equal = wildcard(String(node.value)).test(text);
  return node.op === '=' ? equal : !equal;
}

function jsonMatcher(pattern: string): LogMatcher {
  const inner = pattern.trim().slice(1, -1);
  const tree = new Parser(tokenize(inner)).parse();
  return (message) => {
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return doc !== null && typeof doc === 'object' && evaluate(tree, doc);
  };
}

function termMatcher(pattern: string): LogMatcher {
  const terms = [...pattern.matchAll(/([?-]?)("(?:[^"\\]|\\.)*"|\S+)/g)].map((m) => ({
    mode: m[1] === '?' ? 'any' : m[1] === '-' ? 'not' : 'all',
    text: m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!,
  }));
  const any = terms.filter((t) => t.mode === 'any');
  return (message) =>
    terms.every((t) => t.mode === 'any' || (t.mode === 'all' ? message.includes(t.text) : !message.includes(t.text))) &&
    (any.length === 0 || any.some((t) => message.includes(t.text)));
}

/** Compiles a filter pattern; an empty one matches every event. Throws {@link FilterPatternError}. */
export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  const p = (pattern ?? '').trim();
  if (p === '' || p === '""') return () => true;
  if (p.startsWith('{')) {
    if (!p.endsWith('}')) throw new FilterPatternError("a JSON pattern ends with '}'");
    return jsonMatcher(p);
  }
  if (p.startsWith('[') || p.startsWith('%')) throw new FilterPatternError(`space-delimited and regular-expression patterns are not emulated by this stand-in: ${p}`);
  return termMatcher(p);
}
