// The retry schedule of deliveries — the one place it is computed (docs/triggers.md shows it).
// Exponential: 5 s after the first failure, doubling up to 4 h between attempts, each delay drawn
// at random between half and all of its nominal value so that a subscriber that comes back is not
// hit by every waiting delivery in the same second. Retries go on while less than 24 h have passed
// since the first attempt (retried for at least 24 h, docs/triggers.md); the first failure at or past
// 24 h marks the delivery failed (it can still be replayed). The doubling itself is src/backoff.ts,
// shared with failed polls and the Stripe client's retries.
import { exponentialDelayMs } from '../backoff.js';

export interface BackoffPolicy {
  /** Nominal delay after the first failed attempt. Default 5_000 ms. */
  firstDelayMs: number;
  /** Ceiling of the nominal delay. Default 4 h: a subscriber back from a long outage waits at most that. */
  maxDelayMs: number;
  /** How long after the first attempt retries continue. Default 24 h. */
  retryForMs: number;
  /** Share of the nominal delay taken off at random: delay ∈ [(1 − j)·d, d]. Default 0.5. */
  jitterRatio: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  firstDelayMs: 5_000,
  maxDelayMs: 4 * 60 * 60 * 1000,
  retryForMs: 24 * 60 * 60 * 1000,
  jitterRatio: 0.5,
};

export interface FailedAttempts {
  /** Attempts made so far, all failed (≥ 1). */
  attempts: number;
  /** When the first attempt was made, ms since the epoch. */
  firstAttemptAtMs: number;
  /** When the last one failed, ms since the epoch. */
  nowMs: number;
}

export type NextAttempt = { retryAtMs: number } | { failed: true };

/**
 * When to try again after `attempts` failures, or that the delivery has failed for good.
 * `random` returns [0, 1); tests inject a fixed one.
 */
export function nextAttempt(
  { attempts, firstAttemptAtMs, nowMs }: FailedAttempts,
  random: () => number = Math.random,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): NextAttempt {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError('attempts must be an integer ≥ 1');
  if (nowMs - firstAttemptAtMs >= policy.retryForMs) return { failed: true };
  const nominalMs = exponentialDelayMs({ failures: attempts, firstDelayMs: policy.firstDelayMs, maxDelayMs: policy.maxDelayMs });
  const delayMs = Math.round(nominalMs * (1 - policy.jitterRatio * random()));
  return { retryAtMs: nowMs + delayMs };
}
