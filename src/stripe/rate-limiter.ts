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
  /** Actual start times (clock ms) of the last `limit` requests let through, oldest first. */
  private readonly startsMs: number[] = [];
  /** Callers waiting for a slot, first come, first served. */
  private readonly waiting: Array<() => void> = [];
  private pumping = false;

  constructor(
    /** Requests allowed to start in any window. */
    readonly limit: number,
    /** Window length. Default 1000 ms: Stripe states its limits per second. */
    readonly windowMs = 1000,
    private readonly clock: Clock = systemClock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive integer, got ${limit}`);
  }

  /** Resolves when this request may start; callers are let through in the order they called. */
  acquire(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      void this.pump();
    });
  }

  // One loop lets waiters through while the window has room and otherwise sleeps until the oldest
  // start leaves the window. Start times are taken when a caller is let through, after any sleep,
  // so a timer that fires late (a busy event loop) can never crowd a window: the check is redone
  // against the clock each time.
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
        for (;;) {
          const nowMs = this.clock.nowMs();
          const oldestMs = this.startsMs.length >= this.limit ? (this.startsMs[this.startsMs.length - this.limit] as number) : -Infinity;
          if (oldestMs + this.windowMs <= nowMs) {
            this.startsMs.push(nowMs);
            if (this.startsMs.length > this.limit) this.startsMs.shift();
            break;
          }
          await this.clock.sleepMs(oldestMs + this.windowMs - nowMs);
        }
        next();
      }
    } finally {
      this.pumping = false;
    }
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
