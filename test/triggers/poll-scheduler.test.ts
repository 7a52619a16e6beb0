// The poll scheduler against the emulator on a real SQLite file, with an emulated clock for "due".
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import type { OutboxDatabase, SubscriptionRow } from '../../src/delivery/outbox-tables.js';
import { PollScheduler } from '../../src/triggers/poll-scheduler.js';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import { generateSubscriptionSecret } from '../../src/delivery/signing.js';
import { openTestStore, type TestStore, clearTriggerState } from '../delivery/store-fixture.js';

const T0 = 1_795_000_000;

describe('the poll scheduler', () => {
  let emulator: RunningEmulator;
  let store: TestStore;
  let db: Kysely<OutboxDatabase>;
  let stripe: Stripe | undefined;
  let apiKey: string;
  let keyCounter = 0;
  let clockMs = T0 * 1000;
  const secret = generateSubscriptionSecret();

  const scheduler = () =>
    new PollScheduler({ db, stripeFor: async () => stripe, nowMs: () => clockMs });

  async function subscribe(id: string, trigger: string, overrides: Partial<SubscriptionRow> = {}) {
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
        since: new Date(T0 * 1000).toISOString(),
        created_at: new Date(T0 * 1000).toISOString(),
        ...overrides,
      })
      .execute();
  }
  const deliveryCount = async () => (await db.selectFrom('deliveries').select('id').execute()).length;

  before(async () => {
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
    apiKey = `sk_test_sched${process.pid}x${++keyCounter}`;
    stripe = createStripeClient({ apiKey, apiBase: emulator.url, requestsPerSecond: false });
    clockMs = T0 * 1000;
  });

  test('a new subscription is polled at once, then again after its poll interval', async () => {
    await subscribe('sub_1', 'customerAdded');
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

  test('the shortest interval among a trigger’s subscriptions sets the pace, down to 1 s', async () => {
    await subscribe('sub_1', 'customerAdded');
    await subscribe('sub_2', 'customerAdded', { poll_interval_seconds: 1 });
    const s = scheduler();
    assert.equal(await s.runDue(), 1, 'one shared poll for both');
    clockMs += 1_000;
    assert.equal(await s.runDue(), 1);
  });

  test('a failing poll is not repeated every tick but after a growing pause', async () => {
    await subscribe('sub_o', 'orderAdded');
    await fetch(`${emulator.url}/_emulator/account/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'enabled=false',
    });
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
    await subscribe('sub_p', 'customerAdded', { status: 'paused' });
    await subscribe('sub_w', 'invoiceItemAdded', { mode: 'webhook' });
    assert.equal(await scheduler().runDue(), 0);
    await subscribe('sub_a', 'customerAdded');
    stripe = undefined;
    assert.equal(await scheduler().runDue(), 1);
    assert.equal(await deliveryCount(), 0);
  });

  test('poll mode end to end: customers created in Stripe reach the subscriber, signed, oldest first', async () => {
    const received: { id: string; data: { email: string } }[] = [];
    let resolveAll: () => void = () => {};
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push(new Webhook(secret).verify(body, req.headers as Record<string, string>) as (typeof received)[number]);
        res.writeHead(204).end();
        if (received.length === 3) resolveAll();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await subscribe('sub_e2e', 'customerAdded', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
      for (const [offset, email] of [[1, 'first@example.com'], [2, 'second@example.com'], [3, 'third@example.com']] as const) {
        emulator.clock.setMs((T0 + offset) * 1000);
        await stripe!.customers.create({ email });
      }
      // One send at a time, so arrival order is the claim order (oldest object first).
      const worker = new DeliveryWorker({ db, openSecret: () => secret, send: { allowPrivate: true }, idleIntervalMs: 20, concurrency: 1 });
      const s = new PollScheduler({ db, stripeFor: async () => stripe, onEnqueued: () => worker.wake(), tickMs: 20 });
      worker.start();
      s.start();
      await all;
      await s.stop();
      await worker.stop();
      assert.deepEqual(received.map((event) => event.data.email), ['first@example.com', 'second@example.com', 'third@example.com']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
