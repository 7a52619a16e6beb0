// Per-connection throttling of action calls, as the original connector: 100 calls per connection
// per 60 s by default. The sliding log of call times (src/sliding-window.ts) gives the exact "N in
// any window" rule and an exact Retry-After. The log is kept in the store and updated in one
// transaction per call (src/store/sliding-log.ts), so every process and node sharing the store
// counts against the same window: N processes together allow N calls, not N times N.
import { notFound } from '../errors.js';
import type { Store } from '../store/database.js';
import { takeActionCallStart } from '../store/throttle-windows.js';

export interface ThrottleDecision {
  allowed: boolean;
  /** Whole seconds until the oldest call leaves the window; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface Throttle {
  /** Counts one call on `connectionId` if the window has room; a refused call is not counted. */
  take(connectionId: string, limit: number, windowSeconds: number): Promise<ThrottleDecision>;
}

/** `nowMs`: a milliseconds clock for tests; default the store's clock, one for all processes. */
export function createThrottle(db: Store, nowMs?: () => number): Throttle {
  return {
    async take(connectionId, limit, windowSeconds) {
      const admission = await takeActionCallStart(db, connectionId, limit, windowSeconds * 1000, nowMs);
      // Deleted since the caller read it: what any later call on it will be told.
      if (!admission) throw notFound('connection', connectionId);
      if (admission.admitted === 1) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(admission.waitMs / 1000)) };
    },
  };
}
