// GET /api/subscriptions: the caller's subscriptions, newest first, a page at a time, with the
// same bounds and cursor as the run and delivery histories (src/run-history/list-runs.ts,
// src/store/deliveries/history.ts): keyset on (created_at, id), so a page never skips or repeats one
// when subscriptions are added or deleted between pages.
import { pageSize } from '../page-size.js';
import type { Store } from './database.js';
import type { SubscriptionRow } from './schema.js';

/** Where a subscription sits in the newest-first order. */
export type SubscriptionCursor = Pick<SubscriptionRow, 'id' | 'created_at'>;

export interface SubscriptionPageFilter {
  userId: string;
  /** Only this connection's. */
  connectionId?: string | undefined;
  /** Default 100, at most 1000 (src/page-size.ts). */
  limit?: number | undefined;
  /** A subscription of this user (from findSubscriptionCursor): the page starts after it. Default: the newest. */
  startingAfter?: SubscriptionCursor | undefined;
}

export interface SubscriptionPage {
  rows: SubscriptionRow[];
  /** More (older) subscriptions follow the last one. */
  hasMore: boolean;
}

/** The cursor of one of the user's subscriptions, or undefined for an unknown id or another user's. */
export async function findSubscriptionCursor(db: Store, userId: string, subscriptionId: string): Promise<SubscriptionCursor | undefined> {
  return db.selectFrom('subscriptions').select(['id', 'created_at']).where('id', '=', subscriptionId).where('user_id', '=', userId).executeTakeFirst();
}

export async function listSubscriptionPage(db: Store, filter: SubscriptionPageFilter): Promise<SubscriptionPage> {
  const limit = pageSize(filter.limit);
  let query = db.selectFrom('subscriptions').selectAll().where('user_id', '=', filter.userId);
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  const after = filter.startingAfter;
  if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.created_at, after.id)));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}
