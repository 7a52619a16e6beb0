// The per-call view of a connection's Stripe client (src/action-calls/request-id.ts), against the
// emulator on port 0 through the real SDK: it notes the request id of what each call settles
// with, hands the SDK's own promise back, and leaves the process's stack-trace limit as it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { observeRequestIds, type CallRecord } from '../../src/action-calls/request-id.js';

describe("an action call's view of the Stripe client", () => {
  let emulator: RunningEmulator;
  let stripe: Stripe;
  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    stripe = createStripeClient({ apiKey: 'sk_test_requestIdView000000001', apiBase: emulator.url, requestsPerSecond: false });
  });
  after(() => emulator?.stop());

  test("records the request id of the call's last answer, success or Stripe error", async () => {
    const record: CallRecord = { stripeRequestId: undefined };
    const view = observeRequestIds(stripe, record);
    const created = await view.customers.create({ email: 'view@example.com' });
    assert.equal(record.stripeRequestId, created.lastResponse.requestId);
    assert.match(record.stripeRequestId ?? '', /^req_/);
    const failure = await view.customers.retrieve('cus_doesnotexist').then(
      () => assert.fail('an unknown customer should be refused'),
      (error: unknown) => error as Stripe.errors.StripeError,
    );
    assert.equal(record.stripeRequestId, failure.requestId);
    assert.notEqual(failure.requestId, created.lastResponse.requestId);
  });

  test('two views of one client keep their own request ids', async () => {
    const first: CallRecord = { stripeRequestId: undefined };
    const second: CallRecord = { stripeRequestId: undefined };
    const [a, b] = await Promise.all([
      observeRequestIds(stripe, first).customers.create({ email: 'a@example.com' }),
      observeRequestIds(stripe, second).customers.create({ email: 'b@example.com' }),
    ]);
    assert.equal(first.stripeRequestId, a.lastResponse.requestId);
    assert.equal(second.stripeRequestId, b.lastResponse.requestId);
  });

  test("a list call's promise keeps the SDK's auto-pagination, and the stack-trace limit is restored", async () => {
    const limit = Error.stackTraceLimit;
    const listing = observeRequestIds(stripe, { stripeRequestId: undefined }).customers.list({ limit: 1 });
    assert.equal(Error.stackTraceLimit, limit);
    assert.equal(typeof listing.autoPagingToArray, 'function');
    const all = await listing.autoPagingToArray({ limit: 100 });
    assert.ok(all.length >= 3);
  });
});
