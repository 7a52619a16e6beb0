// The store as the server opens it — a real SQLite file in a temp dir, every migration applied —
// with one user `usr_1` owning one connection `conn_1`.
// With TEST_DATABASE_URL=postgres://… set, each store is instead a fresh database on that
// PostgreSQL server (created here, dropped on close), so the same tests check the other dialect.
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
  return { databaseUrl: url.toString(), drop: () => onPostgres(adminUrl, `drop database ${database}`) };
}

export async function openTestStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-outbox-'));
  const { databaseUrl, drop } = await createTestDatabase();
  const store = openStore({ dataDir, databaseUrl });
  await migrateToLatest(store);
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
  return {
    dataDir,
    databaseUrl,
    store,
    db: store,
    async close() {
      await store.destroy();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Empties what one poll or ingest test leaves behind, so the next test starts from no subscriptions. */
export async function clearTriggerState(db: Store): Promise<void> {
  await db.deleteFrom('subscriptions').execute();
  await db.deleteFrom('poll_cursors').execute();
  await db.deleteFrom('trigger_events').execute();
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
