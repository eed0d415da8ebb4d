import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SchemaBlock } from '../tools/offline-terraform/cty';
import { bindingModule, buildProviderSchemas, loadSchema, reconstructSchema, typesUsed } from '../tools/offline-terraform/schema';

// Facts below are from the AWS / null provider documentation (registry.terraform.io); the schema
// is rebuilt from the installed CDKTF bindings, so each assertion checks the reconstruction.
describe('schema reconstruction from the CDKTF bindings', () => {
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'schema-cache-'));
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  const schema = (kind: 'resource' | 'data' | 'provider', type: string): SchemaBlock => loadSchema(kind, type, cacheDir);

  test('maps type names to deep binding modules, never the package index', () => {
    expect(bindingModule('resource', 'aws_ecs_service')).toBe('@cdktf/provider-aws/lib/ecs-service');
    expect(bindingModule('data', 'aws_iam_policy_document')).toBe('@cdktf/provider-aws/lib/data-aws-iam-policy-document');
    expect(bindingModule('resource', 'null_resource')).toBe('@cdktf/provider-null/lib/resource');
    expect(bindingModule('provider', 'aws')).toBe('@cdktf/provider-aws/lib/provider');
  });

  test('aws_ecs_service.deployment_controller is a single-item list block with an optional type', () => {
    const dc = schema('resource', 'aws_ecs_service').blocks.deployment_controller!;
    expect(dc.nesting).toBe('list');
    expect(dc.maxItems).toBe(1);
    expect(dc.block.attributes.type).toEqual({ type: 'string', optional: true });
  });

  test('aws_ecs_service: name is required, load_balancer is a set block, id is optional+computed', () => {
    const s = schema('resource', 'aws_ecs_service');
    expect(s.attributes.name).toEqual({ type: 'string', required: true });
    expect(s.blocks.load_balancer!.nesting).toBe('set');
    expect(s.blocks.load_balancer!.block.attributes.container_port).toEqual({ type: 'number', required: true });
    expect(s.attributes.id).toMatchObject({ optional: true, computed: true });
    expect(s.attributes.loadBalancer).toBeUndefined();
  });

  test('aws_lb_target_group.name is an optional string; aws_lb.arn and dns_name are computed only', () => {
    expect(schema('resource', 'aws_lb_target_group').attributes.name).toMatchObject({ type: 'string', optional: true });
    const lb = schema('resource', 'aws_lb');
    expect(lb.attributes.arn).toEqual({ type: 'string', computed: true });
    expect(lb.attributes.dns_name).toEqual({ type: 'string', computed: true });
    expect(lb.attributes.internal).toEqual({ type: 'bool', optional: true });
  });

  test('aws_lb_listener.default_action is a required list block with forward → target_group set', () => {
    const da = schema('resource', 'aws_lb_listener').blocks.default_action!;
    expect(da.minItems).toBe(1);
    expect(da.block.attributes.type).toEqual({ type: 'string', required: true });
    const tg = da.block.blocks.forward!.block.blocks.target_group!;
    expect(tg.nesting).toBe('set');
    expect(tg.block.attributes.arn).toEqual({ type: 'string', required: true });
  });

  test('aws_codedeploy_deployment_group.blue_green_deployment_config has its nested blocks', () => {
    const bg = schema('resource', 'aws_codedeploy_deployment_group').blocks.blue_green_deployment_config!;
    expect(Object.keys(bg.block.blocks).sort()).toEqual(['deployment_ready_option', 'green_fleet_provisioning_option', 'terminate_blue_instances_on_deployment_success']);
    expect(bg.block.blocks.terminate_blue_instances_on_deployment_success!.block.attributes.termination_wait_time_in_minutes).toEqual({ type: 'number', optional: true });
  });

  test('null_resource.triggers is a map of string and its id is computed', () => {
    const nr = schema('resource', 'null_resource');
    expect(nr.attributes.triggers).toEqual({ type: ['map', 'string'], optional: true });
    expect(nr.attributes.id).toEqual({ type: 'string', computed: true });
  });

  test('list and set element types come from the storage class (stringList → list(string))', () => {
    const td = schema('resource', 'aws_ecs_task_definition');
    expect(td.attributes.requires_compatibilities).toEqual({ type: ['set', 'string'], optional: true });
    const azs = schema('data', 'aws_availability_zones');
    expect(azs.attributes.names).toEqual({ type: ['list', 'string'], computed: true });
  });

  test('the aws provider schema accepts region and default_tags, without the alias meta-argument', () => {
    const p = schema('provider', 'aws');
    expect(p.attributes.region).toEqual({ type: 'string', optional: true });
    expect(p.blocks.default_tags!.block.attributes.tags).toEqual({ type: ['map', 'string'], optional: true });
    expect(p.attributes.alias).toBeUndefined();
  });

  test('caches each schema on disk per binding package version and serves the cached copy', () => {
    schema('resource', 'aws_lb');
    const dirs = readdirSync(cacheDir);
    expect(dirs.some((d) => /^@cdktf\+provider-aws@\d+\.\d+\.\d+-v\d+$/.test(d))).toBe(true);
    const awsDir = dirs.find((d) => d.startsWith('@cdktf+provider-aws@'))!;
    expect(readdirSync(path.join(cacheDir, awsDir))).toContain('resource.aws_lb.json');
    // A planted cache entry is served as is: the bindings are not consulted again.
    const planted = { attributes: { planted: { type: 'string', optional: true } }, blocks: {} };
    writeFileSync(path.join(cacheDir, awsDir, 'resource.aws_lb.json'), JSON.stringify(planted));
    expect(Object.keys(schema('resource', 'aws_lb').attributes)).toEqual(['planted']);
  });

  test('a provider serves only the types the configuration uses', () => {
    const used = typesUsed({ resource: { aws_lb: {}, null_resource: {} }, data: { aws_region: {} } });
    const aws = buildProviderSchemas('aws', used, cacheDir);
    expect(Object.keys(aws.resources)).toEqual(['aws_lb']);
    expect(Object.keys(aws.dataSources)).toEqual(['aws_region']);
    expect(Object.keys(buildProviderSchemas('null', used, cacheDir).resources)).toEqual(['null_resource']);
  });

  test('an unknown type fails with the type and the module it looked for', () => {
    expect(() => reconstructSchema('resource', 'aws_not_a_thing')).toThrow(/aws_not_a_thing.*lib\/not-a-thing/);
    expect(() => reconstructSchema('resource', 'google_thing')).toThrow(/only aws_\* and null_\*/);
  });
});
