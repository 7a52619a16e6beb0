// Enqueue: one Stripe object noticed for a trigger becomes one trigger event and one delivery per
// subscription. Idempotent: noticing the same object again (a repeated poll after a crash, a
// webhook and a poll, Stripe sending an event twice) inserts nothing new. Takes a transaction or
// the store, so a poller can commit its cursor with the events in one transaction.
import type { Kysely } from 'kysely';
import { toIsoTime } from '../connector/mapping/time.js';
import { newId } from '../store/ids.js';
import type { OutboxDatabase } from './outbox-tables.js';

export interface NoticedObject {
  connectionId: string;
  trigger: string;
  stripeObjectId: string;
  /** The object's creation time, unix seconds. */
  objectCreated: number;
  /** The documented shape (trigger.map(object)). */
  data: unknown;
  /** The subscriptions it goes to: active ones to this trigger on this connection. */
  subscriptionIds: readonly string[];
}

export interface EnqueueResult {
  eventId: string;
  /** Deliveries this call created (0 when the object had been noticed before). */
  deliveriesCreated: number;
}

export async function enqueueTriggerEvent(
  db: Kysely<OutboxDatabase>,
  noticed: NoticedObject,
  nowMs: number = Date.now(),
): Promise<EnqueueResult> {
  const now = new Date(nowMs).toISOString();
  // Whole-second ISO like every documented date-time; one fixed width, so it sorts as text.
  const objectCreated = toIsoTime(noticed.objectCreated);
  await db
    .insertInto('trigger_events')
    .values({
      id: newId('evt'),
      connection_id: noticed.connectionId,
      trigger: noticed.trigger,
      stripe_object_id: noticed.stripeObjectId,
      object_created: objectCreated,
      data: JSON.stringify(noticed.data),
      created_at: now,
    })
    .onConflict((conflict) => conflict.columns(['connection_id', 'trigger', 'stripe_object_id']).doNothing())
    .execute();
  const event = await db
    .selectFrom('trigger_events')
    .select('id')
    .where('connection_id', '=', noticed.connectionId)
    .where('trigger', '=', noticed.trigger)
    .where('stripe_object_id', '=', noticed.stripeObjectId)
    .executeTakeFirstOrThrow();

  if (noticed.subscriptionIds.length === 0) return { eventId: event.id, deliveriesCreated: 0 };
  const inserted = await db
    .insertInto('deliveries')
    .values(
      noticed.subscriptionIds.map((subscriptionId) => ({
        id: newId('msg'),
        subscription_id: subscriptionId,
        event_id: event.id,
        stripe_object_id: noticed.stripeObjectId,
        object_created: objectCreated,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })),
    )
    .onConflict((conflict) => conflict.columns(['subscription_id', 'stripe_object_id']).doNothing())
    .executeTakeFirst();
  return { eventId: event.id, deliveriesCreated: Number(inserted.numInsertedOrUpdatedRows ?? 0n) };
}
