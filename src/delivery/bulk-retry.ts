// Bulk retry (POST /api/deliveries/retry, GET /api/deliveries/retry/{id}): every delivery of the
// caller matching a filter (src/delivery/delivery-filter.ts) is replayed as POST
// /api/deliveries/{id}/retry would: due at once, attempt numbers running on. The set is fixed when
// the request is accepted — its subscriptions and a createdAt bound at that moment — and replayed
// in the server in chunks of DEFAULT_CHUNK_SIZE, each committed on its own with the job's progress
// (src/store/deliveries/bulk-retry.ts), so any process can answer for the job, and a job whose
// process died is seen as such: no progress for INTERRUPTED_AFTER_MS.
import { Type, type Static } from '@sinclair/typebox';
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Logger } from '../log.js';
import { nullable } from '../nullable.js';
import type { Store } from '../store/database.js';
import { findBulkRetryOfUser, insertBulkRetry, retryNextChunk, type BulkRetrySet } from '../store/deliveries/bulk-retry.js';
import { countDeliveriesOfSubscriptions } from '../store/deliveries/of-user.js';
import type { BulkRetryRow } from '../store/schema.js';
import { resolveDeliveryFilter, type DeliveryFilterInput } from './delivery-filter.js';

/** Deliveries per transaction: one chunk of 500 replays commits in a few ms on SQLite, so workers and readers are never held long. */
export const DEFAULT_CHUNK_SIZE = 500;
/** A running job without progress for this long is reported interrupted: a chunk takes milliseconds, so its process is gone. */
export const INTERRUPTED_AFTER_MS = 60_000;

export const BulkRetrySchema = Type.Object({
  id: Type.String({ examples: ['bulkretry_…'] }),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('interrupted')], {
    description: 'interrupted: the process running it stopped (no progress for 60 s); what was retried stays retried',
  }),
  total: Type.Integer({ minimum: 0, description: 'deliveries matching when it was accepted' }),
  retried: Type.Integer({ minimum: 0 }),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: nullable(Type.String({ format: 'date-time' })),
});

export type BulkRetryView = Static<typeof BulkRetrySchema>;

export interface BulkRetryOptions {
  db: Store;
  logger: Logger;
  /** Default Date.now. */
  nowMs?: (() => number) | undefined;
  /** Default DEFAULT_CHUNK_SIZE. */
  chunkSize?: number | undefined;
}

export class BulkRetries {
  private readonly chunkRetried: (() => void | Promise<void>)[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: BulkRetryOptions) {}

  /** Called after each chunk is committed, e.g. to wake the delivery worker. */
  onChunkRetried(listener: () => void | Promise<void>): void {
    this.chunkRetried.push(listener);
  }

  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  private async fixedSet(userId: string, filter: DeliveryFilterInput, nowMs: number): Promise<BulkRetrySet> {
    const resolved = await resolveDeliveryFilter(this.options.db, userId, filter, 'body');
    // Deliveries made after this moment are not part of it.
    const acceptedBefore = new Date(nowMs + 1).toISOString();
    const to = resolved.range.to !== undefined && resolved.range.to < acceptedBefore ? resolved.range.to : acceptedBefore;
    return { subscriptionIds: resolved.subscriptions.map((s) => s.id), status: resolved.range.status, from: resolved.range.from, to };
  }

  private count(set: BulkRetrySet): Promise<number> {
    return countDeliveriesOfSubscriptions(this.options.db, set.subscriptionIds, set);
  }

  /** How many deliveries match now; nothing changes. */
  async preview(userId: string, filter: DeliveryFilterInput): Promise<{ count: number }> {
    return { count: await this.count(await this.fixedSet(userId, filter, this.now())) };
  }

  /** Accepts the job and starts it in this process; answers at once. */
  async start(userId: string, filter: DeliveryFilterInput): Promise<BulkRetryView> {
    const nowMs = this.now();
    const set = await this.fixedSet(userId, filter, nowMs);
    const createdAt = new Date(nowMs).toISOString();
    const row: BulkRetryRow = {
      id: newId('bulkretry'),
      user_id: userId,
      filter: JSON.stringify(set),
      cutoff: set.to,
      cursor: null,
      status: 'running',
      total: await this.count(set),
      retried: 0,
      created_at: createdAt,
      updated_at: createdAt,
      finished_at: null,
    };
    await insertBulkRetry(this.options.db, row);
    const run = this.run(row.id).finally(() => this.running.delete(run));
    this.running.add(run);
    return this.toView(row, nowMs);
  }

  async get(userId: string, id: string): Promise<BulkRetryView> {
    const row = await findBulkRetryOfUser(this.options.db, userId, id);
    if (!row) throw notFound('bulk retry', id);
    return this.toView(row, this.now());
  }

  /** Waits for the jobs this process runs (a stopping server; tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async run(id: string): Promise<void> {
    const size = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    try {
      for (;;) {
        // Yield between chunks, so requests and the worker's rounds interleave with a long job.
        await new Promise((resolve) => setImmediate(resolve));
        const retried = await retryNextChunk(this.options.db, id, size, this.now());
        for (const listener of this.chunkRetried) await listener();
        if (retried < size) return;
      }
    } catch (error) {
      // The job stays "running" without progress, and is reported interrupted after 60 s.
      this.options.logger.error({ err: error, bulkRetryId: id }, 'bulk retry stopped');
    }
  }

  private toView(row: BulkRetryRow, nowMs: number): BulkRetryView {
    const stalled = row.status === 'running' && nowMs - Date.parse(row.updated_at) > INTERRUPTED_AFTER_MS;
    return {
      id: row.id,
      status: stalled ? 'interrupted' : row.status,
      total: row.total,
      retried: row.retried,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }
}
