// The console overview's reads (GET /api/overview, src/overview/service.ts): each a range read on an
// index of migration 010, bounded by the last hour or by one row, never by the history's size.
import { sql } from 'kysely';
import type { Store } from './database.js';
import type { DeliveryStatus, RunRow } from './schema.js';

/** The connection's newest action run with this status, or undefined. */
export async function lastRunOfConnection(
  db: Store,
  userId: string,
  connectionId: string,
  status: RunRow['status'],
): Promise<Pick<RunRow, 'operation' | 'error' | 'created_at'> | undefined> {
  return db
    .selectFrom('runs')
    .select(['operation', 'error', 'created_at'])
    .where('connection_id', '=', connectionId)
    .where('status', '=', status)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface MinuteCount {
  /** The minute as the first 16 characters of an ISO time: 2026-11-26T05:00. */
  minute: string;
  status: DeliveryStatus;
  n: number;
}

const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];

/** Deliveries of these subscriptions created in [from, to), counted per minute and status now. */
export async function deliveriesPerMinute(db: Store, subscriptionIds: readonly string[], from: string, to: string): Promise<MinuteCount[]> {
  if (subscriptionIds.length === 0) return [];
  const minute = sql<string>`substr(created_at, 1, 16)`;
  const rows = await db
    .selectFrom('deliveries')
    .select([minute.as('minute'), 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('subscription_id', 'in', subscriptionIds)
    // All three named, so the (subscription, status, created_at) index is read as ranges, index only.
    .where('status', 'in', STATUSES)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy([minute, 'status'])
    .execute();
  // PostgreSQL's count is a bigint, which pg hands over as a string.
  return rows.map((row) => ({ minute: row.minute, status: row.status, n: Number(row.n) }));
}

/** When the oldest pending delivery of these subscriptions was created, or undefined. */
export async function oldestPendingCreatedAt(db: Store, subscriptionIds: readonly string[]): Promise<string | undefined> {
  if (subscriptionIds.length === 0) return undefined;
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('subscription_id', 'in', subscriptionIds)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.oldest ?? undefined;
}
