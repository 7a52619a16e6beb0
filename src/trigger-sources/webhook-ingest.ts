// Inbound Stripe events (already verified, src/stripe/webhook-signature.ts) → trigger events for
// the webhook- and hybrid-mode subscriptions of the connection. Returns only once the events are
// stored, so the route can acknowledge Stripe after a durable write and not before. Idempotent by
// Stripe object: the same event sent again, or another event announcing the same object
// (charge.pending then charge.succeeded), adds nothing — chargeAdded fires once per charge.
// ingestStripeEvents takes many events at once (the inbound route's group commit): one
// subscription read per connection and trigger, and the enqueue's few multi-row statements, for
// the whole group.
import type Stripe from 'stripe';
import type { RelatedObjects, StripeObjectRef, TriggerDefinition } from '../connector/define.js';
import { triggers as registeredTriggers } from '../connector/triggers/index.js';
import { enqueueTriggerEvents, type NoticedObject } from '../delivery/enqueue.js';
import type { DeliveryClaim, ReadyDelivery } from '../delivery/handoff.js';
import type { Store } from '../store/database.js';
import type { SubscriptionRow } from '../store/schema.js';
import { listPushedSubscriptions } from '../store/trigger-subscriptions.js';
import { subscriptionsWanting } from './subscriptions-wanting.js';

export interface IngestInput {
  db: Store;
  connectionId: string;
  event: Stripe.Event;
  /** What the triggers' maps need beyond the event (src/trigger-sources/related-objects.ts). Default none. */
  related?: RelatedObjects | undefined;
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

export interface IngestBatchInput {
  db: Store;
  /** `related`: what the triggers' maps need beyond the event, read before (no Stripe call is made while the store's transaction is open). */
  events: readonly { connectionId: string; event: Stripe.Event; related?: RelatedObjects | undefined }[];
  nowMs: number;
  /** Default: every registered trigger. */
  triggers?: readonly TriggerDefinition[];
  /** Deliveries to active subscriptions are inserted with this claim and returned (src/delivery/handoff.ts). Default none. */
  claim?: DeliveryClaim;
}

export interface IngestBatchResult {
  /** The triggers each input event belongs to, in input order. */
  triggers: string[][];
  /** Deliveries created by the whole batch. */
  enqueued: number;
  /** Of those, the ones inserted with the claim, ready to send once the transaction commits. */
  claimed: ReadyDelivery[];
}

export async function ingestStripeEvent(input: IngestInput): Promise<IngestResult> {
  const result = await ingestStripeEvents({ ...input, events: [{ connectionId: input.connectionId, event: input.event, related: input.related }] });
  return { triggers: result.triggers[0]!, enqueued: result.enqueued };
}

export async function ingestStripeEvents(input: IngestBatchInput): Promise<IngestBatchResult> {
  const { db } = input;
  const triggers = input.triggers ?? registeredTriggers;
  const triggersOf: string[][] = [];
  // (connection, trigger) → the objects noticed for it; a second event about one object adds nothing.
  const groups = new Map<string, { connectionId: string; trigger: TriggerDefinition; objects: Map<string, { object: StripeObjectRef; related: RelatedObjects | undefined }> }>();
  for (const { connectionId, event, related } of input.events) {
    const matching = triggers.filter((trigger) => trigger.eventTypes.includes(event.type));
    const object = eventObject(event);
    if (matching.length === 0 || object === undefined) {
      triggersOf.push([]);
      continue;
    }
    triggersOf.push(matching.map((trigger) => trigger.name));
    for (const trigger of matching) {
      if (object.object !== trigger.objectType) continue;
      const key = `${connectionId}\u0000${trigger.name}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { connectionId, trigger, objects: new Map() }));
      if (!group.objects.has(object.id)) group.objects.set(object.id, { object, related });
    }
  }
  if (groups.size === 0) return { triggers: triggersOf, enqueued: 0, claimed: [] };

  // Called inside a transaction (the reconciler advances its cursor in the same one), it runs in it.
  const inTransaction = <T>(work: (tx: Store) => Promise<T>): Promise<T> =>
    db.isTransaction ? work(db) : db.transaction().execute(work);
  let enqueued = 0;
  const claimed = await inTransaction(async (tx) => {
    enqueued = 0;
    const ready: ReadyDelivery[] = [];
    for (const { connectionId, trigger, objects } of groups.values()) {
      const subscriptions = await listPushedSubscriptions(tx, connectionId, trigger.name);
      if (subscriptions.length === 0) continue;
      const noticed: NoticedObject[] = [];
      for (const { object, related } of objects.values()) {
        const objectCreated = trigger.createdOf(object);
        const wanting = subscriptionsWanting(subscriptions, objectCreated);
        if (wanting.length === 0) continue;
        noticed.push({ stripeObjectId: object.id, objectCreated, data: trigger.map(object, related), subscriptionIds: wanting.map((s) => s.id) });
      }
      if (noticed.length === 0) continue;
      const active = new Map<string, SubscriptionRow>(subscriptions.filter((s) => s.status === 'active').map((s) => [s.id, s]));
      const result = await enqueueTriggerEvents(
        tx,
        { connectionId, trigger: trigger.name, objects: noticed },
        input.nowMs,
        input.claim ? { claim: { ...input.claim, subscriptions: active } } : {},
      );
      ready.push(...result.claimed);
      enqueued += result.deliveriesCreated;
    }
    return ready;
  });
  return { triggers: triggersOf, enqueued, claimed };
}

/** The Stripe object an event is about, when it has one with an id. */
function eventObject(event: Stripe.Event): (StripeObjectRef & { object?: unknown }) | undefined {
  const object = event.data?.object as unknown as (StripeObjectRef & { object?: unknown }) | undefined;
  return typeof object?.id === 'string' ? object : undefined;
}

/** The objects `event` announces to each trigger that fires on it: the rule ingest applies, for readers that prepare an ingest. */
export function objectsAnnounced(event: Stripe.Event, triggers: readonly TriggerDefinition[]): { trigger: TriggerDefinition; object: StripeObjectRef }[] {
  const object = eventObject(event);
  if (object === undefined) return [];
  return triggers.filter((trigger) => trigger.eventTypes.includes(event.type) && object.object === trigger.objectType).map((trigger) => ({ trigger, object }));
}
