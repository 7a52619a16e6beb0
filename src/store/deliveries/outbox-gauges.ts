// The outbox as two figures for /metrics, each one query that reads only the partial index of
// pending rows (migration 004: deliveries_pending_due on (next_attempt_at, object_created) WHERE
// status = 'pending'), never the delivered rows that make up nearly all of the table. 'pending' is
// a literal in the SQL: only then do SQLite and PostgreSQL choose the partial index.
import { sql } from 'kysely';
import type { Store } from '../database.js';
import type { DeliveryStatus } from '../schema.js';

const PENDING = sql.lit<DeliveryStatus>('pending');

/**
 * Pending rows counted at most: 100,000. Counting is a walk of the partial index, ~0.2 µs a row on
 * SQLite, where better-sqlite3 holds the process's one thread meanwhile: a million pending rows
 * (a subscriber down for a day) took 209 ms per scrape, this many ~21 ms (bench/metrics). A gauge
 * at the cap says "at least this many", which is all an alert on the backlog needs.
 */
export const PENDING_COUNT_CAP = 100_000;

/** Deliveries still to be sent (due now, waiting for a retry, or held by a paused subscription), up to PENDING_COUNT_CAP. */
export async function countPendingDeliveries(db: Store): Promise<number> {
  const row = await db
    .selectFrom((eb) => eb.selectFrom('deliveries').select(sql.lit(1).as('one')).where('status', '=', PENDING).limit(PENDING_COUNT_CAP).as('pending'))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * When the oldest due delivery of an active subscription became due (ISO 8601), whoever holds its
 * claim; undefined when none is due. Walks the index in due order and stops at the first row whose
 * subscription is active, as the workers' claim does (claim.ts): a paused subscription's
 * deliveries wait by design and are not lag.
 */
export async function oldestDueDeliveryAt(db: Store, now: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .select('next_attempt_at')
    .where('status', '=', PENDING)
    .where('next_attempt_at', '<=', now)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('subscriptions')
          .select(sql.lit(1).as('one'))
          .whereRef('subscriptions.id', '=', 'deliveries.subscription_id')
          .where('subscriptions.status', '=', 'active'),
      ),
    )
    .orderBy('next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row?.next_attempt_at;
}
