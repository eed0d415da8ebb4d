import { appSpecSha256, renderAppSpecJson } from '../lib/appspec';
import { codeDeployInput, stackOutputs } from '../test-support/release-input';
import { CodeDeployReleaseInput, ParseIo, parseReleaseInput, ParseResult } from '../release/input';

const TASK_DEF = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12';
const devOutputs = stackOutputs();

function io(files: Record<string, unknown> = {}, commit?: string): ParseIo {
  return {
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      const v = files[p];
      return typeof v === 'string' ? v : JSON.stringify(v);
    },
    gitCommit: () => commit,
  };
}

function ok(result: ParseResult): CodeDeployReleaseInput {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return codeDeployInput(result.input);
}

function errors(result: ParseResult): readonly string[] {
  if (result.kind !== 'error') throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

const cdktfFile = { 'outputs.json': { 'bluegreen-dev': devOutputs } };

describe('parseReleaseInput', () => {
  test('reads a cdktf outputs file with one stack into a typed input with the inline AppSpec and its sha256', () => {
    const input = ok(parseReleaseInput(['--outputs-file', 'outputs.json'], {}, io(cdktfFile, 'abc1234 Ship it')));
    const appSpec = {
      taskDefinitionArn: TASK_DEF,
      containerName: 'web',
      containerPort: 8080,
      hooks: { AfterAllowTestTraffic: 'CodeDeployHook_bluegreen-dev', BeforeAllowTraffic: 'CodeDeployHook_bluegreen-dev' },
    };
    const content = renderAppSpecJson(appSpec);
    expect(input).toEqual({
      region: 'eu-west-1',
      applicationName: 'bluegreen-dev',
      deploymentGroupName: 'bluegreen-dev-dg',
      revision: { type: 'inline', appSpec, content, sha256: appSpecSha256(content) },
      description: 'abc1234 Ship it',
      hookFunctionName: 'CodeDeployHook_bluegreen-dev',
      dryRun: false,
      activePolicy: 'fail',
      continueWhenReady: false,
      stopOnTimeout: false,
      json: false,
      pollMinIntervalInMs: 1000,
      pollMaxIntervalInMs: 10000,
      allowTty: true,
    });
  });

  test('reads terraform output -json values', () => {
    const tf = Object.fromEntries(Object.entries(devOutputs).map(([k, v]) => [k, { value: v, type: typeof v === 'number' ? 'number' : 'string', sensitive: false }]));
    const input = ok(parseReleaseInput(['--outputs-file=tf.json'], {}, io({ 'tf.json': tf })));
    expect(input.applicationName).toBe('bluegreen-dev');
    expect(input.revision.type === 'inline' && input.revision.appSpec.containerPort).toBe(8080);
  });

  test('needs --stack when the file holds several stacks, and names them', () => {
    const files = { 'o.json': { 'bluegreen-dev': devOutputs, 'bluegreen-prod': { ...devOutputs, codedeploy_application_name: 'bluegreen-prod' } } };
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(files)))).toContain(
      'o.json holds outputs of 2 stacks (bluegreen-dev, bluegreen-prod); choose one with --stack or RELEASE_STACK',
    );
    expect(ok(parseReleaseInput(['--outputs-file', 'o.json'], { RELEASE_STACK: 'bluegreen-prod' }, io(files))).applicationName).toBe('bluegreen-prod');
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--stack', 'staging'], {}, io(files)))).toContain(
      'stack "staging" (from --stack/RELEASE_STACK) is not in o.json; it has: bluegreen-dev, bluegreen-prod',
    );
  });

  test('a --stack name that is an inherited property of every object (__proto__) is not a stack of the file', () => {
    const files = { 'o.json': { 'bluegreen-dev': devOutputs, 'bluegreen-prod': devOutputs } };
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--stack', '__proto__'], {}, io(files)))).toContain(
      'stack "__proto__" (from --stack/RELEASE_STACK) is not in o.json; it has: bluegreen-dev, bluegreen-prod',
    );
  });

  test('an outputs file that cannot be used is one problem on one line, not one per value it would have given', () => {
    const files = { 'o.json': { 'bluegreen-dev': devOutputs } };
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json', '--stack', 'staging'], {}, io(files)))).toEqual([
      'stack "staging" (from --stack/RELEASE_STACK) is not in o.json; it has: bluegreen-dev',
    ]);
    expect(errors(parseReleaseInput(['--outputs-file', 'nope.json'], {}, io()))).toEqual([expect.stringMatching(/^cannot read the outputs file nope\.json \(from --outputs-file\): ENOENT/)]);
  });

  test('a flag beats its environment variable, which beats the stack output', () => {
    const env = { RELEASE_APPLICATION: 'from-env', RELEASE_DEPLOYMENT_GROUP: 'group-from-env' };
    const input = ok(parseReleaseInput(['--outputs-file', 'outputs.json', '--application', 'from-flag'], env, io(cdktfFile)));
    expect(input.applicationName).toBe('from-flag');
    expect(input.deploymentGroupName).toBe('group-from-env');
  });

  test('region: flag, RELEASE_REGION, the aws_region output, then AWS_REGION and AWS_DEFAULT_REGION', () => {
    const noRegion = { 'o.json': { s: { ...devOutputs, aws_region: undefined } } };
    const parse = (argv: string[], env: Record<string, string>, files: Record<string, unknown> = cdktfFile) =>
      ok(parseReleaseInput(['--outputs-file', Object.keys(files)[0], ...argv], env, io(files))).region;
    expect(parse(['--region', 'us-west-2'], { RELEASE_REGION: 'ap-south-1', AWS_REGION: 'us-east-2' })).toBe('us-west-2');
    expect(parse([], { RELEASE_REGION: 'ap-south-1', AWS_REGION: 'us-east-2' })).toBe('ap-south-1');
    expect(parse([], { AWS_REGION: 'us-east-2' })).toBe('eu-west-1');
    expect(parse([], { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' }, noRegion)).toBe('us-east-2');
    expect(parse([], { AWS_DEFAULT_REGION: 'us-west-1' }, noRegion)).toBe('us-west-1');
  });

  test('everything can come from environment variables alone (the stack\'s auto-release)', () => {
    const input = ok(
      parseReleaseInput([], {
        RELEASE_REGION: 'us-east-1',
        RELEASE_APPLICATION: 'a',
        RELEASE_DEPLOYMENT_GROUP: 'g',
        RELEASE_TASK_DEFINITION_ARN: TASK_DEF,
        RELEASE_CONTAINER_NAME: 'web',
        RELEASE_CONTAINER_PORT: '80',
        RELEASE_HOOK_FUNCTION: 'CodeDeployHook_a',
        RELEASE_HOOK_EVENTS: 'AfterAllowTestTraffic',
        RELEASE_ENDPOINT_URL: 'http://127.0.0.1:4566',
        RELEASE_TIMEOUT_IN_MINUTES: '30',
        RELEASE_UNTIL: 'test-traffic',
        RELEASE_POLL_MIN_INTERVAL_IN_MS: '20',
        RELEASE_POLL_MAX_INTERVAL_IN_MS: '100',
      }, io()),
    );
    expect(input).toMatchObject({
      region: 'us-east-1',
      endpointUrl: 'http://127.0.0.1:4566',
      timeoutInMinutes: 30,
      until: 'test-traffic',
      pollMinIntervalInMs: 20,
      pollMaxIntervalInMs: 100,
    });
    expect(input.revision.type === 'inline' && input.revision.appSpec.hooks).toEqual({ AfterAllowTestTraffic: 'CodeDeployHook_a' });
    expect(input.endpointUrl).toBe('http://127.0.0.1:4566');
  });

  test('the hook log group comes from the stack output when there is a hook', () => {
    const files = { 'o.json': { s: { ...devOutputs, hook_log_group_name: '/aws/lambda/CodeDeployHook_bluegreen-dev' } } };
    expect(ok(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(files))).hookLogGroupName).toBe('/aws/lambda/CodeDeployHook_bluegreen-dev');
    const noHook = { 'o.json': { s: { ...devOutputs, hook_function_name: undefined, hook_log_group_name: '/x' } } };
    expect(ok(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(noHook))).hookLogGroupName).toBeUndefined();
  });

  test('does not set an endpoint when none is given, so the SDK\'s AWS_ENDPOINT_URL_CODEDEPLOY applies', () => {
    const input = ok(parseReleaseInput(['--outputs-file', 'outputs.json'], { AWS_ENDPOINT_URL_CODEDEPLOY: 'http://127.0.0.1:1' }, io(cdktfFile)));
    expect(input.endpointUrl).toBeUndefined();
  });

  test('a missing value names what is missing and every place it looked, including the stack and file', () => {
    const files = { 'outputs.json': { 'bluegreen-dev': { ...devOutputs, codedeploy_application_name: undefined } } };
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json'], {}, io(files)))).toEqual([
      'missing CodeDeploy application name: looked for --application, RELEASE_APPLICATION and output "codedeploy_application_name" in stack "bluegreen-dev" of outputs.json',
    ]);
  });

  test('without an outputs file every missing value says no outputs file was given', () => {
    const errs = errors(parseReleaseInput([], {}, io()));
    expect(errs).toEqual([
      'missing AWS region: looked for --region, RELEASE_REGION and output "aws_region" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given), AWS_REGION and AWS_DEFAULT_REGION',
      'missing CodeDeploy application name: looked for --application, RELEASE_APPLICATION and output "codedeploy_application_name" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
      'missing CodeDeploy deployment group name: looked for --deployment-group, RELEASE_DEPLOYMENT_GROUP and output "codedeploy_deployment_group_name" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
      'missing ECS task definition ARN: looked for --task-definition-arn, RELEASE_TASK_DEFINITION_ARN and output "ecs_task_definition_arn" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
      'missing container name: looked for --container-name, RELEASE_CONTAINER_NAME and output "ecs_container_name" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
      'missing container port: looked for --container-port, RELEASE_CONTAINER_PORT and output "ecs_container_port" of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)',
    ]);
  });

  test('an unreadable or malformed outputs file is named', () => {
    expect(errors(parseReleaseInput(['--outputs-file', 'nope.json'], {}, io()))[0]).toMatch(/^cannot read the outputs file nope\.json \(from --outputs-file\): ENOENT/);
    expect(errors(parseReleaseInput([], { RELEASE_OUTPUTS_FILE: 'bad.json' }, io({ 'bad.json': '{ "a": ' })))[0]).toMatch(/^the outputs file bad\.json is not valid JSON: /);
    expect(errors(parseReleaseInput(['--outputs-file', 'list.json'], {}, io({ 'list.json': [1, 2] })))[0]).toBe(
      'list.json is not a JSON object of stack outputs (expected cdktf --outputs-file or terraform output -json)',
    );
  });

  test('rejects malformed values, naming the value, where it came from and what is allowed', () => {
    const errs = errors(
      parseReleaseInput(
        ['--outputs-file', 'outputs.json', '--container-port', '70000', '--until', 'halfway', '--hook-events', 'AfterInstall,Install', '--revision', 'zip', '--region', 'mars'],
        {},
        io(cdktfFile),
      ),
    );
    // The command line is checked first (scripts/cli.ts, every problem at once), then the values resolved.
    expect(errs).toEqual([
      '--container-port must be a whole number from 1 to 65535; received "70000"',
      '--hook-events must be one or more of BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic; received "Install"',
      '--revision must be one of inline, s3; received "zip"',
      expect.stringMatching(/^--until must be one of install, test-traffic, ready, traffic-shifted, BeforeInstall, .*; received "halfway"$/),
    ]);
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json', '--region', 'mars'], {}, io(cdktfFile)))).toEqual([
      '--region must be an AWS region code such as us-east-1; received "mars"',
    ]);
  });

  test('a hook function without lifecycle events is an error naming where the events were looked for', () => {
    const files = { 'outputs.json': { s: { ...devOutputs, hook_lifecycle_events: undefined } } };
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json'], {}, io(files)))).toEqual([
      'missing hook lifecycle events for hook function "CodeDeployHook_bluegreen-dev": looked for --hook-events, RELEASE_HOOK_EVENTS and output "hook_lifecycle_events" in stack "s" of outputs.json; allowed events: BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic',
    ]);
  });

  test('a task definition without a revision is rejected with its source', () => {
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json', '--task-definition-arn', 'web'], {}, io(cdktfFile)))[0]).toMatch(
      /^taskDefinitionArn must be an ECS task definition ARN with a revision .*got "web" \(from --task-definition-arn\)$/,
    );
  });

  test('--revision s3 uses the AppSpec object outputs and needs no task definition', () => {
    const files = { 'outputs.json': { s: { ...devOutputs, ecs_task_definition_arn: undefined } } };
    const input = ok(parseReleaseInput(['--outputs-file', 'outputs.json', '--revision', 's3'], {}, io(files)));
    expect(input.revision).toEqual({ type: 's3', bucket: 'bluegreen-dev-appspec', key: 'appspec.yaml', version: 'ver-1' });
    const missing = { 'outputs.json': { s: { ...devOutputs, appspec_bucket_name: undefined } } };
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json', '--revision', 's3'], {}, io(missing)))).toEqual([
      'missing AppSpec S3 bucket: looked for --appspec-bucket, RELEASE_APPSPEC_BUCKET and output "appspec_bucket_name" in stack "s" of outputs.json',
    ]);
  });

  test('flags: active-deployment policy, dry run, json, continue, stop on timeout, deployment config', () => {
    const input = ok(
      parseReleaseInput(
        ['--outputs-file', 'outputs.json', '--stop-active', '--dry-run', '--json', '--continue', '--stop-on-timeout', '--deployment-config', 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes'],
        {},
        io(cdktfFile),
      ),
    );
    expect(input).toMatchObject({ activePolicy: 'stop', dryRun: true, json: true, continueWhenReady: true, stopOnTimeout: true, deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes' });
    expect(ok(parseReleaseInput(['--outputs-file', 'outputs.json', '--wait-for-active'], {}, io(cdktfFile))).activePolicy).toBe('wait');
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json', '--wait-for-active', '--stop-active'], {}, io(cdktfFile)))).toEqual([
      '--wait-for-active and --stop-active exclude each other; give one',
    ]);
  });

  test('--follow takes a deployment id and excludes creating options', () => {
    expect(ok(parseReleaseInput(['--outputs-file', 'outputs.json', '--follow', 'd-ABCDEF123'], {}, io(cdktfFile))).followDeploymentId).toBe('d-ABCDEF123');
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json', '--follow', 'ABC', '--dry-run', '--stop-active'], {}, io(cdktfFile)))).toEqual([
      '--follow must be a deployment id such as d-ABCDEFGH1; received "ABC"',
      '--dry-run does not apply to --follow (it follows a deployment that already exists)',
      '--stop-active does not apply to --follow (it follows a deployment that already exists)',
    ]);
  });

  test('unknown arguments and flags without values are errors; --json is remembered for the error document', () => {
    const result = parseReleaseInput(['--outputs-file', 'outputs.json', '--json', '--frobnicate', '--stack'], {}, io(cdktfFile));
    expect(result).toEqual({ kind: 'error', json: true, errors: [expect.stringMatching(/^unknown flag --frobnicate; flags are --outputs-file, --stack, /), '--stack needs a value (<name>)'] });
  });

  test('--version is answered like --help', () => {
    expect(parseReleaseInput(['--version', '--bogus'], {}, io())).toEqual({ kind: 'version' });
  });

  test('a stack output is checked against the same declaration as its flag, naming the output and the file', () => {
    const files = { 'o.json': { s: { ...devOutputs, ecs_container_port: 70000, hook_lifecycle_events: 'AfterInstall,Install' } } };
    expect(errors(parseReleaseInput(['--outputs-file', 'o.json'], {}, io(files)))).toEqual([
      'output "ecs_container_port" in stack "s" of o.json must be a whole number from 1 to 65535; received "70000"',
      'output "hook_lifecycle_events" in stack "s" of o.json must be one or more of BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic; received "Install"',
    ]);
  });

  test('the result says where each value of the revision came from', () => {
    const result = parseReleaseInput(['--outputs-file', 'outputs.json', '--task-definition-arn', TASK_DEF], { RELEASE_CONTAINER_NAME: 'web' }, io(cdktfFile));
    expect(result.kind === 'ok' && result.sources).toEqual({
      taskDefinitionArn: '--task-definition-arn',
      containerName: 'RELEASE_CONTAINER_NAME (for --container-name)',
      containerPort: 'output "ecs_container_port" in stack "bluegreen-dev" of outputs.json',
      hookFunction: 'output "hook_function_name" in stack "bluegreen-dev" of outputs.json',
      hookEvents: 'output "hook_lifecycle_events" in stack "bluegreen-dev" of outputs.json',
    });
  });

  test('--help wins over everything else', () => {
    expect(parseReleaseInput(['--bogus', '--help'], {}, io())).toEqual({ kind: 'help' });
    expect(parseReleaseInput(['-h'], {}, io())).toEqual({ kind: 'help' });
  });

  test('description: flag, else the git commit, cut to 200 characters', () => {
    expect(ok(parseReleaseInput(['--outputs-file', 'outputs.json', '--description', 'hotfix'], {}, io(cdktfFile, 'abc Commit'))).description).toBe('hotfix');
    expect(ok(parseReleaseInput(['--outputs-file', 'outputs.json'], {}, io(cdktfFile))).description).toBeUndefined();
    const long = ok(parseReleaseInput(['--outputs-file', 'outputs.json'], {}, io(cdktfFile, 'x'.repeat(300)))).description!;
    expect(long).toHaveLength(200);
  });

  test('NO_COLOR, CI, TERM=dumb and --no-color turn off the redrawn display; GitHub file paths are picked up', () => {
    const parse = (argv: string[], env: Record<string, string>) => ok(parseReleaseInput(['--outputs-file', 'outputs.json', ...argv], env, io(cdktfFile)));
    expect(parse([], {}).allowTty).toBe(true);
    expect(parse([], { NO_COLOR: '1' }).allowTty).toBe(false);
    expect(parse([], { CI: 'true' }).allowTty).toBe(false);
    expect(parse([], { CI: 'false' }).allowTty).toBe(true);
    expect(parse(['--no-color'], {}).allowTty).toBe(false);
    expect(parse([], { TERM: 'dumb' }).allowTty).toBe(false);
    expect(parse([], { TERM: 'xterm-256color' }).allowTty).toBe(true);
    expect(parse([], { GITHUB_STEP_SUMMARY: 's.md', GITHUB_OUTPUT: 'o.txt' })).toMatchObject({ githubStepSummaryPath: 's.md', githubOutputPath: 'o.txt' });
  });

  test('poll intervals must be ordered', () => {
    expect(errors(parseReleaseInput(['--outputs-file', 'outputs.json', '--poll-min-interval-in-ms', '500', '--poll-max-interval-in-ms', '100'], {}, io(cdktfFile)))).toEqual([
      'slowest poll interval (100 ms) must not be below the fastest (500 ms)',
    ]);
    expect(ok(parseReleaseInput(['--outputs-file', 'outputs.json', '--poll-min-interval-in-ms', '20000'], {}, io(cdktfFile))).pollMaxIntervalInMs).toBe(20000);
  });
});
