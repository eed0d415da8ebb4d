/**
 * Offline Terraform figures (issue 14's goal: `npm run validate` at most 1.5 s on a 2-core machine),
 * each as min / median / max wall time over BENCH_OFFLINE_RUNS runs (default 5), the commands run the
 * way a person runs them (through npm), rows of one round one after another so every row sees the
 * same load:
 *
 * - `npm run validate`: synth of every declared stack, then terraform validate of each (the goal);
 * - `npm run synth` alone: the share of the row above that the synth owns;
 * - `npm run validate -- --skip-synth`, next to its reference: the previous validate (fresh esbuild
 *   bundle of the provider every run, a certificate, `init` then `validate` one stack after another,
 *   Terraform starting the provider per phase; bench/_offline-reference.ts), with the paired ratio;
 * - `npm run plan:offline -- <first stack>`: synth of that stack only, then plan and show -json;
 * - the provider bundle: a cached lookup against a fresh esbuild build.
 *
 * Every run writes to a temporary CDKTF_OUTDIR (and --out), never to the project's cdktf.out. One
 * unmeasured round first warms tsx's transform cache, the hook bundle and schema caches.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { declaredStacks } from '../scripts/offline-stacks';
import { defaultCacheDir } from '../tools/offline-terraform/schema';
import { providerBundle } from '../tools/offline-terraform/provider-bundle';

export const name = 'offline Terraform: validate, plan:offline, provider bundle';

const ROOT = join(__dirname, '..');
const GOAL_VALIDATE_IN_MS = 1500;

interface Row {
  readonly label: string;
  /** Runs once; returns wall ms and, for a command, its CPU ms (user + system of it and the children it waited for). */
  readonly run: (outdir: string) => { wall: number; cpu?: number };
}

const TIME = '/usr/bin/time';
const HAS_TIME = spawnSync(TIME, ['-f', '%e', 'true']).status === 0;

function timed(command: string, args: readonly string[], outdir: string): { wall: number; cpu?: number } {
  const started = process.hrtime.bigint();
  // CPU time does not depend on what else the machine runs, unlike wall time on a shared 2-core VM.
  const [file, argv] = HAS_TIME ? [TIME, ['-f', 'BENCH-CPU %U %S', command, ...args]] : [command, [...args]];
  const r = spawnSync(file, argv, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' }, timeout: 300000 });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const m = /BENCH-CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return m ? { wall, cpu: (Number(m[1]) + Number(m[2])) * 1000 } : { wall };
}

function stats(values: readonly number[]): { min: number; median: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { min: s[0]!, median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, max: s[s.length - 1]! };
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

function rows(first: string): Row[] {
  return [
    { label: 'npm run validate', run: (o) => timed('npm', ['run', '--silent', 'validate'], o) },
    { label: 'npm run synth (its synth alone)', run: (o) => timed('npm', ['run', '--silent', 'synth'], o) },
    { label: 'npm run validate -- --skip-synth', run: (o) => timed('npm', ['run', '--silent', 'validate', '--', '--skip-synth'], o) },
    { label: 'reference: previous validate --skip-synth', run: (o) => timed(process.execPath, ['--import', 'tsx', join(__dirname, '_offline-reference.ts'), join(o, 'stacks')], o) },
    { label: `npm run plan:offline -- ${first}`, run: (o) => timed('npm', ['run', '--silent', 'plan:offline', '--', first, '--out', join(o, 'plan.json')], o) },
    {
      label: 'provider bundle, cached lookup',
      run: () => {
        const t = process.hrtime.bigint();
        if (!providerBundle(defaultCacheDir()).cached) throw new Error('the provider bundle was not cached');
        return { wall: Number(process.hrtime.bigint() - t) / 1e6 };
      },
    },
    {
      label: 'provider bundle, fresh esbuild build',
      run: (o) => {
        const t = process.hrtime.bigint();
        providerBundle(join(o, 'bundle-cache'));
        return { wall: Number(process.hrtime.bigint() - t) / 1e6 };
      },
    },
  ];
}

export async function run(): Promise<void> {
  const runs = Math.max(5, Number(process.env.BENCH_OFFLINE_RUNS) || 5);
  const table = rows(declaredStacks()[0]!.stack);
  const samples = table.map(() => [] as number[]);
  const cpu = table.map(() => [] as number[]);
  const load = [loadavg()[0]!];
  for (let round = 0; round <= runs; round++) {
    const outdir = mkdtempSync(join(tmpdir(), 'bench-offline-'));
    try {
      table.forEach((row, i) => {
        const t = row.run(outdir);
        if (round > 0) {
          samples[i]!.push(t.wall);
          if (t.cpu !== undefined) cpu[i]!.push(t.cpu);
        }
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    load.push(loadavg()[0]!);
  }
  const widths = [44, 10, 10, 10, 12, 14];
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(['command', 'min', 'median', 'max', 'paired ratio', 'median CPU']));
  table.forEach((row, i) => {
    const s = stats(samples[i]!);
    // validate --skip-synth against its reference, run for run.
    const ratio = i === 2 ? `${stats(samples[2]!.map((v, k) => v / samples[3]![k]!)).median.toFixed(2)}× ref` : '';
    console.log(line([row.label, fmt(s.min), fmt(s.median), fmt(s.max), ratio, cpu[i]!.length ? fmt(stats(cpu[i]!).median) : '']));
  });
  const validate = stats(samples[0]!);
  console.log('CPU: user + system time of the command and the children it waited for (not the shared provider processes, which outlive the command by a moment)');
  console.log(`${runs} runs each, one unmeasured warm-up round; 1-minute load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} on ${require('node:os').cpus().length} CPUs`);
  console.log(`goal: npm run validate median ≤ ${fmt(GOAL_VALIDATE_IN_MS)}: ${validate.median <= GOAL_VALIDATE_IN_MS ? 'met' : 'NOT met'} (median ${fmt(validate.median)})`);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
