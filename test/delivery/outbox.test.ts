// The outbox on a real SQLite file: enqueue, leased claims, the worker sending to real local
// subscribers on 127.0.0.1 port 0, attempts and backoff on an emulated clock.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Store } from '../../src/store/database.js';
import { openTestStore, type TestStore } from '../support/store-fixture.js';
import { Webhook } from 'standardwebhooks';
import type { SubscriptionRow } from '../../src/store/schema.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';
import { claimDueDeliveries } from '../../src/store/deliveries/claim.js';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import { generateSubscriptionSecret } from '../../src/delivery/signing.js';
import { replayDelivery } from '../../src/store/deliveries/replay.js';
import { listDeliveryPage } from '../../src/store/deliveries/history.js';
import { createLogger } from '../../src/log.js';
import { eventually } from '../support/eventually.js';
import { closeAll } from '../support/cleanup.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A subscriber on 127.0.0.1 port 0 that answers with the next status of `script` (then the last one). */
async function startSubscriber() {
  const received: Received[] = [];
  const state = { script: [200] as number[] };
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      const status = state.script.length > 1 ? state.script.shift()! : state.script[0]!;
      res.writeHead(status).end(status >= 300 ? 'not now' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    /** Resolves once `count` requests have arrived. */
    receivedCount(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    answer(...statuses: number[]) {
      state.script = statuses;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the delivery outbox', () => {
  let store: TestStore;
  let db: Store;
  let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
  const secrets = new Map<string, string>();
  let clockMs = Date.now();
  const nowMs = () => clockMs;
  let subCount = 0;

  async function addSubscription(overrides: Partial<SubscriptionRow> = {}): Promise<SubscriptionRow> {
    subCount += 1;
    const id = `sub_${subCount}`;
    const secret = generateSubscriptionSecret();
    secrets.set(id, secret);
    const row: SubscriptionRow = {
      id,
      user_id: 'usr_1',
      connection_id: 'conn_1',
      trigger: 'chargeAdded',
      url: subscriber.url,
      mode: 'poll',
      poll_interval_seconds: 120,
      // The store keeps it sealed with the master key; the worker gets it through openSecret.
      secret_ciphertext: 'sealed',
      status: 'active',
      since: new Date(clockMs).toISOString(),
      created_at: new Date(clockMs).toISOString(),
      ...overrides,
    };
    await db.insertInto('subscriptions').values(row).execute();
    return row;
  }

  const notice = (objectId: string, subscriptionIds: string[], created = 1_795_000_000) =>
    enqueueTriggerEvents(
      db,
      {
        connectionId: 'conn_1',
        trigger: 'chargeAdded',
        objects: [{ stripeObjectId: objectId, objectCreated: created, data: { id: objectId, amount: 100 }, subscriptionIds }],
      },
      clockMs,
    );

  const worker = (overrides: Partial<ConstructorParameters<typeof DeliveryWorker>[0]> = {}) =>
    new DeliveryWorker({
      db,
      openSecret: (subscription) => secrets.get(subscription.id)!,
      send: { allowPrivate: true, timeoutMs: 2_000 },
      nowMs,
      random: () => 0,
      ...overrides,
    });

  before(async () => {
    store = await openTestStore();
    db = store.db;
    subscriber = await startSubscriber();
  });

  after(() => closeAll(() => subscriber?.stop(), () => store?.close()));

  beforeEach(async () => {
    await db.deleteFrom('subscriptions').execute();
    await db.deleteFrom('trigger_events').execute();
    subscriber.received.length = 0;
    subscriber.answer(200);
    clockMs = Date.now();
  });

  test('noticing the same Stripe object twice stores one event and one delivery per subscription', async () => {
    const a = await addSubscription();
    const b = await addSubscription();
    const first = await notice('ch_1', [a.id, b.id]);
    const again = await notice('ch_1', [a.id, b.id]);
    assert.equal(first.deliveriesCreated, 2);
    assert.equal(again.deliveriesCreated, 0);
    assert.equal((await db.selectFrom('trigger_events').selectAll().execute()).length, 1);
    const deliveries = await db.selectFrom('deliveries').selectAll().execute();
    assert.equal(deliveries.length, 2);
    assert.notEqual(deliveries[0]!.id, deliveries[1]!.id);
    assert.equal(deliveries[0]!.event_id, deliveries[1]!.event_id);
  });

  test('a due delivery is POSTed once, signed, in the documented body, and recorded as delivered', async () => {
    const sub = await addSubscription();
    await notice('ch_2', [sub.id], 1_795_000_000);
    assert.equal(await worker().runOnce(), 1);
    assert.equal(subscriber.received.length, 1);
    const got = subscriber.received[0]!;
    const body = new Webhook(secrets.get(sub.id)!).verify(got.body, got.headers as Record<string, string>) as Record<string, unknown>;
    const delivery = await db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(body, {
      id: delivery.id,
      type: 'chargeAdded',
      subscription: sub.id,
      connection: 'conn_1',
      created: '2026-11-18T11:06:40Z',
      data: { id: 'ch_2', amount: 100 },
    });
    assert.equal(got.headers['webhook-id'], delivery.id);
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.locked_until, null);
    const attempts = await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', delivery.id).execute();
    assert.deepEqual(attempts.map((a) => [a.attempt, a.status_code]), [[1, 200]]);
    assert.equal(await worker().runOnce(), 0, 'nothing left to send');
  });

  test('a subscriber answering 500 for a while is retried on the backoff schedule, then delivered with the same webhook-id', async () => {
    const sub = await addSubscription();
    await notice('ch_3', [sub.id]);
    subscriber.answer(500, 500, 200);
    const w = worker();
    assert.equal(await w.runOnce(), 1);
    let delivery = await db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'pending');
    assert.equal(Date.parse(delivery.next_attempt_at) - clockMs, 5_000);
    assert.equal(await w.runOnce(), 0, 'not due before its time');
    clockMs += 5_000;
    assert.equal(await w.runOnce(), 1);
    delivery = await db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(Date.parse(delivery.next_attempt_at) - clockMs, 10_000);
    clockMs += 10_000;
    assert.equal(await w.runOnce(), 1);
    delivery = await db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempts, 3);
    assert.deepEqual(new Set(subscriber.received.map((r) => r.headers['webhook-id'])), new Set([delivery.id]));
    const attempts = await db.selectFrom('delivery_attempts').select(['attempt', 'status_code', 'error']).orderBy('attempt').execute();
    assert.deepEqual(attempts.map((a) => [a.attempt, a.status_code, a.error]), [
      [1, 500, 'answered 500'],
      [2, 500, 'answered 500'],
      [3, 200, null],
    ]);
  });

  test('a delivery still failing 24 hours after its first attempt is marked failed', async () => {
    const sub = await addSubscription();
    await notice('ch_4', [sub.id]);
    subscriber.answer(503);
    const w = worker();
    await w.runOnce();
    clockMs += 24 * 60 * 60 * 1000;
    assert.equal(await w.runOnce(), 1);
    const delivery = await db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'failed');
    assert.equal(delivery.last_status_code, 503);
    clockMs += 24 * 60 * 60 * 1000;
    assert.equal(await w.runOnce(), 0, 'a failed delivery is not retried on its own');
  });

  test('a failed delivery replayed is sent again at once, with the same webhook-id, and history shows every attempt', async () => {
    const sub = await addSubscription();
    await notice('ch_r', [sub.id]);
    subscriber.answer(500);
    const w = worker();
    await w.runOnce();
    clockMs += 24 * 60 * 60 * 1000;
    await w.runOnce();
    const failed = await db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(failed.status, 'failed');

    subscriber.answer(200);
    clockMs += 60_000;
    const replayed = await replayDelivery(db, failed.id, clockMs);
    assert.equal(replayed?.status, 'pending');
    assert.equal(await w.runOnce(), 1);
    assert.deepEqual(new Set(subscriber.received.map((r) => r.headers['webhook-id'])), new Set([failed.id]));
    const [history] = (await listDeliveryPage(db, { subscriptionId: sub.id })).deliveries;
    assert.equal(history?.status, 'delivered');
    assert.deepEqual(history?.attempt_history.map((a) => a.status_code), [500, 500, 200]);
    assert.equal(await replayDelivery(db, 'msg_unknown', clockMs), undefined);
  });

  test('attempt numbers run on across manual retries, while the backoff starts over after each', async () => {
    const sub = await addSubscription();
    await notice('ch_numbers', [sub.id]);
    subscriber.answer(500);
    const w = worker();
    await w.runOnce();
    clockMs += 24 * 60 * 60 * 1000;
    await w.runOnce();
    const [first] = (await listDeliveryPage(db, { subscriptionId: sub.id })).deliveries;
    assert.equal(first?.status, 'failed');

    const replayed = await replayDelivery(db, first!.id, clockMs);
    assert.equal(replayed?.attempts, 0, 'the backoff counts from the replay');
    assert.equal(await w.runOnce(), 1);
    const afterOne = await db.selectFrom('deliveries').selectAll().where('id', '=', first!.id).executeTakeFirstOrThrow();
    assert.equal(afterOne.status, 'pending', 'a fresh 24 h window after the replay');
    assert.equal(afterOne.attempts, 1);

    await replayDelivery(db, first!.id, clockMs);
    subscriber.answer(200);
    assert.equal(await w.runOnce(), 1);
    const [history] = (await listDeliveryPage(db, { subscriptionId: sub.id })).deliveries;
    assert.equal(history?.status, 'delivered');
    assert.deepEqual(history?.attempt_history.map((a) => [a.attempt, a.status_code]), [[1, 500], [2, 500], [3, 500], [4, 200]]);
  });

  test('a claimed delivery is not claimed again until its lease runs out (a crashed worker), then resent with the same id', async () => {
    const sub = await addSubscription();
    await notice('ch_5', [sub.id]);
    const [claimed] = await claimDueDeliveries(db, { nowMs: clockMs, limit: 10, leaseMs: 60_000 });
    assert.ok(claimed);
    assert.deepEqual(await claimDueDeliveries(db, { nowMs: clockMs + 59_000, limit: 10, leaseMs: 60_000 }), []);
    clockMs += 60_000;
    assert.equal(await worker().runOnce(), 1);
    assert.equal(subscriber.received[0]!.headers['webhook-id'], claimed.id);
  });

  test('deliveries of a paused subscription wait, and go out once it is active again', async () => {
    const sub = await addSubscription({ status: 'paused' });
    await notice('ch_6', [sub.id]);
    assert.equal(await worker().runOnce(), 0);
    await db.updateTable('subscriptions').set({ status: 'active' }).where('id', '=', sub.id).execute();
    assert.equal(await worker().runOnce(), 1);
  });

  test('due deliveries are claimed oldest Stripe object first', async () => {
    const sub = await addSubscription();
    await notice('ch_new', [sub.id], 1_795_000_300);
    await notice('ch_old', [sub.id], 1_795_000_100);
    await notice('ch_mid', [sub.id], 1_795_000_200);
    const claimed = await claimDueDeliveries(db, { nowMs: clockMs, limit: 10 });
    assert.deepEqual(claimed.map((d) => d.stripe_object_id), ['ch_old', 'ch_mid', 'ch_new']);
  });

  test('deleting a subscription deletes its deliveries', async () => {
    const sub = await addSubscription();
    await notice('ch_7', [sub.id]);
    await db.deleteFrom('subscriptions').where('id', '=', sub.id).execute();
    assert.equal((await db.selectFrom('deliveries').selectAll().execute()).length, 0);
  });

  test('a running worker delivers newly enqueued events and stops cleanly', async () => {
    const sub = await addSubscription();
    const w = worker({ nowMs: Date.now, idleIntervalMs: 20 });
    w.start();
    await notice('ch_8', [sub.id]);
    w.wake();
    await subscriber.receivedCount(1);
    await w.stop();
    assert.equal(subscriber.received.length, 1);
  });

  test('a worker whose claims fail logs each failure, pauses longer each time, and delivers once the store answers again', async () => {
    const sub = await addSubscription();
    await notice('ch_9', [sub.id]);
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const claimFailures = () =>
      logged
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { msg: string; retryInMs: number; err: { message: string } })
        .filter((line) => line.msg === 'claiming due deliveries failed');
    // The table the claim reads is away: every claim fails until it is back.
    await db.schema.alterTable('deliveries').renameTo('deliveries_away').execute();
    const w = worker({ nowMs: Date.now, idleIntervalMs: 20, logger: createLogger({ level: 'info', destination: sink }) });
    w.start();
    try {
      const failures = await eventually(async () => claimFailures(), (lines) => lines.length >= 3);
      assert.deepEqual(failures.slice(0, 3).map((line) => line.retryInMs), [20, 40, 80], 'the pause doubles from the idle interval');
      assert.match(failures[0]!.err.message, /deliveries/);
      assert.equal(subscriber.received.length, 0);
    } finally {
      await db.schema.alterTable('deliveries_away').renameTo('deliveries').execute();
    }
    await subscriber.receivedCount(1);
    await w.stop();
    assert.equal(subscriber.received.length, 1);
  });
});
