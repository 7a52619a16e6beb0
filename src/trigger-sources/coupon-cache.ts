// Coupons read for trigger events whose customer names its coupon only by id (a webhook payload
// cannot be expanded): one GET per connection and coupon, then reused, so a burst of customers
// redeeming the same coupon costs one call. A coupon's terms (duration, percent_off, amount_off)
// cannot change once it is created; its name can, so an entry is read again after ttlMs.
import type Stripe from 'stripe';

/**
 * Default 5 minutes: a renamed coupon shows its old name in events for at most this long, while a
 * busy connection reads each of its coupons at most 12 times an hour.
 */
export const DEFAULT_COUPON_TTL_MS = 5 * 60_000;
/** Default 1,000 entries (a coupon is well under 1 KB): the least recently used goes first beyond it. */
export const DEFAULT_COUPON_CACHE_ENTRIES = 1_000;

export interface CouponCacheOptions {
  /** Default DEFAULT_COUPON_TTL_MS (5 min). */
  ttlMs?: number;
  /** Default DEFAULT_COUPON_CACHE_ENTRIES (1,000), over every connection. */
  maxEntries?: number;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
}

interface Entry {
  /** undefined: the coupon no longer exists, which is remembered as long as a coupon is. */
  coupon: Stripe.Coupon | undefined;
  expiresAtMs: number;
}

export class CouponCache {
  /** Map order is use order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Stripe.Coupon | undefined>>();

  constructor(private readonly options: CouponCacheOptions = {}) {}

  /**
   * The coupon `couponId` of the connection's account. `read` is called when it is not cached,
   * once for every caller asking meanwhile; a failed read is not remembered (its rejection goes to
   * each of those callers).
   */
  async get(connectionId: string, couponId: string, read: () => Promise<Stripe.Coupon | undefined>): Promise<Stripe.Coupon | undefined> {
    // A coupon id is the account's own choice, so the same id means another coupon on another connection.
    const key = `${connectionId}\u0000${couponId}`;
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAtMs > this.now()) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.coupon;
    }
    let loading = this.loading.get(key);
    if (loading === undefined) {
      loading = read()
        .then((coupon) => {
          this.remember(key, coupon);
          return coupon;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    return loading;
  }

  /** Entries held, expired ones included until they are read again or pushed out. */
  get size(): number {
    return this.entries.size;
  }

  private remember(key: string, coupon: Stripe.Coupon | undefined): void {
    this.entries.delete(key);
    this.entries.set(key, { coupon, expiresAtMs: this.now() + (this.options.ttlMs ?? DEFAULT_COUPON_TTL_MS) });
    const max = this.options.maxEntries ?? DEFAULT_COUPON_CACHE_ENTRIES;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(oldest);
    }
  }

  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }
}
