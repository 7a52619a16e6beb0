// Claims by several workers at once on one store, each with its own connection as a separate
// process would have: disjoint batches within a lease, and on PostgreSQL no waiting on each other
// (FOR UPDATE SKIP LOCKED in src/store/deliveries/claim.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStoreIn, openTestStore, insertSubscription, type TestStore } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';
import { claimDueDeliveries } from '../../src/store/deliveries/claim.js';
import type { Store } from '../../src/store/database.js';
import type { DeliveryRow } from '../../src/store/schema.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== '';
const t0 = Date.parse('2026-11-26T08:00:00Z');

let fixture: TestStore | undefined;
const others: Store[] = [];

async function enqueue(db: Store, count: number, prefix: string): Promise<void> {
  const objects = Array.from({ length: count }, (_, i) => ({
    stripeObjectId: `ch_${prefix}_${String(i).padStart(4, '0')}`,
    objectCreated: 1_795_000_000 + i,
    data: { id: i },
    subscriptionIds: ['sub_claims'],
  }));
  await enqueueTriggerEvents(db, { connectionId: 'conn_1', trigger: 'chargeAdded', objects }, t0);
}

before(async () => {
  fixture = await openTestStore();
  await insertSubscription(fixture.db, 'sub_claims', 'chargeAdded', 0);
  // Three more "processes": each its own connection (SQLite) or pool (PostgreSQL) on the same store.
  for (let i = 0; i < 3; i += 1) others.push(await openStoreIn(fixture.dataDir));
});

after(() => closeAll(...others.map((db) => () => db.destroy()), () => fixture?.close()));

test('workers claiming at once on one store never hold one delivery twice within a lease, and each gets work', async () => {
  const { db } = fixture!;
  await db.deleteFrom('deliveries').execute();
  await enqueue(db, 400, 'race');
  const claimers = [db, ...others];
  const claimedBy = claimers.map(() => [] as DeliveryRow[]);
  // Each claims batches of 10 until nothing is left, all at the same moment: the lease (60 s) is
  // far longer than the run, so a delivery claimed twice would be a double send.
  await Promise.all(
    claimers.map(async (store, i) => {
      for (;;) {
        const batch = await claimDueDeliveries(store, { nowMs: t0 + 1_000, limit: 10 });
        if (batch.length === 0) return;
        assert.ok(batch.length <= 10, `a claim of 10 took ${batch.length}`);
        claimedBy[i]!.push(...batch);
      }
    }),
  );
  const ids = claimedBy.flat().map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length, 'no delivery claimed by two workers');
  assert.equal(ids.length, 400, 'every due delivery claimed');
  for (const [i, batch] of claimedBy.entries()) assert.ok(batch.length > 0, `worker ${i} got work`);
});

test('on PostgreSQL a claim does not wait for another worker’s uncommitted claim: it takes the next due deliveries', { skip: !onPostgres && 'PostgreSQL only: SQLite writes are serial' }, async () => {
  const { db } = fixture!;
  await db.deleteFrom('deliveries').execute();
  await enqueue(db, 40, 'held');
  const due = (await db.selectFrom('deliveries').select('id').orderBy('object_created').execute()).map((d) => d.id);
  await db.transaction().execute(async (tx) => {
    // The first worker's claim stays uncommitted, its row locks held, while the second claims.
    const first = await claimDueDeliveries(tx, { nowMs: t0 + 1_000, limit: 10 });
    let timer: NodeJS.Timeout | undefined;
    const second = await Promise.race([
      claimDueDeliveries(others[0]!, { nowMs: t0 + 1_000, limit: 10 }),
      new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), 5_000))),
    ]);
    clearTimeout(timer);
    assert.notEqual(second, 'waited', 'the second claim waited for the first one to commit');
    assert.deepEqual(first.map((d) => d.id), due.slice(0, 10));
    assert.deepEqual((second as DeliveryRow[]).map((d) => d.id), due.slice(10, 20), 'the next ten in due order');
  });
});
