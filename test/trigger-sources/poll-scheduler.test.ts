// The poll scheduler against the emulator on a real SQLite file, with an emulated clock for "due".
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { PollScheduler } from '../../src/trigger-sources/poll-scheduler.js';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import { generateSubscriptionSecret } from '../../src/delivery/signing.js';
import { startTriggerHarness, T0, type TriggerHarness } from './trigger-harness.js';
import { insertSubscription } from '../support/store-fixture.js';
import { eventually } from '../support/eventually.js';

describe('the poll scheduler', () => {
  let h: TriggerHarness;
  /** What the scheduler gets for conn_1: the current account, or nothing (a connection that is gone). */
  let stripe: Stripe | undefined;
  let clockMs = T0 * 1000;
  const secret = generateSubscriptionSecret();

  const scheduler = () => new PollScheduler({ db: h.db, stripeFor: async () => stripe, nowMs: () => clockMs });
  const deliveryCount = async () => (await h.db.selectFrom('deliveries').select('id').execute()).length;

  before(async () => {
    h = await startTriggerHarness();
    h.subscriber.addSecret(secret);
  });
  after(() => h?.close());
  beforeEach(async () => {
    await h.reset();
    stripe = h.stripe;
    clockMs = T0 * 1000;
  });

  test('a new subscription is polled at once, then again after its poll interval', async () => {
    await h.subscribe('sub_1', 'customerAdded');
    await stripe!.customers.create({});
    const s = scheduler();
    assert.equal(await s.runDue(), 1);
    assert.equal(await deliveryCount(), 1);
    assert.equal(await s.runDue(), 0, 'not due again before 120 s');
    clockMs += 119_000;
    assert.equal(await s.runDue(), 0);
    clockMs += 1_000;
    assert.equal(await s.runDue(), 1);
  });

  test('wake() starts a new subscription\'s first poll at once instead of at the next tick', async () => {
    // The first round polls only chargeAdded; the next tick is 10 minutes away. That poll's cursor
    // is committed at the end of the round, after its only look for due polls: a subscription made
    // once the cursor is there can only be polled by a later round, which wake() must start.
    await h.subscribe('sub_0', 'chargeAdded');
    const s = new PollScheduler({ db: h.db, stripeFor: async () => stripe, nowMs: () => clockMs, tickMs: 600_000 });
    s.start();
    try {
      const cursors = () => h.db.selectFrom('poll_cursors').select('trigger').execute();
      await eventually(cursors, (rows) => rows.length === 1, 10_000);
      await h.subscribe('sub_1', 'customerAdded');
      await stripe!.customers.create({});
      s.wake();
      assert.equal(await eventually(deliveryCount, (n) => n === 1, 10_000), 1);
    } finally {
      await s.stop();
    }
  });

  test('the shortest interval among a trigger’s subscriptions sets the pace, down to 1 s', async () => {
    await h.subscribe('sub_1', 'customerAdded');
    await h.subscribe('sub_2', 'customerAdded', { poll_interval_seconds: 1 });
    const s = scheduler();
    assert.equal(await s.runDue(), 1, 'one shared poll for both');
    clockMs += 1_000;
    assert.equal(await s.runDue(), 1);
  });

  test('a failing poll is not repeated every tick but after a growing pause', async () => {
    await h.subscribe('sub_o', 'orderAdded');
    await h.control('/_emulator/account/orders', 'enabled=false');
    const s = scheduler();
    assert.equal(await s.runDue(), 1);
    assert.equal(await s.runDue(), 0, 'paused after the failure');
    clockMs += 5_000;
    assert.equal(await s.runDue(), 1);
    clockMs += 5_000;
    assert.equal(await s.runDue(), 0, 'the second pause is longer (10 s)');
    clockMs += 5_000;
    assert.equal(await s.runDue(), 1);
  });

  test('paused and webhook-mode subscriptions start no poll; a connection that is gone is skipped', async () => {
    await h.subscribe('sub_p', 'customerAdded', { status: 'paused' });
    await h.subscribe('sub_w', 'invoiceItemAdded', { mode: 'webhook' });
    assert.equal(await scheduler().runDue(), 0);
    await h.subscribe('sub_a', 'customerAdded');
    stripe = undefined;
    assert.equal(await scheduler().runDue(), 1);
    assert.equal(await deliveryCount(), 0);
  });

  test('poll mode end to end: customers created in Stripe reach the subscriber, signed, oldest first', async () => {
    await h.subscribe('sub_e2e', 'customerAdded', { url: h.subscriber.url });
    for (const [offset, email] of [[1, 'first@example.com'], [2, 'second@example.com'], [3, 'third@example.com']] as const) {
      h.setClock(T0 + offset);
      await stripe!.customers.create({ email });
    }
    // One send at a time, so arrival order is the claim order (oldest object first).
    const worker = new DeliveryWorker({ db: h.db, openSecret: () => secret, send: { allowPrivate: true }, idleIntervalMs: 20, concurrency: 1 });
    const s = new PollScheduler({ db: h.db, stripeFor: async () => stripe, tickMs: 20 });
    s.onEnqueued(() => worker.wake());
    worker.start();
    s.start();
    try {
      await h.subscriber.waitFor(3);
    } finally {
      await s.stop();
      await worker.stop();
    }
    assert.deepEqual(h.subscriber.received.map((d) => d.body.data.email), ['first@example.com', 'second@example.com', 'third@example.com']);
    assert.deepEqual(h.subscriber.unverified, []);
  });

  test('a backlog wakes the delivery worker after each committed slice, not once when the listing is over', async () => {
    const since = T0 - 10_000;
    await insertSubscription(h.db, 'sub_b', 'chargeAdded', since);
    await h.control('/_emulator/bulk', `type=charges&count=2000&created_from=${since}&created_to=${since + 1_999}`);
    let listCalls = 0;
    const stopCounting = h.emulator.state.addInterceptor((request) => {
      if (request.method === 'GET' && request.path.startsWith('/v1/charges')) listCalls += 1;
      return undefined;
    });
    const wakes: { listCalls: number; enqueued: number }[] = [];
    try {
      const s = new PollScheduler({ db: h.db, stripeFor: async () => stripe });
      s.onEnqueued((part) => wakes.push({ listCalls, enqueued: part.enqueued }));
      assert.equal(await s.runDue(), 1, 'one poll');
    } finally {
      stopCounting();
    }
    assert.ok(wakes.length > 1, `${wakes.length} wakes`);
    assert.ok(wakes[0]!.listCalls < listCalls, `first wake after ${wakes[0]!.listCalls} of ${listCalls} list calls`);
    assert.equal(wakes.reduce((sum, w) => sum + w.enqueued, 0), 2_000);
    assert.equal(await deliveryCount(), 2_000);
  });
});
