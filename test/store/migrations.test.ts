import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, sqliteFile } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { newStorePlace, openStoreIn, openTestStore } from '../support/store-fixture.js';
import { ensureBuiltCli, ROOT } from '../support/built-cli.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sc-store-'));
}

const onPostgres = process.env.TEST_DATABASE_URL ? 'SQLite only: its file, journal mode and pragmas' : false;

test('the first start creates every table in a real SQLite file under DATA_DIR, in WAL mode with foreign keys on', { skip: onPostgres }, async () => {
  const dataDir = tempDir();
  const db = openStore({ dataDir, databaseUrl: undefined });
  try {
    await migrateToLatest(db);
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db);
    const names = tables.rows.map((r) => r.name);
    for (const table of ['users', 'tokens', 'connections', 'runs']) assert.ok(names.includes(table), `${table} exists`);
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    assert.equal(journal.rows[0]?.journal_mode, 'wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    assert.equal(fk.rows[0]?.foreign_keys, 1);
    assert.match(sqliteFile(dataDir), /connector\.db$/);
  } finally {
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('starting again on the same data directory applies nothing twice and keeps the data', async () => {
  const place = await newStorePlace('sc-store-');
  const { dataDir } = place;
  try {
    const first = await openStoreIn(dataDir);
    await migrateToLatest(first);
    await first.insertInto('users').values({ id: 'usr_1', name: 'a', is_admin: 0, created_at: '2026-11-26T05:00:00.000Z' }).execute();
    await first.destroy();
    const second = await openStoreIn(dataDir);
    await migrateToLatest(second);
    const users = await second.selectFrom('users').selectAll().execute();
    assert.equal(users.length, 1);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(second);
    assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(migrations).sort());
    await second.destroy();
  } finally {
    await place.remove();
  }
});

test('a token pointing at a user that does not exist is refused by the database', async () => {
  const { store, close } = await openTestStore({ empty: true });
  try {
    await assert.rejects(
      store.insertInto('tokens').values({ id: 'tok_1', user_id: 'usr_missing', token_hash: 'x', created_at: 'now' }).execute(),
      // SQLite's words, then PostgreSQL's.
      /FOREIGN KEY constraint failed|violates foreign key constraint/,
    );
  } finally {
    await close();
  }
});

test('migration names sort in the order they must run', () => {
  const names = Object.keys(migrations);
  assert.deepEqual(names, [...names].sort());
  for (const name of names) assert.match(name, /^\d{3}_[a-z_]+$/);
});

test('three processes migrating a fresh store at once: every migration is applied once and all three start', async () => {
  const place = await newStorePlace('sc-store-');
  const stores = await Promise.all([0, 1, 2].map(() => openStoreIn(place.dataDir)));
  try {
    const outcomes = await Promise.allSettled(stores.map((store) => migrateToLatest(store)));
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : o.status)),
      ['fulfilled', 'fulfilled', 'fulfilled'],
    );
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(stores[0]!);
    assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(migrations).sort());
  } finally {
    await Promise.all(stores.map((store) => store.destroy()));
    await place.remove();
  }
});

test('three separate OS processes migrating a fresh store at once all start, each migration applied once', async () => {
  await ensureBuiltCli();
  const place = await newStorePlace('sc-store-');
  // What a `serve` start does first, in a process of its own (the built code, as users run it).
  const script = `
    const { openStore } = await import(${JSON.stringify(join(ROOT, 'dist/store/database.js'))});
    const { migrateToLatest } = await import(${JSON.stringify(join(ROOT, 'dist/store/migrate.js'))});
    const db = openStore({ dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL });
    try { await migrateToLatest(db); } finally { await db.destroy(); }`;
  try {
    const run = () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...place.env }, timeout: 60_000 });
    const outcomes = await Promise.allSettled([run(), run(), run()]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'rejected' ? String((o.reason as { stderr?: string }).stderr ?? o.reason) : o.status)),
      ['fulfilled', 'fulfilled', 'fulfilled'],
    );
    const db = await openStoreIn(place.dataDir);
    try {
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(migrations).sort());
    } finally {
      await db.destroy();
    }
  } finally {
    await place.remove();
  }
});
