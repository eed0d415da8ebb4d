/** plan:offline --state/--out and apply:offline --out are checked before any work: a bad path is exit 2 with one line naming flag, value and what is allowed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main as applyMain } from '../scripts/apply-offline';
import { outFileProblems, stateFileProblems } from '../scripts/file-flags';
import { main as planMain } from '../scripts/plan-offline';
import { declaredStacks } from '../scripts/offline-stacks';

const stack = declaredStacks()[0]!.stack;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'file-flags-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(main: typeof planMain, args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  let exited: number | undefined;
  const code = await main({ argv: args, env: {}, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), exit: (c) => void (exited = c) });
  return { code: exited ?? code, stderr, stdout };
}

describe('plan:offline --state is checked up front', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['a directory', () => dir, /is a directory/],
    ['a missing file', () => path.join(dir, 'nope.tfstate'), /no such file/],
    ['a file that is not JSON', () => { const f = path.join(dir, 'README.md'); writeFileSync(f, '# hello\n'); return f; }, /not JSON/],
    ['JSON that is not a state', () => { const f = path.join(dir, 'other.json'); writeFileSync(f, '{"a":1}'); return f; }, /not a Terraform state; missing version/],
  ];
  it.each(cases)('%s is exit 2 naming --state, the value and what is allowed', async (_name, file, why) => {
    const f = file();
    const r = await run(planMain, [stack, '--state', f, '--skip-synth']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--state ${f}`);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).not.toMatch(/internal error|EISDIR|state lock/);
  });
  it('accepts a real Terraform state', () => {
    const f = path.join(dir, 'terraform.tfstate');
    writeFileSync(f, JSON.stringify({ version: 4, terraform_version: '1.11.0', serial: 3, lineage: 'x', outputs: {}, resources: [] }));
    expect(stateFileProblems('state', f)).toEqual([]);
  });
});

describe('--out is checked up front', () => {
  it.each([['plan:offline', planMain], ['apply:offline', applyMain]] as const)('%s --out <directory> is exit 2, not an internal error', async (_n, main) => {
    const r = await run(main, [stack, '--out', dir, '--skip-synth']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${dir}: is a directory`);
    expect(r.stderr).not.toMatch(/internal error|EISDIR/);
  });
  it('rejects a path under a file and accepts a folder that can be created', () => {
    const f = path.join(dir, 'plain');
    writeFileSync(f, 'x');
    expect(outFileProblems('out', path.join(f, 'sub', 'out.json'))[0]).toMatch(/is not a directory/);
    expect(outFileProblems('out', path.join(dir, 'new', 'deeper', 'out.json'))).toEqual([]);
  });
});
