// Bulk retry (POST /api/deliveries/retry, GET /api/deliveries/retry/{id}): the real app (inject)
// over a store from the fixture, deliveries written at known times, chunks of 50 so that a few
// hundred deliveries take several.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { closeAll } from '../support/cleanup.js';
import { insertConnectionRow, insertSubscriptionRow, seedDeliveries, type SeededDelivery } from '../support/delivery-seed.js';
import type { DeliveryRow, DeliveryStatus } from '../../src/store/schema.js';

const START_MS = Date.parse('2026-11-20T00:00:00.000Z');
const MINUTE = 60_000;

interface JobJson {
  id: string;
  status: string;
  total: number;
  retried: number;
  createdAt: string;
  finishedAt: string | null;
}

describe('bulk retry', () => {
  let h: Harness;
  let alice: SeededDelivery[] = [];

  before(async () => {
    h = await startHarness({ services: { bulkRetryChunkSize: 50 } });
    const db = h.services.db;
    await insertConnectionRow(db, 'conn_1', h.alice.userId);
    await insertConnectionRow(db, 'conn_2', h.alice.userId);
    await insertConnectionRow(db, 'conn_bob', h.bob.userId);
    await insertSubscriptionRow(db, 'sub_1c', h.alice.userId, 'conn_1', 'customerAdded');
    await insertSubscriptionRow(db, 'sub_1ch', h.alice.userId, 'conn_1', 'chargeAdded');
    await insertSubscriptionRow(db, 'sub_2c', h.alice.userId, 'conn_2', 'customerAdded');
    await insertSubscriptionRow(db, 'sub_bob', h.bob.userId, 'conn_bob', 'customerAdded');
    const statusOf = (i: number): DeliveryStatus => (i % 3 === 0 ? 'failed' : 'delivered');
    const seed = (subscriptionId: string, connectionId: string, trigger: string, count: number) =>
      seedDeliveries(db, { subscriptionId, connectionId, trigger, count, startMs: START_MS, stepMs: MINUTE, status: statusOf });
    alice = [...(await seed('sub_1c', 'conn_1', 'customerAdded', 130)), ...(await seed('sub_1ch', 'conn_1', 'chargeAdded', 40)), ...(await seed('sub_2c', 'conn_2', 'customerAdded', 90))];
    await seed('sub_bob', 'conn_bob', 'customerAdded', 60);
  });

  after(() => closeAll(() => h?.close()));

  async function rows(): Promise<Map<string, DeliveryRow>> {
    return new Map((await h.services.db.selectFrom('deliveries').selectAll().execute()).map((row) => [row.id, row]));
  }

  async function preview(body: object, token = h.alice.token): Promise<number> {
    const res = await h.request('POST', '/api/deliveries/retry', { body: { ...body, preview: true }, token });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { count: number }).count;
  }

  test('preview counts what each filter matches, never another user\'s, and changes nothing', async () => {
    const before = await rows();
    const failed = alice.filter((d) => d.status === 'failed');
    assert.equal(await preview({}), alice.length);
    assert.equal(await preview({ status: 'failed' }), failed.length);
    assert.equal(await preview({ connection: 'conn_1' }), 170);
    assert.equal(await preview({ subscription: 'sub_2c', status: 'delivered' }), 60);
    assert.equal(await preview({ trigger: 'chargeAdded' }), 40);
    const from = new Date(START_MS + 10 * MINUTE).toISOString();
    const to = new Date(START_MS + 20 * MINUTE).toISOString();
    assert.equal(await preview({ from, to }), 30);
    assert.equal(await preview({ from, to, trigger: 'customerAdded', status: 'failed' }), alice.filter((d) => d.subscription !== 'sub_1ch' && d.status === 'failed' && d.createdAt >= from && d.createdAt < to).length);
    assert.equal(await preview({}, h.bob.token), 60);
    assert.deepEqual(await rows(), before);
  });

  test('bad filters are 400s naming the field, and nothing is retried', async () => {
    const before = await rows();
    const cases: [unknown, string][] = [
      [{ status: 'lost' }, 'body.status'],
      [{ from: 'yesterday' }, 'body.from'],
      [{ from: '2026-11-20T01:00:00Z', to: '2026-11-20T00:00:00Z' }, 'body.to'],
      [{ trigger: 'nothingAdded' }, 'body.trigger'],
      [{ preview: 'yes' }, 'body.preview'],
      [{ colour: 'blue' }, 'body.colour'],
    ];
    for (const [body, field] of cases) {
      const res = await h.request('POST', '/api/deliveries/retry', { body });
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      const details = (res.json() as { error: { details: { field: string }[] } }).error.details;
      assert.ok(details.some((d) => d.field === field), `${JSON.stringify(body)} names ${field}: ${res.body}`);
    }
    for (const body of [{ connection: 'conn_bob' }, { subscription: 'sub_bob' }]) {
      assert.equal((await h.request('POST', '/api/deliveries/retry', { body })).statusCode, 404);
    }
    assert.deepEqual(await rows(), before);
    const jobs = await h.services.db.selectFrom('bulk_retries').selectAll().execute();
    assert.equal(jobs.length, 0);
  });

  test('a bulk retry of several chunks retries what the preview counted, each once, with progress moving', async () => {
    const filter = { connection: 'conn_1', status: 'failed' };
    const counted = await preview(filter);
    const want = alice.filter((d) => d.subscription.startsWith('sub_1') && d.status === 'failed').map((d) => d.id);
    assert.equal(counted, want.length);
    assert.ok(counted > 50, 'more than one chunk');
    const before = await rows();

    const progress: number[] = [];
    let jobId = '';
    h.services.bulkRetries.onChunkRetried(async () => {
      if (!jobId) return;
      const res = await h.request('GET', `/api/deliveries/retry/${jobId}`);
      progress.push((res.json() as JobJson).retried);
    });
    const res = await h.request('POST', '/api/deliveries/retry', { body: filter });
    assert.equal(res.statusCode, 202, res.body);
    const job = res.json() as JobJson;
    jobId = job.id;
    assert.match(job.id, /^bulkretry_/);
    assert.equal(job.status, 'running');
    assert.equal(job.total, counted);
    assert.equal(job.retried, 0);
    // A delivery made after the request was accepted is not part of it.
    await seedDeliveries(h.services.db, { subscriptionId: 'sub_1c', connectionId: 'conn_1', trigger: 'customerAdded', count: 1, startMs: Date.now() + 2, stepMs: 1, status: () => 'failed' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await h.services.bulkRetries.settle();

    const done = (await h.request('GET', `/api/deliveries/retry/${job.id}`)).json() as JobJson;
    assert.equal(done.status, 'done');
    assert.equal(done.retried, counted);
    assert.ok(done.finishedAt && done.finishedAt >= done.createdAt);
    assert.ok(progress.length >= 2, `progress seen after each chunk: ${progress.join(', ')}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! > progress[i - 1]!, `progress moves on: ${progress.join(', ')}`);

    const afterRows = await rows();
    const changed = [...afterRows.values()].filter((row) => JSON.stringify(row) !== JSON.stringify(before.get(row.id)));
    assert.deepEqual(
      changed.filter((row) => before.has(row.id)).map((row) => row.id).sort(),
      [...want].sort(),
      'exactly the matching deliveries changed',
    );
    for (const id of want) {
      const row = afterRows.get(id)!;
      // Retried once: due again, the first attempt numbered on (attempts_before_replay = the 1 made).
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 0);
      assert.equal(row.attempts_before_replay, 1);
    }
    const late = [...afterRows.values()].find((row) => !before.has(row.id))!;
    assert.equal(late.status, 'failed', 'the delivery made later was not retried');
    assert.equal(await preview(filter), 1);
  });

  test("another user's job is a 404; a job whose process stopped is reported interrupted", async () => {
    const res = await h.request('POST', '/api/deliveries/retry', { body: { subscription: 'sub_2c', to: new Date(START_MS + 5 * MINUTE).toISOString() } });
    assert.equal(res.statusCode, 202, res.body);
    const job = res.json() as JobJson;
    await h.services.bulkRetries.settle();
    assert.equal((await h.request('GET', `/api/deliveries/retry/${job.id}`, { token: h.bob.token })).statusCode, 404);
    assert.equal((await h.request('GET', '/api/deliveries/retry/bulkretry_nope')).statusCode, 404);
    const stale = new Date(Date.now() - 61_000).toISOString();
    await h.services.db
      .insertInto('bulk_retries')
      .values({ id: 'bulkretry_stale', user_id: h.alice.userId, filter: '{}', cutoff: stale, cursor: null, status: 'running', total: 10, retried: 3, created_at: stale, updated_at: stale, finished_at: null })
      .execute();
    const stalled = (await h.request('GET', '/api/deliveries/retry/bulkretry_stale')).json() as JobJson;
    assert.equal(stalled.status, 'interrupted');
    assert.equal(stalled.retried, 3);
  });
});
