/** `--stack` with a `terraform output -json` file: the file holds one stack's outputs and no stack name, so the name is not used; the release says so once. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReleaseInput, type ParseIo } from '../release/input';
import { selectStackOutputs } from '../release/outputs-file';
import { stackOutputs } from '../test-support/release-input';

const terraformFormat = (outputs: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { sensitive: false, type: typeof value === 'number' ? 'number' : 'string', value }]));

describe('--stack with a terraform output -json file', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stack-notice-'));
    file = join(dir, 'outputs.json');
    writeFileSync(file, JSON.stringify(terraformFormat(stackOutputs())));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function parse(argv: string[]): { result: ReturnType<typeof parseReleaseInput>; warnings: string[] } {
    const warnings: string[] = [];
    const io: ParseIo = { readFile: (p) => readFileSync(p, 'utf8'), gitCommit: () => undefined, warn: (l) => warnings.push(l) };
    return { result: parseReleaseInput(argv, {}, io), warnings };
  }

  it.each(['__proto__', 'bluegreen-dev', 'no-such-stack'])('--stack %s warns once that the name is not used, naming it', (stack) => {
    const { result, warnings } = parse(['--outputs-file', file, '--stack', stack, '--dry-run']);
    expect(result.kind).toBe('ok');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(JSON.stringify(stack));
    expect(warnings[0]).toMatch(/terraform output -json.*not used/);
  });
  it('RELEASE_STACK is the same as --stack', () => {
    const warnings: string[] = [];
    const io: ParseIo = { readFile: (p) => readFileSync(p, 'utf8'), gitCommit: () => undefined, warn: (l) => warnings.push(l) };
    expect(parseReleaseInput(['--outputs-file', file, '--dry-run'], { RELEASE_STACK: '__proto__' }, io).kind).toBe('ok');
    expect(warnings).toHaveLength(1);
  });
  it('no stack given: no warning', () => {
    expect(parse(['--outputs-file', file, '--dry-run']).warnings).toEqual([]);
  });
  it('the cdktf format still picks by stack and says nothing', () => {
    const doc = { 'bluegreen-dev': stackOutputs() };
    const picked = selectStackOutputs(doc, 'o.json', 'bluegreen-dev');
    expect('notice' in picked).toBe(false);
    expect('error' in selectStackOutputs(doc, 'o.json', '__proto__')).toBe(true);
  });
});
