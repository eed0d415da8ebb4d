/**
 * Up-front checks of file-valued flags (`--state`, `--out`), so a bad path is a usage error (exit 2)
 * naming the flag, the value and what is allowed, never an EISDIR from deep inside a run (exit 70) nor
 * a page of Terraform errors.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Problems with a `--state <file>` value: it must exist, be a regular file and hold a Terraform state
 * (a JSON object with numeric `version` and `serial` and a `resources` array, as `terraform.tfstate`
 * v4 has; see Terraform's state format).
 * @returns one problem line per fault; empty when the file is usable
 */
export function stateFileProblems(flag: string, file: string): string[] {
  const where = `--${flag} ${file}`;
  if (!existsSync(file)) return [`${where}: no such file; expected a terraform.tfstate file`];
  if (!statSync(file).isFile()) return [`${where}: is a directory, not a file; expected a terraform.tfstate file`];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return [`${where}: not JSON (${(err as Error).message}); expected a terraform.tfstate file`];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return [`${where}: not a Terraform state; expected a JSON object with version, serial and resources`];
  }
  const s = parsed as Record<string, unknown>;
  const missing = [typeof s.version === 'number' ? '' : 'version (number)', typeof s.serial === 'number' ? '' : 'serial (number)', Array.isArray(s.resources) ? '' : 'resources (array)'].filter(Boolean);
  return missing.length === 0 ? [] : [`${where}: not a Terraform state; missing ${missing.join(', ')}`];
}

/** The nearest existing ancestor of `dir` (itself when it exists). */
function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/**
 * Problems with an output-file flag (`--out <file>`): it must not be a directory, and its folder must
 * exist or be creatable (the nearest existing ancestor is a writable directory) and be writable.
 * @returns one problem line per fault; empty when the file can be written
 */
export function outFileProblems(flag: string, file: string): string[] {
  const where = `--${flag} ${file}`;
  const abs = path.resolve(file);
  if (existsSync(abs)) {
    if (statSync(abs).isDirectory()) return [`${where}: is a directory; expected a file path to write`];
    try {
      accessSync(abs, constants.W_OK);
    } catch {
      return [`${where}: file is not writable; expected a writable file path`];
    }
    return [];
  }
  const ancestor = nearestExisting(path.dirname(abs));
  if (!statSync(ancestor).isDirectory()) return [`${where}: ${ancestor} is not a directory, so the folder cannot be created; expected a file path in a writable folder`];
  try {
    accessSync(ancestor, constants.W_OK);
  } catch {
    return [`${where}: folder ${ancestor} is not writable; expected a file path in a writable folder`];
  }
  return [];
}
