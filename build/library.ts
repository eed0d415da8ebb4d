/**
 * `npm run build` (also the package's `prepare` script, so `npm ci` and `npm pack` run it): the
 * construct library in dist/, as the package ships it, and the precompiled synth entry.
 *
 * - JavaScript: every project module the package entry (index.ts) and the command-line programs
 *   (`bin`) import, each transformed to CommonJS on its own by esbuild, one dist/ file per source
 *   file (no bundling: a consumer's bundler or Node loads only what it uses).
 * - Declarations: `tsc -p tsconfig.build.json` (TypeScript 7 emits `.d.ts` only; esbuild does not
 *   type-check).
 * - The hook Lambda, bundled and archived into dist/hook-bundle and dist/archive-<sha>/ (see
 *   hook-build/prebuilt.ts): a consumer's synth needs no esbuild and writes nothing into node_modules.
 * - The precompiled entries (build/synth-entry.js): the synth's (main.ts) and every program's that
 *   scripts/run.js runs, bundled from the JavaScript written above where it has it rather than
 *   compiling the sources a second time, so the first run after `npm ci` is already fast.
 *
 * dist/ is written to a temporary directory and swapped in at the end, so a failed build leaves the
 * previous one intact.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { archiveHookBundle, bundleHook } from '../hook-build/bundle';
import { PREBUILT_HOOK_DIR_NAME } from '../hook-build/prebuilt';
import { PROGRAMS, programEntry } from '../scripts/run';
import { BUILD_GOGC, buildSynthEntries, PROJECT_ROOT, SynthEntryBuildError, transpileModule, withBuildGc, type TranspiledModule } from './synth-entry';

/** The package entry (package.json `exports["."]`). */
export const PACKAGE_ENTRY = 'index.ts';

/** Command-line programs the package installs (package.json `bin`), by source file. */
export const BIN_ENTRIES: readonly string[] = ['scripts/release.ts', 'scripts/hook-check.ts'];

/** Options of {@link buildLibrary}. */
export interface LibraryBuildOptions {
  /**
   * Output directory, relative to the root.
   * @default 'dist'
   */
  readonly outDir?: string;
  /**
   * Also build the precompiled entries (`npm run synth`'s main.ts and the programs scripts/run.js runs).
   * @default true
   */
  readonly synthEntry?: boolean;
}

/** What {@link buildLibrary} wrote. */
export interface LibraryBuildResult {
  readonly outDir: string;
  /** Source files compiled, relative to the root. */
  readonly modules: readonly string[];
  readonly hookBundle: string;
  readonly hookArchive: string;
  /** The synth entry's bundle, when built. */
  readonly synthEntry?: string;
  /** The programs' bundles (scripts/run.js), by program name, when built. */
  readonly programEntries?: Readonly<Record<string, string>>;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Project files (absolute paths) the entries import, following relative imports only. */
async function projectModules(esbuild: typeof import('esbuild'), root: string, entries: readonly string[]): Promise<string[]> {
  // The build's first esbuild call: it starts the service (see withBuildGc).
  const result = await withBuildGc(() => esbuild.build({
    entryPoints: entries.map((e) => join(root, e)),
    absWorkingDir: root,
    bundle: true,
    packages: 'external',
    platform: 'node',
    write: false,
    metafile: true,
    outdir: join(root, '.build-graph'),
    logLevel: 'silent',
  }));
  return Object.keys(result.metafile.inputs)
    .filter((input) => !/^\(?[a-z-]+\)?:/.test(input))
    .map((input) => resolve(root, input))
    .sort();
}

function declarations(root: string, outDir: string): void {
  const tsc = join(dirname(require.resolve('typescript/package.json', { paths: [root] })), 'bin', 'tsc');
  // tsc 7 is a Go program too: the build's GOGC (measured: 1.28 → 1.14 CPU-s), unless the environment sets one.
  const env = { GOGC: BUILD_GOGC, ...process.env };
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`tsc could not emit the declarations:\n${result.stdout}${result.stderr}`);
}

/**
 * A JSON module the code requires, into the same place under dist/. The root package.json (read by
 * scripts/cli.ts for `--version`) becomes dist/package.json with only the version and the module
 * type: the real manifest stays at the package root, and CommonJS is stated for dist/ itself.
 */
function copyJson(root: string, file: string, staging: string): void {
  const rel = relative(root, file);
  const target = join(staging, rel);
  mkdirSync(dirname(target), { recursive: true });
  if (rel === 'package.json') {
    const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version: string };
    writeFileSync(target, `${JSON.stringify({ version, type: 'commonjs' }, null, 2)}\n`);
  } else {
    writeFileSync(target, readFileSync(file));
  }
}

/** Builds dist/ (see the file comment). Throws with the compiler's message when a source does not compile. */
export async function buildLibrary(options: LibraryBuildOptions = {}): Promise<LibraryBuildResult> {
  // The checkout holding this file: the hook bundle and the synth entry are built from its sources.
  const root = resolve(PROJECT_ROOT);
  const outDir = join(root, options.outDir ?? 'dist');
  const esbuild = require(require.resolve('esbuild', { paths: [root] })) as typeof import('esbuild');
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });

  let staged: { modules: string[]; transpiled: Map<string, TranspiledModule>; hookFile: string; archive: string };
  try {
    staged = await stage(esbuild, root, staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  const moved = (p: string) => join(outDir, relative(staging, p));

  const entries = options.synthEntry === false ? undefined : await buildEntries(root, staged.transpiled);
  return {
    outDir,
    modules: staged.modules.map((m) => relative(root, m)),
    hookBundle: moved(staged.hookFile),
    hookArchive: moved(staged.archive),
    ...(entries ? { synthEntry: entries.synth, programEntries: entries.programs } : {}),
  };
}

/**
 * The synth's and every program's precompiled entry, in one esbuild build: the packages they share
 * are parsed once (measured: 10 entries in 2.4 s of wall time instead of 6.3 for a build each, the
 * same bundles and manifests byte for byte).
 */
async function buildEntries(root: string, transpiled: Map<string, TranspiledModule>): Promise<{ synth: string; programs: Record<string, string> }> {
  const [synth, ...programs] = await buildSynthEntries({ root, transpiled }, [
    { entry: 'main.ts', purpose: 'synth' },
    ...PROGRAMS.map((name) => ({ entry: programEntry(name), purpose: name })),
  ]);
  return { synth: synth!, programs: Object.fromEntries(PROGRAMS.map((name, i) => [name, programs[i]!])) };
}

/** Writes the whole package content into `staging`. */
async function stage(esbuild: typeof import('esbuild'), root: string, staging: string) {
  let modules: string[];
  try {
    modules = await projectModules(esbuild, root, [PACKAGE_ENTRY, ...BIN_ENTRIES]);
  } catch (err) {
    throw new SynthEntryBuildError(`could not resolve the package's modules:\n  ${(err as Error).message}`);
  }
  const transpiled = new Map<string, TranspiledModule>();
  const bins = new Set(BIN_ENTRIES.map((b) => join(root, b)));
  for (const file of modules) {
    if (file.endsWith('.json')) {
      copyJson(root, file, staging);
      continue;
    }
    const source = readFileSync(file, 'utf8');
    const code = await transpileModule(esbuild, file, source, root);
    transpiled.set(file, { sha256: sha256(source), code });
    const target = join(staging, relative(root, file)).replace(/\.[cm]?tsx?$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bins.has(file) ? `#!/usr/bin/env node\n${code}` : code);
    if (bins.has(file)) chmodSync(target, 0o755);
  }
  declarations(root, staging);

  const bundle = bundleHook({ outDir: join(staging, PREBUILT_HOOK_DIR_NAME), minify: true });
  const archive = archiveHookBundle(bundle);
  return { modules, transpiled, hookFile: bundle.file, archive };
}

if (require.main === module) {
  const started = Date.now();
  buildLibrary().then(
    (r) => {
      const size = existsSync(r.hookBundle) ? `${(readFileSync(r.hookBundle).length / 1024).toFixed(0)} KiB` : '?';
      process.stdout.write(
        `build: ${r.modules.length} modules and their declarations → ${relative(process.cwd(), r.outDir) || '.'}/, hook bundle ${size}` +
          `${r.synthEntry ? `, synth entry and ${Object.keys(r.programEntries ?? {}).length} program entries` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    },
    (err: unknown) => {
      process.stderr.write(`build: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
