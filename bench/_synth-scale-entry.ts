/**
 * Entry of the synth scale benchmark (not a benchmark itself: bench.ts skips `_` files). bench/synth.ts
 * builds it like the synth entry and runs it with BENCH_SCALE_COUNT = 1, 2, … : that many copies of the
 * dev example (dev1, dev2, …), each its own stack, synthesized as main.ts does.
 */
import { synthesize } from '../main';
import { dev } from '../stacks/environments';

const count = Number(process.env.BENCH_SCALE_COUNT);
if (!Number.isInteger(count) || count < 1) throw new Error(`BENCH_SCALE_COUNT must be a whole number ≥ 1, got ${JSON.stringify(process.env.BENCH_SCALE_COUNT)}`);
synthesize(
  Array.from({ length: count }, (_, i) => ({ ...dev, name: `dev${i + 1}` })),
  { outdir: process.env.CDKTF_OUTDIR },
);
