import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createStripeClient } from '../../src/stripe/client.js';
import { defaultRequestsPerSecond, MAX_ADMISSION_AGE_MS, SlidingWindowLimiter, type Clock } from '../../src/stripe/rate-limiter.js';
import { customerJson, startScriptedStripe } from './scripted-stripe.js';

/** A clock that only moves when a sleeper asks it to: every start time is exact. */
function manualClock(): Clock {
  let nowMs = 0;
  return {
    nowMs: () => nowMs,
    async sleepMs(ms) {
      nowMs += ms;
    },
  };
}

describe('outgoing rate limiter', () => {
  test('Stripe rates by key mode: 25 requests/s for test keys, 100 for live keys', () => {
    assert.equal(defaultRequestsPerSecond('sk_test_abc'), 25);
    assert.equal(defaultRequestsPerSecond('rk_test_abc'), 25);
    assert.equal(defaultRequestsPerSecond('sk_live_abc'), 100);
    assert.equal(defaultRequestsPerSecond('rk_live_abc'), 100);
  });

  test('an admission held back longer than MAX_ADMISSION_AGE_MS (a lagging event loop) is no longer fresh', async () => {
    let nowMs = 0;
    const clock: Clock = { nowMs: () => nowMs, sleepMs: async (ms) => void (nowMs += ms) };
    const limiter = new SlidingWindowLimiter(3, 1000, clock);
    const askedAtMs = await limiter.acquire();
    nowMs += MAX_ADMISSION_AGE_MS;
    assert.equal(limiter.isFresh(askedAtMs), true);
    nowMs += 1;
    assert.equal(limiter.isFresh(askedAtMs), false);
  });

  test('a burst is let through up to the limit, then one window later, never more per window', async () => {
    const clock = manualClock();
    const limiter = new SlidingWindowLimiter(3, 1000, clock);
    const starts: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await limiter.acquire();
      starts.push(clock.nowMs());
    }
    assert.deepEqual(starts, [0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  test('concurrent callers are let through in call order, never more than the limit per window', async () => {
    const limiter = new SlidingWindowLimiter(2, 100);
    const order: number[] = [];
    const startsMs: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        limiter.acquire().then(() => {
          order.push(i);
          startsMs.push(performance.now());
        }),
      ),
    );
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    // The limiter checks the clock when it lets a caller through, so a late timer only widens a
    // gap. The start is recorded in a callback after release, which a loaded machine can delay for
    // an earlier caller more than a later one (81.8 ms seen at load 15), so the bound allows for it:
    // without the limiter all five would start within the same millisecond.
    for (let i = 2; i < startsMs.length; i += 1) {
      const gapMs = (startsMs[i] as number) - (startsMs[i - 2] as number);
      assert.ok(gapMs >= 50, `callers ${i - 2} and ${i} started ${gapMs.toFixed(1)} ms apart`);
    }
  });

  test('a burst of real requests from two clients sharing a key stays under the rate at the server', async () => {
    const server = await startScriptedStripe(() => ({ status: 200, body: customerJson() }));
    after(() => server.stop());
    const apiKey = `sk_test_${randomUUID()}`;
    const clients = [0, 1].map(() => createStripeClient({ apiKey, apiBase: server.url, requestsPerSecond: 5 }));
    const startedMs = performance.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => clients[i % 2]!.customers.retrieve('cus_scripted')));
    const elapsedMs = performance.now() - startedMs;
    assert.equal(server.received.length, 12);
    // 12 requests at 5/s: batches leave at 0 s, 1 s and 2 s after the burst starts. Counting
    // arrivals per second since the start is immune to network and scheduling delay (a late
    // arrival only lowers the early counts); without the limiter all 12 land in the first second.
    const arrivals = server.received.map((r) => Math.round(r.atMs - startedMs));
    assert.ok(arrivals.filter((t) => t < 1000).length <= 5, `arrivals (ms): ${arrivals.join(',')}`);
    assert.ok(arrivals.filter((t) => t < 2000).length <= 10, `arrivals (ms): ${arrivals.join(',')}`);
    // The last batch cannot leave before 2 s (50 ms for timer rounding). The upper bound only has
    // to tell a shared 5/s window from a limiter that over-paces (one a second: 11 s), so it leaves
    // a loaded machine 6 s of slack rather than failing on scheduling delay.
    assert.ok(elapsedMs >= 1950, `12 requests at 5/s finished in ${Math.round(elapsedMs)} ms`);
    assert.ok(elapsedMs < 8000, `took ${Math.round(elapsedMs)} ms`);
  });
});
