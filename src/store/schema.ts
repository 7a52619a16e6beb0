// The store's tables as kysely sees them: one schema file, so every query is type-checked against
// the same shapes. Timestamps are ISO 8601 text (toISOString, so they sort as text) and booleans are
// 0/1 integers because both read and sort the same way on SQLite and PostgreSQL; JSON payloads are
// text for the same reason.
import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface UsersTable {
  id: string;
  name: string;
  /** 1 for the user created on first start. */
  is_admin: number;
  created_at: string;
}

export interface TokensTable {
  id: string;
  user_id: string;
  /** sha256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  created_at: string;
}

export interface ConnectionsTable {
  id: string;
  user_id: string;
  name: string;
  mode: 'test' | 'live';
  /** e.g. sk_test_…abcd: the only part of the key ever shown again. */
  key_hint: string;
  /** AES-256-GCM sealed API key, see src/connections/key-cipher.ts. */
  key_ciphertext: string;
  api_base: string;
  api_version: string | null;
  /** Per-connection override of actionRateLimit; null: the global default. */
  rate_limit: number | null;
  /** 'verified' (balance read worked) or 'restricted' (a restricted key without balance access). */
  key_check: 'verified' | 'restricted';
  created_at: string;
  /** When Stripe last answered 401 to a call with this key; null once a later call succeeded (migration 010). */
  key_refused_at: ColumnType<string | null, string | null | undefined, string | null>;
  key_refused_message: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RunsTable {
  id: string;
  /** 'action' for now; trigger deliveries join later. */
  kind: string;
  user_id: string;
  connection_id: string;
  operation: string;
  status: 'succeeded' | 'failed';
  duration_ms: number;
  stripe_request_id: string | null;
  /** JSON, secrets redacted. */
  input: string;
  /** JSON of the action's output, null on failure. */
  output: string | null;
  /** JSON {code, message, status}, null on success. */
  error: string | null;
  created_at: string;
}

/** One row, id 'master': the master key's check value (src/connections/master-key-check.ts). */
export interface MasterKeyCheckTable {
  id: string;
  /** A fixed marker sealed under the master key, bound to a fixed purpose string. */
  check_value: string;
  updated_at: string;
}

// Triggers and their durable delivery (migration 002_triggers).

export type SubscriptionMode = 'poll' | 'webhook' | 'hybrid';

export interface SubscriptionsTable {
  id: string;
  user_id: string;
  connection_id: string;
  /** A trigger name: chargeAdded … */
  trigger: string;
  url: string;
  mode: SubscriptionMode;
  poll_interval_seconds: number;
  /** The whsec_ secret, sealed with the master key (bound to the subscription id). */
  secret_ciphertext: string;
  status: 'active' | 'paused';
  /** Objects created from this time on are delivered (the `since` of the API, or creation time). */
  since: string;
  created_at: string;
}

/** One Stripe object noticed for one trigger on one connection: stored once, delivered per subscription. */
export interface TriggerEventsTable {
  id: string;
  connection_id: string;
  trigger: string;
  stripe_object_id: string;
  /** The Stripe object's creation time, ISO 8601: the body's `created`. */
  object_created: string;
  /** JSON of the documented shape: the body's `data`. */
  data: string;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One trigger event for one subscription. Its id is the `webhook-id` and the body's `id`. */
export interface DeliveriesTable {
  id: string;
  subscription_id: string;
  event_id: string;
  /** Repeats the event's object id so that (subscription, object) is a unique key. */
  stripe_object_id: string;
  /** The object's creation time, ISO 8601: fresh deliveries go out oldest object first. */
  object_created: string;
  status: DeliveryStatus;
  /** Attempts since the delivery was enqueued or last replayed: the backoff counts these. */
  attempts: number;
  /** Attempts made before the last replay, so that history numbers attempts on across replays. */
  attempts_before_replay: ColumnType<number, number | undefined, number>;
  /** Due when this is at or before now. */
  next_attempt_at: string;
  first_attempt_at: string | null;
  /** Held by a worker until this time; a crashed worker's claim simply runs out. */
  locked_until: string | null;
  /** Random per claim, so a worker recognises its own claims. */
  claim_token: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  /** 1 for the first attempt. */
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_snippet: string | null;
}

/** One poll per trigger per connection, shared by its subscriptions. */
export interface PollCursorsTable {
  connection_id: string;
  trigger: string;
  /** JSON of PollCursorState (src/trigger-sources/poll-cursor.ts). */
  state: string;
  /** Bumped on every save: a poll whose cursor moved meanwhile (another node) commits nothing. */
  version: number;
  next_poll_at: string;
  updated_at: string;
}

// Webhook and hybrid mode (migration 003_webhooks).

/** The connector's one Stripe webhook endpoint per connection. */
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

/** A Power Automate polling trigger's state: the opaque id its Location carries. */
export interface PowerAutomatePollStatesTable {
  /** The opaque state in the Location: pas_ + 96 random bits. */
  id: string;
  user_id: string;
  connection_id: string;
  /** The connector's trigger name: chargeAdded … */
  trigger: string;
  /** JSON PollCursorState (src/trigger-sources/poll-cursor.ts): where the next poll of Stripe starts. */
  cursor: string;
  /** JSON array of mapped items found by the previous poll beyond its answer's cap, answered first. */
  pending: string | null;
  poll_interval_seconds: number;
  /** The state whose answer handed this one out: deleted once this one is called (the engine has moved on). */
  previous_id: string | null;
  /** JSON of the answer, once this state was answered with items: a repeat gets the very same answer. */
  answer: string | null;
  created_at: string;
  /** Last call; a state unused for 30 days is forgotten. */
  used_at: string;
}

/** A bulk retry (POST /api/deliveries/retry) and its progress (migration 010). */
export interface BulkRetriesTable {
  /** bulkretry_… */
  id: string;
  user_id: string;
  /** JSON of the filter as accepted (src/delivery/delivery-filter.ts). */
  filter: string;
  /** Deliveries created after this (ISO 8601) are not part of it: the set is fixed when it is accepted. */
  cutoff: string;
  /** JSON of where the next chunk starts; null before the first. */
  cursor: string | null;
  /** 'running' or 'done'; a running one without progress for 60 s is reported interrupted. */
  status: 'running' | 'done';
  total: number;
  retried: number;
  created_at: string;
  /** Last progress: a chunk committed. */
  updated_at: string;
  finished_at: string | null;
}

/** A subscription's final deliveries counted up to a time (src/store/deliveries/counts.ts, migration 010). */
export interface SubscriptionDeliveryCountsTable {
  subscription_id: string;
  /** Bumped by every replay: a count made before it is not written over the reset. */
  generation: number;
  /** The counts cover deliveries created before this (ISO 8601; '' for none). */
  counted_before: string;
  delivered: number;
  failed: number;
}

export interface Database {
  users: UsersTable;
  tokens: TokensTable;
  connections: ConnectionsTable;
  runs: RunsTable;
  master_key_check: MasterKeyCheckTable;
  subscriptions: SubscriptionsTable;
  poll_cursors: PollCursorsTable;
  trigger_events: TriggerEventsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
  stripe_events_seen: StripeEventsSeenTable;
  event_reconcile_cursors: EventReconcileCursorsTable;
  power_automate_poll_states: PowerAutomatePollStatesTable;
  bulk_retries: BulkRetriesTable;
  subscription_delivery_counts: SubscriptionDeliveryCountsTable;
}

export type UserRow = Selectable<UsersTable>;
export type PollStateRow = Selectable<PowerAutomatePollStatesTable>;
export type TokenRow = Selectable<TokensTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
export type NewConnectionRow = Insertable<ConnectionsTable>;
export type RunRow = Selectable<RunsTable>;
export type NewRunRow = Insertable<RunsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type PollCursorRow = Selectable<PollCursorsTable>;
export type TriggerEventRow = Selectable<TriggerEventsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type BulkRetryRow = Selectable<BulkRetriesTable>;
export type EventReconcileCursorRow = Selectable<EventReconcileCursorsTable>;
