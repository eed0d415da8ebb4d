/**
 * The stand-in's list of force-new arguments (tools/offline-terraform/provider-facts.ts) against the
 * resource types the example stacks really synthesize: a type missing from the list would plan an
 * in-place update where the real provider plans a replacement.
 */
import { Testing } from 'cdktf';
import { BlueGreenStack } from '../stacks/bluegreen-stack';
import { ENVIRONMENTS } from '../stacks/environments';
import { FORCE_NEW } from '../tools/offline-terraform/provider-facts';

function resourceTypesOfExampleStacks(): string[] {
  const types = new Set<string>();
  for (const environment of ENVIRONMENTS) {
    const stack = new BlueGreenStack(Testing.app(), `${environment.project ?? 'bluegreen'}-${environment.name}`, { environment });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, unknown> };
    Object.keys(json.resource).forEach((t) => types.add(t));
  }
  return [...types].sort();
}

describe('force-new arguments of the stand-in provider', () => {
  test('cover every resource type the example stacks synthesize', () => {
    const types = resourceTypesOfExampleStacks();
    expect(types.length).toBeGreaterThan(20);
    expect(types.filter((t) => FORCE_NEW[t] === undefined)).toEqual([]);
  });

  test('replace an ECR lifecycle policy on a new policy text and a NAT gateway on a new subnet or address (provider documentation)', () => {
    expect(FORCE_NEW.aws_ecr_lifecycle_policy).toEqual(expect.arrayContaining(['repository', 'policy']));
    expect(FORCE_NEW.aws_nat_gateway).toEqual(expect.arrayContaining(['allocation_id', 'subnet_id']));
    expect(FORCE_NEW.aws_s3_bucket_policy).toContain('bucket');
  });
});
