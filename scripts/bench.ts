/**
 * `npm run bench`: runs every benchmark module in `bench/` (sorted by file name) and prints its
 * figures. Each module exports `name` and `run(): Promise<void>` and prints its own table.
 * `npm run bench -- synth` runs only the modules whose file name contains "synth". A module that
 * exports `optIn = true` (one that takes many minutes, e.g. the whole test suite five times) runs only
 * when its name is given. Files starting with `_` are helpers, not benchmarks.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface BenchModule {
  readonly name: string;
  readonly optIn?: boolean;
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const dir = join(__dirname, '..', 'bench');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .filter((f) => !filter || f.includes(filter))
    .sort();
  for (const file of files) {
    const mod = (await import(join(dir, file))) as BenchModule;
    if (mod.optIn && !filter) {
      console.log(`\n== ${mod.name} (${file}): skipped, takes minutes; run it with npm run bench -- ${file.replace(/\.ts$/, '')} ==`);
      continue;
    }
    console.log(`\n== ${mod.name} (${file}) ==`);
    await mod.run();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
