// One inbound Stripe webhook request (POST /webhooks/stripe/{connectionId}): the signature checked
// on the raw body with the connection's endpoint secret, then the event taken in. Returns only
// once ingestStripeEvent has committed, so Stripe is acknowledged after a durable write and not
// before (it resends anything not answered 2xx). Fails closed: an unknown connection, one without
// an endpoint secret, and a missing, bad, stale or future signature are all the same 400, with
// nothing stored and nothing in the answer that would tell a forger which check failed.
import type { Kysely } from 'kysely';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import { verifyStripeWebhook } from '../stripe/webhook-signature.js';
import { ingestStripeEvent } from './webhook-ingest.js';
import { asOutbox, type WebhookDatabase } from './webhook-tables.js';

/** Stripe keeps events 30 days and never resends one older; a seen id need not be kept longer. */
export const SEEN_EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Forget old seen ids at most this often. Default once an hour: the table is a cache, ingest dedupes anyway. */
export const SEEN_EVENT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface InboundWebhooksOptions {
  db: Kysely<WebhookDatabase>;
  /** The connection's endpoint signing secret; undefined when it has none. */
  secretFor(connectionId: string): Promise<string | undefined>;
  /** Clock, ms since the epoch (signature tolerance, stored times). Default Date.now. */
  nowMs?: () => number;
  logger?: Logger;
}

export interface InboundResult {
  eventId: string;
  /** True when this event id was taken in before: acknowledged, nothing done. */
  duplicate: boolean;
  enqueued: number;
}

export const SIGNATURE_REFUSED_MESSAGE = 'The Stripe-Signature header does not verify for this endpoint; the event was not accepted.';

export class InboundWebhooks {
  private readonly listeners: (() => void)[] = [];
  private lastPruneMs = 0;

  constructor(private readonly options: InboundWebhooksOptions) {}

  /** Called after events were stored with new deliveries, e.g. to wake the delivery worker. */
  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  async receive(connectionId: string, rawBody: Buffer | string, signatureHeader: string | string[] | undefined): Promise<InboundResult> {
    const { db } = this.options;
    const nowMs = (this.options.nowMs ?? Date.now)();
    const secret = await this.options.secretFor(connectionId);
    let event;
    try {
      event = verifyStripeWebhook(rawBody, signatureHeader, secret, { nowMs });
    } catch (error) {
      // The reason goes to the log for the operator; the answer stays the same for every refusal.
      this.options.logger?.warn({ connectionId, reason: error instanceof Error ? error.message : String(error) }, 'inbound Stripe webhook refused');
      throw new ConnectorError(400, 'invalid_input', SIGNATURE_REFUSED_MESSAGE);
    }

    const seen = await db
      .selectFrom('stripe_events_seen')
      .select('event_id')
      .where('connection_id', '=', connectionId)
      .where('event_id', '=', event.id)
      .executeTakeFirst();
    if (seen) return { eventId: event.id, duplicate: true, enqueued: 0 };

    const result = await ingestStripeEvent({ db: asOutbox(db), connectionId, event, nowMs });
    // After the ingest, not before: a crash in between only means the next copy is ingested again,
    // which stores nothing new (ingest is idempotent by Stripe object).
    await db
      .insertInto('stripe_events_seen')
      .values({ connection_id: connectionId, event_id: event.id, received_at: new Date(nowMs).toISOString() })
      .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
      .execute();
    if (result.enqueued > 0) for (const listener of this.listeners) listener();
    await this.pruneSeen(nowMs);
    return { eventId: event.id, duplicate: false, enqueued: result.enqueued };
  }

  private async pruneSeen(nowMs: number): Promise<void> {
    if (nowMs - this.lastPruneMs < SEEN_EVENT_PRUNE_INTERVAL_MS) return;
    this.lastPruneMs = nowMs;
    await this.options.db
      .deleteFrom('stripe_events_seen')
      .where('received_at', '<', new Date(nowMs - SEEN_EVENT_RETENTION_MS).toISOString())
      .execute();
  }
}
