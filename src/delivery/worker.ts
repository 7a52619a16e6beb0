// The delivery worker: claims due deliveries, sends each (signed, to the checked address), records
// the outcome. Any number of workers, in one process or on several nodes sharing PostgreSQL, can
// run side by side: the claim's lease keeps them off each other's deliveries.
import type { Kysely } from 'kysely';
import type { Logger } from '../log.js';
import { claimDueDeliveries, DEFAULT_LEASE_MS } from './claim.js';
import { eventBody } from './event-body.js';
import type { DeliveryRow, OutboxDatabase, SubscriptionRow, TriggerEventRow } from './outbox-tables.js';
import { recordAttempts, type AttemptOutcome } from './record-attempt.js';
import { sendDelivery, type SendOptions } from './send.js';
import { signDelivery } from './signing.js';
import type { BackoffPolicy } from './backoff.js';

export interface DeliveryWorkerOptions {
  db: Kysely<OutboxDatabase>;
  /** The subscription's whsec_ secret, unsealed (the store keeps it sealed with the master key). */
  openSecret(subscription: SubscriptionRow): string;
  /** allowPrivate (CALLBACK_ALLOW_PRIVATE, default false), timeoutMs (default 10_000), resolve. */
  send?: SendOptions;
  /** Deliveries claimed per round. Default 100. */
  batchSize?: number;
  /** Sends in flight at once. Default 32: keeps one slow subscriber from holding up the rest. */
  concurrency?: number;
  /** Wait between rounds when nothing was due. Default 250 ms. */
  idleIntervalMs?: number;
  /** Default DEFAULT_LEASE_MS (60 s). */
  leaseMs?: number;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
  /** Default Math.random (backoff jitter). */
  random?: () => number;
  backoff?: BackoffPolicy;
  logger?: Logger;
}

export class DeliveryWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private wakeIdle: (() => void) | undefined;

  constructor(private readonly options: DeliveryWorkerOptions) {}

  /** One round: claim what is due, send it, record it. Returns how many deliveries were attempted. */
  async runOnce(): Promise<number> {
    const { db } = this.options;
    const now = this.options.nowMs ?? Date.now;
    const claimed = await claimDueDeliveries(db, {
      nowMs: now(),
      limit: this.options.batchSize ?? 100,
      leaseMs: this.options.leaseMs ?? DEFAULT_LEASE_MS,
    });
    if (claimed.length === 0) return 0;

    // Two reads per round, not two per delivery.
    const subscriptions = new Map(
      (
        await db
          .selectFrom('subscriptions')
          .selectAll()
          .where('id', 'in', [...new Set(claimed.map((d) => d.subscription_id))])
          .execute()
      ).map((row) => [row.id, row]),
    );
    const events = new Map(
      (
        await db
          .selectFrom('trigger_events')
          .selectAll()
          .where('id', 'in', [...new Set(claimed.map((d) => d.event_id))])
          .execute()
      ).map((row) => [row.id, row]),
    );

    // Group commit: outcomes are recorded as sends finish, each transaction taking every outcome
    // that arrived while the previous one committed — one commit per group, not per delivery, and
    // a slow subscriber does not hold back the recording of the others.
    const pending: AttemptOutcome[] = [];
    let recording: Promise<void> | undefined;
    const recordPending = async () => {
      while (pending.length > 0) {
        const group = pending.splice(0);
        const statuses = await recordAttempts(db, group, {
          ...(this.options.random ? { random: this.options.random } : {}),
          ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
        });
        group.forEach((outcome, i) => {
          if (statuses[i] !== 'delivered') {
            this.options.logger?.warn(
              {
                delivery: outcome.claimed.id,
                subscription: outcome.claimed.subscription_id,
                attempt: outcome.claimed.attempts + 1,
                status: statuses[i],
                error: outcome.result.error,
              },
              'delivery attempt failed',
            );
          }
        });
      }
    };
    let recordError: unknown;
    const record = (outcome: AttemptOutcome) => {
      pending.push(outcome);
      recording ??= recordPending()
        .catch((error: unknown) => {
          // Unrecorded outcomes keep their claims, which run out: those deliveries are sent again.
          pending.length = 0;
          recordError ??= error;
        })
        .finally(() => {
          recording = undefined;
        });
    };

    const queue = [...claimed];
    const concurrency = Math.max(1, this.options.concurrency ?? 32);
    const lanes = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let delivery = queue.shift(); delivery !== undefined; delivery = queue.shift()) {
        try {
          const outcome = await this.send(delivery, subscriptions.get(delivery.subscription_id), events.get(delivery.event_id));
          if (outcome) record(outcome);
        } catch (error) {
          // E.g. the secret cannot be opened: the claim runs out and the delivery is tried again.
          this.options.logger?.error({ err: error, delivery: delivery.id }, 'delivery failed before it was sent');
        }
      }
    });
    await Promise.all(lanes);
    while (recording) await recording;
    if (recordError !== undefined) throw recordError;
    return claimed.length;
  }

  private async send(
    delivery: DeliveryRow,
    subscription: SubscriptionRow | undefined,
    event: TriggerEventRow | undefined,
  ): Promise<AttemptOutcome | undefined> {
    const now = this.options.nowMs ?? Date.now;
    // Both are deleted together with the delivery (foreign keys cascade); nothing to send.
    if (!subscription || !event) return undefined;
    const body = eventBody(delivery, event, subscription);
    const startedAtMs = now();
    const headers = signDelivery({
      secret: this.options.openSecret(subscription),
      webhookId: delivery.id,
      timestamp: new Date(startedAtMs),
      body,
    });
    const result = await sendDelivery(subscription.url, body, headers, this.options.send ?? {});
    return { claimed: delivery, result, startedAtMs, endedAtMs: now() };
  }

  /** Runs rounds until stop(): back to back while there is work, idleIntervalMs apart when there is none. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let attempted = 0;
        try {
          attempted = await this.runOnce();
        } catch (error) {
          this.options.logger?.error({ err: error }, 'delivery round failed');
        }
        if (attempted === 0 && this.running) await this.idle();
      }
    })();
  }

  /** Ends the current wait at once, e.g. right after new events were enqueued in this process. */
  wake(): void {
    this.wakeIdle?.();
  }

  /** Lets the round in progress finish (its sends are bounded by the send timeout), then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeIdle = () => {
        clearTimeout(this.idleTimer);
        this.wakeIdle = undefined;
        resolve();
      };
      this.idleTimer = setTimeout(() => this.wakeIdle?.(), this.options.idleIntervalMs ?? 250);
    });
  }
}
