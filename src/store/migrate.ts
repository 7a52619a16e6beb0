// Applies the numbered migrations at start. Fails closed: a store that cannot be brought to the
// current schema stops the start rather than serving on a half-migrated database.
import { Migrator } from 'kysely';
import type { Store } from './database.js';
import { migrations } from './migrations/index.js';

export async function migrateToLatest(db: Store): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
