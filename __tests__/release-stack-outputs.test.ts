/**
 * The contract between the stack and the release, checked with real Terraform (offline stand-in
 * provider): the outputs of an applied bluegreen-dev stack, read by the release in both formats,
 * give a complete input, and the inline AppSpec the release would send is the very AppSpec the stack
 * stores in S3 for `--revision s3`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../main';
import { renderAppSpecYaml } from '../lib/appspec';
import { CodeDeployReleaseInput, parseReleaseInput, ParseIo } from '../release/input';
import { codeDeployInput } from '../test-support/release-input';
import { buildCreateDeploymentRequest } from '../release/request';
import { ENVIRONMENTS } from '../stacks/environments';
import { describeWithTool } from '../test-support/require-tool';
import { stateResources } from '../tools/offline-terraform/codedeploy-drift';
import { createOfflineTerraform, OfflineTerraform, readStackConfig } from '../tools/offline-terraform/harness';

const STACK = 'bluegreen-dev';
const io: ParseIo = { readFile: (p) => readFileSync(p, 'utf8'), gitCommit: () => undefined };

describeWithTool('release inputs from the outputs of the applied bluegreen-dev stack (offline Terraform)', 'terraform', () => {
  let dir: string;
  let tf: OfflineTerraform;
  let terraformOutputsFile: string;
  let cdktfOutputsFile: string;
  let s3AppSpec: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'release-outputs-'));
    synthesize(ENVIRONMENTS.filter((e) => `bluegreen-${e.name}` === STACK), { outdir: dir, warn: () => undefined });
    const stackDir = join(dir, 'stacks', STACK);
    tf = createOfflineTerraform({ configs: [readStackConfig(stackDir)] });
    // The first command's provider processes start while the first init runs.
    tf.pool.warm();
    const ws = tf.workspace(stackDir, 'release');
    await tf.init(ws);
    const state = await tf.apply(ws);
    const output = JSON.parse((await tf.mustRun(ws, ['output', '-json'])).stdout) as Record<string, { value: unknown }>;
    terraformOutputsFile = join(dir, 'terraform-outputs.json');
    writeFileSync(terraformOutputsFile, JSON.stringify(output));
    // What `cdktf deploy --outputs-file` writes for the same stack.
    cdktfOutputsFile = join(dir, 'cdktf-outputs.json');
    writeFileSync(cdktfOutputsFile, JSON.stringify({ [STACK]: Object.fromEntries(Object.entries(output).map(([k, v]) => [k, v.value])) }));
    const object = stateResources(state).find((r) => r.type === 'aws_s3_object');
    s3AppSpec = String(object?.values.content);
  }, 120000);
  afterAll(() => {
    tf?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function parse(argv: string[]): CodeDeployReleaseInput {
    const result = parseReleaseInput(argv, {}, io);
    if (result.kind !== 'ok') throw new Error(JSON.stringify(result));
    return codeDeployInput(result.input);
  }

  test('terraform output -json and the cdktf outputs file give the same complete input', () => {
    const fromTerraform = parse(['--outputs-file', terraformOutputsFile]);
    const fromCdktf = parse(['--outputs-file', cdktfOutputsFile]);
    expect(fromCdktf).toEqual(fromTerraform);
    expect(fromTerraform.applicationName).toBe(STACK);
    expect(fromTerraform.hookFunctionName).toMatch(/^CodeDeployHook_/);
  });

  test('the inline AppSpec the release sends is the AppSpec the stack stores in S3', () => {
    const input = parse(['--outputs-file', terraformOutputsFile]);
    expect(input.revision.type).toBe('inline');
    if (input.revision.type !== 'inline') return;
    expect(renderAppSpecYaml(input.revision.appSpec)).toBe(s3AppSpec);
  });

  test('--revision s3 points at the AppSpec object the stack maintains', () => {
    const request = buildCreateDeploymentRequest(parse(['--outputs-file', terraformOutputsFile, '--revision', 's3']));
    expect(request.revision?.revisionType).toBe('S3');
    expect(request.revision?.s3Location).toMatchObject({ key: expect.stringContaining('appspec'), bundleType: 'YAML' });
    expect(request.revision?.s3Location?.bucket).toBeTruthy();
  });
});
