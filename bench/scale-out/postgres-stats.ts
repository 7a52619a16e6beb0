// What the PostgreSQL server did for one database between two readings: transactions committed
// (pg_stat_database.xact_commit), statements executed (pg_stat_statements, when the server loads
// it), WAL bytes written (pg_stat_wal: the whole server, so one bench database at a time), and
// the server's CPU time (the postmaster and its backends, from /proc).
import pg from 'pg';
import { treeCpuUs } from './process-cpu.js';

export interface PostgresReading {
  commits: number;
  rollbacks: number;
  /** Undefined without pg_stat_statements. */
  statements: number | undefined;
  walBytes: number;
  rowsWritten: number;
  cpuUs: number;
}

/**
 * Backends report their counters to the shared statistics when idle, at most every 1 s, and an
 * idle one within 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): a reading this long after the load
 * has stopped holds all of it.
 */
export const STATS_SETTLE_MS = 11_000;

export async function readPostgres(admin: pg.Client, database: string, postmasterPid: number): Promise<PostgresReading> {
  const cpuUs = treeCpuUs(postmasterPid);
  const db = await admin.query<{ commits: string; rollbacks: string; rows: string }>(
    'select xact_commit as commits, xact_rollback as rollbacks, tup_inserted + tup_updated + tup_deleted as rows from pg_stat_database where datname = $1',
    [database],
  );
  const wal = await admin.query<{ bytes: string }>('select wal_bytes as bytes from pg_stat_wal');
  let statements: number | undefined;
  try {
    const s = await admin.query<{ calls: string }>(
      'select coalesce(sum(calls), 0) as calls from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = $1',
      [database],
    );
    statements = Number(s.rows[0]!.calls);
  } catch {
    statements = undefined; // the extension is not loaded on this server
  }
  const row = db.rows[0]!;
  return { commits: Number(row.commits), rollbacks: Number(row.rollbacks), rowsWritten: Number(row.rows), statements, walBytes: Number(wal.rows[0]!.bytes), cpuUs };
}

export function postgresBetween(before: PostgresReading, after: PostgresReading): PostgresReading {
  return {
    commits: after.commits - before.commits,
    rollbacks: after.rollbacks - before.rollbacks,
    statements: after.statements === undefined || before.statements === undefined ? undefined : after.statements - before.statements,
    walBytes: after.walBytes - before.walBytes,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    cpuUs: after.cpuUs - before.cpuUs,
  };
}

/**
 * The server's ceiling for small committed transactions here: `clients` connections each inserting
 * one row per transaction for `durationMs`, as the connector's store does per event at most.
 */
export async function commitCeiling(url: string, clients: number, durationMs: number): Promise<number> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query('create table if not exists bench_commit_ceiling (id bigserial primary key, at timestamptz not null default now(), body text)');
  const pool = Array.from({ length: clients }, () => new pg.Client({ connectionString: url }));
  await Promise.all(pool.map((c) => c.connect()));
  let commits = 0;
  const deadline = performance.now() + durationMs;
  const startedMs = performance.now();
  await Promise.all(
    pool.map(async (client) => {
      while (performance.now() < deadline) {
        await client.query('insert into bench_commit_ceiling (body) values ($1)', ['x'.repeat(200)]);
        commits += 1;
      }
    }),
  );
  const seconds = (performance.now() - startedMs) / 1000;
  await Promise.all(pool.map((c) => c.end()));
  await setup.query('drop table bench_commit_ceiling');
  await setup.end();
  return commits / seconds;
}

/** The `count` statements of `database` that took the server longest so far (pg_stat_statements), for finding where the time goes. */
export async function topStatements(admin: pg.Client, database: string, count: number): Promise<string[]> {
  const r = await admin.query<{ calls: string; total_ms: number; mean_ms: number; query: string }>(
    `select calls, total_exec_time as total_ms, mean_exec_time as mean_ms, query from pg_stat_statements s join pg_database d on d.oid = s.dbid
      where d.datname = $1 order by total_exec_time desc limit $2`,
    [database, count],
  );
  return r.rows.map((row) => `${row.calls} calls, ${row.total_ms.toFixed(0)} ms in all, ${row.mean_ms.toFixed(3)} ms each: ${row.query.replace(/\s+/g, ' ').slice(0, 160)}`);
}
