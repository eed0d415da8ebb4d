import {
  classifyReportError,
  computeTimeBudget,
  decideHookStatus,
  DEFAULT_CHECK_RETRY_POLICY,
  evaluateResponse,
  nextDelayInMs,
} from '../hook-lambda/policy';
import { resolveHookConfig } from '../hook-lambda/resolve-config';

const [check] = resolveHookConfig({ testBaseUrl: 'http://green:8080', checks: [{ path: '/health' }] }).checks;
const [bodyCheck] = resolveHookConfig({
  testBaseUrl: 'http://green:8080',
  checks: [{ path: '/health', expectedStatus: '200-299', bodyContains: 'ok' }],
}).checks;

describe('nextDelayInMs', () => {
  test('doubles from the initial delay and stops at the cap', () => {
    const policy = DEFAULT_CHECK_RETRY_POLICY.failureBackoff;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => nextDelayInMs(n, policy))).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
  });

  test('treats attempt numbers below 1 as the first attempt', () => {
    expect(nextDelayInMs(0, { initialDelayInMs: 100, multiplier: 3, maxDelayInMs: 1000 })).toEqual(100);
  });
});

describe('computeTimeBudget', () => {
  test('a 5-minute Lambda checks for the configured 240 s and keeps 10 s for the report', () => {
    expect(computeTimeBudget(300_000, 240)).toEqual({ checkBudgetInMs: 240_000, reportReserveInMs: 10_000, reportDeadlineInMs: 299_000 });
  });

  test('the Lambda remaining time wins over a larger check budget', () => {
    expect(computeTimeBudget(60_000, 240)).toEqual({ checkBudgetInMs: 50_000, reportReserveInMs: 10_000, reportDeadlineInMs: 59_000 });
  });

  test('keeps at least 1 s for the report when little time is left', () => {
    expect(computeTimeBudget(3000, 240)).toEqual({ checkBudgetInMs: 2000, reportReserveInMs: 1000, reportDeadlineInMs: 2850 });
  });

  test('leaves no time for checks when less than the report reserve remains', () => {
    expect(computeTimeBudget(800, 240)).toEqual({ checkBudgetInMs: 0, reportReserveInMs: 800, reportDeadlineInMs: 750 });
  });

  test('never returns negative times', () => {
    expect(computeTimeBudget(-5, 240)).toEqual({ checkBudgetInMs: 0, reportReserveInMs: 0, reportDeadlineInMs: 0 });
  });
});

describe('evaluateResponse', () => {
  test('passes the expected status', () => {
    expect(evaluateResponse(check, { status: 200, body: '' })).toEqual({ pass: true });
  });

  test('fails another status and says what was expected', () => {
    expect(evaluateResponse(check, { status: 503 })).toEqual({ pass: false, reason: 'status 503 (expected 200)' });
  });

  test('fails a redirect and says it was not followed', () => {
    expect(evaluateResponse(check, { status: 302, location: 'https://login' })).toEqual({
      pass: false,
      reason: 'status 302 (expected 200); redirect to https://login not followed',
    });
  });

  test('passes any status of an expected range when the body contains the text', () => {
    expect(evaluateResponse(bodyCheck, { status: 204, body: 'all ok' })).toEqual({ pass: true });
  });

  test('fails a body without the expected text', () => {
    expect(evaluateResponse(bodyCheck, { status: 200, body: 'degraded' })).toEqual({ pass: false, reason: 'body does not contain "ok"' });
  });

  test('fails when no response arrived and passes the error on', () => {
    expect(evaluateResponse(check, { error: 'connect ECONNREFUSED 10.0.0.1:8080' })).toEqual({
      pass: false,
      reason: 'connect ECONNREFUSED 10.0.0.1:8080',
    });
  });
});

describe('decideHookStatus', () => {
  const health = { index: 0, name: 'GET /health', url: 'http://green:8080/health' };
  const ready = { index: 1, name: 'GET /ready', url: 'http://green:8080/ready' };
  const policy = { requiredConsecutivePasses: 2, checkBudgetInMs: 30_000 };

  test('Succeeded when every check passed the required times in a row', () => {
    expect(
      decideHookStatus(
        [
          { check: health, attempts: 2, consecutivePasses: 2 },
          { check: ready, attempts: 4, consecutivePasses: 2 },
        ],
        policy,
      ),
    ).toEqual({ status: 'Succeeded', reason: 'all 2 checks passed 2 times in a row (GET /health in 2 attempts, GET /ready in 4 attempts)' });
  });

  test('Failed naming only the check that did not pass, with its last failure', () => {
    expect(
      decideHookStatus(
        [
          { check: health, attempts: 2, consecutivePasses: 2 },
          { check: ready, attempts: 7, consecutivePasses: 0, lastFailure: 'status 503 (expected 200)' },
        ],
        policy,
      ),
    ).toEqual({
      status: 'Failed',
      reason: 'GET /ready: did not pass 2 times in a row within the 30.0 s check budget (7 attempts, last: status 503 (expected 200))',
    });
  });

  test('Failed when a check passed once but the budget ran out before the second pass', () => {
    expect(decideHookStatus([{ check: health, attempts: 3, consecutivePasses: 1 }], policy)).toEqual({
      status: 'Failed',
      reason: 'GET /health: did not pass 2 times in a row within the 30.0 s check budget (3 attempts, 1 pass in a row at the end)',
    });
  });

  test('Failed when there was no time to attempt a check', () => {
    expect(decideHookStatus([{ check: health, attempts: 0, consecutivePasses: 0 }], { requiredConsecutivePasses: 1, checkBudgetInMs: 0 })).toEqual({
      status: 'Failed',
      reason: 'GET /health: not attempted, no time left in the 0.0 s check budget',
    });
  });

  test('Failed when there are no outcomes at all', () => {
    expect(decideHookStatus([], policy)).toEqual({ status: 'Failed', reason: 'no checks were run' });
  });
});

describe('classifyReportError', () => {
  const withStatus = (name: string, httpStatusCode?: number) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode } });

  test('LifecycleEventAlreadyCompleted means done', () => {
    expect(classifyReportError(withStatus('LifecycleEventAlreadyCompletedException', 400))).toEqual('already-completed');
  });

  test('throttling, 5xx, 429 and errors without a response are transient', () => {
    expect(
      [
        withStatus('ThrottlingException', 400),
        withStatus('InternalFailure', 500),
        withStatus('SomethingElse', 503),
        withStatus('SomethingElse', 429),
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        Object.assign(new Error('aborted'), { name: 'AbortError' }),
        new Error('socket closed'),
      ].map(classifyReportError),
    ).toEqual(['transient', 'transient', 'transient', 'transient', 'transient', 'transient', 'transient']);
  });

  test('other client errors are permanent', () => {
    expect(
      [withStatus('AccessDeniedException', 400), withStatus('InvalidLifecycleEventHookExecutionIdException', 400), withStatus('DeploymentDoesNotExistException', 400)].map(
        classifyReportError,
      ),
    ).toEqual(['permanent', 'permanent', 'permanent']);
  });
});
