// The body POSTed to a subscriber (docs/triggers.md, "The request you receive"). Built
// from stored fields only, so every retry and replay sends the same bytes.
import type { DeliveryRow, SubscriptionRow, TriggerEventRow } from '../store/schema.js';

export function eventBody(
  delivery: Pick<DeliveryRow, 'id'>,
  event: Pick<TriggerEventRow, 'trigger' | 'object_created' | 'data'>,
  subscription: Pick<SubscriptionRow, 'id' | 'connection_id'>,
): string {
  // The stored data is already the JSON.stringify of the documented shape, so it goes in as it is:
  // the same bytes as parsing and re-serialising it, without either (bench/triggers).
  return (
    `{"id":${JSON.stringify(delivery.id)},"type":${JSON.stringify(event.trigger)},` +
    `"subscription":${JSON.stringify(subscription.id)},"connection":${JSON.stringify(subscription.connection_id)},` +
    `"created":${JSON.stringify(event.object_created)},"data":${event.data}}`
  );
}
