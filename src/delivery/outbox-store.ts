// The outbox's tables (migration 002_triggers) on the one store. The core store's type lists the
// core tables; this is the single place that views the same connection with the outbox's.
import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { OutboxDatabase } from './outbox-tables.js';

export function outboxOf(store: Store): Kysely<OutboxDatabase> {
  return store.withTables<OutboxDatabase>() as unknown as Kysely<OutboxDatabase>;
}
