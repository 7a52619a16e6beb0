// The caller's deliveries across subscriptions (GET /api/deliveries, GET /api/deliveries/{id}):
// the real app (inject) over a store from the fixture, deliveries written at known times.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { closeAll } from '../support/cleanup.js';
import type { DeliveryStatus } from '../../src/store/schema.js';
import { insertConnectionRow, insertSubscriptionRow, seedDeliveries, type SeededDelivery } from '../support/delivery-seed.js';

interface DeliveryJson {
  id: string;
  status: string;
  subscription: string;
  connection: string;
  trigger: string;
  createdAt: string;
  nextAttemptAt: string | null;
  attemptsHistory?: { attempt: number; statusCode: number | null }[];
}

const START_MS = Date.parse('2026-11-20T00:00:00.000Z');
const MINUTE = 60_000;

describe('GET /api/deliveries: the caller\'s deliveries across subscriptions', () => {
  let h: Harness;
  let all: SeededDelivery[] = [];
  let bobs: SeededDelivery[] = [];

  before(async () => {
    h = await startHarness();
    const db = h.services.db;
    await insertConnectionRow(db, 'conn_a1', h.alice.userId);
    await insertConnectionRow(db, 'conn_a2', h.alice.userId);
    await insertConnectionRow(db, 'conn_b1', h.bob.userId);
    await insertSubscriptionRow(db, 'sub_a1cust', h.alice.userId, 'conn_a1', 'customerAdded');
    await insertSubscriptionRow(db, 'sub_a1chg', h.alice.userId, 'conn_a1', 'chargeAdded');
    await insertSubscriptionRow(db, 'sub_a2cust', h.alice.userId, 'conn_a2', 'customerAdded');
    await insertSubscriptionRow(db, 'sub_b1cust', h.bob.userId, 'conn_b1', 'customerAdded');
    const statusOf = (i: number): DeliveryStatus => (i % 5 === 0 ? 'failed' : i % 7 === 0 ? 'pending' : 'delivered');
    // Interleaved in time, and two subscriptions share created_at values (a tie the order breaks).
    all = [
      ...(await seedDeliveries(db, { subscriptionId: 'sub_a1cust', connectionId: 'conn_a1', trigger: 'customerAdded', count: 30, startMs: START_MS, stepMs: MINUTE, status: statusOf })),
      ...(await seedDeliveries(db, { subscriptionId: 'sub_a1chg', connectionId: 'conn_a1', trigger: 'chargeAdded', count: 20, startMs: START_MS, stepMs: 2 * MINUTE, status: statusOf })),
      ...(await seedDeliveries(db, { subscriptionId: 'sub_a2cust', connectionId: 'conn_a2', trigger: 'customerAdded', count: 15, startMs: START_MS + 30_000, stepMs: MINUTE, status: statusOf })),
    ];
    bobs = await seedDeliveries(db, { subscriptionId: 'sub_b1cust', connectionId: 'conn_b1', trigger: 'customerAdded', count: 25, startMs: START_MS, stepMs: MINUTE });
  });

  after(() => closeAll(() => h?.close()));

  async function pages(query: string, limit: number): Promise<DeliveryJson[]> {
    const seen: DeliveryJson[] = [];
    let startingAfter = '';
    for (let page = 0; page < 100; page++) {
      const res = await h.request('GET', `/api/deliveries?limit=${limit}${query}${startingAfter ? `&startingAfter=${startingAfter}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { data: DeliveryJson[]; hasMore: boolean };
      assert.ok(body.data.length <= limit);
      seen.push(...body.data);
      if (!body.hasMore) return seen;
      startingAfter = body.data.at(-1)!.id;
    }
    throw new Error('paging did not end');
  }

  function expected(match: (d: SeededDelivery) => boolean): string[] {
    // Newest first; ties on createdAt (and on the seeded object time, the same) by id, descending.
    return all
      .filter(match)
      .sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.id < b.id ? 1 : -1))
      .map((d) => d.id);
  }

  test('pages through every delivery of the caller once, newest first, with connection and trigger and no attempts', async () => {
    const seen = await pages('', 7);
    assert.deepEqual(
      seen.map((d) => d.id),
      expected(() => true),
    );
    assert.equal(new Set(seen.map((d) => d.id)).size, all.length);
    const first = seen.find((d) => d.subscription === 'sub_a1chg')!;
    assert.equal(first.connection, 'conn_a1');
    assert.equal(first.trigger, 'chargeAdded');
    assert.ok(seen.every((d) => !('attemptsHistory' in d)));
    assert.ok(!seen.some((d) => bobs.some((b) => b.id === d.id)), "bob's deliveries never appear");
  });

  test('the default page is 100 and at most 1000 may be asked for', async () => {
    const res = await h.request('GET', '/api/deliveries');
    assert.equal((res.json() as { data: unknown[] }).data.length, all.length);
    assert.equal((await h.request('GET', '/api/deliveries?limit=1001')).statusCode, 400);
  });

  test('filters by status, connection, subscription and trigger, alone and together, across pages', async () => {
    const subOf = new Map([
      ['sub_a1cust', { connection: 'conn_a1', trigger: 'customerAdded' }],
      ['sub_a1chg', { connection: 'conn_a1', trigger: 'chargeAdded' }],
      ['sub_a2cust', { connection: 'conn_a2', trigger: 'customerAdded' }],
    ]);
    const cases: [string, (d: SeededDelivery) => boolean][] = [
      ['&status=failed', (d) => d.status === 'failed'],
      ['&status=pending', (d) => d.status === 'pending'],
      ['&status=delivered', (d) => d.status === 'delivered'],
      ['&connection=conn_a1', (d) => subOf.get(d.subscription)!.connection === 'conn_a1'],
      ['&subscription=sub_a2cust', (d) => d.subscription === 'sub_a2cust'],
      ['&trigger=customerAdded', (d) => subOf.get(d.subscription)!.trigger === 'customerAdded'],
      ['&trigger=chargeAdded&status=delivered', (d) => subOf.get(d.subscription)!.trigger === 'chargeAdded' && d.status === 'delivered'],
      ['&connection=conn_a1&trigger=customerAdded&status=failed', (d) => d.subscription === 'sub_a1cust' && d.status === 'failed'],
      ['&connection=conn_a2&subscription=sub_a1cust', () => false],
    ];
    for (const [query, match] of cases) {
      const want = expected(match);
      assert.deepEqual(
        (await pages(query, 4)).map((d) => d.id),
        want,
        query,
      );
    }
  });

  test('from is inclusive and to exclusive, on createdAt', async () => {
    const from = new Date(START_MS + 10 * MINUTE).toISOString();
    const to = new Date(START_MS + 20 * MINUTE).toISOString();
    const seen = await pages(`&from=${from}&to=${to}`, 3);
    assert.deepEqual(
      seen.map((d) => d.id),
      expected((d) => d.createdAt >= from && d.createdAt < to),
    );
    assert.ok(seen.some((d) => d.createdAt === from), 'a delivery made at `from` is in');
    assert.ok(!seen.some((d) => d.createdAt === to), 'one made at `to` is not');
    // Another zone's spelling of the same instant is the same bound.
    const zoned = await pages(`&from=${encodeURIComponent('2026-11-20T01:10:00+01:00')}&to=${to}`, 50);
    assert.deepEqual(
      zoned.map((d) => d.id),
      seen.map((d) => d.id),
    );
  });

  test('bad filters are 400s naming the field', async () => {
    const cases: [string, string][] = [
      ['status=lost', 'query.status'],
      ['from=yesterday', 'query.from'],
      ['to=2026-11-20', 'query.to'],
      [`from=${new Date(START_MS).toISOString()}&to=${new Date(START_MS).toISOString()}`, 'query.to'],
      ['trigger=somethingAdded', 'query.trigger'],
      ['limit=0', 'query.limit'],
      ['colour=blue', 'query.colour'],
      [`startingAfter=${bobs[0]!.id}`, 'query.startingAfter'],
    ];
    for (const [query, field] of cases) {
      const res = await h.request('GET', `/api/deliveries?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      const error = (res.json() as { error: { code: string; details: { field: string }[] } }).error;
      assert.equal(error.code, 'invalid_input');
      assert.ok(error.details.some((d) => d.field === field), `${query} names ${field}: ${res.body}`);
    }
  });

  test("another user's connection or subscription in a filter is a 404, like an unknown one", async () => {
    for (const query of ['connection=conn_b1', 'subscription=sub_b1cust', 'connection=conn_nope', 'subscription=sub_nope']) {
      const res = await h.request('GET', `/api/deliveries?${query}`);
      assert.equal(res.statusCode, 404, query);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'not_found');
    }
  });

  test('GET /api/deliveries/{id} shows one delivery with its attempts and when it is due; another user\'s is a 404', async () => {
    const pending = all.find((d) => d.status === 'pending')!;
    const failed = all.find((d) => d.status === 'failed')!;
    await h.services.db
      .insertInto('delivery_attempts')
      .values([
        { id: 'att_seed1', delivery_id: failed.id, attempt: 1, started_at: failed.createdAt, duration_ms: 12, status_code: 500, error: 'HTTP 500', response_snippet: 'no' },
        { id: 'att_seed2', delivery_id: failed.id, attempt: 2, started_at: failed.createdAt, duration_ms: 9, status_code: null, error: 'timed out', response_snippet: null },
      ])
      .execute();
    const one = await h.request('GET', `/api/deliveries/${failed.id}`);
    assert.equal(one.statusCode, 200, one.body);
    const body = one.json() as DeliveryJson;
    assert.equal(body.status, 'failed');
    assert.equal(body.nextAttemptAt, null);
    assert.equal(body.connection, 'conn_a1');
    assert.deepEqual(
      body.attemptsHistory!.map((a) => [a.attempt, a.statusCode]),
      [
        [1, 500],
        [2, null],
      ],
    );
    const due = (await h.request('GET', `/api/deliveries/${pending.id}`)).json() as DeliveryJson;
    assert.equal(due.nextAttemptAt, pending.createdAt);
    assert.deepEqual(due.attemptsHistory, []);
    assert.equal((await h.request('GET', `/api/deliveries/${bobs[0]!.id}`)).statusCode, 404);
    assert.equal((await h.request('GET', `/api/deliveries/${failed.id}`, { token: h.bob.token })).statusCode, 404);
    assert.equal((await h.request('GET', '/api/deliveries/msg_nope')).statusCode, 404);
  });
});
