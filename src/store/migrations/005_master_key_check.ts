// The master key's check value: one row holding a fixed marker sealed under the master key (see
// src/connections/master-key-check.ts). A start whose key does not open it is refused, so a wrong
// or regenerated key can never seal new rows beside ones it cannot open. Schema builder only, so
// SQLite and PostgreSQL run the same migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('master_key_check')
    // Always 'master': the primary key is what makes the first writer's value the only one.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('check_value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('master_key_check').execute();
}
