// The body POSTed to a subscriber (DESIGN.md, "Trigger event delivered to a subscriber"). Built
// from stored fields only, so every retry and replay sends the same bytes.
import type { DeliveryRow, SubscriptionRow, TriggerEventRow } from './outbox-tables.js';

export function eventBody(
  delivery: Pick<DeliveryRow, 'id'>,
  event: Pick<TriggerEventRow, 'trigger' | 'object_created' | 'data'>,
  subscription: Pick<SubscriptionRow, 'id' | 'connection_id'>,
): string {
  return JSON.stringify({
    id: delivery.id,
    type: event.trigger,
    subscription: subscription.id,
    connection: subscription.connection_id,
    created: event.object_created,
    data: JSON.parse(event.data) as unknown,
  });
}
