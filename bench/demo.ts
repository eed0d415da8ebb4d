/**
 * `npm run demo`: wall time of each scenario as a newcomer runs it (through npm, default settings,
 * the offline apply when terraform is installed), min / median / max over BENCH_DEMO_RUNS runs
 * (default 3). Goal (issue 16): every scenario under 60 s on a 2-core machine. Each run writes to a
 * temporary CDKTF_OUTDIR.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS } from '../demo/scenarios';

export const name = 'npm run demo, each scenario';

const ROOT = join(__dirname, '..');
const GOAL_IN_MS = 60_000;

export async function run(): Promise<void> {
  const runs = Math.max(1, Number(process.env.BENCH_DEMO_RUNS) || 3);
  const load = [loadavg()[0]!];
  const widths = [12, 10, 10, 10, 8];
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(['scenario', 'min', 'median', 'max', 'exit']));
  let worst = 0;
  for (const s of SCENARIOS) {
    const walls: number[] = [];
    let code: number | null = null;
    for (let i = 0; i < runs; i++) {
      const outdir = mkdtempSync(join(tmpdir(), 'bench-demo-'));
      try {
        const started = process.hrtime.bigint();
        const r = spawnSync('npm', ['run', '--silent', 'demo', '--', '--scenario', s.name], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: outdir }, timeout: 180_000 });
        walls.push(Number(process.hrtime.bigint() - started) / 1e6);
        code = r.status;
        if (code !== s.exitCode) throw new Error(`demo --scenario ${s.name} exited ${code}, expected ${s.exitCode}:\n${r.stderr}`);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
      load.push(loadavg()[0]!);
    }
    const sorted = [...walls].sort((a, b) => a - b);
    worst = Math.max(worst, sorted[sorted.length - 1]!);
    const s1 = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    console.log(line([s.name, s1(sorted[0]!), s1(sorted[Math.floor(sorted.length / 2)]!), s1(sorted[sorted.length - 1]!), String(code)]));
  }
  console.log(`${runs} run(s) per scenario; 1-minute load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} on ${cpus().length} CPUs`);
  console.log(`goal: every scenario under ${GOAL_IN_MS / 1000} s: ${worst < GOAL_IN_MS ? 'met' : 'NOT met'} (slowest run ${(worst / 1000).toFixed(1)} s)`);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
