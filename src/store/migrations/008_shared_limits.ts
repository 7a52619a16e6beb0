// The limits every process sharing the store must count together (src/store/sliding-log.ts): the
// action throttle's window per connection and the pace of request starts per Stripe key. A window
// holds the number of the next start; its starts are rows (number, time) kept while inside the
// window. A connection's window goes with the connection; a Stripe key's window is named by a hash
// of its base URL and the key, never the key. Schema builder only: both stores run it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('limit_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.references('connections.id').onDelete('cascade'))
    .addColumn('next_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('limit_windows_connection').on('limit_windows').column('connection_id').execute();
  await db.schema
    .createTable('limit_window_starts')
    .addColumn('window_id', 'text', (c) => c.notNull().references('limit_windows.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('started_at_ms', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('limit_window_starts_pk', ['window_id', 'seq'])
    .execute();
  // Forgetting the starts that left the window reads exactly those.
  await db.schema.createIndex('limit_window_starts_time').on('limit_window_starts').columns(['window_id', 'started_at_ms']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('limit_window_starts').execute();
  await db.schema.dropTable('limit_windows').execute();
}
