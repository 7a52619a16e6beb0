// Opens the one store: embedded SQLite in DATA_DIR unless DATABASE_URL selects PostgreSQL.
// Services only ever see a Kysely<Database>, so no SQLite-only SQL leaks into them.
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createLogger } from '../log.js';
import { ensurePrivateDir, ensurePrivateFile, tightenMode, PRIVATE_FILE_MODE, type ModeWarnings } from './private-files.js';
import type { Database } from './schema.js';
import { cachingStatements } from './statement-cache.js';
import { ImmediateTransactionSqliteDialect } from './sqlite-dialect.js';

export interface StoreOptions {
  /** Directory of the SQLite file (connector.db). */
  dataDir: string;
  /** postgres://… selects PostgreSQL; undefined selects embedded SQLite. */
  databaseUrl: string | undefined;
  /** Where a DATA_DIR or database file open to other users is reported. Default: JSON lines on stderr. */
  warnings?: ModeWarnings;
}

export type Store = Kysely<Database>;

/**
 * The better-sqlite3 handle under each SQLite store, for the few operations that must run a whole
 * transaction without yielding to the event loop (src/store/sliding-log.ts says why). A
 * PostgreSQL store has none.
 */
const sqliteHandles = new WeakMap<Store, SqliteDatabase.Database>();

export function sqliteHandleOf(store: Store): SqliteDatabase.Database | undefined {
  return sqliteHandles.get(store);
}

export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'connector.db');
}

/** Where the store lives, for messages: the SQLite file, or PostgreSQL's host and database (never its password). */
export function describeStore(options: StoreOptions): string {
  if (!options.databaseUrl) return `the SQLite store ${sqliteFile(options.dataDir)}`;
  try {
    const url = new URL(options.databaseUrl);
    return `PostgreSQL at ${url.host}${url.pathname}`;
  } catch {
    return 'the PostgreSQL store of DATABASE_URL';
  }
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.databaseUrl }) }),
    });
  }
  const warnings = options.warnings ?? createLogger({ destination: process.stderr });
  const file = sqliteFile(options.dataDir);
  ensurePrivateDir(options.dataDir, warnings);
  ensurePrivateFile(file, warnings);
  // Left over from a run before these files were kept 0600; SQLite reuses them as they are.
  for (const companion of [`${file}-wal`, `${file}-shm`]) tightenMode(companion, PRIVATE_FILE_MODE, warnings);
  const sqlite = new SqliteDatabase(file);
  // WAL lets another process (a second server, a worker) write while a server reads; foreign keys
  // are off by default in SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the process loses
  // nothing, a power cut may lose the last commits. FULL costs an fsync per recorded run, which on
  // this class of disk is more than the 1 ms the whole action path may add.
  sqlite.pragma('synchronous = NORMAL');
  // A CLI write and a server write, or two serve --workers processes, may meet; wait up to 5 s for
  // the lock rather than fail at once (transactions take it at BEGIN: sqlite-dialect.ts).
  sqlite.pragma('busy_timeout = 5000');
  const store = new Kysely<Database>({ dialect: new ImmediateTransactionSqliteDialect({ database: cachingStatements(sqlite) }) });
  sqliteHandles.set(store, sqlite);
  return store;
}
