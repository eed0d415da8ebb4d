/** `npm run bench` runs on the shared shell: --help lists the modules, bad input is exit 2 before any benchmark runs. */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { BENCH_PROGRAM, benchModules, main, selectBenchModules } from '../scripts/bench';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let exited: number | undefined;
  const code = await main({ argv, env: {}, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), exit: (c) => void (exited = c) });
  return { code: exited ?? code, stdout, stderr };
}

describe('npm run bench on the shared shell', () => {
  it('--help exits 0 and lists every benchmark module in bench/', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    const files = readdirSync(path.join(__dirname, '..', 'bench')).filter((f) => f.endsWith('.ts') && !f.startsWith('_'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(r.stdout).toContain(f.replace(/\.ts$/, ''));
    expect(r.stdout).toContain('[<filter> ...]');
  });
  it('--version exits 0 and prints the version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bench \d+\.\d+\.\d+/);
  });
  it('an unknown flag is exit 2 naming it, and runs nothing', async () => {
    const r = await run(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
    expect(r.stdout).not.toContain('==');
  });
  it('a filter matching no module is exit 2 naming it and the modules there are', async () => {
    const r = await run(['no-such-bench']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"no-such-bench"');
    for (const m of benchModules()) expect(r.stderr).toContain(m);
    expect(r.stdout).not.toContain('==');
  });
  it('filters select by substring; none selects all', () => {
    const mods = ['demo', 'hook', 'synth', 'offline-terraform'];
    expect(selectBenchModules(mods, [])).toEqual(mods);
    expect(selectBenchModules(mods, ['off', 'syn'])).toEqual(['synth', 'offline-terraform']);
    expect(BENCH_PROGRAM.positionals?.min).toBe(0);
  });
});
