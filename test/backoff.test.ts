import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialDelayMs } from '../src/backoff.js';

describe('exponential backoff', () => {
  test('the first delay follows the first failure and doubles with each further one', () => {
    const delays = [1, 2, 3, 4].map((failures) => exponentialDelayMs({ failures, firstDelayMs: 5_000, maxDelayMs: 600_000 }));
    assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000]);
  });

  test('no delay passes the ceiling, however many failures', () => {
    for (const failures of [8, 9, 50, 1_000_000]) {
      assert.equal(exponentialDelayMs({ failures, firstDelayMs: 5_000, maxDelayMs: 600_000 }), 600_000);
    }
  });

  test('a failure count far past any ceiling still gives a finite delay', () => {
    const delay = exponentialDelayMs({ failures: 10_000, firstDelayMs: 1, maxDelayMs: Number.MAX_SAFE_INTEGER });
    assert.ok(Number.isFinite(delay), String(delay));
  });
});
