// Subscriptions (README.md, "Subscribing over HTTP": POST /api/connections/{id}/subscriptions, GET/DELETE
// /api/subscriptions/{id}, pause, resume): a user's request to receive a trigger's events at a URL.
// Checked before anything is stored, in this order: the connection is the caller's (first, so that
// an unknown or another user's connection is the same 404 whatever the body — the URL guard's
// answer must not be an oracle on a connection the caller cannot see), the fields (the trigger
// exists, the URL passes the guard on its resolved addresses), the connection has room
// (SUBSCRIPTIONS_PER_CONNECTION, src/trigger-sources/subscription-cap.ts), and Stripe answers the
// trigger's list for this key — which is where an account without the Orders API says so
// (stripe_orders_retired). The whsec_ secret is returned once and stored sealed with the master
// key, bound to the subscription id.
import type Stripe from 'stripe';
import { findTrigger } from '../connector/triggers/index.js';
import type { KeyCipher } from '../connections/key-cipher.js';
import { ConnectorError, invalidInput, notFound, type FieldProblem } from '../errors.js';
import type { Store } from '../store/database.js';
import { newId } from '../ids.js';
import type { ConnectionRow, SubscriptionMode, SubscriptionRow } from '../store/schema.js';
import { findSubscriptionCursor, listSubscriptionPage, type SubscriptionCursor, type SubscriptionPageFilter } from '../store/subscription-list.js';
import { deliveryCounts, type DeliveryCounts } from '../store/deliveries/counts.js';
import { deleteOwnedSubscription, deleteSubscription, findOwnedSubscription, setOwnedSubscriptionStatus } from '../store/subscriptions.js';
import { toConnectorError } from '../stripe/errors.js';
import { DEFAULT_MODE, DEFAULT_POLL_INTERVAL_SECONDS, newSubscriptionBody, type NewSubscription } from './subscription-body.js';
import { generateSubscriptionSecret } from '../delivery/signing.js';
import { checkSubscriberUrl, type Resolve } from '../delivery/url-guard.js';
import type { Logger } from '../log.js';
import { assertRoomForSubscription, DEFAULT_SUBSCRIPTIONS_PER_CONNECTION, insertSubscriptionWithinCap } from './subscription-cap.js';

export { DEFAULT_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS, MIN_POLL_INTERVAL_SECONDS, type NewSubscription } from './subscription-body.js';

export interface SubscriptionView {
  id: string;
  trigger: string;
  connection: string;
  url: string;
  mode: SubscriptionMode;
  pollIntervalSeconds: number;
  since: string;
  status: 'active' | 'paused';
  createdAt: string;
  /** Its deliveries by status now (src/store/deliveries/counts.ts). */
  counts: DeliveryCounts;
}

export interface CreatedSubscription extends SubscriptionView {
  /** Shown this once. */
  secret: string;
}

export interface SubscriptionConnections {
  /** The caller's connection row; 404 for an unknown id or another user's. */
  owned(userId: string, connectionId: string): Promise<ConnectionRow>;
  stripeFor(row: ConnectionRow): Stripe;
}

export interface SubscriptionServiceOptions {
  db: Store;
  cipher: KeyCipher;
  connections: SubscriptionConnections;
  /** CALLBACK_ALLOW_PRIVATE. Default false. */
  allowPrivate?: boolean;
  /** SUBSCRIPTIONS_PER_CONNECTION: most subscriptions per connection. Default DEFAULT_SUBSCRIPTIONS_PER_CONNECTION (50). */
  maxPerConnection?: number;
  /** Name resolution for the URL guard. Default: the system resolver. */
  resolve?: Resolve;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
  /**
   * The connection's Stripe webhook endpoint (src/trigger-sources/webhook-endpoints.ts), kept in step with
   * its webhook- and hybrid-mode subscriptions. Default none: those modes are then refused.
   */
  endpoints?: { sync(connection: ConnectionRow): Promise<void> } | undefined;
  logger?: Logger | undefined;
}


const NO_DELIVERIES: DeliveryCounts = { delivered: 0, failed: 0, pending: 0 };

function toView(row: SubscriptionRow, counts: DeliveryCounts = NO_DELIVERIES): SubscriptionView {
  return {
    id: row.id,
    trigger: row.trigger,
    connection: row.connection_id,
    url: row.url,
    mode: row.mode,
    pollIntervalSeconds: row.poll_interval_seconds,
    since: row.since,
    status: row.status,
    createdAt: row.created_at,
    counts,
  };
}

export class SubscriptionService {
  private readonly activated: (() => void)[] = [];

  constructor(private readonly options: SubscriptionServiceOptions) {}

  /** Called once a subscription was made or resumed, e.g. to start its first poll at once. */
  onActivated(listener: () => void): void {
    this.activated.push(listener);
  }

  private announceActivated(): void {
    for (const listener of this.activated) listener();
  }

  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  /** `input` is the request body as received: checked here, against newSubscriptionBody first. */
  async create(userId: string, connectionId: string, input: unknown): Promise<CreatedSubscription> {
    const nowMs = this.now();
    // Before the body: the same 404 for a connection the caller cannot see, whatever the URL.
    const connection = await this.options.connections.owned(userId, connectionId);
    const problems: FieldProblem[] = [];
    let body: NewSubscription | undefined;
    try {
      body = newSubscriptionBody.check(input);
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      problems.push(...(error.details as FieldProblem[]));
    }
    // The URL guard runs even when other fields are bad, so that one answer names every bad field.
    const rawUrl = (input as { url?: unknown } | null)?.url;
    let url = '';
    if (typeof rawUrl === 'string' && rawUrl !== '') {
      try {
        url = (await checkSubscriberUrl(rawUrl, { allowPrivate: this.options.allowPrivate ?? false, ...(this.options.resolve ? { resolve: this.options.resolve } : {}) })).url.toString();
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        problems.push(...((error.details as FieldProblem[] | undefined) ?? [{ field: 'url', message: error.message }]));
      }
    }
    const mode = body?.mode ?? DEFAULT_MODE;
    if (body && mode !== 'poll' && !this.options.endpoints) {
      // Fail closed: without endpoint registration Stripe would never send these events.
      problems.push({ field: 'mode', message: `${mode} mode is not available yet; use poll` });
    }
    let sinceMs = nowMs;
    if (body?.since !== undefined) {
      // The schema's date-time format has already checked the form.
      if (Date.parse(body.since) > nowMs) problems.push({ field: 'since', message: 'must not be in the future' });
      else sinceMs = Date.parse(body.since);
    }
    const trigger = body ? findTrigger(body.trigger) : undefined;
    if (problems.length > 0 || !body || !trigger) throw invalidInput(problems);
    const interval = body.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS;
    const maxPerConnection = this.options.maxPerConnection ?? DEFAULT_SUBSCRIPTIONS_PER_CONNECTION;
    await assertRoomForSubscription(this.options.db, connection.id, maxPerConnection);

    try {
      await trigger.listPage(this.options.connections.stripeFor(connection), { createdGte: Math.floor(nowMs / 1000), limit: 1 });
    } catch (error) {
      throw toConnectorError(error);
    }

    const id = newId('sub');
    const secret = generateSubscriptionSecret();
    const createdAt = new Date(nowMs).toISOString();
    const row: SubscriptionRow = {
      id,
      user_id: userId,
      connection_id: connection.id,
      trigger: trigger.name,
      url,
      mode,
      poll_interval_seconds: interval,
      secret_ciphertext: this.options.cipher.seal(secret, id),
      status: 'active',
      // Whole seconds: Stripe's `created` has no finer grain, and a since inside a second means all of it.
      since: new Date(Math.floor(sinceMs / 1000) * 1000).toISOString(),
      created_at: createdAt,
    };
    await insertSubscriptionWithinCap(this.options.db, row, maxPerConnection);
    if (mode !== 'poll' && this.options.endpoints) {
      // The endpoint is registered (or its enabled_events widened) before the 201, so Stripe sends
      // the events from then on; if that fails, the subscription is not kept.
      try {
        await this.options.endpoints.sync(connection);
      } catch (error) {
        await deleteSubscription(this.options.db, id);
        throw error;
      }
    }
    this.announceActivated();
    return { ...toView(row), secret };
  }

  /** Where one of the caller's subscriptions sits in list()'s order; undefined for an unknown id or another user's. */
  async cursor(userId: string, id: string): Promise<SubscriptionCursor | undefined> {
    return findSubscriptionCursor(this.options.db, userId, id);
  }

  /** A page of the caller's subscriptions, newest first (src/store/subscription-list.ts). */
  async list(userId: string, page: Omit<SubscriptionPageFilter, 'userId'> = {}): Promise<{ subscriptions: SubscriptionView[]; hasMore: boolean }> {
    if (page.connectionId !== undefined) await this.options.connections.owned(userId, page.connectionId);
    const { rows, hasMore } = await listSubscriptionPage(this.options.db, { userId, ...page });
    return { subscriptions: await this.withCounts(rows), hasMore };
  }

  async get(userId: string, id: string): Promise<SubscriptionView> {
    return (await this.withCounts([await this.owned(userId, id)]))[0]!;
  }

  /** The ownership check alone (404 for another user's), without the counts a view carries. */
  async ownedId(userId: string, id: string): Promise<{ id: string }> {
    return { id: (await this.owned(userId, id)).id };
  }

  private async withCounts(rows: SubscriptionRow[]): Promise<SubscriptionView[]> {
    const counts = await deliveryCounts(this.options.db, rows.map((row) => row.id), this.now());
    return rows.map((row) => toView(row, counts.get(row.id)));
  }

  /** Deletes the subscription with its deliveries and their history. */
  async remove(userId: string, id: string): Promise<void> {
    const row = await this.owned(userId, id);
    await deleteOwnedSubscription(this.options.db, userId, id);
    if (row.mode !== 'poll' && this.options.endpoints) {
      try {
        await this.options.endpoints.sync(await this.options.connections.owned(userId, row.connection_id));
      } catch (error) {
        // The deletion stands: an endpoint left with too many event types only brings events no
        // subscription wants (ingest stores nothing for them), and the next sync trims it.
        this.options.logger?.warn({ err: error, connectionId: row.connection_id }, 'webhook endpoint not updated after a subscription was deleted');
      }
    }
  }

  async pause(userId: string, id: string): Promise<SubscriptionView> {
    return this.setStatus(userId, id, 'paused');
  }

  async resume(userId: string, id: string): Promise<SubscriptionView> {
    const view = await this.setStatus(userId, id, 'active');
    this.announceActivated();
    return view;
  }

  /** The subscription's whsec_ secret, for signing deliveries (DeliveryWorker's openSecret). */
  openSecret(row: SubscriptionRow): string {
    return this.options.cipher.open(row.secret_ciphertext, row.id);
  }

  private async setStatus(userId: string, id: string, status: 'active' | 'paused'): Promise<SubscriptionView> {
    await this.owned(userId, id);
    await setOwnedSubscriptionStatus(this.options.db, userId, id, status);
    return this.get(userId, id);
  }

  /** Another user's subscription is a 404, like an unknown id. */
  private async owned(userId: string, id: string): Promise<SubscriptionRow> {
    const row = await findOwnedSubscription(this.options.db, userId, id);
    if (!row) throw notFound('subscription', id);
    return row;
  }
}
