// After sends: each attempt goes into history, and each delivery is delivered, scheduled again by
// the backoff (src/delivery/backoff.ts, the one place for it) or, after 24 h of failures, failed.
// A worker's round is recorded in one transaction (src/store/deliveries/record.ts): one commit
// (one fsync on SQLite) per round instead of one per delivery.
import type { Store } from '../store/database.js';
import { recordPlannedAttempts } from '../store/deliveries/record.js';
import type { DeliveryRow, DeliveryStatus } from '../store/schema.js';
import { nextAttempt, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import type { SendResult } from './send.js';

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
  db: Store,
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

  await recordPlannedAttempts(db, planned);
  return planned.map((p) => p.status);
}
