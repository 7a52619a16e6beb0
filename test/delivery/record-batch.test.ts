// Recording a group of outcomes at once (record-attempt.ts): successes share one UPDATE, yet each
// delivery keeps its own attempt count, times and status; failures follow the backoff and count
// only while the claim is still the worker's. And the claim walks the partial index of pending
// deliveries (migration 004) rather than every delivery ever made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../support/store-fixture.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';
import { CompiledQuery } from 'kysely';
import { claimDueDeliveries, dueDeliveriesSearch } from '../../src/store/deliveries/claim.js';
import { recordAttempts, type AttemptOutcome } from '../../src/delivery/record-attempt.js';
import type { SendResult } from '../../src/delivery/send.js';

const ok = (status: number): SendResult => ({ delivered: true, status, durationMs: 3, responseSnippet: null, error: null });
const failed: SendResult = { delivered: false, status: 500, durationMs: 4, responseSnippet: 'down', error: 'answered 500' };

test('a group of outcomes records each delivery with its own attempt, times and status', async () => {
  const { db, close } = await openTestStore();
  try {
    const t0 = Date.parse('2026-11-26T08:00:00Z');
    await db
      .insertInto('subscriptions')
      .values({ id: 'sub_r', user_id: 'usr_1', connection_id: 'conn_1', trigger: 'chargeAdded', url: 'http://127.0.0.1:9/', mode: 'poll', poll_interval_seconds: 120, secret_ciphertext: 'sealed', status: 'active', since: new Date(0).toISOString(), created_at: new Date(t0).toISOString() })
      .execute();
    const objects = ['ch_a', 'ch_b', 'ch_c', 'ch_d'].map((id, i) => ({ stripeObjectId: id, objectCreated: 1_795_000_000 + i, data: { id }, subscriptionIds: ['sub_r'] }));
    await enqueueTriggerEvents(db, { connectionId: 'conn_1', trigger: 'chargeAdded', objects }, t0);
    // ch_b was tried once before, at t0 − 10 s.
    await db.updateTable('deliveries').set({ attempts: 1, first_attempt_at: new Date(t0 - 10_000).toISOString() }).where('stripe_object_id', '=', 'ch_b').execute();
    const claimed = await claimDueDeliveries(db, { nowMs: t0, limit: 10 });
    assert.deepEqual(claimed.map((d) => d.stripe_object_id), ['ch_a', 'ch_b', 'ch_c', 'ch_d']);
    const byObject = new Map(claimed.map((d) => [d.stripe_object_id, d]));
    const outcome = (id: string, result: SendResult, startedAtMs: number): AttemptOutcome => ({ claimed: byObject.get(id)!, result, startedAtMs, endedAtMs: startedAtMs + result.durationMs });
    // ch_d's claim was taken over by another worker meanwhile: its failure must not count.
    await db.updateTable('deliveries').set({ claim_token: 'someone-else' }).where('stripe_object_id', '=', 'ch_d').execute();
    const statuses = await recordAttempts(
      db,
      [outcome('ch_a', ok(200), t0 + 1), outcome('ch_b', ok(204), t0 + 2), outcome('ch_c', failed, t0 + 3), outcome('ch_d', failed, t0 + 4)],
      { random: () => 0 },
    );
    assert.deepEqual(statuses, ['delivered', 'delivered', 'pending', 'pending']);
    const rows = new Map((await db.selectFrom('deliveries').selectAll().execute()).map((d) => [d.stripe_object_id, d]));
    const a = rows.get('ch_a')!;
    const b = rows.get('ch_b')!;
    const c = rows.get('ch_c')!;
    const d = rows.get('ch_d')!;
    assert.deepEqual([a.status, a.attempts, a.first_attempt_at, a.delivered_at, a.last_status_code, a.claim_token], ['delivered', 1, new Date(t0 + 1).toISOString(), new Date(t0 + 4).toISOString(), 200, null]);
    assert.deepEqual([b.status, b.attempts, b.first_attempt_at, b.delivered_at, b.last_status_code], ['delivered', 2, new Date(t0 - 10_000).toISOString(), new Date(t0 + 5).toISOString(), 204]);
    assert.deepEqual([c.status, c.attempts, c.last_status_code, c.next_attempt_at], ['pending', 1, 500, new Date(t0 + 7 + 5_000).toISOString()]);
    assert.deepEqual([d.attempts, d.claim_token], [0, 'someone-else'], 'another worker’s claim decides');
    const attempts = await db.selectFrom('delivery_attempts').select(['delivery_id', 'attempt', 'status_code']).execute();
    assert.equal(attempts.length, 4, 'every attempt is in history, the overtaken one too');
  } finally {
    await close();
  }
});

test('a delivery deleted while it was being sent (its subscription removed) does not cost the others of its group their record', async () => {
  const { db, close } = await openTestStore();
  try {
    const t0 = Date.parse('2026-11-26T09:00:00Z');
    for (const id of ['sub_kept', 'sub_gone']) {
      await db
        .insertInto('subscriptions')
        .values({ id, user_id: 'usr_1', connection_id: 'conn_1', trigger: 'chargeAdded', url: 'http://127.0.0.1:9/', mode: 'poll', poll_interval_seconds: 120, secret_ciphertext: 'sealed', status: 'active', since: new Date(0).toISOString(), created_at: new Date(t0).toISOString() })
        .execute();
    }
    await enqueueTriggerEvents(db, { connectionId: 'conn_1', trigger: 'chargeAdded', objects: [{ stripeObjectId: 'ch_1', objectCreated: 1_795_000_000, data: { id: 'ch_1' }, subscriptionIds: ['sub_kept', 'sub_gone'] }] }, t0);
    const claimed = await claimDueDeliveries(db, { nowMs: t0, limit: 10 });
    assert.equal(claimed.length, 2);
    // The subscription is deleted while its delivery is in flight: the delivery goes with it.
    await db.deleteFrom('subscriptions').where('id', '=', 'sub_gone').execute();
    const statuses = await recordAttempts(
      db,
      claimed.map((delivery) => ({ claimed: delivery, result: ok(200), startedAtMs: t0 + 1, endedAtMs: t0 + 4 })),
    );
    assert.deepEqual(statuses, ['delivered', 'delivered']);
    const kept = await db.selectFrom('deliveries').selectAll().where('subscription_id', '=', 'sub_kept').executeTakeFirstOrThrow();
    assert.equal(kept.status, 'delivered', 'recorded, so it is not sent again when the lease runs out');
    const attempts = await db.selectFrom('delivery_attempts').select(['delivery_id']).execute();
    assert.deepEqual(attempts.map((a) => a.delivery_id), [kept.id], 'no attempt row for the deleted delivery');
  } finally {
    await close();
  }
});

test(
  'the claim searches the pending deliveries in due order, not every delivery of an active subscription',
  { skip: process.env.TEST_DATABASE_URL ? 'reads SQLite’s query plan; PostgreSQL plans by its statistics' : false },
  async () => {
    const { db, close } = await openTestStore();
    try {
      const search = dueDeliveriesSearch(db, '2026-11-26T08:00:00.000Z', 100).compile();
      const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${search.sql}`, [...search.parameters]));
      const details = plan.rows.map((row) => row.detail).join('\n');
      assert.match(details, /USING INDEX deliveries_pending_due/);
      assert.doesNotMatch(details, /TEMP B-TREE FOR ORDER BY/, 'the index gives the due order; nothing is sorted');
    } finally {
      await close();
    }
  },
);
