// The outgoing pace towards Stripe. Stripe limits each account to 25 requests/s in test mode and
// 100 requests/s in live mode (https://docs.stripe.com/rate-limits); going over earns 429s that
// cost a retry each. A sliding window keeps every 1-s window at or under the rate, including at
// a burst's edge (a token bucket of the same size would let 2× the rate through across the seam
// between two windows).
import { createHash } from 'node:crypto';
import { admitToWindow, type SlidingWindowAdmission } from '../sliding-window.js';

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

/**
 * Where a limiter keeps its log of request starts per key: this process's memory (one process), or
 * the store (src/store/stripe-pace.ts), shared by every process on it, by the store's clock.
 */
export interface StartLog {
  /** Admits up to `wanted` starts for `keyId` now, while fewer than `limit` lie in the last `windowMs`. */
  admit(keyId: string, wanted: number, limit: number, windowMs: number): Promise<SlidingWindowAdmission>;
}

/** A log in this process's memory, by `clock`. */
export function memoryStartLog(clock: Clock = systemClock): StartLog {
  // Per key: the start times still inside the window, oldest first, and the number of the first.
  const windows = new Map<string, { firstSeq: number; startsMs: number[] }>();
  return {
    async admit(keyId, wanted, limit, windowMs) {
      const window = windows.get(keyId) ?? { firstSeq: 0, startsMs: [] };
      windows.set(keyId, window);
      const nowMs = clock.nowMs();
      while (window.startsMs.length > 0 && (window.startsMs[0] as number) <= nowMs - windowMs) {
        window.startsMs.shift();
        window.firstSeq += 1;
      }
      const nextSeq = window.firstSeq + window.startsMs.length;
      const admission = admitToWindow(nextSeq, nowMs, wanted, limit, windowMs, (seq) => window.startsMs[seq - window.firstSeq]);
      for (let i = 0; i < admission.admitted; i += 1) window.startsMs.push(nowMs);
      return admission;
    },
  };
}

/**
 * Added to the 1-s window when the log is shared by several processes (the store), where starts are
 * stamped by the store's clock when admitted, not when Stripe receives them. Between the two lie the
 * admitting transaction's commit, the hand-over to the request and the network, which differ from
 * process to process and from machine to machine. Any 1 s of arrivals at Stripe holds only starts
 * admitted within 1 s plus that spread, so the limit is kept over 1 s + the margin. 100 ms was
 * exceeded on a busy 2-core machine (arrivals up to ~190 ms after admission while the event loop lagged,
 * giving 27 arrivals in one second); 250 ms covers that and still lets 25 / 1.25 s = 20 requests/s
 * through on a test key (80/s live): a few percent of throughput for never earning Stripe's 429s.
 */
export const SHARED_LOG_MARGIN_MS = 250;

/**
 * An admission older than this when its request is about to be sent (a lagging event loop held it
 * back) is not used: the request asks again, so the time between admission and sending stays within
 * the margin, leaving 100 ms of it for the network. The stale slot stays counted, which only slows
 * the pace. After MAX_STALE_ADMISSIONS in a row the request goes anyway rather than never.
 */
export const MAX_ADMISSION_AGE_MS = SHARED_LOG_MARGIN_MS - 100;
export const MAX_STALE_ADMISSIONS = 3;

export class SlidingWindowLimiter {
  /** Callers waiting for a slot, first come, first served. */
  private readonly waiting: Array<{ resolve(askedAtMs: number): void; reject(error: unknown): void }> = [];
  private pumping = false;

  constructor(
    /** Requests allowed to start in any window. */
    readonly limit: number,
    /** Window length. Default 1000 ms: Stripe states its limits per second. */
    readonly windowMs = 1000,
    private readonly clock: Clock = systemClock,
    /** Where the starts are kept. Default: this process's memory, by `clock`. */
    private readonly log: StartLog = memoryStartLog(clock),
    /** This limiter's row in `log`. */
    private readonly keyId = 'key',
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive integer, got ${limit}`);
  }

  /**
   * Resolves when this request may start, with the clock's time at which its admission was asked
   * (see MAX_ADMISSION_AGE_MS); callers are let through in the order they called. Rejects when the log cannot be read (the store is gone): the request is not sent unpaced.
   */
  acquire(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      void this.pump();
    });
  }

  /** Whether an admission asked at `askedAtMs` (acquire's answer) may still be used now. */
  isFresh(askedAtMs: number): boolean {
    return this.clock.nowMs() - askedAtMs <= MAX_ADMISSION_AGE_MS;
  }

  // One loop per limiter asks the log to admit everyone waiting, lets the admitted through in
  // order, and when the window is full sleeps until its oldest start leaves it, then asks again
  // (another process may have taken that slot; the log then says how long to wait anew). Starts
  // are stamped by the log when admitted, after any sleep, so a timer that fires late (a busy event
  // loop) only widens a gap; and a whole burst costs the log one admission, not one per request.
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const wanted = Math.min(this.waiting.length, this.limit);
        const askedAtMs = this.clock.nowMs();
        const { admitted, waitMs } = await this.log.admit(this.keyId, wanted, this.limit, this.windowMs);
        for (const caller of this.waiting.splice(0, admitted)) caller.resolve(askedAtMs);
        if (admitted < wanted) await this.clock.sleepMs(waitMs);
      }
    } catch (error) {
      for (const caller of this.waiting.splice(0)) caller.reject(error);
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
// (one per request, or one per connection sharing a key) must draw from the same window, and with
// a shared log every process does. One limiter per key, rate and log in this process: its one loop
// keeps this process's callers in order and asks the log once per burst. Keyed by a hash so no map
// or row ever holds an API key.
const limitersByLog = new WeakMap<StartLog, Map<string, SlidingWindowLimiter>>();
const processLog = memoryStartLog();

/** The key's id in a log: sha256 of the API base and the key, base64url. */
export function stripeKeyId(apiBase: string, apiKey: string): string {
  return createHash('sha256').update(`${apiBase}\n${apiKey}`).digest('base64url');
}

/**
 * The limiter for a key: on `sharedLog` (the store's, shared by every process on it) with a window
 * of 1 s + SHARED_LOG_MARGIN_MS, or without one on this process's memory with a 1-s window.
 */
export function sharedLimiterFor(apiBase: string, apiKey: string, requestsPerSecond: number, sharedLog?: StartLog): SlidingWindowLimiter {
  const log = sharedLog ?? processLog;
  let limiters = limitersByLog.get(log);
  if (!limiters) {
    limiters = new Map();
    limitersByLog.set(log, limiters);
  }
  const keyId = stripeKeyId(apiBase, apiKey);
  const id = `${keyId}\n${requestsPerSecond}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = new SlidingWindowLimiter(requestsPerSecond, sharedLog ? 1000 + SHARED_LOG_MARGIN_MS : 1000, systemClock, log, keyId);
    limiters.set(id, limiter);
  }
  return limiter;
}
