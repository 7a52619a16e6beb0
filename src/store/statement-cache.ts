// Kysely's SQLite driver prepares every query afresh; compiling the SQL is a measurable share of a
// store call (bench/actions). The dialect gets this wrapper instead of the database: the same
// SQL text returns the statement prepared before, so a service's handful of query shapes are
// compiled once. It sits under the dialect, so services keep seeing only Kysely and no SQL changes.
import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, CompiledQuery, Kysely, QueryResult, SqliteDatabase, SqliteStatement } from 'kysely';
import type { Database } from './schema.js';

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

/**
 * Above the driver, kysely rebuilds a query's operation tree and compiles it to SQL on every
 * execution (≈ 5–8 µs per query on the bench machine: 15–24 µs for a token lookup built each
 * time, 10–16 µs for the same query compiled). A query whose shape never changes is compiled here once per store, by that store's own
 * dialect (so the SQL stays portable), and each later execution binds its own parameters.
 *
 * `build` must bind exactly `params`, in order; the first compilation checks that and throws if not.
 */
export function compiledOnce<P extends unknown[], R>(
  build: (db: Kysely<Database>, ...params: P) => Compilable<R>,
): (db: Kysely<Database>, ...params: P) => Promise<QueryResult<R>> {
  const compiledByStore = new WeakMap<Kysely<Database>, CompiledQuery<R>>();
  return (db, ...params) => {
    let compiled = compiledByStore.get(db);
    if (!compiled) {
      compiled = build(db, ...params).compile();
      const bound = compiled.parameters;
      if (bound.length !== params.length || bound.some((value, i) => value !== params[i])) {
        throw new Error(`compiledOnce: the query binds [${bound.length}] parameters other than the ${params.length} given, in order`);
      }
      compiledByStore.set(db, compiled);
    }
    return db.executeQuery<R>({ ...compiled, parameters: params });
  };
}
