// customerAdded's coupon in webhook mode and in hybrid's reconciliation, end to end: the emulator's
// signed webhooks reach the connector's inbound route; a webhook's customer names its coupon by id
// only, so the connector reads the coupon — once per connection and coupon, however many
// customers redeem it — and the delivered customer equals what getCustomer answers for it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { countEmulatorRequests } from '../support/emulator-request-count.js';
import { startWebhookWorld, type EmulatorDelivery, type WebhookWorld } from './webhook-harness.js';

describe('customerAdded in webhook mode: the coupon', () => {
  let world: WebhookWorld;

  before(async () => {
    world = await startWebhookWorld();
  });
  after(() => world?.close());

  const receivedBy = (subscriptionId: string) => world.subscriber.received.filter((d) => d.body.subscription === subscriptionId);
  async function untilReceived(subscriptionId: string, count: number) {
    const deadline = Date.now() + 10_000;
    while (receivedBy(subscriptionId).length < count) {
      if (Date.now() > deadline) throw new Error(`${receivedBy(subscriptionId).length} of ${count} deliveries arrived`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return new Map(receivedBy(subscriptionId).map((d) => [d.body.data.id, d.body.data]));
  }
  const getCustomer = (connectionId: string, id: string) =>
    world.services.actions.run({ userId: world.userId, connectionId, operation: 'getCustomer', input: { id } });
  const withCoupon = (stripe: Stripe, email: string, coupon: string) => stripe.customers.create({ email, coupon } as Stripe.CustomerCreateParams);

  test('a percent-off and an amount-off coupon arrive as getCustomer gives them', async () => {
    const { stripe, connectionId, subscriptionId } = await world.subscribe('customerAdded', 'webhook');
    await stripe.coupons.create({ id: 'Q25', name: 'Quarter', duration: 'repeating', duration_in_months: 3, percent_off: 25 });
    await stripe.coupons.create({ id: 'FIVE', name: 'Five off', duration: 'forever', amount_off: 500, currency: 'usd' });
    const quarter = await withCoupon(stripe, 'q@example.com', 'Q25');
    const five = await withCoupon(stripe, 'f@example.com', 'FIVE');
    const plain = await stripe.customers.create({ email: 'p@example.com' });

    const delivered = await untilReceived(subscriptionId, 3);
    assert.deepEqual((delivered.get(quarter.id)!.discount as { coupon: unknown }).coupon, {
      id: 'Q25',
      name: 'Quarter',
      duration: 'repeating',
      percent_off: 25,
      amount_off: null,
    });
    assert.deepEqual((delivered.get(five.id)!.discount as { coupon: unknown }).coupon, {
      id: 'FIVE',
      name: 'Five off',
      duration: 'forever',
      percent_off: null,
      amount_off: 500,
    });
    for (const customer of [quarter, five, plain]) {
      assert.deepEqual(delivered.get(customer.id), await getCustomer(connectionId, customer.id), customer.email!);
    }
  });

  test('twenty customers with the same coupon cost one coupon read', async () => {
    const { apiKey, stripe, subscriptionId } = await world.subscribe('customerAdded', 'webhook');
    await stripe.coupons.create({ id: 'SAME', name: 'Same for all', duration: 'once', percent_off: 10 });
    const couponReads = await countEmulatorRequests(world.emulator.url, apiKey, '/v1/coupons');
    // Created together, so their webhooks arrive together: one read is shared by those in flight.
    const customers = await Promise.all(Array.from({ length: 20 }, (_, i) => withCoupon(stripe, `same${i}@example.com`, 'SAME')));

    const delivered = await untilReceived(subscriptionId, 20);
    for (const customer of customers) {
      assert.equal((delivered.get(customer.id)!.discount as { coupon: { name: unknown } }).coupon.name, 'Same for all');
    }
    assert.equal(await couponReads(), 1);
  });

  test('hybrid: customers whose webhooks were dropped are delivered by the reconciliation with their coupon, one read', async () => {
    const { apiKey, stripe, connectionId, subscriptionId } = await world.subscribe('customerAdded', 'hybrid');
    await stripe.coupons.create({ id: 'LOST10', name: 'Ten off', duration: 'forever', amount_off: 1000, currency: 'eur' });
    await world.control(apiKey, 'POST', 'faults', { kind: 'webhook_drop', share: 1 });
    const couponReads = await countEmulatorRequests(world.emulator.url, apiKey, '/v1/coupons');
    const lost = [await withCoupon(stripe, 'lost1@example.com', 'LOST10'), await withCoupon(stripe, 'lost2@example.com', 'LOST10')];
    await world.webhookLogUntil(apiKey, '2 dropped', (log: EmulatorDelivery[]) => log.filter((d) => d.outcome === 'dropped').length >= 2);

    assert.equal((await world.services.reconciler.reconcile(connectionId)).enqueued, 2);
    world.worker.wake();
    const delivered = await untilReceived(subscriptionId, 2);
    assert.equal(await couponReads(), 1);
    for (const customer of lost) {
      assert.deepEqual(delivered.get(customer.id), await getCustomer(connectionId, customer.id), customer.email!);
    }
  });
});
