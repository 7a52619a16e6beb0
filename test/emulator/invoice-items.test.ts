import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

describe('invoice items', () => {
  test('an invoice item is created for a customer, retrieved in the SDK shape and emits invoiceitem.created', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({});
    const item: Stripe.InvoiceItem = await stripe.invoiceItems.create({
      customer: c.id,
      amount: 1999,
      currency: 'EUR',
      description: 'Setup fee',
      metadata: { order: '42' },
    });
    assert.match(item.id, /^ii_/);
    assert.equal(item.object, 'invoiceitem');
    assert.equal(item.amount, 1999);
    assert.equal(item.currency, 'eur');
    assert.equal(item.customer, c.id);
    assert.equal(item.date, item.period.start);
    assert.equal(item.discountable, true);
    assert.equal(item.invoice, null);
    assert.equal(item.proration, false);
    assert.equal(item.quantity, 1);
    assert.deepEqual(item.metadata, { order: '42' });
    assert.deepEqual(await stripe.invoiceItems.retrieve(item.id), item);
    const [event] = (await stripe.events.list({ type: 'invoiceitem.created' })).data;
    assert.equal((event!.data.object as Stripe.InvoiceItem).id, item.id);
  });

  test('the customer filter lists only that customer\'s items, newest first', async () => {
    const stripe = h.stripe();
    const a = await stripe.customers.create({});
    const b = await stripe.customers.create({});
    const a1 = await stripe.invoiceItems.create({ customer: a.id, amount: 1, currency: 'usd' });
    await stripe.invoiceItems.create({ customer: b.id, amount: 2, currency: 'usd' });
    const a2 = await stripe.invoiceItems.create({ customer: a.id, amount: 3, currency: 'usd' });
    assert.deepEqual((await stripe.invoiceItems.list({ customer: a.id })).data.map((i) => i.id), [a2.id, a1.id]);
    assert.equal((await stripe.invoiceItems.list()).data.length, 3);
    assert.equal((await stripe.invoiceItems.list({ customer: 'cus_other' })).data.length, 0);
  });

  test('an unknown customer is resource_missing naming customer; a missing currency is parameter_missing', async () => {
    const stripe = h.stripe();
    const unknown = await stripeError(() => stripe.invoiceItems.create({ customer: 'cus_nope', amount: 1, currency: 'usd' }));
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.param, 'customer');
    const c = await stripe.customers.create({});
    const noCurrency = await stripeError(() => stripe.invoiceItems.create({ customer: c.id, amount: 1 }));
    assert.equal(noCurrency.code, 'parameter_missing');
    assert.equal(noCurrency.param, 'currency');
    assert.equal((await stripe.invoiceItems.list()).data.length, 0);
  });

  test('an item priced per unit multiplies by quantity', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({});
    const item = await stripe.invoiceItems.create({ customer: c.id, unit_amount_decimal: '250' as never, quantity: 3, currency: 'usd' });
    assert.equal(item.amount, 750);
    assert.equal(item.quantity, 3);
  });
});
