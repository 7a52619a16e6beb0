// The coupon cache behind webhook-mode customerAdded (src/trigger-sources/coupon-cache.ts) and the
// reader that fills it from the connection's Stripe account (related-objects.ts), the latter
// against the emulator with real customer.created events.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type Stripe from 'stripe';
import { CouponCache, DEFAULT_COUPON_TTL_MS } from '../../src/trigger-sources/coupon-cache.js';
import { RelatedObjectReader } from '../../src/trigger-sources/related-objects.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { createLogger } from '../../src/log.js';
import { customerAdded } from '../../src/connector/triggers/customer-added.js';
import { countEmulatorRequests } from '../support/emulator-request-count.js';

const coupon = (id: string, name: string) => ({ id, name, object: 'coupon', duration: 'forever', percent_off: 10, amount_off: null }) as unknown as Stripe.Coupon;

describe('the coupon cache', () => {
  test('a coupon is read once, and again once its 5 minutes are over (a renamed coupon shows its new name)', async () => {
    let nowMs = 0;
    const cache = new CouponCache({ nowMs: () => nowMs });
    let name = 'Old name';
    let reads = 0;
    const read = async () => (reads++, coupon('C1', name));
    assert.equal((await cache.get('conn_a', 'C1', read))?.name, 'Old name');
    name = 'New name';
    nowMs += DEFAULT_COUPON_TTL_MS - 1;
    assert.equal((await cache.get('conn_a', 'C1', read))?.name, 'Old name');
    assert.equal(reads, 1);
    nowMs += 1;
    assert.equal((await cache.get('conn_a', 'C1', read))?.name, 'New name');
    assert.equal(reads, 2);
  });

  test('the same coupon id on another connection is another coupon', async () => {
    const cache = new CouponCache();
    await cache.get('conn_a', 'SAME', async () => coupon('SAME', 'of account A'));
    assert.equal((await cache.get('conn_b', 'SAME', async () => coupon('SAME', 'of account B')))?.name, 'of account B');
    assert.equal((await cache.get('conn_a', 'SAME', async () => coupon('SAME', 'read again')))?.name, 'of account A');
  });

  test('it holds at most maxEntries, dropping the least recently used', async () => {
    const cache = new CouponCache({ maxEntries: 2 });
    await cache.get('conn_a', 'A', async () => coupon('A', 'a'));
    await cache.get('conn_a', 'B', async () => coupon('B', 'b'));
    await cache.get('conn_a', 'A', async () => coupon('A', 'not read: cached'));
    await cache.get('conn_a', 'C', async () => coupon('C', 'c'));
    assert.equal(cache.size, 2);
    assert.equal((await cache.get('conn_a', 'A', async () => coupon('A', 'read again')))?.name, 'a', 'A was used last, so it stayed');
    assert.equal((await cache.get('conn_a', 'B', async () => coupon('B', 'read again')))?.name, 'read again', 'B went');
  });

  test('askers meanwhile share one read; a failed read is not remembered; a missing coupon is', async () => {
    const cache = new CouponCache();
    let reads = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      reads++;
      await gate;
      return coupon('S', 'slow');
    };
    const both = Promise.all([cache.get('conn_a', 'S', slow), cache.get('conn_a', 'S', slow)]);
    release();
    assert.deepEqual((await both).map((c) => c?.name), ['slow', 'slow']);
    assert.equal(reads, 1);

    await assert.rejects(cache.get('conn_a', 'F', async () => Promise.reject(new Error('Stripe is down'))));
    assert.equal((await cache.get('conn_a', 'F', async () => coupon('F', 'read after the failure')))?.name, 'read after the failure');

    assert.equal(await cache.get('conn_a', 'GONE', async () => undefined), undefined);
    assert.equal(await cache.get('conn_a', 'GONE', async () => coupon('GONE', 'not read: remembered as missing')), undefined);
  });
});

describe('reading the coupons a customer.created event needs', () => {
  let emulator: RunningEmulator;
  let n = 0;
  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
  });
  after(() => emulator?.stop());

  async function account() {
    const apiKey = `sk_test_cache${process.pid}x${++n}`;
    return { apiKey, stripe: createStripeClient({ apiKey, apiBase: emulator.url, requestsPerSecond: false, retryPolicy: { maxRetries: 0 } }) };
  }
  const createdEvents = async (stripe: Stripe) => (await stripe.events.list({ type: 'customer.created' })).data;

  test('a coupon Stripe will not give is left out and logged, the customer still mapped; it is read again next time', async () => {
    const { apiKey, stripe } = await account();
    await stripe.coupons.create({ id: 'Q25', name: 'Quarter', percent_off: 25, duration: 'once' });
    await stripe.customers.create({ coupon: 'Q25' } as Stripe.CustomerCreateParams);
    let logged = '';
    const logger = createLogger({ level: 'warn', destination: new Writable({ write: (chunk: Buffer, _e, done) => ((logged += chunk.toString()), done()) }) });
    const reader = new RelatedObjectReader({ stripeFor: async () => stripe, logger });
    const failing = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'kind=error&next=1&path_prefix=/v1/coupons',
    });
    assert.equal(failing.status, 200);

    const [event] = await createdEvents(stripe);
    const related = await reader.forEvent('conn_x', event!);
    assert.deepEqual(related, { coupons: new Map() });
    const mapped = customerAdded.map(event!.data.object as Stripe.Customer, related);
    assert.deepEqual(mapped.discount?.coupon, { id: 'Q25', name: null, duration: null, percent_off: null, amount_off: null });
    assert.match(logged, /coupon could not be read/);
    assert.match(logged, /"coupon":"Q25"/);
    assert.doesNotMatch(logged, /sk_test_/);
    assert.equal((await reader.forEvent('conn_x', event!))?.coupons.get('Q25')?.name, 'Quarter');
  });

  test('events without a coupon, or of no trigger, cost no read', async () => {
    const { apiKey, stripe } = await account();
    await stripe.customers.create({ email: 'plain@example.com' });
    await stripe.coupons.create({ id: 'UNUSED', percent_off: 5 });
    const reads = await countEmulatorRequests(emulator.url, apiKey, '/v1/coupons');
    const reader = new RelatedObjectReader({ stripeFor: async () => stripe });
    const all = (await stripe.events.list()).data;
    assert.equal(await reader.forEvents('conn_y', all), undefined);
    assert.equal(await reads(), 0);
  });
});
