// The webhook delivery log of one account, read through GET /_emulator/webhooks/deliveries: one
// entry per attempt (and per dropped delivery), oldest first. Bounded, so a long benchmark with
// webhooks cannot grow it without end.
import { defineStore } from '../account.js';

/** The newest 10,000 attempts are kept per account; older ones are forgotten first. */
export const DELIVERY_LOG_MAX_ENTRIES = 10_000;

export type DeliveryOutcome = 'succeeded' | 'failed' | 'dropped' | 'skipped';

export interface DeliveryAttempt {
  readonly id: string;
  readonly event: string;
  readonly eventType: string;
  readonly endpoint: string;
  readonly url: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  readonly outcome: DeliveryOutcome;
  /** The receiver's HTTP status; null when it did not answer (refused, timed out) or was not asked. */
  readonly httpStatus: number | null;
  /** Why it failed or was skipped, in words; null on success. */
  readonly error: string | null;
  /** Emulated time of the attempt, in ms. */
  readonly atMs: number;
  /** Emulated time of the next retry in ms; null when none follows. */
  readonly nextRetryAtMs: number | null;
  /** A copy sent by the webhook_duplicate fault. */
  readonly duplicate: boolean;
}

export class DeliveryLog {
  private entries: DeliveryAttempt[] = [];

  add(entry: DeliveryAttempt): void {
    this.entries.push(entry);
    // Trimming in chunks keeps add O(1) amortised.
    if (this.entries.length > DELIVERY_LOG_MAX_ENTRIES * 1.1) this.entries = this.entries.slice(-DELIVERY_LOG_MAX_ENTRIES);
  }

  list(filter: { event?: string; endpoint?: string } = {}): DeliveryAttempt[] {
    const all = this.entries.length > DELIVERY_LOG_MAX_ENTRIES ? this.entries.slice(-DELIVERY_LOG_MAX_ENTRIES) : this.entries;
    return all.filter((e) => (filter.event === undefined || e.event === filter.event) && (filter.endpoint === undefined || e.endpoint === filter.endpoint));
  }
}

export const deliveryLogStore = defineStore('webhook_delivery_log', () => new DeliveryLog());

export function renderDeliveryAttempt(e: DeliveryAttempt): object {
  return {
    id: e.id,
    object: 'emulator.webhook_delivery',
    event: e.event,
    event_type: e.eventType,
    endpoint: e.endpoint,
    url: e.url,
    attempt: e.attempt,
    outcome: e.outcome,
    http_status: e.httpStatus,
    error: e.error,
    created: Math.floor(e.atMs / 1000),
    created_ms: e.atMs,
    next_retry_at: e.nextRetryAtMs === null ? null : Math.floor(e.nextRetryAtMs / 1000),
    duplicate: e.duplicate,
  };
}
