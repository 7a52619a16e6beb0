// The connector's metrics: one prom-client Registry per composed service set (never prom-client's
// global one: tests compose several apps in one process, and each must count only its own), with
// the recorder the producers call (recorder.ts) and the text GET /metrics answers.
//
// Per-event cost: each recorder call is a Map lookup and an addition (accumulators.ts); prom-client
// reads the figures at scrape time.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './accumulators.js';
import type { ActionOutcome, DeliveryOutcome, InboundWebhookOutcome, MetricsRecorder, OutboxGaugeSources, PollOutcome, StripeAnswer } from './recorder.js';
import { stripePathTemplate } from './stripe-path.js';

const PREFIX = 'stripe_connector_';

/** 10 ms … 30 s: an action is one or a few Stripe calls (Stripe answers in ~100–500 ms) plus up to 3 retries with up to 5 s pauses. */
export const ACTION_DURATION_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** 10 ms … 1 h: handed-over deliveries go out within milliseconds; retries back off from 5 s to hours. */
export const DELIVERY_LAG_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];
/** 1 s … 1 h: a poll runs every interval (default 120 s, at least 1 s) and looks back 90 s. */
export const POLL_LAG_BUCKETS_SECONDS = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface MetricsOptions {
  /** Gauges read from the store at scrape time. Default none: the outbox gauges are left out. */
  outbox?: OutboxGaugeSources;
  /** prom-client's process and event-loop metrics, under their standard names. Default true. */
  defaultMetrics?: boolean;
}

export interface Exposition {
  contentType: string;
  text: string;
}

export interface ConnectorMetrics extends MetricsRecorder {
  readonly registry: Registry;
  /** What GET /metrics answers: this registry's text, or (cluster.ts) every worker's. */
  exposition(): Promise<Exposition>;
  /** Replaces how exposition() is made (cluster.ts: ask the primary for all workers' metrics). */
  setExposition(source: () => Promise<Exposition>): void;
}

export function createMetrics(options: MetricsOptions = {}): ConnectorMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const actionCalls = new FastCounter({
    name: `${PREFIX}action_calls_total`,
    help: 'Action calls (POST /api/connections/{id}/actions/{operation}) by operation and outcome',
    labelNames: ['operation', 'outcome'],
    registry,
  });
  const actionDuration = new FastHistogram({
    name: `${PREFIX}action_duration_seconds`,
    help: 'Time an action call spent running (Stripe calls and their retries included), for calls that ran',
    labelNames: ['operation'],
    buckets: ACTION_DURATION_BUCKETS_SECONDS,
    registry,
  });
  const throttleRejections = new FastCounter({
    name: `${PREFIX}throttle_rejections_total`,
    help: "Action calls refused with 429 by their connection's throttle",
    labelNames: ['operation'],
    registry,
  });
  const stripeRequests = new FastCounter({
    name: `${PREFIX}stripe_requests_total`,
    help: 'HTTP requests to Stripe, each retry counted, by method, path template and answer status (network_error, timeout when none came)',
    labelNames: ['method', 'path', 'status'],
    registry,
  });
  const deliveryAttempts = new FastCounter({
    name: `${PREFIX}delivery_attempts_total`,
    help: 'Delivery attempts to subscribers as recorded: delivered, failed_attempt (retried later), gave_up (failed after 24 h of retries)',
    labelNames: ['outcome'],
    registry,
  });
  const deliveryLag = new FastHistogram({
    name: `${PREFIX}delivery_lag_seconds`,
    help: 'From when the connector queued an event for a subscriber to its successful delivery (retries included, replays not)',
    labelNames: [],
    buckets: DELIVERY_LAG_BUCKETS_SECONDS,
    registry,
  });
  const pollRuns = new FastCounter({
    name: `${PREFIX}polls_total`,
    help: 'Polls of Stripe list endpoints by trigger and outcome',
    labelNames: ['trigger', 'outcome'],
    registry,
  });
  const pollLag = new FastHistogram({
    name: `${PREFIX}poll_lag_seconds`,
    help: "From a Stripe object's created time to the poll that noticed it, by trigger",
    labelNames: ['trigger'],
    buckets: POLL_LAG_BUCKETS_SECONDS,
    registry,
  });
  const inboundWebhooks = new FastCounter({
    name: `${PREFIX}inbound_webhooks_total`,
    help: 'Inbound Stripe webhooks (POST /webhooks/stripe/{connectionId}) by outcome: accepted, duplicate, refused_* by reason, failed (not stored)',
    labelNames: ['outcome'],
    registry,
  });
  if (options.outbox) {
    const outbox = options.outbox;
    // Every process sharing the store reads the same figures: across cluster workers the largest
    // is the answer, not their sum (cluster.ts).
    new Gauge({
      name: `${PREFIX}outbox_pending_deliveries`,
      help: 'Deliveries waiting to be sent: due now or waiting for a retry (paused subscriptions included), counted up to 100000; read from the store at scrape time',
      aggregator: 'max',
      registers: [registry],
      async collect() {
        this.set(await readOrNaN(() => outbox.pendingDeliveries()));
      },
    });
    new Gauge({
      name: `${PREFIX}outbox_oldest_due_age_seconds`,
      help: 'Seconds since the oldest due, undelivered delivery (of an active subscription) became due; 0 when none is; read from the store at scrape time',
      aggregator: 'max',
      registers: [registry],
      async collect() {
        this.set(await readOrNaN(() => outbox.oldestDueAgeSeconds()));
      },
    });
  }

  // Series whose every value is known start at 0, so that rate() and increase() see their first event.
  for (const outcome of ['delivered', 'failed_attempt', 'gave_up'] satisfies DeliveryOutcome[]) deliveryAttempts.inc([outcome], 0);
  for (const outcome of ['accepted', 'duplicate', 'refused_malformed_id', 'refused_no_secret', 'refused_signature', 'failed'] satisfies InboundWebhookOutcome[]) {
    inboundWebhooks.inc([outcome], 0);
  }
  const NO_LABELS: readonly string[] = [];

  let source = async (): Promise<Exposition> => ({ contentType: registry.contentType, text: await registry.metrics() });

  return {
    registry,
    exposition: () => source(),
    setExposition(next) {
      source = next;
    },
    actionCall(operation: string, outcome: ActionOutcome, durationSeconds?: number) {
      actionCalls.inc([operation, outcome]);
      if (outcome === 'throttled') throttleRejections.inc([operation]);
      if (durationSeconds !== undefined) actionDuration.observe([operation], durationSeconds);
    },
    stripeRequest(method: string, path: string, answer: StripeAnswer) {
      stripeRequests.inc([method.toUpperCase(), stripePathTemplate(path), String(answer)]);
    },
    deliveryAttempt(outcome: DeliveryOutcome, lagSeconds?: number) {
      deliveryAttempts.inc([outcome]);
      if (lagSeconds !== undefined) deliveryLag.observe(NO_LABELS, Math.max(0, lagSeconds));
    },
    pollRun(trigger: string, outcome: PollOutcome) {
      pollRuns.inc([trigger, outcome]);
    },
    pollNoticed(trigger: string, lagSeconds: number) {
      pollLag.observe([trigger], Math.max(0, lagSeconds));
    },
    inboundWebhook(outcome: InboundWebhookOutcome) {
      inboundWebhooks.inc([outcome]);
    },
  };
}

/** A store that cannot be read makes the gauge NaN for this scrape (Prometheus keeps NaN as "unknown") rather than failing the whole scrape. */
async function readOrNaN(read: () => Promise<number>): Promise<number> {
  try {
    return await read();
  } catch {
    return Number.NaN;
  }
}
