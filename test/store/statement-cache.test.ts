import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { cachingStatements, compiledOnce } from '../../src/store/statement-cache.js';
import type { Store } from '../../src/store/database.js';
import { openTestStore } from '../support/store-fixture.js';

function withDatabase(work: (db: SqliteDatabase.Database) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'sc-stmt-'));
  const db = new SqliteDatabase(join(dir, 'test.db'));
  try {
    db.exec('CREATE TABLE t (n INTEGER)');
    work(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('prepared-statement cache under the SQLite dialect', () => {
  test('the same SQL is prepared once and its statement reused', () => {
    withDatabase((db) => {
      const cache = cachingStatements(db);
      const first = cache.prepare('SELECT n FROM t WHERE n = ?');
      assert.equal(cache.prepare('SELECT n FROM t WHERE n = ?'), first);
      assert.notEqual(cache.prepare('SELECT n FROM t WHERE n > ?'), first);
    });
  });

  test('a reused statement runs with the new parameters each time', () => {
    withDatabase((db) => {
      const cache = cachingStatements(db);
      for (const n of [1, 2, 3]) cache.prepare('INSERT INTO t (n) VALUES (?)').run([n]);
      assert.deepEqual(cache.prepare('SELECT n FROM t WHERE n >= ? ORDER BY n').all([2]), [{ n: 2 }, { n: 3 }]);
      assert.deepEqual(cache.prepare('SELECT n FROM t WHERE n >= ? ORDER BY n').all([3]), [{ n: 3 }]);
    });
  });

  test('a statement still being iterated is not handed out again', () => {
    withDatabase((db) => {
      const cache = cachingStatements(db);
      cache.prepare('INSERT INTO t (n) VALUES (?)').run([1]);
      const iterating = cache.prepare('SELECT n FROM t');
      const rows = iterating.iterate([]);
      rows.next();
      const second = cache.prepare('SELECT n FROM t');
      assert.notEqual(second, iterating);
      assert.deepEqual(second.all([]), [{ n: 1 }]);
      rows.return?.();
    });
  });

  test('only the most recently used statements are kept, up to the bound', () => {
    withDatabase((db) => {
      const cache = cachingStatements(db, 2);
      const a = cache.prepare('SELECT 1');
      const b = cache.prepare('SELECT 2');
      assert.equal(cache.prepare('SELECT 1'), a);
      cache.prepare('SELECT 3');
      assert.equal(cache.prepare('SELECT 1'), a, 'used most recently, so kept');
      assert.notEqual(cache.prepare('SELECT 2'), b, 'least recently used, so prepared again');
    });
  });
});

describe('queries compiled once per store', () => {
  async function withStore(work: (db: Store) => Promise<void>): Promise<void> {
    const { store, close } = await openTestStore({ empty: true });
    try {
      await work(store);
    } finally {
      await close();
    }
  }

  test('each execution binds its own parameters, on every store it meets', async () => {
    const userNamed = compiledOnce((db: Store, id: string) => db.selectFrom('users').select('name').where('id', '=', id));
    for (const store of [1, 2]) {
      await withStore(async (db) => {
        const now = '2026-11-26T08:00:00.000Z';
        await db.insertInto('users').values([{ id: 'usr_a', name: `a${store}`, is_admin: 0, created_at: now }, { id: 'usr_b', name: `b${store}`, is_admin: 0, created_at: now }]).execute();
        assert.deepEqual((await userNamed(db, 'usr_a')).rows, [{ name: `a${store}` }]);
        assert.deepEqual((await userNamed(db, 'usr_b')).rows, [{ name: `b${store}` }]);
        assert.deepEqual((await userNamed(db, 'usr_none')).rows, []);
      });
    }
  });

  test('a query that binds other values than the parameters it is given is refused at its first use', async () => {
    const fixedAdmin = compiledOnce((db: Store, id: string) => db.selectFrom('users').select('name').where('id', '=', id).where('is_admin', '=', 1));
    await withStore(async (db) => {
      await assert.rejects(async () => fixedAdmin(db, 'usr_a'), /binds \[2\] parameters other than the 1 given/);
    });
  });
});
