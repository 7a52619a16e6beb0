// The states of Power Automate polling triggers (src/power-automate/polling-triggers.ts): one row
// per Location handed out, holding the poll cursor to go on from and, once answered with new items,
// that answer, so a repeated call of the same Location gets the same items. Rows unused for 30 days
// are deleted. Schema builder only, so SQLite and PostgreSQL run the same migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('power_automate_poll_states')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('pending', 'text')
    .addColumn('poll_interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('previous_id', 'text')
    .addColumn('answer', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('power_automate_poll_states_used').on('power_automate_poll_states').column('used_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('power_automate_poll_states').execute();
}
