// When and how long to wait before sending a Stripe request again: the one place for that rule.
// Stripe's guidance (https://docs.stripe.com/error-handling, "Retries"): retry 429 (rate limits,
// and lock_timeout, which Stripe answers with 429), 5xx and network failures with exponential
// backoff, and obey the Stripe-Should-Retry header when present — `true` retries even a status we
// would not, `false` never retries. Every retry resends the same Idempotency-Key (the headers
// are reused as-is), so a write that did land is replayed by Stripe, not repeated.
import { exponentialDelayMs } from '../backoff.js';

export interface RetryPolicy {
  /** Retries after the first attempt. Default 3 (4 attempts): ~3.5 s of waiting at most with the defaults below. */
  maxRetries: number;
  /** Backoff before the first retry; doubles each time. Default 500 ms, as Stripe's own SDKs. */
  initialDelayMs: number;
  /** Cap on one backoff. Default 5000 ms, as Stripe's own SDKs. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, initialDelayMs: 500, maxDelayMs: 5000 };

/** What came back from one attempt: a status and its headers, or no answer at all. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; shouldRetryHeader: string | undefined }
  | { kind: 'network_error'; timedOut: boolean };

/**
 * The delay before the next attempt, or null to stop and hand the outcome to the caller.
 * `retriesSoFar` is 0 after the first attempt. `random` is injectable so tests can pin the jitter.
 */
export function nextRetryDelayMs(
  outcome: AttemptOutcome,
  retriesSoFar: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number | null {
  if (retriesSoFar >= policy.maxRetries) return null;
  if (outcome.kind === 'network_error') {
    // A timed-out request already used its whole timeout; retrying it would multiply the caller's
    // wait by the attempt count, so it is reported (504) instead.
    if (outcome.timedOut) return null;
  } else {
    if (outcome.shouldRetryHeader === 'false') return null;
    const retryable = outcome.shouldRetryHeader === 'true' || outcome.status === 429 || outcome.status >= 500;
    if (!retryable) return null;
  }
  const ceilingMs = exponentialDelayMs({ failures: retriesSoFar + 1, firstDelayMs: policy.initialDelayMs, maxDelayMs: policy.maxDelayMs });
  // "Equal jitter": half fixed, half random, so concurrent retries spread out but never collapse to 0.
  return ceilingMs / 2 + random() * (ceilingMs / 2);
}
