// The web console's reads (GET /api/deliveries, /api/overview, subscription counts, bulk retry):
// - deliveries keyed by subscription then the lists' newest-first order (created_at, object_created,
//   id), so a page of one subscription is an index range read with no sort; it replaces the
//   (subscription_id, created_at) index of 002, which left ties of one poll's batch to a sort;
// - the same with status second, so a status filter, a subscription's counts by status and the
//   overview's last hour by status are index-only range scans;
// - runs by connection and status, newest last, for the overview's last success and last error of
//   each connection without walking the user's whole history;
// - each subscription's delivered and failed counts up to a point in time (src/store/deliveries/counts.ts);
// - bulk retries' progress, kept in the store so any process can answer for it;
// - the connection's key refusal (a 401 from Stripe), set and cleared by the calls made with the key.
// Schema builder only: both stores run it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('deliveries_subscription_order')
    .on('deliveries')
    .columns(['subscription_id', 'created_at', 'object_created', 'id'])
    .execute();
  await db.schema.dropIndex('deliveries_subscription_created').execute();
  await db.schema
    .createIndex('deliveries_subscription_status_order')
    .on('deliveries')
    .columns(['subscription_id', 'status', 'created_at', 'object_created', 'id'])
    .execute();
  await db.schema.createIndex('runs_connection_status_created').on('runs').columns(['connection_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('bulk_retries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('cutoff', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('retried', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  await db.schema
    .createTable('subscription_delivery_counts')
    .addColumn('subscription_id', 'text', (c) => c.primaryKey().references('subscriptions.id').onDelete('cascade'))
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('counted_before', 'text', (c) => c.notNull())
    .addColumn('delivered', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('connections').addColumn('key_refused_at', 'text').execute();
  await db.schema.alterTable('connections').addColumn('key_refused_message', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('key_refused_message').execute();
  await db.schema.alterTable('connections').dropColumn('key_refused_at').execute();
  await db.schema.dropTable('subscription_delivery_counts').execute();
  await db.schema.dropTable('bulk_retries').execute();
  await db.schema.dropIndex('runs_connection_status_created').execute();
  await db.schema.dropIndex('deliveries_subscription_status_order').execute();
  await db.schema.createIndex('deliveries_subscription_created').on('deliveries').columns(['subscription_id', 'created_at']).execute();
  await db.schema.dropIndex('deliveries_subscription_order').execute();
}
