// An account's event log: every change a request makes is recorded as the event Stripe would
// emit, listed through the list engine (newest first; `type` is an index) and kept for 30 days of
// emulated time, as Stripe keeps events. Records hold the changed object's immutable record and
// its renderer rather than a rendered copy, so a million events stay small.
import Stripe from 'stripe';
import { Collection, type Listed } from '../list/collection.js';

/** Stripe keeps events for 30 days. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

export type Render<R> = (record: R) => object;

export interface EventRecord<R = unknown> extends Listed {
  readonly type: string;
  readonly record: R;
  /** The object's previous version, for `*.updated` events' `previous_attributes`. */
  readonly previous: R | undefined;
  readonly render: Render<R>;
  readonly requestId: string | null;
  readonly idempotencyKey: string | null;
  /** How many webhook endpoints still have to receive it; webhook delivery maintains it. */
  pendingWebhooks: number;
}

export class EventLog {
  readonly all = new Collection<EventRecord>({ type: (e) => e.type });
  private appendsSincePrune = 0;

  append(event: EventRecord): void {
    this.all.insert(event);
    // Pruning is a splice at the front; doing it every 1,000 appends keeps appends O(1) amortised.
    if (++this.appendsSincePrune >= 1000) {
      this.appendsSincePrune = 0;
      this.prune(event.created);
    }
  }

  prune(nowSeconds: number): void {
    this.all.dropOlderThan(nowSeconds - EVENT_RETENTION_SECONDS);
  }

  clear(): void {
    this.all.clear();
  }
}

export function renderEvent(event: EventRecord): Stripe.Event {
  const object = event.render(event.record);
  const data: Stripe.Event.Data = { object };
  if (event.previous !== undefined) data.previous_attributes = previousAttributes(event.render(event.previous), object);
  return {
    id: event.id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: event.created,
    data,
    livemode: false,
    pending_webhooks: event.pendingWebhooks,
    request: { id: event.requestId, idempotency_key: event.idempotencyKey },
    // Event.Type lists today's types; the legacy `order.created` is not among them.
    type: event.type as Stripe.Event.Type,
  } as Stripe.Event;
}

/**
 * Stripe's `previous_attributes`: the old value of every top-level field that changed; for a
 * changed hash (metadata) only its changed keys, an added key showing null.
 */
function previousAttributes(before: object, after: object): Stripe.Event.Data.PreviousAttributes {
  const out: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (key === 'updated') continue;
    const old = b[key];
    const now = a[key];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    if (isHash(old) && isHash(now)) {
      const diff: Record<string, unknown> = {};
      for (const k of new Set([...Object.keys(old), ...Object.keys(now)])) {
        if (JSON.stringify(old[k]) !== JSON.stringify(now[k])) diff[k] = old[k] ?? null;
      }
      out[key] = diff;
    } else {
      out[key] = old ?? null;
    }
  }
  return out;
}

function isHash(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
