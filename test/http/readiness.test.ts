// GET /readyz beside /healthz: ready only while the store answers and carries every migration this
// build ships; otherwise a 503 whose reason names what is wrong and nothing of the connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MIGRATION_TABLE, sql } from 'kysely';
import { startHarness, type Harness } from '../support/harness.js';
import { openStoreIn } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';
import { migrations } from '../../src/store/migrations/index.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== '';
let h: Harness | undefined;

before(async () => {
  h = await startHarness();
});
after(() => closeAll(() => h?.close()));

test('GET /readyz answers 200 ready without a token on a migrated store', async () => {
  const res = await h!.request('GET', '/readyz', { token: null });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ready' });
});

test('GET /readyz answers 503 naming the migration a store lacks, and 200 again once it is applied', async () => {
  const latest = Object.keys(migrations).at(-1)!;
  const { db } = h!.services;
  const row = await sql<Record<string, unknown>>`select * from ${sql.table(DEFAULT_MIGRATION_TABLE)} where name = ${latest}`.execute(db);
  await sql`delete from ${sql.table(DEFAULT_MIGRATION_TABLE)} where name = ${latest}`.execute(db);
  try {
    const res = await h!.request('GET', '/readyz', { token: null });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'not_ready', reason: `migrations not applied: ${latest}` });
  } finally {
    await db.insertInto(DEFAULT_MIGRATION_TABLE as never).values(row.rows[0] as never).execute();
  }
  assert.equal((await h!.request('GET', '/readyz', { token: null })).statusCode, 200);
});

test('GET /readyz answers 503 within a few seconds when the store does not answer, without connection details', { skip: !onPostgres && 'PostgreSQL only: an SQLite read is not held up by a writer' }, async () => {
  const other = await openStoreIn(h!.dataDir);
  try {
    await other.transaction().execute(async (tx) => {
      // Holds every reader of the migration table back until this transaction ends.
      await sql`lock table ${sql.table(DEFAULT_MIGRATION_TABLE)} in access exclusive mode`.execute(tx);
      const startedAt = Date.now();
      const res = await h!.request('GET', '/readyz', { token: null });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'not_ready', reason: 'the store did not answer within 2000 ms' });
      assert.ok(Date.now() - startedAt < 10_000, 'answered on its own timeout, not the store’s');
      assert.doesNotMatch(res.body, /postgres|127\.0\.0\.1|sc_test/);
    });
  } finally {
    await other.destroy();
  }
});
