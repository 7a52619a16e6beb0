// bench/limits/admission: what one admission to a store-kept sliding window (Stripe's pace per key,
// the action throttle per connection: src/store/sliding-log.ts) costs on PostgreSQL — the one
// statement of today's code against the transaction it replaced (kept below as the baseline), in
// the same run, on the same server, alternating so the machine's load falls on both alike.
//
// Each phase: ADMISSIONS admissions over WINDOWS windows (limit 25 per 1.1 s, Stripe's test-mode
// pace with its margin; each window past its first 25 starts, so each admission reads the earlier
// start that decides it; the windows are many so none is ever refused), either one at a time or
// CONCURRENCY at once through the store's pool (10 connections), or all at one window with a limit
// far above them (every admission waits for the one before it to release the row's lock). Figures
// per admission: wall µs, statements the client sent (pg_stat_statements, top level, BEGIN and
// COMMIT included) and statements the server ran (nested ones in the function too), commits,
// server CPU µs (postmaster and backends, /proc) and this process's CPU µs.
//
//   npm run bench -- limits/admission
//   BENCH_ADMISSIONS=3000     admissions per phase (default 3000)
//   BENCH_PG_FAST=1           fsync, full-page writes and synchronous commit off (default: durable)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { startPostgres } from '../../scripts/postgres-server.mjs';
import { admitToWindow, type SlidingWindowAdmission } from '../../src/sliding-window.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { admitToStoredWindow, type WindowRequest } from '../../src/store/sliding-log.js';
import { describeMachine } from '../emulator/machine.js';
import { loadNow } from '../triggers/world.js';
import { treeCpuUs } from '../scale-out/process-cpu.js';

const ADMISSIONS = Number(process.env.BENCH_ADMISSIONS ?? 3_000);
const WINDOWS = 1_000;
const CONCURRENCY = 20;
const LIMIT = 25;
const WINDOW_MS = 1_100;

// --- The baseline: the PostgreSQL path as it was before migration 011 (a kysely transaction). ---

const FORGET_EVERY_STARTS = 32;

function passesForgetMark(fromSeq: number, toSeq: number): boolean {
  return Math.floor(toSeq / FORGET_EVERY_STARTS) > Math.floor(fromSeq / FORGET_EVERY_STARTS);
}

function earlierStarts(nextSeq: number, wanted: number, limit: number): { fromSeq: number; toSeq: number } | undefined {
  const toSeq = nextSeq + Math.min(wanted, limit) - 1 - limit;
  return toSeq < 0 ? undefined : { fromSeq: Math.max(0, nextSeq - limit), toSeq };
}

async function admitInTransaction(db: Store, request: WindowRequest): Promise<SlidingWindowAdmission | undefined> {
  const { windowId, connectionId, wanted, limit, windowMs } = request;
  const source =
    connectionId === undefined ? sql`values (${windowId}, null, 0)` : sql`select ${windowId}, id, 0 from connections where id = ${connectionId}`;
  return db.transaction().execute(async (tx) => {
    const locked = await sql<{ next_seq: string | number; now_ms: number }>`insert into limit_windows (id, connection_id, next_seq) ${source}
      on conflict (id) do update set next_seq = limit_windows.next_seq
      returning next_seq, cast(extract(epoch from clock_timestamp()) * 1000 as double precision) as now_ms`.execute(tx);
    const window = locked.rows[0];
    if (!window) return undefined;
    const nextSeq = Number(window.next_seq);
    const nowMs = request.nowMs ? request.nowMs() : window.now_ms;
    const earlier = new Map<number, number>();
    const range = earlierStarts(nextSeq, wanted, limit);
    if (range) {
      const rows = await tx
        .selectFrom('limit_window_starts')
        .select(['seq', 'started_at_ms'])
        .where('window_id', '=', windowId)
        .where('seq', '>=', range.fromSeq)
        .where('seq', '<=', range.toSeq)
        .execute();
      for (const row of rows) earlier.set(Number(row.seq), row.started_at_ms);
    }
    const admission = admitToWindow(nextSeq, nowMs, wanted, limit, windowMs, (seq) => earlier.get(seq));
    if (admission.admitted > 0) {
      const starts = Array.from({ length: admission.admitted }, (_, i) => ({ window_id: windowId, seq: nextSeq + i, started_at_ms: nowMs }));
      await tx.insertInto('limit_window_starts').values(starts).execute();
      await tx.updateTable('limit_windows').set({ next_seq: nextSeq + admission.admitted }).where('id', '=', windowId).execute();
      if (passesForgetMark(nextSeq, nextSeq + admission.admitted)) {
        await tx.deleteFrom('limit_window_starts').where('window_id', '=', windowId).where('started_at_ms', '<=', nowMs - windowMs).execute();
      }
    }
    return admission;
  });
}

// --- Measuring. ---

/**
 * Every key window as a busy key leaves it: 1,000 starts numbered, the last LIMIT of them still
 * recorded (long ago), so each admission reads the earlier start that decides it, as Stripe's pace
 * does for a key past its first 25 requests.
 */
async function seedWindows(db: Store): Promise<void> {
  const ids = Array.from({ length: WINDOWS }, (_, i) => `stripe:pace:${i}`);
  await db.insertInto('limit_windows').values(ids.map((id) => ({ id, connection_id: null, next_seq: 1_000 }))).execute();
  for (const id of ids) {
    const starts = Array.from({ length: LIMIT }, (_, i) => ({ window_id: id, seq: 1_000 - LIMIT + i, started_at_ms: 1_000 + i }));
    await db.insertInto('limit_window_starts').values(starts).execute();
  }
}

type Admit = (db: Store, request: WindowRequest) => Promise<SlidingWindowAdmission | undefined>;
const paths: Array<[string, Admit]> = [
  ['transaction (before)', admitInTransaction],
  ['one statement (now)', admitToStoredWindow],
];

interface Workload {
  name: string;
  inFlight: number;
  request(i: number): WindowRequest;
}

const workloads: Workload[] = [
  { name: 'one at a time, 1,000 key windows', inFlight: 1, request: (i) => keyWindow(`pace:${i % WINDOWS}`, LIMIT, WINDOW_MS) },
  { name: `${CONCURRENCY} in flight, 1,000 key windows`, inFlight: CONCURRENCY, request: (i) => keyWindow(`pace:${i % WINDOWS}`, LIMIT, WINDOW_MS) },
  { name: `${CONCURRENCY} in flight, one window`, inFlight: CONCURRENCY, request: () => keyWindow('hot', 1_000_000_000, WINDOW_MS) },
];

function keyWindow(name: string, limit: number, windowMs: number): WindowRequest {
  return { windowId: `stripe:${name}`, wanted: 1, limit, windowMs };
}

interface Reading {
  toplevel: number;
  all: number;
  commits: number;
  serverCpuUs: number;
}

async function read(admin: pg.Client, database: string, postmasterPid: number): Promise<Reading> {
  const s = await admin.query<{ toplevel: string; all: string }>(
    `select coalesce(sum(calls) filter (where toplevel), 0) as toplevel, coalesce(sum(calls), 0) as all
       from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = $1`,
    [database],
  );
  const c = await admin.query<{ commits: string }>('select xact_commit as commits from pg_stat_database where datname = $1', [database]);
  return { toplevel: Number(s.rows[0]!.toplevel), all: Number(s.rows[0]!.all), commits: Number(c.rows[0]!.commits), serverCpuUs: treeCpuUs(postmasterPid) };
}

/** A closed pool's backends flush their statistics as they exit: wait until they have. */
async function backendsGone(admin: pg.Client, database: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const r = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [database]);
    if (Number(r.rows[0]!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runAll(db: Store, admit: Admit, workload: Workload, count: number): Promise<number> {
  let next = 0;
  let admitted = 0;
  await Promise.all(
    Array.from({ length: workload.inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const answer = await admit(db, workload.request(i));
        admitted += answer?.admitted ?? 0;
      }
    }),
  );
  return admitted;
}

interface Row {
  workload: string;
  path: string;
  wallUs: number;
  toplevel: number;
  all: number;
  commits: number;
  serverCpuUs: number;
  clientCpuUs: number;
  refused: number;
}

async function phase(url: string, admin: pg.Client, database: string, pid: number, dataDir: string, workload: Workload, [label, admit]: [string, Admit]): Promise<Row> {
  // Warm the windows and the pool, then close it so its statistics are in before the reading.
  const warm = openStore({ dataDir, databaseUrl: url });
  await runAll(warm, admit, workload, Math.min(ADMISSIONS, WINDOWS));
  await warm.destroy();
  await backendsGone(admin, database);
  const before = await read(admin, database, pid);
  const db = openStore({ dataDir, databaseUrl: url });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const admitted = await runAll(db, admit, workload, ADMISSIONS);
  const wallMs = performance.now() - started;
  const clientCpu = process.cpuUsage(cpu);
  await db.destroy();
  await backendsGone(admin, database);
  const after = await read(admin, database, pid);
  const per = (n: number) => n / ADMISSIONS;
  return {
    workload: workload.name,
    path: label,
    wallUs: per(wallMs * 1000),
    // The reading's own two queries run on the admin connection, in another database.
    toplevel: per(after.toplevel - before.toplevel),
    all: per(after.all - before.all),
    commits: per(after.commits - before.commits),
    serverCpuUs: per(after.serverCpuUs - before.serverCpuUs),
    clientCpuUs: per(clientCpu.user + clientCpu.system),
    refused: ADMISSIONS - admitted,
  };
}

async function main(): Promise<void> {
  const loadAtStart = loadNow();
  const started = await startPostgres({
    settings: {
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track': 'all',
      ...(process.env.BENCH_PG_FAST === '1' ? {} : { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'on' }),
    },
  });
  if ('skipped' in started) {
    console.log(`skipped: ${started.skipped}`);
    return;
  }
  const server = started;
  const admin = new pg.Client({ connectionString: server.url });
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-limits-'));
  const rows: Row[] = [];
  try {
    await admin.connect();
    await admin.query('create extension if not exists pg_stat_statements');
    const database = 'bench_limits';
    await admin.query(`create database ${database}`);
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    const setup = openStore({ dataDir, databaseUrl: url.toString() });
    await migrateToLatest(setup);
    await seedWindows(setup);
    await setup.destroy();
    for (const workload of workloads) {
      // before, now, before, now: the second pair on windows the first pair has filled.
      for (const path of [...paths, ...paths]) rows.push(await phase(url.toString(), admin, database, server.pid, dataDir, workload, path));
    }
  } finally {
    await admin.end();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`machine: ${describeMachine()}; load average at start ${loadAtStart}, at end ${loadNow()}`);
  console.log(
    `${ADMISSIONS} admissions per phase; PostgreSQL ${process.env.BENCH_PG_FAST === '1' ? 'fsync off (BENCH_PG_FAST=1)' : 'durable (fsync, synchronous_commit on)'}; pool of 10\n`,
  );
  console.log('| workload | path | wall µs/admission | statements sent | statements run | commits | PG CPU µs | client CPU µs | refused |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.workload} | ${r.path} | ${r.wallUs.toFixed(0)} | ${r.toplevel.toFixed(2)} | ${r.all.toFixed(2)} | ${r.commits.toFixed(2)} | ${r.serverCpuUs.toFixed(0)} | ${r.clientCpuUs.toFixed(0)} | ${r.refused} |`,
    );
  }
}

await main();
