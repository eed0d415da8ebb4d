/**
 * Entry of the synth scale benchmark (not a benchmark itself: bench.ts skips `_` files). bench/synth.ts
 * builds it like the synth entry and runs it with BENCH_SCALE_COUNT = 1, 2, …: one environment of that
 * many services on one shared platform (stacks/many-services.ts), synthesized as main.ts does.
 */
import { synthesize } from '../main';
import { manyServicesEnvironment } from '../stacks/many-services';

const count = Number(process.env.BENCH_SCALE_COUNT);
if (!Number.isInteger(count) || count < 1) throw new Error(`BENCH_SCALE_COUNT must be a whole number ≥ 1, got ${JSON.stringify(process.env.BENCH_SCALE_COUNT)}`);
synthesize([manyServicesEnvironment(count)], { outdir: process.env.CDKTF_OUTDIR });
