// One inbound Stripe webhook request (POST /webhooks/stripe/{connectionId}): the signature checked
// on the raw body with the connection's endpoint secret, then the event taken in. Returns only
// once the event is committed, so Stripe is acknowledged after a durable write and not before (it
// resends anything not answered 2xx). Fails closed: an unknown connection, one without an endpoint
// secret, and a missing, bad, stale or future signature are all the same 400, with nothing stored
// and nothing in the answer that would tell a forger which check failed. What a forger costs is
// bounded: an id that cannot be a connection's is refused by the route without a store read
// (refuseMalformed), and the warning about refusals is written at most once per reason per 10 s
// with a count of the ones left out, showing a malformed id only cut short (src/trigger-sources/refusal-log.ts).
//
// Group commit (src/store/group-commit.ts): each request is verified at once, on its own; the
// verified events that arrive while a commit is in progress (or within the group delay) are then
// stored in ONE transaction, and every request is answered once that transaction has committed. bench/triggers: one transaction
// of ~5 statements per event held inbound at 310–470 events/s; a group shares the statements and
// the commit.
import type Stripe from 'stripe';
import type { RelatedObjects } from '../connector/define.js';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DeliveryHandoff } from '../delivery/handoff.js';
import { verifyStripeWebhook } from '../stripe/webhook-signature.js';
import type { Store } from '../store/database.js';
import { GroupCommit } from '../store/group-commit.js';
import { isWellFormedId } from '../ids.js';
import { forgetStripeEventsBefore, rememberStripeEvents } from '../store/stripe-events.js';
import { idForLog, RefusalLog } from './refusal-log.js';
import { ingestStripeEvents } from './webhook-ingest.js';
import { NO_METRICS, type InboundWebhookOutcome, type MetricsRecorder } from '../metrics/recorder.js';

/** Stripe keeps events 30 days and never resends one older; a seen id need not be kept longer. */
export const SEEN_EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Forget old seen ids at most this often. Default once an hour: the table is a cache, ingest dedupes anyway. */
export const SEEN_EVENT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/**
 * How long an unsealed endpoint secret is reused without reading the store. Default 60 s. A secret
 * rotated meanwhile still works at once (a signature that fails with the cached secret is checked
 * again against the stored one before it is refused); a deleted endpoint's events are accepted for
 * at most this long, and store nothing, as no subscription is left to want them.
 */
export const DEFAULT_SECRET_CACHE_MS = 60_000;
/** Most events in one group commit. Default 200: 200 × 8 columns stays far below SQLite's 32,766 bound parameters per statement. */
export const DEFAULT_GROUP_COMMIT_MAX_EVENTS = 200;

/**
 * How long the first request of a group waits for others before the commit. Default 5 ms: at a
 * steady 1,000 events/s a group taken at the end of one tick held 1–2 events, and each commit
 * writes its dirtied pages to the WAL whatever it holds; waiting 5 ms took the connector from
 * 952 to 687 µs of CPU per event and p99 from 62 to 41 ms (bench/triggers). Under full load
 * groups fill anyway and the wait changes nothing measurable.
 */
export const DEFAULT_GROUP_COMMIT_DELAY_MS = 5;

export interface InboundWebhooksOptions {
  db: Store;
  /** The connection's endpoint signing secret; undefined when it has none. */
  secretFor(connectionId: string): Promise<string | undefined>;
  /** Clock, ms since the epoch (signature tolerance, stored times). Default Date.now. */
  nowMs?: () => number;
  /** Default DEFAULT_SECRET_CACHE_MS (60 s); 0 reads the store on every request. */
  secretCacheMs?: number;
  /** Default DEFAULT_GROUP_COMMIT_DELAY_MS; 0 commits at the end of the tick. */
  groupCommitDelayMs?: number;
  /** Default DEFAULT_GROUP_COMMIT_MAX_EVENTS (200). */
  groupCommitMaxEvents?: number;
  /**
   * What the triggers' maps need beyond a verified event (RelatedObjectReader.forEvent: a
   * customer's coupon), read per request before the group commit, so the commit holds no Stripe
   * call. Default none: the objects map as the event gives them.
   */
  relatedFor?(connectionId: string, event: Stripe.Event): Promise<RelatedObjects | undefined>;
  /** This process's delivery worker: deliveries created here go to it already claimed. Default none. */
  handoff?: DeliveryHandoff;
  logger?: Logger;
  /** At most one "refused" warning per reason per this many ms. Default DEFAULT_REFUSAL_LOG_WINDOW_MS (10 s). */
  refusalLogWindowMs?: number;
  /** Counts each request by outcome (accepted, duplicate, refused by reason, failed). Default none. */
  metrics?: MetricsRecorder;
}

/** Why an inbound webhook was refused, as the (rate-limited) warning says; never in the answer. */
const REFUSAL_REASONS = {
  malformedId: 'not a connection id (refused without a store read)',
  noSecret: 'no endpoint secret for this connection (unknown connection, or none registered)',
  signature: 'Stripe-Signature does not verify',
} as const;

const REFUSAL_OUTCOMES: Record<keyof typeof REFUSAL_REASONS, InboundWebhookOutcome> = {
  malformedId: 'refused_malformed_id',
  noSecret: 'refused_no_secret',
  signature: 'refused_signature',
};

export interface InboundResult {
  eventId: string;
  /** True when this event id was taken in before: acknowledged, nothing done. */
  duplicate: boolean;
}

export const SIGNATURE_REFUSED_MESSAGE = 'The Stripe-Signature header does not verify for this endpoint; the event was not accepted.';

interface Verified {
  connectionId: string;
  event: Stripe.Event;
  related: RelatedObjects | undefined;
}

export class InboundWebhooks {
  private readonly listeners: (() => void)[] = [];
  private readonly secrets = new Map<string, { secret: string; expiresAtMs: number }>();
  private readonly loading = new Map<string, Promise<string | undefined>>();
  private lastPruneMs = 0;
  private readonly group: GroupCommit<Verified, InboundResult>;
  private readonly refusals: RefusalLog;

  constructor(private readonly options: InboundWebhooksOptions) {
    this.refusals = new RefusalLog(options.logger, 'inbound Stripe webhook refused', options.refusalLogWindowMs);
    this.group = new GroupCommit({
      commit: (events) => this.store(events),
      delayMs: options.groupCommitDelayMs ?? DEFAULT_GROUP_COMMIT_DELAY_MS,
      maxItems: options.groupCommitMaxEvents ?? DEFAULT_GROUP_COMMIT_MAX_EVENTS,
    });
  }

  /** Called after events were stored with deliveries left for a worker to claim, e.g. to wake it. */
  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  async receive(connectionId: string, rawBody: Buffer | string, signatureHeader: string | string[] | undefined): Promise<InboundResult> {
    const nowMs = this.now();
    const event = await this.verified(connectionId, rawBody, signatureHeader, nowMs);
    const metrics = this.options.metrics ?? NO_METRICS;
    try {
      // Only after the signature verified: an unsigned request never costs a Stripe call.
      const related = await this.options.relatedFor?.(connectionId, event);
      const result = await this.group.add({ connectionId, event, related });
      metrics.inboundWebhook(result.duplicate ? 'duplicate' : 'accepted');
      return result;
    } catch (error) {
      metrics.inboundWebhook('failed');
      throw error;
    }
  }

  /** The refusal for an id that cannot be a connection's (the route checks its form): no store read. */
  refuseMalformed(connectionId: string): ConnectorError {
    this.options.metrics?.inboundWebhook(REFUSAL_OUTCOMES.malformedId);
    this.refusals.note(REFUSAL_REASONS.malformedId, { connectionId: idForLog(connectionId, false) }, this.now());
    return new ConnectorError(400, 'invalid_input', SIGNATURE_REFUSED_MESSAGE);
  }

  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  private async verified(connectionId: string, rawBody: Buffer | string, signatureHeader: string | string[] | undefined, nowMs: number): Promise<Stripe.Event> {
    const cacheMs = this.options.secretCacheMs ?? DEFAULT_SECRET_CACHE_MS;
    const cached = this.secrets.get(connectionId);
    let secret = cached !== undefined && cached.expiresAtMs > nowMs ? cached.secret : undefined;
    const fromCache = secret !== undefined;
    secret ??= await this.loadSecret(connectionId, nowMs, cacheMs);
    try {
      return verifyStripeWebhook(rawBody, signatureHeader, secret, { nowMs });
    } catch (error) {
      if (fromCache) {
        // The endpoint's secret may have been rotated since it was cached: one fresh read decides.
        const stored = await this.loadSecret(connectionId, nowMs, cacheMs);
        if (stored !== undefined && stored !== secret) {
          try {
            return verifyStripeWebhook(rawBody, signatureHeader, stored, { nowMs });
          } catch (again) {
            throw this.refused(connectionId, again, stored, nowMs);
          }
        }
      }
      throw this.refused(connectionId, error, secret, nowMs);
    }
  }

  private loadSecret(connectionId: string, nowMs: number, cacheMs: number): Promise<string | undefined> {
    // Requests arriving together share one read (a burst after the cache expired is one read, not hundreds).
    let loading = this.loading.get(connectionId);
    if (loading === undefined) {
      loading = this.options
        .secretFor(connectionId)
        .then((secret) => {
          // Only a secret is kept: an unknown connection is looked up again each time, never remembered.
          if (secret === undefined) this.secrets.delete(connectionId);
          else if (cacheMs > 0) this.secrets.set(connectionId, { secret, expiresAtMs: nowMs + cacheMs });
          return secret;
        })
        .finally(() => this.loading.delete(connectionId));
      this.loading.set(connectionId, loading);
    }
    return loading;
  }

  private refused(connectionId: string, error: unknown, secret: string | undefined, nowMs: number): ConnectorError {
    // The reason goes to the log for the operator; the answer stays the same for every refusal.
    // The detail is the verifier's own text (fixed sentences and numbers), nothing the caller wrote.
    const reason = secret === undefined ? 'noSecret' : 'signature';
    this.options.metrics?.inboundWebhook(REFUSAL_OUTCOMES[reason]);
    this.refusals.note(
      REFUSAL_REASONS[reason],
      { connectionId: idForLog(connectionId, isWellFormedId('conn', connectionId)), detail: error instanceof Error ? error.message : String(error) },
      nowMs,
    );
    return new ConnectorError(400, 'invalid_input', SIGNATURE_REFUSED_MESSAGE);
  }

  /** One transaction: the new events remembered (which tells the ones seen before) and ingested. */
  private async store(group: readonly Verified[]): Promise<InboundResult[]> {
    const { db, handoff } = this.options;
    const nowMs = this.now();
    const claim = handoff?.reserve(nowMs);
    const receivedAt = new Date(nowMs).toISOString();
    const { results, enqueued, claimed } = await db.transaction().execute(async (tx) => {
      // Remembering the ids is also the check (src/store/stripe-events.ts); the ids are
      // remembered in the ingest's own transaction, so never for an event that was not stored.
      const remembered = new Set<string>();
      for (const [connectionId, ids] of byConnection(group)) {
        for (const eventId of await rememberStripeEvents(tx, connectionId, ids, receivedAt)) remembered.add(`${connectionId}\u0000${eventId}`);
      }
      const fresh: Verified[] = [];
      const results = group.map((verified): InboundResult => {
        const key = `${verified.connectionId}\u0000${verified.event.id}`;
        // delete: a second copy in the same group is a duplicate of the first.
        if (!remembered.delete(key)) return { eventId: verified.event.id, duplicate: true };
        fresh.push(verified);
        return { eventId: verified.event.id, duplicate: false };
      });
      if (fresh.length === 0) return { results, enqueued: 0, claimed: [] };
      // Two copies racing on two nodes both ingest only if both inserts succeed, which the primary
      // key prevents; ingest is idempotent by Stripe object anyway.
      const ingested = await ingestStripeEvents({
        db: tx,
        events: fresh,
        nowMs,
        ...(claim ? { claim } : {}),
      });
      return { results, enqueued: ingested.enqueued, claimed: ingested.claimed };
    });
    if (claimed.length > 0) handoff!.accept(claimed);
    // Deliveries not handed over (paused subscriptions, a worker that took no more) wait for a claim.
    if (enqueued > claimed.length) for (const listener of this.listeners) listener();
    // Not awaited: the hourly delete must not hold up the answers of this group.
    void this.pruneSeen(nowMs);
    return results;
  }

  /** After a commit, alongside the answers; a failure here is logged, never the events' (they are committed already). */
  private async pruneSeen(nowMs: number): Promise<void> {
    if (nowMs - this.lastPruneMs < SEEN_EVENT_PRUNE_INTERVAL_MS) return;
    this.lastPruneMs = nowMs;
    try {
      await forgetStripeEventsBefore(this.options.db, new Date(nowMs - SEEN_EVENT_RETENTION_MS).toISOString());
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'old seen Stripe event ids could not be pruned');
    }
  }
}

function byConnection(group: readonly Verified[]): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  for (const { connectionId, event } of group) {
    const list = ids.get(connectionId);
    if (list) list.push(event.id);
    else ids.set(connectionId, [event.id]);
  }
  return ids;
}
