// Subscriptions to triggers, the shared poll cursors, and durable delivery: the trigger events (one per Stripe object
// per connection and trigger), the deliveries (one per event per subscription — the outbox) and
// the history of attempts. Schema builder only, so SQLite and PostgreSQL run the same migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('poll_interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('subscriptions_connection_trigger')
    .on('subscriptions')
    .columns(['connection_id', 'trigger'])
    .execute();
  await db.schema.createIndex('subscriptions_user').on('subscriptions').column('user_id').execute();

  await db.schema
    .createTable('poll_cursors')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('next_poll_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('poll_cursors_pk', ['connection_id', 'trigger'])
    .execute();
  await db.schema.createIndex('poll_cursors_due').on('poll_cursors').column('next_poll_at').execute();

  await db.schema
    .createTable('trigger_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('stripe_object_id', 'text', (c) => c.notNull())
    .addColumn('object_created', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // A Stripe object noticed twice (poll and webhook, a repeated webhook, a repeated poll) is one event.
    .addUniqueConstraint('trigger_events_object', ['connection_id', 'trigger', 'stripe_object_id'])
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('trigger_events.id').onDelete('cascade'))
    .addColumn('stripe_object_id', 'text', (c) => c.notNull())
    .addColumn('object_created', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('first_attempt_at', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('claim_token', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Each Stripe object is delivered once per subscription (the documented contract): the outbox's idempotency key.
    .addUniqueConstraint('deliveries_subscription_object', ['subscription_id', 'stripe_object_id'])
    .execute();
  // The workers' query: due pending deliveries, oldest due first, then oldest object first.
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['status', 'next_attempt_at', 'object_created'])
    .execute();
  await db.schema
    .createIndex('deliveries_subscription_created')
    .on('deliveries')
    .columns(['subscription_id', 'created_at'])
    .execute();
  await db.schema.createIndex('deliveries_claim_token').on('deliveries').column('claim_token').execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_snippet', 'text')
    .execute();
  await db.schema.createIndex('delivery_attempts_delivery').on('delivery_attempts').columns(['delivery_id', 'attempt']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_attempts').execute();
  await db.schema.dropTable('deliveries').execute();
  await db.schema.dropTable('trigger_events').execute();
  await db.schema.dropTable('poll_cursors').execute();
  await db.schema.dropTable('subscriptions').execute();
}
