// Attempt numbers in a delivery's history run on across manual retries (1, 2, 3, 4 rather than
// 1, 2, 1, 2): a replay starts the backoff over, so `attempts` counts from 0 again, and the
// attempts made before it are kept here. Schema builder only: both stores run it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('attempts_before_replay', 'integer', (column) => column.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('attempts_before_replay').execute();
}
