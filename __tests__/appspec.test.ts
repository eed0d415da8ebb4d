/**
 * lib/appspec.ts: the one AppSpec renderer shared by the stack (S3 revision) and the release CLI
 * (inline AppSpecContent).
 */
import { parse } from 'yaml';
import { createHash } from 'node:crypto';
import { AppSpecError, appSpecSha256, buildAppSpec, ECS_HOOK_EVENTS, renderAppSpecJson, renderAppSpecYaml, validateAppSpecInput } from '../lib/appspec';

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/bluegreen-prod:42';

describe('buildAppSpec', () => {
  test('describes the ECS service with its task definition, container and port', () => {
    expect(buildAppSpec({ taskDefinitionArn: ARN, containerName: 'web', containerPort: 8080 })).toEqual({
      version: '0.0',
      Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: ARN, LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 } } } }],
    });
  });

  test('lists hooks in CodeDeploy lifecycle order whatever the input order', () => {
    const spec = buildAppSpec({ taskDefinitionArn: ARN, containerName: 'web', containerPort: 80, hooks: { AfterAllowTraffic: 'h2', BeforeAllowTraffic: 'h1' } });
    expect(spec.Hooks).toEqual([{ BeforeAllowTraffic: 'h1' }, { AfterAllowTraffic: 'h2' }]);
  });

  test('adds the platform version only when given', () => {
    const spec = buildAppSpec({ taskDefinitionArn: ARN, containerName: 'web', containerPort: 80, platformVersion: '1.4.0' });
    expect(spec.Resources[0]!.TargetService.Properties.PlatformVersion).toBe('1.4.0');
  });

  test('accepts a Terraform reference as the task definition ARN', () => {
    expect(validateAppSpecInput({ taskDefinitionArn: '${aws_ecs_task_definition.x.arn}', containerName: 'web', containerPort: 80 })).toEqual([]);
  });

  test('lists every problem of an invalid input', () => {
    expect(validateAppSpecInput({ taskDefinitionArn: 'td:1', containerName: 'web app', containerPort: 0, hooks: { Install: 'x' } as never })).toEqual([
      'taskDefinitionArn must be an ECS task definition ARN with a revision (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>), got "td:1"',
      'containerName must be 1-255 letters, digits, hyphens or underscores, got "web app"',
      'containerPort must be an integer from 1 to 65535, got 0',
      `hooks.Install is not an ECS lifecycle event; allowed: ${ECS_HOOK_EVENTS.join(', ')}`,
    ]);
  });

  test('rejects an empty hook function name', () => {
    expect(validateAppSpecInput({ taskDefinitionArn: ARN, containerName: 'web', containerPort: 80, hooks: { BeforeAllowTraffic: '' } })).toEqual([
      'hooks.BeforeAllowTraffic must be a Lambda function name or ARN, got ""',
    ]);
  });

  test('throws an AppSpecError for invalid input', () => {
    expect(() => buildAppSpec({ taskDefinitionArn: ARN, containerName: 'web', containerPort: 70000 })).toThrow(
      new AppSpecError('Invalid AppSpec input:\n  - containerPort must be an integer from 1 to 65535, got 70000'),
    );
  });
});

describe('rendering', () => {
  const input = { taskDefinitionArn: ARN, containerName: 'web', containerPort: 8080, hooks: { BeforeAllowTraffic: 'CodeDeployHook_bluegreen-prod' } };

  test('YAML and JSON describe the same document', () => {
    expect(parse(renderAppSpecYaml(input))).toEqual(JSON.parse(renderAppSpecJson(input)));
  });

  test('never folds a long ARN onto two lines', () => {
    const long = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${'f'.repeat(200)}:1`;
    const yaml = renderAppSpecYaml({ ...input, taskDefinitionArn: long });
    expect(yaml.split('\n').find((l) => l.includes('TaskDefinition'))).toBe(`        TaskDefinition: ${long}`);
  });

  test('keeps a Terraform reference intact in the YAML', () => {
    const yaml = renderAppSpecYaml({ ...input, taskDefinitionArn: '${aws_ecs_task_definition.x.arn}' });
    expect(yaml).toContain('TaskDefinition: ${aws_ecs_task_definition.x.arn}\n');
  });

  test('appSpecSha256 is the hex sha256 of the text', () => {
    const text = renderAppSpecJson(input);
    expect(appSpecSha256(text)).toBe(createHash('sha256').update(text).digest('hex'));
    expect(appSpecSha256(text)).toMatch(/^[0-9a-f]{64}$/);
  });
});
