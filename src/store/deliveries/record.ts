// Records a worker's round of attempts (src/delivery/record-attempt.ts plans them): each attempt
// goes into history and each delivery takes its new status, all in one transaction — one commit
// (one fsync on SQLite) per round instead of one per delivery.
import { sql } from 'kysely';
import type { Store } from '../database.js';
import { newTimeOrderedId } from '../../ids.js';
import type { DeliveryRow, DeliveryStatus } from '../schema.js';
import { statementChunks } from '../statement-rows.js';

/** One attempt with the delivery's state after it, as planned by the backoff. */
export interface PlannedAttempt {
  claimed: Pick<DeliveryRow, 'id' | 'claim_token' | 'attempts_before_replay'>;
  result: { status: number | null; durationMs: number; error: string | null; responseSnippet: string | null };
  /** When the send started, ms since the epoch. */
  startedAtMs: number;
  /** When it ended, ms since the epoch. */
  endedAtMs: number;
  /** 1 for the first attempt since the delivery was enqueued or last replayed. */
  attempt: number;
  firstAttemptAt: string;
  status: DeliveryStatus;
  nextAttemptAt: string;
}

export async function recordPlannedAttempts(db: Store, planned: readonly PlannedAttempt[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // Attempts go in only for deliveries that still exist: a subscription deleted while its
    // delivery was being sent takes the delivery with it, and one attempt row naming it would fail
    // the foreign key and with it this whole round, whose other deliveries would then be sent again
    // once their lease ran out. One INSERT … SELECT per chunk, so the write lock is taken at once.
    for (const chunk of statementChunks(planned)) {
      // CAST: PostgreSQL would otherwise take the untyped parameters as text.
      const values = sql.join(
        chunk.map(
          (p) =>
            sql`select cast(${newTimeOrderedId('att')} as text) as id, cast(${p.claimed.id} as text) as delivery_id, cast(${p.claimed.attempts_before_replay + p.attempt} as integer) as attempt, cast(${new Date(p.startedAtMs).toISOString()} as text) as started_at, cast(${p.result.durationMs} as integer) as duration_ms, cast(${p.result.status} as integer) as status_code, cast(${p.result.error} as text) as error, cast(${p.result.responseSnippet} as text) as response_snippet`,
        ),
        sql` union all `,
      );
      await sql`insert into delivery_attempts (id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_snippet) select v.id, v.delivery_id, v.attempt, v.started_at, v.duration_ms, v.status_code, v.error, v.response_snippet from (${values}) as v where exists (select 1 from deliveries where deliveries.id = v.delivery_id)`.execute(tx);
    }
    // Deliveries that succeeded: one UPDATE … FROM per chunk, joined by id to the chunk's own
    // values (SQLite ≥ 3.33 and PostgreSQL both take it). Not a CASE per column picking each
    // row's value by its id: SQLite scans the CASE's arms for every row, n² per chunk. Not an
    // UPDATE per row: on PostgreSQL each is a round trip, slower than the send it records. A
    // success always counts, whoever holds the claim now.
    for (const chunk of statementChunks(planned.filter((p) => p.status === 'delivered'))) {
      // CAST: PostgreSQL would otherwise take the untyped parameters as text.
      const values = sql.join(
        chunk.map(
          (p) =>
            sql`select cast(${p.claimed.id} as text) as id, cast(${p.attempt} as integer) as attempts, cast(${p.firstAttemptAt} as text) as first_attempt_at, cast(${p.result.status} as integer) as last_status_code, cast(${new Date(p.endedAtMs).toISOString()} as text) as delivered_at`,
        ),
        sql` union all `,
      );
      await sql`update deliveries set status = 'delivered', attempts = v.attempts, first_attempt_at = v.first_attempt_at, locked_until = null, claim_token = null, last_status_code = v.last_status_code, last_error = null, delivered_at = v.delivered_at from (${values}) as v where deliveries.id = v.id and deliveries.status = 'pending'`.execute(tx);
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
}
