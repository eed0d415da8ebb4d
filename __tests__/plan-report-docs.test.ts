/**
 * docs/plan-review.md lists every hazard the reporter can raise, with the severities it can have:
 * the doc's hazards table and the code's catalogue (plan-report HAZARDS) must name the same ids.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAZARDS, SEVERITIES } from '../plan-report';

const DOC = readFileSync(join(__dirname, '..', 'docs', 'plan-review.md'), 'utf8');

/** Rows of the table under "## Hazards": id and the severity cell. */
function documentedHazards(): { id: string; severities: string }[] {
  const section = DOC.slice(DOC.indexOf('\n## Hazards\n'));
  const table = section.slice(section.indexOf('\n| Id |'));
  const rows: { id: string; severities: string }[] = [];
  for (const line of table.split('\n').slice(3)) {
    if (!line.startsWith('| `')) break;
    const [, id, severities] = /^\| `([a-z0-9-]+)` \| ([^|]+) \|/.exec(line) ?? [];
    if (id !== undefined) rows.push({ id, severities: severities! });
  }
  return rows;
}

describe('docs/plan-review.md hazards table', () => {
  const rows = documentedHazards();

  test('lists every hazard of the code, and no other', () => {
    expect([...new Set(rows.map((r) => r.id))].sort()).toEqual(Object.keys(HAZARDS).sort());
  });

  test.each(Object.entries(HAZARDS))('%s: the doc names each severity it can have, and no other', (id, severities) => {
    const cells = rows.filter((r) => r.id === id).map((r) => r.severities).join(' ');
    for (const severity of SEVERITIES) {
      expect({ severity, documented: new RegExp(`\\b${severity}\\b`).test(cells) }).toEqual({ severity, documented: (severities as readonly string[]).includes(severity) });
    }
  });
});
