import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../plan-report';

const DIR = join(__dirname, 'fixtures', 'plans');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('hand-written plan fixtures', () => {
  test('there are fixtures', () => {
    expect(FILES.length).toBeGreaterThan(10);
  });

  test.each(FILES)('%s is a valid format 1.x plan', (file) => {
    expect(() => parsePlan(readFileSync(join(DIR, file), 'utf8'), file)).not.toThrow();
  });

  test.each(FILES)('%s is documented in the fixtures README', (file) => {
    expect(readFileSync(join(DIR, 'README.md'), 'utf8')).toContain(`\`${file}\``);
  });
});
