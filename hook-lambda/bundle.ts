/**
 * Bundles the hook Lambda into one file with esbuild, for the stack's `TerraformAsset`.
 *
 * Synth runs this every time, so it must be fast and deterministic: the same sources give the same
 * bytes (no timestamps, no absolute paths), which keeps the asset hash, and so `terraform plan`,
 * stable between machines.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Result of bundling the hook. */
export interface HookBundle {
  /** Directory holding `index.js`, to be zipped as the Lambda's code. */
  readonly directory: string;
  /** Path of the bundled file. */
  readonly file: string;
  /** Size of the bundled file in bytes. */
  readonly sizeInBytes: number;
  /** The Lambda handler setting for this bundle. */
  readonly handler: 'index.handler';
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
}

/** Entry point of the hook Lambda. */
export const HOOK_ENTRY = join(__dirname, 'index.ts');

/** Bundles `hook-lambda/index.ts` and its dependencies (the CodeDeploy client included) into `outDir/index.js`. */
export function bundleHook(options: BundleHookOptions): HookBundle {
  mkdirSync(options.outDir, { recursive: true });
  const file = join(options.outDir, 'index.js');
  buildSync({
    entryPoints: [HOOK_ENTRY],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: options.minify ?? true,
    legalComments: 'none',
    // Paths in the bundle would differ between machines and change the asset hash.
    sourcemap: false,
    absWorkingDir: join(__dirname, '..'),
    logLevel: 'silent',
  });
  // Touching the bytes once makes sure the file really exists before the asset zips it.
  readFileSync(file);
  return { directory: options.outDir, file, sizeInBytes: statSync(file).size, handler: 'index.handler' };
}
