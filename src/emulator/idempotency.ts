// Idempotent requests as Stripe keeps them: the first response to an `Idempotency-Key` is stored
// and replayed (with `Idempotent-Replayed: true`) for 24 hours of emulated time; reusing a key
// with other parameters or on another endpoint is a 400 idempotency_error.

/** Stripe keeps keys for 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** Stripe allows keys of up to 255 characters. */
export const IDEMPOTENCY_KEY_MAX_CHARS = 255;

export interface StoredResponse {
  method: string;
  path: string;
  /** The raw request body: the SDK encodes the same parameters to the same text. */
  fingerprint: string;
  status: number;
  body: string;
  expiresAtMs: number;
}

export class IdempotencyCache {
  // Insertion order is (nearly) expiry order, so expired entries are dropped from the front.
  private readonly entries = new Map<string, StoredResponse>();

  get(key: string, nowMs: number): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  put(key: string, entry: StoredResponse, nowMs: number): void {
    for (const [k, e] of this.entries) {
      if (e.expiresAtMs > nowMs) break;
      this.entries.delete(k);
    }
    this.entries.set(key, entry);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Stripe saves a result only once the endpoint started executing: a request refused by parameter
 * validation, authentication or the rate limiter is not saved, so a corrected retry with the same
 * key runs. Successes, card declines (402) and server errors (5xx) are saved.
 */
export function isReplayable(status: number): boolean {
  return status < 400 || status === 402 || status >= 500;
}
