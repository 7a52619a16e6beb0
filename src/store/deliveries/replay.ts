// Replay (POST /api/deliveries/{id}/retry): a delivery — failed, delivered or still waiting — is
// due again now, with a fresh 24 h retry window and its backoff started over. Same id, so the
// subscriber sees the same webhook-id and can tell a replay from a new event. Ownership is the
// caller's check (src/delivery/history.ts answers 404 for another user's delivery).
import type { ExpressionBuilder } from 'kysely';
import type { Store } from '../database.js';
import type { Database, DeliveryRow } from '../schema.js';
import { forgetDeliveryCounts } from './counts.js';

/** The columns a replay sets: the one rule, shared with the bulk retry (bulk-retry.ts). */
export function replayedColumns(eb: ExpressionBuilder<Database, 'deliveries'>, nowMs: number) {
  return {
    status: 'pending' as const,
    // History numbers attempts on from here; the backoff starts over from `attempts` = 0.
    attempts_before_replay: eb('attempts_before_replay', '+', eb.ref('attempts')),
    attempts: 0,
    first_attempt_at: null,
    next_attempt_at: new Date(nowMs).toISOString(),
    locked_until: null,
    claim_token: null,
    delivered_at: null,
  };
}

/** Returns the delivery as now queued, or undefined when there is no such delivery. */
export async function replayDelivery(
  db: Store,
  deliveryId: string,
  nowMs: number = Date.now(),
): Promise<DeliveryRow | undefined> {
  await db
    .updateTable('deliveries')
    .set((eb) => replayedColumns(eb, nowMs))
    .where('id', '=', deliveryId)
    .execute();
  const replayed = await db.selectFrom('deliveries').select('subscription_id').where('id', '=', deliveryId).executeTakeFirst();
  if (replayed) await forgetDeliveryCounts(db, [replayed.subscription_id]);
  return db.selectFrom('deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst();
}
