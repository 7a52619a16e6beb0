// Inbound Stripe events, from the signed raw body to the outbox, on a real SQLite file. The events
// are the emulator's own (what Stripe would POST), signed with the SDK's test header; charges are
// not in the emulator yet, so their events are written out as Stripe sends them.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { verifyStripeWebhook } from '../../src/stripe/webhook-signature.js';
import { ConnectorError } from '../../src/errors.js';
import type { SubscriptionRow } from '../../src/store/schema.js';
import { ingestStripeEvent } from '../../src/trigger-sources/webhook-ingest.js';
import { startTriggerHarness, T0, type TriggerHarness } from './trigger-harness.js';

const endpointSecret = 'whsec_endpoint_secret_for_conn_1';

const sign = (rawBody: string, timestamp: number) =>
  Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret: endpointSecret, timestamp });

function chargeEvent(id: string, type: string, chargeId: string, status: string): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: T0 + 1,
    type,
    data: {
      object: {
        id: chargeId,
        object: 'charge',
        amount: 2000,
        amount_refunded: 0,
        captured: status === 'succeeded',
        created: T0 + 1,
        currency: 'usd',
        customer: null,
        description: null,
        failure_code: null,
        failure_message: null,
        outcome: null,
        paid: status === 'succeeded',
        receipt_email: null,
        receipt_number: null,
        refunded: false,
        statement_descriptor: null,
        status,
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
}

describe('inbound Stripe webhooks into the outbox', () => {
  let h: TriggerHarness;
  const nowMs = T0 * 1000 + 5_000;
  /** What the inbound route does: verify the raw body, then ingest. */
  const receive = async (rawBody: string, header: string | undefined) =>
    ingestStripeEvent({ db: h.db, connectionId: 'conn_1', event: verifyStripeWebhook(rawBody, header, endpointSecret, { nowMs }), nowMs });
  const subscribe = (id: string, trigger: string, overrides: Partial<SubscriptionRow> = {}) => h.subscribe(id, trigger, { mode: 'webhook', ...overrides });
  const deliveries = () => h.db.selectFrom('deliveries').select(['subscription_id', 'stripe_object_id']).orderBy('subscription_id').execute();

  before(async () => {
    h = await startTriggerHarness();
  });
  after(() => h?.close());
  beforeEach(() => h.reset());

  test('a customer.created event is stored for every webhook subscription to customerAdded', async () => {
    await subscribe('sub_w', 'customerAdded');
    await subscribe('sub_h', 'customerAdded', { mode: 'hybrid' });
    await subscribe('sub_p', 'customerAdded', { mode: 'poll' });
    const customer = await h.stripe.customers.create({ email: 'new@example.com' });
    const [event] = (await h.stripe.events.list({ type: 'customer.created' })).data;
    const rawBody = JSON.stringify(event);
    const result = await receive(rawBody, sign(rawBody, T0 + 4));
    assert.deepEqual(result, { triggers: ['customerAdded'], enqueued: 2 });
    assert.deepEqual(await deliveries(), [
      { subscription_id: 'sub_h', stripe_object_id: customer.id },
      { subscription_id: 'sub_w', stripe_object_id: customer.id },
    ]);
    const stored = await h.db.selectFrom('trigger_events').select('data').executeTakeFirstOrThrow();
    assert.equal((JSON.parse(stored.data) as { email: string }).email, 'new@example.com');
  });

  test('one Stripe event sent three times is stored once', async () => {
    await subscribe('sub_w', 'invoiceItemAdded');
    const customer = await h.stripe.customers.create({});
    await h.stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: 'usd' });
    const [event] = (await h.stripe.events.list({ type: 'invoiceitem.created' })).data;
    const rawBody = JSON.stringify(event);
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push(await receive(rawBody, sign(rawBody, T0 + 4)));
    assert.deepEqual(results.map((r) => r.enqueued), [1, 0, 0]);
    assert.equal((await deliveries()).length, 1);
  });

  test('chargeAdded fires once per charge: on charge.pending, not again on charge.succeeded', async () => {
    await subscribe('sub_c', 'chargeAdded');
    const pending = chargeEvent('evt_1', 'charge.pending', 'ch_1', 'pending');
    const succeeded = chargeEvent('evt_2', 'charge.succeeded', 'ch_1', 'succeeded');
    assert.equal((await receive(pending, sign(pending, T0 + 4))).enqueued, 1);
    assert.equal((await receive(succeeded, sign(succeeded, T0 + 4))).enqueued, 0);
    const failedOther = chargeEvent('evt_3', 'charge.failed', 'ch_2', 'failed');
    assert.equal((await receive(failedOther, sign(failedOther, T0 + 4))).enqueued, 1);
  });

  test('a forged or stale webhook is refused and nothing is stored', async () => {
    await subscribe('sub_c', 'chargeAdded');
    const body = chargeEvent('evt_9', 'charge.succeeded', 'ch_9', 'succeeded');
    const forged = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_someone_else', timestamp: T0 + 4 });
    await assert.rejects(receive(body, forged), ConnectorError);
    await assert.rejects(receive(body, sign(body, T0 - 400)), /Stale/);
    await assert.rejects(receive(body, undefined), /Missing Stripe-Signature/);
    assert.equal((await deliveries()).length, 0);
    assert.equal((await h.db.selectFrom('trigger_events').selectAll().execute()).length, 0);
  });

  test('events no trigger watches, and objects created before a subscription started, are acknowledged and dropped', async () => {
    await subscribe('sub_c', 'customerAdded', { since: new Date((T0 + 60) * 1000).toISOString() });
    await h.stripe.customers.create({});
    const [created] = (await h.stripe.events.list({ type: 'customer.created' })).data;
    const early = JSON.stringify(created);
    assert.deepEqual(await receive(early, sign(early, T0 + 4)), { triggers: ['customerAdded'], enqueued: 0 });
    const updated = JSON.stringify({ ...created, id: 'evt_upd', type: 'customer.updated' });
    assert.deepEqual(await receive(updated, sign(updated, T0 + 4)), { triggers: [], enqueued: 0 });
  });
});
