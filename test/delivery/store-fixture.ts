// A real SQLite file in a temp dir with the outbox tables (migration 002_triggers) for the delivery
// and poll tests. Until core's store is merged into this branch, the two tables the migration
// refers to (users, connections) are created here in their minimal form; afterwards this opens the
// store through core's openStore + migrateToLatest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { OutboxDatabase } from '../../src/delivery/outbox-tables.js';
import * as triggersMigration from '../../src/store/migrations/002_triggers.js';

export interface TestStore {
  db: Kysely<OutboxDatabase>;
  close(): Promise<void>;
}

/** Opens the store with one user `usr_1` owning one connection `conn_1`. */
export async function openTestStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-outbox-'));
  const sqlite = new SqliteDatabase(join(dataDir, 'connector.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<OutboxDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  await sql`create table users (id text primary key)`.execute(db);
  await sql`create table connections (id text primary key, user_id text not null references users (id) on delete cascade)`.execute(db);
  await sql`insert into users (id) values ('usr_1')`.execute(db);
  await sql`insert into connections (id, user_id) values ('conn_1', 'usr_1')`.execute(db);
  await triggersMigration.up(db as unknown as Kysely<unknown>);
  return {
    db,
    async close() {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
