import { parsePlan, PlanInputError, summarizePlan, validatePlan } from '../plan-report';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PlanInputError);
    return (error as Error).message;
  }
  throw new Error('expected a PlanInputError');
}

describe('plan input validation', () => {
  test('accepts any 1.x format version and a plan without resource changes', () => {
    const plan = validatePlan({ format_version: '1.9', terraform_version: '1.14.0' });
    expect(plan.resource_changes).toEqual([]);
    expect(summarizePlan(plan).noChanges).toBe(true);
  });

  test('rejects another format version, naming the field, the value and what is allowed', () => {
    expect(messageOf(() => validatePlan({ format_version: '0.2', resource_changes: [] }))).toBe(
      'format_version must be "1.x" (the output of terraform show -json <planfile>, Terraform 1.x); received "0.2"',
    );
  });

  test('rejects text that is not JSON, with the source name and a hint', () => {
    expect(messageOf(() => parsePlan('Terraform will perform the following actions:', 'plan.txt'))).toMatch(
      /^plan\.txt is not valid JSON: .*not the binary plan file or the human-readable plan\)$/,
    );
  });

  test('recognises the JSON of a state and says how to get a plan', () => {
    expect(messageOf(() => parsePlan('{"format_version":"1.0","values":{}}', 'state.json'))).toBe(
      'state.json: this is the JSON of a state, not of a plan: run terraform plan -out=tfplan, then terraform show -json tfplan',
    );
  });

  test('rejects an action list Terraform does not write', () => {
    const document = {
      format_version: '1.2',
      resource_changes: [{ address: 'a.b', mode: 'managed', type: 'a', name: 'b', change: { actions: ['update', 'delete'] } }],
    };
    expect(messageOf(() => validatePlan(document))).toMatch(/^resource_changes\[0\]\.change\.actions must be one of the action lists Terraform writes \(.*\); received \["update","delete"\]$/);
  });

  test('rejects a resource change without an address', () => {
    const document = { format_version: '1.2', resource_changes: [{ mode: 'managed', type: 'a', name: 'b', change: { actions: ['create'] } }] };
    expect(messageOf(() => validatePlan(document))).toBe('resource_changes[0].address must be a non-empty string; received nothing');
  });

  test('rejects a top-level value that is not an object', () => {
    expect(messageOf(() => parsePlan('[1,2]', 'x.json'))).toMatch(/^x\.json: plan must be a JSON object/);
  });
});

describe('summary', () => {
  test('folds action lists into one kind and counts imports and forgets', () => {
    const plan = validatePlan({
      format_version: '1.2',
      resource_changes: [
        { address: 'a.new', mode: 'managed', type: 'a', name: 'new', change: { actions: ['create'] } },
        { address: 'a.cbd', mode: 'managed', type: 'a', name: 'cbd', change: { actions: ['create', 'delete'] } },
        { address: 'a.imported', mode: 'managed', type: 'a', name: 'imported', change: { actions: ['no-op'], importing: { id: 'x' } } },
        { address: 'a.gone', mode: 'managed', type: 'a', name: 'gone', change: { actions: ['forget'] } },
        { address: 'data.a.read', mode: 'data', type: 'a', name: 'read', change: { actions: ['read'] } },
      ],
    });
    const summary = summarizePlan(plan);
    expect(summary.counts).toEqual({ delete: 0, replace: 1, update: 1, create: 1, forget: 1 });
    expect(summary.imports).toBe(1);
    expect(summary.changes.map((c) => [c.kind, c.resource.address])).toEqual([
      ['replace', 'a.cbd'],
      ['update', 'a.imported'],
      ['create', 'a.new'],
      ['forget', 'a.gone'],
    ]);
  });

  test('output-only changes are not "No changes."', () => {
    const plan = validatePlan({ format_version: '1.2', output_changes: { url: { actions: ['update'] }, same: { actions: ['no-op'] } } });
    expect(summarizePlan(plan).outputChanges).toEqual(['url']);
  });
});
