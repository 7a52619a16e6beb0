// Enqueue: each Stripe object noticed for a trigger becomes one trigger event and one delivery per
// subscription that wants it. Idempotent: noticing the same object again (a repeated poll after a
// crash, a webhook and a poll, Stripe sending an event twice) inserts nothing new. Takes a
// transaction or the store, so a poller can commit its cursor with the events in one transaction.
// Rows go in batches: a 10,000-object backlog is a few hundred statements, not 30,000.
import type { Kysely } from 'kysely';
import { toIsoTime } from '../time.js';
import { newTimeOrderedId } from '../store/ids.js';
import type { DeliveryClaim, ReadyDelivery } from './handoff.js';
import { statementChunks } from './statement-rows.js';
import type { DeliveryRow, OutboxDatabase, SubscriptionRow, TriggerEventRow } from './outbox-tables.js';


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
  /** Those created already claimed (EnqueueOptions.claim), ready to send. Empty without a claim. */
  claimed: ReadyDelivery[];
}

export interface EnqueueOptions {
  /**
   * Deliveries to these subscriptions are inserted already claimed (src/delivery/handoff.ts) and
   * returned with everything needed to send them. Default none: every delivery waits to be claimed.
   * Only active subscriptions belong here: a paused one's deliveries wait in the outbox.
   */
  claim?: DeliveryClaim & { subscriptions: ReadonlyMap<string, SubscriptionRow> };
}

export async function enqueueTriggerEvents(
  db: Kysely<OutboxDatabase>,
  batch: NoticedBatch,
  nowMs: number = Date.now(),
  options: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const now = new Date(nowMs).toISOString();
  const { claim } = options;
  let deliveriesCreated = 0;
  const claimed: ReadyDelivery[] = [];
  for (const objects of statementChunks(batch.objects)) {
    const rows = objects.map((object) => ({
      id: newTimeOrderedId('evt'),
      connection_id: batch.connectionId,
      trigger: batch.trigger,
      stripe_object_id: object.stripeObjectId,
      // Whole-second ISO like every documented date-time; one fixed width, so it sorts as text.
      object_created: toIsoTime(object.objectCreated),
      data: JSON.stringify(object.data),
      created_at: now,
    }));
    // RETURNING lists only the rows inserted, not those the unique key turned away (SQLite ≥ 3.35,
    // PostgreSQL): the usual case — every object new — needs no read back.
    const inserted = new Set(
      (
        await db
          .insertInto('trigger_events')
          .values(rows)
          .onConflict((conflict) => conflict.columns(['connection_id', 'trigger', 'stripe_object_id']).doNothing())
          .returning('id')
          .execute()
      ).map((row) => row.id),
    );
    // An object noticed before keeps its stored event, which decides the body (a poll may have
    // stored it with other data); its data is read only for deliveries handed over, which are sent
    // without another read.
    const noticedBefore = rows.filter((row) => !inserted.has(row.id)).map((row) => row.stripe_object_id);
    const events: Pick<TriggerEventRow, 'id' | 'stripe_object_id' | 'object_created' | 'trigger' | 'data'>[] = rows.filter((row) => inserted.has(row.id));
    if (noticedBefore.length > 0) {
      events.push(
        ...(await db
          .selectFrom('trigger_events')
          .select(['id', 'stripe_object_id', 'object_created', 'trigger', 'data'])
          .where('connection_id', '=', batch.connectionId)
          .where('trigger', '=', batch.trigger)
          .where('stripe_object_id', 'in', noticedBefore)
          .execute()),
      );
    }
    const eventOf = new Map(events.map((event) => [event.stripe_object_id, event]));

    const deliveries = objects.flatMap((object) => {
      const event = eventOf.get(object.stripeObjectId)!;
      return object.subscriptionIds.map((subscriptionId): DeliveryRow => {
        const claimedBy = claim?.subscriptions.has(subscriptionId) ? claim : undefined;
        return {
          id: newTimeOrderedId('msg'),
          subscription_id: subscriptionId,
          event_id: event.id,
          stripe_object_id: object.stripeObjectId,
          object_created: event.object_created,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: now,
          first_attempt_at: null,
          locked_until: claimedBy?.lockedUntil ?? null,
          claim_token: claimedBy?.claimToken ?? null,
          last_status_code: null,
          last_error: null,
          delivered_at: null,
          created_at: now,
        };
      });
    });
    for (const rows of statementChunks(deliveries)) {
      // The columns that are null on a new delivery are left to their defaults: fewer parameters
      // per row for kysely to compile and SQLite to bind (a 100,000-object backlog is 1,000 of these).
      const insert = db
        .insertInto('deliveries')
        .values(
          rows.map((row) => ({
            id: row.id,
            subscription_id: row.subscription_id,
            event_id: row.event_id,
            stripe_object_id: row.stripe_object_id,
            object_created: row.object_created,
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            created_at: row.created_at,
            ...(claim ? { locked_until: row.locked_until, claim_token: row.claim_token } : {}),
          })),
        )
        .onConflict((conflict) => conflict.columns(['subscription_id', 'stripe_object_id']).doNothing());
      if (!claim) {
        const inserted = await insert.executeTakeFirst();
        deliveriesCreated += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
        continue;
      }
      // RETURNING lists only the rows inserted, not those the unique key turned away (SQLite ≥ 3.35, PostgreSQL).
      const inserted = new Set((await insert.returning('id').execute()).map((row) => row.id));
      deliveriesCreated += inserted.size;
      for (const row of rows) {
        if (!inserted.has(row.id) || row.claim_token === null) continue;
        const event = eventOf.get(row.stripe_object_id)!;
        claimed.push({ delivery: row, subscription: claim.subscriptions.get(row.subscription_id)!, event });
      }
    }
  }
  return { deliveriesCreated, claimed };
}
