import * as path from 'node:path';
import { parsePlanOfflineArgs } from '../scripts/plan-offline';
import { parseValidateArgs } from '../scripts/validate';

describe('npm run validate arguments', () => {
  test('defaults to synth then every stack', () => {
    expect(parseValidateArgs([])).toEqual({ skipSynth: false, stacks: [] });
  });

  test('--skip-synth and a comma-separated --stack list', () => {
    expect(parseValidateArgs(['--skip-synth', '--stack', 'bluegreen-dev,bluegreen-prod'])).toEqual({ skipSynth: true, stacks: ['bluegreen-dev', 'bluegreen-prod'] });
  });

  test('fails on an unknown flag, naming it and the usage', () => {
    expect(() => parseValidateArgs(['--fast'])).toThrow(/unknown argument "--fast".*usage: npm run validate/);
  });
});

describe('npm run plan:offline arguments', () => {
  test('writes to cdktf.out/plans/<stack>.json unless --out is given', () => {
    expect(parsePlanOfflineArgs(['bluegreen-dev']).out).toBe(path.resolve(__dirname, '..', 'cdktf.out', 'plans', 'bluegreen-dev.json'));
    expect(parsePlanOfflineArgs(['bluegreen-dev', '--out', 'plan.json']).out).toBe(path.resolve('plan.json'));
  });

  test('--state, --drift and --skip-synth are read', () => {
    const input = parsePlanOfflineArgs(['bluegreen-prod', '--state', 's.tfstate', '--drift', 'd.json', '--skip-synth']);
    expect(input).toMatchObject({ stack: 'bluegreen-prod', statePath: path.resolve('s.tfstate'), driftPath: path.resolve('d.json'), skipSynth: true });
  });

  test('fails without a stack, or with a flag missing its value', () => {
    expect(() => parsePlanOfflineArgs([])).toThrow(/no stack given/);
    expect(() => parsePlanOfflineArgs(['bluegreen-dev', '--out'])).toThrow(/--out needs a value/);
    expect(() => parsePlanOfflineArgs(['a', 'b'])).toThrow(/unexpected argument "b"/);
  });
});
