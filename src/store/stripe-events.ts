// Operations on the stripe_events_seen table: the Stripe event ids already taken in per
// connection, so that a repeated webhook is acknowledged without work (src/trigger-sources/inbound-webhook.ts).
import type { Store } from './database.js';

/**
 * Remembers the connection's event ids and returns those not seen before. Remembering is also the
 * check: RETURNING lists only the ids inserted now (SQLite ≥ 3.35, PostgreSQL), not those seen
 * before, and a second copy in the same statement is turned away like one seen before. One
 * statement instead of a read and a write.
 */
export async function rememberStripeEvents(db: Store, connectionId: string, eventIds: readonly string[], receivedAt: string): Promise<string[]> {
  const rows = await db
    .insertInto('stripe_events_seen')
    .values(eventIds.map((eventId) => ({ connection_id: connectionId, event_id: eventId, received_at: receivedAt })))
    .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  return rows.map((row) => row.event_id);
}

/** Forgets the ids received before `before` (ISO 8601). */
export async function forgetStripeEventsBefore(db: Store, before: string): Promise<void> {
  await db.deleteFrom('stripe_events_seen').where('received_at', '<', before).execute();
}
