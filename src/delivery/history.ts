// Delivery history (GET /api/subscriptions/{id}/deliveries): a subscription's deliveries, newest
// first, each with its attempts. Ownership is the caller's check.
import type { Kysely } from 'kysely';
import type { DeliveryAttemptRow, DeliveryRow, DeliveryStatus, OutboxDatabase } from './outbox-tables.js';

export interface DeliveryHistoryFilter {
  subscriptionId: string;
  status?: DeliveryStatus | undefined;
  /** Default 100, at most 1000. */
  limit?: number | undefined;
}

export interface DeliveryWithAttempts extends DeliveryRow {
  attempt_history: DeliveryAttemptRow[];
}

export async function listDeliveries(db: Kysely<OutboxDatabase>, filter: DeliveryHistoryFilter): Promise<DeliveryWithAttempts[]> {
  let query = db.selectFrom('deliveries').selectAll().where('subscription_id', '=', filter.subscriptionId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const deliveries = await query
    .orderBy('created_at', 'desc')
    .orderBy('object_created', 'desc')
    .limit(Math.min(filter.limit ?? 100, 1000))
    .execute();
  if (deliveries.length === 0) return [];
  const attempts = await db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      deliveries.map((d) => d.id),
    )
    .orderBy('started_at')
    .orderBy('attempt')
    .execute();
  return deliveries.map((delivery) => ({
    ...delivery,
    attempt_history: attempts.filter((attempt) => attempt.delivery_id === delivery.id),
  }));
}
