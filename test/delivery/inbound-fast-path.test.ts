// The inbound webhook path's fast parts on a real SQLite file (or PostgreSQL, store-fixture.ts):
// group commit (many requests, one transaction, each answered after it), the cached endpoint
// secret (a rotated one still works, refusals stay refusals), and deliveries handed to the local
// worker already claimed — which a crash leaves to any worker once the lease runs out.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Store } from '../../src/store/database.js';
import { clearTriggerState, openTestStore, type TestStore } from '../support/store-fixture.js';
import { startSubscriber, type Subscriber } from '../support/recording-subscriber.js';
import type { DeliveryHandoff, ReadyDelivery } from '../../src/delivery/handoff.js';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import { generateSubscriptionSecret } from '../../src/delivery/signing.js';
import { InboundWebhooks } from '../../src/trigger-sources/inbound-webhook.js';
import { ConnectorError } from '../../src/errors.js';
import { closeAll } from '../support/cleanup.js';

// Real time: the subscriber verifies Standard Webhooks timestamps, which must be within 5 minutes.
const T0 = Math.floor(Date.now() / 1000) - 60;

function chargeEvent(n: number, createdSeconds = T0): string {
  return JSON.stringify({
    id: `evt_fast${n}`,
    object: 'event',
    type: 'charge.succeeded',
    created: createdSeconds,
    data: { object: { id: `ch_fast${n}`, object: 'charge', amount: 100 + n, created: createdSeconds, currency: 'usd', status: 'succeeded', paid: true } },
  });
}

function signed(body: string, secret: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

describe('the inbound fast path', () => {
  let store: TestStore;
  let db: Store;
  const subscriptionSecret = generateSubscriptionSecret();
  let subscriber: Subscriber;
  let clockMs = T0 * 1000 + 5_000;
  const nowMs = () => clockMs;
  let endpointSecret = 'whsec_first';
  let secretReads = 0;

  const inbound = (handoff?: DeliveryHandoff) =>
    new InboundWebhooks({
      db: store.store,
      secretFor: async (connectionId) => {
        secretReads += 1;
        return connectionId === 'conn_1' ? endpointSecret : undefined;
      },
      nowMs,
      ...(handoff ? { handoff } : {}),
    });
  const post = (receiver: InboundWebhooks, n: number, secret = endpointSecret) => {
    const body = chargeEvent(n);
    return receiver.receive('conn_1', body, signed(body, secret, clockMs));
  };

  before(async () => {
    store = await openTestStore();
    db = store.db;
    subscriber = await startSubscriber();
    subscriber.addSecret(subscriptionSecret);
  });

  after(() => closeAll(() => subscriber?.close(), () => store?.close()));

  beforeEach(async () => {
    await clearTriggerState(db);
    await store.store.deleteFrom('stripe_events_seen').execute();
    subscriber.received.length = 0;
    endpointSecret = 'whsec_first';
    secretReads = 0;
    clockMs = T0 * 1000 + 5_000;
    await db
      .insertInto('subscriptions')
      .values({
        id: 'sub_fast',
        user_id: 'usr_1',
        connection_id: 'conn_1',
        trigger: 'chargeAdded',
        url: subscriber.url,
        mode: 'webhook',
        poll_interval_seconds: 120,
        secret_ciphertext: 'sealed',
        status: 'active',
        since: new Date(T0 * 1000).toISOString(),
        created_at: new Date(T0 * 1000).toISOString(),
      })
      .execute();
  });

  test('fifty events posted at once are each answered only once stored, and a repeat among them is answered as a duplicate', async () => {
    const receiver = inbound();
    const answers = await Promise.all([...Array.from({ length: 50 }, (_, n) => post(receiver, n)), post(receiver, 7)]);
    assert.equal(answers.filter((a) => a.duplicate).length, 1);
    const stored = await db.selectFrom('deliveries').select('stripe_object_id').execute();
    assert.equal(stored.length, 50);
    assert.equal(secretReads, 1, 'the endpoint secret was read once, then reused');
    assert.deepEqual(await post(receiver, 3), { eventId: 'evt_fast3', duplicate: true });
  });

  test('a rotated endpoint secret is accepted at once, and a wrong one is still refused after a fresh read', async () => {
    const receiver = inbound();
    await post(receiver, 1);
    endpointSecret = 'whsec_rotated';
    assert.equal((await post(receiver, 2)).duplicate, false, 'signed with the new secret while the old one was cached');
    const reads = secretReads;
    await assert.rejects(post(receiver, 3, 'whsec_forged'), (error: unknown) => error instanceof ConnectorError && error.status === 400);
    assert.equal(secretReads, reads + 1, 'the refusal was decided on the stored secret, not the cached one');
    assert.equal((await db.selectFrom('deliveries').selectAll().execute()).length, 2, 'nothing stored for the forged one');
  });

  test('one event whose store fails does not fail the others committed with it', async () => {
    // The second request's connection is deleted between its signature check (its secret still
    // cached) and the commit: its seen id cannot be stored, which fails the group's transaction.
    await store.store
      .insertInto('connections')
      .values({ id: 'conn_gone', user_id: 'usr_1', name: 'gone', mode: 'test', key_hint: 'sk_test_…gone', key_ciphertext: 'sealed', api_base: 'http://127.0.0.1:1', api_version: null, rate_limit: null, key_check: 'verified', created_at: new Date().toISOString() })
      .execute();
    const goneReceiver = new InboundWebhooks({ db: store.store, secretFor: async () => endpointSecret, nowMs });
    const gone = chargeEvent(900);
    await goneReceiver.receive('conn_gone', chargeEvent(901), signed(chargeEvent(901), endpointSecret, clockMs)); // caches the secret
    await store.store.deleteFrom('connections').where('id', '=', 'conn_gone').execute();
    const okBody = chargeEvent(1);
    const [ok, refused] = await Promise.allSettled([
      goneReceiver.receive('conn_1', okBody, signed(okBody, endpointSecret, clockMs)),
      goneReceiver.receive('conn_gone', gone, signed(gone, endpointSecret, clockMs)),
    ]);
    assert.equal(ok.status, 'fulfilled');
    assert.equal(refused.status, 'rejected', 'its seen id cannot be stored for a connection that is gone');
    assert.deepEqual((await db.selectFrom('deliveries').select('stripe_object_id').execute()).map((d) => d.stripe_object_id), ['ch_fast1']);
  });

  test('deliveries created by an inbound webhook reach the running worker already claimed, and are sent once', async () => {
    const worker = new DeliveryWorker({ db, openSecret: () => subscriptionSecret, send: { allowPrivate: true }, nowMs, idleIntervalMs: 60_000 });
    worker.start();
    try {
      const receiver = inbound(worker);
      await Promise.all(Array.from({ length: 20 }, (_, n) => post(receiver, n)));
      // The idle interval is a minute: only the handoff can have brought them to the worker this fast.
      await subscriber.waitFor(20);
    } finally {
      await worker.stop();
    }
    assert.equal(new Set(subscriber.received.map((r) => r.webhookId)).size, 20);
    assert.deepEqual(subscriber.unverified, [], 'every delivery verifies with the subscription secret');
    const rows = await db.selectFrom('deliveries').select(['status', 'attempts', 'claim_token']).execute();
    assert.deepEqual(new Set(rows.map((r) => `${r.status}/${r.attempts}/${r.claim_token}`)), new Set(['delivered/1/null']));
  });

  test('handed-over deliveries that were never sent (the process died) are sent by another worker once the lease runs out, with the same webhook-id', async () => {
    const lost: ReadyDelivery[] = [];
    const dying: DeliveryHandoff = {
      reserve: (at) => ({ claimToken: 'dead-worker', lockedUntil: new Date(at + 60_000).toISOString() }),
      accept: (ready) => lost.push(...ready),
    };
    const receiver = inbound(dying);
    await Promise.all([post(receiver, 1), post(receiver, 2)]);
    assert.equal(lost.length, 2);
    const other = new DeliveryWorker({ db, openSecret: () => subscriptionSecret, send: { allowPrivate: true }, nowMs });
    assert.equal(await other.runOnce(), 0, 'still held by the dead worker’s lease');
    clockMs += 60_000;
    assert.equal(await other.runOnce(), 2);
    assert.deepEqual(subscriber.received.map((r) => r.webhookId).sort(), lost.map((r) => r.delivery.id).sort());
    assert.deepEqual(subscriber.unverified, [], 'every delivery verifies with the subscription secret');
  });

  test('a paused subscription’s deliveries are not handed over; they wait for it to resume', async () => {
    await db.updateTable('subscriptions').set({ status: 'paused' }).execute();
    const taken: ReadyDelivery[] = [];
    const receiver = inbound({ reserve: (at) => ({ claimToken: 'local', lockedUntil: new Date(at + 60_000).toISOString() }), accept: (ready) => taken.push(...ready) });
    await post(receiver, 1);
    assert.equal(taken.length, 0);
    const row = await db.selectFrom('deliveries').select(['status', 'claim_token']).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'pending', claim_token: null });
  });
});
