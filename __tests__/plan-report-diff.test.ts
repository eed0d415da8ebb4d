import { diffAttributes, lineDiff, type PlanChange } from '../plan-report';
import { MAX_LINE_DIFF_EDITS, withContext } from '../plan-report/diff';

function update(before: unknown, after: unknown, masks: Partial<PlanChange> = {}): PlanChange {
  return { actions: ['update'], before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...masks };
}

describe('attribute diff', () => {
  test('lists only the attributes that change', () => {
    const diff = diffAttributes(update({ name: 'web', desired_count: 2, tags: { a: '1' } }, { name: 'web', desired_count: 3, tags: { a: '1' } }));
    expect(diff).toEqual([{ path: 'desired_count', before: { kind: 'value', value: 2 }, after: { kind: 'value', value: 3 } }]);
  });

  test('names nested block attributes by index', () => {
    const diff = diffAttributes(
      update({ load_balancer: [{ container_port: 80, target_group_arn: 'green' }] }, { load_balancer: [{ container_port: 80, target_group_arn: 'blue' }] }),
    );
    expect(diff.map((d) => d.path)).toEqual(['load_balancer[0].target_group_arn']);
  });

  test('quotes map keys that are not identifiers', () => {
    const diff = diffAttributes(update({ tags: { 'aws:team': 'a' } }, { tags: { 'aws:team': 'b' } }));
    expect(diff.map((d) => d.path)).toEqual(['tags["aws:team"]']);
  });

  test('compares lists of plain values as one value', () => {
    const diff = diffAttributes(update({ subnets: ['a', 'b'] }, { subnets: ['a', 'c'] }));
    expect(diff).toEqual([{ path: 'subnets', before: { kind: 'value', value: ['a', 'b'] }, after: { kind: 'value', value: ['a', 'c'] } }]);
  });

  test('masks sensitive values on either side', () => {
    const diff = diffAttributes(
      update({ environment: { TOKEN: 'old-secret' } }, { environment: { TOKEN: 'new-secret' } }, {
        before_sensitive: { environment: { TOKEN: true } },
        after_sensitive: { environment: { TOKEN: true } },
      }),
    );
    expect(diff).toEqual([{ path: 'environment.TOKEN', before: { kind: 'sensitive' }, after: { kind: 'sensitive' } }]);
  });

  test('masks a sensitive element of a list of plain values, on either side, without printing it with the others', () => {
    // Terraform marks single elements: after_sensitive mirrors the list with true on the secret one.
    const diff = diffAttributes(
      update({ values: ['public', 'old-secret'] }, { values: ['public', 'new-secret', 'added'] }, {
        before_sensitive: { values: [false, true] },
        after_sensitive: { values: [false, true] },
      }),
    );
    expect(diff).toEqual([
      { path: 'values[1]', before: { kind: 'sensitive' }, after: { kind: 'sensitive' } },
      { path: 'values[2]', before: { kind: 'absent' }, after: { kind: 'value', value: 'added' } },
    ]);
    const onlyBefore = diffAttributes(update({ values: ['old-secret'] }, { values: [] }, { before_sensitive: { values: [true] }, after_sensitive: {} }));
    expect(JSON.stringify(onlyBefore)).not.toContain('old-secret');
  });

  test('does not report a sensitive value that did not change', () => {
    const diff = diffAttributes(update({ password: 'same', n: 1 }, { password: 'same', n: 2 }, { before_sensitive: { password: true }, after_sensitive: { password: true } }));
    expect(diff.map((d) => d.path)).toEqual(['n']);
  });

  test('marks values known only after apply', () => {
    const diff = diffAttributes(update({ arn: 'arn:1', name: 'a' }, { name: 'b' }, { after_unknown: { arn: true } }));
    expect(diff).toEqual([
      { path: 'arn', before: { kind: 'value', value: 'arn:1' }, after: { kind: 'unknown' } },
      { path: 'name', before: { kind: 'value', value: 'a' }, after: { kind: 'value', value: 'b' } },
    ]);
  });

  test('a create lists the attributes that get a value or are unknown, not the null ones', () => {
    const diff = diffAttributes({
      actions: ['create'],
      before: null,
      after: { name: 'web', description: null, tags: {} },
      after_unknown: { id: true },
      before_sensitive: false,
      after_sensitive: {},
    });
    expect(diff.map((d) => [d.path, d.after.kind])).toEqual([
      ['id', 'unknown'],
      ['name', 'value'],
    ]);
  });

  test('a delete lists no attributes', () => {
    expect(diffAttributes({ actions: ['delete'], before: { name: 'web' }, after: null })).toEqual([]);
  });

  test('treats null, empty lists and empty maps as the same', () => {
    expect(diffAttributes(update({ tags: null, rules: [] }, { tags: {}, rules: null }))).toEqual([]);
  });
});

describe('line diff', () => {
  test('keeps common lines and marks removed and added ones', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
    ]);
  });

  test('an added value is all additions', () => {
    expect(lineDiff('', 'a\nb')).toEqual([
      { op: '+', text: 'a' },
      { op: '+', text: 'b' },
    ]);
  });

  test('collapses long unchanged runs around the changes', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const shown = withContext(lineDiff(before, after), 2);
    expect(shown).toEqual([
      { op: ' ', text: '... (8 unchanged lines)' },
      { op: ' ', text: 'line 8' },
      { op: ' ', text: 'line 9' },
      { op: '-', text: 'line 10' },
      { op: '+', text: 'line ten' },
      { op: ' ', text: 'line 11' },
      { op: ' ', text: 'line 12' },
      { op: ' ', text: '... (7 unchanged lines)' },
    ]);
  });

  /** Length of the longest common subsequence: the oracle for a minimal line diff. */
  function lcsLength(a: readonly string[], b: readonly string[]): number {
    const row = new Array<number>(b.length + 1).fill(0);
    for (const x of a) {
      let diagonal = 0;
      b.forEach((y, j) => {
        const above = row[j + 1]!;
        row[j + 1] = x === y ? diagonal + 1 : Math.max(row[j + 1]!, row[j]!);
        diagonal = above;
      });
    }
    return row[b.length]!;
  }

  test('property: the diff rebuilds both sides and keeps the most lines in common', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: random(12) }, () => 'abcd'[random(4)]!);
      const b = Array.from({ length: random(12) }, () => 'abcd'[random(4)]!);
      const lines = lineDiff(a.join('\n'), b.join('\n'));
      const side = (ops: string) => lines.filter((l) => ops.includes(l.op)).map((l) => l.text);
      // ('' joins to '', the empty text: no lines at all.)
      expect(side(' -').join('\n')).toBe(a.join('\n'));
      expect(side(' +').join('\n')).toBe(b.join('\n'));
      if (a.join('') !== '' && b.join('') !== '') expect(side(' ').length).toBe(lcsLength(a, b));
    }
  });

  test(`a rewrite of more than ${MAX_LINE_DIFF_EDITS} lines is shown as all removed, then all added`, () => {
    const before = Array.from({ length: MAX_LINE_DIFF_EDITS }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: MAX_LINE_DIFF_EDITS }, (_, i) => `new ${i}`).join('\n');
    const lines = lineDiff(before, after);
    expect(lines.map((l) => l.op).join('')).toBe('-'.repeat(MAX_LINE_DIFF_EDITS) + '+'.repeat(MAX_LINE_DIFF_EDITS));
  });

  test('one changed line in a 50,000-line document is still one removal and one addition', () => {
    const before = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    const lines = lineDiff(before, before.replace('line 25000\n', 'line 25000 changed\n'));
    expect(lines.filter((l) => l.op !== ' ')).toEqual([
      { op: '-', text: 'line 25000' },
      { op: '+', text: 'line 25000 changed' },
    ]);
  });
});
