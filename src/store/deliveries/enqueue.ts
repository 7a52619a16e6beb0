// Inserts new deliveries (src/delivery/enqueue.ts decides which), unique on (subscription, object):
// a delivery made before is turned away, so enqueueing the same object again adds nothing.
import type { Store } from '../database.js';
import type { DeliveryRow } from '../schema.js';

// The columns that are null on a new delivery are left to their defaults: fewer parameters per
// row for kysely to compile and SQLite to bind (a 100,000-object backlog is 1,000 of these).
function newColumns(row: DeliveryRow) {
  return {
    id: row.id,
    subscription_id: row.subscription_id,
    event_id: row.event_id,
    stripe_object_id: row.stripe_object_id,
    object_created: row.object_created,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    created_at: row.created_at,
  };
}

/** Returns how many were inserted. */
export async function insertNewDeliveries(db: Store, rows: readonly DeliveryRow[]): Promise<number> {
  const inserted = await db
    .insertInto('deliveries')
    .values(rows.map(newColumns))
    .onConflict((conflict) => conflict.columns(['subscription_id', 'stripe_object_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n);
}

/** The same, each row with its claim (locked_until, claim_token, null when unclaimed); returns the ids inserted. */
export async function insertNewClaimedDeliveries(db: Store, rows: readonly DeliveryRow[]): Promise<Set<string>> {
  // RETURNING lists only the rows inserted, not those the unique key turned away (SQLite ≥ 3.35, PostgreSQL).
  const inserted = await db
    .insertInto('deliveries')
    .values(rows.map((row) => ({ ...newColumns(row), locked_until: row.locked_until, claim_token: row.claim_token })))
    .onConflict((conflict) => conflict.columns(['subscription_id', 'stripe_object_id']).doNothing())
    .returning('id')
    .execute();
  return new Set(inserted.map((row) => row.id));
}
