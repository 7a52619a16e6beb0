// The triggers against the emulator over real HTTP, through the connector's own Stripe client:
// listing and mapping as Stripe answers, the poll step on a real SQLite file, orders retired.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { ConnectorError } from '../../src/errors.js';
import { chargeAdded } from '../../src/connector/triggers/charge-added.js';
import { customerAdded } from '../../src/connector/triggers/customer-added.js';
import { invoiceItemAdded } from '../../src/connector/triggers/invoice-item-added.js';
import { orderAdded } from '../../src/connector/triggers/order-added.js';
import type { TriggerDefinition } from '../../src/connector/define.js';
import { pollStep } from '../../src/trigger-sources/poll-step.js';
import { startTriggerHarness, T0, type TriggerHarness } from './trigger-harness.js';

const ajv = new Ajv({ strict: true });
addFormats.default(ajv);

describe('triggers against the emulator', () => {
  let h: TriggerHarness;
  const step = (trigger: TriggerDefinition) =>
    pollStep({ db: h.db, stripe: h.stripe, trigger, connectionId: 'conn_1', nowMs: h.emulator.clock.nowMs() });

  before(async () => {
    h = await startTriggerHarness();
  });
  after(() => h?.close());
  beforeEach(() => h.reset());

  test('500 customers created within one second are each enqueued exactly once, with the documented shape', async () => {
    await h.subscribe('sub_c', 'customerAdded');
    for (let i = 0; i < 500; i += 1) await h.stripe.customers.create({ email: `c${i}@example.com` });
    const result = await step(customerAdded);
    assert.equal(result.enqueued, 500);
    const delivered = await h.deliveredTo('sub_c');
    assert.equal(new Set(delivered.map((d) => d.id)).size, 500);
    const first = delivered[0]!.data;
    assert.ok(ajv.validate(customerAdded.output, first), ajv.errorsText());
    assert.equal(first.created, '2026-11-18T11:06:40Z');
    h.setClock(T0 + 1);
    assert.equal((await step(customerAdded)).enqueued, 0, 'a second poll finds nothing new');
  });

  test('new customers after a poll are delivered on the next, and one created "late" in an earlier second too', async () => {
    await h.subscribe('sub_c', 'customerAdded');
    h.setClock(T0 + 10);
    const a = await h.stripe.customers.create({ email: 'a@example.com' });
    h.setClock(T0 + 30);
    const c = await h.stripe.customers.create({ email: 'c@example.com' });
    await step(customerAdded);
    // Visible only now, though stamped 10 s before the newest customer already seen.
    h.setClock(T0 + 20);
    const b = await h.stripe.customers.create({ email: 'b@example.com' });
    h.setClock(T0 + 40);
    const later = await step(customerAdded);
    assert.equal(later.enqueued, 1);
    assert.deepEqual((await h.deliveredTo('sub_c')).map((d) => d.id), [a.id, b.id, c.id]);
  });

  test('invoice items are listed by their date and mapped to the documented shape', async () => {
    await h.subscribe('sub_i', 'invoiceItemAdded');
    const customer = await h.stripe.customers.create({ email: 'ii@example.com' });
    h.setClock(T0 + 5);
    const item = await h.stripe.invoiceItems.create({ customer: customer.id, amount: 1500, currency: 'eur', description: 'Setup fee' });
    await step(invoiceItemAdded);
    const [delivered] = await h.deliveredTo('sub_i');
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
    await h.subscribe('sub_o', 'orderAdded');
    const order = (await h.stripe.rawRequest('POST', '/v1/orders', {
      currency: 'usd',
      email: 'buyer@example.com',
      items: [{ type: 'sku', parent: 'sku_mug', amount: 1500, quantity: 1 }],
    })) as { id: string };
    await step(orderAdded);
    const [delivered] = await h.deliveredTo('sub_o');
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

  test('every trigger lists only objects created before created[lt] when a backlog slice gives one', async () => {
    const create = {
      chargeAdded: () => h.stripe.charges.create({ amount: 500, currency: 'usd', source: 'tok_visa' }),
      customerAdded: () => h.stripe.customers.create({}),
      invoiceItemAdded: async () => h.stripe.invoiceItems.create({ customer: (await h.stripe.customers.create({})).id, amount: 100, currency: 'usd' }),
      orderAdded: () => h.stripe.rawRequest('POST', '/v1/orders', { currency: 'usd', items: [{ type: 'sku', parent: 'sku_mug', amount: 1500, quantity: 1 }] }),
    } as const;
    for (const trigger of [chargeAdded, customerAdded, invoiceItemAdded, orderAdded]) {
      const make = create[trigger.name as keyof typeof create];
      h.setClock(T0 + 1);
      const inside = (await make()) as { id: string };
      h.setClock(T0 + 5);
      await make();
      const slice = await trigger.listPage(h.stripe, { createdGte: T0, createdLt: T0 + 5, limit: 100 });
      assert.deepEqual(slice.data.map((o) => o.id), [inside.id], trigger.name);
      const open = await trigger.listPage(h.stripe, { createdGte: T0, limit: 100 });
      assert.equal(open.data.length, 2, `${trigger.name} without created[lt]`);
      h.setClock(T0);
      await h.reset();
    }
  });

  test('where the account answers 404 for /v1/orders, as today’s Stripe, the error says Stripe retired Orders', async () => {
    await h.control('/_emulator/account/orders', 'enabled=false');
    await assert.rejects(orderAdded.listPage(h.stripe, { createdGte: T0, limit: 100 }), (error: unknown) => {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'stripe_orders_retired');
      assert.match(error.message, /Stripe retired its Orders API/);
      return true;
    });
  });
});
