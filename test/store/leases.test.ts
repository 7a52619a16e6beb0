// Lease rows (src/store/leases.ts) on a real store: SQLite, and PostgreSQL in the runner's second
// pass. Expiries here are either far away (60 s) or already past (1 ms, then a wait of 50 ms), so
// no assertion depends on how fast the machine is.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLease, holdsLease, lockUntilCommit, releaseLease, renewLease } from '../../src/store/leases.js';
import { openTestStore, type TestStore } from '../support/store-fixture.js';

const LONG_MS = 60_000;
const EXPIRED_MS = 1;
const PAST_EXPIRY_MS = 50;

describe('leases', () => {
  let s: TestStore;
  let counter = 0;
  const fresh = () => `test:${++counter}`;

  before(async () => {
    s = await openTestStore({ empty: true });
  });
  after(() => s?.close());

  test('a free lease is granted; while it runs, another holder is refused and the holder itself is granted it again with a higher token', async () => {
    const name = fresh();
    const first = await acquireLease(s.db, name, 'proc_a', LONG_MS);
    assert.deepEqual(first, { name, holder: 'proc_a', token: 1 });
    assert.equal(await acquireLease(s.db, name, 'proc_b', LONG_MS), undefined);
    const again = await acquireLease(s.db, name, 'proc_a', LONG_MS);
    assert.equal(again?.token, 2, 'every grant raises the token');
    assert.equal(await holdsLease(s.db, first!), false, 'the older grant of the same holder is fenced off');
    assert.equal(await holdsLease(s.db, again!), true);
  });

  test('an expired lease goes to the next holder with a higher token; the old grant can then neither renew nor commit', async () => {
    const name = fresh();
    const old = (await acquireLease(s.db, name, 'proc_a', EXPIRED_MS))!;
    await sleep(PAST_EXPIRY_MS);
    const taken = await acquireLease(s.db, name, 'proc_b', LONG_MS);
    assert.equal(taken?.token, old.token + 1);
    assert.equal(await renewLease(s.db, old, LONG_MS), false);
    assert.equal(await holdsLease(s.db, old), false);
    await releaseLease(s.db, old);
    assert.equal(await acquireLease(s.db, name, 'proc_c', LONG_MS), undefined, 'releasing the old grant does not free the new one');
  });

  test('a renewal keeps the lease: renewed for 60 s before anyone took it, it is refused to others', async () => {
    const name = fresh();
    const grant = (await acquireLease(s.db, name, 'proc_a', EXPIRED_MS))!;
    assert.equal(await renewLease(s.db, grant, LONG_MS), true);
    await sleep(PAST_EXPIRY_MS);
    assert.equal(await acquireLease(s.db, name, 'proc_b', LONG_MS), undefined);
    assert.equal(await holdsLease(s.db, grant), true);
  });

  test('a released lease is free at once, long before its expiry', async () => {
    const name = fresh();
    const grant = (await acquireLease(s.db, name, 'proc_a', LONG_MS))!;
    await releaseLease(s.db, grant);
    assert.equal((await acquireLease(s.db, name, 'proc_b', LONG_MS))?.token, grant.token + 1);
  });

  test('eight holders asking at once: exactly one is granted the lease', async () => {
    const name = fresh();
    const grants = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireLease(s.db, name, `proc_${i}`, LONG_MS)));
    assert.equal(grants.filter((g) => g !== undefined).length, 1);
  });

  test('the fencing check is part of the commit: a transaction whose grant was taken over writes nothing', async () => {
    const name = fresh();
    const old = (await acquireLease(s.db, name, 'proc_a', EXPIRED_MS))!;
    await sleep(PAST_EXPIRY_MS);
    await acquireLease(s.db, name, 'proc_b', LONG_MS);
    await assert.rejects(
      s.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({ id: 'usr_fenced', name: 'x', is_admin: 0, created_at: new Date().toISOString() }).execute();
        if (!(await holdsLease(trx, old))) throw new Error('lease lost');
      }),
      /lease lost/,
    );
    assert.equal((await s.db.selectFrom('users').select('id').where('id', '=', 'usr_fenced').execute()).length, 0);
  });

  test('a lock until commit lets transactions that take it run one after the other, and is no lease', async () => {
    const name = fresh();
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((who) =>
        s.db.transaction().execute(async (trx) => {
          await lockUntilCommit(trx, name);
          order.push(`${who} in`);
          await sleep(20);
          order.push(`${who} out`);
        }),
      ),
    );
    for (let i = 0; i < order.length; i += 2) assert.equal(order[i]!.split(' ')[0], order[i + 1]!.split(' ')[0], `not interleaved: ${order.join(', ')}`);
    assert.ok(await acquireLease(s.db, name, 'proc_a', LONG_MS), 'the lock row is held by nobody');
  });
});
