// The one place a test gets its store. Every test that touches a store — an in-process harness,
// a store opened directly, or a `serve` child process (through processes.ts) — gets it here, so
// the same tests check both dialects:
//   - without TEST_DATABASE_URL: a real SQLite file in a temp dir, as the server opens it;
//   - with TEST_DATABASE_URL=postgres://… (the runner's PostgreSQL pass): a fresh database on that
//     server per store place, created here and dropped on close, so two test files at a time
//     never share tables.
// A "store place" pairs a data dir (the SQLite file, master.key) with that database: a child
// process given DATA_DIR is given the same place's DATABASE_URL, so a restart finds its data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { SubscriptionRow } from '../../src/store/schema.js';

export interface TestStore {
  /** Where the SQLite file lives (DATA_DIR for a child process). */
  dataDir: string;
  /** The PostgreSQL database when TEST_DATABASE_URL is set (DATABASE_URL for a child process). */
  databaseUrl: string | undefined;
  store: Store;
  db: Store;
  close(): Promise<void>;
}

async function onPostgres(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A fresh PostgreSQL database on TEST_DATABASE_URL's server, for a store or a server process to
 * open (undefined databaseUrl without TEST_DATABASE_URL: SQLite); drop() removes it.
 */
export async function createTestDatabase(): Promise<{ databaseUrl: string | undefined; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return { databaseUrl: undefined, drop: async () => {} };
  const database = `sc_test_${randomBytes(6).toString('hex')}`;
  await onPostgres(adminUrl, `create database ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  // A plain DROP, not WITH (FORCE): it waits up to 5 s for the backends of a just-closed pool (whose
  // end() resolves before its connections are gone) or a killed child to exit, where FORCE would
  // terminate them mid-close and fail the test with their "terminating connection" error.
  return { databaseUrl: url.toString(), drop: () => onPostgres(adminUrl, `drop database ${database}`) };
}

/** Where one test's store lives: a temp dir, and on the PostgreSQL pass its own database. */
export interface StorePlace {
  dataDir: string;
  /** The PostgreSQL database (undefined on SQLite): DATABASE_URL for a child process. */
  databaseUrl: string | undefined;
  /** DATA_DIR, and DATABASE_URL on the PostgreSQL pass: what a child process needs to open this store. */
  env: Record<string, string>;
  /** Drops the database and removes the dir; safe to call twice. */
  remove(): Promise<void>;
}

/** Databases paired with a data dir, so every opener of that dir (child or not) meets the same one. */
const databasesByDataDir = new Map<string, Promise<{ databaseUrl: string | undefined; drop(): Promise<void> }>>();

/** The database paired with `dataDir` (created on first use; undefined on SQLite). */
export async function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  let database = databasesByDataDir.get(dataDir);
  if (!database) {
    database = createTestDatabase();
    databasesByDataDir.set(dataDir, database);
  }
  return (await database).databaseUrl;
}

/** A fresh store place; `prefix` names its temp dir (so a leftover one says which test left it). */
export async function newStorePlace(prefix = 'sc-test-'): Promise<StorePlace> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const databaseUrl = await databaseUrlFor(dataDir);
  return {
    dataDir,
    databaseUrl,
    env: { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    remove: () => removeStorePlace(dataDir),
  };
}

/** Drops the database paired with `dataDir` (if any) and removes the dir. */
export async function removeStorePlace(dataDir: string): Promise<void> {
  const database = databasesByDataDir.get(dataDir);
  databasesByDataDir.delete(dataDir);
  if (database) await (await database).drop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The store of `dataDir` as openStore opens it (no migrations run): its SQLite file or its database. */
export async function openStoreIn(dataDir: string): Promise<Store> {
  return openStore({ dataDir, databaseUrl: await databaseUrlFor(dataDir) });
}

/**
 * A migrated store holding one user `usr_1` owning one connection `conn_1` (none with `empty`).
 */
export async function openTestStore(options: { empty?: boolean } = {}): Promise<TestStore> {
  const place = await newStorePlace('sc-store-');
  const { dataDir, databaseUrl } = place;
  const store = openStore({ dataDir, databaseUrl });
  const close = async () => {
    await store.destroy();
    await place.remove();
  };
  try {
    await migrateToLatest(store);
    if (!options.empty) await seedUserAndConnection(store);
  } catch (error) {
    await close();
    throw error;
  }
  return { dataDir, databaseUrl, store, db: store, close };
}

async function seedUserAndConnection(store: Store): Promise<void> {
  const createdAt = new Date().toISOString();
  await store.insertInto('users').values({ id: 'usr_1', name: 'alice', is_admin: 0, created_at: createdAt }).execute();
  await store
    .insertInto('connections')
    .values({
      id: 'conn_1',
      user_id: 'usr_1',
      name: 'test',
      mode: 'test',
      key_hint: 'sk_test_…abcd',
      key_ciphertext: 'sealed',
      api_base: 'http://127.0.0.1:1',
      api_version: null,
      rate_limit: null,
      key_check: 'verified',
      created_at: createdAt,
    })
    .execute();
}

/** Empties what one poll or ingest test leaves behind, so the next test starts from no subscriptions. */
export async function clearTriggerState(db: Store): Promise<void> {
  await db.deleteFrom('subscriptions').execute();
  await db.deleteFrom('poll_cursors').execute();
  await db.deleteFrom('trigger_events').execute();
  // A lease left by an earlier test (its holder stopped mid-renewal) would make the next test's
  // poll wait for it to run out.
  await db.deleteFrom('leases').execute();
}

/**
 * A subscription row of `usr_1` on `conn_1`, as the subscription service stores one: poll mode
 * every 120 s (the default), active, since `sinceSeconds`, to a subscriber nobody listens on
 * unless `url` is given. Returns its id.
 */
export async function insertSubscription(
  db: Store,
  id: string,
  trigger: string,
  sinceSeconds: number,
  overrides: Partial<SubscriptionRow> = {},
): Promise<string> {
  const since = new Date(sinceSeconds * 1000).toISOString();
  await db
    .insertInto('subscriptions')
    .values({
      id,
      user_id: 'usr_1',
      connection_id: 'conn_1',
      trigger,
      url: 'http://127.0.0.1:9/hook',
      mode: 'poll',
      poll_interval_seconds: 120,
      secret_ciphertext: 'sealed',
      status: 'active',
      since,
      created_at: since,
      ...overrides,
    })
    .execute();
  return id;
}
