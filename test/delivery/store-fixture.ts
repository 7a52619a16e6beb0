// The store as the server opens it — a real SQLite file in a temp dir, every migration applied —
// with one user `usr_1` owning one connection `conn_1`, seen through the outbox's tables.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { outboxOf } from '../../src/delivery/outbox-store.js';
import type { OutboxDatabase } from '../../src/delivery/outbox-tables.js';

export interface TestStore {
  store: Store;
  db: Kysely<OutboxDatabase>;
  close(): Promise<void>;
}

export async function openTestStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-outbox-'));
  const store = openStore({ dataDir, databaseUrl: undefined });
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
    store,
    db: outboxOf(store),
    async close() {
      await store.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
