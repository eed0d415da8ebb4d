import { nextPollDelay, PollState } from '../release/poll';

const NOW = Date.parse('2026-11-26T03:00:00Z');
const state = (over: Partial<PollState> = {}): PollState => ({
  nowInMs: NOW,
  lastChangeAtInMs: NOW,
  consecutiveThrottles: 0,
  minIntervalInMs: 1000,
  maxIntervalInMs: 10000,
  random: 0.5,
  ...over,
});

describe('nextPollDelay', () => {
  test('polls at the fastest interval while something changed in the last 10 s', () => {
    expect(nextPollDelay(state())).toBe(1000);
    expect(nextPollDelay(state({ lastChangeAtInMs: NOW - 9999 }))).toBe(1000);
  });

  test('backs off linearly when nothing changes, never beyond the slowest interval', () => {
    expect(nextPollDelay(state({ lastChangeAtInMs: NOW - 20000 }))).toBe(3000);
    expect(nextPollDelay(state({ lastChangeAtInMs: NOW - 40000 }))).toBe(7000);
    expect(nextPollDelay(state({ lastChangeAtInMs: NOW - 600000 }))).toBe(10000);
  });

  test('wakes up in time for an expected change and polls fast just after it', () => {
    const quiet = { lastChangeAtInMs: NOW - 600000 };
    expect(nextPollDelay(state({ ...quiet, expectedChangeAtInMs: NOW + 4000 }))).toBe(4000);
    expect(nextPollDelay(state({ ...quiet, expectedChangeAtInMs: NOW + 200 }))).toBe(1000);
    expect(nextPollDelay(state({ ...quiet, expectedChangeAtInMs: NOW - 5000 }))).toBe(1000);
    // Long after an expectation that never came true, back to the slow rhythm.
    expect(nextPollDelay(state({ ...quiet, expectedChangeAtInMs: NOW - 60000 }))).toBe(10000);
    expect(nextPollDelay(state({ ...quiet, expectedChangeAtInMs: NOW + 60000 }))).toBe(10000);
  });

  test('throttling backs off exponentially with equal jitter, capped at four times the slowest interval', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => nextPollDelay(state({ consecutiveThrottles: n, random: 0 })));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 20000, 20000]);
    expect(nextPollDelay(state({ consecutiveThrottles: 3, random: 0.999999 }))).toBe(8000);
    expect(nextPollDelay(state({ consecutiveThrottles: 20, random: 1 }))).toBe(40000);
  });

  test('throttling never makes a poll sooner than the quiet back-off', () => {
    expect(nextPollDelay(state({ consecutiveThrottles: 1, random: 0, lastChangeAtInMs: NOW - 600000 }))).toBe(10000);
  });

  test('honours small intervals for tests and local stand-ins', () => {
    expect(nextPollDelay(state({ minIntervalInMs: 20, maxIntervalInMs: 100 }))).toBe(20);
    expect(nextPollDelay(state({ minIntervalInMs: 20, maxIntervalInMs: 100, lastChangeAtInMs: NOW - 600000 }))).toBe(100);
  });
});
