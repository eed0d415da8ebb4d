/**
 * tools/offline-terraform/ is the provider stand-in and its harness only: it imports nothing of the
 * app (no main.ts, stacks/, config/, constructs/, lib/, scripts/…), only its own files, Node and
 * packages. What it knows of the app lives in scripts/offline-stacks.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const DIR = path.join(__dirname, '..', 'tools', 'offline-terraform');

/** Every module specifier a file imports or requires. */
function specifiers(source: string): string[] {
  const found = [
    ...source.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...source.matchAll(/\brequire(?:\.resolve)?\(\s*['"`]([^'"`]+)['"`]/g),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((m) => m[1]!);
}

test('the offline Terraform tools import only their own files, Node and packages', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(5);
  const outside = files.flatMap((f) =>
    specifiers(readFileSync(path.join(DIR, f), 'utf8'))
      .filter((s) => s.startsWith('.') && !/^\.\/[\w-]+$/.test(s))
      .map((s) => `${f}: ${s}`),
  );
  expect(outside).toEqual([]);
});

test('nor do they name the app\'s files or its output layout', () => {
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.ts'))) {
    const code = readFileSync(path.join(DIR, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect([f, /main\.ts|stacks\/environments|cdktf\.out/.test(code)]).toEqual([f, false]);
  }
});
