import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createThrottle } from '../../src/action-calls/throttle.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { closeAll } from '../support/cleanup.js';
import { openTestStore } from '../support/store-fixture.js';

test('the throttle lets N calls through in any window and says when the next one may come', async () => {
  const { store, close } = await openTestStore();
  after(close);
  await store.insertInto('connections').values({ ...(await store.selectFrom('connections').selectAll().where('id', '=', 'conn_1').executeTakeFirstOrThrow()), id: 'conn_other' }).execute();
  let now = 1_000_000;
  const throttle = createThrottle(store, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal((await throttle.take('conn_1', 3, 60)).allowed, true);
    now += 10_000;
  }
  // Calls at 0 s, 10 s, 20 s; now is 30 s: the first leaves the window at 60 s.
  assert.deepEqual(await throttle.take('conn_1', 3, 60), { allowed: false, retryAfterSeconds: 30 });
  now += 30_000;
  assert.equal((await throttle.take('conn_1', 3, 60)).allowed, true);
  assert.equal((await throttle.take('conn_1', 3, 60)).allowed, false);
  assert.equal((await throttle.take('conn_other', 3, 60)).allowed, true, 'each connection has its own count');
});

describe('throttling action calls per connection', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  let now = Date.UTC(2026, 10, 26, 6, 0, 0);

  before(async () => {
    stripe = await startStripeStandIn();
    h = await startHarness({
      config: { stripeApiBase: stripe.url, actionRateLimit: 4, actionRateWindowSeconds: 60 },
      services: { actions: testActions, nowMs: () => now },
    });
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  test('beyond the limit a call is a 429 with Retry-After and a message naming the limit, and Stripe is not called', async () => {
    const conn = (await h.request('POST', '/api/connections', { body: { name: 't', apiKey: 'sk_test_throttleKey0000000001' } })).json().id;
    const url = `/api/connections/${conn}/actions/standInCreateCustomer`;
    for (let i = 0; i < 4; i++) assert.equal((await h.request('POST', url, { body: {} })).statusCode, 200);
    const before = stripe.seen.length;
    now += 15_000;
    const res = await h.request('POST', url, { body: {} });
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['retry-after'], '45');
    assert.equal(res.json().error.code, 'rate_limited');
    assert.match(res.json().error.message, /limited to 4 action calls per 60 s/);
    assert.equal(stripe.seen.length, before);
    now += 45_000;
    assert.equal((await h.request('POST', url, { body: {} })).statusCode, 200, 'allowed again once the window has passed');
  });

  test("a connection's own rateLimit replaces the global one", async () => {
    const conn = (await h.request('POST', '/api/connections', { body: { name: 'one', apiKey: 'sk_test_throttleKey0000000002', rateLimit: 1 } })).json().id;
    const url = `/api/connections/${conn}/actions/standInCreateCustomer`;
    assert.equal((await h.request('POST', url, { body: {} })).statusCode, 200);
    const res = await h.request('POST', url, { body: {} });
    assert.equal(res.statusCode, 429);
    assert.match(res.json().error.message, /limited to 1 action calls per 60 s/);
  });
});
