// GET /api/runs: action runs (the `runs` table) and delivery attempts (`delivery_attempts`) of the
// caller, merged newest first, with the same filters on both. Two plain kysely queries
// (src/store/runs.ts, src/store/delivery-attempts.ts), each newest first and cut at `limit`, then a merge: the newest `limit` of the union are among those,
// and no dialect-specific SQL (a UNION across the two tables would need their column types
// matched by hand on PostgreSQL). The action-run insert path is not touched.
import { pageSize } from '../page-size.js';
import { findTrigger } from '../connector/triggers/index.js';
import { isDeliveredStatus } from '../delivery/send.js';
import type { Store } from '../store/database.js';
import { findDeliveryAttemptOfUser, listDeliveryAttemptsOfUser } from '../store/delivery-attempts.js';
import { findRunOfUser, findWholeRunOfUser, listRuns as listActionRuns } from '../store/runs.js';
import { toActionRunView, type ActionRunView, type DeliveryRunView } from './run-view.js';

export interface RunHistoryFilter {
  userId: string;
  connectionId?: string | undefined;
  /** An action or a trigger name. */
  operation?: string | undefined;
  status?: 'succeeded' | 'failed' | undefined;
  /** Runs started at or after this (ISO 8601 as stored). */
  from?: string | undefined;
  /** Runs started before this. */
  to?: string | undefined;
  /** Default 100, at most 1000 (src/page-size.ts). */
  limit?: number | undefined;
  /** A run of this user (from findRunCursor): the page starts after it. Default: the newest. */
  startingAfter?: RunCursor | undefined;
}

/** Where a run sits in the newest-first order: its start time, then its id. */
export interface RunCursor {
  id: string;
  createdAt: string;
}

export interface RunPage {
  runs: AnyRunView[];
  /** More (older) runs follow the last one. */
  hasMore: boolean;
}

export type AnyRunView = ActionRunView | DeliveryRunView;

export async function listDeliveryRuns(db: Store, filter: RunHistoryFilter & { limit: number; id?: string | undefined; idAfter?: string | undefined }): Promise<DeliveryRunView[]> {
  const rows = await listDeliveryAttemptsOfUser(db, {
    userId: filter.userId,
    connectionId: filter.connectionId,
    trigger: filter.operation,
    status: filter.status,
    from: filter.from,
    to: filter.to,
    id: filter.id,
    idAfter: filter.idAfter,
    limit: filter.limit,
    startingAfter: filter.startingAfter,
  });
  return rows.map((row) => ({
    id: row.id,
    kind: 'delivery',
    connection: row.connection_id,
    operation: row.trigger,
    status: isDeliveredStatus(row.status_code) ? 'succeeded' : 'failed',
    durationMs: row.duration_ms,
    subscription: row.subscription_id,
    delivery: row.delivery_id,
    attempt: row.attempt,
    statusCode: row.status_code,
    error: row.error,
    createdAt: row.started_at,
  }));
}

function newestFirst(a: AnyRunView, b: AnyRunView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The cursor of one of this user's runs (an action run or a delivery attempt), or undefined when
 * it is none of theirs — another user's id tells nothing about it.
 */
export async function findRunCursor(db: Store, userId: string, runId: string): Promise<RunCursor | undefined> {
  const action = await findRunOfUser(db, userId, runId);
  if (action) return { id: action.id, createdAt: action.created_at };
  const attempt = await findDeliveryAttemptOfUser(db, userId, runId);
  return attempt ? { id: attempt.id, createdAt: attempt.started_at } : undefined;
}

export async function listRunHistory(db: Store, filter: RunHistoryFilter): Promise<RunPage> {
  const limit = pageSize(filter.limit);
  // A trigger's name is never an action's: a filter on one kind's operation skips the other query.
  const triggerOperation = filter.operation === undefined ? undefined : findTrigger(filter.operation) !== undefined;
  // One more than the page from each: whether anything older follows.
  const each = { ...filter, limit: limit + 1 };
  const [actionRuns, deliveryRuns] = await Promise.all([
    triggerOperation === true ? [] : listActionRuns(db, each),
    triggerOperation === false ? [] : listDeliveryRuns(db, each),
  ]);
  const merged: AnyRunView[] = [...actionRuns.map(toActionRunView), ...deliveryRuns];
  merged.sort(newestFirst);
  return { runs: merged.slice(0, limit), hasMore: merged.length > limit };
}

/** One of the user's runs — an action call with its stored (redacted) input, output and error, or a delivery attempt — or undefined. */
export async function findRun(db: Store, userId: string, runId: string): Promise<AnyRunView | undefined> {
  const action = await findWholeRunOfUser(db, userId, runId);
  if (action) return toActionRunView(action);
  return (await listDeliveryRuns(db, { userId, id: runId, limit: 1 }))[0];
}
