// The in-process seams the webhook delivery and fault injection parts build on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StripeApiError } from '../../src/emulator/wire/errors.js';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

describe('request interceptors', () => {
  test('an interceptor can answer a chosen request with an error and headers, before it runs', async () => {
    const stripe = h.stripe();
    const remove = h.emulator.state.addInterceptor(({ method, path }) =>
      method === 'POST' && path === '/v1/customers'
        ? { error: new StripeApiError(500, { type: 'api_error', message: 'Injected.' }, { 'Stripe-Should-Retry': 'false' }) }
        : undefined,
    );
    try {
      const error = await stripeError(() => stripe.customers.create({}));
      assert.equal(error.statusCode, 500);
      assert.equal(error.type, 'StripeAPIError');
      assert.equal(error.headers?.['stripe-should-retry'], 'false');
      assert.equal((await stripe.customers.list()).data.length, 0, 'the create never ran; reads pass');
    } finally {
      remove();
    }
    assert.equal((await stripe.customers.create({})).object, 'customer');
  });

  test('an interceptor can delay a request by real milliseconds', async () => {
    const stripe = h.stripe();
    const remove = h.emulator.state.addInterceptor(() => ({ delayMs: 150 }));
    try {
      const t0 = performance.now();
      await stripe.balance.retrieve();
      assert.ok(performance.now() - t0 >= 140, 'answered after the delay');
    } finally {
      remove();
    }
  });
});
