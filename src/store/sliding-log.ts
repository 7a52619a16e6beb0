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
// PostgreSQL: INSERT … ON CONFLICT DO UPDATE … RETURNING takes the window row's lock (waiting for
// a holder to commit) and then reads the clock; the reads and writes that follow are in the same
// transaction.
//
// One clock for every process: on PostgreSQL the database's (clock_timestamp(), read once the lock
// is held), so machines whose clocks differ by seconds still agree; on SQLite, which is one
// machine, the local wall clock, read once the lock is held. A clock passed in (tests) wins.
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
 * Starts that left the window are deleted whenever the numbering passes a multiple of this: one
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

async function admitOnPostgres(db: Store, request: WindowRequest): Promise<SlidingWindowAdmission | undefined> {
  const { windowId, connectionId, wanted, limit, windowMs } = request;
  const source =
    connectionId === undefined
      ? sql`values (${windowId}, null, 0)`
      : sql`select ${windowId}, id, 0 from connections where id = ${connectionId}`;
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
