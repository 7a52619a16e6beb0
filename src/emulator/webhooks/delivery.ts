// Webhook delivery: every event goes to each enabled endpoint of its account that takes its type,
// as a real POST signed the way Stripe signs (signature.ts). A receiver that answers anything but
// 2xx, refuses the connection or does not answer within `timeoutMs` is retried after each of
// `retryDelaysMs` in turn — Stripe test mode retries three times over a few hours — and every
// attempt is written to the account's delivery log (delivery-log.ts).
//
// Deliveries to one endpoint go out one at a time, in event order, so a test sees a stable order
// unless it asks for the webhook_reorder fault; retries join the end of the endpoint's queue when
// they fall due. A retry falls due when its timer fires (real time; tests compress the schedule
// with `retryDelaysMs`) or, for a clock moved ahead through the control API, on
// POST /_emulator/webhooks/retry_due, which sends every retry whose emulated due time has passed.
import type Stripe from 'stripe';
import type { Account } from '../account.js';
import { webhookFault, type FaultRule } from '../faults/fault-rules.js';
import { newId } from '../ids.js';
import { webhookEndpointStore, wantsEvent } from '../resources/webhook-endpoints/endpoint-record.js';
import type { EmulatorState } from '../state.js';
import { deliveryLogStore, type DeliveryOutcome } from './delivery-log.js';
import { stripeSignature } from './signature.js';

export interface WebhookDeliveryOptions {
  /**
   * Wait before each retry after a failed attempt; its length is the number of retries.
   * Default [5 min, 30 min, 2 h]: Stripe's test mode retries three times over a few hours.
   */
  retryDelaysMs?: number[];
  /** How long a receiver may take to answer; default 30,000 ms, Stripe's limit. */
  timeoutMs?: number;
  /** How long a webhook_reorder batch waits to fill before it is sent anyway; default 1,000 ms. */
  reorderHoldMs?: number;
}

const DEFAULT_RETRY_DELAYS_MS = [5 * 60_000, 30 * 60_000, 2 * 60 * 60_000];
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_REORDER_HOLD_MS = 1_000;
/** What Stripe's webhook requests say about themselves. */
const USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';

interface Job {
  readonly account: Account;
  readonly eventId: string;
  readonly eventType: string;
  readonly endpointId: string;
  /** The event as JSON, fixed when the event happened: retries send the same bytes. */
  readonly payload: string;
  readonly attempt: number;
  readonly duplicate: boolean;
}

interface EndpointQueue {
  jobs: Job[];
  busy: boolean;
  /** A webhook_reorder batch being gathered; sent in reverse once full (or after reorderHoldMs). */
  held: Job[];
  holdTarget: number;
  holdTimer: NodeJS.Timeout | undefined;
}

interface PendingRetry {
  readonly job: Job;
  readonly dueMs: number;
  readonly timer: NodeJS.Timeout;
}

const deliveries = new WeakMap<EmulatorState, WebhookDelivery>();

/** The delivery service of a running emulator (for the control API and the endpoint resource). */
export function webhookDeliveryOf(state: EmulatorState): WebhookDelivery | undefined {
  return deliveries.get(state);
}

export class WebhookDelivery {
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;
  private readonly reorderHoldMs: number;
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly retries = new Set<PendingRetry>();
  private readonly inFlight = new Set<AbortController>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly state: EmulatorState,
    options: WebhookDeliveryOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.reorderHoldMs = options.reorderHoldMs ?? DEFAULT_REORDER_HOLD_MS;
    deliveries.set(state, this);
  }

  /**
   * Starts listening for events. Called when the first webhook endpoint is created: until then no
   * event needs rendering for delivery, which keeps the create path short for benchmarks.
   */
  activate(): void {
    if (this.unsubscribe !== undefined || this.stopped) return;
    this.unsubscribe = this.state.onEvent((account, event) => this.onEvent(account, event));
  }

  /** Sends now every retry whose emulated due time has passed (after the clock was moved ahead). */
  retryDue(account?: Account): number {
    const nowMs = this.state.clock.nowMs();
    let sent = 0;
    for (const retry of [...this.retries]) {
      if (retry.dueMs > nowMs || (account !== undefined && retry.job.account !== account)) continue;
      this.fireRetry(retry);
      sent++;
    }
    return sent;
  }

  /** Retries waiting for their time, for the control API. */
  pendingRetries(account: Account): { event: string; endpoint: string; attempt: number; dueMs: number }[] {
    return [...this.retries]
      .filter((r) => r.job.account === account)
      .map((r) => ({ event: r.job.eventId, endpoint: r.job.endpointId, attempt: r.job.attempt, dueMs: r.dueMs }));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const retry of this.retries) clearTimeout(retry.timer);
    this.retries.clear();
    for (const queue of this.queues.values()) clearTimeout(queue.holdTimer);
    this.queues.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private onEvent(account: Account, event: Stripe.Event): void {
    const endpoints = account.store(webhookEndpointStore);
    if (endpoints.size === 0) return;
    const targets = [...endpoints.newestFirst()].filter((e) => wantsEvent(e, event.type)).reverse();
    if (targets.length === 0) return;
    event.pending_webhooks = targets.length;
    const record = account.events.all.get(event.id);
    if (record !== undefined) record.pendingWebhooks = targets.length;
    // Stripe sends events pretty-printed; the signature covers these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    for (const endpoint of targets) {
      this.queueFirstAttempt({
        account,
        eventId: event.id,
        eventType: event.type,
        endpointId: endpoint.id,
        payload,
        attempt: 1,
        duplicate: false,
      });
    }
  }

  private queueFirstAttempt(job: Job): void {
    const fault = webhookFault(job.account);
    if (fault?.kind === 'webhook_drop') {
      this.log(job, 'dropped', null, 'dropped by the webhook_drop fault', null);
      this.settle(job);
      return;
    }
    const queue = this.queueOf(job);
    if (fault?.kind === 'webhook_reorder' || queue.held.length > 0) {
      this.hold(queue, job, fault?.kind === 'webhook_reorder' ? fault.rule : undefined);
      return;
    }
    this.enqueue(queue, job);
    if (fault?.kind === 'webhook_duplicate') this.enqueue(queue, { ...job, duplicate: true });
  }

  private queueOf(job: Job): EndpointQueue {
    const key = `${job.account.id}/${job.endpointId}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { jobs: [], busy: false, held: [], holdTarget: 0, holdTimer: undefined };
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** Gathers a reorder batch: the next N (for `next: N`) or this one and the next (for a share). */
  private hold(queue: EndpointQueue, job: Job, rule: FaultRule | undefined): void {
    if (queue.held.length === 0) {
      // `fires` already counted this job, so the batch is this one plus what the rule has left;
      // at least two, since reversing one delivery would change nothing.
      queue.holdTarget = rule?.remaining !== null && rule?.remaining !== undefined ? Math.max(2, rule.remaining + 1) : 2;
      queue.holdTimer = setTimeout(() => this.release(queue), this.reorderHoldMs);
      queue.holdTimer.unref();
    }
    queue.held.push(job);
    if (queue.held.length >= queue.holdTarget) this.release(queue);
  }

  private release(queue: EndpointQueue): void {
    clearTimeout(queue.holdTimer);
    queue.holdTimer = undefined;
    const batch = queue.held.reverse();
    queue.held = [];
    for (const job of batch) this.enqueue(queue, job);
  }

  private enqueue(queue: EndpointQueue, job: Job): void {
    queue.jobs.push(job);
    this.pump(queue);
  }

  private pump(queue: EndpointQueue): void {
    if (queue.busy || this.stopped) return;
    const job = queue.jobs.shift();
    if (job === undefined) return;
    queue.busy = true;
    void this.attempt(job).finally(() => {
      queue.busy = false;
      this.pump(queue);
    });
  }

  private async attempt(job: Job): Promise<void> {
    const endpoint = job.account.store(webhookEndpointStore).get(job.endpointId);
    if (endpoint === undefined || endpoint.status !== 'enabled') {
      this.log(job, 'skipped', null, endpoint === undefined ? 'the endpoint was deleted' : 'the endpoint is disabled', null);
      this.settle(job);
      return;
    }
    const timestamp = this.state.clock.nowSeconds();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    this.inFlight.add(controller);
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': USER_AGENT,
          'Cache-Control': 'no-cache',
          'Stripe-Signature': stripeSignature(job.payload, endpoint.secret, timestamp),
        },
        body: job.payload,
        redirect: 'manual',
        signal: controller.signal,
      });
      httpStatus = response.status;
      // Read the answer to the end so the connection can be reused; its content does not matter.
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      error = controller.signal.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : `could not reach the endpoint: ${describeFetchError(caught)}`;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (this.stopped) return;
    const succeeded = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
    if (succeeded) {
      this.log(job, 'succeeded', httpStatus, null, null);
      this.settle(job);
      return;
    }
    const delayMs = this.retryDelaysMs[job.attempt - 1];
    const reason = error ?? `the endpoint answered HTTP ${httpStatus}`;
    if (delayMs === undefined) {
      this.log(job, 'failed', httpStatus, `${reason}; no retries left`, null);
      this.settle(job);
      return;
    }
    const dueMs = this.state.clock.nowMs() + delayMs;
    this.log(job, 'failed', httpStatus, reason, dueMs);
    const retry: PendingRetry = {
      job: { ...job, attempt: job.attempt + 1 },
      dueMs,
      timer: setTimeout(() => this.fireRetry(retry), delayMs),
    };
    retry.timer.unref();
    this.retries.add(retry);
  }

  private fireRetry(retry: PendingRetry): void {
    if (!this.retries.delete(retry)) return;
    clearTimeout(retry.timer);
    this.enqueue(this.queueOf(retry.job), retry.job);
  }

  /** One endpoint is done with the event (delivered, dropped or given up): pending_webhooks drops. */
  private settle(job: Job): void {
    if (job.duplicate) return;
    const record = job.account.events.all.get(job.eventId);
    if (record !== undefined && record.pendingWebhooks > 0) record.pendingWebhooks--;
  }

  private log(job: Job, outcome: DeliveryOutcome, httpStatus: number | null, error: string | null, nextRetryAtMs: number | null): void {
    const url = job.account.store(webhookEndpointStore).get(job.endpointId)?.url ?? '';
    job.account.store(deliveryLogStore).add({
      id: newId('whd'),
      event: job.eventId,
      eventType: job.eventType,
      endpoint: job.endpointId,
      url,
      attempt: job.attempt,
      outcome,
      httpStatus,
      error,
      atMs: this.state.clock.nowMs(),
      nextRetryAtMs,
      duplicate: job.duplicate,
    });
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
