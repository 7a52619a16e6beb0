// Enqueue: each Stripe object noticed for a trigger becomes one trigger event and one delivery per
// subscription that wants it. Idempotent: noticing the same object again (a repeated poll after a
// crash, a webhook and a poll, Stripe sending an event twice) inserts nothing new. Takes a
// transaction or the store, so a poller can commit its cursor with the events in one transaction.
// Rows go in batches: a 10,000-object backlog is a few hundred statements, not 30,000.
import type { Kysely } from 'kysely';
import { toIsoTime } from '../connector/mapping/time.js';
import { newId } from '../store/ids.js';
import type { OutboxDatabase } from './outbox-tables.js';

/** Rows per statement: 100 × 8 columns stays far below SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 100;

export interface NoticedObject {
  stripeObjectId: string;
  /** The object's creation time, unix seconds. */
  objectCreated: number;
  /** The documented shape (trigger.map(object)). */
  data: unknown;
  /** The subscriptions it goes to. */
  subscriptionIds: readonly string[];
}

export interface NoticedBatch {
  connectionId: string;
  trigger: string;
  /** Oldest first: the order in which they are delivered when due at once. */
  objects: readonly NoticedObject[];
}

export interface EnqueueResult {
  /** Deliveries this call created (0 for objects noticed before). */
  deliveriesCreated: number;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

export async function enqueueTriggerEvents(
  db: Kysely<OutboxDatabase>,
  batch: NoticedBatch,
  nowMs: number = Date.now(),
): Promise<EnqueueResult> {
  const now = new Date(nowMs).toISOString();
  let deliveriesCreated = 0;
  for (const objects of chunks(batch.objects)) {
    await db
      .insertInto('trigger_events')
      .values(
        objects.map((object) => ({
          id: newId('evt'),
          connection_id: batch.connectionId,
          trigger: batch.trigger,
          stripe_object_id: object.stripeObjectId,
          // Whole-second ISO like every documented date-time; one fixed width, so it sorts as text.
          object_created: toIsoTime(object.objectCreated),
          data: JSON.stringify(object.data),
          created_at: now,
        })),
      )
      .onConflict((conflict) => conflict.columns(['connection_id', 'trigger', 'stripe_object_id']).doNothing())
      .execute();
    const events = await db
      .selectFrom('trigger_events')
      .select(['id', 'stripe_object_id', 'object_created'])
      .where('connection_id', '=', batch.connectionId)
      .where('trigger', '=', batch.trigger)
      .where(
        'stripe_object_id',
        'in',
        objects.map((object) => object.stripeObjectId),
      )
      .execute();
    const eventOf = new Map(events.map((event) => [event.stripe_object_id, event]));

    const deliveries = objects.flatMap((object) => {
      const event = eventOf.get(object.stripeObjectId)!;
      return object.subscriptionIds.map((subscriptionId) => ({
        id: newId('msg'),
        subscription_id: subscriptionId,
        event_id: event.id,
        stripe_object_id: object.stripeObjectId,
        object_created: event.object_created,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      }));
    });
    for (const rows of chunks(deliveries)) {
      const inserted = await db
        .insertInto('deliveries')
        .values(rows)
        .onConflict((conflict) => conflict.columns(['subscription_id', 'stripe_object_id']).doNothing())
        .executeTakeFirst();
      deliveriesCreated += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
    }
  }
  return { deliveriesCreated };
}
