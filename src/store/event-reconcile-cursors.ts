// Operations on the event_reconcile_cursors table: how far hybrid mode's reconciling poll of
// /v1/events has got, per connection (src/trigger-sources/reconcile.ts).
import type { Store } from './database.js';
import type { EventReconcileCursorRow } from './schema.js';

/** The connections with a hybrid subscription whose reconciliation is due at `now` (ISO 8601) or has never run. */
export async function listDueReconcileConnections(db: Store, now: string): Promise<string[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .leftJoin('event_reconcile_cursors', 'event_reconcile_cursors.connection_id', 'subscriptions.connection_id')
    .select('subscriptions.connection_id')
    .distinct()
    .where('subscriptions.mode', '=', 'hybrid')
    .where((eb) => eb.or([eb('event_reconcile_cursors.next_run_at', 'is', null), eb('event_reconcile_cursors.next_run_at', '<=', now)]))
    .execute();
  return rows.map((row) => row.connection_id);
}

export async function findReconcileCursor(db: Store, connectionId: string): Promise<EventReconcileCursorRow | undefined> {
  return db.selectFrom('event_reconcile_cursors').selectAll().where('connection_id', '=', connectionId).executeTakeFirst();
}

export async function saveReconcileCursor(db: Store, row: EventReconcileCursorRow): Promise<void> {
  await db
    .insertInto('event_reconcile_cursors')
    .values(row)
    .onConflict((oc) => oc.column('connection_id').doUpdateSet({ ...row }))
    .execute();
}
