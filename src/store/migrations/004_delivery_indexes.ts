// Partial indexes for the outbox's hot paths (bench/triggers). Nearly every delivery is pending for
// a moment and delivered for ever after, so the full indexes of 002 carried every delivered row:
// the workers' due index keyed all of them by status, and the claim-token index held a NULL per
// row. Partial ones hold only the rows the workers look for — pending ones, claimed ones — so
// they stay as small as the backlog, and recording a delivery removes its entries instead of
// moving them. The queries name the same conditions as literals (claim.ts), which is what lets
// SQLite and PostgreSQL choose a partial index. Schema builder only: both stores run it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('deliveries_pending_due')
    .on('deliveries')
    .columns(['next_attempt_at', 'object_created'])
    .where(sql<boolean>`status = 'pending'`)
    .execute();
  await db.schema.dropIndex('deliveries_due').execute();
  await db.schema
    .createIndex('deliveries_claimed')
    .on('deliveries')
    .column('claim_token')
    .where(sql<boolean>`claim_token is not null`)
    .execute();
  await db.schema.dropIndex('deliveries_claim_token').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('deliveries_claim_token').on('deliveries').column('claim_token').execute();
  await db.schema.dropIndex('deliveries_claimed').execute();
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at', 'object_created']).execute();
  await db.schema.dropIndex('deliveries_pending_due').execute();
}
