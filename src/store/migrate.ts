// Applies the numbered migrations at start. Fails closed: a store that cannot be brought to the
// current schema stops the start rather than serving on a half-migrated database.
//
// Several processes may start together on one store. On PostgreSQL kysely's migrator takes a lock
// of its own, so they apply each migration once between them. On SQLite it takes none (it assumes
// one connection): a second process that read "nothing applied" before the first committed fails
// on a table that exists by then, or on SQLite's busy lock. Each migration runs in a transaction,
// so such a failure leaves nothing half-applied, and a second try finds the other's migrations
// applied: a failed run is tried again, up to MIGRATION_ATTEMPTS times.
import { Migrator } from 'kysely';
import type { Store } from './database.js';
import { migrations } from './migrations/index.js';

/** Runs of the migrator before a start gives up: 5, with 100, 200, 300, 400 ms between them. */
const MIGRATION_ATTEMPTS = 5;
const RETRY_STEP_MS = 100;

export async function migrateToLatest(db: Store): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  for (let attempt = 1; ; attempt += 1) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return;
    if (attempt >= MIGRATION_ATTEMPTS) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`Store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_STEP_MS * attempt));
  }
}
