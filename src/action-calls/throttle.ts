// Per-connection throttling of action calls, as the original connector: 100 calls per connection
// per 60 s by default. A sliding log of call times (at most `limit` entries per connection) gives
// the exact "N in any window" rule and an exact Retry-After, unlike a fixed window that lets 2N
// through across a window edge. In-process: several nodes each keep their own count (see
// docs/operations.md).

export interface ThrottleDecision {
  allowed: boolean;
  /** Whole seconds until the oldest call leaves the window; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface Throttle {
  take(key: string, limit: number, windowSeconds: number): ThrottleDecision;
}

export function createThrottle(nowMs: () => number = () => Date.now()): Throttle {
  const calls = new Map<string, number[]>();
  return {
    take(key, limit, windowSeconds) {
      const now = nowMs();
      const windowMs = windowSeconds * 1000;
      const log = calls.get(key) ?? [];
      while (log.length > 0 && (log[0] as number) <= now - windowMs) log.shift();
      if (log.length >= limit) {
        calls.set(key, log);
        const oldest = log[0] ?? now;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
      }
      log.push(now);
      calls.set(key, log);
      return { allowed: true, retryAfterSeconds: 0 };
    },
  };
}
