// After one send: the attempt goes into history, and the delivery is delivered, scheduled again by
// the backoff (src/delivery/backoff.ts, the one place for it) or, after 24 h of failures, failed.
import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import { nextAttempt, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import type { DeliveryRow, DeliveryStatus, OutboxDatabase } from './outbox-tables.js';
import type { SendResult } from './send.js';

export interface RecordAttemptOptions {
  /** When the send started and when it ended, ms since the epoch. */
  startedAtMs: number;
  nowMs: number;
  /** Default Math.random; tests inject a fixed one. */
  random?: () => number;
  /** Default DEFAULT_BACKOFF. */
  backoff?: BackoffPolicy;
}

export async function recordAttempt(
  db: Kysely<OutboxDatabase>,
  claimed: DeliveryRow,
  result: SendResult,
  options: RecordAttemptOptions,
): Promise<DeliveryStatus> {
  const attempt = claimed.attempts + 1;
  const firstAttemptAt = claimed.first_attempt_at ?? new Date(options.startedAtMs).toISOString();
  const now = new Date(options.nowMs).toISOString();

  let status: DeliveryStatus = 'delivered';
  let nextAttemptAt = claimed.next_attempt_at;
  if (!result.delivered) {
    const next = nextAttempt(
      { attempts: attempt, firstAttemptAtMs: Date.parse(firstAttemptAt), nowMs: options.nowMs },
      options.random,
      options.backoff ?? DEFAULT_BACKOFF,
    );
    if ('failed' in next) status = 'failed';
    else {
      status = 'pending';
      nextAttemptAt = new Date(next.retryAtMs).toISOString();
    }
  }

  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('delivery_attempts')
      .values({
        id: newId('att'),
        delivery_id: claimed.id,
        attempt,
        started_at: new Date(options.startedAtMs).toISOString(),
        duration_ms: result.durationMs,
        status_code: result.status,
        error: result.error,
        response_snippet: result.responseSnippet,
      })
      .execute();
    let update = tx
      .updateTable('deliveries')
      .set({
        status,
        attempts: attempt,
        first_attempt_at: firstAttemptAt,
        next_attempt_at: nextAttemptAt,
        locked_until: null,
        claim_token: null,
        last_status_code: result.status,
        last_error: result.error,
        delivered_at: status === 'delivered' ? now : null,
      })
      .where('id', '=', claimed.id)
      .where('status', '=', 'pending');
    // A success always counts. A failure counts only while the claim is still ours: if the lease ran
    // out and another worker took the delivery over, that worker's outcome decides.
    if (!result.delivered) update = update.where('claim_token', '=', claimed.claim_token);
    await update.execute();
  });
  return status;
}
