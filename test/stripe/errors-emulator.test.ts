// Error mapping from the emulator's real answers (it answers as Stripe does), through the
// connector's own client: what a user sees when Stripe refuses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { toConnectorError } from '../../src/stripe/errors.js';
import type { ConnectorError } from '../../src/errors.js';

const newSecret = () => `sk_test_errors${randomUUID().replaceAll('-', '')}`;

async function failure(call: () => Promise<unknown>, subject?: { what: string; id: string }): Promise<ConnectorError> {
  try {
    await call();
  } catch (error) {
    return toConnectorError(error, subject);
  }
  return assert.fail('expected the call to fail');
}

describe('Stripe errors from the emulator', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
  });
  after(() => emulator?.stop());

  const client = (apiKey: string) => createStripeClient({ apiKey, apiBase: emulator.url, requestsPerSecond: false, retryPolicy: { initialDelayMs: 5, maxDelayMs: 20 } });

  test('a live key the emulator refuses (401) is 400 invalid_api_key, and the key is not echoed', async () => {
    const apiKey = 'sk_live_refusedByEmulator777';
    const error = await failure(() => client(apiKey).customers.list());
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_api_key');
    assert.ok(!JSON.stringify(error.toBody()).includes('777'));
  });

  test('a restricted key writing (403) is 400 invalid_api_key', async () => {
    const secret = newSecret();
    await client(secret).customers.list();
    const error = await failure(() => client(secret.replace(/^sk_/, 'rk_')).customers.create({}));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_api_key');
  });

  test('an unknown customer is 404 not_found naming the id', async () => {
    const error = await failure(() => client(newSecret()).customers.retrieve('cus_nobodyHere'), { what: 'customer', id: 'cus_nobodyHere' });
    assert.equal(error.status, 404);
    assert.equal(error.message, 'No customer with id "cus_nobodyHere"');
  });

  test('an invalid parameter is 400 invalid_input naming it', async () => {
    const error = await failure(() => client(newSecret()).coupons.create({ duration: 'once' }));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_input');
    assert.ok(Array.isArray(error.details));
  });

  test("the emulator's own 429s are retried, and a rate that never clears is a 502 with the request id", async () => {
    const limited = await startEmulator({ port: 0, rateLimitPerSecond: 1 });
    try {
      const stripe = createStripeClient({ apiKey: newSecret(), apiBase: limited.url, requestsPerSecond: false, retryPolicy: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 5 } });
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => stripe.customers.list()));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.ok(failed.length > 0, 'four requests within milliseconds at 1/s must see a 429 twice');
      const error = toConnectorError(failed[0]!.reason);
      assert.equal(error.status, 502);
      assert.equal(error.code, 'stripe_error');
      assert.match(error.message, /HTTP 429.*req_/);
    } finally {
      await limited.stop();
    }
  });
});
