/**
 * The stand-in provider as one JavaScript file (esbuild bundle of provider-server.ts), built once and
 * cached by the content hash of everything that went into it.
 *
 * The key covers the esbuild version, the build options, the content of every source file of this
 * folder the bundle includes, and the version of every package it includes from node_modules. The
 * cache keeps the list of inputs of the last build: any new import needs an edit to an input already
 * listed, so a changed input list always shows up as a changed hash. A stale bundle is therefore never
 * reused, and a fresh one costs only the hashing of a few small files.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** What the cache remembers of the last build. */
interface BundleManifest {
  readonly key: string;
  readonly bundle: string;
  /** Source files of this folder, relative to it. */
  readonly sources: readonly string[];
  /** Package directories under node_modules, relative to this folder. */
  readonly packages: readonly string[];
}

const MANIFEST = 'provider-bundle.json';
/** Age after which a bundle that is no longer current is removed. */
const STALE_BUNDLE_AGE_IN_MS = 10 * 60 * 1000;
const ENTRY = 'provider-server.ts';

function buildOptions(outfile: string): import('esbuild').BuildOptions & { metafile: true; write: true } {
  return { entryPoints: [path.join(__dirname, ENTRY)], absWorkingDir: __dirname, bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent', metafile: true, write: true };
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The package directory of a node_modules path (`../../node_modules/@grpc/grpc-js/build/x.js` → `../../node_modules/@grpc/grpc-js`). */
export function packageDirOf(input: string): string | undefined {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1]!.startsWith('@');
  return parts.slice(0, at + (scoped ? 3 : 2)).join('/');
}

/** The content key of a bundle made of these inputs; undefined when one of them is gone. */
export function bundleKey(sources: readonly string[], packages: readonly string[], esbuildVersion: string): string | undefined {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n${JSON.stringify(buildOptions('out.js'))}\n`);
  for (const file of [...sources].sort()) {
    const full = path.join(__dirname, file);
    if (!existsSync(full)) return undefined;
    hash.update(`source ${file} ${sha256(readFileSync(full))}\n`);
  }
  for (const dir of [...packages].sort()) {
    const pkg = path.join(__dirname, dir, 'package.json');
    if (!existsSync(pkg)) return undefined;
    const { name, version } = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
    hash.update(`package ${dir} ${name}@${version}\n`);
  }
  return hash.digest('hex');
}

function readManifest(cacheDir: string): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(path.join(cacheDir, MANIFEST), 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
}

/** Writes `text` to `file` through a temporary name, so a concurrent reader never sees half of it. */
function writeAtomically(file: string, text: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(16).slice(2, 8)}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Result of {@link providerBundle}. */
export interface ProviderBundle {
  /** Absolute path of the bundle (`node <file> <aws|null> <home>`). */
  readonly file: string;
  /** True when it came from the cache. */
  readonly cached: boolean;
}

/**
 * The path of a provider bundle built from the current sources: from `cacheDir` when its content key
 * still matches, else built now (about 0.1–0.3 s) and cached.
 * @throws when esbuild fails (a syntax error in the provider's sources)
 */
export function providerBundle(cacheDir: string): ProviderBundle {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const last = readManifest(cacheDir);
  if (last) {
    const key = bundleKey(last.sources, last.packages, esbuild.version);
    const file = path.join(cacheDir, last.bundle);
    if (key === last.key && existsSync(file)) return { file, cached: true };
  }
  mkdirSync(cacheDir, { recursive: true });
  const building = path.join(cacheDir, `provider-building-${process.pid}-${Math.random().toString(16).slice(2, 8)}.js`);
  let manifest: BundleManifest;
  try {
    const result = esbuild.buildSync(buildOptions(building));
    const inputs = Object.keys(result.metafile.inputs);
    const packages = [...new Set(inputs.map(packageDirOf).filter((d): d is string => d !== undefined))];
    const sources = inputs.filter((i) => packageDirOf(i) === undefined);
    const key = bundleKey(sources, packages, esbuild.version)!;
    manifest = { key, bundle: `provider-${key.slice(0, 16)}.js`, sources, packages };
    renameSync(building, path.join(cacheDir, manifest.bundle));
  } finally {
    rmSync(building, { force: true });
  }
  writeAtomically(path.join(cacheDir, MANIFEST), JSON.stringify(manifest, null, 2));
  // Older bundles are dead weight, but a run started a moment ago (before a source edit) may still be
  // about to start one: only those untouched for a while go.
  for (const f of readdirSync(cacheDir)) {
    const old = path.join(cacheDir, f);
    if (/^provider-[0-9a-f]{16}\.js$/.test(f) && f !== manifest.bundle && Date.now() - statSync(old).mtimeMs > STALE_BUNDLE_AGE_IN_MS) rmSync(old, { force: true });
  }
  return { file: path.join(cacheDir, manifest.bundle), cached: false };
}
