import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.js';
import { startReceiver } from './webhook-receiver.js';

const NOW_MS = Date.UTC(2026, 5, 1);
const DAY = 86_400;

let h: Harness;
before(async () => {
  h = await startHarness({ clock: { startMs: NOW_MS, frozen: true } });
});
after(() => h?.stop());

async function bulk(key: string, body: Record<string, unknown>): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  return h.raw('POST', '/_emulator/bulk', { key, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

describe('bulk create', () => {
  test('100,000 charges spread over a range list newest first, with the range’s ends as first and last created', async () => {
    const key = h.newKey();
    const to = NOW_MS / 1000 - DAY;
    const from = to - 30 * DAY;
    const response = await bulk(key, { type: 'charges', count: 100_000, created_from: from, created_to: to });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.count, 100_000);
    assert.equal(response.body.events, 0);
    const stripe = h.stripe(key);
    const newest = await stripe.charges.list({ limit: 100 });
    assert.equal(newest.data[0]!.id, response.body.last_id);
    assert.equal(newest.data[0]!.created, to);
    assert.equal(newest.has_more, true);
    const oldest = await stripe.charges.retrieve(response.body.first_id);
    assert.equal(oldest.created, from);
    assert.equal(oldest.status, 'succeeded');
    // The first hour's worth: 100,000 evenly over 30 days is 138.9 an hour.
    const hour: string[] = [];
    for await (const c of stripe.charges.list({ limit: 100, created: { gte: from, lt: from + 3600 } })) hour.push(c.id);
    assert.ok(hour.length >= 138 && hour.length <= 140, `${hour.length} charges in the first hour`);
    assert.equal(new Set(hour).size, hour.length);
    assert.equal(hour[hour.length - 1], response.body.first_id);
    assert.equal((await stripe.events.list()).data.length, 0, 'no events unless asked');
  });

  test('with emit_events, each object has its created event dated at its own created time', async () => {
    const key = h.newKey();
    const from = NOW_MS / 1000 - 10 * DAY;
    const response = await bulk(key, { type: 'customers', count: 50, created_from: from, created_to: from + 49, emit_events: true });
    assert.equal(response.body.events, 50);
    const stripe = h.stripe(key);
    const events = await stripe.events.list({ limit: 100, type: 'customer.created' });
    assert.equal(events.data.length, 50);
    const customers = await stripe.customers.list({ limit: 100 });
    assert.deepEqual(
      events.data.map((e) => [e.created, (e.data.object as { id: string }).id]),
      customers.data.map((c) => [c.created, c.id]),
    );
  });

  test('bulk events reach webhook endpoints like any other', async () => {
    const receiver = await startReceiver();
    try {
      const key = h.newKey();
      const stripe = h.stripe(key);
      await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['charge.failed'] });
      await bulk(key, { type: 'charges', count: 3, source: 'tok_chargeDeclined', emit_events: true });
      const hooks = await receiver.waitFor(3);
      assert.deepEqual(hooks.map((w) => w.eventType), ['charge.failed', 'charge.failed', 'charge.failed']);
      const charges = await stripe.charges.list();
      assert.deepEqual(charges.data.map((c) => c.status), ['failed', 'failed', 'failed']);
    } finally {
      await receiver.stop();
    }
  });

  test('invoice items and charges can belong to a customer, and list through its filter', async () => {
    const key = h.newKey();
    const stripe = h.stripe(key);
    const customer = await stripe.customers.create({ name: 'Backlog' });
    await bulk(key, { type: 'invoice_items', count: 120, customer: customer.id, amount: 250, currency: 'eur' });
    await bulk(key, { type: 'charges', count: 5, customer: customer.id });
    await bulk(key, { type: 'charges', count: 7 });
    const items = await stripe.invoiceItems.list({ customer: customer.id, limit: 100 });
    assert.equal(items.data.length, 100);
    assert.equal(items.has_more, true);
    assert.equal(items.data[0]!.amount, 250);
    assert.equal(items.data[0]!.currency, 'eur');
    assert.equal((await stripe.charges.list({ customer: customer.id, limit: 100 })).data.length, 5);
    assert.equal((await stripe.charges.list({ limit: 100 })).data.length, 12);
  });

  test('bad requests are refused naming the field, and create nothing', async () => {
    const key = h.newKey();
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'refunds', count: 1 }, 'type'],
      [{ type: 'charges' }, 'count'],
      [{ type: 'charges', count: 1_000_001 }, 'count'],
      [{ type: 'charges', count: 5, created_from: 200, created_to: 100 }, 'created_to'],
      [{ type: 'invoice_items', count: 5 }, 'customer'],
      [{ type: 'charges', count: 5, customer: 'cus_missing' }, 'customer'],
      [{ type: 'charges', count: 5, source: 'tok_nope' }, 'source'],
    ];
    for (const [body, param] of cases) {
      const response = await bulk(key, body);
      assert.equal(response.status, response.status === 404 ? 404 : 400, JSON.stringify(response.body));
      assert.equal(response.body.error.param, param, JSON.stringify(body));
    }
    assert.equal((await h.stripe(key).charges.list()).data.length, 0);
    const readOnly = await bulk(key.replace(/^sk_/, 'rk_'), { type: 'charges', count: 1 });
    assert.equal(readOnly.status, 403);
  });
});
