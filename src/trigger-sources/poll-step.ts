// One poll of one trigger on one connection, shared by every poll-mode subscription to it: list
// what is new (poll-once.ts: a backlog in `created` slices, oldest first, then the open window),
// and for each of those parts, in ONE transaction, save the advanced cursor and enqueue a trigger
// event per new object for each subscription that wants it. The delivery worker can start on the
// first slice while the next is listed. A crash before a commit leaves the cursor at the last
// committed part, so the next poll lists the rest again; a crash after it leaves the events in
// the outbox. Either way nothing is lost, and the outbox's (subscription, object) key keeps a
// repeat from doubling anything.
import type Stripe from 'stripe';
import type { StripeObjectRef, TriggerDefinition } from '../connector/define.js';
import { enqueueTriggerEvents } from '../delivery/enqueue.js';
import type { Store } from '../store/database.js';
import { findPollCursor, insertPollCursor, updatePollCursor } from '../store/poll-cursors.js';
import { listPollSubscriptions } from '../store/trigger-subscriptions.js';
import { pollOnce } from './poll-once.js';
import { startPollCursor, type PollCursorAdvance, type PollCursorState } from './poll-cursor.js';
import { sinceSeconds, subscriptionsWanting } from './subscriptions-wanting.js';
import type { MetricsRecorder } from '../metrics/recorder.js';

export interface PollStepInput {
  db: Store;
  stripe: Stripe;
  trigger: TriggerDefinition;
  connectionId: string;
  /** Clock, ms since the epoch. */
  nowMs: number;
  /** Default: the cursor's DEFAULT_LOOKBACK_SECONDS (90 s). Only used when a cursor is created. */
  lookbackSeconds?: number;
  /** Called after each committed part of the poll (a backlog slice, the open window) with that
   *  part's figures, e.g. to wake the delivery worker. Default: none. */
  onCommitted?: (part: PollStepResult) => void;
  /** Told of each new object's poll lag (nowMs − its `created`) once its part is committed. Default none. */
  metrics?: MetricsRecorder;
  /**
   * Called first in each part's transaction: false when this poll may no longer commit (its lease
   * was granted to another process), and the poll stops there. Default: none (always commits).
   */
  fence?: (trx: Store) => Promise<boolean>;
}

export interface PollStepResult {
  /** Subscriptions served by this poll. */
  subscriptions: number;
  /** New objects found. */
  fresh: number;
  /** Deliveries created (fresh objects × subscriptions that want them). */
  enqueued: number;
  /** False when another poller saved this cursor meanwhile, or the poll's lease was lost: the
   *  parts from then on were not kept. */
  committed: boolean;
  /** Parts committed: backlog slices and the open window (1 for an ordinary poll). */
  commits: number;
  /** Objects that appeared later than the lookback allows (logged by the caller). */
  outsideWindow: string[];
}

/** This poll may not commit: another poller moved the cursor, or took the lease over. */
class Superseded extends Error {}

export async function pollStep(input: PollStepInput): Promise<PollStepResult> {
  const { db, trigger, connectionId, nowMs } = input;
  const subscriptions = await listPollSubscriptions(db, connectionId, trigger.name);
  const idle: PollStepResult = { subscriptions: 0, fresh: 0, enqueued: 0, committed: true, commits: 0, outsideWindow: [] };
  // Paused subscriptions still get their events (held by the workers until resumed), but do not
  // keep a poll running on their own: when one resumes, its cursor catches up from where it stood.
  if (!subscriptions.some((s) => s.status === 'active')) return idle;

  const wantedSince = Math.min(...subscriptions.map(sinceSeconds));
  const intervalSeconds = Math.min(...subscriptions.map((s) => s.poll_interval_seconds));
  const row = await findPollCursor(db, connectionId, trigger.name);
  // A subscription that wants objects from before the cursor's start (a `since` backfill) starts
  // the cursor over from there: already delivered objects are held back by the outbox key.
  const state: PollCursorState =
    row !== undefined && (JSON.parse(row.state) as PollCursorState).since <= wantedSince
      ? (JSON.parse(row.state) as PollCursorState)
      : startPollCursor(wantedSince, input.lookbackSeconds === undefined ? {} : { lookbackSeconds: input.lookbackSeconds });

  const now = new Date(nowMs).toISOString();
  const nextPollAt = new Date(nowMs + intervalSeconds * 1000).toISOString();
  let version = row?.version;

  /** One part in one transaction: the cursor (if nobody else moved it) and its events. */
  const commit = (advance: PollCursorAdvance<StripeObjectRef>) =>
    db.transaction().execute(async (tx) => {
      if (input.fence && !(await input.fence(tx))) throw new Superseded();
      if (version === undefined) {
        const inserted = await insertPollCursor(tx, {
          connection_id: connectionId,
          trigger: trigger.name,
          state: JSON.stringify(advance.next),
          version: 1,
          next_poll_at: nextPollAt,
          updated_at: now,
        });
        if (!inserted) throw new Superseded();
      } else {
        const saved = await updatePollCursor(tx, version, {
          connection_id: connectionId,
          trigger: trigger.name,
          state: JSON.stringify(advance.next),
          next_poll_at: nextPollAt,
          updated_at: now,
        });
        if (!saved) throw new Superseded();
      }

      const objects = advance.fresh.flatMap((object) => {
        const objectCreated = trigger.createdOf(object);
        const wanting = subscriptionsWanting(subscriptions, objectCreated);
        if (wanting.length === 0) return [];
        return [{ stripeObjectId: object.id, objectCreated, data: trigger.map(object), subscriptionIds: wanting.map((s) => s.id) }];
      });
      const result = await enqueueTriggerEvents(tx, { connectionId, trigger: trigger.name, objects }, nowMs);
      return result.deliveriesCreated;
    });

  const total: PollStepResult = { subscriptions: subscriptions.length, fresh: 0, enqueued: 0, committed: true, commits: 0, outsideWindow: [] };
  const parts = pollOnce(input.stripe, trigger, state);
  // The poll goes on listing while this part commits (better-sqlite3 holds the thread while it
  // writes, but the list requests already sent are answered meanwhile). The pending part's
  // rejection is handled where it is awaited; the no-op catch keeps it from counting as
  // unhandled until then.
  let listing = parts.next();
  try {
    for (let part = await listing; !part.done; part = await listing) {
      listing = parts.next();
      listing.catch(() => {});
      const enqueued = await commit(part.value);
      version = (version ?? 0) + 1;
      if (input.metrics) for (const object of part.value.fresh) input.metrics.pollNoticed(trigger.name, nowMs / 1000 - trigger.createdOf(object));
      const outsideWindow = part.value.outsideWindow.map((o) => o.id);
      total.fresh += part.value.fresh.length;
      total.enqueued += enqueued;
      total.commits += 1;
      total.outsideWindow.push(...outsideWindow);
      input.onCommitted?.({ ...total, fresh: part.value.fresh.length, enqueued, commits: 1, outsideWindow });
    }
    return total;
  } catch (error) {
    // Stop the listing: its pending part is dropped, the cursor stays at the last commit.
    void parts.return(undefined).catch(() => {});
    if (error instanceof Superseded) return { ...total, committed: false };
    throw error;
  }
}
