// The outgoing pace towards Stripe. Stripe limits each account to 25 requests/s in test mode and
// 100 requests/s in live mode (https://docs.stripe.com/rate-limits); going over earns 429s that
// cost a retry each. A sliding window keeps every 1-s window at or under the rate, including at
// a burst's edge (a token bucket of the same size would let 2× the rate through across the seam
// between two windows).
import { createHash } from 'node:crypto';

/** Stripe's documented per-account rates. */
export const STRIPE_TEST_MODE_REQUESTS_PER_SECOND = 25;
export const STRIPE_LIVE_MODE_REQUESTS_PER_SECOND = 100;

export interface Clock {
  nowMs(): number;
  sleepMs(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  sleepMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class SlidingWindowLimiter {
  /** Start times (ms, clock time) reserved by the last `limit` requests, oldest first. */
  private readonly reservedStartsMs: number[] = [];

  constructor(
    /** Requests allowed to start in any window. */
    readonly limit: number,
    /** Window length. Default 1000 ms: Stripe states its limits per second. */
    readonly windowMs = 1000,
    private readonly clock: Clock = systemClock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive integer, got ${limit}`);
  }

  /**
   * Resolves when this request may start. Reservations are made synchronously in call order, so
   * concurrent callers are served first come, first served, and none can starve another.
   */
  async acquire(): Promise<void> {
    const now = this.clock.nowMs();
    let startMs = now;
    if (this.reservedStartsMs.length >= this.limit) {
      const oldest = this.reservedStartsMs[this.reservedStartsMs.length - this.limit] as number;
      startMs = Math.max(now, oldest + this.windowMs);
    }
    this.reservedStartsMs.push(startMs);
    if (this.reservedStartsMs.length > this.limit) this.reservedStartsMs.shift();
    if (startMs > now) await this.clock.sleepMs(startMs - now);
  }
}

/** 'live' for sk_live_/rk_live_ keys, 'test' otherwise (the emulator takes test keys). */
export function stripeKeyMode(apiKey: string): 'test' | 'live' {
  return /^(sk|rk)_live_/.test(apiKey) ? 'live' : 'test';
}

export function defaultRequestsPerSecond(apiKey: string): number {
  return stripeKeyMode(apiKey) === 'live' ? STRIPE_LIVE_MODE_REQUESTS_PER_SECOND : STRIPE_TEST_MODE_REQUESTS_PER_SECOND;
}

// Stripe counts requests per account, not per client object: every client built for the same key
// (one per request, or one per connection sharing a key) must draw from the same window. Keyed by
// a hash so the map never holds an API key.
const limitersByKey = new Map<string, SlidingWindowLimiter>();

export function sharedLimiterFor(apiBase: string, apiKey: string, requestsPerSecond: number): SlidingWindowLimiter {
  const id = createHash('sha256').update(`${apiBase}\n${apiKey}\n${requestsPerSecond}`).digest('base64url');
  let limiter = limitersByKey.get(id);
  if (!limiter) {
    limiter = new SlidingWindowLimiter(requestsPerSecond);
    limitersByKey.set(id, limiter);
  }
  return limiter;
}
