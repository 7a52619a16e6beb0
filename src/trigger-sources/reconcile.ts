// Hybrid mode's reconciling poll every connection with a hybrid subscription
// has /v1/events read every few minutes, filtered to the event types of its hybrid subscriptions,
// from the newest event seen onwards (`ending_before`, paged to the end), and each event is taken
// in exactly as if its webhook had arrived. An event whose webhook never came is thus delivered;
// one whose webhook did come adds nothing (ingest is idempotent by Stripe object), so each object
// is still delivered once. The cursor advances in the same transaction as the events are stored.
// Several processes may share the store: a connection is reconciled under the lease
// `reconcile:<connectionId>` (src/background/leases.ts), by one process at a time, and the commit
// checks the lease's fencing token in its transaction.
import Stripe from 'stripe';
import type { RelatedObjects } from '../connector/define.js';
import { findTrigger } from '../connector/triggers/index.js';
import type { Logger } from '../log.js';
import { BackgroundLoop } from '../background/loop.js';
import { Leases, type HeldLease } from '../background/leases.js';
import type { Store } from '../store/database.js';
import { findReconcileCursor, listDueReconcileConnections, saveReconcileCursor } from '../store/event-reconcile-cursors.js';
import type { EventReconcileCursorRow } from '../store/schema.js';
import { listHybridSubscriptions } from '../store/trigger-subscriptions.js';
import { ingestStripeEvent } from './webhook-ingest.js';

/** Every 5 minutes by default: a missed webhook is delivered within that much. */
export const DEFAULT_RECONCILE_INTERVAL_SECONDS = 300;
/** How often the reconciler looks for connections that are due. Default 1 s. */
export const DEFAULT_RECONCILE_TICK_MS = 1_000;
/** Stripe keeps events for 30 days; older ones cannot be listed, and a cursor on one is void. */
export const STRIPE_EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;
/** Stripe's largest page. */
const PAGE_LIMIT = 100;

export interface EventReconcilerOptions {
  db: Store;
  /** The connection's Stripe client; undefined when the connection is gone. */
  stripeFor(connectionId: string): Promise<Stripe | undefined>;
  /**
   * What the triggers' maps need beyond the listed events (RelatedObjectReader.forEvents: the
   * customers' coupons), read before the transaction. Default none.
   */
  relatedFor?(connectionId: string, events: readonly Stripe.Event[], stripe: Stripe): Promise<RelatedObjects | undefined>;
  /** Default DEFAULT_RECONCILE_INTERVAL_SECONDS (300). */
  intervalSeconds?: number;
  /** Default DEFAULT_RECONCILE_TICK_MS (1 s). */
  tickMs?: number;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
  /** This process's leases (one holder id per process). Default: leases of a holder of its own. */
  leases?: Leases;
  logger?: Logger;
}

/** The lease one connection's reconciliation runs under, whichever process runs it. */
export function reconcileLeaseName(connectionId: string): string {
  return `reconcile:${connectionId}`;
}

/** The reconciliation's lease was granted to another process: it commits nothing. */
class Superseded extends Error {}

export interface ReconcileResult {
  /** Events listed since the cursor. */
  events: number;
  /** Deliveries created: the objects whose webhooks had not arrived. */
  enqueued: number;
}

export class EventReconciler {
  private readonly listeners: (() => void)[] = [];
  /** A round reconciles every due connection, then waits tickMs. */
  private readonly loop: BackgroundLoop;
  private readonly leases: Leases;

  constructor(private readonly options: EventReconcilerOptions) {
    this.leases = options.leases ?? new Leases({ db: options.db, logger: options.logger });
    this.loop = new BackgroundLoop({
      round: async () => {
        await this.runDue();
        return 'idle';
      },
      idleDelayMs: options.tickMs ?? DEFAULT_RECONCILE_TICK_MS,
      failureMessage: 'reconciler round failed',
      logger: options.logger,
    });
  }

  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  private get intervalMs(): number {
    return (this.options.intervalSeconds ?? DEFAULT_RECONCILE_INTERVAL_SECONDS) * 1000;
  }

  /** Called after a reconciliation created deliveries, e.g. to wake the delivery worker. */
  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Reconciles every connection that is due and whose lease no other process holds; returns how
   * many were due. A failure is logged and retried next interval.
   */
  async runDue(): Promise<number> {
    const nowIso = new Date(this.now()).toISOString();
    const due = await listDueReconcileConnections(this.options.db, nowIso);
    for (const connectionId of due) {
      const lease = await this.leases.tryTake(reconcileLeaseName(connectionId));
      if (!lease) continue;
      try {
        // The list of due connections was read before: another process may have reconciled it since.
        const cursor = await this.cursorOf(connectionId);
        if (cursor && cursor.next_run_at > new Date(this.now()).toISOString()) continue;
        await this.reconcileUnder(connectionId, lease);
      } catch (error) {
        if (error instanceof Superseded) continue;
        this.options.logger?.warn({ err: error, connectionId }, 'reconciliation of Stripe events failed; retried next interval');
        await this.options.db.transaction().execute(async (trx) => {
          if (await lease.fence(trx)) await this.saveCursor(trx, connectionId, await findReconcileCursor(trx, connectionId), undefined);
        });
      } finally {
        await lease.release();
      }
    }
    return due.length;
  }

  /**
   * One reconciliation of one connection, now, whether due or not; under its lease, so it is
   * refused while another process reconciles the connection.
   */
  async reconcile(connectionId: string): Promise<ReconcileResult> {
    const lease = await this.leases.tryTake(reconcileLeaseName(connectionId));
    if (!lease) throw new Error(`the reconciliation of ${connectionId} runs in another process now`);
    try {
      return await this.reconcileUnder(connectionId, lease);
    } finally {
      await lease.release();
    }
  }

  private async reconcileUnder(connectionId: string, lease: HeldLease): Promise<ReconcileResult> {
    const { db } = this.options;
    const hybrid = await listHybridSubscriptions(db, connectionId);
    const types = [...new Set(hybrid.flatMap((s) => findTrigger(s.trigger)?.eventTypes ?? []))].sort();
    const stripe = await this.options.stripeFor(connectionId);
    if (types.length === 0 || !stripe) return { events: 0, enqueued: 0 };

    const nowMs = this.now();
    const oldestAvailable = Math.floor(nowMs / 1000) - STRIPE_EVENT_RETENTION_SECONDS;
    const cursor = await this.cursorOf(connectionId);
    let events: Stripe.Event[] | undefined;
    if (cursor?.newest_event_id && (cursor.newest_event_created ?? 0) >= oldestAvailable) {
      events = await this.after(stripe, cursor.newest_event_id, types);
    }
    if (events === undefined) {
      // No usable cursor: the first run, a cursor older than Stripe keeps events, or one Stripe no
      // longer knows. Start from the earliest hybrid `since`, but no earlier than Stripe keeps.
      const earliestSince = Math.min(...hybrid.map((s) => Math.floor(Date.parse(s.since) / 1000)));
      const from = Math.max(oldestAvailable, cursor?.newest_event_created ?? earliestSince);
      events = await this.since(stripe, from, types);
    }

    const newest = events.at(-1);
    const related = await this.options.relatedFor?.(connectionId, events, stripe);
    const enqueued = await db.transaction().execute(async (tx) => {
      if (!(await lease.fence(tx))) throw new Superseded();
      let created = 0;
      for (const event of events) {
        created += (await ingestStripeEvent({ db: tx, connectionId, event, related, nowMs })).enqueued;
      }
      await this.saveCursor(tx, connectionId, cursor, newest);
      return created;
    });
    if (enqueued > 0) for (const listener of this.listeners) listener();
    if (enqueued > 0) this.options.logger?.info({ connectionId, enqueued }, 'reconciliation found events whose webhooks had not arrived');
    return { events: events.length, enqueued };
  }

  /** Every event newer than the cursor, oldest first; undefined when Stripe does not know the cursor. */
  private async after(stripe: Stripe, newestSeen: string, types: string[]): Promise<Stripe.Event[] | undefined> {
    const events: Stripe.Event[] = [];
    let before = newestSeen;
    for (;;) {
      let page: Stripe.ApiList<Stripe.Event>;
      try {
        // With ending_before, Stripe answers the page just newer than the cursor, newest first.
        page = await stripe.events.list({ ending_before: before, limit: PAGE_LIMIT, types });
      } catch (error) {
        if (error instanceof Stripe.errors.StripeError && (error.code === 'resource_missing' || error.statusCode === 404)) return undefined;
        throw error;
      }
      events.push(...[...page.data].reverse());
      if (!page.has_more || page.data.length === 0) return events;
      before = page.data[0]!.id;
    }
  }

  /** Every event created at or after `fromSeconds`, oldest first. */
  private async since(stripe: Stripe, fromSeconds: number, types: string[]): Promise<Stripe.Event[]> {
    const newestFirst: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ created: { gte: fromSeconds }, limit: PAGE_LIMIT, types })) newestFirst.push(event);
    return newestFirst.reverse();
  }

  private cursorOf(connectionId: string): Promise<EventReconcileCursorRow | undefined> {
    return findReconcileCursor(this.options.db, connectionId);
  }

  private async saveCursor(
    db: Store,
    connectionId: string,
    previous: EventReconcileCursorRow | undefined,
    newest: Stripe.Event | undefined,
  ): Promise<void> {
    const nowMs = this.now();
    await saveReconcileCursor(db, {
      connection_id: connectionId,
      newest_event_id: newest?.id ?? previous?.newest_event_id ?? null,
      newest_event_created: newest?.created ?? previous?.newest_event_created ?? null,
      next_run_at: new Date(nowMs + this.intervalMs).toISOString(),
      updated_at: new Date(nowMs).toISOString(),
    });
  }

  /** Looks for due connections at once, then every tickMs until stop(); one round at a time. */
  start(): void {
    this.loop.start();
  }

  /** Resolves once the round under way has finished; no round starts after. */
  stop(): Promise<void> {
    return this.loop.stop();
  }
}
