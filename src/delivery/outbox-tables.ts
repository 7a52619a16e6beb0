// The tables of subscriptions and their durable delivery (migration 002_triggers), as kysely sees
// them. Same conventions as the core tables: ISO 8601 text timestamps (toISOString, so they sort
// as text on SQLite and PostgreSQL alike), JSON as text.
import type { Selectable } from 'kysely';

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
  attempts: number;
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

/** One poll per trigger per connection, shared by its subscriptions (issue 4, "Poll mode"). */
export interface PollCursorsTable {
  connection_id: string;
  trigger: string;
  /** JSON of PollCursorState (src/triggers/poll-cursor.ts). */
  state: string;
  /** Bumped on every save: a poll whose cursor moved meanwhile (another node) commits nothing. */
  version: number;
  next_poll_at: string;
  updated_at: string;
}

// A type alias, not an interface, so that it fits kysely's `withTables<…>()` on the core store.
export type OutboxDatabase = {
  subscriptions: SubscriptionsTable;
  poll_cursors: PollCursorsTable;
  trigger_events: TriggerEventsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
};

export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type PollCursorRow = Selectable<PollCursorsTable>;
export type TriggerEventRow = Selectable<TriggerEventsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;
