/**
 * Bundles the hook Lambda into one file with esbuild, for the stack's `TerraformAsset`.
 *
 * Synth runs this every time, so it must be fast and deterministic: the same sources give the same
 * bytes (no timestamps, no absolute paths), which keeps the asset hash, and so `terraform plan`,
 * stable between machines. {@link bundleHookCached} skips esbuild entirely when none of the files
 * that went into the last bundle changed (a content-hash cache), which is most synths.
 */
import type { BuildOptions } from 'esbuild';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { makeCacheDir } from './cache-dir';
import { createZip } from './zip';

/** Result of bundling the hook. */
export interface HookBundle {
  /** Directory holding `index.js` (and nothing else), to be zipped as the Lambda's code. */
  readonly directory: string;
  /** Path of the bundled file. */
  readonly file: string;
  /** Size of the bundled file in bytes. */
  readonly sizeInBytes: number;
  /** The Lambda handler setting for this bundle. */
  readonly handler: 'index.handler';
  /** Hex sha256 of the bundled file: changes exactly when the code changes. */
  readonly sha256: string;
}

/** Options of {@link bundleHook}. */
export interface BundleHookOptions {
  /** Directory to write `index.js` into. */
  readonly outDir: string;
  /**
   * Minify the output.
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Entry file of the hook.
   * @default HOOK_ENTRY (`hook-lambda/index.ts`)
   */
  readonly entry?: string;
}

/** Options of {@link bundleHookCached}. */
export interface BundleHookCachedOptions {
  /**
   * Directory of the cache.
   * @default DEFAULT_HOOK_CACHE_DIR (`node_modules/.cache/bluegreen-hook-bundle`)
   */
  readonly cacheDir?: string;
  /**
   * Minify the output.
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Entry file of the hook.
   * @default HOOK_ENTRY (`hook-lambda/index.ts`)
   */
  readonly entry?: string;
}

/** Thrown when the hook cannot be bundled (missing entry point, compile error). */
export class HookBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HookBundleError';
  }
}

/**
 * esbuild, loaded on first use: the built package carries its hook bundle (hook-build/prebuilt.ts)
 * and has no esbuild, so loading this module must not need it.
 */
function esbuild(): typeof import('esbuild') {
  return require('esbuild') as typeof import('esbuild');
}

/** Root of the project: paths in messages and in the cache manifest are relative to it. */
const PROJECT_ROOT = join(__dirname, '..');

/** Entry point of the hook Lambda. */
export const HOOK_ENTRY = join(PROJECT_ROOT, 'hook-lambda', 'index.ts');

/** Default cache directory (inside node_modules, so it is never committed and `npm ci` clears it). */
export const DEFAULT_HOOK_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'bluegreen-hook-bundle');

/** Bump when the cache layout or the build options change in a way the key would not see. */
const CACHE_FORMAT = 2;

function buildOptions(entry: string, outfile: string, minify: boolean): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify,
    legalComments: 'none',
    // Paths in the bundle would differ between machines and change the asset hash.
    sourcemap: false,
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'silent',
  };
}

function assertEntryExists(entry: string): void {
  if (!existsSync(entry)) {
    throw new HookBundleError(
      `The hook handler ${relative(PROJECT_ROOT, entry)} does not exist, so the hook Lambda cannot be bundled. ` +
        'It must export `handler` (see hook-lambda/config.ts for its configuration).',
    );
  }
}

function build(entry: string, outfile: string, minify: boolean): Record<string, unknown> {
  try {
    const result = esbuild().buildSync({ ...buildOptions(entry, outfile, minify), metafile: true });
    return result.metafile!.inputs;
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors;
    const detail = errors?.length
      ? errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('\n  ')
      : err instanceof Error
        ? err.message
        : String(err);
    throw new HookBundleError(`esbuild could not bundle ${relative(PROJECT_ROOT, entry)}:\n  ${detail}`);
  }
}

/**
 * The cache directory, created if needed; a read-only project (some CI containers) falls back to a
 * per-user directory in the system temp directory rather than failing the synth. Throws
 * {@link HookBundleError} for a directory that may not be trusted (see cache-dir.ts): another local
 * user must not be able to choose the code the stack deploys.
 */
function writableCacheDir(preferred: string): string {
  const trusted = (dir: string): string => {
    const problem = makeCacheDir(dir, PROJECT_ROOT);
    if (problem) throw new HookBundleError(`refusing the hook bundle cache directory ${dir}: ${problem}; give the cache a directory of your own (bundleHookCached's cacheDir) or make node_modules/.cache writable`);
    return dir;
  };
  try {
    trusted(preferred);
    accessSync(preferred, constants.W_OK);
    return preferred;
  } catch (err) {
    if (err instanceof HookBundleError) throw err;
  }
  return trusted(join(tmpdir(), `bluegreen-hook-bundle-${process.getuid?.() ?? 'user'}`));
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Bundles `hook-lambda/index.ts` and its dependencies (the CodeDeploy client included) into `outDir/index.js`. */
export function bundleHook(options: BundleHookOptions): HookBundle {
  const entry = options.entry ?? HOOK_ENTRY;
  assertEntryExists(entry);
  mkdirSync(options.outDir, { recursive: true });
  const file = join(options.outDir, 'index.js');
  build(entry, file, options.minify ?? true);
  const bytes = readFileSync(file);
  return { directory: options.outDir, file, sizeInBytes: bytes.length, handler: 'index.handler', sha256: sha256(bytes) };
}

/** What the cache remembers about the last bundle. */
interface CacheManifest {
  readonly format: number;
  readonly key: string;
  /** sha256 of every file esbuild read, by path relative to the project root. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Size and mtime of the package files among the inputs, when the bundle was built. */
  readonly stats?: InputStats;
  /** Sub-directory of the cache holding `index.js`, named by the bundle's sha256. */
  readonly output: string;
}

/** Package files (node_modules) by size and modification time: `[bytes, mtimeMs]`. */
type InputStats = Record<string, readonly [number, number]>;

const isPackageFile = (path: string): boolean => path.split(/[\\/]/).includes('node_modules');

/** Size and mtime of the package files among `paths` (an install rewrites them). */
function statPackageInputs(paths: readonly string[]): InputStats {
  const out: Record<string, readonly [number, number]> = {};
  for (const path of paths.filter(isPackageFile)) {
    try {
      const s = statSync(join(PROJECT_ROOT, path));
      out[path] = [s.size, s.mtimeMs];
    } catch {
      // Unreadable: left out, so the next check hashes it (and fails, forcing a rebuild).
    }
  }
  return out;
}

/**
 * Whether every input still has the content it had. Package files whose size and mtime are unchanged
 * are taken as unchanged without reading them (about 500 AWS SDK files: hashing them was most of a
 * cache hit's time); the project's own files are always compared by content.
 */
function inputsUnchanged(manifest: CacheManifest): boolean {
  const paths = Object.keys(manifest.inputs);
  if (paths.length === 0) return false;
  const stats = manifest.stats ?? {};
  return paths.every((path) => {
    const known = stats[path];
    if (known) {
      try {
        const s = statSync(join(PROJECT_ROOT, path));
        if (s.size === known[0] && s.mtimeMs === known[1]) return true;
      } catch {
        return false;
      }
    }
    try {
      return sha256(readFileSync(join(PROJECT_ROOT, path))) === manifest.inputs[path];
    } catch {
      return false;
    }
  });
}

/** esbuild's version, for the cache key, without loading esbuild (a cache hit must not need it). */
function esbuildVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
}

function hashInputs(paths: readonly string[]): Record<string, string> | undefined {
  const hashes: Record<string, string> = {};
  for (const path of paths) {
    try {
      hashes[path] = sha256(readFileSync(join(PROJECT_ROOT, path)));
    } catch {
      return undefined;
    }
  }
  return hashes;
}

function readManifest(path: string): CacheManifest | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CacheManifest;
  } catch {
    return undefined;
  }
}

/**
 * Like {@link bundleHook}, but returns the previous bundle when every file esbuild read for it (the
 * hook's sources and the node_modules files it bundles) still has the same content, and the esbuild
 * version and options are the same. Writes are atomic (temporary directory, then rename), so
 * concurrent synths (parallel test workers) never see a half-written bundle.
 */
export function bundleHookCached(options: BundleHookCachedOptions = {}): HookBundle {
  const entry = options.entry ?? HOOK_ENTRY;
  const minify = options.minify ?? true;
  const cacheDir = writableCacheDir(options.cacheDir ?? DEFAULT_HOOK_CACHE_DIR);
  assertEntryExists(entry);
  const key = sha256(JSON.stringify({ format: CACHE_FORMAT, esbuildVersion: esbuildVersion(), entry: relative(PROJECT_ROOT, entry), minify, node: 'node22' }));
  const manifestPath = join(cacheDir, `manifest-${key.slice(0, 16)}.json`);

  const manifest = readManifest(manifestPath);
  if (manifest && manifest.format === CACHE_FORMAT && manifest.key === key) {
    const file = join(cacheDir, manifest.output, 'index.js');
    if (inputsUnchanged(manifest) && existsSync(file)) {
      return { directory: join(cacheDir, manifest.output), file, sizeInBytes: statSync(file).size, handler: 'index.handler', sha256: manifest.output };
    }
  }

  const scratch = join(cacheDir, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const inputs = build(entry, join(scratch, 'index.js'), minify);
    const bytes = readFileSync(join(scratch, 'index.js'));
    const output = sha256(bytes);
    const directory = join(cacheDir, output);
    if (!existsSync(join(directory, 'index.js'))) {
      try {
        renameSync(scratch, directory);
      } catch {
        // Another process stored the same bundle first: its bytes are identical (same content hash).
      }
    }
    // Virtual inputs (esbuild namespaces such as `(disabled):fs`) are not files and carry no content.
    const inputHashes = hashInputs(Object.keys(inputs).filter((path) => !/^\(?[a-z-]+\)?:/.test(path)));
    if (inputHashes !== undefined && Object.keys(inputHashes).length > 0) {
      const next: CacheManifest = { format: CACHE_FORMAT, key, inputs: inputHashes, stats: statPackageInputs(Object.keys(inputHashes)), output };
      const tmpManifest = `${manifestPath}.${process.pid}.tmp`;
      writeFileSync(tmpManifest, JSON.stringify(next));
      renameSync(tmpManifest, manifestPath);
    }
    return { directory, file: join(directory, 'index.js'), sizeInBytes: bytes.length, handler: 'index.handler', sha256: output };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The Lambda deployment package of a bundle: a ZIP holding `index.js`, written next to the bundle's
 * directory and named by its content hash, so it is built once per bundle and reused by every synth.
 * The archive is reproducible (fixed timestamps, see hook-build/zip.ts): same code, same bytes, same plan.
 */
export function archiveHookBundle(bundle: HookBundle): string {
  const zipPath = join(bundle.directory, '..', `archive-${bundle.sha256.slice(0, 16)}`, 'hook.zip');
  if (existsSync(zipPath)) return zipPath;
  mkdirSync(dirname(zipPath), { recursive: true });
  const tmp = `${zipPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, createZip([{ name: 'index.js', data: readFileSync(bundle.file) }]));
  renameSync(tmp, zipPath);
  return zipPath;
}
