import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_BACKOFF, nextAttempt, type NextAttempt } from '../../src/delivery/backoff.js';

const HOUR_MS = 60 * 60 * 1000;
const start = Date.parse('2026-11-26T00:00:00Z');

function delayOf(next: NextAttempt, nowMs: number): number {
  assert.ok('retryAtMs' in next, 'expected a retry');
  return next.retryAtMs - nowMs;
}

/** Every attempt fails: the times of all attempts until the delivery is marked failed. */
function failForever(random: () => number): number[] {
  const times = [start];
  for (;;) {
    const now = times.at(-1)!;
    const next = nextAttempt({ attempts: times.length, firstAttemptAtMs: start, nowMs: now }, random);
    if ('failed' in next) return times;
    times.push(next.retryAtMs);
  }
}

describe('delivery backoff', () => {
  test('without jitter the delay starts at 5 s and doubles', () => {
    const noJitter = () => 0;
    const delays = [1, 2, 3, 4, 5].map((attempts) =>
      delayOf(nextAttempt({ attempts, firstAttemptAtMs: start, nowMs: start }, noJitter), start),
    );
    assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000, 80_000]);
  });

  test('the delay between attempts never exceeds 4 hours', () => {
    const next = nextAttempt({ attempts: 500, firstAttemptAtMs: start, nowMs: start + HOUR_MS }, () => 0);
    assert.equal(delayOf(next, start + HOUR_MS), 4 * HOUR_MS);
  });

  test('jitter takes off at most half of the delay', () => {
    const lowest = nextAttempt({ attempts: 3, firstAttemptAtMs: start, nowMs: start }, () => 0.999_999);
    assert.equal(delayOf(lowest, start), 10_000);
    const middle = nextAttempt({ attempts: 3, firstAttemptAtMs: start, nowMs: start }, () => 0.5);
    assert.equal(delayOf(middle, start), 15_000);
  });

  test('a failure 24 hours after the first attempt marks the delivery failed', () => {
    const almost = nextAttempt({ attempts: 20, firstAttemptAtMs: start, nowMs: start + 24 * HOUR_MS - 1 }, () => 0);
    assert.ok('retryAtMs' in almost);
    assert.deepEqual(nextAttempt({ attempts: 20, firstAttemptAtMs: start, nowMs: start + 24 * HOUR_MS }), { failed: true });
  });

  test('the schedule without jitter: 18 attempts over a little more than 24 hours', () => {
    const times = failForever(() => 0);
    assert.equal(times.length, 18);
    assert.ok(times.at(-1)! - start >= 24 * HOUR_MS);
    assert.ok(times.at(-1)! - start < 28 * HOUR_MS);
  });

  test('whatever the jitter, retries go on for at least 24 hours and stop within 28', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.999_999, noNaN: true }), { minLength: 1, maxLength: 64 }), (draws) => {
        let i = 0;
        const times = failForever(() => draws[i++ % draws.length]!);
        const span = times.at(-1)! - start;
        assert.ok(span >= DEFAULT_BACKOFF.retryForMs, `retried only ${span} ms`);
        assert.ok(span < DEFAULT_BACKOFF.retryForMs + DEFAULT_BACKOFF.maxDelayMs);
        for (let k = 1; k < times.length; k += 1) assert.ok(times[k]! > times[k - 1]!);
      }),
      { numRuns: 200 },
    );
  });

  test('a nonsensical attempt count is refused', () => {
    assert.throws(() => nextAttempt({ attempts: 0, firstAttemptAtMs: start, nowMs: start }), /attempts/);
  });
});
