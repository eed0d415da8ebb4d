// @ts-check
/**
 * The precompiled entries' cache directory and build lock (build/synth-entry.js builds and runs the
 * entries): which directory may hold bundles that a run will execute, and how runs that find the same
 * entry stale at once build it once.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled. Type-checked by tsc (checkJs).
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Environment variable naming another cache directory (tests; read-only checkouts). */
const CACHE_DIR_ENV = 'BLUEGREEN_SYNTH_CACHE_DIR';

/** Thrown when the entry cannot be built (a syntax error, a missing import). */
class SynthEntryBuildError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'SynthEntryBuildError';
  }
}

/** @param {string} dir @param {string} root */
function insideProject(dir, root) {
  const rel = path.relative(root, path.resolve(dir));
  return !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..';
}

/**
 * Why a cache directory outside the project may not be trusted, or undefined when it may: whoever can
 * write into it chooses the code the next run executes (a bundle with a manifest that matches), so it
 * must be a real directory (lstat: a symbolic link could be repointed) of this user that no one else
 * can write to. A directory in the project is as trusted as the sources the bundle is made of.
 * @param {string} dir @param {string} root
 */
function untrustedCacheDir(dir, root) {
  const uid = process.getuid?.();
  if (uid === undefined || insideProject(dir, root)) return undefined; // Windows: no owner and mode bits
  const stat = fs.lstatSync(dir);
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (!stat.isDirectory()) return 'it is not a directory';
  if (stat.uid !== uid) return `it belongs to uid ${stat.uid}, not to this user (uid ${uid})`;
  if ((stat.mode & 0o022) !== 0) return `it is writable by group or others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`;
  return undefined;
}

/** @param {string} dir @param {string} problem */
const refusal = (dir, problem) => new SynthEntryBuildError(`refusing the cache directory ${dir}: ${problem}; set ${CACHE_DIR_ENV} to a directory of your own`);

/**
 * Creates the cache directory if needed (only its owner may enter one outside the project) and
 * refuses one that is not safe to run code from (see {@link untrustedCacheDir}).
 * @param {string} dir @param {string} root
 */
function makeCacheDir(dir, root) {
  fs.mkdirSync(dir, { recursive: true, ...(insideProject(dir, root) ? {} : { mode: 0o700 }) });
  const problem = untrustedCacheDir(dir, root);
  if (problem) throw refusal(dir, problem);
}

/** The per-user cache directory in the system temp directory, for a project that cannot be written. */
const fallbackCacheDir = () => path.join(os.tmpdir(), `bluegreen-synth-${process.getuid?.() ?? 'user'}`);

/**
 * The cache directory, created if needed; a read-only project falls back to a per-user directory in
 * the system temp directory rather than failing the synth. Throws {@link SynthEntryBuildError} for a
 * directory that may not be trusted.
 * @param {string} preferred @param {string} root
 */
function writableCacheDir(preferred, root) {
  const fallback = fallbackCacheDir();
  let failure;
  for (const dir of [preferred, fallback]) {
    try {
      makeCacheDir(dir, root);
      fs.accessSync(dir, fs.constants.W_OK);
      return dir;
    } catch (err) {
      if (err instanceof SynthEntryBuildError) throw err;
      failure = err;
    }
  }
  const code = /** @type {NodeJS.ErrnoException} */ (failure).code ?? String(failure);
  throw new SynthEntryBuildError(`no cache directory to build in: neither ${preferred} nor ${fallback} can be written (${code}); set ${CACHE_DIR_ENV} to a writable directory`);
}

/** How long a run waits for another's build of the same entry before building it itself. */
const BUILD_LOCK_WAIT_IN_MS = 60_000;

/** A lock this old is abandoned whatever its holder (a build takes seconds). */
const BUILD_LOCK_STALE_IN_MS = 120_000;

/** A lock without its holder's pid this old is abandoned: the holder writes it right after taking it. */
const BUILD_LOCK_NO_PID_IN_MS = 5_000;

/**
 * Whether a build lock's holder is gone: its process no longer exists (a build interrupted by
 * Ctrl-C or killed), it never wrote its pid (killed between taking the lock and writing it) and the
 * lock is older than {@link BUILD_LOCK_NO_PID_IN_MS}, or the lock is older than
 * {@link BUILD_LOCK_STALE_IN_MS}. `onNote` is told why it is taken over.
 * @param {string} lock @param {(message: string) => void} [onNote]
 */
function lockAbandoned(lock, onNote) {
  let age;
  let pid;
  try {
    age = Date.now() - fs.statSync(lock).mtimeMs;
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch (err) {
    // Released meanwhile, or no pid (yet) in it.
    if (age === undefined || /** @type {NodeJS.ErrnoException} */ (err).code !== 'ENOENT') return false;
  }
  const gone = (/** @type {string} */ why) => (onNote?.(`taking over the build lock ${lock}: ${why}`), true);
  if (!Number.isInteger(pid) || Number(pid) <= 0) {
    return age > BUILD_LOCK_NO_PID_IN_MS ? gone(`no pid in it after ${Math.round(age / 1000)} s (its holder stopped before writing one)`) : false;
  }
  try {
    process.kill(Number(pid), 0);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ESRCH') return gone(`its holder (pid ${pid}) is gone`);
  }
  return age > BUILD_LOCK_STALE_IN_MS ? gone(`held for ${Math.round(age / 1000)} s`) : false;
}

/**
 * Takes the build lock of one entry (a directory: mkdir is atomic; the holder's pid inside), waiting
 * while a live run holds it, at most {@link BUILD_LOCK_WAIT_IN_MS}; then builds without it
 * (publishing by rename keeps even two builds at once safe, they only cost twice). Resolves with
 * the function that releases it.
 * @param {string} lock @param {(message: string) => void} [onNote]
 * @returns {Promise<() => void>}
 */
async function buildLock(lock, onNote) {
  const deadline = Date.now() + BUILD_LOCK_WAIT_IN_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') return () => undefined;
      if (lockAbandoned(lock, onNote)) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() >= deadline) return () => undefined;
      else await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    try {
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    } catch {
      // Without its pid the lock is taken over after BUILD_LOCK_NO_PID_IN_MS.
    }
    return () => fs.rmSync(lock, { recursive: true, force: true });
  }
}

module.exports = { CACHE_DIR_ENV, SynthEntryBuildError, buildLock, refusal, untrustedCacheDir, writableCacheDir };
