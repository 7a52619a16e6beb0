// Exponential backoff: the one formula. A first delay, doubled per further consecutive failure, up
// to a ceiling. Each user brings its own numbers and its own jitter: deliveries to subscribers
// (src/delivery/backoff.ts: 5 s doubling to 4 h, jittered down by up to half), failed polls
// (src/trigger-sources/poll-scheduler.ts: 5 s doubling to 10 min, no jitter) and Stripe requests retried
// by the client (src/stripe/retry-policy.ts: 500 ms doubling to 5 s, "equal jitter") and failed
// rounds of a background loop (src/background/loop.ts: its idle pause doubling to 30 s).

export interface ExponentialDelay {
  /** Consecutive failures so far, ≥ 1. */
  failures: number;
  /** The delay after the first failure. */
  firstDelayMs: number;
  /** The ceiling: no delay is longer. */
  maxDelayMs: number;
}

/** firstDelayMs · 2^(failures − 1), at most maxDelayMs. */
export function exponentialDelayMs({ failures, firstDelayMs, maxDelayMs }: ExponentialDelay): number {
  // 2 ** 40 times even 1 ms is ~35 years, past any ceiling; bounding the exponent keeps the
  // arithmetic finite however long the failures go on.
  return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(failures - 1, 40));
}
