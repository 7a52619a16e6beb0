// The caller's deliveries across subscriptions (GET /api/deliveries, GET /api/deliveries/{id}, the
// bulk retry's count): the filter is first narrowed to the user's subscriptions (connection,
// trigger, one subscription), then each subscription is read on its own index
// (deliveries_subscription_order, or deliveries_subscription_status_order under a status filter,
// migration 010) in the lists' newest-first order — created_at, object_created, id — and the pages
// are merged. One range read per subscription instead of one read over every delivery of the
// store: the user's share of a shared store never costs a scan of the other users' rows.
import { sql } from 'kysely';
import { pageSize } from '../../page-size.js';
import type { Store } from '../database.js';
import type { DeliveryAttemptRow, DeliveryRow, DeliveryStatus, SubscriptionRow } from '../schema.js';

export type SubscriptionOfDelivery = Pick<SubscriptionRow, 'id' | 'connection_id' | 'trigger'>;

export interface SubscriptionScope {
  userId: string;
  connectionId?: string | undefined;
  trigger?: string | undefined;
  subscriptionId?: string | undefined;
}

/** The user's subscriptions the scope names, oldest id first. */
export async function subscriptionsInScope(db: Store, scope: SubscriptionScope): Promise<SubscriptionOfDelivery[]> {
  let query = db.selectFrom('subscriptions').select(['id', 'connection_id', 'trigger']).where('user_id', '=', scope.userId);
  if (scope.connectionId !== undefined) query = query.where('connection_id', '=', scope.connectionId);
  if (scope.trigger !== undefined) query = query.where('trigger', '=', scope.trigger);
  if (scope.subscriptionId !== undefined) query = query.where('id', '=', scope.subscriptionId);
  return query.orderBy('id').execute();
}

/** Where a delivery sits in the newest-first order. */
export type DeliveryOrderKey = Pick<DeliveryRow, 'id' | 'created_at' | 'object_created'>;

export interface DeliveryRange {
  status?: DeliveryStatus | undefined;
  /** created_at at or after this (ISO 8601, as stored). */
  from?: string | undefined;
  /** created_at before this. */
  to?: string | undefined;
}

function rangeQuery(db: Store, subscriptionId: string, range: DeliveryRange) {
  let query = db.selectFrom('deliveries').where('subscription_id', '=', subscriptionId);
  if (range.status !== undefined) query = query.where('status', '=', range.status);
  if (range.from !== undefined) query = query.where('created_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('created_at', '<', range.to);
  return query;
}

export interface DeliveryPageOfUser {
  deliveries: DeliveryRow[];
  hasMore: boolean;
}

export async function listDeliveriesOfSubscriptions(
  db: Store,
  subscriptionIds: readonly string[],
  range: DeliveryRange & { limit?: number | undefined; startingAfter?: DeliveryOrderKey | undefined },
): Promise<DeliveryPageOfUser> {
  const limit = pageSize(range.limit);
  const after = range.startingAfter;
  const pages = await Promise.all(
    subscriptionIds.map((subscriptionId) => {
      let query = rangeQuery(db, subscriptionId, range).selectAll();
      if (after) {
        query = query.where((eb) => eb(eb.refTuple('created_at', 'object_created', 'id'), '<', eb.tuple(after.created_at, after.object_created, after.id)));
      }
      return query.orderBy('created_at', 'desc').orderBy('object_created', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    }),
  );
  const merged = pages.flat().sort(newestFirst);
  return { deliveries: merged.slice(0, limit), hasMore: merged.length > limit };
}

function newestFirst(a: DeliveryOrderKey, b: DeliveryOrderKey): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  if (a.object_created !== b.object_created) return a.object_created < b.object_created ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** How many deliveries of these subscriptions are in the range: one index-only count per subscription. */
export async function countDeliveriesOfSubscriptions(db: Store, subscriptionIds: readonly string[], range: DeliveryRange): Promise<number> {
  const counts = await Promise.all(
    subscriptionIds.map(async (subscriptionId) => {
      const row = await rangeQuery(db, subscriptionId, range)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      // PostgreSQL's count is a bigint, which pg hands over as a string.
      return Number(row.n);
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

export interface DeliveryOfUser {
  delivery: DeliveryRow;
  subscription: SubscriptionOfDelivery;
}

/** The delivery and its subscription when it is this user's; undefined for an unknown id or another user's. */
export async function findDeliveryOfUserWithSubscription(db: Store, userId: string, deliveryId: string): Promise<DeliveryOfUser | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .innerJoin('subscriptions', 'subscriptions.id', 'deliveries.subscription_id')
    .selectAll('deliveries')
    .select(['subscriptions.connection_id as s_connection_id', 'subscriptions.trigger as s_trigger'])
    .where('deliveries.id', '=', deliveryId)
    .where('subscriptions.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { s_connection_id, s_trigger, ...delivery } = row;
  return { delivery, subscription: { id: delivery.subscription_id, connection_id: s_connection_id, trigger: s_trigger } };
}

/** Every attempt of the delivery, oldest first, replays included. */
export async function attemptsOfDelivery(db: Store, deliveryId: string): Promise<DeliveryAttemptRow[]> {
  return db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').orderBy('started_at').execute();
}

/** Pending deliveries of these subscriptions not yet attempted, due at or after `since`: new ones and replayed ones (a replay makes one due now). */
export async function freshlyDueDeliveries(db: Store, subscriptionIds: readonly string[], since: string, limit: number): Promise<DeliveryRow[]> {
  if (subscriptionIds.length === 0) return [];
  return (
    db
      .selectFrom('deliveries')
      .selectAll()
      // 'pending' as a literal: the partial index of pending rows (migration 004) serves it.
      .where('status', '=', sql.lit<DeliveryStatus>('pending'))
      .where('next_attempt_at', '>=', since)
      .where('attempts', '=', 0)
      .where('subscription_id', 'in', subscriptionIds)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute()
  );
}

export async function deliveriesByIds(db: Store, ids: readonly string[]): Promise<DeliveryRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('deliveries').selectAll().where('id', 'in', ids).execute();
}
