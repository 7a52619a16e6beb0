// Kysely's SQLite dialect with one change: transactions begin IMMEDIATE, taking the write lock at
// BEGIN (waiting up to busy_timeout for it) instead of at their first write. With several processes
// on one file (serve --workers, a CLI beside a server), a deferred transaction that has read and
// then writes cannot wait for the lock — SQLite answers SQLITE_BUSY at once rather than deadlock
// two upgrading readers: 2 processes running "count, then insert" 1,500 times each saw 200–300
// such failures apiece, none with IMMEDIATE. Every transaction of this store writes, so nothing is
// serialised that could have run beside a writer.
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateTransactionSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.#config);
  }
}
