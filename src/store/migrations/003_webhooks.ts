// Webhook and hybrid mode: the one Stripe webhook endpoint per connection
// with its sealed signing secret, the ids of Stripe events already taken in, and the reconciling
// poll's cursor over /v1/events. Schema builder only, so SQLite and PostgreSQL run the same migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('connection_id', 'text', (c) => c.primaryKey().references('connections.id').onDelete('cascade'))
    .addColumn('stripe_endpoint_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('enabled_events', 'text', (c) => c.notNull())
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stripe_events_seen')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stripe_events_seen_pk', ['connection_id', 'event_id'])
    .execute();
  await db.schema.createIndex('stripe_events_seen_received').on('stripe_events_seen').column('received_at').execute();

  await db.schema
    .createTable('event_reconcile_cursors')
    .addColumn('connection_id', 'text', (c) => c.primaryKey().references('connections.id').onDelete('cascade'))
    .addColumn('newest_event_id', 'text')
    .addColumn('newest_event_created', 'integer')
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_reconcile_cursors').execute();
  await db.schema.dropTable('stripe_events_seen').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
}
