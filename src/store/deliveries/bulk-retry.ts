// Bulk retry (POST /api/deliveries/retry): the job's row and its chunks. A chunk takes the next
// `size` deliveries of the fixed set — subscription by subscription (by id), each in its index
// order (created_at, object_created, id) — replays them as one replay would (replayedColumns) and
// moves the job's cursor and count on, all in one transaction: a chunk is either wholly done and
// counted or not at all, and the next one starts where the last committed one ended.
import type { Store } from '../database.js';
import type { BulkRetryRow, DeliveryStatus } from '../schema.js';
import { forgetDeliveryCounts } from './counts.js';
import { replayedColumns } from './replay.js';

/** What a job retries: the subscriptions and the createdAt range, fixed when it was accepted. */
export interface BulkRetrySet {
  subscriptionIds: string[];
  status?: DeliveryStatus | undefined;
  from?: string | undefined;
  /** Exclusive; at most the acceptance time, so deliveries made later are not part of it. */
  to: string;
}

/** Where the next chunk starts: a subscription of the set and, within it, the last delivery done. */
export interface BulkRetryCursor {
  subscriptionId: string;
  after: { created_at: string; object_created: string; id: string } | null;
}

export async function insertBulkRetry(db: Store, row: BulkRetryRow): Promise<void> {
  await db.insertInto('bulk_retries').values(row).execute();
}

export async function findBulkRetryOfUser(db: Store, userId: string, id: string): Promise<BulkRetryRow | undefined> {
  return db.selectFrom('bulk_retries').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** Replays the next chunk of the job; returns how many it replayed, 0 once the set is done (then marked done). */
export async function retryNextChunk(db: Store, jobId: string, size: number, nowMs: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const job = await tx.selectFrom('bulk_retries').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    if (job.status !== 'running') return 0;
    const set = JSON.parse(job.filter) as BulkRetrySet;
    let cursor: BulkRetryCursor | null = job.cursor === null ? null : (JSON.parse(job.cursor) as BulkRetryCursor);
    let index = cursor === null ? 0 : set.subscriptionIds.indexOf(cursor.subscriptionId);
    const ids: string[] = [];
    const touched: string[] = [];
    while (index >= 0 && index < set.subscriptionIds.length && ids.length < size) {
      const subscriptionId = set.subscriptionIds[index]!;
      const after = cursor?.subscriptionId === subscriptionId ? cursor.after : null;
      let query = tx.selectFrom('deliveries').select(['id', 'created_at', 'object_created']).where('subscription_id', '=', subscriptionId).where('created_at', '<', set.to);
      if (set.status !== undefined) query = query.where('status', '=', set.status);
      if (set.from !== undefined) query = query.where('created_at', '>=', set.from);
      if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'object_created', 'id'), '>', eb.tuple(after.created_at, after.object_created, after.id)));
      const rows = await query.orderBy('created_at').orderBy('object_created').orderBy('id').limit(size - ids.length).execute();
      if (rows.length > 0) {
        ids.push(...rows.map((row) => row.id));
        touched.push(subscriptionId);
        const last = rows.at(-1)!;
        cursor = { subscriptionId, after: { created_at: last.created_at, object_created: last.object_created, id: last.id } };
      }
      if (ids.length < size) {
        index += 1;
        cursor = index < set.subscriptionIds.length ? { subscriptionId: set.subscriptionIds[index]!, after: null } : cursor;
      }
    }
    const nowIso = new Date(nowMs).toISOString();
    // In slices far below SQLite's bound parameters per statement.
    for (let i = 0; i < ids.length; i += 500) {
      await tx
        .updateTable('deliveries')
        .set((eb) => replayedColumns(eb, nowMs))
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    }
    await forgetDeliveryCounts(tx, touched);
    const done = ids.length < size;
    await tx
      .updateTable('bulk_retries')
      .set((eb) => ({
        cursor: JSON.stringify(cursor),
        retried: eb('retried', '+', ids.length),
        updated_at: nowIso,
        ...(done ? { status: 'done' as const, finished_at: nowIso } : {}),
      }))
      .where('id', '=', jobId)
      .execute();
    return ids.length;
  });
}
