// Leases: which process runs a piece of background work that must run in one place at a time
// across every process sharing the store (a poll of one connection's trigger, one connection's
// reconciliation, its webhook endpoint's upkeep). See src/store/leases.ts. Schema builder only, so
// SQLite and PostgreSQL run the same migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leases')
    // e.g. poll:<connectionId>:<trigger>; the primary key makes a grant one upsert.
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    // Raised on every grant, never lowered: a commit that carries an older one is refused.
    .addColumn('token', 'integer', (c) => c.notNull())
    // Milliseconds since the epoch, by the database's clock on PostgreSQL. A double holds them
    // exactly and reads back as a number from both drivers (a bigint would come back as text).
    .addColumn('expires_at_ms', 'double precision', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('leases').execute();
}
