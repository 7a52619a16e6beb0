// A sliding window (the action throttle's per connection, the Stripe pace's per key) read, decided
// on (src/sliding-window.ts) and written back by any of the processes sharing the store, in ONE
// transaction that holds the window row's write lock from the read to the write: the limit holds
// exactly however many processes count, and a refused start writes nothing.
//
// SQLite: one synchronous better-sqlite3 transaction begun IMMEDIATE, so the write lock is taken
// before the read (busy_timeout lets another process's transaction finish first). It runs without
// yielding to the event loop: a kysely transaction awaits between statements, and a second SQLite
// connection in the same thread (two service sets on one file) would then sit in its busy wait,
// blocking the thread, while this one holds the lock it waits for. It runs under kysely's own
// connection lock, so no other query of this store interleaves on the same connection.
//
// PostgreSQL: one autocommitted statement calling admit_to_limit_window (migration 011), which
// runs the same transaction inside the server — INSERT … ON CONFLICT DO UPDATE takes the window
// row's lock (waiting for a holder to commit), then the clock is read, the earlier starts decided
// on and the admitted ones written — with the rule in SQL there: one round trip per admission
// instead of 5–7.
//
// One clock for every process: on PostgreSQL the database's (clock_timestamp(), read once the lock
// is held), so machines whose clocks differ by seconds still agree; on SQLite, which is one
// machine, the local wall clock, read once the lock is held. A clock passed in (tests) wins: it
// is read before the statement on PostgreSQL.
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { admitToWindow, type SlidingWindowAdmission } from '../sliding-window.js';
import { sqliteHandleOf, type Store } from './database.js';

export interface WindowRequest {
  /** limit_windows.id: 'action:' + connection id, or 'stripe:' + key id. */
  windowId: string;
  /** For a connection's window: created only while the connection exists, and deleted with it. */
  connectionId?: string | undefined;
  /** Starts asked for now (at most `limit` are considered). */
  wanted: number;
  /** Starts allowed in any window. */
  limit: number;
  windowMs: number;
  /** Milliseconds clock; default: the store's (above). */
  nowMs?: (() => number) | undefined;
}

/**
 * Starts that left the window are deleted whenever the numbering passes a multiple of this (on
 * PostgreSQL passed to the function of migration 011, so the number lives here only): one
 * indexed delete per 32 starts keeps a window's rows near what is inside it (at most the limit,
 * or the calls of one window when the limit is far above them) without a delete per start.
 */
const FORGET_EVERY_STARTS = 32;

/**
 * Admits up to `wanted` starts in a window, creating it on first use. Undefined for a connection's
 * window when the connection does not exist (deleted meanwhile): the window would have gone with it.
 */
export async function admitToStoredWindow(db: Store, request: WindowRequest): Promise<SlidingWindowAdmission | undefined> {
  const sqlite = sqliteHandleOf(db);
  if (sqlite) {
    const admit = sqliteAdmitter(sqlite);
    return db.connection().execute(async () => admit(request));
  }
  return admitOnPostgres(db, request);
}

function passesForgetMark(fromSeq: number, toSeq: number): boolean {
  return Math.floor(toSeq / FORGET_EVERY_STARTS) > Math.floor(fromSeq / FORGET_EVERY_STARTS);
}

/** The earlier starts that decide on starts nextSeq … nextSeq + wanted − 1 (src/sliding-window.ts); none before the limit's first. */
function earlierStarts(nextSeq: number, wanted: number, limit: number): { fromSeq: number; toSeq: number } | undefined {
  const toSeq = nextSeq + Math.min(wanted, limit) - 1 - limit;
  return toSeq < 0 ? undefined : { fromSeq: Math.max(0, nextSeq - limit), toSeq };
}

type Admitter = (request: WindowRequest) => SlidingWindowAdmission | undefined;

const admitters = new WeakMap<BetterSqlite3.Database, Admitter>();

function sqliteAdmitter(sqlite: BetterSqlite3.Database): Admitter {
  let admitter = admitters.get(sqlite);
  if (admitter) return admitter;
  const readWindow = sqlite.prepare<[string], { next_seq: number }>('select next_seq from limit_windows where id = ?');
  const createForConnection = sqlite.prepare<[string, string]>('insert into limit_windows (id, connection_id, next_seq) select ?, id, 0 from connections where id = ?');
  const createForKey = sqlite.prepare<[string]>('insert into limit_windows (id, connection_id, next_seq) values (?, null, 0)');
  const readStarts = sqlite.prepare<[string, number, number], { seq: number; started_at_ms: number }>(
    'select seq, started_at_ms from limit_window_starts where window_id = ? and seq between ? and ?',
  );
  const recordStart = sqlite.prepare<[string, number, number]>('insert into limit_window_starts (window_id, seq, started_at_ms) values (?, ?, ?)');
  const advance = sqlite.prepare<[number, string]>('update limit_windows set next_seq = ? where id = ?');
  const forget = sqlite.prepare<[string, number]>('delete from limit_window_starts where window_id = ? and started_at_ms <= ?');
  const transaction = sqlite.transaction((request: WindowRequest): SlidingWindowAdmission | undefined => {
    const { windowId, connectionId, wanted, limit, windowMs } = request;
    const window = readWindow.get(windowId);
    if (!window) {
      const created = connectionId === undefined ? createForKey.run(windowId) : createForConnection.run(windowId, connectionId);
      if (created.changes === 0) return undefined;
    }
    const nextSeq = window?.next_seq ?? 0;
    const nowMs = request.nowMs ? request.nowMs() : Date.now();
    const earlier = new Map<number, number>();
    const range = earlierStarts(nextSeq, wanted, limit);
    if (range) for (const row of readStarts.all(windowId, range.fromSeq, range.toSeq)) earlier.set(row.seq, row.started_at_ms);
    const admission = admitToWindow(nextSeq, nowMs, wanted, limit, windowMs, (seq) => earlier.get(seq));
    if (admission.admitted > 0) {
      for (let i = 0; i < admission.admitted; i += 1) recordStart.run(windowId, nextSeq + i, nowMs);
      advance.run(nextSeq + admission.admitted, windowId);
      if (passesForgetMark(nextSeq, nextSeq + admission.admitted)) forget.run(windowId, nowMs - windowMs);
    }
    return admission;
  });
  admitter = (request) => transaction.immediate(request);
  admitters.set(sqlite, admitter);
  return admitter;
}

/** One autocommitted statement: the function of migration 011 runs the whole transaction in the server. */
async function admitOnPostgres(db: Store, request: WindowRequest): Promise<SlidingWindowAdmission | undefined> {
  const { windowId, connectionId, wanted, limit, windowMs } = request;
  const atMs = request.nowMs ? request.nowMs() : null;
  const result = await sql<{ admitted: number; wait_ms: number }>`select admitted, wait_ms from admit_to_limit_window(
    ${windowId}::text, ${connectionId ?? null}::text, ${wanted}::integer, ${limit}::bigint,
    ${windowMs}::double precision, ${FORGET_EVERY_STARTS}::integer, ${atMs}::double precision)`.execute(db);
  const row = result.rows[0];
  return row ? { admitted: row.admitted, waitMs: row.wait_ms } : undefined;
}
