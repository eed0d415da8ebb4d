/**
 * The reference of bench/offline-terraform.ts (not a benchmark itself: bench.ts skips `_` files): what
 * `npm run validate -- --skip-synth` did before the provider was cached and shared, so the two can be
 * timed side by side. A fresh esbuild bundle of the provider and a fresh certificate every run, then
 * for one stack after another `terraform init -backend=false` and `terraform validate`, Terraform
 * starting the provider for each phase.
 *
 *   node --import tsx bench/_offline-reference.ts <stacks dir>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOfflineTerraform, readStackConfig } from '../tools/offline-terraform/harness';
import { providerBundle } from '../tools/offline-terraform/provider-bundle';
import { listStacks } from '../tools/offline-terraform/stacks';

async function main(): Promise<number> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: _offline-reference.ts <stacks dir>');
  const stacks = listStacks(dir);
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'bench-ref-bundle-'));
  try {
    // The bundle is built as it was on every run (into an empty cache); schemas come from the
    // shared cache, as they did.
    providerBundle(cacheDir);
    // As it was: Terraform starts the provider for each phase (no pool of reattached providers).
    const tf = createOfflineTerraform({ configs: stacks.map((s) => readStackConfig(path.join(dir, s))), providers: 'terraform' });
    try {
      for (const s of stacks) {
        const ws = tf.workspace(path.join(dir, s), s);
        await tf.mustRun(ws, ['init', '-input=false', '-no-color', '-backend=false']);
        await tf.mustRun(ws, ['validate', '-no-color']);
      }
    } finally {
      tf.dispose();
    }
    return 0;
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}
