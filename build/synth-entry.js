// @ts-check
/**
 * Precompiled program entries: an entry file (`main.ts` for `npm run synth`, `scripts/<program>.ts`
 * for the other programs, see scripts/run.js) and everything it imports (cdktf, the provider classes,
 * the AWS SDK included) bundled by esbuild into one CommonJS file, so a program runs plain JavaScript
 * instead of starting tsx's loader and compiling its TypeScript files and hundreds of package files.
 * One implementation for every entry: the entry file is a parameter; each entry has its own manifest
 * in the shared cache directory.
 *
 * Why a bundle: measured on a 2-core machine, `node --import tsx main.ts` spends two thirds of its
 * second in module loading (tsx's loader thread, its hooks, V8 compiling each file); one bundled file
 * loaded with V8's code cache synthesizes both examples in about a third of that, and
 * `release --help` takes 0.16 instead of 0.65 s of CPU.
 *
 * Never stale: the manifest beside the bundle records what went into it, and every run checks it
 * before using the bundle (a few milliseconds):
 * - each project file the bundle read, by sha256 of its content (an edit that restores the old
 *   content is not a change);
 * - each package file (node_modules) by size and modification time (an install rewrites them);
 * - the TypeScript, JavaScript and JSON file names of every project directory it read from, so a new
 *   file that changes how an import resolves (`./x` from `x/index.ts` to `x.ts`) is seen too;
 * - `tsconfig.json` and `package.json`, which steer the TypeScript transform and module resolution.
 * Anything different, missing or unreadable: the bundle is rebuilt (about half a second) before the
 * program runs. Builds go to a temporary directory and are published by rename, so concurrent runs
 * (parallel test workers) never see half a bundle; the bundle holds exactly the bytes that were
 * hashed (the plugin reads and hashes each file itself before transforming it). Runs that find the
 * same entry stale at once build it once: one takes the entry's build lock, the others wait for it
 * (bounded) and use its bundle (the cache directory and the lock: build/synth-cache.js).
 *
 * Each project module is transformed to CommonJS on its own (as tsx does) and keeps its own
 * `__dirname`/`__filename` pointing at its source, so code that finds files relative to itself
 * (hook-build/bundle.ts finds hook-lambda/) behaves exactly as under tsx.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled. Type-checked by tsc (checkJs).
 */
'use strict';
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');
const { buildLock, CACHE_DIR_ENV, refusal, SynthEntryBuildError, untrustedCacheDir, writableCacheDir } = require('./synth-cache.js');

/** The project root: the directory holding main.ts and scripts/. */
const PROJECT_ROOT = path.join(__dirname, '..');

/** Default cache directory: inside node_modules, so it is never committed and `npm ci` clears it. */
const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'bluegreen-synth');

/** Environment variable that makes a launcher say whether it rebuilt its entry, and why, on stderr. */
const VERBOSE_ENV = 'BLUEGREEN_SYNTH_VERBOSE';

/** Bump when the bundle's layout or build options change in a way the manifest would not see. */
const FORMAT = 4;

/** Node versions the bundle must run on (Node 20 here, nodejs22.x in CI images). */
const TARGET = 'node20';

/**
 * Go's garbage collector target (GOGC) for the esbuild service a build starts, unless the environment
 * sets one. Measured on 2 cores: the library build (ten entries) takes 4.1 instead of 4.9 CPU-s at 400
 * (Go's default is 100) for about 10% more peak memory, one entry's rebuild about 12% less; the offline
 * Terraform commands run with the same setting.
 */
const BUILD_GOGC = '400';

/**
 * Runs `call`, an esbuild API call, with {@link BUILD_GOGC} in the environment: esbuild spawns its
 * service on the first call, and the service inherits this process's environment. Restored right
 * after, so the program a launcher runs after a rebuild, and its children, do not inherit it.
 * @template T @param {() => T} call @returns {T}
 */
function withBuildGc(call) {
  if (process.env.GOGC !== undefined) return call();
  process.env.GOGC = BUILD_GOGC;
  try {
    return call();
  } finally {
    delete process.env.GOGC;
  }
}

/** Kept out of the bundle: esbuild finds its native binary relative to its own package. */
const EXTERNAL = ['esbuild'];

/**
 * File names that take part in resolving an import (`./x` → x.ts, x.js, x.json…). Directories are
 * left out: a file always wins over a directory of the same name (`x/index.ts`), so a new directory
 * cannot change what an import that resolves today resolves to (and cdktf.out appearing after the
 * first synth must not cost a rebuild).
 */
const RESOLVABLE = /\.(?:[cm]?[jt]sx?|json)$/;

/**
 * @typedef {object} SynthManifest
 * @property {number} format {@link FORMAT} of the build that wrote it
 * @property {string} entry entry file, relative to the project root
 * @property {Record<string, string>} sources sha256 of each project file read, by path relative to the root
 * @property {Record<string, [number, number]>} packages size in bytes and mtime in ms of each package file read
 * @property {Record<string, string>} directories sha256 of the sorted resolvable names of each project directory read
 * @property {string} bundle the bundle, relative to the cache directory
 * @property {[number, number]} bundleStat size in bytes and mtime in ms of the bundle as published (a damaged one is rebuilt)
 */

/**
 * @typedef {object} TranspiledModule
 * @property {string} sha256 sha256 of the source it was made from
 * @property {string} code CommonJS JavaScript
 */

/**
 * @typedef {object} SynthEntryOptions
 * @property {string} [root] project root (default: this checkout)
 * @property {string} [entry] entry file relative to the root (default: `main.ts`)
 * @property {string} [cacheDir] cache directory (default: `BLUEGREEN_SYNTH_CACHE_DIR` or `node_modules/.cache/bluegreen-synth`)
 * @property {string} [purpose] what the entry is for, in a build error ("could not compile <entry> for the <purpose>"; default `synth`)
 * @property {Map<string, TranspiledModule>} [transpiled] modules already transformed (the library build's), by absolute path; reused when their sha256 matches
 */

/** @param {Buffer | string} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Forward slashes: manifest keys and paths written into the bundle are the same on every OS. */
/** @param {string} p */
const posix = (p) => p.split(path.sep).join('/');

/** @param {SynthEntryOptions} options */
function resolveOptions(options) {
  const root = path.resolve(options.root ?? PROJECT_ROOT);
  return {
    root,
    entry: options.entry ?? 'main.ts',
    purpose: options.purpose ?? 'synth',
    cacheDir: options.cacheDir ?? process.env[CACHE_DIR_ENV] ?? (options.root ? path.join(root, 'node_modules', '.cache', 'bluegreen-synth') : DEFAULT_CACHE_DIR),
    transpiled: options.transpiled,
  };
}

/**
 * Where the manifest of this root and entry lives: one per checkout, so copies of the project that
 * share a node_modules (symlinked) do not overwrite each other's.
 * @param {string} cacheDir @param {string} root @param {string} entry
 */
function manifestPath(cacheDir, root, entry) {
  let real = root;
  try {
    real = fs.realpathSync(root);
  } catch {
    // A root that does not exist has no manifest either; the build reports it.
  }
  return path.join(cacheDir, `manifest-${sha256(`${real}\0${entry}`).slice(0, 16)}.json`);
}

/** @param {string} dir */
function listingHash(dir) {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => !d.isDirectory() && RESOLVABLE.test(d.name))
    .map((d) => d.name)
    .sort();
  return sha256(names.join('\n'));
}

/** @param {string} file */
function readManifest(file) {
  try {
    return /** @type {SynthManifest} */ (JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Why the bundle the manifest describes is not what the sources would build now, or undefined when
 * it is. Pure with respect to its inputs: reads files, changes nothing.
 * @param {SynthManifest | undefined} manifest
 * @param {string} root
 * @param {string} cacheDir
 * @returns {string | undefined}
 */
function staleReason(manifest, root, cacheDir) {
  if (!manifest) return 'nothing has been built yet';
  if (manifest.format !== FORMAT) return 'the build format changed';
  let bundle;
  try {
    bundle = fs.statSync(path.join(cacheDir, manifest.bundle));
  } catch {
    return 'the bundle is missing';
  }
  // A truncated or edited bundle would fail at every run: its size and mtime catch that. Not a hash:
  // measured, sha256 of release's 2.5 MB bundle costs 3.0 ms, about as much as this whole check (3.7).
  if (bundle.size !== manifest.bundleStat?.[0] || bundle.mtimeMs !== manifest.bundleStat?.[1]) return 'the bundle changed since it was built';
  for (const [rel, hash] of Object.entries(manifest.sources)) {
    let data;
    try {
      data = fs.readFileSync(path.join(root, rel));
    } catch {
      return `${rel} is gone`;
    }
    if (sha256(data) !== hash) return `${rel} changed`;
  }
  for (const [rel, [size, mtimeMs]] of Object.entries(manifest.packages)) {
    let stat;
    try {
      stat = fs.statSync(path.join(root, rel));
    } catch {
      return `${rel} is gone`;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return `${rel} changed`;
  }
  for (const [rel, hash] of Object.entries(manifest.directories)) {
    let now;
    try {
      now = listingHash(path.join(root, rel));
    } catch {
      return `${rel}/ is gone`;
    }
    if (now !== hash) return `files were added to or removed from ${rel === '' ? 'the project root' : `${rel}/`}`;
  }
  return undefined;
}

/**
 * The project's TypeScript settings that change how a file is transformed (class fields, decorators,
 * import elision), as esbuild's `tsconfigRaw`. An unreadable tsconfig.json means esbuild's defaults,
 * as for tsx.
 * @param {string} root
 */
function tsconfigRaw(root) {
  try {
    const { compilerOptions = {} } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
    const keep = ['target', 'useDefineForClassFields', 'experimentalDecorators', 'verbatimModuleSyntax', 'preserveValueImports', 'importsNotUsedAsValues', 'jsx', 'jsxFactory', 'jsxFragmentFactory', 'jsxImportSource', 'alwaysStrict'];
    return { compilerOptions: Object.fromEntries(keep.filter((k) => k in compilerOptions).map((k) => [k, compilerOptions[k]])) };
  } catch {
    return {};
  }
}

/**
 * Transforms one TypeScript module to CommonJS, exactly as the library build writes it to dist/.
 * @param {typeof import('esbuild')} esbuild
 * @param {string} file absolute path
 * @param {string} source its content
 * @param {string} root project root
 * @param {object} [extra] more transform options (e.g. a banner)
 * @returns {Promise<string>}
 */
async function transpileModule(esbuild, file, source, root, extra = {}) {
  const loader = /\.[cm]?tsx?$/.test(file) ? (file.endsWith('x') ? 'tsx' : 'ts') : 'js';
  const result = await esbuild.transform(source, {
    loader,
    format: 'cjs',
    platform: 'node',
    target: TARGET,
    sourcefile: posix(path.relative(root, file)),
    tsconfigRaw: tsconfigRaw(root),
    legalComments: 'inline',
    logLevel: 'silent',
    ...extra,
  });
  return result.code;
}

/**
 * cdktf's private/fs.js, adapted to the bundle:
 * - it zips a directory asset (`AssetType.ARCHIVE`) by running itself, `node ${__filename}`, as a
 *   child process; bundled, `__filename` would be the bundle (which would synthesize again, and again),
 *   so it gets its own path on disk back, and the child runs the installed cdktf file;
 * - it loads `archiver` (and ~800 KiB of stream, glob and zip modules) as soon as cdktf is loaded,
 *   although only that archive step uses it (this app's hook is a FILE asset); in the bundle archiver
 *   loads on its first call: about 2.5 MiB and some milliseconds less per synth.
 * cdktf is pinned (and archived); if a line is not found, that part is left as it is.
 * @param {string} file
 * @param {string} root
 * @returns {import('esbuild').OnLoadResult}
 */
function cdktfPrivateFs(file, root) {
  let source = fs.readFileSync(file, 'utf8');
  const eager = 'const archiver = require("archiver");';
  source = source.replace(eager, 'let archiverModule; const archiver = (...args) => (archiverModule ??= require("archiver"))(...args);');
  const ownPath = `var __filename = __bluegreenSource(${JSON.stringify(posix(path.relative(root, file)))});\n`;
  const prologue = /^(?:\s*(?:"use strict"|'use strict');?\n)?/.exec(source)?.[0] ?? '';
  return { contents: prologue + ownPath + source.slice(prologue.length), loader: 'js' };
}

/** @param {unknown} err */
function describeEsbuildFailure(err) {
  const errors = /** @type {{ errors?: Array<{ text: string, location?: { file: string, line: number, column: number } | null }> }} */ (err).errors;
  if (errors && errors.length > 0) {
    return errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text)).join('\n  ');
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * The bundle with the helper its module shims call: the project root, found from the bundle's own
 * directory (`<cache>/<hash>/`) at run time so the cache may move with node_modules. Placed after
 * esbuild's `"use strict"` prologue, which must stay first to keep the bundle strict.
 * @param {string} code @param {string} rootFromCache
 */
function withRootLocator(code, rootFromCache) {
  const locator =
    `var __bluegreenRoot = require("path").resolve(__dirname, "..", ${JSON.stringify(posix(rootFromCache) || '.')});\n` +
    'function __bluegreenSource(p) { return require("path").join(__bluegreenRoot, p); }\n';
  const prologue = /^(?:#!.*\n)?(?:\s*(?:"use strict"|'use strict');?\n)?/.exec(code)?.[0] ?? '';
  return prologue + locator + code.slice(prologue.length);
}

/**
 * The esbuild plugin that loads the project's own modules: records each source's hash in `sources`,
 * reuses a known transpilation, and gives each module the __dirname/__filename of its source.
 * @param {{ root: string, sources: Record<string, string>, transpiled: any, esbuild: typeof import('esbuild') }} ctx
 * @returns {import('esbuild').Plugin}
 */
function projectModulesPlugin({ root, sources, transpiled, esbuild }) {
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  return {
    name: 'bluegreen-project-modules',
    setup(build) {
      /** @param {string} file */
      const inProject = (file) => file.startsWith(rootPrefix) && !file.split(path.sep).includes('node_modules');
      build.onLoad({ filter: /\.json$/ }, (args) => {
        if (!inProject(args.path)) return undefined;
        const bytes = fs.readFileSync(args.path);
        sources[posix(path.relative(root, args.path))] = sha256(bytes);
        return { contents: bytes, loader: 'json' };
      });
      build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]private[\\/]fs\.js$/ }, (args) => cdktfPrivateFs(args.path, root));
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        if (!inProject(args.path)) return undefined;
        const bytes = fs.readFileSync(args.path);
        const hash = sha256(bytes);
        const rel = posix(path.relative(root, args.path));
        sources[rel] = hash;
        const known = transpiled?.get(args.path);
        let code;
        try {
          code = known && known.sha256 === hash ? known.code : await transpileModule(esbuild, args.path, bytes.toString('utf8'), root);
        } catch (err) {
          // esbuild's own messages, located in the file that does not compile (not at its importer).
          const errors = /** @type {{ errors?: import('esbuild').PartialMessage[] }} */ (err).errors;
          return { errors: errors && errors.length > 0 ? errors : [{ text: err instanceof Error ? err.message : String(err) }] };
        }
        // Each module keeps the __dirname/__filename of its source (see the file comment). The bundle
        // is CommonJS-wrapped per module, so these `var`s are local to the module.
        const shim = `var __filename = __bluegreenSource(${JSON.stringify(rel)}), __dirname = __bluegreenSource(${JSON.stringify(posix(path.dirname(rel)))});\n`;
        return { contents: shim + code, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * What the freshness check compares: packages by size and mtime, the listing hash of each project
 * directory a source came from; adds tsconfig.json and package.json to `sources` (they steer esbuild).
 * @param {readonly string[]} inputs the bundle's inputs (esbuild metafile keys)
 * @param {string} root
 * @param {Record<string, string>} sources
 */
function inputFingerprints(inputs, root, sources) {
  /** @type {Record<string, [number, number]>} */
  const packages = {};
  /** @type {Record<string, string>} */
  const directories = {};
  for (const input of inputs) {
    if (/^\(?[a-z-]+\)?:/.test(input)) continue; // esbuild's virtual modules are not files
    const abs = path.resolve(root, input);
    const rel = posix(path.relative(root, abs));
    if (sources[rel] === undefined) {
      const stat = fs.statSync(abs);
      packages[rel] = [stat.size, stat.mtimeMs];
    } else {
      const dir = posix(path.dirname(rel));
      directories[dir === '.' ? '' : dir] ??= listingHash(path.dirname(abs));
    }
  }
  for (const steering of ['tsconfig.json', 'package.json']) {
    if (sources[steering] !== undefined) continue;
    try {
      sources[steering] = sha256(fs.readFileSync(path.join(root, steering)));
    } catch {
      // Absent: esbuild used its defaults; a file appearing later changes the root's listing.
    }
  }
  return { packages, directories };
}

/**
 * The bundle's file name: the entry's own, so a stack trace names the program (`release.js`).
 * @param {string} entry
 */
const bundleFileName = (entry) => `${path.basename(entry).replace(/\.[cm]?[jt]sx?$/, '')}.js`;

/**
 * Publishes the bundle under its content hash (`<cacheDir>/<hash>/<file>`) by renaming a file
 * written beside it, so a reader never sees half a file; returns the folder name. A published file
 * with other bytes (damaged) is replaced, with its V8 code cache; one with the same bytes is kept as
 * it is (its mtime is in other manifests).
 * @param {string} cacheDir
 * @param {string} code
 * @param {string} file the bundle's file name
 */
function publishBundle(cacheDir, code, file) {
  const name = sha256(`${file}\0${code}`).slice(0, 16);
  const published = path.join(cacheDir, name);
  const target = path.join(published, file);
  let current;
  try {
    current = fs.readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === code) return name;
  fs.mkdirSync(published, { recursive: true });
  const tmp = path.join(published, `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  if (current !== undefined) {
    for (const f of fs.readdirSync(published)) if (f.startsWith(`${file}.`) && f.endsWith('.v8cache')) fs.rmSync(path.join(published, f), { force: true });
  }
  return name;
}

/**
 * esbuild's options for bundling entries into `<cacheDir>/bundle/` (one level below the cache, as a
 * published bundle will be: `<cacheDir>/<hash>/<file>`).
 * @param {string} root @param {string} cacheDir @param {import('esbuild').Plugin} plugin
 * @returns {import('esbuild').BuildOptions}
 */
const bundleOptions = (root, cacheDir, plugin) => ({
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: TARGET,
  format: 'cjs',
  external: EXTERNAL,
  write: false,
  metafile: true,
  outdir: path.join(cacheDir, 'bundle'),
  entryNames: '[name]',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'silent',
  plugins: [plugin],
});

/**
 * Publishes one built entry and writes its manifest; returns the bundle's path.
 * @param {{ root: string, cacheDir: string, entry: string, text: string, inputs: readonly string[], sources: Record<string, string> }} built
 *   `inputs`: the entry's inputs (metafile keys); `sources`: hashes of project files read (may hold other entries' too)
 */
function recordEntry({ root, cacheDir, entry, text, inputs, sources }) {
  const file = bundleFileName(entry);
  /** @type {Record<string, string>} */
  const own = {};
  for (const input of inputs) {
    const rel = posix(path.relative(root, path.resolve(root, input)));
    if (sources[rel] !== undefined) own[rel] = sources[rel];
  }
  const { packages, directories } = inputFingerprints(inputs, root, own);
  const name = publishBundle(cacheDir, withRootLocator(text, path.relative(cacheDir, root)), file);
  const { size, mtimeMs } = fs.statSync(path.join(cacheDir, name, file));
  /** @type {SynthManifest} */
  const manifest = { format: FORMAT, entry, sources: own, packages, directories, bundle: posix(path.join(name, file)), bundleStat: [size, mtimeMs] };
  const target = manifestPath(cacheDir, root, entry);
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest));
  fs.renameSync(tmp, target);
  return path.join(cacheDir, manifest.bundle);
}

/**
 * The inputs an entry's bundle is made of: what esbuild read following its imports, as a build of
 * that entry alone lists them (a file whose code was left out still decides the bundle).
 * @param {import('esbuild').Metafile} metafile @param {string} entryInput
 */
function reachableInputs(metafile, entryInput) {
  const seen = new Set();
  const pending = [entryInput];
  for (let input = pending.pop(); input !== undefined; input = pending.pop()) {
    if (seen.has(input) || !metafile.inputs[input]) continue;
    seen.add(input);
    for (const imported of metafile.inputs[input].imports) if (!imported.external) pending.push(imported.path);
  }
  return [...seen];
}

/**
 * Builds an entry into the cache and writes its manifest. Returns the bundle's path.
 * @param {SynthEntryOptions} [options]
 * @returns {Promise<string>}
 */
async function buildSynthEntry(options = {}) {
  const { root, entry, purpose, transpiled, cacheDir: preferred } = resolveOptions(options);
  const cacheDir = writableCacheDir(preferred, root);
  const esbuild = /** @type {typeof import('esbuild')} */ (require(require.resolve('esbuild', { paths: [root] })));
  /** @type {Record<string, string>} */
  const sources = {};
  let result;
  try {
    result = await withBuildGc(() => esbuild.build({ ...bundleOptions(root, cacheDir, projectModulesPlugin({ root, sources, transpiled, esbuild })), entryPoints: [path.join(root, entry)] }));
  } catch (err) {
    throw new SynthEntryBuildError(`could not compile ${entry} for the ${purpose}:\n  ${describeEsbuildFailure(err)}`);
  }
  const text = /** @type {import('esbuild').OutputFile[]} */ (result.outputFiles)[0].text;
  const bundle = recordEntry({ root, cacheDir, entry, text, inputs: Object.keys(/** @type {import('esbuild').Metafile} */ (result.metafile).inputs), sources });
  pruneCache(cacheDir);
  return bundle;
}

/**
 * Builds several entries of one root at once (the library build: the synth's and every program's):
 * one esbuild build, so the packages they share (cdktf, the provider classes, the AWS SDK) are read
 * and parsed once, not once per entry; each entry gets its own bundle and manifest, exactly as
 * {@link buildSynthEntry} would write them. Entries whose bundles would have the same file name, or
 * a build that fails, fall back to one build per entry (which names the entry that does not compile).
 * Resolves with the bundles' paths, in the order of `entries`.
 * @param {Omit<SynthEntryOptions, 'entry' | 'purpose'>} options
 * @param {ReadonlyArray<{ entry: string, purpose: string }>} entries
 * @returns {Promise<string[]>}
 */
async function buildSynthEntries(options, entries) {
  const { root, transpiled, cacheDir: preferred } = resolveOptions(options);
  const cacheDir = writableCacheDir(preferred, root);
  const separately = () => Promise.all(entries.map((e) => buildSynthEntry({ ...options, cacheDir, ...e })));
  if (new Set(entries.map((e) => bundleFileName(e.entry))).size !== entries.length) return separately();
  const esbuild = /** @type {typeof import('esbuild')} */ (require(require.resolve('esbuild', { paths: [root] })));
  /** @type {Record<string, string>} */
  const sources = {};
  let result;
  try {
    result = await withBuildGc(() => esbuild.build({ ...bundleOptions(root, cacheDir, projectModulesPlugin({ root, sources, transpiled, esbuild })), entryPoints: entries.map((e) => path.join(root, e.entry)) }));
  } catch {
    return separately();
  }
  const metafile = /** @type {import('esbuild').Metafile} */ (result.metafile);
  const outputs = /** @type {import('esbuild').OutputFile[]} */ (result.outputFiles);
  const bundles = entries.map(({ entry }) => {
    const outputFile = outputs.find((o) => path.basename(o.path) === bundleFileName(entry));
    const [, output] = Object.entries(metafile.outputs).find(([key]) => path.basename(key) === bundleFileName(entry)) ?? [];
    if (!outputFile || !output?.entryPoint) throw new Error(`esbuild wrote no bundle for ${entry}`);
    return recordEntry({ root, cacheDir, entry, text: outputFile.text, inputs: reachableInputs(metafile, output.entryPoint), sources });
  });
  pruneCache(cacheDir);
  return bundles;
}

/**
 * Removes bundles no manifest names any more, keeping recent ones (a concurrent run may be
 * about to load one), so editing and synthesizing all day does not fill the disk.
 * @param {string} cacheDir
 */
function pruneCache(cacheDir) {
  const HOUR_IN_MS = 3600 * 1000;
  try {
    const entries = fs.readdirSync(cacheDir, { withFileTypes: true });
    const named = new Set(
      entries
        .filter((e) => e.isFile() && /^manifest-.*\.json$/.test(e.name))
        .map((e) => readManifest(path.join(cacheDir, e.name))?.bundle.split('/')[0])
        .filter(Boolean),
    );
    for (const e of entries) {
      if (!e.isDirectory() || named.has(e.name)) continue;
      const dir = path.join(cacheDir, e.name);
      if (Date.now() - fs.statSync(dir).mtimeMs > HOUR_IN_MS) fs.rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    // Pruning is housekeeping: never fail a run over it.
  }
}

/**
 * The bundle an up-to-date manifest in `cacheDir` names, or undefined. Only reads: a fresh bundle in
 * a read-only cache (built by `npm ci` in a checkout the runs cannot write) is used as it is.
 * @param {string} cacheDir @param {string} root @param {string} entry
 */
function freshBundle(cacheDir, root, entry) {
  const manifest = readManifest(manifestPath(cacheDir, root, entry));
  if (!manifest || staleReason(manifest, root, cacheDir) !== undefined) return undefined;
  const problem = untrustedCacheDir(cacheDir, root);
  if (problem) throw refusal(cacheDir, problem);
  return path.join(cacheDir, manifest.bundle);
}

/**
 * The path of an up-to-date bundle of the entry: the cached one when its manifest matches the sources,
 * otherwise a new build. `onRebuild` is told why a build was needed, `onNote` what else a verbose
 * launcher says (a build lock taken over).
 * @param {SynthEntryOptions & { onRebuild?: (reason: string) => void, onNote?: (message: string) => void }} [options]
 * @returns {Promise<string>}
 */
async function prepareSynthEntry(options = {}) {
  const { root, entry, cacheDir: preferred } = resolveOptions(options);
  const cached = freshBundle(preferred, root, entry);
  if (cached) return cached;
  const cacheDir = writableCacheDir(preferred, root);
  const manifestFile = manifestPath(cacheDir, root, entry);
  const check = () => {
    const manifest = readManifest(manifestFile);
    return { manifest, reason: staleReason(manifest, root, cacheDir) };
  };
  let { manifest, reason } = check();
  if (reason === undefined && manifest) return path.join(cacheDir, manifest.bundle);
  // Runs started together after an edit (parallel test workers) build once: the others wait for
  // that build and then find the manifest up to date.
  const release = await buildLock(`${manifestFile}.lock`, options.onNote);
  try {
    ({ manifest, reason } = check());
    if (reason === undefined && manifest) return path.join(cacheDir, manifest.bundle);
    options.onRebuild?.(reason ?? 'unknown');
    return await buildSynthEntry({ ...options, cacheDir });
  } finally {
    release();
  }
}

/**
 * A tag for the V8 flags this process runs with (its command-line flags and NODE_OPTIONS), empty when
 * there are none. V8 rejects a code cache made under other flags, so one cache file shared by callers
 * with different flags (`npm run synth` passes --max-semi-space-size=2; `cdktf synth` starts the app
 * under a NODE_OPTIONS of its own) was rejected and rewritten by each in turn: about 75 ms more per
 * synth (measured: 0.54 against 0.44 s when runs alternated with `cdktf synth`). One cache per flag set.
 */
function v8FlagsTag() {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0');
  return flags === '' || flags === '\0' ? '' : `-${createHash('sha256').update(flags).digest('hex').slice(0, 8)}`;
}

/**
 * Loads a bundle to run as the program's main module (its `require.main === module` guard is true),
 * with V8's code cache: the first run saves the compiled code beside the bundle, later runs skip most
 * parsing and compiling. A cache V8 rejects (another Node version) is replaced. Resolves with the
 * function that runs it; a bundle that cannot be read or compiled is a {@link SynthEntryBuildError}.
 * @param {string} file the bundle
 * @param {string} [root] where its external packages (esbuild) are resolved from
 * @returns {() => void}
 */
function loadSynthEntry(file, root = PROJECT_ROOT) {
  const cachePath = `${file}.${process.version}-${process.arch}${v8FlagsTag()}.v8cache`;
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = fs.readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  let script;
  let wrapper;
  try {
    script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
      filename: file,
      cachedData,
      // @ts-ignore: Node ≥ 20.12 has the constant; older 20.x simply cannot use import() inside.
      importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    wrapper = script.runInThisContext();
  } catch (err) {
    throw new SynthEntryBuildError(`could not load the bundle ${file} (remove it to have it rebuilt): ${String(err)}`);
  }
  const compiled = script;
  const save = () => {
    try {
      const tmp = `${cachePath}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, compiled.createCachedData());
      fs.renameSync(tmp, cachePath);
    } catch {
      // A read-only cache only costs the next run its compile time.
    }
  };
  // A run that exits in the bundle's synchronous code (--help, a usage error) saves it on its way out.
  const atExit = () => (compiled.cachedDataRejected || !fs.existsSync(cachePath)) && save();
  return () => {
    const needed = cachedData === undefined || compiled.cachedDataRejected === true;
    if (needed) process.once('exit', atExit);
    const mod = new Module(file, undefined);
    mod.filename = file;
    const req = Module.createRequire(path.join(root, 'package.json'));
    req.main = mod;
    wrapper.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
    if (!needed) return;
    process.off('exit', atExit);
    save();
  };
}

/**
 * Runs a bundle as the program's main module (see {@link loadSynthEntry}).
 * @param {string} file the bundle
 * @param {string} [root] where its external packages (esbuild) are resolved from
 */
function runSynthEntry(file, root = PROJECT_ROOT) {
  loadSynthEntry(file, root)();
}

/**
 * What a launcher prints when its entry cannot be prepared or loaded: the message of a
 * {@link SynthEntryBuildError}; of anything else one line, its stack only when `verbose`.
 * @param {unknown} err @param {boolean} verbose
 */
function describeFailure(err, verbose) {
  if (err instanceof SynthEntryBuildError) return err.message;
  if (!(err instanceof Error)) return String(err);
  return verbose ? String(err.stack) : `${String(err)} (${VERBOSE_ENV}=1 shows where)`;
}

module.exports = {
  BUILD_GOGC,
  CACHE_DIR_ENV,
  DEFAULT_CACHE_DIR,
  FORMAT,
  PROJECT_ROOT,
  SynthEntryBuildError,
  VERBOSE_ENV,
  buildSynthEntries,
  buildSynthEntry,
  describeFailure,
  loadSynthEntry,
  manifestPath,
  prepareSynthEntry,
  readManifest,
  runSynthEntry,
  staleReason,
  transpileModule,
  withBuildGc,
};
