// Kysely's SQLite driver prepares every query afresh; compiling the SQL is a measurable share of a
// store call (bench/actions). The dialect gets this wrapper instead of the database: the same
// SQL text returns the statement prepared before, so a service's handful of query shapes are
// compiled once. It sits under the dialect, so services keep seeing only Kysely and no SQL changes.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Most recently used statements kept. Default 200: the store's query shapes number in the tens; an
 * unbounded cache could grow with `IN (…)` lists of every length.
 */
export const DEFAULT_MAX_STATEMENTS = 200;

export function cachingStatements(db: BetterSqlite3.Database, maxStatements = DEFAULT_MAX_STATEMENTS): SqliteDatabase {
  // A Map iterates in insertion order; re-inserting on each hit makes its first key the least
  // recently used.
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      // A statement still being iterated (kysely's streamQuery) cannot run again until it ends;
      // a second, uncached one serves that caller.
      if (cached?.busy) return db.prepare(sql);
      if (cached) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > maxStatements) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}
