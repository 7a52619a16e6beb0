// The tables of webhook and hybrid mode (migration 003_webhooks), as kysely sees them, beside the
// outbox's. Same conventions: ISO 8601 text timestamps, JSON as text.
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.js';
import type { OutboxDatabase } from '../delivery/outbox-tables.js';

/** The connector's one Stripe webhook endpoint per connection (issue 4, item 4). */
export interface WebhookEndpointsTable {
  connection_id: string;
  /** we_… at Stripe. */
  stripe_endpoint_id: string;
  url: string;
  /** JSON array of the event types enabled at Stripe, sorted. */
  enabled_events: string;
  /** The endpoint's whsec_ signing secret, sealed with the master key (bound to the connection id). */
  secret_ciphertext: string;
  created_at: string;
  updated_at: string;
}

/** Stripe event ids already taken in, so a repeated delivery is acknowledged without work. */
export interface StripeEventsSeenTable {
  connection_id: string;
  event_id: string;
  received_at: string;
}

/** Where the reconciling poll of /v1/events (hybrid mode) has got to, per connection. */
export interface EventReconcileCursorsTable {
  connection_id: string;
  /** The newest event seen: the next poll's `ending_before`. Null before the first poll. */
  newest_event_id: string | null;
  /** Its `created`, unix seconds: tells whether Stripe still keeps it (30 days). */
  newest_event_created: number | null;
  next_run_at: string;
  updated_at: string;
}

export type WebhookDatabase = OutboxDatabase & {
  webhook_endpoints: WebhookEndpointsTable;
  stripe_events_seen: StripeEventsSeenTable;
  event_reconcile_cursors: EventReconcileCursorsTable;
};

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type EventReconcileCursorRow = Selectable<EventReconcileCursorsTable>;

/** The same connection seen with the outbox's tables only, for ingestStripeEvent and enqueue. */
export function asOutbox(db: Kysely<WebhookDatabase>): Kysely<OutboxDatabase> {
  return db as unknown as Kysely<OutboxDatabase>;
}

/** The one store seen with the webhook tables too. */
export function webhookTablesOf(store: Kysely<Database>): Kysely<WebhookDatabase> {
  return store.withTables<WebhookDatabase>() as unknown as Kysely<WebhookDatabase>;
}
