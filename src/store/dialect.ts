// Which database a store (or a transaction on it) runs on, for the few statements that differ:
// row locks that skip (claims) and NOTIFY (wake-ups) exist on PostgreSQL only.
import { PostgresAdapter } from 'kysely';
import type { Store } from './database.js';

export function isPostgres(db: Store): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
