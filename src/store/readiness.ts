// Whether this store can serve (GET /readyz): it answers a query, and every migration this build
// ships has been applied. The reason never carries a driver's message, which may name a host,
// a user or a database.
import { DEFAULT_MIGRATION_TABLE, sql } from 'kysely';
import type { Store } from './database.js';
import { migrations } from './migrations/index.js';

export type StoreReadiness = { ready: true } | { ready: false; reason: string };

/**
 * Default 2 s: a load balancer probing every few seconds learns of a store that hangs before its
 * own probe times out (commonly 5 s), instead of taking the hang for an answer.
 */
export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

/** An error's code when it is a plain identifier (ECONNREFUSED, SQLITE_BUSY, 57P01), else undefined. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

async function appliedMigrations(db: Store): Promise<StoreReadiness> {
  let applied: Set<string>;
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
    applied = new Set(rows.map((row) => row.name));
  } catch (error) {
    const code = codeOf(error);
    return { ready: false, reason: `the store did not answer a query${code ? ` (${code})` : ''}` };
  }
  const missing = Object.keys(migrations).filter((name) => !applied.has(name));
  if (missing.length > 0) return { ready: false, reason: `migrations not applied: ${missing.join(', ')}` };
  return { ready: true };
}

export async function storeReadiness(db: Store, timeoutMs = DEFAULT_READINESS_TIMEOUT_MS): Promise<StoreReadiness> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<StoreReadiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `the store did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([appliedMigrations(db), late]);
  } finally {
    clearTimeout(timer);
  }
}
