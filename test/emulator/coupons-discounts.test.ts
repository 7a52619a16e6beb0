import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

describe('coupons and customer discounts', () => {
  test('a coupon is created and retrieved in the SDK shape', async () => {
    const stripe = h.stripe();
    const coupon: Stripe.Coupon = await stripe.coupons.create({ id: 'TENOFF', percent_off: 10, duration: 'repeating', duration_in_months: 3, name: 'Ten off' });
    assert.equal(coupon.id, 'TENOFF');
    assert.equal(coupon.object, 'coupon');
    assert.equal(coupon.percent_off, 10);
    assert.equal(coupon.amount_off, null);
    assert.equal(coupon.duration, 'repeating');
    assert.equal(coupon.duration_in_months, 3);
    assert.equal(coupon.valid, true);
    assert.equal(coupon.times_redeemed, 0);
    assert.deepEqual(await stripe.coupons.retrieve('TENOFF'), coupon);
    const events = await stripe.events.list({ type: 'coupon.created' });
    assert.equal(events.data.length, 1);
  });

  test('a coupon needs percent_off or amount_off with currency, and a taken id is refused', async () => {
    const stripe = h.stripe();
    assert.equal((await stripeError(() => stripe.coupons.create({ duration: 'once' }))).param, 'percent_off');
    assert.equal((await stripeError(() => stripe.coupons.create({ amount_off: 500 }))).param, 'currency');
    await stripe.coupons.create({ id: 'X', amount_off: 500, currency: 'usd' });
    const taken = await stripeError(() => stripe.coupons.create({ id: 'X', percent_off: 5 }));
    assert.equal(taken.code, 'resource_already_exists');
  });

  test('a customer created with a coupon has a discount in today\'s shape, and can expand the coupon', async () => {
    const stripe = h.stripe();
    await stripe.coupons.create({ id: 'FIVE', amount_off: 500, currency: 'usd', duration: 'forever' });
    const c = await stripe.customers.create({ email: 'd@example.com', coupon: 'FIVE' } as Stripe.CustomerCreateParams);
    const discount = c.discount!;
    assert.match(discount.id, /^di_/);
    assert.equal(discount.object, 'discount');
    assert.equal(discount.customer, c.id);
    assert.deepEqual(discount.source, { coupon: 'FIVE', type: 'coupon' });
    assert.equal(discount.start, c.created);
    assert.equal(discount.end, null);
    const expanded = await stripe.customers.retrieve(c.id, { expand: ['discount.source.coupon'] }) as Stripe.Customer;
    assert.equal((expanded.discount!.source.coupon as Stripe.Coupon).amount_off, 500);
    assert.equal((await stripe.coupons.retrieve('FIVE')).times_redeemed, 1);
    const plain = await stripe.customers.create({});
    const noDiscount = await stripe.customers.retrieve(plain.id, { expand: ['discount.source.coupon'] }) as Stripe.Customer;
    assert.equal(noDiscount.discount, null, 'expanding under a null discount leaves it null');
  });

  test('a customer list expands each discount\'s coupon with data.discount.source.coupon, and leaves a null discount null', async () => {
    const stripe = h.stripe();
    await stripe.coupons.create({ id: 'LISTQ', name: 'Quarter', percent_off: 25, duration: 'repeating', duration_in_months: 3 });
    await stripe.customers.create({ email: 'l1@example.com', coupon: 'LISTQ' } as Stripe.CustomerCreateParams);
    await stripe.customers.create({ email: 'l2@example.com' });
    const page = await stripe.customers.list({ limit: 2, expand: ['data.discount.source.coupon'] });
    const [plain, discounted] = page.data;
    assert.equal(plain!.discount, null);
    const coupon = discounted!.discount!.source.coupon as Stripe.Coupon;
    assert.equal(coupon.object, 'coupon');
    assert.deepEqual([coupon.id, coupon.name, coupon.duration, coupon.percent_off], ['LISTQ', 'Quarter', 'repeating', 25]);
    const unexpanded = await stripe.customers.list({ limit: 2 });
    assert.equal(unexpanded.data[1]!.discount!.source.coupon, 'LISTQ', 'without expand[] the list gives the id');
    const wrong = await stripeError(() => stripe.customers.list({ limit: 2, expand: ['data.discount.source.nothing'] }));
    assert.equal(wrong.statusCode, 400);
  });

  test('coupons list newest first', async () => {
    const stripe = h.stripe();
    await stripe.coupons.create({ id: 'A1', percent_off: 1 });
    await stripe.coupons.create({ id: 'B2', percent_off: 2 });
    const list = await stripe.coupons.list();
    assert.deepEqual(list.data.map((c) => c.id), ['B2', 'A1']);
    assert.equal(list.url, '/v1/coupons');
  });

  test('a repeating coupon\'s discount ends after its months; an update can add and remove it', async () => {
    const stripe = h.stripe();
    await stripe.coupons.create({ id: 'R3', percent_off: 20, duration: 'repeating', duration_in_months: 3 });
    const c = await stripe.customers.create({});
    const withDiscount = await stripe.customers.update(c.id, { coupon: 'R3' } as Stripe.CustomerUpdateParams);
    const start = withDiscount.discount!.start;
    const expectedEnd = new Date(start * 1000);
    expectedEnd.setUTCMonth(expectedEnd.getUTCMonth() + 3);
    assert.equal(withDiscount.discount!.end, Math.floor(expectedEnd.getTime() / 1000));
    const removed = await stripe.customers.deleteDiscount(c.id);
    assert.equal(removed.deleted, true);
    assert.equal((await stripe.customers.retrieve(c.id) as Stripe.Customer).discount, null);
    const types = (await stripe.events.list()).data.map((e) => e.type);
    assert.ok(types.includes('customer.discount.created') && types.includes('customer.discount.deleted'));
  });

  test('an unknown coupon on a customer is resource_missing naming coupon, and nothing is created', async () => {
    const stripe = h.stripe();
    const error = await stripeError(() => stripe.customers.create({ coupon: 'NOPE' } as Stripe.CustomerCreateParams));
    assert.equal(error.statusCode, 404);
    assert.equal(error.param, 'coupon');
    assert.equal(error.message, "No such coupon: 'NOPE'");
    assert.equal((await stripe.customers.list()).data.length, 0);
  });

  test('a coupon at its max_redemptions is no longer valid for a new customer', async () => {
    const stripe = h.stripe();
    await stripe.coupons.create({ id: 'ONE', percent_off: 50, max_redemptions: 1 });
    await stripe.customers.create({ coupon: 'ONE' } as Stripe.CustomerCreateParams);
    const error = await stripeError(() => stripe.customers.create({ coupon: 'ONE' } as Stripe.CustomerCreateParams));
    assert.equal(error.statusCode, 400);
    assert.equal(error.param, 'coupon');
    assert.equal((await stripe.coupons.retrieve('ONE')).valid, false);
  });
});

describe('balance', () => {
  test('a new account\'s balance is zero in USD, available and pending', async () => {
    const balance: Stripe.Balance = await h.stripe().balance.retrieve();
    assert.equal(balance.object, 'balance');
    assert.equal(balance.livemode, false);
    assert.deepEqual(balance.available.map((b) => [b.amount, b.currency]), [[0, 'usd']]);
    assert.deepEqual(balance.pending.map((b) => [b.amount, b.currency]), [[0, 'usd']]);
  });

  test('a read-only key may retrieve the balance', async () => {
    const key = h.newKey();
    assert.equal((await h.stripe(key.replace('sk_', 'rk_')).balance.retrieve()).object, 'balance');
  });
});
