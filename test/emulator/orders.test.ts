import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import type { LegacyOrder } from '../../src/emulator/resources/orders.js';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

// The SDK has no orders resource any more; rawRequest sends the same wire format.
async function createOrder(stripe: Stripe, params: Record<string, unknown>): Promise<LegacyOrder> {
  return (await stripe.rawRequest('POST', '/v1/orders', params)) as unknown as LegacyOrder;
}

describe('legacy orders (API 2020-08-27)', () => {
  test('an order is created in the 2020-08-27 shape and emits order.created', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({ email: 'buyer@example.com' });
    const order = await createOrder(stripe, {
      currency: 'usd',
      customer: c.id,
      items: [
        { type: 'sku', parent: 'sku_mug', amount: 1500, quantity: 1 },
        { type: 'shipping', amount: 500, description: 'Express' },
      ],
      shipping: { name: 'Ann', address: { line1: '1 Main St', city: 'Oslo' } },
    });
    assert.match(order.id, /^or_/);
    assert.equal(order.object, 'order');
    assert.equal(order.amount, 2000);
    assert.equal(order.email, 'buyer@example.com');
    assert.equal(order.status, 'created');
    assert.equal(order.items.length, 2);
    assert.equal(order.items[0]!.object, 'order_item');
    assert.equal(order.amount_returned, null);
    assert.equal(order.charge, null);
    assert.equal(order.selected_shipping_method, null);
    assert.deepEqual(order.status_transitions, { canceled: null, fulfiled: null, paid: null, returned: null });
    assert.equal(order.updated, order.created);
    const retrieved = await stripe.rawRequest('GET', `/v1/orders/${order.id}`);
    assert.deepEqual(JSON.parse(JSON.stringify(retrieved)), JSON.parse(JSON.stringify(order)));
    const [event] = (await stripe.events.list({ type: 'order.created' })).data;
    assert.equal((event!.data.object as unknown as LegacyOrder).id, order.id);
  });

  test('status moves along the order life cycle with timestamps, and a wrong move is refused', async () => {
    const stripe = h.stripe();
    const order = await createOrder(stripe, { currency: 'usd', items: [{ amount: 100 }] });
    const paid = (await stripe.rawRequest('POST', `/v1/orders/${order.id}`, { status: 'paid' })) as unknown as LegacyOrder;
    assert.equal(paid.status, 'paid');
    assert.equal(typeof paid.status_transitions.paid, 'number');
    const fulfilled = (await stripe.rawRequest('POST', `/v1/orders/${order.id}`, { status: 'fulfilled' })) as unknown as LegacyOrder;
    assert.equal(typeof fulfilled.status_transitions.fulfiled, 'number');
    const error = await stripeError(() => stripe.rawRequest('POST', `/v1/orders/${order.id}`, { status: 'paid' }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'status_transition_invalid');
    assert.equal(error.param, 'status');
  });

  test('orders list newest first and filter by customer and status', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({});
    const a = await createOrder(stripe, { currency: 'usd', customer: c.id });
    const b = await createOrder(stripe, { currency: 'usd' });
    await stripe.rawRequest('POST', `/v1/orders/${b.id}`, { status: 'canceled' });
    const all = (await stripe.rawRequest('GET', '/v1/orders')) as unknown as { data: LegacyOrder[]; url: string };
    assert.deepEqual(all.data.map((o) => o.id), [b.id, a.id]);
    assert.equal(all.url, '/v1/orders');
    const mine = (await stripe.rawRequest('GET', `/v1/orders?customer=${c.id}`)) as unknown as { data: LegacyOrder[] };
    assert.deepEqual(mine.data.map((o) => o.id), [a.id]);
    const canceled = (await stripe.rawRequest('GET', '/v1/orders?status=canceled')) as unknown as { data: LegacyOrder[] };
    assert.deepEqual(canceled.data.map((o) => o.id), [b.id]);
  });

  test('a missing currency is parameter_missing', async () => {
    const error = await stripeError(() => createOrder(h.stripe(), {}));
    assert.equal(error.code, 'parameter_missing');
    assert.equal(error.param, 'currency');
  });

  test('orders switched off for an account answer Stripe\'s 404 for the URL, other accounts unaffected', async () => {
    const key = h.newKey();
    const stripe = h.stripe(key);
    const off = await h.raw('POST', '/_emulator/account/orders', { key, body: 'enabled=false' });
    assert.equal(off.status, 200);
    assert.equal(off.body.orders_enabled, false);
    const response = await h.raw('GET', '/v1/orders', { key });
    assert.equal(response.status, 404);
    assert.equal(
      response.body.error.message,
      'Unrecognized request URL (GET: /v1/orders). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
    );
    const error = await stripeError(() => createOrder(stripe, { currency: 'usd' }));
    assert.equal(error.statusCode, 404);
    assert.equal((await h.raw('GET', '/v1/orders', { key: h.newKey() })).status, 200);
    await h.raw('POST', '/_emulator/account/orders', { key, body: 'enabled=true' });
    assert.equal((await h.raw('GET', '/v1/orders', { key })).status, 200);
  });
});
