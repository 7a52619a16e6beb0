// After sends: each attempt goes into history, and each delivery is delivered, scheduled again by
// the backoff (src/delivery/backoff.ts, the one place for it) or, after 24 h of failures, failed.
// A worker's round is recorded in one transaction: one commit (one fsync on SQLite) per round
// instead of one per delivery.
import { sql, type Kysely } from 'kysely';
import { compiledOnce } from '../store/statement-cache.js';
import { newTimeOrderedId } from '../store/ids.js';
import { statementChunks } from './statement-rows.js';
import { nextAttempt, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import type { DeliveryRow, DeliveryStatus, OutboxDatabase } from './outbox-tables.js';
import type { SendResult } from './send.js';

const markDelivered = compiledOnce(
  (db: Kysely<OutboxDatabase>, attempts: number, firstAttemptAt: string, statusCode: number | null, deliveredAt: string, id: string) =>
    db
      .updateTable('deliveries')
      // Constants as literals: compiledOnce binds exactly the parameters given.
      .set({
        status: sql.lit('delivered'),
        attempts,
        first_attempt_at: firstAttemptAt,
        locked_until: sql<null>`null`,
        claim_token: sql<null>`null`,
        last_status_code: statusCode,
        last_error: sql<null>`null`,
        delivered_at: deliveredAt,
      })
      .where('id', '=', id)
      .where('status', '=', sql.lit('pending')),
);

export interface AttemptOutcome {
  claimed: DeliveryRow;
  result: SendResult;
  /** When the send started, ms since the epoch. */
  startedAtMs: number;
  /** When it ended, ms since the epoch. */
  endedAtMs: number;
}

export interface RecordAttemptsOptions {
  /** Default Math.random; tests inject a fixed one. */
  random?: () => number;
  /** Default DEFAULT_BACKOFF. */
  backoff?: BackoffPolicy;
}


/** Returns each delivery's new status, in the order given. */
export async function recordAttempts(
  db: Kysely<OutboxDatabase>,
  outcomes: readonly AttemptOutcome[],
  options: RecordAttemptsOptions = {},
): Promise<DeliveryStatus[]> {
  if (outcomes.length === 0) return [];
  const planned = outcomes.map(({ claimed, result, startedAtMs, endedAtMs }) => {
    const attempt = claimed.attempts + 1;
    const firstAttemptAt = claimed.first_attempt_at ?? new Date(startedAtMs).toISOString();
    let status: DeliveryStatus = 'delivered';
    let nextAttemptAt = claimed.next_attempt_at;
    if (!result.delivered) {
      const next = nextAttempt(
        { attempts: attempt, firstAttemptAtMs: Date.parse(firstAttemptAt), nowMs: endedAtMs },
        options.random,
        options.backoff ?? DEFAULT_BACKOFF,
      );
      if ('failed' in next) status = 'failed';
      else {
        status = 'pending';
        nextAttemptAt = new Date(next.retryAtMs).toISOString();
      }
    }
    return { claimed, result, startedAtMs, endedAtMs, attempt, firstAttemptAt, status, nextAttemptAt };
  });

  await db.transaction().execute(async (tx) => {
    for (const chunk of statementChunks(planned)) {
      await tx
        .insertInto('delivery_attempts')
        .values(
          chunk.map((p) => ({
            id: newTimeOrderedId('att'),
            delivery_id: p.claimed.id,
            attempt: p.attempt,
            started_at: new Date(p.startedAtMs).toISOString(),
            duration_ms: p.result.durationMs,
            status_code: p.result.status,
            error: p.result.error,
            response_snippet: p.result.responseSnippet,
          })),
        )
        .execute();
    }
    // Deliveries that succeeded: one prepared UPDATE run per row (compiled once per transaction).
    // One multi-row UPDATE picking each row's values by CASE on its id cost more: SQLite evaluates
    // the CASE by scanning its arms for every row, so a chunk of n rows is n² comparisons, and each
    // chunk length is a new statement to prepare (bench/triggers). A success always counts,
    // whoever holds the claim now.
    for (const p of planned) {
      if (p.status !== 'delivered') continue;
      await markDelivered(tx, p.attempt, p.firstAttemptAt, p.result.status, new Date(p.endedAtMs).toISOString(), p.claimed.id);
    }
    for (const p of planned) {
      if (p.status === 'delivered') continue;
      // A failure counts only while the claim is still ours: if the lease ran out and another
      // worker took the delivery over, that worker's outcome decides.
      await tx
        .updateTable('deliveries')
        .set({
          status: p.status,
          attempts: p.attempt,
          first_attempt_at: p.firstAttemptAt,
          next_attempt_at: p.nextAttemptAt,
          locked_until: null,
          claim_token: null,
          last_status_code: p.result.status,
          last_error: p.result.error,
          delivered_at: null,
        })
        .where('id', '=', p.claimed.id)
        .where('status', '=', 'pending')
        .where('claim_token', '=', p.claimed.claim_token)
        .execute();
    }
  });
  return planned.map((p) => p.status);
}
