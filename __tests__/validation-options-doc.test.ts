/**
 * config/options.ts is the one table of defaults and ranges: docs/configuration.md and the JSDoc of
 * config/environment.ts must say what it says, and resolveEnvironment/validateEnvironment must use it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIONS, type OptionRule } from '../config/options';
import { resolveEnvironment } from '../config/environment';
import { validateEnvironment } from '../config/validation';
import { CHECK_BUDGET_IN_SECONDS } from '../hook-lambda/config';
import { DEFAULT_CHECK_BUDGET_IN_SECONDS, HOOK_CONFIG_LIMITS } from '../hook-lambda/resolve-config';
import { CHECK_BUDGET_RANGE_IN_SECONDS, HOOK_REPORT_MARGIN_IN_SECONDS, LAMBDA_MAX_TIMEOUT_IN_SECONDS } from '../config/timeouts';

const root = join(__dirname, '..');
const rules = OPTIONS as unknown as Record<string, OptionRule>;

/** A value written as TypeScript, the way the docs quote defaults: `'app'`, `['0.0.0.0/0']`, `{ backend: 'local' }`. */
function typescript(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(typescript).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k}: ${typescript(v)}`).join(', ')} }`;
  }
  return String(value);
}

interface DocRow {
  readonly defaultCell: string;
  readonly allowedCell: string;
}

/** The option rows of docs/configuration.md, keyed `section.field` (`field` alone under "Top level"). */
function documentedRows(): Map<string, DocRow> {
  const rows = new Map<string, DocRow>();
  let section: string | undefined;
  let columns: string[] | undefined;
  for (const line of readFileSync(join(root, 'docs', 'configuration.md'), 'utf8').split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      section = heading[1] === 'Top level' ? '' : heading[1]!.trim();
      columns = undefined;
      continue;
    }
    if (!line.startsWith('|') || section === undefined) {
      columns = undefined;
      continue;
    }
    // Split on unescaped pipes (`\|` appears inside cells).
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (columns === undefined) {
      columns = cells;
      continue;
    }
    const field = /^`([\w.]+)`$/.exec(cells[0] ?? '');
    const d = columns.indexOf('Default');
    const a = columns.indexOf('Allowed');
    if (!field || d < 0 || a < 0) continue;
    rows.set(section ? `${section}.${field[1]}` : field[1]!, { defaultCell: cells[d]!, allowedCell: cells[a]! });
  }
  return rows;
}

describe('docs/configuration.md agrees with config/options.ts', () => {
  const rows = documentedRows();

  test('the reference documents the options (sanity check of the parser)', () => {
    expect(rows.size).toBeGreaterThan(40);
    expect(rows.get('service.desiredCount')).toEqual({ defaultCell: '`2`', allowedCell: expect.stringMatching(/^0-1000/) });
  });

  test.each(Object.keys(OPTIONS))('%s: documented default and range', (path) => {
    const rule = rules[path]!;
    const prefix = /^(.*)\.prefixLength$/.exec(path);
    if (prefix) {
      expect(rows.get(prefix[1]!)?.allowedCell).toContain(`/${rule.min} to /${rule.max}`);
      return;
    }
    const row = rows.get(path);
    if (row === undefined) {
      // A sub-option described inside its parent's row, e.g. deployment.trafficRouting's percentage.
      const parent = rows.get(path.slice(0, path.lastIndexOf('.')));
      expect([path, parent?.allowedCell]).toEqual([path, expect.stringContaining(`${path.slice(path.lastIndexOf('.') + 1)}: ${rule.min}-${rule.max}`)]);
      return;
    }
    if (rule.documentedDefault !== undefined) expect([path, row.defaultCell]).toEqual([path, rule.documentedDefault]);
    else if (rule.default !== undefined) expect([path, row.defaultCell]).toEqual([path, `\`${typescript(rule.default)}\``]);
    if (rule.min !== undefined) {
      const range = /^(\d+)-(\d+)/.exec(row.allowedCell);
      if (range) expect([path, Number(range[1]), Number(range[2])]).toEqual([path, rule.min, rule.max]);
      else expect([path, row.allowedCell]).toEqual([path, expect.stringMatching(new RegExp(`\\b${rule.min}\\b[^]*\\b${rule.max}\\b`))]);
    }
  });
});

/** `@default` values and `(min-max)` ranges the JSDoc of config/environment.ts and config/security-config.ts gives, keyed like OPTIONS. */
function jsdocFacts(): Map<string, { defaultText?: string; range?: [number, number] }> {
  const sections: Record<string, string> = {
    EnvironmentConfig: '',
    NewVpcConfig: 'network',
    ExistingVpcConfig: 'network',
    ServiceConfig: 'service',
    StackServiceConfig: 'service',
    ServiceRoutingConfig: 'service.routing',
    QuotasConfig: 'quotas',
    LoadBalancerConfig: 'loadBalancer',
    TargetHealthCheckConfig: 'loadBalancer.healthCheck',
    TestListenerConfig: 'testListener',
    DeploymentConfig: 'deployment',
    LinearConfigurationConfig: 'deployment.linearConfiguration',
    CanaryConfigurationConfig: 'deployment.canaryConfiguration',
    AlarmsConfig: 'alarms',
    HookSettings: 'hook',
    FlowLogsConfig: 'network.flowLogs',
    AccessLogsConfig: 'loadBalancer.accessLogs',
    EncryptionConfig: 'encryption',
    LinuxCapabilitiesConfig: 'service.capabilities',
  };
  const text = ['environment.ts', 'security-config.ts'].map((file) => readFileSync(join(root, 'config', file), 'utf8')).join('\n');
  const facts = new Map<string, { defaultText?: string; range?: [number, number] }>();
  for (const block of text.split(/^export interface /m).slice(1)) {
    const name = /^(\w+)/.exec(block)![1]!;
    if (!(name in sections)) continue;
    for (const m of block.matchAll(/\/\*\*((?:(?!\*\/)[^])*)\*\/\s*readonly (\w+)\??:/g)) {
      const doc = m[1]!.replace(/^\s*\* ?/gm, '');
      const def = /@default (.+)/.exec(doc)?.[1]?.trim();
      const range = /\((\d+)-(\d+)[,;)]/.exec(doc);
      const key = sections[name] ? `${sections[name]}.${m[2]}` : m[2]!;
      facts.set(key, { defaultText: def, range: range ? [Number(range[1]), Number(range[2])] : undefined });
    }
  }
  return facts;
}

describe('the JSDoc of config/environment.ts agrees with config/options.ts', () => {
  const facts = jsdocFacts();

  test('finds the documented properties (sanity check of the parser)', () => {
    expect(facts.get('service.desiredCount')).toEqual({ defaultText: '2', range: [0, 1000] });
  });

  test.each(Object.keys(OPTIONS).filter((p) => facts.has(p)))('%s', (path) => {
    const rule = rules[path]!;
    const fact = facts.get(path)!;
    if (rule.default !== undefined && !fact.defaultText?.startsWith('-')) {
      // The literal may be followed by an explanation: `@default 240 ({@link …})`.
      expect([path, fact.defaultText?.split(' (')[0]]).toEqual([path, typescript(rule.default)]);
    }
    if (fact.range && rule.min !== undefined) expect([path, fact.range]).toEqual([path, [rule.min, rule.max]]);
  });
});

describe('resolveEnvironment and validateEnvironment use the table', () => {
  const minimal = { name: 'x', region: 'eu-west-1', service: { image: { external: 'nginx' } } };
  // Options of ECS-native services (`appliesTo: 'ecs'`) are checked on one.
  const nativeMinimal = { ...minimal, service: { ...minimal.service, controller: 'ecs', routing: { hosts: ['x.example.com'] } } };
  const baseFor = (rule: OptionRule) => (rule.appliesTo === 'ecs' ? nativeMinimal : minimal);

  test('every default of the table is what resolveEnvironment fills in', () => {
    const resolved = (config: unknown) => resolveEnvironment(config as never) as unknown as Record<string, unknown> & { services: Record<string, unknown>[] };
    // No hosts here (a valid native service needs a condition, its defaults are checked without one).
    const envs = { plain: resolved(minimal), native: resolved({ ...minimal, service: { ...minimal.service, controller: 'ecs' } }) };
    // A service's options are on each resolved service: `service.cpu` is services[0].cpu; an
    // ECS-native service's routing options are on its `native.route`.
    const at = (path: string, rule: OptionRule): unknown => {
      const env = rule.appliesTo === 'ecs' ? envs.native : envs.plain;
      const service = path.startsWith('service.');
      const rest = service ? path.slice('service.'.length).replace(/^routing\./, rule.appliesTo === 'ecs' ? 'native.route.' : 'routing.') : path;
      return rest.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], service ? env.services[0] : env);
    };
    for (const [path, rule] of Object.entries(rules)) {
      if (rule.default === undefined || path === 'network.privateSubnetIds') continue;
      expect([path, at(path, rule)]).toEqual([path, rule.default]);
    }
  });

  test.each(Object.entries(rules).filter(([p, r]) => r.min !== undefined && !p.includes('trafficRouting') && !p.endsWith('prefixLength') && p !== 'alarms.periodInSeconds'))(
    '%s: one past each end of the range is refused, each end accepted',
    (path, rule) => {
      const withValue = (value: number): Record<string, unknown> => {
        const config = JSON.parse(JSON.stringify({ ...baseFor(rule), network: { mode: 'new', natGatewayCount: 1, availabilityZoneCount: 6 } }));
        const keys = path.split('.');
        let target = config;
        for (const k of keys.slice(0, -1)) target = target[k] ??= {};
        target[keys[keys.length - 1]!] = value;
        return config;
      };
      const problemsAbout = (value: number) => validateEnvironment(withValue(value) as never).filter((m) => m.startsWith(`${path} `));
      // Ports clash with the other listener's default at some values; only this option's own range matters.
      const rangeProblems = (value: number) => problemsAbout(value).filter((m) => m.includes('must be an integer from') || m.includes('must be a number from'));
      expect(rangeProblems(rule.min!)).toEqual([]);
      expect(rangeProblems(rule.max!)).toEqual([]);
      // `received` where the hook's own parser checks the option (hook.requiredConsecutivePasses);
      // a decimal option (`step`) names its step.
      const allowed = rule.step === undefined ? `an integer from ${rule.min} to ${rule.max}` : `a number from ${rule.min} to ${rule.max} in steps of ${rule.step}`;
      const refused = (value: number) => expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')} must be ${allowed}, (got|received) ${value}$`));
      expect(rangeProblems(rule.min! - 1)).toEqual([refused(rule.min! - 1)]);
      expect(rangeProblems(rule.max! + 1)).toEqual([refused(rule.max! + 1)]);
    },
  );
});

describe("the hook's check budget has one source", () => {
  test("the hook's default and maximum are CHECK_BUDGET_IN_SECONDS", () => {
    expect(DEFAULT_CHECK_BUDGET_IN_SECONDS).toBe(CHECK_BUDGET_IN_SECONDS.default);
    expect(HOOK_CONFIG_LIMITS.maxCheckBudgetInSeconds).toBe(CHECK_BUDGET_IN_SECONDS.max);
    expect(OPTIONS['hook.checkBudgetInSeconds'].default).toBe(CHECK_BUDGET_IN_SECONDS.default);
  });

  test("the stack's maximum leaves the report margin within Lambda's 900 s", () => {
    expect(LAMBDA_MAX_TIMEOUT_IN_SECONDS).toBe(CHECK_BUDGET_IN_SECONDS.max);
    expect(CHECK_BUDGET_RANGE_IN_SECONDS.max + HOOK_REPORT_MARGIN_IN_SECONDS).toBe(LAMBDA_MAX_TIMEOUT_IN_SECONDS);
    expect(OPTIONS['hook.checkBudgetInSeconds'].max).toBe(CHECK_BUDGET_RANGE_IN_SECONDS.max);
  });
});

describe('the environments docs/configuration.md shows', () => {
  /** `export const <name>: EnvironmentConfig = {…};` blocks of the page's TypeScript examples, evaluated. */
  function documentedEnvironments(): Record<string, unknown> {
    const text = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    const blocks = [...text.matchAll(/```ts\n([^]*?)```/g)].map((m) => m[1]!);
    const found: Record<string, unknown> = {};
    for (const block of blocks) {
      for (const m of block.matchAll(/export const (\w+): EnvironmentConfig = (\{[^]*?\n\});/g)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { transformSync } = require('esbuild') as typeof import('esbuild');
        const js = transformSync(`module.exports = ${m[2]};`, { loader: 'ts', format: 'cjs' }).code;
        const module = { exports: {} as unknown };
        new Function('module', 'process', js)(module, { env: {} });
        found[m[1]!] = module.exports;
      }
    }
    return found;
  }

  test('are valid as written (so adding one exactly as shown works)', () => {
    const environments = documentedEnvironments();
    expect(Object.keys(environments)).toEqual(expect.arrayContaining(['staging', 'shop']));
    for (const [name, env] of Object.entries(environments)) expect([name, validateEnvironment(env as never)]).toEqual([name, []]);
  });
});
