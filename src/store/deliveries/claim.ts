// Workers claim due deliveries with a lease: a claimed delivery is theirs until `locked_until`,
// and a worker that dies mid-send simply lets its lease run out, after which another worker sends
// it again — with the same webhook-id (at least once). Written as one UPDATE … WHERE id IN (…)
// that repeats its conditions in the outer WHERE. On PostgreSQL the inner select takes its rows
// FOR UPDATE SKIP LOCKED: workers on several processes claiming at once each lock the next due rows
// nobody else holds and take disjoint batches, without waiting (plain row locks made the loser
// wait for the winner's commit, then re-check the outer conditions and come away with nothing).
// SQLite has no row locks and needs none: its writes are serial, one claim after the other.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../database.js';
import { isPostgres } from '../dialect.js';
import type { DeliveryRow, DeliveryStatus } from '../schema.js';

/** Random per claim, so a worker recognises its own claims (deliveries.claim_token). */
export function newClaimToken(): string {
  return randomBytes(12).toString('hex');
}

/** A lease long enough to outlast the 10 s send timeout and the recording that follows. */
export const DEFAULT_LEASE_MS = 60_000;

export interface ClaimOptions {
  nowMs: number;
  /** Most deliveries claimed at once. */
  limit: number;
  /** Default DEFAULT_LEASE_MS (60 s). */
  leaseMs?: number;
}

/** 'pending' as a literal in the SQL, not a parameter: only then can SQLite and PostgreSQL use the partial index on pending rows (migration 004). */
const PENDING = sql.lit<DeliveryStatus>('pending');

/** The ids of the `limit` deliveries due first at `now` (ISO 8601), whose subscriptions are active. */
export function dueDeliveriesSearch(db: Store, now: string, limit: number) {
  const search = (
    db
      .selectFrom('deliveries')
      .select('id')
      .where('status', '=', PENDING)
      .where('next_attempt_at', '<=', now)
      .where((inner) => inner.or([inner('locked_until', 'is', null), inner('locked_until', '<=', now)]))
      // A paused subscription's deliveries wait where they are until it is resumed. EXISTS, not
      // IN (…): with IN, SQLite drove the search from the subscription index and walked every
      // delivery ever made to an active subscription, delivered ones included, then sorted;
      // with EXISTS it walks the partial index of pending rows in due order and stops at `limit`.
      .where((inner) =>
        inner.exists(
          inner
            .selectFrom('subscriptions')
            .select(sql.lit(1).as('one'))
            .whereRef('subscriptions.id', '=', 'deliveries.subscription_id')
            .where('subscriptions.status', '=', 'active'),
        ),
      )
      .orderBy('next_attempt_at')
      .orderBy('object_created')
      .limit(limit)
  );
  // Only the deliveries rows are locked, not the subscriptions the EXISTS reads. The locks do not
  // change the plan: PostgreSQL still walks the partial index in due order and stops at `limit`,
  // skipping the rows another claim holds.
  return isPostgres(db) ? search.forUpdate('deliveries').skipLocked() : search;
}

export async function claimDueDeliveries(db: Store, options: ClaimOptions): Promise<DeliveryRow[]> {
  const now = new Date(options.nowMs).toISOString();
  const lockedUntil = new Date(options.nowMs + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString();
  const claimToken = newClaimToken();

  await db
    .updateTable('deliveries')
    .set({ locked_until: lockedUntil, claim_token: claimToken })
    .where('status', '=', PENDING)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .where((eb) => {
      const due = dueDeliveriesSearch(db, now, options.limit);
      // On PostgreSQL `= ANY(ARRAY(…))`, an init plan run once: as `IN (…)` the locking search
      // became a subplan run again for each row, and one claim of 10 took all 40 due rows.
      return isPostgres(db) ? sql<boolean>`${eb.ref('id')} = any(array(${due}))` : eb('id', 'in', due);
    })
    .execute();

  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('claim_token', '=', claimToken)
    .orderBy('next_attempt_at')
    .orderBy('object_created')
    .execute();
}
