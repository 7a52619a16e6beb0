// Which database a store (or a transaction on it) runs on, for the few statements that differ:
// row locks that skip (claims), NOTIFY (wake-ups), the database's clock (leases) and functions
// (migration 011) exist on PostgreSQL only.
import { PostgresAdapter, type Kysely } from 'kysely';

/** Any store, transaction, or a migration's untyped handle. */
export function isPostgres(db: Pick<Kysely<unknown>, 'getExecutor'>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
