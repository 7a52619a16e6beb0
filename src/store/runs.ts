// Operations on the runs table (action run history).
import type { Store } from './database.js';
import type { NewRunRow, RunRow } from './schema.js';
import { compiledOnce } from './statement-cache.js';

export interface RunFilter {
  userId: string;
  connectionId?: string | undefined;
  operation?: string | undefined;
  status?: string | undefined;
  /** created_at at or after this (ISO 8601, as stored). */
  from?: string | undefined;
  /** created_at before this. */
  to?: string | undefined;
  /** Newest first; default 100, at most 1001 (a page of 1000 and whether more follow). */
  limit?: number | undefined;
  /** Only runs older than this one in the newest-first order (created_at, then id). */
  startingAfter?: { id: string; createdAt: string } | undefined;
}

export async function insertRun(db: Store, row: NewRunRow): Promise<void> {
  await db.insertInto('runs').values(row).execute();
}

const RUN_COLUMNS = [
  'id',
  'kind',
  'user_id',
  'connection_id',
  'operation',
  'status',
  'duration_ms',
  'stripe_request_id',
  'input',
  'output',
  'error',
  'created_at',
] as const satisfies readonly (keyof NewRunRow)[];

type RunValue = NewRunRow[(typeof RUN_COLUMNS)[number]];

// One compiled INSERT per number of rows (at most the recorder's group size), compiled once.
const insertsBySize = new Map<number, (db: Store, ...values: RunValue[]) => Promise<unknown>>();

function insertOf(size: number): (db: Store, ...values: RunValue[]) => Promise<unknown> {
  let insert = insertsBySize.get(size);
  if (!insert) {
    insert = compiledOnce((db: Store, ...values: RunValue[]) => {
      const rows = Array.from({ length: size }, (_, r) =>
        Object.fromEntries(RUN_COLUMNS.map((column, c) => [column, values[r * RUN_COLUMNS.length + c]])) as unknown as NewRunRow,
      );
      return db.insertInto('runs').values(rows);
    });
    insertsBySize.set(size, insert);
  }
  return insert;
}

/** Several runs in one statement, so one commit (src/action-calls/run-recorder.ts says why). */
export async function insertRuns(db: Store, rows: NewRunRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertOf(rows.length)(db, ...rows.flatMap((row) => RUN_COLUMNS.map((column) => row[column] ?? null)));
}

export async function listRuns(db: Store, filter: RunFilter): Promise<RunRow[]> {
  let query = db.selectFrom('runs').selectAll().where('user_id', '=', filter.userId);
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status as RunRow['status']);
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
  const after = filter.startingAfter;
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(filter.limit ?? 100, 1001))
    .execute();
}

/** The run when it is one of this user's; undefined for an unknown id or another user's. */
export async function findRunOfUser(db: Store, userId: string, id: string): Promise<Pick<RunRow, 'id' | 'created_at'> | undefined> {
  return db.selectFrom('runs').select(['id', 'created_at']).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** The whole run when it is one of this user's; undefined for an unknown id or another user's. */
export async function findWholeRunOfUser(db: Store, userId: string, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('runs').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}
