// What the connector's parts report for /metrics, as one small interface: the producers (actions,
// the Stripe client, deliveries, polls, inbound webhooks) call these methods and never see
// prom-client, which only src/metrics/registry.ts imports. Every label value passed here is from a
// small fixed set (an operation or trigger name the connector defines, an outcome word, an HTTP
// method and status); no id, key, token or URL is ever one.

export type ActionOutcome = 'succeeded' | 'failed' | 'throttled' | 'invalid' | 'not_found';

/** One delivery attempt as recorded: delivered (2xx), failed and scheduled again, or failed for the last time (24 h of failures). */
export type DeliveryOutcome = 'delivered' | 'failed_attempt' | 'gave_up';

/** A poll that listed and committed; one that threw; one whose cursor another poller had saved meanwhile (its parts from then on were dropped). */
export type PollOutcome = 'succeeded' | 'failed' | 'superseded';

/** An inbound Stripe webhook: stored, a repeat of a stored event, or refused (by reason; all refusals answer the same 400). */
export type InboundWebhookOutcome = 'accepted' | 'duplicate' | 'refused_malformed_id' | 'refused_no_secret' | 'refused_signature' | 'failed';

/** A Stripe HTTP attempt's answer: its status, or why none came. */
export type StripeAnswer = number | 'network_error' | 'timeout';

export interface MetricsRecorder {
  /**
   * One action call that named a known action (`operation` is then one of the connector's action
   * names; an unknown one is reported as 'unknown'). `durationSeconds` for calls that ran.
   */
  actionCall(operation: string, outcome: ActionOutcome, durationSeconds?: number): void;
  /** One HTTP attempt to Stripe (retries count: Stripe counts each); the path is reduced to its template here, not by the caller. */
  stripeRequest(method: string, path: string, answer: StripeAnswer): void;
  /** One recorded delivery attempt; `lagSeconds` (delivered only) from when the event was noticed. */
  deliveryAttempt(outcome: DeliveryOutcome, lagSeconds?: number): void;
  pollRun(trigger: string, outcome: PollOutcome): void;
  /** A poll noticed a new object `lagSeconds` after Stripe's `created`. */
  pollNoticed(trigger: string, lagSeconds: number): void;
  inboundWebhook(outcome: InboundWebhookOutcome): void;
}

export interface OutboxGaugeSources {
  /** Deliveries still pending (due now or waiting for a retry, paused subscriptions' included). */
  pendingDeliveries(): Promise<number>;
  /** Seconds since the oldest due pending delivery (of an active subscription) became due; 0 when none is due. */
  oldestDueAgeSeconds(): Promise<number>;
}

/** For parts built without metrics (tests, benchmarks, the CLI's local commands). */
export const NO_METRICS: MetricsRecorder = {
  actionCall() {},
  stripeRequest() {},
  deliveryAttempt() {},
  pollRun() {},
  pollNoticed() {},
  inboundWebhook() {},
};
