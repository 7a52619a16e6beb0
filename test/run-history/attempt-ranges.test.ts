// GET /api/runs reads the newest delivery attempts from a range of recent ids and widens it only
// when the page is not complete (src/store/delivery-attempts.ts). Through the real app on the
// fixture's store (SQLite, and PostgreSQL on its pass): every page is the one a sort of the whole
// history gives, over attempts spread across 40 days behind another user's busy last minutes. Its
// speed at 1,000,000 attempts is measured by bench/console (a timing here would not be deterministic).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startHarness, type Harness } from '../support/harness.js';
import { insertConnectionRow, insertSubscriptionRow, seedDeliveries } from '../support/delivery-seed.js';
import { newTimeOrderedId } from '../../src/ids.js';
import type { Store } from '../../src/store/database.js';

interface Attempt {
  id: string;
  delivery: string;
  startedMs: number;
  statusCode: number;
}

interface RunJson {
  id: string;
  createdAt: string;
  status: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A connection, a subscription and `deliveries` deliveries of `userId`: the ids of the deliveries. */
async function seedOwner(db: Store, userId: string, name: string, deliveries: number): Promise<{ connection: string; deliveries: string[] }> {
  const connection = await insertConnectionRow(db, `conn_${name}`, userId);
  const subscription = await insertSubscriptionRow(db, `sub_${name}`, userId, connection, 'customerAdded');
  const seeded = await seedDeliveries(db, { subscriptionId: subscription, connectionId: connection, trigger: 'customerAdded', count: deliveries, startMs: Date.now() - 41 * DAY, stepMs: 1000 });
  return { connection, deliveries: seeded.map((d) => d.id) };
}

/** Attempts as the worker records them: the id made when recorded, `durationMs` after the start. */
async function insertAttempts(db: Store, attempts: Attempt[], durationMs = 40): Promise<void> {
  for (let i = 0; i < attempts.length; i += 500) {
    const rows = attempts.slice(i, i + 500).map((a) => sql`(${a.id}, ${a.delivery}, 1, ${new Date(a.startedMs).toISOString()}, ${durationMs}, ${a.statusCode}, ${a.statusCode === 204 ? null : 'HTTP 500'}, null)`);
    await sql`insert into delivery_attempts (id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_snippet) values ${sql.join(rows)}`.execute(db);
  }
}

function attempt(delivery: string, startedMs: number, statusCode: number, recordedAfterMs = 40): Attempt {
  return { id: newTimeOrderedId('att', startedMs + recordedAfterMs), delivery, startedMs, statusCode };
}

function newestFirst(attempts: Attempt[]): string[] {
  return [...attempts]
    .sort((a, b) => (a.startedMs !== b.startedMs ? b.startedMs - a.startedMs : a.id < b.id ? 1 : -1))
    .map((a) => a.id);
}

describe('the run history pages from ranges of recent attempts', () => {
  let h: Harness;
  const alices: Attempt[] = [];

  before(async () => {
    h = await startHarness();
    const db = h.services.db;
    const alice = await seedOwner(db, h.alice.userId, 'alice', 20);
    const bob = await seedOwner(db, h.bob.userId, 'bob', 5);
    const now = Date.now();
    // Alice's attempts further and further apart, back 40 days (past every range), two of them
    // recorded long after they started (a slow subscriber); bob's fill the last minutes.
    for (let i = 0; i < 240; i++) {
      const startedMs = now - 5_000 - Math.round(i * i * 60_000);
      alices.push(attempt(alice.deliveries[i % 20]!, startedMs, i % 7 === 0 ? 500 : 204, i === 3 || i === 40 ? 30_000 : 40));
    }
    const bobs = Array.from({ length: 600 }, (_, i) => attempt(bob.deliveries[i % 5]!, now - i * 500, 204));
    await insertAttempts(db, [...alices, ...bobs]);
  });
  after(() => h?.close());

  async function allPages(filter: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let after = '';
    for (let page = 0; page < 100; page++) {
      const res = await h.request('GET', `/api/runs?limit=${limit}${filter}${after ? `&startingAfter=${after}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { data: RunJson[]; hasMore: boolean };
      ids.push(...body.data.map((r) => r.id));
      if (!body.hasMore) return ids;
      after = body.data.at(-1)!.id;
    }
    throw new Error('more than 100 pages');
  }

  test('every page, unfiltered and filtered, is the page of the whole history in order', async () => {
    assert.deepEqual(await allPages('', 25), newestFirst(alices));
    assert.deepEqual(await allPages('', 1000), newestFirst(alices));
    assert.deepEqual(await allPages('&status=failed', 9), newestFirst(alices.filter((a) => a.statusCode === 500)));
    const now = Date.now();
    const [from, to] = [new Date(now - 3 * DAY).toISOString(), new Date(now - 30 * MINUTE).toISOString()];
    assert.deepEqual(
      await allPages(`&from=${from}&to=${to}`, 4),
      newestFirst(alices.filter((a) => a.startedMs >= Date.parse(from) && a.startedMs < Date.parse(to))),
    );
    assert.deepEqual(await allPages(`&to=${new Date(now - 20 * DAY).toISOString()}`, 10), newestFirst(alices.filter((a) => a.startedMs < now - 20 * DAY)));
  });

  test("bob's page shows his own attempts only, newest first", async () => {
    const res = await h.request('GET', '/api/runs?limit=3', { token: h.bob.token });
    const data = (res.json() as { data: RunJson[] }).data;
    assert.equal(data.length, 3);
    assert.ok(data.every((r) => !alices.some((a) => a.id === r.id)));
    assert.ok(data[0]!.createdAt >= data[1]!.createdAt && data[1]!.createdAt >= data[2]!.createdAt);
  });
});
