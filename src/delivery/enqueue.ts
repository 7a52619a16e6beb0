// Enqueue: each Stripe object noticed for a trigger becomes one trigger event and one delivery per
// subscription that wants it. Idempotent: noticing the same object again (a repeated poll after a
// crash, a webhook and a poll, Stripe sending an event twice) inserts nothing new. Takes a
// transaction or the store, so a poller can commit its cursor with the events in one transaction.
// Deliveries left for any worker to claim are announced to the other processes in that same
// transaction (src/store/deliveries/wake-ups.ts): every enqueue path (poll, inbound webhook,
// reconciliation) goes through here.
// Rows go in batches: a 10,000-object backlog is a few hundred statements, not 30,000.
import { toIsoTime } from '../time.js';
import type { Store } from '../store/database.js';
import { insertNewClaimedDeliveries, insertNewDeliveries } from '../store/deliveries/enqueue.js';
import { announceDueDeliveries } from '../store/deliveries/wake-ups.js';
import { newTimeOrderedId } from '../ids.js';
import type { DeliveryRow, SubscriptionRow, TriggerEventRow } from '../store/schema.js';
import { statementChunks } from '../store/statement-rows.js';
import { findTriggerEventsOfObjects, insertNewTriggerEvents } from '../store/trigger-events.js';
import type { DeliveryClaim, ReadyDelivery } from './handoff.js';

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
  db: Store,
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
    const inserted = await insertNewTriggerEvents(db, rows);
    // An object noticed before keeps its stored event, which decides the body (a poll may have
    // stored it with other data); its data is read only for deliveries handed over, which are sent
    // without another read.
    const noticedBefore = rows.filter((row) => !inserted.has(row.id)).map((row) => row.stripe_object_id);
    const events: Pick<TriggerEventRow, 'id' | 'stripe_object_id' | 'object_created' | 'trigger' | 'data'>[] = rows.filter((row) => inserted.has(row.id));
    if (noticedBefore.length > 0) {
      events.push(...(await findTriggerEventsOfObjects(db, batch.connectionId, batch.trigger, noticedBefore)));
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
          attempts_before_replay: 0,
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
      if (!claim) {
        deliveriesCreated += await insertNewDeliveries(db, rows);
        continue;
      }
      const inserted = await insertNewClaimedDeliveries(db, rows);
      deliveriesCreated += inserted.size;
      for (const row of rows) {
        if (!inserted.has(row.id) || row.claim_token === null) continue;
        const event = eventOf.get(row.stripe_object_id)!;
        claimed.push({ delivery: row, subscription: claim.subscriptions.get(row.subscription_id)!, event });
      }
    }
  }
  // Those handed to this process's worker already claimed need no other process woken.
  if (deliveriesCreated > claimed.length) await announceDueDeliveries(db);
  return { deliveriesCreated, claimed };
}
