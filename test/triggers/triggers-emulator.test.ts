// The triggers against the emulator over real HTTP, through the connector's own Stripe client:
// listing and mapping as Stripe answers, the poll step on a real SQLite file, orders retired.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { ConnectorError } from '../../src/errors.js';
import { customerAdded } from '../../src/connector/triggers/customer-added.js';
import { invoiceItemAdded } from '../../src/connector/triggers/invoice-item-added.js';
import { orderAdded } from '../../src/connector/triggers/order-added.js';
import type { TriggerDefinition } from '../../src/connector/define.js';
import type { OutboxDatabase } from '../../src/delivery/outbox-tables.js';
import { pollStep } from '../../src/triggers/poll-step.js';
import { openTestStore, type TestStore, clearTriggerState } from '../delivery/store-fixture.js';

const ajv = new Ajv({ strict: true });
addFormats.default(ajv);

const T0 = 1_795_000_000;
let keyCounter = 0;

describe('triggers against the emulator', () => {
  let emulator: RunningEmulator;
  let store: TestStore;
  let db: Kysely<OutboxDatabase>;
  let stripe: Stripe;
  let apiKey: string;

  const setClock = async (unixSeconds: number) => {
    emulator.clock.setMs(unixSeconds * 1000);
  };
  const step = (trigger: TriggerDefinition) =>
    pollStep({ db, stripe, trigger, connectionId: 'conn_1', nowMs: emulator.clock.nowMs() });
  const deliveredTo = async (subscriptionId: string) =>
    (
      await db
        .selectFrom('deliveries')
        .innerJoin('trigger_events', 'trigger_events.id', 'deliveries.event_id')
        .select(['deliveries.stripe_object_id', 'trigger_events.data'])
        .where('deliveries.subscription_id', '=', subscriptionId)
        .orderBy('deliveries.object_created')
        .execute()
    ).map((row) => ({ id: row.stripe_object_id, data: JSON.parse(row.data) as Record<string, unknown> }));

  async function subscribe(id: string, trigger: string, sinceSeconds: number) {
    await db
      .insertInto('subscriptions')
      .values({
        id,
        user_id: 'usr_1',
        connection_id: 'conn_1',
        trigger,
        url: 'http://127.0.0.1:9/hook',
        mode: 'poll',
        poll_interval_seconds: 120,
        secret_ciphertext: 'sealed',
        status: 'active',
        since: new Date(sinceSeconds * 1000).toISOString(),
        created_at: new Date(sinceSeconds * 1000).toISOString(),
      })
      .execute();
  }

  before(async () => {
    // Frozen emulated time, so "within one second" is exact; no rate limit, so 500 creates in one
    // emulated second are allowed (the connector's own client still paces itself at 25/s otherwise).
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, clock: { startMs: T0 * 1000, frozen: true } });
    store = await openTestStore();
    db = store.db;
  });

  after(async () => {
    await store.close();
    await emulator.stop();
  });

  beforeEach(async () => {
    await clearTriggerState(db);
    apiKey = `sk_test_triggers${process.pid}x${++keyCounter}`;
    stripe = createStripeClient({ apiKey, apiBase: emulator.url, requestsPerSecond: false });
    await setClock(T0);
  });

  test('500 customers created within one second are each enqueued exactly once, with the documented shape', async () => {
    await subscribe('sub_c', 'customerAdded', T0);
    for (let i = 0; i < 500; i += 1) await stripe.customers.create({ email: `c${i}@example.com` });
    const result = await step(customerAdded);
    assert.equal(result.enqueued, 500);
    const delivered = await deliveredTo('sub_c');
    assert.equal(new Set(delivered.map((d) => d.id)).size, 500);
    const first = delivered[0]!.data;
    assert.ok(ajv.validate(customerAdded.output, first), ajv.errorsText());
    assert.equal(first.created, '2026-11-18T11:06:40Z');
    await setClock(T0 + 1);
    assert.equal((await step(customerAdded)).enqueued, 0, 'a second poll finds nothing new');
  });

  test('new customers after a poll are delivered on the next, and one created "late" in an earlier second too', async () => {
    await subscribe('sub_c', 'customerAdded', T0);
    await setClock(T0 + 10);
    const a = await stripe.customers.create({ email: 'a@example.com' });
    await setClock(T0 + 30);
    const c = await stripe.customers.create({ email: 'c@example.com' });
    await step(customerAdded);
    // Visible only now, though stamped 10 s before the newest customer already seen.
    await setClock(T0 + 20);
    const b = await stripe.customers.create({ email: 'b@example.com' });
    await setClock(T0 + 40);
    const later = await step(customerAdded);
    assert.equal(later.enqueued, 1);
    assert.deepEqual((await deliveredTo('sub_c')).map((d) => d.id), [a.id, b.id, c.id]);
  });

  test('invoice items are listed by their date and mapped to the documented shape', async () => {
    await subscribe('sub_i', 'invoiceItemAdded', T0);
    const customer = await stripe.customers.create({ email: 'ii@example.com' });
    await setClock(T0 + 5);
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 1500, currency: 'eur', description: 'Setup fee' });
    await step(invoiceItemAdded);
    const [delivered] = await deliveredTo('sub_i');
    assert.deepEqual(delivered?.data, {
      id: item.id,
      amount: 1500,
      currency: 'eur',
      customer: customer.id,
      date: '2026-11-18T11:06:45Z',
      description: 'Setup fee',
      discountable: true,
      invoice: null,
      proration: false,
      quantity: 1,
      subscription: null,
    });
    assert.ok(ajv.validate(invoiceItemAdded.output, delivered?.data), ajv.errorsText());
  });

  test('legacy orders are listed from /v1/orders and mapped to the documented shape', async () => {
    await subscribe('sub_o', 'orderAdded', T0);
    const order = (await stripe.rawRequest('POST', '/v1/orders', {
      currency: 'usd',
      email: 'buyer@example.com',
      items: [{ type: 'sku', parent: 'sku_mug', amount: 1500, quantity: 1 }],
    })) as { id: string };
    await step(orderAdded);
    const [delivered] = await deliveredTo('sub_o');
    assert.deepEqual(delivered?.data, {
      id: order.id,
      amount: 1500,
      amount_returned: null,
      charge: null,
      created: '2026-11-18T11:06:40Z',
      currency: 'usd',
      customer: null,
      email: 'buyer@example.com',
      selected_shipping_method: null,
      status: 'created',
      updated: '2026-11-18T11:06:40Z',
    });
    assert.ok(ajv.validate(orderAdded.output, delivered?.data), ajv.errorsText());
  });

  test('where the account answers 404 for /v1/orders, as today’s Stripe, the error says Stripe retired Orders', async () => {
    const switched = await fetch(`${emulator.url}/_emulator/account/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'enabled=false',
    });
    assert.equal(switched.status, 200);
    await assert.rejects(orderAdded.listPage(stripe, { createdGte: T0, limit: 100 }), (error: unknown) => {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'stripe_orders_retired');
      assert.match(error.message, /Stripe retired its Orders API/);
      return true;
    });
  });
});
