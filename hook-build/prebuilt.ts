/**
 * The hook bundle a built package carries. `npm run build` writes `dist/hook-bundle/index.js` (and its
 * archive, `dist/archive-<sha>/hook.zip`) beside the compiled library, so an app that installs the
 * package synthesizes without esbuild and without writing into node_modules.
 *
 * Run from the sources (tsx, jest, the precompiled synth entry, whose modules keep their source
 * `__dirname`) there is no such directory: the hook is bundled from hook-lambda/ with the
 * content-hash cache, so an edited hook is never deployed stale.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleHookCached, type HookBundle } from './bundle';

/** Name of the prebuilt bundle's directory, beside the library's folders (`dist/hook-bundle`). */
export const PREBUILT_HOOK_DIR_NAME = 'hook-bundle';

/** Where a built package keeps its hook bundle: `<library root>/hook-bundle`. */
export const PREBUILT_HOOK_DIR = join(__dirname, '..', PREBUILT_HOOK_DIR_NAME);

/** The bundle in `directory` (`index.js`), or undefined when there is none. */
export function prebuiltHookBundle(directory: string = PREBUILT_HOOK_DIR): HookBundle | undefined {
  const file = join(directory, 'index.js');
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return { directory, file, sizeInBytes: bytes.length, handler: 'index.handler', sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The hook bundle a synth uses when none is given: the package's prebuilt one when present, else
 * hook-lambda/ bundled with esbuild (content-hash cached).
 *
 * @throws HookBundleError when there is no prebuilt bundle and the hook cannot be bundled
 */
export function defaultHookBundle(): HookBundle {
  return prebuiltHookBundle() ?? bundleHookCached();
}
