import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

describe('customers', () => {
  test('a created customer comes back in the SDK shape with what was sent', async () => {
    const stripe = h.stripe();
    const created: Stripe.Customer = await stripe.customers.create({
      email: 'ann@example.com',
      name: 'Ann',
      description: 'first',
      balance: -250,
      metadata: { plan: 'gold' },
      preferred_locales: ['en', 'fr'],
      address: { line1: '1 Main St', city: 'Oslo', country: 'NO' },
    });
    assert.match(created.id, /^cus_[A-Za-z0-9]{24}$/);
    assert.equal(created.object, 'customer');
    assert.equal(created.email, 'ann@example.com');
    assert.equal(created.balance, -250);
    assert.deepEqual(created.metadata, { plan: 'gold' });
    assert.deepEqual(created.preferred_locales, ['en', 'fr']);
    assert.equal(created.address?.city, 'Oslo');
    assert.equal(created.address?.postal_code, null);
    assert.equal(created.livemode, false);
    assert.equal(created.discount, null);
    assert.equal(created.delinquent, false);
    assert.equal(typeof created.created, 'number');
    const fetched = await stripe.customers.retrieve(created.id);
    assert.deepEqual(fetched, created);
  });

  test('an update changes only the fields sent, and an empty string unsets one', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({ email: 'a@example.com', description: 'keep', metadata: { a: '1', b: '2' } });
    const updated = await stripe.customers.update(c.id, { email: '', metadata: { a: '', c: '3' }, name: 'New' });
    assert.equal(updated.email, null);
    assert.equal(updated.description, 'keep');
    assert.equal(updated.name, 'New');
    assert.deepEqual(updated.metadata, { b: '2', c: '3' });
    const cleared = await stripe.customers.update(c.id, { metadata: '' });
    assert.deepEqual(cleared.metadata, {});
  });

  test('a deleted customer is retrieved in the deleted shape and no longer listed', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({ email: 'gone@example.com' });
    const deleted = await stripe.customers.del(c.id);
    assert.deepEqual(deleted, { id: c.id, object: 'customer', deleted: true });
    assert.deepEqual(await stripe.customers.retrieve(c.id), { id: c.id, object: 'customer', deleted: true });
    const list = await stripe.customers.list();
    assert.equal(list.data.length, 0);
    const error = await stripeError(() => stripe.customers.update(c.id, { name: 'x' }));
    assert.equal(error.statusCode, 404);
  });

  test('an unknown customer is a 404 resource_missing naming the id parameter', async () => {
    const error = await stripeError(() => h.stripe().customers.retrieve('cus_nope'));
    assert.equal(error.statusCode, 404);
    assert.equal(error.type, 'StripeInvalidRequestError');
    assert.equal(error.code, 'resource_missing');
    assert.equal(error.param, 'id');
    assert.equal(error.message, "No such customer: 'cus_nope'");
  });

  test('the email filter lists only exact, case-sensitive matches, newest first', async () => {
    const stripe = h.stripe();
    const a = await stripe.customers.create({ email: 'same@example.com' });
    await stripe.customers.create({ email: 'other@example.com' });
    const b = await stripe.customers.create({ email: 'same@example.com' });
    await stripe.customers.create({ email: 'SAME@example.com' });
    const list = await stripe.customers.list({ email: 'same@example.com' });
    assert.deepEqual(list.data.map((c) => c.id), [b.id, a.id]);
    assert.equal(list.url, '/v1/customers');
    assert.equal(list.has_more, false);
  });

  test('a changed email moves the customer between email filter results', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({ email: 'before@example.com' });
    await stripe.customers.update(c.id, { email: 'after@example.com' });
    assert.equal((await stripe.customers.list({ email: 'before@example.com' })).data.length, 0);
    assert.deepEqual((await stripe.customers.list({ email: 'after@example.com' })).data.map((x) => x.id), [c.id]);
  });

  test('search finds customers by email, name and metadata, combined with AND or OR', async () => {
    const stripe = h.stripe();
    const ann = await stripe.customers.create({ email: 'ann@example.com', name: 'Ann Lee', metadata: { tier: 'gold' } });
    const bob = await stripe.customers.create({ email: 'bob@example.com', name: 'Bob', metadata: { tier: 'gold' } });
    await stripe.customers.create({ email: 'cy@example.com', name: 'Cy', metadata: { tier: 'silver' } });
    const byEmail = await stripe.customers.search({ query: "email:'ann@example.com'" });
    assert.deepEqual(byEmail.data.map((c) => c.id), [ann.id]);
    assert.equal(byEmail.object, 'search_result');
    const byName = await stripe.customers.search({ query: 'name:"bob"' });
    assert.deepEqual(byName.data.map((c) => c.id), [bob.id]);
    const gold = await stripe.customers.search({ query: "metadata['tier']:'gold'" });
    assert.deepEqual(gold.data.map((c) => c.id), [bob.id, ann.id]);
    const both = await stripe.customers.search({ query: "metadata['tier']:'gold' AND name:'Ann Lee'" });
    assert.deepEqual(both.data.map((c) => c.id), [ann.id]);
    const either = await stripe.customers.search({ query: "email:'ann@example.com' OR email:'bob@example.com'" });
    assert.equal(either.data.length, 2);
  });

  test('search pages with next_page until has_more is false', async () => {
    const stripe = h.stripe();
    for (let i = 0; i < 5; i++) await stripe.customers.create({ metadata: { batch: 'p' } });
    const first = await stripe.customers.search({ query: "metadata['batch']:'p'", limit: 3 });
    assert.equal(first.data.length, 3);
    assert.equal(first.has_more, true);
    assert.ok(first.next_page);
    const second = await stripe.customers.search({ query: "metadata['batch']:'p'", limit: 3, page: first.next_page! });
    assert.equal(second.data.length, 2);
    assert.equal(second.has_more, false);
    assert.equal(second.next_page, null);
    const ids = new Set([...first.data, ...second.data].map((c) => c.id));
    assert.equal(ids.size, 5);
  });

  test('a malformed search query is a 400 naming the query parameter', async () => {
    const error = await stripeError(() => h.stripe().customers.search({ query: 'email=ann' }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.param, 'query');
  });

  test('an unknown parameter is refused by name and nothing is created', async () => {
    const stripe = h.stripe();
    const error = await stripeError(() => stripe.customers.create({ email: 'x@example.com', favourite_colour: 'red' } as never));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'parameter_unknown');
    assert.equal(error.param, 'favourite_colour');
    assert.equal(error.message, 'Received unknown parameter: favourite_colour');
    assert.equal((await stripe.customers.list()).data.length, 0);
  });

  test('an unknown nested parameter is named with its brackets', async () => {
    const error = await stripeError(() => h.stripe().customers.create({ address: { line1: 'x', planet: 'Mars' } } as never));
    assert.equal(error.param, 'address[planet]');
    assert.equal(error.message, 'Received unknown parameter: address[planet]');
  });

  test('a malformed email is refused with email_invalid and nothing is changed', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({ email: 'ok@example.com' });
    const error = await stripeError(() => stripe.customers.update(c.id, { email: 'not an email' }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'email_invalid');
    assert.equal(error.param, 'email');
    assert.equal((await stripe.customers.retrieve(c.id) as Stripe.Customer).email, 'ok@example.com');
  });

  test('a non-integer balance is refused with parameter_invalid_integer', async () => {
    const error = await stripeError(() => h.stripe().customers.create({ balance: 'lots' } as never));
    assert.equal(error.code, 'parameter_invalid_integer');
    assert.equal(error.param, 'balance');
    assert.equal(error.message, 'Invalid integer: lots');
  });
});
