/**
 * The layout rules of issue 10, checked on the repository's own files: file size in lines of code,
 * function length, the import boundaries of lib/ and hook-lambda/, and README's path table.
 * (tools/offline-terraform/'s boundary is checked in terraform-tools-boundary.test.ts.)
 *
 * TypeScript 7 ships no compiler API, so the files are parsed with @swc/core (already here for
 * @swc/jest): a real TypeScript parser, so comments, strings and regex literals cannot fool the counts.
 */
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseSync } from '@swc/core';

const ROOT = path.join(__dirname, '..');
const MAX_LINES_OF_CODE = 450;
const MAX_FUNCTION_LINES = 60;

/**
 * Violations in files whose owners are still at work when this test was written; each entry is the
 * exact message the test would report. Owned by an engineer still at work; remove when fixed.
 */
const STILL_AT_WORK: readonly string[] = [
  // owned by an engineer still at work; remove when fixed
];

const TEST_DIRS = /^(__tests__|test-support)\//;
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** Tracked and untracked-but-not-ignored source files, relative to the root, with `/`. */
function sourceFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((f) => SOURCE.test(f) && !f.endsWith('.d.ts') && existsSync(path.join(ROOT, f)))
    .sort();
}

interface Span {
  readonly start: number;
  readonly end: number;
}
type Node = { readonly type?: string; readonly span?: Span; readonly [key: string]: unknown };

interface Parsed {
  readonly module: Node & { readonly body: Node[] };
  /** 1-based line of a span offset. */
  line(offset: number): number;
}

/**
 * Parses one file. swc's offsets are byte positions from a base it chooses, so a leading `;` marks
 * the base: the empty statement it makes starts at byte 0 of the text parsed.
 */
function parse(file: string, source = readFileSync(path.join(ROOT, file), 'utf8')): Parsed {
  // A shebang is allowed only at byte 0; as a comment it keeps every offset.
  const text = ';' + source.replace(/^#!/, '//');
  const bytes = Buffer.from(text, 'utf8');
  const isTsx = file.endsWith('.tsx');
  const module = parseSync(text, {
    syntax: /\.[mc]?js$/.test(file) ? 'ecmascript' : 'typescript',
    tsx: isTsx,
    jsx: isTsx,
    decorators: true,
    target: 'es2022',
  }) as unknown as Parsed['module'];
  const base = module.body[0]!.span!.start;
  const lineStarts: number[] = [0];
  for (let i = 0; i < bytes.length; i += 1) if (bytes[i] === 10) lineStarts.push(i + 1);
  const line = (offset: number): number => {
    const byte = offset - base;
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= byte) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return { module: { ...module, body: module.body.slice(1) }, line };
}

/** Every node below `node`, depth first, with its parent chain's nearest name. */
function walk(node: unknown, visit: (n: Node, parents: readonly Node[]) => void, parents: Node[] = []): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit, parents);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Node;
  if (n.span) visit(n, parents);
  parents.push(n);
  // for-in, not Object.entries: the nodes are plain JSON objects (own keys only), and an array of entries
  // per node was most of the walk's time.
  for (const key in n) {
    const value = n[key];
    if (key !== 'span' && value !== null && typeof value === 'object') walk(value, visit, parents);
  }
  parents.pop();
}

/**
 * Lines of code: the lines on which some syntax node starts or ends, plus every line inside a
 * template literal's text. Comments and blank lines carry no node, so they do not count.
 */
function linesOfCode(parsed: Parsed): number {
  const lines = new Set<number>();
  walk(parsed.module.body, (n) => {
    const first = parsed.line(n.span!.start);
    const last = parsed.line(Math.max(n.span!.start, n.span!.end - 1));
    lines.add(first);
    lines.add(last);
    if (n.type === 'TemplateElement' || n.type === 'StringLiteral') {
      for (let l = first; l <= last; l += 1) lines.add(l);
    }
  });
  return lines.size;
}

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ClassMethod',
  'PrivateMethod',
  'Constructor',
  'GetterProperty',
  'SetterProperty',
  'MethodProperty',
]);

function keyName(key: unknown): string | undefined {
  const k = key as Node | undefined;
  if (!k) return undefined;
  if (typeof k.value === 'string') return k.value;
  if (k.type === 'PrivateName') return `#${keyName(k.id) ?? (k.value as string)}`;
  return undefined;
}

/** A readable name for a function node: its own, its key's, or the variable/property holding it. */
function functionName(n: Node, parents: readonly Node[]): string {
  const own = keyName(n.identifier) ?? keyName(n.key);
  if (own) return own;
  if (n.type === 'Constructor') return 'constructor';
  for (let i = parents.length - 1; i >= 0; i -= 1) {
    const p = parents[i]!;
    if (p.type === 'VariableDeclarator') return keyName(p.id) ?? '(anonymous)';
    if (p.type === 'KeyValueProperty' || p.type === 'ClassProperty') return keyName(p.key) ?? '(anonymous)';
    if (FUNCTION_TYPES.has(p.type ?? '')) return `(anonymous in ${functionName(p, parents.slice(0, i))})`;
  }
  return '(anonymous)';
}

/** `file: name (N lines)` for every function longer than the limit, counted declaration to close. */
function longFunctions(file: string, parsed: Parsed): string[] {
  const found: string[] = [];
  walk(parsed.module.body, (n, parents) => {
    if (!FUNCTION_TYPES.has(n.type ?? '')) return;
    // A method's node holds its function; count it once, by the method.
    if (n.type === 'FunctionExpression' && parents.length > 0) {
      const p = parents[parents.length - 1]!;
      if (p.type !== undefined && ['ClassMethod', 'PrivateMethod', 'MethodProperty', 'GetterProperty', 'SetterProperty'].includes(p.type)) return;
    }
    const lines = parsed.line(n.span!.end - 1) - parsed.line(n.span!.start) + 1;
    if (lines > MAX_FUNCTION_LINES) found.push(`${file}: function ${functionName(n, parents)} is ${lines} lines`);
  });
  return found;
}

/** Every module specifier: static and dynamic imports, re-exports, `require`, `require.resolve`. */
function imports(parsed: Parsed): string[] {
  const found: string[] = [];
  walk(parsed.module.body, (n) => {
    if (
      (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration') &&
      n.source
    ) {
      found.push((n.source as Node).value as string);
    }
    if (n.type === 'CallExpression') {
      const callee = n.callee as Node;
      const isRequire =
        (callee.type === 'Identifier' && callee.value === 'require') ||
        callee.type === 'Import' ||
        (callee.type === 'MemberExpression' &&
          (callee.object as Node).type === 'Identifier' &&
          (callee.object as Node).value === 'require');
      const first = (n.arguments as { expression: Node }[])[0]?.expression;
      if (isRequire && first && first.type === 'StringLiteral') found.push(first.value as string);
    }
  });
  return found;
}

const NODE_BUILTINS = new Set(builtinModules);
/** Packages lib/ may use: pure, no I/O (YAML text in and out for the AppSpec). */
const PURE_PACKAGES = new Set(['yaml']);
const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]!);

/** Where a relative specifier from `file` lands, relative to the root. */
function target(file: string, spec: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
}

const files = sourceFiles();
// Parsed when a rule first reads the file: no rule reads the files of __tests__/ and test-support/ (half
// the bytes), so parsing them all up front was wasted time.
const parsedFiles = new Map<string, Parsed>();
const parsed = { get: (f: string): Parsed => parsedFiles.get(f) ?? parsedFiles.set(f, parse(f)).get(f)! };
const appFiles = files.filter((f) => !TEST_DIRS.test(f));

/**
 * Fails on every problem not on the allow-list. An entry that no longer applies is named on stderr
 * rather than failed, so the engineer who fixes it does not turn main red by fixing it.
 */
function expectOnlyAllowed(problems: readonly string[], kind: RegExp): void {
  const allowed = STILL_AT_WORK.filter((e) => kind.test(e));
  expect(problems.filter((p) => !allowed.includes(p))).toEqual([]);
  for (const fixed of allowed.filter((a) => !problems.includes(a))) {
    process.stderr.write(`layout-rules: fixed, remove from STILL_AT_WORK: ${fixed}\n`);
  }
}

test('the repository has the folders these rules speak of', () => {
  for (const dir of ['lib', 'hook-lambda', 'release', 'plan-report', 'scripts']) {
    expect([dir, files.some((f) => f.startsWith(`${dir}/`))]).toEqual([dir, true]);
  }
});

test(`no file outside __tests__/ and test-support/ has over ${MAX_LINES_OF_CODE} lines of code`, () => {
  const problems = appFiles.flatMap((f) => {
    const loc = linesOfCode(parsed.get(f)!);
    return loc > MAX_LINES_OF_CODE ? [`${f}: ${loc} lines of code`] : [];
  });
  expectOnlyAllowed(problems, /lines of code$/);
});

test(`no function outside __tests__/ and test-support/ is over ${MAX_FUNCTION_LINES} lines`, () => {
  expectOnlyAllowed(
    appFiles.flatMap((f) => longFunctions(f, parsed.get(f)!)),
    /: function /,
  );
});

test('lines of code skip comments, blank lines and comment-like text in strings', () => {
  const sample = parseText(['// a', '/* b', ' c */', '', 'const s = "// not a comment";', 'const t = `x', '', 'y`;', 'f(', ')', ''].join('\n'));
  expect(linesOfCode(sample)).toBe(6);
});

test('function length counts a function from its first line to its last', () => {
  const body = Array.from({ length: MAX_FUNCTION_LINES - 1 }, (_, i) => `  x(${i});`);
  const long = parseText(['class A {', '  m() {', ...body, '  }', '}', 'const g = () => {', ...body.slice(1), '};'].join('\n'));
  expect(longFunctions('sample.ts', long)).toEqual([`sample.ts: function m is ${MAX_FUNCTION_LINES + 1} lines`]);
});

/** Parses source text given inline (for the tests of the counters themselves). */
function parseText(text: string): Parsed {
  return parse('sample.ts', text);
}

test('lib/ imports only lib/ and Node built-ins, does no process or file I/O, and runs nothing on import', () => {
  const lib = files.filter((f) => f.startsWith('lib/'));
  const problems = lib.flatMap((f) => {
    const p = parsed.get(f)!;
    const out: string[] = [];
    for (const spec of imports(p)) {
      if (spec.startsWith('.')) {
        if (!target(f, spec).startsWith('lib/')) out.push(`${f}: imports ${spec}`);
      } else if (!isBuiltin(spec)) {
        if (!PURE_PACKAGES.has(spec)) out.push(`${f}: imports package ${spec}`);
      } else if (/^(node:)?(fs|fs\/promises|child_process|http|https|http2|dgram|readline|tty|worker_threads|cluster)$/.test(spec)) {
        out.push(`${f}: imports ${spec} (I/O)`);
      }
    }
    walk(p.module.body, (n) => {
      // node:net's address syntax checks are pure; its sockets are not.
      if (n.type === 'ImportDeclaration' && /^(node:)?net$/.test((n.source as Node).value as string)) {
        for (const s of n.specifiers as Node[]) {
          const name = keyName(s.imported) ?? keyName(s.local);
          if (s.type !== 'ImportSpecifier' || !['isIP', 'isIPv4', 'isIPv6'].includes(name ?? '')) {
            out.push(`${f}: imports ${name ?? 'all'} from node:net (sockets)`);
          }
        }
      }
      if (n.type === 'Identifier' && n.value === 'process') out.push(`${f}:${p.line(n.span!.start)}: uses process`);
      if (n.type === 'Identifier' && n.value === 'console') out.push(`${f}:${p.line(n.span!.start)}: uses console`);
    });
    for (const stmt of p.module.body) {
      if (stmt.type === 'ExpressionStatement' || /Statement$/.test(stmt.type ?? '')) {
        if (stmt.type !== 'EmptyStatement') out.push(`${f}:${p.line(stmt.span!.start)}: runs a ${stmt.type} on import`);
      }
    }
    return out;
  });
  expect(lib.length).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});

test('hook-lambda/ imports nothing outside itself but the AWS SDK and Node built-ins', () => {
  const hook = files.filter((f) => f.startsWith('hook-lambda/'));
  const problems = hook.flatMap((f) =>
    imports(parsed.get(f)!)
      .filter((spec) =>
        spec.startsWith('.') ? !target(f, spec).startsWith('hook-lambda/') : !(spec.startsWith('@aws-sdk/') || isBuiltin(spec)),
      )
      .map((spec) => `${f}: imports ${spec}`),
  );
  expect(hook.length).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});

test('the import finder sees imports, re-exports, require and dynamic import', () => {
  const sample = parseText(
    ["import a from './a';", "export * from './b';", "export { c } from './c';", "const d = require('./d');", "void import('./e');", "require.resolve('./f');"].join('\n'),
  );
  expect(imports(sample).sort()).toEqual(['./a', './b', './c', './d', './e', './f']);
});

/** The paths named in the first column of README's "| Path | Contents |" table. */
function readmePaths(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('| Path | Contents |');
  expect(start).toBeGreaterThan(-1);
  const rows = readme.slice(start).split('\n').slice(2);
  const table = rows.slice(0, rows.findIndex((r) => !r.startsWith('|')));
  return table.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

test("every path in README's path table exists, and every top-level source folder is in it", () => {
  const named = readmePaths();
  const missing = named.filter((p) => !existsSync(path.join(ROOT, p))).map((p) => `README names ${p}, which does not exist`);
  const topFolders = [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))].filter(
    (d) => !d.startsWith('.') && statSync(path.join(ROOT, d)).isDirectory(),
  );
  const unnamed = topFolders
    .filter((d) => !named.some((p) => p.replace(/\/$/, '') === d || p.startsWith(`${d}/`)))
    .map((d) => `README's path table lacks ${d}/`);
  expectOnlyAllowed([...missing, ...unnamed], /^README/);
});
