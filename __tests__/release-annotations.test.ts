/**
 * Failures and warnings as GitHub Actions workflow annotations (release/annotations.ts): GitHub's
 * escaping, one error annotation per failed release, and the release writing them only when it runs in
 * GitHub Actions.
 */
import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentConfigCommand, GetDeploymentGroupCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { escapeData, escapeProperty, failureAnnotation, MAX_FAILURE_LINES, workflowCommand } from '../release/annotations';
import { reportInvalidInput } from '../release/main';
import type { ReleaseReport } from '../release/report';
import { run } from '../release/run';
import { releaseInput } from '../test-support/release-input';

describe('escaping (GitHub\'s workflow commands)', () => {
  test('a message escapes %, CR and LF, so it stays one command on one line', () => {
    expect(escapeData('50% of 10\r\nnext')).toBe('50%25 of 10%0D%0Anext');
    // Already escaped-looking text is escaped again, not decoded.
    expect(escapeData('%0A')).toBe('%250A');
    // Colons and commas pass in a message.
    expect(escapeData('a: b, c')).toBe('a: b, c');
  });

  test('a property value also escapes : and ,', () => {
    expect(escapeProperty('Release of web: a, b%\n')).toBe('Release of web%3A a%2C b%25%0A');
  });

  test('a command: its properties, then the message; nothing in the message can start another command', () => {
    expect(workflowCommand('warning', 'plain')).toBe('::warning::plain\n');
    expect(workflowCommand('error', 'line one\n::stop-commands::x\nline 3', { title: 'Release of a,b' })).toBe('::error title=Release of a%2Cb::line one%0A::stop-commands::x%0Aline 3\n');
    expect(workflowCommand('error', 'x\ny').split('\n')).toHaveLength(2);
  });
});

describe('the error annotation of a release', () => {
  const report: ReleaseReport = {
    service: 'web',
    deploymentId: 'd-1',
    status: 'Failed',
    exitCode: 1,
    applicationName: 'app',
    deploymentGroupName: 'group',
    startedAt: 't',
    endedAt: 't',
    durationInSeconds: 1,
    lifecycleEvents: [],
  };

  test('one annotation: what ended how, then the lines that explain it', () => {
    expect(failureAnnotation(report, ['error HOOK_EXECUTION_FAILURE: the hook reported Failed', 'diagnosis hook Failed: GET /health: status 503 (expected 200), 5 attempts'])).toBe(
      '::error title=Release of web::deployment d-1 Failed (exit 1)%0Aerror HOOK_EXECUTION_FAILURE: the hook reported Failed%0Adiagnosis hook Failed: GET /health: status 503 (expected 200), 5 attempts\n',
    );
    expect(failureAnnotation({ ...report, service: undefined, deploymentId: null, status: null, exitCode: 5 }, [])).toBe('::error title=Release::not started (exit 5)\n');
  });

  test('none for a success, a stage reached or a dry run; a long story is cut with a pointer to the log', () => {
    expect(failureAnnotation({ ...report, exitCode: 0, status: 'Succeeded' }, ['error x'])).toBeUndefined();
    expect(failureAnnotation({ ...report, exitCode: 0, status: 'DryRun' }, [])).toBeUndefined();
    const lines = Array.from({ length: MAX_FAILURE_LINES + 3 }, (_, i) => `failed line ${i}`);
    const message = failureAnnotation(report, lines)!.split('::')[2]!.trimEnd().split('%0A');
    expect(message).toHaveLength(MAX_FAILURE_LINES + 2);
    expect(message.at(-1)).toBe('… 3 more lines in the log and the step summary');
  });
});

describe('the release in GitHub Actions', () => {
  const cd = mockClient(CodeDeployClient);
  beforeEach(() => {
    cd.reset();
    cd.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: { deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce' } });
    cd.on(GetDeploymentConfigCommand).resolves({ deploymentConfigInfo: { trafficRoutingConfig: { type: 'AllAtOnce' } } });
    cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
    cd.on(CreateDeploymentCommand).rejects(Object.assign(new Error('User: ci is not authorized to perform: codedeploy:CreateDeployment'), { name: 'AccessDeniedException' }));
  });

  async function release(githubAnnotations: boolean): Promise<string[]> {
    let err = '';
    await run(releaseInput({ hookFunctionName: 'web-hook', service: 'web', ...(githubAnnotations ? { githubAnnotations } : {}) }), {
      codedeploy: new CodeDeployClient({ region: 'us-east-1' }),
      clock: () => Date.parse('2026-11-26T03:00:00Z'),
      sleep: async () => undefined,
      output: { stdout: { write: () => undefined }, stderr: { write: (t) => void (err += t) } },
    });
    return err.split('\n').filter((l) => l.length > 0);
  }

  test('a warning and the failure go out as annotations besides their plain lines', async () => {
    const lines = await release(true);
    const warnings = lines.filter((l) => l.startsWith('::warning '));
    expect(warnings).toEqual([expect.stringMatching(/^::warning title=Release of web::hook function "web-hook" does not start with CodeDeployHook_/)]);
    expect(lines.some((l) => / warning hook function "web-hook" does not start with CodeDeployHook_/.test(l))).toBe(true);
    const errors = lines.filter((l) => l.startsWith('::error '));
    expect(errors).toEqual([expect.stringMatching(/^::error title=Release of web::not started \(exit 5\)%0Aerror .*codedeploy:CreateDeployment/)]);
    // After the result line, which stays the last plain line.
    expect(lines.at(-1)).toBe(errors[0]);
    expect(lines.at(-2)).toMatch(/ result NotStarted - exit 5$/);
  });

  test('outside GitHub Actions, no workflow command is written', async () => {
    expect((await release(false)).some((l) => l.startsWith('::'))).toBe(false);
  });

  test('bad input (exit 2) is one error annotation in GitHub Actions, none elsewhere', () => {
    const write = (env: Record<string, string>): string => {
      let err = '';
      reportInvalidInput(['missing --application', 'bad --region "x"'], { argv: [], env, stdout: () => undefined, stderr: (t) => void (err += t), exit: () => undefined });
      return err;
    };
    expect(write({ GITHUB_ACTIONS: 'true' })).toContain('::error title=Release input::missing --application%0Abad --region "x"\n');
    expect(write({})).not.toContain('::');
  });
});
