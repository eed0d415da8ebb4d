import { HOOK_ENV, HookConfig, toHookEnvironment } from '../hook-lambda/config';
import {
  HookConfigError,
  loadHookConfig,
  parseExpectedStatus,
  parseHookEnvironment,
  resolveHookConfig,
  statusMatches,
  validateHookConfig,
} from '../hook-lambda/resolve-config';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof HookConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a HookConfigError');
}

describe('parseExpectedStatus', () => {
  test('accepts a code, a list, a range and a mixed string', () => {
    expect([200, [200, 204], '200-299', '200, 301-302'].map((v) => parseExpectedStatus(v, 'f'))).toEqual([
      { ranges: [{ from: 200, to: 200 }], text: '200' },
      {
        ranges: [
          { from: 200, to: 200 },
          { from: 204, to: 204 },
        ],
        text: '200,204',
      },
      { ranges: [{ from: 200, to: 299 }], text: '200-299' },
      {
        ranges: [
          { from: 200, to: 200 },
          { from: 301, to: 302 },
        ],
        text: '200,301-302',
      },
    ]);
  });

  test('rejects codes outside 100-599, reversed ranges, empty lists and other types, naming the field', () => {
    for (const bad of [99, 600, 200.5, '299-200', '2xx', [], [200, 'x'], null, true]) {
      expect(parseExpectedStatus(bad, 'checks[0].expectedStatus')).toEqual({
        problem: `checks[0].expectedStatus must be a status code 100-599, a non-empty list of codes, or a string such as "200-299" or "200,204", received ${JSON.stringify(bad)}`,
      });
    }
  });
});

describe('statusMatches', () => {
  test('matches inclusive range bounds only', () => {
    const ranges = [{ from: 200, to: 299 }];
    expect([199, 200, 250, 299, 300].map((s) => statusMatches(s, ranges))).toEqual([false, true, true, true, false]);
  });
});

describe('resolveHookConfig', () => {
  test('applies the defaults: GET / expecting 200 with a 3 s timeout, 2 passes, 240 s', () => {
    expect(resolveHookConfig({ testBaseUrl: 'http://green.example.com:8080' })).toEqual({
      testBaseUrl: 'http://green.example.com:8080/',
      checks: [
        {
          index: 0,
          name: 'GET /',
          path: '/',
          url: 'http://green.example.com:8080/',
          expectedStatus: [{ from: 200, to: 200 }],
          expectedStatusText: '200',
          headers: {},
          timeoutInMs: 3000,
        },
      ],
      requiredConsecutivePasses: 2,
      checkBudgetInSeconds: 240,
    });
  });

  test('appends check paths to a base URL that has a path', () => {
    const config = resolveHookConfig({ testBaseUrl: 'https://green.example.com/app/', checks: [{ path: '/health?deep=1' }] });
    expect(config.checks.map((c) => c.url)).toEqual(['https://green.example.com/app/health?deep=1']);
  });

  test('keeps every configured check field', () => {
    const config = resolveHookConfig({
      testBaseUrl: 'http://g:8080',
      checks: [{ path: '/h', expectedStatus: [200, 204], bodyContains: 'ok', headers: { Host: 'app.example.com' }, timeoutInMs: 500 }],
      requiredConsecutivePasses: 3,
      checkBudgetInSeconds: 60,
    });
    expect(config.checks[0]).toEqual({
      index: 0,
      name: 'GET /h',
      path: '/h',
      url: 'http://g:8080/h',
      expectedStatus: [
        { from: 200, to: 200 },
        { from: 204, to: 204 },
      ],
      expectedStatusText: '200,204',
      bodyContains: 'ok',
      headers: { Host: 'app.example.com' },
      timeoutInMs: 500,
    });
    expect([config.requiredConsecutivePasses, config.checkBudgetInSeconds]).toEqual([3, 60]);
  });

  test('does not change the caller object', () => {
    const input: HookConfig = { testBaseUrl: 'http://g', checks: [{ path: '/x' }] };
    const copy = JSON.parse(JSON.stringify(input));
    resolveHookConfig(input);
    expect(input).toEqual(copy);
  });

  test('lists every problem, naming the field and the received value', () => {
    expect(
      problemsOf(() =>
        resolveHookConfig({
          testBaseUrl: 'ftp://g',
          checks: [{ path: 'health', timeoutInMs: 0, headers: { 'Bad Name': 'x' } }],
          requiredConsecutivePasses: 0,
          checkBudgetInSeconds: 901,
        }),
      ),
    ).toEqual([
      'testBaseUrl must be an absolute http:// or https:// URL without query or fragment, received "ftp://g"',
      'checks[0].path must be a string starting with "/" and without spaces, received "health"',
      'checks[0].headers has an invalid header name "Bad Name"',
      'checks[0].timeoutInMs must be an integer from 1 to 60000, received 0',
      'requiredConsecutivePasses must be an integer from 1 to 20, received 0',
      'checkBudgetInSeconds must be a number greater than 0 and at most 900, received 901',
    ]);
  });

  test('rejects unknown fields, an empty check list and a header value with a line break', () => {
    expect(validateHookConfig({ testBaseUrl: 'http://g', checks: [] })).toEqual(['checks must be a list of 1 to 20 checks, received []']);
    expect(validateHookConfig({ testBaseUrl: 'http://g', checks: [{ path: '/', status: 200 } as never] })).toEqual([
      'checks[0].status is not a known field (allowed: path, expectedStatus, bodyContains, headers, timeoutInMs)',
    ]);
    expect(validateHookConfig({ testBaseUrl: 'http://g', checks: [{ headers: { X: 'a\r\nb' } }] })).toEqual([
      'checks[0].headers.X must be a string without line breaks, received "a\\r\\nb"',
    ]);
  });

  test('rejects a header value Node cannot send (outside Latin-1, or a control character), instead of failing every attempt', () => {
    expect(validateHookConfig({ testBaseUrl: 'http://g', checks: [{ headers: { X: '日本', Y: 'a\u0007', Z: 'ü\tok' } }] })).toEqual([
      'checks[0].headers.X must hold only visible ASCII or Latin-1 characters, spaces and tabs (RFC 9110 field-value), received "日本"',
      'checks[0].headers.Y must hold only visible ASCII or Latin-1 characters, spaces and tabs (RFC 9110 field-value), received "a\\u0007"',
    ]);
  });
});

describe('parseHookEnvironment', () => {
  test('reads back what toHookEnvironment wrote', () => {
    const config: HookConfig = {
      testBaseUrl: 'http://alb-1.eu-west-1.elb.amazonaws.com:8080',
      checks: [{ path: '/health', expectedStatus: '200-299', bodyContains: 'ok', headers: { Host: 'a.example.com' }, timeoutInMs: 2000 }],
      requiredConsecutivePasses: 3,
      checkBudgetInSeconds: 120,
    };
    expect(parseHookEnvironment(toHookEnvironment(config))).toEqual(config);
  });

  test('leaves unset optional variables out so defaults apply', () => {
    expect(parseHookEnvironment({ [HOOK_ENV.testBaseUrl]: 'http://g', [HOOK_ENV.checks]: '' })).toEqual({ testBaseUrl: 'http://g' });
  });

  test('names the variable that cannot be parsed', () => {
    expect(
      problemsOf(() =>
        parseHookEnvironment({ [HOOK_ENV.checks]: '[{', [HOOK_ENV.requiredConsecutivePasses]: 'two', [HOOK_ENV.checkBudgetInSeconds]: '60' }),
      ),
    ).toEqual([
      'HOOK_TEST_BASE_URL (testBaseUrl) must be set to the test listener\'s URL, e.g. http://my-alb.example.com:8080',
      expect.stringMatching(/^HOOK_CHECKS \(checks\) must be a JSON list of checks, received "\[\{" \(.+\)$/),
      'HOOK_REQUIRED_CONSECUTIVE_PASSES (requiredConsecutivePasses) must be a number, received "two"',
    ]);
  });

  test('loadHookConfig validates what it parsed', () => {
    expect(problemsOf(() => loadHookConfig({ [HOOK_ENV.testBaseUrl]: 'http://g', [HOOK_ENV.checks]: '{"path":"/"}' }))).toEqual([
      'checks must be a list of 1 to 20 checks, received {"path":"/"}',
    ]);
  });
});
