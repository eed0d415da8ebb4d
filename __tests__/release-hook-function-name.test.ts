/**
 * `--hook-function` without the `CodeDeployHook_` prefix is accepted but warned about: a deployment
 * group whose service role has the AWSCodeDeployRoleForECSLimited managed policy may only invoke
 * functions named `CodeDeployHook_*` (issue 11 §4).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookFunctionNameWarning, lambdaFunctionName } from '../release/hook-name';
import { REPO_ROOT, runRelease } from '../test-support/codedeploy/release-process';

jest.setTimeout(60_000);

describe('the function name inside what --hook-function accepts', () => {
  test.each([
    ['my-validation-hook', 'my-validation-hook'],
    ['my-validation-hook:live', 'my-validation-hook'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_web', 'CodeDeployHook_web'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_web:7', 'CodeDeployHook_web'],
    ['arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:hook', 'hook'],
    ['123456789012:function:CodeDeployHook_web', 'CodeDeployHook_web'],
  ])('%s is function %s', (given, name) => {
    expect(lambdaFunctionName(given)).toBe(name);
  });
});

describe('hookFunctionNameWarning', () => {
  test.each(['CodeDeployHook_web', 'CodeDeployHook_bluegreen-dev:live', 'arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_x'])('%s: no warning', (name) => {
    expect(hookFunctionNameWarning(name)).toBeUndefined();
  });

  test.each(['my-validation-hook', 'codedeployhook_web', 'arn:aws:lambda:us-east-1:123456789012:function:validate:live', 'CodeDeployHookweb'])('%s: a warning naming the policy, the prefix and the function', (name) => {
    const w = hookFunctionNameWarning(name)!;
    expect(w).toContain('AWSCodeDeployRoleForECSLimited');
    expect(w).toContain('CodeDeployHook_');
    expect(w).toContain(JSON.stringify(lambdaFunctionName(name)));
  });
});

test('the CLI accepts it, warns on stderr and leaves stdout to the request (--dry-run)', async () => {
  const r = await runRelease([
    '--region', 'us-east-1', '--application', 'app', '--deployment-group', 'group',
    '--task-definition-arn', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', '--container-name', 'web', '--container-port', '8080',
    '--hook-function', 'my-validation-hook', '--hook-events', 'AfterAllowTestTraffic', '--dry-run',
  ]);
  expect(r.code).toBe(0);
  expect(r.lines).toEqual([expect.stringMatching(/^\S+Z warning hook function "my-validation-hook" does not start with CodeDeployHook_: .*AWSCodeDeployRoleForECSLimited/)]);
  expect(r.stdout).toContain('my-validation-hook');
});

test('docs/release.md says so next to the flag', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'release.md'), 'utf8');
  expect(doc).toMatch(/whose name does not start with `CodeDeployHook_`[\s\S]{0,300}`AWSCodeDeployRoleForECSLimited` may invoke only functions named `CodeDeployHook_\*`/);
});
