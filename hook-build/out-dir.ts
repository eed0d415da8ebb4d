/**
 * Creates the directory `npm run hook:bundle -- --out-dir` writes into, or says why it cannot.
 *
 * Not `mkdirSync(dir, { recursive: true })`: on Node 20 and 22 that call never returns for a path the
 * kernel refuses with ENOENT although the parent exists (any new name under /proc), and its errors
 * name neither the flag nor the part of the path at fault. Here every missing component is created
 * one at a time, so the work is bounded by the path's depth.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Makes `dir` (and its missing parents) exist as a directory.
 * @returns a problem naming `flag`, the value and the cause, or undefined when the directory exists.
 */
export function ensureOutDir(dir: string, flag = '--out-dir'): string | undefined {
  if (dir.trim() === '') return `${flag} must not be empty; received ${JSON.stringify(dir)}`;
  const shown = JSON.stringify(dir);
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const kind = kindOf(current);
    if (kind === 'directory') break;
    if (kind === 'other') {
      return current === resolve(dir) ? `${flag} ${shown} must be a directory; it is a file` : `${flag} ${shown} cannot be created: ${JSON.stringify(current)} is a file`;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST' && kindOf(path) === 'directory') continue;
      return `${flag} ${shown} cannot be created: ${e.code ?? e.message} (${JSON.stringify(path)})`;
    }
  }
  return undefined;
}

function kindOf(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a component of the path is a file; the walk up reaches it and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return 'other';
  }
}
