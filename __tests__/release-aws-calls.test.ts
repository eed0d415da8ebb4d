/**
 * The release's one retry policy and the one module every CodeDeploy call goes through
 * (release/aws-calls.ts), and the AWS error classifier it shares with the hook.
 */
import { classifyAwsError } from '../hook-lambda/aws-errors';
import { CallInterrupted, DeadlineReached, HardExit, ReleaseAbort } from '../release/abort';
import { CALL_TIME_LIMITS, codeDeployClientSettings, CodeDeployCalls, decideRetry, MAX_THROTTLE_RETRIES, timeLimitsHelp } from '../release/aws-calls';
import { RELEASE_PROGRAM } from '../release/flags';
import { helpText } from '../scripts/cli';

const policy = { idempotent: true, minIntervalInMs: 1000, maxIntervalInMs: 10000 };
const error = (name: string, status?: number) => classifyAwsError(Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) }));

describe('decideRetry', () => {
  test('throttling backs off from the fastest interval, doubling, with equal jitter, capped at 4x the slowest', () => {
    const steps = [0, 1, 2, 3, 4, 5].map((n) => decideRetry(error('ThrottlingException', 400), { throttles: n, transient: 0 }, policy, 0.5));
    expect(steps.map((s) => (s.kind === 'retry' ? s.delayInMs : s.kind))).toEqual([1500, 3000, 6000, 12000, 24000, 30000]);
    expect(steps[0]).toEqual({ kind: 'retry', reason: 'throttling', tally: { throttles: 1, transient: 0 }, delayInMs: 1500 });
  });

  test(`gives up after ${MAX_THROTTLE_RETRIES} throttling answers in a row`, () => {
    expect(decideRetry(error('ThrottlingException'), { throttles: MAX_THROTTLE_RETRIES, transient: 0 }, policy, 0)).toEqual({ kind: 'give-up' });
  });

  test('retries 5xx and network errors within the time budget, and only for calls safe to repeat', () => {
    const refused = classifyAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }));
    expect(decideRetry(refused, { throttles: 0, transient: 0 }, policy, 0)).toEqual({ kind: 'retry', reason: 'transient', tally: { throttles: 0, transient: 1 }, delayInMs: 1000 });
    // The wait and the next attempt must fit in what is left of the budget.
    const budget = CALL_TIME_LIMITS.networkRetryBudgetInMs;
    const room = budget - CALL_TIME_LIMITS.attemptTimeoutInMs - 1000;
    expect(decideRetry(error('InternalFailure', 500), { throttles: 0, transient: 0 }, { ...policy, elapsedInMs: room }, 0).kind).toBe('retry');
    expect(decideRetry(error('InternalFailure', 500), { throttles: 0, transient: 0 }, { ...policy, elapsedInMs: room + 1 }, 0)).toEqual({ kind: 'give-up' });
    expect(decideRetry(error('InternalFailure', 500), { throttles: 0, transient: 0 }, { ...policy, idempotent: false }, 0)).toEqual({ kind: 'give-up' });
    // A throttled request was not executed: retried even when not idempotent.
    expect(decideRetry(error('ThrottlingException'), { throttles: 0, transient: 0 }, { ...policy, idempotent: false }, 0).kind).toBe('retry');
  });

  test('before CodeDeploy has answered once, a network error is not retried (a mistyped endpoint fails at once)', () => {
    const refused = classifyAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }));
    expect(decideRetry(refused, { throttles: 0, transient: 0 }, { ...policy, contacted: false }, 0)).toEqual({ kind: 'give-up' });
    expect(decideRetry(error('ThrottlingException', 400), { throttles: 0, transient: 0 }, { ...policy, contacted: false }, 0).kind).toBe('retry');
  });

  test('the client bounds every request and leaves retrying to the one policy; help states the budget', () => {
    expect(codeDeployClientSettings()).toEqual({
      maxAttempts: 1,
      requestHandler: { connectionTimeout: CALL_TIME_LIMITS.connectionTimeoutInMs, requestTimeout: CALL_TIME_LIMITS.attemptTimeoutInMs, socketTimeout: CALL_TIME_LIMITS.attemptTimeoutInMs, throwOnRequestTimeout: true },
    });
    const help = helpText(RELEASE_PROGRAM);
    expect(help).toContain(`retried for at most ${CALL_TIME_LIMITS.networkRetryBudgetInMs / 1000} s per call`);
    expect(help).toContain(`connection ${CALL_TIME_LIMITS.connectionTimeoutInMs / 1000} s, complete answer ${CALL_TIME_LIMITS.attemptTimeoutInMs / 1000} s`);
    for (const line of timeLimitsHelp().split('\n')) {
      expect(help).toContain(line);
      expect(line.length).toBeLessThanOrEqual(100);
    }
  });

  test('access denied, missing names and other client errors are never retried', () => {
    for (const name of ['AccessDeniedException', 'DeploymentGroupDoesNotExistException', 'InvalidDeploymentIdException']) {
      expect(decideRetry(error(name, 400), { throttles: 0, transient: 0 }, policy, 0)).toEqual({ kind: 'give-up' });
    }
  });
});

describe('classifyAwsError (shared by the hook and the release)', () => {
  test('keeps the HTTP status of the answer, and none when no answer arrived', () => {
    expect(error('AccessDeniedException', 400)).toEqual({ kind: 'access-denied', code: 'AccessDeniedException', message: 'AccessDeniedException happened', httpStatusCode: 400 });
    expect(classifyAwsError(new Error('socket hang up'))).toEqual({ kind: 'other', code: 'Error', message: 'socket hang up' });
  });

  test('an event or deployment that already ended is its own kind', () => {
    expect(error('LifecycleEventAlreadyCompletedException', 400).kind).toBe('already-completed');
    expect(error('DeploymentAlreadyCompletedException', 400).kind).toBe('already-completed');
  });
});

describe('CodeDeployCalls', () => {
  function calls(answers: Array<() => unknown>, guard: <T>(p: Promise<T>) => Promise<T> = (p) => p) {
    const sent: Array<{ command: unknown; options: unknown }> = [];
    const lines: string[] = [];
    const pauses: number[] = [];
    const c = new CodeDeployCalls({
      sender: {
        send: async (command, options) => {
          sent.push({ command, options });
          return answers.shift()!();
        },
      },
      region: 'eu-west-1',
      minIntervalInMs: 1000,
      maxIntervalInMs: 10000,
      random: () => 0.5,
      pause: async (ms) => void pauses.push(ms),
      guard,
      notify: (k, t) => void lines.push(`${k} ${t}`),
    });
    return { c, sent, lines, pauses };
  }
  const fail = (name: string, status: number) => () => {
    throw Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
  };

  test('every request is sent with the options built in one place', async () => {
    const h = calls([() => ({ deploymentInfo: { status: 'Succeeded' } })]);
    await expect(h.c.call('GetDeployment', { input: { deploymentId: 'd-1' } })).resolves.toEqual({ deploymentInfo: { status: 'Succeeded' } });
    expect(h.sent).toEqual([{ command: { input: { deploymentId: 'd-1' } }, options: { abortSignal: expect.any(AbortSignal), requestTimeout: CALL_TIME_LIMITS.attemptTimeoutInMs } }]);
  });

  test('a throttled call is retried after the policy\'s delay and says so', async () => {
    const h = calls([fail('ThrottlingException', 400), () => undefined]);
    await expect(h.c.call('GetDeployment', { input: {} })).resolves.toEqual({});
    expect(h.pauses).toEqual([1500]);
    expect(h.lines).toEqual(['throttled GetDeployment ThrottlingException; retrying in 1.5 s']);
  });

  test('a 5xx is not retried for a call that is not safe to repeat, and becomes an AWS error (exit 5)', async () => {
    const h = calls([fail('InternalFailure', 500)]);
    const err = await h.c.call('CreateDeployment', { input: {} }, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReleaseAbort);
    expect(err).toMatchObject({ outcome: { kind: 'aws-error' }, code: 'InternalFailure' });
  });

  test('a missing deployment group is an input error (exit 2) naming the region', async () => {
    const h = calls([fail('DeploymentGroupDoesNotExistException', 400)]);
    const err = (await h.c.call('GetDeploymentGroup', { input: {} }).catch((e: unknown) => e)) as ReleaseAbort;
    expect(err.outcome).toEqual({ kind: 'invalid-input' });
    expect(err.message).toContain('--region eu-west-1');
  });

  test('callOnce hands the classified error back; the second signal still unwinds', async () => {
    const h = calls([fail('DeploymentAlreadyCompletedException', 400)]);
    await expect(h.c.callOnce('StopDeployment', { input: {} })).resolves.toEqual({
      ok: false,
      error: { kind: 'already-completed', code: 'DeploymentAlreadyCompletedException', message: 'DeploymentAlreadyCompletedException happened', httpStatusCode: 400 },
    });
    const hard = calls([() => undefined], () => Promise.reject(new HardExit()));
    await expect(hard.c.callOnce('GetDeployment', { input: {} })).rejects.toBeInstanceOf(HardExit);
  });

  describe('a call that never answers', () => {
    function hanging(interrupt: AbortController) {
      const sent: string[] = [];
      const c = new CodeDeployCalls({
        sender: { send: (command) => (sent.push(String((command as { name?: string }).name)), new Promise(() => undefined)) },
        region: 'eu-west-1',
        minIntervalInMs: 1000,
        maxIntervalInMs: 10000,
        random: () => 0.5,
        pause: async () => undefined,
        guard: (p) => p,
        notify: () => undefined,
        interruption: () => ({ count: interrupt.signal.aborted ? 1 : 0, signal: interrupt.signal }),
      });
      return { c, sent };
    }

    test('a read is cut short by the first signal', async () => {
      const interrupt = new AbortController();
      const { c } = hanging(interrupt);
      const read = c.call('GetDeployment', { input: {} });
      setTimeout(() => interrupt.abort(), 20);
      await expect(read).rejects.toBeInstanceOf(CallInterrupted);
    });

    test('a read is cut short by the deadline, a write is not (it ends at its attempt timeout instead)', async () => {
      const { c } = hanging(new AbortController());
      c.setDeadline(Date.now() + 50);
      const started = Date.now();
      await expect(c.call('GetDeployment', { input: {} })).rejects.toBeInstanceOf(DeadlineReached);
      expect(Date.now() - started).toBeLessThan(2000);
      const write = c.callOnce('CreateDeployment', { input: {} });
      const early = await Promise.race([write.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still running'), 200))]);
      expect(early).toBe('still running');
    });
  });
});
