/**
 * `npm run hook:bundle -- [--out-dir dist/hook] [--zip]`: bundles the hook Lambda (hook-lambda/) into one
 * `index.js` with esbuild and, with `--zip`, writes the reproducible `hook.zip` the stack deploys.
 * Synth does this by itself (hook-build/bundle.ts, cached); this entry point is for looking at the
 * bundle, measuring it, or deploying it by other means. Thin shell on scripts/cli.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleHook, HookBundleError } from '../hook-build/bundle';
import { ensureOutDir } from '../hook-build/out-dir';
import { createZip } from '../hook-build/zip';
import { ParsedCommandLine, ProgramIo, ProgramSpec, runProgram, UsageError } from './cli';

/** Exit code when esbuild cannot bundle the hook (the message says where). */
export const EXIT_BUNDLE_FAILED = 1;

export const BUNDLE_HOOK_PROGRAM: ProgramSpec = {
  name: 'hook:bundle',
  command: 'npm run hook:bundle --',
  summary: 'Bundles the hook Lambda (hook-lambda/index.ts and the AWS SDK clients it uses) into one CommonJS file, index.js, for Node.js 22.',
  flags: [
    { name: 'out-dir', type: 'string', valueName: '<dir>', default: join('dist', 'hook'), help: 'Directory to write index.js (and hook.zip) into; created if missing.' },
    { name: 'zip', type: 'boolean', help: 'Also write hook.zip, the byte-reproducible Lambda archive the stack deploys.' },
    { name: 'unminified', type: 'boolean', help: 'Do not minify (readable output; the stack always deploys the minified bundle).' },
    { name: 'json', type: 'boolean', help: 'Print one JSON document (paths, sizes in bytes, sha256) instead of text.' },
  ],
  exitCodes: [
    { code: 0, meaning: 'bundled' },
    { code: EXIT_BUNDLE_FAILED, meaning: 'esbuild could not bundle the hook (the message names the file and line)' },
  ],
};

/** The program's body: bundles, optionally zips, prints what it wrote. */
export function main(parsed: ParsedCommandLine, io: ProgramIo): number {
  const outDir = parsed.values['out-dir'] as string;
  const problem = ensureOutDir(outDir);
  if (problem !== undefined) throw new UsageError(problem);
  let bundle;
  try {
    bundle = bundleHook({ outDir, minify: parsed.values.unminified !== true });
  } catch (err) {
    if (!(err instanceof HookBundleError)) throw err;
    io.stderr(`hook:bundle: ${err.message}\n`);
    return EXIT_BUNDLE_FAILED;
  }
  const written = [{ file: bundle.file, sizeInBytes: bundle.sizeInBytes, sha256: bundle.sha256 }];
  if (parsed.values.zip === true) {
    const zip = createZip([{ name: 'index.js', data: readFileSync(bundle.file) }]);
    const file = join(outDir, 'hook.zip');
    writeFileSync(file, zip);
    written.push({ file, sizeInBytes: zip.length, sha256: createHash('sha256').update(zip).digest('hex') });
  }
  if (parsed.values.json === true) {
    io.stdout(`${JSON.stringify({ handler: bundle.handler, files: written }, null, 2)}\n`);
  } else {
    for (const w of written) io.stdout(`wrote ${relative(process.cwd(), w.file)} (${(w.sizeInBytes / 1024).toFixed(0)} KiB, sha256 ${w.sha256.slice(0, 16)}…)\n`);
    io.stdout(`handler: ${bundle.handler}\n`);
  }
  return 0;
}

if (require.main === module) {
  void runProgram(BUNDLE_HOOK_PROGRAM, (parsed, io) => main(parsed, io));
}
