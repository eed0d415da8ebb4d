/**
 * The command an npm script runs, read from package.json, so a test that starts a program as a
 * child process runs exactly what `npm run <script>` runs (`node scripts/run.js release`: the
 * precompiled program) without npm's own start-up in between.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project this checkout holds. */
const PROJECT_ROOT = join(__dirname, '..');

/**
 * `[node, ...arguments]` of a `node …` npm script: the current Node binary, and each argument that
 * is a path of a project file made absolute (so the command works from any directory).
 * @throws Error for a script that is not a plain `node …` command (a shell pipeline, another tool)
 */
export function npmScriptCommand(script: string, root: string = PROJECT_ROOT): { readonly command: string; readonly args: readonly string[] } {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const line = scripts[script];
  if (line === undefined) throw new Error(`package.json has no script ${JSON.stringify(script)}`);
  const [tool, ...args] = line.split(' ');
  if (tool !== 'node' || /["'$|&;<>*]/.test(line)) throw new Error(`npm script ${script} is not a plain node command: ${line}`);
  // A path (`scripts/run.js`), not a word that happens to name a directory too (`release`).
  return { command: process.execPath, args: args.map((a) => (a.includes('/') && !a.startsWith('-') && existsSync(join(root, a)) ? join(root, a) : a)) };
}
