// Delivery history (GET /api/subscriptions/{id}/deliveries): a subscription's deliveries, newest
// first, each with its attempts, a page at a time. Ownership is the caller's check
// (src/delivery/history.ts).
import { pageSize } from '../../page-size.js';
import type { Store } from '../database.js';
import type { DeliveryAttemptRow, DeliveryRow, DeliveryStatus } from '../schema.js';

export interface DeliveryHistoryFilter {
  subscriptionId: string;
  status?: DeliveryStatus | undefined;
  /** Default 100, at most 1000 (src/page-size.ts). */
  limit?: number | undefined;
  /** A delivery of this subscription (from findDeliveryCursor): the page starts after it. Default: the newest. */
  startingAfter?: DeliveryCursor | undefined;
}

/** Where a delivery sits in the newest-first order. */
export type DeliveryCursor = Pick<DeliveryRow, 'id' | 'created_at' | 'object_created'>;

export interface DeliveryWithAttempts extends DeliveryRow {
  attempt_history: DeliveryAttemptRow[];
}

export interface DeliveryPage {
  deliveries: DeliveryWithAttempts[];
  /** More (older) deliveries follow the last one. */
  hasMore: boolean;
}

/** The delivery's id when it belongs to one of this user's subscriptions; undefined for an unknown id or another user's. */
export async function findDeliveryOfUser(db: Store, userId: string, deliveryId: string): Promise<string | undefined> {
  const owned = await db
    .selectFrom('deliveries')
    .innerJoin('subscriptions', 'subscriptions.id', 'deliveries.subscription_id')
    .select('deliveries.id')
    .where('deliveries.id', '=', deliveryId)
    .where('subscriptions.user_id', '=', userId)
    .executeTakeFirst();
  return owned?.id;
}

/** The cursor of a delivery of this subscription, or undefined when it is not one. */
export async function findDeliveryCursor(db: Store, subscriptionId: string, deliveryId: string): Promise<DeliveryCursor | undefined> {
  return db
    .selectFrom('deliveries')
    .select(['id', 'created_at', 'object_created'])
    .where('id', '=', deliveryId)
    .where('subscription_id', '=', subscriptionId)
    .executeTakeFirst();
}

// Newest first: enqueue time, then (one poll enqueues many at once) the object's creation time,
// then the id, so that the order is total and a cursor never skips or repeats a delivery.
export async function listDeliveryPage(db: Store, filter: DeliveryHistoryFilter): Promise<DeliveryPage> {
  const limit = pageSize(filter.limit);
  let query = db.selectFrom('deliveries').selectAll().where('subscription_id', '=', filter.subscriptionId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const after = filter.startingAfter;
  if (after) {
    // A row-value comparison (SQLite ≥ 3.15, PostgreSQL): the rows after the cursor in that order.
    query = query.where((eb) => eb(eb.refTuple('created_at', 'object_created', 'id'), '<', eb.tuple(after.created_at, after.object_created, after.id)));
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('object_created', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const deliveries = rows.slice(0, limit);
  if (deliveries.length === 0) return { deliveries: [], hasMore: false };
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
  const byDelivery = new Map<string, DeliveryAttemptRow[]>();
  for (const attempt of attempts) {
    const list = byDelivery.get(attempt.delivery_id);
    if (list) list.push(attempt);
    else byDelivery.set(attempt.delivery_id, [attempt]);
  }
  return {
    deliveries: deliveries.map((delivery) => ({ ...delivery, attempt_history: byDelivery.get(delivery.id) ?? [] })),
    hasMore: rows.length > limit,
  };
}
