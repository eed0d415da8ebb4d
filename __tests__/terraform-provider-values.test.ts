import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyResource, planResource, providerSettings, readDataSource, readResource, renderPolicyDocument } from '../tools/offline-terraform/behaviour';
import { conformBlock, decodeMsgpack, encodeMsgpack, UNKNOWN } from '../tools/offline-terraform/cty';
import type { SchemaBlock, Value } from '../tools/offline-terraform/cty';
import { decodeRequest, encodeGetProviderSchemaResponse, encodePlanResponse } from '../tools/offline-terraform/messages';
import { createHandlers, schemaFileLoader } from '../tools/offline-terraform/provider-handlers';
import type { ProviderSchemas } from '../tools/offline-terraform/schema';
import { ProtoReader, ProtoWriter } from '../tools/offline-terraform/wire';

const targetGroup: SchemaBlock = {
  attributes: {
    arn: { type: 'string', computed: true },
    arn_suffix: { type: 'string', computed: true },
    id: { type: 'string', optional: true, computed: true },
    name: { type: 'string', optional: true, computed: true },
    port: { type: 'number', optional: true },
    region: { type: 'string', optional: true, computed: true },
    tags: { type: ['map', 'string'], optional: true },
    tags_all: { type: ['map', 'string'], optional: true, computed: true },
  },
  blocks: { health_check: { nesting: 'list', maxItems: 1, block: { attributes: { path: { type: 'string', optional: true } }, blocks: {} } } },
};

const settings = providerSettings({ region: 'eu-west-1', default_tags: [{ tags: { team: 'web' } }] });

describe('values on the wire', () => {
  test('msgpack keeps cty unknowns (extension 0) through an encode/decode round trip', () => {
    const value: Value = { a: UNKNOWN, b: ['x', null], c: { k: 1.5 } };
    const bytes = encodeMsgpack(value);
    expect(Buffer.from(bytes).includes(Buffer.from([0xd4, 0x00]))).toBe(true);
    expect(decodeMsgpack(bytes)).toEqual(value);
    expect(decodeMsgpack(bytes)).not.toEqual({ ...value, a: null });
  });

  test('refined unknowns (extension 12) decode as unknown too', () => {
    expect(decodeMsgpack(Buffer.from([0x81, 0xa1, 0x61, 0xd4, 0x0c, 0x00]))).toEqual({ a: UNKNOWN });
  });

  test('conformBlock fills absent attributes with null and absent list blocks with []', () => {
    expect(conformBlock({ port: '80', stray: 'x' }, targetGroup)).toEqual({
      arn: null, arn_suffix: null, id: null, name: null, port: 80, region: null, tags: null, tags_all: null, health_check: [],
    });
  });

  test('protobuf varints, strings and nested messages read back as written', () => {
    const buf = new ProtoWriter().string(1, 'aws_lb').varint(2, 300n).message(3, new ProtoWriter().bytes(1, Buffer.from([0xc0]))).finish();
    const r = new ProtoReader(buf);
    expect(r.string(1)).toBe('aws_lb');
    expect(r.varint(2)).toBe(300n);
    expect(r.message(3)!.bytes(1)).toEqual(Buffer.from([0xc0]));
  });

  test('PlanResourceChange requests decode to type name, prior, proposed and config', () => {
    const dv = (v: Value): ProtoWriter => new ProtoWriter().bytes(1, encodeMsgpack(v));
    const req = new ProtoWriter().string(1, 'aws_lb').message(2, dv(null)).message(3, dv({ name: 'a' })).message(4, dv({ name: 'a' })).finish();
    const decoded = decodeRequest('PlanResourceChange', req);
    expect(decoded.typeName).toBe('aws_lb');
    expect(decodeMsgpack(decoded.proposedNewState!.msgpack!)).toEqual({ name: 'a' });
    expect(decodeMsgpack(decoded.priorState!.msgpack!)).toBeNull();
  });

  test('requires_replace paths are encoded as attribute-name steps', () => {
    const res = new ProtoReader(encodePlanResponse(encodeMsgpack({}), [['name']], []));
    const step = res.message(2)!.message(1)!;
    expect(step.string(1)).toBe('name');
  });
});

describe('stand-in provider behaviour', () => {
  const config = { name: 'blue', port: 80, tags: { Name: 'blue' } };
  const proposed = conformBlock(config, targetGroup);

  test('create: unset computed attributes are unknown; region and tags_all follow the provider', () => {
    const { planned, requiresReplace } = planResource('aws_lb_target_group', targetGroup, null, proposed, conformBlock(config, targetGroup), settings);
    expect(planned).toMatchObject({ arn: UNKNOWN, id: UNKNOWN, name: 'blue', region: 'eu-west-1', tags_all: { team: 'web', Name: 'blue' } });
    expect(requiresReplace).toEqual([]);
  });

  test('apply: well-formed, deterministic ARNs in the configured region and account 123456789012', () => {
    const { planned } = planResource('aws_lb_target_group', targetGroup, null, proposed, proposed, settings);
    const a = applyResource('aws_lb_target_group', targetGroup, planned, settings) as Record<string, Value>;
    expect(a.arn).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup\/blue\/[0-9a-f]{16}$/);
    expect(a.arn_suffix).toBe(String(a.arn).split(':').pop());
    expect(applyResource('aws_lb_target_group', targetGroup, planned, settings)).toEqual(a);
  });

  test('update: a changed force-new argument (port) requires replacement, a tag change does not', () => {
    const prior = applyResource('aws_lb_target_group', targetGroup, planResource('aws_lb_target_group', targetGroup, null, proposed, proposed, settings).planned, settings) as Record<string, Value>;
    const newPort = { ...prior, port: 81 };
    expect(planResource('aws_lb_target_group', targetGroup, prior, newPort, newPort, settings).requiresReplace).toEqual([['port']]);
    const newTags = { ...prior, tags: { Name: 'other' } };
    const plan = planResource('aws_lb_target_group', targetGroup, prior, newTags, newTags, settings);
    expect(plan.requiresReplace).toEqual([]);
    expect(plan.planned).toMatchObject({ arn: prior.arn, tags_all: { team: 'web', Name: 'other' } });
  });

  test('read applies only the drift patches whose type and match fit the state', () => {
    const state = { ...(conformBlock({ name: 'blue', port: 80 }, targetGroup) as Record<string, Value>), arn: 'arn:tg/blue' };
    const drift = [
      { type: 'aws_lb_target_group', match: { arn: 'arn:tg/blue' }, set: { port: 8080 } },
      { type: 'aws_lb_target_group', match: { arn: 'arn:tg/green' }, set: { port: 9090 } },
      { type: 'aws_lb', match: { arn: 'arn:tg/blue' }, set: { port: 1 } },
    ];
    expect(readResource('aws_lb_target_group', targetGroup, state, drift)).toMatchObject({ port: 8080, name: 'blue' });
    expect(readResource('aws_lb_target_group', targetGroup, state, [])).toEqual(state);
  });

  test('aws_iam_policy_document renders its statements to policy JSON', () => {
    const json = renderPolicyDocument({
      statement: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }] }],
    });
    expect(JSON.parse(json)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } }],
    });
  });

  test('data sources answer with known values: region and caller identity', () => {
    const schema: SchemaBlock = { attributes: { account_id: { type: 'string', computed: true }, id: { type: 'string', optional: true, computed: true } }, blocks: {} };
    expect(readDataSource('aws_caller_identity', schema, { account_id: null, id: null }, settings)).toEqual({ account_id: '123456789012', id: '123456789012' });
    const region: SchemaBlock = { attributes: { region: { type: 'string', optional: true, computed: true } }, blocks: {} };
    expect(readDataSource('aws_region', region, { region: null }, settings)).toEqual({ region: 'eu-west-1' });
  });
});

describe('the provider\'s answers', () => {
  test('GetProviderSchema answers the schema file as it is now: the same bytes while it is unchanged, the new schemas once it is rewritten', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'provider-schema-'));
    try {
      const file = path.join(dir, 'schema-aws.json');
      const before: ProviderSchemas = { provider: { attributes: {}, blocks: {} }, resources: { aws_lb_target_group: targetGroup }, dataSources: {} };
      // What a harness's serve() writes once a synth has told it more types (a shared provider already runs).
      const after: ProviderSchemas = { ...before, resources: { ...before.resources, aws_lb_target_group_attachment: targetGroup } };
      writeFileSync(file, JSON.stringify(before));
      const handlers = createHandlers(schemaFileLoader(file));
      const first = handlers.GetProviderSchema!(Buffer.alloc(0));
      expect(first).toEqual(encodeGetProviderSchemaResponse(before));
      expect(handlers.GetProviderSchema!(Buffer.alloc(0))).toEqual(first);
      writeFileSync(file, JSON.stringify(after));
      expect(handlers.GetProviderSchema!(Buffer.alloc(0))).toEqual(encodeGetProviderSchemaResponse(after));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
