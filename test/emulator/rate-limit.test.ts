import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  // A frozen clock puts every request in the same emulated second until the test advances it.
  h = await startHarness({ rateLimitPerSecond: 25, clock: { frozen: true } });
});
after(() => h?.stop());

describe('rate limit', () => {
  test('the 26th request within one emulated second is a 429 rate_limit, the next second is admitted', async () => {
    const stripe = h.stripe();
    for (let i = 0; i < 25; i++) await stripe.customers.list({ limit: 1 });
    const error = await stripeError(() => stripe.customers.list({ limit: 1 }));
    assert.equal(error.statusCode, 429);
    assert.equal(error.type, 'StripeRateLimitError');
    assert.equal(error.code, 'rate_limit');
    assert.match(error.message, /^Request rate limit exceeded\./);
    h.emulator.clock.advanceMs(1000);
    assert.equal((await stripe.customers.list({ limit: 1 })).object, 'list');
  });

  test('a burst of concurrent requests is cut at 25 per second', async () => {
    const stripe = h.stripe();
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => stripe.customers.create({})));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 25);
    assert.equal((await stripeError(() => stripe.customers.list())).statusCode, 429, 'request 41 in the same second');
    h.emulator.clock.advanceMs(1000);
    assert.equal((await stripe.customers.list({ limit: 100 })).data.length, 25);
  });

  test('each account has its own allowance', async () => {
    const a = h.stripe();
    const b = h.stripe();
    for (let i = 0; i < 25; i++) await a.customers.list({ limit: 1 });
    assert.equal((await stripeError(() => a.customers.list())).statusCode, 429);
    assert.equal((await b.customers.list()).object, 'list');
  });

  test('the control API switches the limit off and sets it again', async () => {
    const stripe = h.stripe();
    const off = await h.raw('POST', '/_emulator/rate_limit', { body: 'per_second=off' });
    assert.deepEqual(off.body, { object: 'emulator.rate_limit', per_second: false });
    for (let i = 0; i < 40; i++) await stripe.customers.list({ limit: 1 });
    const five = await h.raw('POST', '/_emulator/rate_limit', {
      body: JSON.stringify({ per_second: 5 }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(five.body.per_second, 5);
    h.emulator.clock.advanceMs(1000);
    for (let i = 0; i < 5; i++) await stripe.customers.list({ limit: 1 });
    assert.equal((await stripeError(() => stripe.customers.list())).statusCode, 429);
    await h.raw('POST', '/_emulator/rate_limit', { body: 'per_second=25' });
  });
});
