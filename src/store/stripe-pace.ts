// The pace of requests to Stripe per key (src/stripe/rate-limiter.ts), shared by every process on
// the store. A key is known here only by its id, a hash of its base URL and the key.
import type { SlidingWindowAdmission } from '../sliding-window.js';
import type { Store } from './database.js';
import { admitToStoredWindow } from './sliding-log.js';

export interface StoredStripePace {
  /** Admits up to `wanted` request starts for `keyId` now, while fewer than `limit` lie in the last `windowMs`. */
  admit(keyId: string, wanted: number, limit: number, windowMs: number): Promise<SlidingWindowAdmission>;
}

/** The store's log of request starts, by the store's clock (src/store/sliding-log.ts). */
export function storedStripePace(db: Store): StoredStripePace {
  return {
    async admit(keyId, wanted, limit, windowMs) {
      const admission = await admitToStoredWindow(db, { windowId: `stripe:${keyId}`, wanted, limit, windowMs });
      // Only a connection's window can lack its parent row; a key's is created on first use.
      if (!admission) throw new Error('a Stripe request window could not be created');
      return admission;
    },
  };
}
