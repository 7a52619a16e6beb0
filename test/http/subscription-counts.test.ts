// Each subscription view's `counts` and the subscription list's connection filter: the real app
// (inject) over a store from the fixture, deliveries written at known times, replays through the
// API and sends recorded by the worker's own functions, on a clock the test moves.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { closeAll } from '../support/cleanup.js';
import { insertConnectionRow, insertSubscriptionRow, seedDeliveries, type SeededDelivery } from '../support/delivery-seed.js';
import { claimDueDeliveries } from '../../src/store/deliveries/claim.js';
import { recordAttempts } from '../../src/delivery/record-attempt.js';

interface SubscriptionJson {
  id: string;
  connection: string;
  counts: { delivered: number; failed: number; pending: number };
}

const MINUTE = 60_000;

describe('subscription counts and the connection filter', () => {
  let h: Harness;
  let clockMs = Date.parse('2026-11-26T12:00:00.000Z');
  let a: SeededDelivery[] = [];

  before(async () => {
    h = await startHarness({ services: { nowMs: () => clockMs } });
    const db = h.services.db;
    await insertConnectionRow(db, 'conn_1', h.alice.userId);
    await insertConnectionRow(db, 'conn_2', h.alice.userId);
    await insertConnectionRow(db, 'conn_bob', h.bob.userId);
    await insertSubscriptionRow(db, 'sub_a', h.alice.userId, 'conn_1', 'customerAdded', '2026-11-26T01:00:00.000Z');
    await insertSubscriptionRow(db, 'sub_b', h.alice.userId, 'conn_2', 'customerAdded', '2026-11-26T01:00:01.000Z');
    await insertSubscriptionRow(db, 'sub_bob', h.bob.userId, 'conn_bob', 'customerAdded');
    const seed = (subscriptionId: string, connectionId: string, count: number, startMs: number, status: 'delivered' | 'failed' | 'pending') =>
      seedDeliveries(db, { subscriptionId, connectionId, trigger: 'customerAdded', count, startMs, stepMs: MINUTE, status: () => status });
    a = [
      ...(await seed('sub_a', 'conn_1', 40, clockMs - 10 * 60 * MINUTE, 'delivered')),
      ...(await seed('sub_a', 'conn_1', 5, clockMs - 3 * 60 * MINUTE, 'failed')),
      ...(await seed('sub_a', 'conn_1', 3, clockMs - 2 * MINUTE, 'pending')),
    ];
    await seed('sub_b', 'conn_2', 10, clockMs - 60 * MINUTE, 'delivered');
    await seed('sub_bob', 'conn_bob', 7, clockMs - 60 * MINUTE, 'delivered');
  });

  after(() => closeAll(() => h?.close()));

  async function counts(): Promise<Record<string, SubscriptionJson['counts']>> {
    const res = await h.request('GET', '/api/subscriptions');
    assert.equal(res.statusCode, 200, res.body);
    const list = (res.json() as { data: SubscriptionJson[] }).data;
    for (const s of list) {
      const one = await h.request('GET', `/api/subscriptions/${s.id}`);
      assert.deepEqual((one.json() as SubscriptionJson).counts, s.counts, 'GET one agrees with the list');
    }
    return Object.fromEntries(list.map((s) => [s.id, s.counts]));
  }

  test('each subscription counts its own deliveries by status, the same on every read', async () => {
    const want = { sub_a: { delivered: 40, failed: 5, pending: 3 }, sub_b: { delivered: 10, failed: 0, pending: 0 } };
    assert.deepEqual(await counts(), want);
    assert.deepEqual(await counts(), want);
    clockMs += 30 * MINUTE;
    assert.deepEqual(await counts(), want);
  });

  test('replays and the sends after them move the counts', async () => {
    const delivered = a.find((d) => d.status === 'delivered')!;
    const failed = a.find((d) => d.status === 'failed')!;
    assert.equal((await h.request('POST', `/api/deliveries/${delivered.id}/retry`)).statusCode, 200);
    assert.deepEqual((await counts()).sub_a, { delivered: 39, failed: 5, pending: 4 });
    assert.equal((await h.request('POST', `/api/deliveries/${failed.id}/retry`)).statusCode, 200);
    assert.deepEqual((await counts()).sub_a, { delivered: 39, failed: 4, pending: 5 });

    // The worker's round: every pending delivery of sub_a sent and answered 2xx.
    assert.equal((await h.request('POST', '/api/subscriptions/sub_a/resume')).statusCode, 200);
    // Replays are due at the real time (the delivery history's clock), the seeded ones at the test's.
    const claimed = await claimDueDeliveries(h.services.db, { nowMs: Math.max(clockMs, Date.now()), limit: 100 });
    assert.equal(claimed.length, 5);
    await recordAttempts(
      h.services.db,
      claimed.map((delivery) => ({ claimed: delivery, result: { delivered: true, status: 204, durationMs: 3, responseSnippet: null, error: null }, startedAtMs: clockMs, endedAtMs: clockMs + 3 })),
    );
    assert.deepEqual((await counts()).sub_a, { delivered: 44, failed: 4, pending: 0 });
    clockMs += 60 * MINUTE;
    assert.deepEqual((await counts()).sub_a, { delivered: 44, failed: 4, pending: 0 });
  });

  test('the list filters by connection; another user\'s connection is a 404', async () => {
    const res = await h.request('GET', '/api/subscriptions?connection=conn_2');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      (res.json() as { data: SubscriptionJson[] }).data.map((s) => s.id),
      ['sub_b'],
    );
    assert.equal((await h.request('GET', '/api/subscriptions?connection=conn_bob')).statusCode, 404);
    const bobs = (await h.request('GET', '/api/subscriptions', { token: h.bob.token })).json() as { data: SubscriptionJson[] };
    assert.deepEqual(bobs.data[0]!.counts, { delivered: 7, failed: 0, pending: 0 });
  });
});
