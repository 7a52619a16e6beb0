// Operations on the trigger_events table: one row per Stripe object noticed for one trigger on one
// connection, unique on (connection, trigger, object) — what makes enqueueing idempotent
// (src/delivery/enqueue.ts).
import type { Store } from './database.js';
import type { TriggerEventRow } from './schema.js';

/** The fields a delivery's body is made of (src/delivery/event-body.ts). */
export type TriggerEventBody = Pick<TriggerEventRow, 'id' | 'trigger' | 'object_created' | 'data'>;

/** Inserts the rows whose object is new; returns the ids of those inserted (not those the unique key turned away). */
export async function insertNewTriggerEvents(db: Store, rows: readonly TriggerEventRow[]): Promise<Set<string>> {
  // RETURNING lists only the rows inserted, not those the unique key turned away (SQLite ≥ 3.35,
  // PostgreSQL): the usual case — every object new — needs no read back.
  return new Set(
    (
      await db
        .insertInto('trigger_events')
        .values(rows)
        .onConflict((conflict) => conflict.columns(['connection_id', 'trigger', 'stripe_object_id']).doNothing())
        .returning('id')
        .execute()
    ).map((row) => row.id),
  );
}

/** The stored events of these objects for this trigger on this connection. */
export async function findTriggerEventsOfObjects(
  db: Store,
  connectionId: string,
  trigger: string,
  stripeObjectIds: readonly string[],
): Promise<Pick<TriggerEventRow, 'id' | 'stripe_object_id' | 'object_created' | 'trigger' | 'data'>[]> {
  return db
    .selectFrom('trigger_events')
    .select(['id', 'stripe_object_id', 'object_created', 'trigger', 'data'])
    .where('connection_id', '=', connectionId)
    .where('trigger', '=', trigger)
    .where('stripe_object_id', 'in', stripeObjectIds)
    .execute();
}

export async function findTriggerEventBodies(db: Store, ids: readonly string[]): Promise<TriggerEventBody[]> {
  return db.selectFrom('trigger_events').select(['id', 'trigger', 'object_created', 'data']).where('id', 'in', ids).execute();
}
