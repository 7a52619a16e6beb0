// Wake-ups across processes on PostgreSQL: whatever commits deliveries that are due and unclaimed
// announces them with NOTIFY on DELIVERIES_CHANNEL, inside the same transaction, so PostgreSQL
// delivers the notification only once the rows are visible (never before the commit, and not at
// all after a rollback). Every process with a delivery worker LISTENs (wake-up-listener.ts) and
// claims at once instead of at its next idle look. Only a hint: a lost notification costs one idle
// interval, as polling goes on underneath. SQLite has no NOTIFY, and needs none: its processes
// share one machine and poll the file at the worker's idle interval.
import { sql } from 'kysely';
import type { Store } from '../database.js';
import { isPostgres } from '../dialect.js';

export const DELIVERIES_CHANNEL = 'stripe_connector_deliveries';

/**
 * Announces due deliveries to every listening process: call it in the transaction that wrote them.
 * PostgreSQL folds repeats of one notification within a transaction into one.
 */
export async function announceDueDeliveries(db: Store): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`notify ${sql.raw(DELIVERIES_CHANNEL)}`.execute(db);
}
