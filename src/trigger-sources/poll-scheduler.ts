// Runs the poll of every (connection, trigger) that has an active poll-mode subscription when it
// is due: at once for a new one, then every poll interval (the shortest of its subscriptions;
// default 120 s as the original connector, down to 1 s). A poll that fails — Stripe down, 429 after
// the client's own retries, Orders retired — is tried again after a growing pause instead of every
// tick, so a broken connection cannot turn into a stream of calls to Stripe.
//
// Several processes may share the store: each poll runs under the lease `poll:<connectionId>:
// <trigger>` (src/background/leases.ts), so one process at a time polls a (connection, trigger) —
// the others skip it while the lease is held — and every commit of the poll checks the lease's
// fencing token in its transaction.
import type Stripe from 'stripe';
import type { TriggerDefinition } from '../connector/define.js';
import { findTrigger } from '../connector/triggers/index.js';
import { exponentialDelayMs } from '../backoff.js';
import type { Logger } from '../log.js';
import { BackgroundLoop } from '../background/loop.js';
import { Leases, type HeldLease } from '../background/leases.js';
import type { Store } from '../store/database.js';
import { isPollDue, listDuePollTargets, type PollTarget } from '../store/poll-cursors.js';
import { pollStep, type PollStepResult } from './poll-step.js';
import { NO_METRICS, type MetricsRecorder } from '../metrics/recorder.js';

/** First pause after a failed poll; doubles per consecutive failure up to FAILED_POLL_MAX_PAUSE_MS. */
const FAILED_POLL_FIRST_PAUSE_MS = 5_000;
/** 10 min: a connection that keeps failing is still tried six times an hour. */
const FAILED_POLL_MAX_PAUSE_MS = 10 * 60 * 1000;

export interface PollSchedulerOptions {
  db: Store;
  /** The Stripe client of a connection (ConnectionService.stripeFor); undefined when it is gone. */
  stripeFor(connectionId: string): Promise<Stripe | undefined>;
  /** Default: the registered triggers. */
  findTrigger?: (name: string) => TriggerDefinition | undefined;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
  /** How often start() looks for due polls. Default 1_000 ms: the shortest poll interval is 1 s. */
  tickMs?: number;
  /** Polls run at once. Default 4: each may page through a backlog at Stripe's per-key rate. */
  concurrency?: number;
  /** This process's leases (one holder id per process). Default: leases of a holder of its own. */
  leases?: Leases;
  logger?: Logger;
  /** Counts polls by trigger and outcome, and each new object's poll lag. Default none. */
  metrics?: MetricsRecorder;
}

/** The lease one poll of a (connection, trigger) runs under, whichever process runs it. */
export function pollLeaseName(poll: PollTarget): string {
  return `poll:${poll.connectionId}:${poll.trigger}`;
}

type DuePoll = PollTarget;

export class PollScheduler {
  private readonly failures = new Map<string, { count: number; retryAtMs: number }>();
  private readonly listeners: ((part: PollStepResult) => void)[] = [];
  /** A round runs every due poll, then waits tickMs (or a wake()). */
  private readonly loop: BackgroundLoop;
  private readonly leases: Leases;

  constructor(private readonly options: PollSchedulerOptions) {
    this.leases = options.leases ?? new Leases({ db: options.db, logger: options.logger });
    this.loop = new BackgroundLoop({
      round: async () => {
        await this.runDue();
        return 'idle';
      },
      idleDelayMs: options.tickMs ?? 1_000,
      failureMessage: 'poll round failed',
      logger: options.logger,
    });
  }

  /** Called after each committed part of a poll (a backlog slice, the open window) that enqueued
   *  deliveries, e.g. to wake the delivery worker while the rest of a backlog is listed. */
  onEnqueued(listener: (part: PollStepResult) => void): void {
    this.listeners.push(listener);
  }

  /** The (connection, trigger) pairs whose poll is due now. */
  async duePolls(nowMs: number): Promise<DuePoll[]> {
    const now = new Date(nowMs).toISOString();
    const rows = await listDuePollTargets(this.options.db, now);
    return rows.filter((row) => (this.failures.get(key(row))?.retryAtMs ?? 0) <= nowMs);
  }

  /** Runs every due poll once. Returns how many polls ran (failed ones included). */
  async runDue(): Promise<number> {
    const now = this.options.nowMs ?? Date.now;
    const due = await this.duePolls(now());
    const queue = [...due];
    const lanes = Array.from({ length: Math.min(this.options.concurrency ?? 4, queue.length) }, async () => {
      for (let poll = queue.shift(); poll !== undefined; poll = queue.shift()) await this.runOne(poll, now);
    });
    await Promise.all(lanes);
    return due.length;
  }

  private async runOne(poll: DuePoll, now: () => number): Promise<void> {
    const trigger = (this.options.findTrigger ?? findTrigger)(poll.trigger);
    const metrics = this.options.metrics ?? NO_METRICS;
    // The trigger name is from the store; only a defined trigger's name becomes a label.
    const label = trigger?.name ?? 'unknown';
    let lease: HeldLease | undefined;
    try {
      if (!trigger) throw new Error(`unknown trigger ${poll.trigger}`);
      // Another process polls it now; its commit moves the cursor on, or its lease runs out.
      lease = await this.leases.tryTake(pollLeaseName(poll));
      if (!lease) return;
      // The list of due polls was read before: another process may have polled it since.
      if (!(await isPollDue(this.options.db, poll.connectionId, poll.trigger, new Date(now()).toISOString()))) return;
      const stripe = await this.options.stripeFor(poll.connectionId);
      if (!stripe) return;
      const held = lease;
      const result = await pollStep({
        db: this.options.db,
        stripe,
        trigger,
        connectionId: poll.connectionId,
        nowMs: now(),
        onCommitted: (part) => {
          if (part.enqueued > 0) for (const listener of this.listeners) listener(part);
        },
        metrics,
        fence: (trx) => held.fence(trx),
      });
      metrics.pollRun(label, result.committed ? 'succeeded' : 'superseded');
      if (!result.committed) this.options.logger?.warn({ ...poll, commits: result.commits }, 'poll stopped: another process polls this trigger now');
      this.failures.delete(key(poll));
      if (result.outsideWindow.length > 0) {
        this.options.logger?.warn(
          { ...poll, objects: result.outsideWindow.slice(0, 20), count: result.outsideWindow.length },
          'objects appeared in the list later than the lookback window allows; not delivered',
        );
      }
    } catch (error) {
      metrics.pollRun(label, 'failed');
      const count = (this.failures.get(key(poll))?.count ?? 0) + 1;
      const pauseMs = exponentialDelayMs({ failures: count, firstDelayMs: FAILED_POLL_FIRST_PAUSE_MS, maxDelayMs: FAILED_POLL_MAX_PAUSE_MS });
      this.failures.set(key(poll), { count, retryAtMs: now() + pauseMs });
      this.options.logger?.warn(
        { ...poll, failures: count, retryInMs: pauseMs, err: error },
        'poll failed',
      );
    } finally {
      await lease?.release();
    }
  }

  /** Runs the due polls at once, then every tickMs until stop(). */
  start(): void {
    this.loop.start();
  }

  /** Resolves once the round under way has finished; no round starts after. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Looks for due polls now rather than at the next tick, e.g. right after a subscription was made
   * or resumed, so its first poll does not wait up to tickMs.
   */
  wake(): void {
    this.loop.wake();
  }
}

function key(poll: DuePoll): string {
  return `${poll.connectionId}\u0000${poll.trigger}`;
}
