// Inbound Stripe events (already verified, src/stripe/webhook-signature.ts) → trigger events for
// the webhook- and hybrid-mode subscriptions of the connection. Returns only once the events are
// stored, so the route can acknowledge Stripe after a durable write and not before. Idempotent by
// Stripe object: the same event sent again, or another event announcing the same object
// (charge.pending then charge.succeeded), adds nothing — chargeAdded fires once per charge.
import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { StripeObjectRef, TriggerDefinition } from '../connector/define.js';
import { triggers as registeredTriggers } from '../connector/triggers/index.js';
import { enqueueTriggerEvents } from '../delivery/enqueue.js';
import type { OutboxDatabase } from '../delivery/outbox-tables.js';

export interface IngestInput {
  db: Kysely<OutboxDatabase>;
  connectionId: string;
  event: Stripe.Event;
  nowMs: number;
  /** Default: every registered trigger. */
  triggers?: readonly TriggerDefinition[];
}

export interface IngestResult {
  /** Triggers the event type belongs to. */
  triggers: string[];
  /** Deliveries created; 0 for an event seen before or one no subscription wants. */
  enqueued: number;
}

const toUnixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export async function ingestStripeEvent(input: IngestInput): Promise<IngestResult> {
  const { db, connectionId, event } = input;
  const matching = (input.triggers ?? registeredTriggers).filter((trigger) => trigger.eventTypes.includes(event.type));
  const object = event.data.object as unknown as StripeObjectRef & { object?: unknown };
  if (matching.length === 0 || typeof object?.id !== 'string') return { triggers: [], enqueued: 0 };

  // Called inside a transaction (the reconciler advances its cursor in the same one), it runs in it.
  const inTransaction = <T>(work: (tx: Kysely<OutboxDatabase>) => Promise<T>): Promise<T> =>
    db.isTransaction ? work(db) : db.transaction().execute(work);
  const enqueued = await inTransaction(async (tx) => {
    let created = 0;
    for (const trigger of matching) {
      if (object.object !== trigger.objectType) continue;
      const objectCreated = trigger.createdOf(object);
      const subscriptions = await tx
        .selectFrom('subscriptions')
        .select(['id', 'since'])
        .where('connection_id', '=', connectionId)
        .where('trigger', '=', trigger.name)
        .where('mode', 'in', ['webhook', 'hybrid'])
        // Paused ones too: their deliveries wait in the outbox until they are resumed.
        .execute();
      const wanting = subscriptions.filter((s) => toUnixSeconds(s.since) <= objectCreated);
      if (wanting.length === 0) continue;
      const result = await enqueueTriggerEvents(
        tx,
        {
          connectionId,
          trigger: trigger.name,
          objects: [
            { stripeObjectId: object.id, objectCreated, data: trigger.map(object), subscriptionIds: wanting.map((s) => s.id) },
          ],
        },
        input.nowMs,
      );
      created += result.deliveriesCreated;
    }
    return created;
  });
  return { triggers: matching.map((trigger) => trigger.name), enqueued };
}
