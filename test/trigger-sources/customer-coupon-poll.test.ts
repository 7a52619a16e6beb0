// customerAdded's coupon in poll mode, against the emulator: the list call expands each
// customer's coupon, so the delivered customer equals what getCustomer answers for it, and the
// poll reads no coupon on its own.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { customerAdded } from '../../src/connector/triggers/customer-added.js';
import { getCustomer } from '../../src/connector/actions/get-customer.js';
import { couponExpansion } from '../../src/connector/customer-coupon.js';
import { pollStep } from '../../src/trigger-sources/poll-step.js';
import { countEmulatorRequests } from '../support/emulator-request-count.js';
import { startTriggerHarness, type TriggerHarness } from './trigger-harness.js';

describe('customerAdded in poll mode: the coupon', () => {
  let h: TriggerHarness;

  before(async () => {
    h = await startTriggerHarness();
  });
  after(() => h?.close());
  beforeEach(() => h.reset());

  test('a percent-off and an amount-off coupon arrive as getCustomer gives them, with no coupon read per customer', async () => {
    await h.subscribe('sub_c', 'customerAdded');
    await h.stripe.coupons.create({ id: 'Q25', name: 'Quarter', duration: 'repeating', duration_in_months: 3, percent_off: 25 });
    await h.stripe.coupons.create({ id: 'FIVE', name: 'Five off', duration: 'forever', amount_off: 500, currency: 'usd' });
    const quarter = await h.stripe.customers.create({ email: 'q@example.com', coupon: 'Q25' } as Stripe.CustomerCreateParams);
    const five = await h.stripe.customers.create({ email: 'f@example.com', coupon: 'FIVE' } as Stripe.CustomerCreateParams);
    const plain = await h.stripe.customers.create({ email: 'p@example.com' });
    const couponReads = await countEmulatorRequests(h.emulator.url, h.apiKey, '/v1/coupons');

    await pollStep({ db: h.db, stripe: h.stripe, trigger: customerAdded, connectionId: 'conn_1', nowMs: h.emulator.clock.nowMs() });
    assert.equal(await couponReads(), 0, 'the coupons came with the list');

    const delivered = new Map((await h.deliveredTo('sub_c')).map((d) => [d.id, d.data]));
    assert.deepEqual(delivered.get(quarter.id)?.discount, {
      customer: quarter.id,
      end: quarter.discount!.end,
      start: quarter.discount!.start,
      subscription: null,
      coupon: { id: 'Q25', name: 'Quarter', duration: 'repeating', percent_off: 25, amount_off: null },
    });
    for (const customer of [quarter, five, plain]) {
      const answered = await getCustomer.run({ stripe: h.stripe, idempotencyKey: 'unused' }, { id: customer.id });
      assert.deepEqual(delivered.get(customer.id), answered, customer.email!);
    }
    assert.deepEqual((delivered.get(five.id)?.discount as { coupon: unknown }).coupon, { id: 'FIVE', name: 'Five off', duration: 'forever', percent_off: null, amount_off: 500 });
  });
});

describe('which expansion a connection asks for', () => {
  test('discount.source.coupon from 2025-09-30 on; none before, where the coupon always came expanded', () => {
    assert.equal(couponExpansion('2026-10-28.endive'), 'discount.source.coupon');
    assert.equal(couponExpansion('2025-09-30.clover'), 'discount.source.coupon');
    assert.equal(couponExpansion('2025-08-27.basil'), undefined);
    assert.equal(couponExpansion('2024-04-10'), undefined);
  });
});
