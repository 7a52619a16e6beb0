// Operations on the runs table (action run history).
import type { Store } from './database.js';
import type { NewRunRow, RunRow } from './schema.js';

export interface RunFilter {
  userId: string;
  connectionId?: string | undefined;
  operation?: string | undefined;
  status?: string | undefined;
  /** Newest first; default 100, at most 1000. */
  limit?: number | undefined;
}

export async function insertRun(db: Store, row: NewRunRow): Promise<void> {
  await db.insertInto('runs').values(row).execute();
}

/** Several runs in one statement, so one commit (src/actions/run-recorder.ts says why). */
export async function insertRuns(db: Store, rows: NewRunRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('runs').values(rows).execute();
}

export async function listRuns(db: Store, filter: RunFilter): Promise<RunRow[]> {
  let query = db.selectFrom('runs').selectAll().where('user_id', '=', filter.userId);
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status as RunRow['status']);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(filter.limit ?? 100, 1000))
    .execute();
}
