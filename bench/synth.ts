/**
 * Synth figures: median wall time and peak memory of a full synth of every example environment
 * (`bluegreen-dev` and `bluegreen-prod`), the way `npm run synth` and cdktf.json run it
 * (`node --import tsx main.ts`), next to the same synth through the cdktf CLI (`cdktf synth`, slow, so
 * fewer runs). Target: under 1 s and under 250 MB on a 2-core machine.
 *
 * Peak memory is the maximum resident set size of the process tree as `/usr/bin/time` reports it
 * (wait4's ru_maxrss: the largest process of the tree, the synth itself). Without /usr/bin/time,
 * only wall times are printed. Every run writes to a temporary directory (CDKTF_OUTDIR / --output),
 * never to the project's cdktf.out. One unmeasured run first warms tsx's transform cache and the hook
 * bundle cache, as any second synth on a machine finds them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const name = 'synth of every example environment';

const ROOT = join(__dirname, '..');
const TIME = '/usr/bin/time';
const TARGET_WALL_IN_MS = 1000;
const TARGET_RSS_IN_MIB = 250;

/** One way of running the synth. */
interface Variant {
  readonly label: string;
  readonly runs: number;
  readonly command: readonly string[];
  /** Extra arguments that send the output to `outdir`. */
  readonly outputArgs: (outdir: string) => readonly string[];
}

interface Sample {
  readonly wallInMs: number;
  readonly rssInMiB: number | undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs the variant once; fails loudly if the synth fails or writes no stack. */
function runOnce(variant: Variant, useTime: boolean): Sample {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  try {
    const argv = [...variant.command, ...variant.outputArgs(outdir)];
    // %e: elapsed seconds, %M: maximum resident set size in KiB.
    const [file, args] = useTime ? [TIME, ['-f', 'BENCH %e %M', ...argv]] : [argv[0]!, argv.slice(1)];
    const started = process.hrtime.bigint();
    const result = spawnSync(file, args, {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1', ENVIRONMENTS: '' },
      timeout: 300000,
    });
    const wallInMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
    for (const stack of ['bluegreen-dev', 'bluegreen-prod']) {
      if (!existsSync(join(outdir, 'stacks', stack, 'cdk.tf.json'))) throw new Error(`${argv.join(' ')} wrote no ${stack} stack`);
    }
    const m = useTime ? /BENCH ([\d.]+) (\d+)/.exec(result.stderr) : null;
    return { wallInMs, rssInMiB: m ? Number(m[2]) / 1024 : undefined };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export async function run(): Promise<void> {
  const useTime = spawnSync(TIME, ['-f', '%e', 'true']).status === 0;
  const variants: Variant[] = [
    { label: 'node --import tsx main.ts (npm run synth)', runs: 7, command: [process.execPath, '--import', 'tsx', 'main.ts'], outputArgs: () => [] },
    // npm's own start-up, on top of the row above: what a person typing `npm run synth` waits for.
    { label: 'npm run --silent synth', runs: 5, command: ['npm', 'run', '--silent', 'synth'], outputArgs: () => [] },
    // The npx launcher costs about half a second before main.ts runs: why the script does not use it.
    { label: 'npx tsx main.ts', runs: 5, command: ['npx', 'tsx', 'main.ts'], outputArgs: () => [] },
    { label: 'cdktf synth (CLI)', runs: 3, command: ['npx', 'cdktf', 'synth'], outputArgs: (outdir) => ['--output', outdir] },
  ];
  const widths = [42, 6, 12, 10, 10, 14];
  console.log(row(['command', 'runs', 'median wall', 'min', 'max', 'peak RSS (max)'], widths));
  for (const variant of variants) {
    runOnce(variant, false); // warm-up: tsx transform cache, hook bundle cache
    const samples = Array.from({ length: variant.runs }, () => runOnce(variant, useTime));
    const walls = samples.map((s) => s.wallInMs);
    const rss = samples.map((s) => s.rssInMiB).filter((v): v is number => v !== undefined);
    console.log(
      row(
        [
          variant.label,
          String(variant.runs),
          `${median(walls).toFixed(0)} ms`,
          `${Math.min(...walls).toFixed(0)} ms`,
          `${Math.max(...walls).toFixed(0)} ms`,
          rss.length ? `${Math.max(...rss).toFixed(0)} MiB` : 'n/a',
        ],
        widths,
      ),
    );
  }
  console.log(`target: full synth under ${TARGET_WALL_IN_MS} ms and ${TARGET_RSS_IN_MIB} MB on a 2-core machine${useTime ? '' : ' (no /usr/bin/time: peak RSS not measured)'}`);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
