/** The check loop on a fake clock: deterministic attempts, delays and per-request timeouts. */
import { AttemptRecord, runChecks } from '../hook-lambda/checks';
import { HttpGetError, HttpGetRequest, HttpGetResponse } from '../hook-lambda/http-get';
import { resolveHookConfig } from '../hook-lambda/resolve-config';

type Step = { status: number; body?: string } | { error: string } | { hangs: true };

/** A virtual clock, and an httpGet that plays `steps` per URL, each taking `latencyInMs`. */
function fakeWorld(stepsByPath: Record<string, Step[]>, latencyInMs = 10) {
  let t = 0;
  const sleeps: number[] = [];
  const requests: HttpGetRequest[] = [];
  const attempts: AttemptRecord[] = [];
  const calls: Record<string, number> = {};
  const deps = {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    onAttempt: (r: AttemptRecord) => attempts.push(r),
    httpGet: async (req: HttpGetRequest): Promise<HttpGetResponse> => {
      requests.push(req);
      const path = new URL(req.url).pathname;
      const steps = stepsByPath[path];
      const i = calls[path] ?? 0;
      calls[path] = i + 1;
      const step = steps[Math.min(i, steps.length - 1)];
      if ('hangs' in step) {
        t += req.timeoutInMs;
        throw new HttpGetError('TIMEOUT', `timed out after ${req.timeoutInMs} ms waiting for the response`);
      }
      t += latencyInMs;
      if ('error' in step) throw new HttpGetError('ECONNREFUSED', step.error);
      return { status: step.status, body: step.body ?? '', bodyTruncated: false };
    },
  };
  return { deps, sleeps, requests, attempts };
}

const config = (paths: string[], extra: { requiredConsecutivePasses?: number; timeoutInMs?: number } = {}) =>
  resolveHookConfig({
    testBaseUrl: 'http://green:8080',
    checks: paths.map((path) => ({ path, ...(extra.timeoutInMs ? { timeoutInMs: extra.timeoutInMs } : {}) })),
    ...(extra.requiredConsecutivePasses ? { requiredConsecutivePasses: extra.requiredConsecutivePasses } : {}),
  });

describe('runChecks', () => {
  test('retries with backoff until two passes in a row, then stops', async () => {
    const w = fakeWorld({ '/h': [{ status: 503 }, { status: 503 }, { status: 200 }, { status: 200 }, { status: 500 }] });
    const outcomes = await runChecks(config(['/h']), { deadline: 60_000 }, w.deps);
    expect(outcomes).toEqual([{ check: { index: 0, name: 'GET /h', url: 'http://green:8080/h' }, attempts: 4, consecutivePasses: 2 }]);
    // 250 ms and 500 ms after the failures, then the pass interval before the confirming pass.
    expect(w.sleeps).toEqual([250, 500, 500]);
    expect(w.attempts.map((a) => [a.attempt, a.status, a.pass, a.consecutivePasses])).toEqual([
      [1, 503, false, 0],
      [2, 503, false, 0],
      [3, 200, true, 1],
      [4, 200, true, 2],
    ]);
  });

  test('a failure between passes starts the count again', async () => {
    const w = fakeWorld({ '/h': [{ status: 200 }, { status: 500 }, { status: 200 }, { status: 200 }] });
    const [outcome] = await runChecks(config(['/h']), { deadline: 60_000 }, w.deps);
    expect([outcome.attempts, outcome.consecutivePasses]).toEqual([4, 2]);
    expect(w.sleeps).toEqual([500, 250, 500]);
  });

  test('stops when the next backoff would pass the deadline and keeps the last failure', async () => {
    const w = fakeWorld({ '/h': [{ status: 503 }] });
    const outcomes = await runChecks(config(['/h']), { deadline: 3000 }, w.deps);
    // Attempts at 0, 260, 770, 1780 ms; the 2 s backoff after the fourth would end past 3000 ms.
    expect(outcomes).toEqual([
      { check: { index: 0, name: 'GET /h', url: 'http://green:8080/h' }, attempts: 4, consecutivePasses: 0, lastFailure: 'status 503 (expected 200)' },
    ]);
    expect(w.sleeps).toEqual([250, 500, 1000]);
  });

  test('cuts the request timeout to the time left in the budget', async () => {
    const w = fakeWorld({ '/h': [{ hangs: true }] });
    const [outcome] = await runChecks(config(['/h'], { timeoutInMs: 3000 }), { deadline: 4000 }, w.deps);
    expect(w.requests.map((r) => r.timeoutInMs)).toEqual([3000, 750]);
    // The reported failure is the attempt that had the check's whole timeout, not the one the budget cut.
    expect(outcome).toMatchObject({ attempts: 2, consecutivePasses: 0, lastFailure: 'timed out after 3000 ms waiting for the response' });
    expect(w.attempts.map((a) => a.error)).toEqual(['timed out after 3000 ms waiting for the response', 'timed out after 750 ms waiting for the response']);
  });

  test('a last attempt the budget cut short does not hide the failure before it (a redirect, a wrong status)', async () => {
    // A 301 at 0 ms, then the backoff; the second attempt starts with 240 ms of budget left and hangs.
    const w = fakeWorld({ '/h': [{ status: 301 }, { hangs: true }] });
    const [outcome] = await runChecks(config(['/h'], { timeoutInMs: 2000 }), { deadline: 500 }, w.deps);
    expect(w.requests.map((r) => r.timeoutInMs)).toEqual([500, 240]);
    expect(outcome).toMatchObject({ attempts: 2, consecutivePasses: 0, lastFailure: 'status 301 (expected 200); redirect not followed' });
  });

  test('an attempt the budget cut short is reported when it is the only failure, and a full-timeout one always', async () => {
    const onlyCut = fakeWorld({ '/h': [{ hangs: true }] });
    const [cut] = await runChecks(config(['/h'], { timeoutInMs: 2000 }), { deadline: 300 }, onlyCut.deps);
    expect(cut).toMatchObject({ attempts: 1, lastFailure: 'timed out after 300 ms waiting for the response' });
    // A later failure that had its whole timeout replaces an earlier one, as any failure does.
    const full = fakeWorld({ '/h': [{ status: 301 }, { hangs: true }] });
    const [outcome] = await runChecks(config(['/h'], { timeoutInMs: 200 }), { deadline: 5000 }, full.deps);
    expect(outcome!.lastFailure).toBe('timed out after 200 ms waiting for the response');
  });

  test('makes no attempt when the deadline has already passed', async () => {
    const w = fakeWorld({ '/h': [{ status: 200 }] });
    expect(await runChecks(config(['/h']), { deadline: 0 }, w.deps)).toEqual([
      { check: { index: 0, name: 'GET /h', url: 'http://green:8080/h' }, attempts: 0, consecutivePasses: 0 },
    ]);
  });

  test('runs every check with its own count and returns them in configured order', async () => {
    const w = fakeWorld({ '/a': [{ status: 200 }], '/b': [{ error: 'connect ECONNREFUSED' }, { status: 200 }] });
    const outcomes = await runChecks(config(['/a', '/b'], { requiredConsecutivePasses: 3 }), { deadline: 60_000 }, w.deps);
    expect(outcomes.map((o) => [o.check.name, o.attempts, o.consecutivePasses])).toEqual([
      ['GET /a', 3, 3],
      ['GET /b', 4, 3],
    ]);
    expect(w.attempts.find((a) => a.check === 'GET /b')).toMatchObject({ pass: false, error: 'connect ECONNREFUSED' });
  });
});
