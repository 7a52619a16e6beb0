// The delivery worker: claims due deliveries, sends each (signed, to the checked address), records
// the outcome. Any number of workers, in one process or on several nodes sharing PostgreSQL, can
// run side by side: the claim's lease keeps them off each other's deliveries.
//
// Started, it runs continuously: up to `concurrency` sends are in flight at all times, and
// deliveries created in this process arrive already claimed (handoff.ts) and go out at once,
// without a claim. Claimed batches keep the outbox's order: the next batch is claimed once every
// send of the previous one has finished, so with no failures a delivery never arrives after one
// a whole batch (`batchSize`) younger (test/trigger-sources/serve-backlog.test.ts). Outcomes are recorded by group commit: each transaction takes every outcome that
// arrived while the previous one committed.
import type { Logger } from '../log.js';
import { BackgroundLoop, type RoundResult } from '../background/loop.js';
import type { Store } from '../store/database.js';
import { claimDueDeliveries, DEFAULT_LEASE_MS, newClaimToken } from '../store/deliveries/claim.js';
import { releaseClaims } from '../store/deliveries/release.js';
import type { DeliveryStatus, SubscriptionRow } from '../store/schema.js';
import { findTriggerEventBodies } from '../store/trigger-events.js';
import { findSubscriptionsByIds } from '../store/trigger-subscriptions.js';
import { eventBody } from './event-body.js';
import type { DeliveryClaim, DeliveryHandoff, ReadyDelivery } from './handoff.js';
import { recordAttempts, type AttemptOutcome } from './record-attempt.js';
import { sendDelivery, type SendOptions, type SendResult } from './send.js';
import { deliverySigner, type DeliverySigner } from './signing.js';
import { cachedUrlCheck, DEFAULT_URL_CHECK_CACHE_MS } from './url-guard.js';
import type { BackoffPolicy } from './backoff.js';
import { NO_METRICS, type MetricsRecorder } from '../metrics/recorder.js';

/** 5 ms: far inside the 60 s lease, and long enough to gather a few hundred outcomes per commit at full speed. */
export const DEFAULT_RECORD_DELAY_MS = 5;

export const DEFAULT_SEND_CONCURRENCY = 128;

/** Deliveries claimed at once. */
export const DEFAULT_BATCH_SIZE = 100;

/** History's error for an attempt whose subscription secret could not be opened: nothing was sent. */
export const SECRET_UNOPENABLE =
  "not sent: the subscription's signing secret could not be opened (damaged, or sealed under another master key)";

export interface DeliveryWorkerOptions {
  db: Store;
  /** The subscription's whsec_ secret, unsealed (the store keeps it sealed with the master key). */
  openSecret(subscription: SubscriptionRow): string;
  /** allowPrivate (CALLBACK_ALLOW_PRIVATE, default false), timeoutMs (default 10_000), resolve. */
  send?: SendOptions;
  /** Deliveries claimed at once. Default DEFAULT_BATCH_SIZE (100). */
  batchSize?: number;
  /**
   * Sends in flight at once. Default 128: keeps one slow subscriber from holding up the rest, and
   * keeps enough sends in flight while inbound requests share the event loop (bench/triggers: 32
   * capped delivery at ~900/s while inbound took 1,500/s; 128 kept up with it).
   */
  concurrency?: number;
  /** Wait before looking again when nothing was due (also the first pause after a failed claim). Default 250 ms. */
  idleIntervalMs?: number;
  /** Default DEFAULT_LEASE_MS (60 s). */
  leaseMs?: number;
  /**
   * Most deliveries waiting in memory, claimed or handed over. Default 5,000: at the few hundred
   * sends per second one slow subscriber still allows, they go out well within the 60 s lease.
   */
  maxQueued?: number;
  /** How long a subscriber URL that passed the check is trusted. Default DEFAULT_URL_CHECK_CACHE_MS (5 s); 0 checks before every send. */
  urlCheckCacheMs?: number;
  /** How long outcomes are gathered before a transaction records them. Default DEFAULT_RECORD_DELAY_MS (5 ms). */
  recordDelayMs?: number;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
  /** Default Math.random (backoff jitter). */
  random?: () => number;
  backoff?: BackoffPolicy;
  logger?: Logger;
  /** Counts each recorded attempt by outcome, and the lag of each delivered one. Default none. */
  metrics?: MetricsRecorder;
}

export class DeliveryWorker implements DeliveryHandoff {
  private running = false;
  /** Handed over (handoff.ts), then claimed: both wait here to be sent. */
  private readonly queue: ReadyDelivery[] = [];
  private readonly claimedQueue: ReadyDelivery[] = [];
  private inFlight = 0;
  /** Sends of the current claimed batch still under way. */
  private claimedInFlight = 0;
  /** A round claims the next batch once the last one is all sent; after a claim that found nothing it waits idleIntervalMs (or a wake()). */
  private readonly claims: BackgroundLoop;
  private readonly pendingOutcomes: AttemptOutcome[] = [];
  private recording: Promise<void> | undefined;
  /** Outcomes in the transaction being committed now (pendingOutcomes holds the next ones). */
  private recordingCount = 0;
  private recordError: unknown;
  private readonly signers = new Map<string, { ciphertext: string; sign: DeliverySigner }>();
  private readonly sendOptions: SendOptions;
  /** Waiting for sends, claims or recording to move on (settle()). */
  private readonly settling: (() => void)[] = [];

  constructor(private readonly options: DeliveryWorkerOptions) {
    const send = options.send ?? {};
    const cacheMs = options.urlCheckCacheMs ?? DEFAULT_URL_CHECK_CACHE_MS;
    this.sendOptions = cacheMs > 0 && send.check === undefined ? { ...send, check: cachedUrlCheck(cacheMs, options.nowMs) } : send;
    this.claims = new BackgroundLoop({
      round: () => this.claimRound(),
      idleDelayMs: options.idleIntervalMs ?? 250,
      failureMessage: 'claiming due deliveries failed',
      logger: options.logger,
    });
  }

  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  /** One round: claim what is due, send it, record it. Returns how many deliveries were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    const queue = [...claimed];
    const lanes = Array.from({ length: Math.min(this.concurrency(), queue.length) }, async () => {
      for (let ready = queue.shift(); ready !== undefined; ready = queue.shift()) await this.sendAndRecord(ready);
    });
    await Promise.all(lanes);
    await this.recorded();
    return claimed.length;
  }

  /** Claims due deliveries and reads what sending them needs: two reads per claim, not two per delivery. */
  private async claim(): Promise<ReadyDelivery[]> {
    const { db } = this.options;
    const claimed = await claimDueDeliveries(db, {
      nowMs: this.now(),
      limit: this.batchSize(),
      leaseMs: this.options.leaseMs ?? DEFAULT_LEASE_MS,
    });
    if (claimed.length === 0) return [];
    const subscriptions = new Map((await findSubscriptionsByIds(db, [...new Set(claimed.map((d) => d.subscription_id))])).map((row) => [row.id, row]));
    const events = new Map((await findTriggerEventBodies(db, [...new Set(claimed.map((d) => d.event_id))])).map((row) => [row.id, row]));
    // Both are deleted together with the delivery (foreign keys cascade); nothing to send then.
    return claimed.flatMap((delivery) => {
      const subscription = subscriptions.get(delivery.subscription_id);
      const event = events.get(delivery.event_id);
      return subscription && event ? [{ delivery, subscription, event }] : [];
    });
  }

  private async sendAndRecord(ready: ReadyDelivery): Promise<void> {
    try {
      const outcome = await this.send(ready);
      this.pendingOutcomes.push(outcome);
      this.startRecording();
    } catch (error) {
      // Nothing expected throws here (send turns every failure into an outcome); should something,
      // the claim runs out and the delivery is tried again.
      this.options.logger?.error({ err: error, delivery: ready.delivery.id }, 'delivery failed before it was sent');
    }
  }

  private async send({ delivery, subscription, event }: ReadyDelivery): Promise<AttemptOutcome> {
    const body = eventBody(delivery, event, subscription);
    const startedAtMs = this.now();
    let sign: DeliverySigner;
    try {
      sign = this.signerFor(subscription);
    } catch {
      // A secret that cannot be opened (damaged, or sealed under another master key) is an attempt
      // like any other failure: recorded in history, retried with backoff, failed after 24 h. Left
      // unrecorded, the claim would run out and the delivery fail unseen on every lease, for ever.
      const result: SendResult = { delivered: false, status: null, durationMs: 0, responseSnippet: null, error: SECRET_UNOPENABLE };
      return { claimed: delivery, result, startedAtMs, endedAtMs: startedAtMs };
    }
    const headers = sign(delivery.id, new Date(startedAtMs), body);
    const result = await sendDelivery(subscription.url, body, headers, this.sendOptions);
    return { claimed: delivery, result, startedAtMs, endedAtMs: this.now() };
  }

  /** The unsealed secret's signer, kept per subscription while its sealed secret stays the same. */
  private signerFor(subscription: SubscriptionRow): DeliverySigner {
    const known = this.signers.get(subscription.id);
    if (known?.ciphertext === subscription.secret_ciphertext) return known.sign;
    const sign = deliverySigner(this.options.openSecret(subscription));
    this.signers.set(subscription.id, { ciphertext: subscription.secret_ciphertext, sign });
    return sign;
  }

  private startRecording(): void {
    if (this.recording) return;
    // Sends finish one per socket read, so outcomes trickle in one at a time; while other sends
    // are under way, waiting a few ms gathers them into one transaction (bench/triggers: groups of
    // 1 without the wait). The last send of a burst is recorded at once, so history is current.
    const busy = this.inFlight > 1 || this.queue.length > 0 || this.claimedQueue.length > 0;
    const delayMs = busy ? (this.options.recordDelayMs ?? DEFAULT_RECORD_DELAY_MS) : 0;
    const gathered = delayMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve();
    this.recording = gathered.then(() => this.recordPending()).finally(() => {
      this.recording = undefined;
      // An outcome may have arrived between the last group and this callback.
      if (this.pendingOutcomes.length > 0) this.startRecording();
      this.settle();
    });
  }

  private async recordPending(): Promise<void> {
    while (this.pendingOutcomes.length > 0) {
      const group = this.pendingOutcomes.splice(0);
      this.recordingCount = group.length;
      let statuses;
      try {
        statuses = await recordAttempts(this.options.db, group, {
          ...(this.options.random ? { random: this.options.random } : {}),
          ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
        });
      } catch (error) {
        // Unrecorded outcomes keep their claims, which run out: those deliveries are sent again.
        this.recordError ??= error;
        this.options.logger?.error({ err: error, deliveries: group.length }, 'delivery outcomes could not be recorded');
        continue;
      } finally {
        this.recordingCount = 0;
        this.settle(); // a claim held back by unrecorded outcomes may go now
      }
      countAttempts(this.options.metrics ?? NO_METRICS, group, statuses);
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
  }

  /** Waits for outcomes being recorded; throws the first recording error since the last call. */
  private async recorded(): Promise<void> {
    while (this.recording) await this.recording;
    const error = this.recordError;
    this.recordError = undefined;
    if (error !== undefined) throw error;
  }

  // DeliveryHandoff: deliveries created in this process, inserted already claimed.

  reserve(nowMs: number): DeliveryClaim | undefined {
    if (!this.running || this.queue.length >= this.maxQueued()) return undefined;
    return {
      claimToken: newClaimToken(),
      lockedUntil: new Date(nowMs + (this.options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
    };
  }

  accept(ready: readonly ReadyDelivery[]): void {
    // Reserved while running, committed after stop(): give the claims back rather than hold them for the lease.
    if (!this.running) {
      void this.release(ready);
      return;
    }
    this.queue.push(...ready);
    this.pump();
  }

  private concurrency(): number {
    return Math.max(1, this.options.concurrency ?? DEFAULT_SEND_CONCURRENCY);
  }

  private batchSize(): number {
    return this.options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  private maxQueued(): number {
    return this.options.maxQueued ?? 5_000;
  }

  /** Starts sending continuously until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.claims.start();
  }

  /** Ends an idle wait at once, e.g. right after new events were enqueued in this process. */
  wake(): void {
    this.claims.wake();
  }

  /** Stops claiming, lets the sends in flight finish (bounded by the send timeout) and records them. */
  async stop(): Promise<void> {
    this.running = false;
    this.settle(); // a round waiting for its turn to claim gives up
    await this.claims.stop();
    await this.until(() => this.inFlight === 0 && this.recording === undefined);
    await this.release([...this.queue.splice(0), ...this.claimedQueue.splice(0)]);
  }

  /** Resolves once `done()` holds, looked at again whenever a send, claim or recording moves on. */
  private async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((resolve) => this.settling.push(resolve));
  }

  private settle(): void {
    for (const resolve of this.settling.splice(0)) resolve();
  }

  private pump(): void {
    if (!this.running) return;
    const concurrency = this.concurrency();
    while (this.inFlight < concurrency && (this.queue.length > 0 || this.claimedQueue.length > 0)) {
      const handed = this.queue.length > 0;
      const ready = handed ? this.queue.shift()! : this.claimedQueue.shift()!;
      this.inFlight += 1;
      if (!handed) this.claimedInFlight += 1;
      void this.sendAndRecord(ready).finally(() => {
        this.inFlight -= 1;
        if (!handed) this.claimedInFlight -= 1;
        this.pump();
        this.settle();
      });
    }
  }

  /**
   * The next batch once the last one is all sent (its order, see the file comment); meanwhile
   * handed-over deliveries keep the sends busy.
   * Recording may lag sends by at most one batch. Unchecked, a store that records slower than the
   * worker sends lets the lag grow with the backlog towards the 60 s lease, after which the
   * deliveries would be sent again (PostgreSQL with one UPDATE round trip per delivered row: 10,000
   * deliveries still pending ~3 s after the last arrival, > 10 s on a loaded machine). Recording
   * is one UPDATE per chunk now (src/store/deliveries/record.ts); this stays as the bound.
   */
  private mayClaim(): boolean {
    const unrecorded = this.pendingOutcomes.length + this.recordingCount;
    const recordingKeepsUp = unrecorded <= this.batchSize();
    return this.claimedQueue.length === 0 && this.claimedInFlight === 0 && recordingKeepsUp;
  }

  /** One round of the claim loop: waits its turn, claims a batch and queues it for sending. A claim that throws fails the round (logged, retried after a growing pause). */
  private async claimRound(): Promise<RoundResult> {
    await this.until(() => !this.running || this.mayClaim());
    if (!this.running) return 'idle';
    const claimed = await this.claim();
    if (!this.running) {
      await this.release(claimed);
      return 'idle';
    }
    if (claimed.length === 0) return 'idle';
    this.claimedQueue.push(...claimed);
    this.pump();
    return { nextDelayMs: 0 };
  }

  /** Gives back claims that will not be sent (a stop), so another worker need not wait for the lease. */
  private async release(ready: readonly ReadyDelivery[]): Promise<void> {
    if (ready.length === 0) return;
    try {
      await releaseClaims(this.options.db, ready.map(({ delivery }) => delivery));
    } catch (error) {
      // Their leases run out instead.
      this.options.logger?.warn({ err: error, deliveries: ready.length }, 'claims could not be released on stop');
    }
  }
}

/**
 * Counted once recorded, as history has them: an attempt whose outcome could not be recorded is
 * sent again and counted then. Lag runs from the delivery's created_at, which is its event's
 * (trigger_events.created_at: both are stamped by the same enqueue; a later subscription's
 * delivery of an event noticed before runs from when it was queued for that subscription). A
 * replayed delivery is left out of the lag: its wait was the operator's choice.
 */
function countAttempts(metrics: MetricsRecorder, group: readonly AttemptOutcome[], statuses: readonly DeliveryStatus[]): void {
  group.forEach(({ claimed, endedAtMs }, i) => {
    const status = statuses[i];
    if (status === 'delivered') {
      metrics.deliveryAttempt('delivered', claimed.attempts_before_replay > 0 ? undefined : (endedAtMs - Date.parse(claimed.created_at)) / 1000);
    } else metrics.deliveryAttempt(status === 'failed' ? 'gave_up' : 'failed_attempt');
  });
}
