// Hybrid mode: webhooks the emulator drops are found by the reconciling poll of /v1/events and
// delivered, once; webhooks that did arrive are not delivered again.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventReconciler } from '../../src/trigger-sources/reconcile.js';
import { startWebhookWorld, type EmulatorDelivery, type WebhookWorld } from './webhook-harness.js';

describe('hybrid mode', () => {
  let world: WebhookWorld;

  before(async () => {
    world = await startWebhookWorld();
  });
  after(() => world?.close());

  const control = (apiKey: string, method: string, path: string, body?: object) => world.control(apiKey, method, path, body);
  /** Until the emulator's log holds `count` deliveries with this outcome (each logged once it is settled). */
  const settled = (apiKey: string, outcome: EmulatorDelivery['outcome'], count: number) =>
    world.webhookLogUntil(apiKey, `${count} deliveries ${outcome}`, (log) => log.filter((d) => d.outcome === outcome).length >= count);
  const hybridSubscription = (trigger = 'customerAdded') => world.subscribe(trigger, 'hybrid');

  const deliveredObjects = async (subscriptionId: string) =>
    (await world.db.selectFrom('deliveries').select('stripe_object_id').where('subscription_id', '=', subscriptionId).orderBy('object_created').execute()).map(
      (d) => d.stripe_object_id,
    );

  const receivedBy = (subscriptionId: string) => world.subscriber.received.filter((d) => d.body.subscription === subscriptionId);

  test('webhooks dropped by Stripe are delivered by the reconciliation, once, and arrived ones are not repeated', async () => {
    const { apiKey, stripe, connectionId, subscriptionId } = await hybridSubscription();
    const arrived = await stripe.customers.create({ email: 'arrived@example.com' });
    await settled(apiKey, 'succeeded', 1);
    await control(apiKey, 'POST', 'faults', { kind: 'webhook_drop', share: 1 });
    const lost = [await stripe.customers.create({ email: 'lost1@example.com' }), await stripe.customers.create({ email: 'lost2@example.com' })];
    await settled(apiKey, 'dropped', 2);
    assert.deepEqual(await deliveredObjects(subscriptionId), [arrived.id], 'the dropped ones are not there yet');

    const result = await world.services.reconciler.reconcile(connectionId);
    assert.equal(result.enqueued, 2, 'only the two whose webhooks were dropped');
    assert.deepEqual((await deliveredObjects(subscriptionId)).sort(), [arrived.id, ...lost.map((c) => c.id)].sort());
    world.worker.wake();
    await world.subscriber.waitFor(world.subscriber.received.length - receivedBy(subscriptionId).length + 3);
    assert.deepEqual(receivedBy(subscriptionId).map((d) => d.body.data.id).sort(), [arrived.id, ...lost.map((c) => c.id)].sort());

    assert.deepEqual(await world.services.reconciler.reconcile(connectionId), { events: 0, enqueued: 0 }, 'the cursor moved past them');
    await control(apiKey, 'DELETE', 'faults');
    const later = await stripe.customers.create({ email: 'later@example.com' });
    await settled(apiKey, 'succeeded', 2);
    assert.deepEqual(await world.services.reconciler.reconcile(connectionId), { events: 1, enqueued: 0 }, 'seen by both, stored once');
    assert.equal((await deliveredObjects(subscriptionId)).filter((id) => id === later.id).length, 1);
  });

  test('a connection is reconciled when its hybrid subscription appears, then every interval (300 s by default)', async () => {
    const { connectionId } = await hybridSubscription();
    let clockMs = Date.now();
    const reconciler = new EventReconciler({
      db: world.db,
      stripeFor: async (id) => world.services.connections.stripeFor(await world.services.connections.owned(world.userId, id)),
      nowMs: () => clockMs,
    });
    const cursorOf = () => world.db.selectFrom('event_reconcile_cursors').selectAll().where('connection_id', '=', connectionId).executeTakeFirst();
    await reconciler.runDue();
    const first = await cursorOf();
    assert.equal(first?.next_run_at, new Date(clockMs + 300_000).toISOString());
    clockMs += 299_000;
    await reconciler.runDue();
    assert.equal((await cursorOf())?.updated_at, first?.updated_at, 'not due before 300 s');
    clockMs += 1_000;
    await reconciler.runDue();
    assert.equal((await cursorOf())?.next_run_at, new Date(clockMs + 300_000).toISOString(), 'due at 300 s');
  });

  test('a cursor older than Stripe’s 30-day event retention, or one Stripe no longer knows, restarts from what Stripe still has', async () => {
    for (const [what, cursorAgeSeconds, cursorId] of [
      ['a 31-day-old cursor', 31 * 24 * 3600, 'evt_pruned_long_ago'],
      ['an unknown recent cursor', 60, 'evt_not_known_to_stripe'],
    ] as const) {
      const { apiKey, stripe, connectionId, subscriptionId } = await hybridSubscription('invoiceItemAdded');
      const nowSeconds = Math.floor(Date.now() / 1000);
      await world.db
        .insertInto('event_reconcile_cursors')
        .values({
          connection_id: connectionId,
          newest_event_id: cursorId,
          newest_event_created: nowSeconds - cursorAgeSeconds,
          next_run_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        })
        .execute();
      await control(apiKey, 'POST', 'faults', { kind: 'webhook_drop', share: 1 });
      const customer = await stripe.customers.create({});
      const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
      await settled(apiKey, 'dropped', 1);
      const result = await world.services.reconciler.reconcile(connectionId);
      assert.equal(result.enqueued, 1, what);
      assert.deepEqual(await deliveredObjects(subscriptionId), [item.id], what);
    }
  });
});
