import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import type { Account } from '../../src/emulator/index.js';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ clock: { frozen: true } });
});
after(() => h?.stop());

describe('events', () => {
  test('creating, updating and deleting a customer emits the three events Stripe emits, newest first', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({ email: 'e@example.com', metadata: { a: '1' } }, { idempotencyKey: 'k-ev' });
    await stripe.customers.update(c.id, { email: 'f@example.com', metadata: { b: '2' } });
    await stripe.customers.del(c.id);
    const events = await stripe.events.list();
    assert.deepEqual(events.data.map((e) => e.type), ['customer.deleted', 'customer.updated', 'customer.created']);
    const [deleted, updated, created] = events.data as [Stripe.Event, Stripe.Event, Stripe.Event];
    assert.match(created.id, /^evt_/);
    assert.equal(created.object, 'event');
    assert.equal((created.data.object as Stripe.Customer).email, 'e@example.com');
    assert.equal(created.request?.idempotency_key, 'k-ev');
    assert.match(created.request?.id ?? '', /^req_/);
    assert.equal(created.livemode, false);
    assert.equal(typeof created.api_version, 'string');
    assert.deepEqual(updated.data.previous_attributes, { email: 'e@example.com', metadata: { b: null } });
    assert.equal((updated.data.object as Stripe.Customer).email, 'f@example.com');
    assert.equal((deleted.data.object as Stripe.Customer).id, c.id);
  });

  test('a retrieved event equals the listed one, and an unknown one is resource_missing', async () => {
    const stripe = h.stripe();
    await stripe.products.create({ name: 'P' });
    const [listed] = (await stripe.events.list({ limit: 1 })).data;
    assert.deepEqual(await stripe.events.retrieve(listed!.id), listed);
    const error = await stripeError(() => stripe.events.retrieve('evt_nope'));
    assert.equal(error.code, 'resource_missing');
    assert.equal(error.message, "No such event: 'evt_nope'");
  });

  test('type, a type wildcard and types[] select events', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({});
    await stripe.customers.update(c.id, { name: 'N' });
    const p = await stripe.products.create({ name: 'P' });
    await stripe.products.update(p.id, { active: false });
    await stripe.invoiceItems.create({ customer: c.id, amount: 100, currency: 'usd' });
    const types = async (params: Stripe.EventListParams) => (await stripe.events.list(params)).data.map((e) => e.type);
    assert.deepEqual(await types({ type: 'product.updated' }), ['product.updated']);
    assert.deepEqual(await types({ type: 'customer.*' }), ['customer.updated', 'customer.created']);
    assert.deepEqual(await types({ types: ['invoiceitem.created', 'product.created'] }), ['invoiceitem.created', 'product.created']);
    assert.deepEqual(await types({ type: 'charge.succeeded' }), []);
  });

  test('the created filter selects events by emulated time', async () => {
    const stripe = h.stripe();
    await stripe.customers.create({ description: 'early' });
    h.emulator.clock.advanceMs(10_000);
    const late = await stripe.customers.create({ description: 'late' });
    const events = await stripe.events.list({ created: { gte: late.created } });
    assert.deepEqual(events.data.map((e) => (e.data.object as Stripe.Customer).description), ['late']);
  });

  test('events older than 30 days of emulated time are gone', async () => {
    const stripe = h.stripe();
    await stripe.customers.create({ description: 'old' });
    const [old] = (await stripe.events.list()).data;
    h.emulator.clock.advanceMs(29 * 86400 * 1000);
    await stripe.customers.create({ description: 'recent' });
    assert.equal((await stripe.events.list()).data.length, 2);
    h.emulator.clock.advanceMs(2 * 86400 * 1000);
    const left = await stripe.events.list();
    assert.deepEqual(left.data.map((e) => (e.data.object as Stripe.Customer).description), ['recent']);
    assert.equal((await stripeError(() => stripe.events.retrieve(old!.id))).statusCode, 404);
  });

  test('in-process subscribers receive every event with its account', async () => {
    const key = h.newKey();
    const seen: { account: Account; event: Stripe.Event }[] = [];
    const unsubscribe = h.emulator.onEvent((account, event) => seen.push({ account, event }));
    try {
      const c = await h.stripe(key).customers.create({ email: 'sub@example.com' });
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.event.type, 'customer.created');
      assert.equal((seen[0]!.event.data.object as Stripe.Customer).id, c.id);
      const listed = (await h.stripe(key).events.list()).data[0]!;
      assert.equal(seen[0]!.event.id, listed.id);
      assert.match(seen[0]!.account.id, /^acct_/);
    } finally {
      unsubscribe();
    }
    await h.stripe(key).customers.create({});
    assert.equal(seen.length, 1, 'no events after unsubscribing');
  });

  test('a read-only key can list events', async () => {
    const key = h.newKey();
    await h.stripe(key).customers.create({});
    const events = await h.stripe(key.replace('sk_', 'rk_')).events.list();
    assert.equal(events.data.length, 1);
  });
});
