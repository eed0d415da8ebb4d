/**
 * Whether a cache directory may be trusted with code the stack deploys. Whoever can write into the
 * hook bundle cache chooses the code of the Lambda the next synth packages (a bundle with a manifest
 * that matches the sources), so a directory outside the project, such as the per-user fallback in the
 * system temp directory that a read-only checkout uses, must be a real directory (lstat: a symbolic
 * link could be repointed) of this user that no one else can write to. A directory inside the project
 * is as trusted as the sources. build/synth-cache.js applies the same rule to the program bundles (it
 * is plain JavaScript that runs before anything is compiled, so it cannot share this module).
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

function insideProject(dir: string, root: string): boolean {
  const rel = relative(root, resolve(dir));
  return !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

/** Why `dir` may not be trusted, or undefined when it may (always on Windows: no owner or mode bits). */
export function untrustedCacheDir(dir: string, root: string): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || insideProject(dir, root)) return undefined;
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (!stat.isDirectory()) return 'it is not a directory';
  if (stat.uid !== uid) return `it belongs to uid ${stat.uid}, not to this user (uid ${uid})`;
  if ((stat.mode & 0o022) !== 0) return `it is writable by group or others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`;
  return undefined;
}

/**
 * Creates `dir` if needed (only its owner may enter one outside the project) and returns the reason
 * it may not be trusted, if any.
 */
export function makeCacheDir(dir: string, root: string): string | undefined {
  mkdirSync(dir, { recursive: true, ...(insideProject(dir, root) ? {} : { mode: 0o700 }) });
  return untrustedCacheDir(dir, root);
}
