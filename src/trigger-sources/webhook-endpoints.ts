// One Stripe webhook endpoint per connection, at PUBLIC_URL/webhooks/stripe/{connectionId},
// kept in step with the connection's webhook- and hybrid-mode subscriptions:
// created when the first one appears, its enabled_events the union of their triggers' event types,
// deleted when the last one goes. Idempotent against Stripe's own list: the connector's endpoints
// carry the connection id in their metadata, so a lost local record never leads to a second one.
// Every sync and removal runs under the lease `webhook-endpoint:<connectionId>`
// (src/background/leases.ts), so processes sharing the store change a connection's endpoint one at
// a time: two that start at once, or two subscriptions made on two processes at once, cannot both
// find no endpoint at Stripe and both create one.
import Stripe from 'stripe';
import { findTrigger } from '../connector/triggers/index.js';
import type { KeyCipher } from '../connections/key-cipher.js';
import { ConnectorError } from '../errors.js';
import { Leases } from '../background/leases.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/database.js';
import type { ConnectionRow, WebhookEndpointRow } from '../store/schema.js';
import { listPushedTriggers } from '../store/trigger-subscriptions.js';
import { deleteWebhookEndpoint, findWebhookEndpoint, saveWebhookEndpoint, updateWebhookEndpoint } from '../store/webhook-endpoints.js';
import { toConnectorError } from '../stripe/errors.js';

/** The metadata key that marks an endpoint as this connector's, valued with the connection id. */
export const ENDPOINT_METADATA_KEY = 'stripe_connector_connection';
/** Stripe's limit of webhook endpoints per account (test and live mode alike). */
export const STRIPE_MAX_WEBHOOK_ENDPOINTS = 16;
/**
 * How long a sync waits while another process changes the same connection's endpoint: 20 s. A
 * sync is two to four Stripe calls, well under a second as a rule; this leaves room for a few
 * queued behind each other and for Stripe's slow moments, yet answers the request before a
 * client's or proxy's usual 30 s timeout.
 */
export const DEFAULT_ENDPOINT_LEASE_WAIT_MS = 20_000;

/** The lease a connection's endpoint is changed under, whichever process changes it. */
export function webhookEndpointLeaseName(connectionId: string): string {
  return `webhook-endpoint:${connectionId}`;
}

export interface WebhookEndpointsOptions {
  db: Store;
  cipher: KeyCipher;
  stripeFor(row: ConnectionRow): Stripe;
  /** PUBLIC_URL: the address Stripe can reach. A function, as a server on port 0 knows it only once it listens. */
  publicUrl(): string;
  /** Stripe-Version the endpoint's events are rendered in. Default: the connection's, else the SDK's pinned one. */
  defaultApiVersion?: string | undefined;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
  /** This process's leases (one holder id per process). Default: leases of a holder of its own. */
  leases?: Leases;
  /** Default DEFAULT_ENDPOINT_LEASE_WAIT_MS (20 s). */
  leaseWaitMs?: number;
  logger?: Logger;
}

export function inboundWebhookUrl(publicUrl: string, connectionId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/stripe/${encodeURIComponent(connectionId)}`;
}

function limitReached(): ConnectorError {
  return new ConnectorError(
    409,
    'conflict',
    `Stripe allows at most ${STRIPE_MAX_WEBHOOK_ENDPOINTS} webhook endpoints per account and this account has them all. ` +
      'Delete one you no longer use (Stripe Dashboard → Developers → Webhooks), or subscribe in poll mode.',
    [{ field: 'mode', message: `Stripe's limit of ${STRIPE_MAX_WEBHOOK_ENDPOINTS} webhook endpoints is reached` }],
  );
}

const isOwnedBy = (endpoint: Stripe.WebhookEndpoint, connectionId: string) =>
  endpoint.metadata?.[ENDPOINT_METADATA_KEY] === connectionId;

const sameEvents = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((type, i) => type === [...b].sort()[i]);

export class WebhookEndpoints {
  // One sync at a time per connection in this process, so two subscriptions created at once do not
  // both find no endpoint and both create one.
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly leases: Leases;

  constructor(private readonly options: WebhookEndpointsOptions) {
    this.leases = options.leases ?? new Leases({ db: options.db, logger: options.logger });
  }

  private now(): string {
    return new Date((this.options.nowMs ?? Date.now)()).toISOString();
  }

  /** The event types the connection's webhook- and hybrid-mode subscriptions need, sorted. */
  async wantedEventTypes(connectionId: string): Promise<string[]> {
    const types = new Set<string>();
    for (const trigger of await listPushedTriggers(this.options.db, connectionId)) {
      for (const type of findTrigger(trigger)?.eventTypes ?? []) types.add(type);
    }
    return [...types].sort();
  }

  /** Makes Stripe's endpoint for this connection match its subscriptions; see the file comment. */
  sync(connection: ConnectionRow): Promise<void> {
    return this.serialised(connection.id, () => this.syncNow(connection));
  }

  /** Deletes the connection's endpoint(s) at Stripe and the local record (connection deletion). */
  remove(connection: ConnectionRow): Promise<void> {
    return this.serialised(connection.id, async () => {
      const stripe = this.options.stripeFor(connection);
      const own = (await this.listAll(stripe)).filter((endpoint) => isOwnedBy(endpoint, connection.id));
      for (const endpoint of own) await this.deleteAtStripe(stripe, endpoint.id);
      await deleteWebhookEndpoint(this.options.db, connection.id);
    });
  }

  /** The endpoint's signing secret; undefined when the connection has no endpoint (fail closed upstream). */
  async secretFor(connectionId: string): Promise<string | undefined> {
    const row = await this.local(connectionId);
    if (!row) return undefined;
    try {
      return this.options.cipher.open(row.secret_ciphertext, connectionId);
    } catch {
      // A record sealed with another master key, or tampered with: no secret, so every event is refused.
      return undefined;
    }
  }

  private async serialised<T>(connectionId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.running.get(connectionId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.underLease(connectionId, work));
    this.running.set(connectionId, next);
    try {
      return await next;
    } finally {
      if (this.running.get(connectionId) === next) this.running.delete(connectionId);
    }
  }

  /** `work` under the connection's endpoint lease, waiting for another process that holds it. */
  private async underLease<T>(connectionId: string, work: () => Promise<T>): Promise<T> {
    const lease = await this.leases.take(webhookEndpointLeaseName(connectionId), this.options.leaseWaitMs ?? DEFAULT_ENDPOINT_LEASE_WAIT_MS);
    if (!lease) {
      throw new ConnectorError(
        409,
        'conflict',
        "Another server process is still changing this connection's Stripe webhook endpoint. Try again in a few seconds.",
      );
    }
    try {
      return await work();
    } finally {
      await lease.release();
    }
  }

  private local(connectionId: string): Promise<WebhookEndpointRow | undefined> {
    return findWebhookEndpoint(this.options.db, connectionId);
  }

  private async syncNow(connection: ConnectionRow): Promise<void> {
    const wanted = await this.wantedEventTypes(connection.id);
    const stripe = this.options.stripeFor(connection);
    const all = await this.listAll(stripe);
    const own = all.filter((endpoint) => isOwnedBy(endpoint, connection.id));
    const local = await this.local(connection.id);

    if (wanted.length === 0) {
      for (const endpoint of own) await this.deleteAtStripe(stripe, endpoint.id);
      if (local) await deleteWebhookEndpoint(this.options.db, connection.id);
      return;
    }

    const url = inboundWebhookUrl(this.options.publicUrl(), connection.id);
    const kept = local ? own.find((endpoint) => endpoint.id === local.stripe_endpoint_id) : undefined;
    // Stripe shows an endpoint's secret only in the answer that creates it. An endpoint of ours
    // whose secret we no longer hold (local record lost, or a stray duplicate) can never be
    // verified again: delete it and create a fresh one.
    for (const endpoint of own) if (endpoint !== kept) await this.deleteAtStripe(stripe, endpoint.id);

    if (kept && local) {
      if (kept.url !== url || !sameEvents(kept.enabled_events, wanted) || kept.status !== 'enabled') {
        await this.call(() =>
          stripe.webhookEndpoints.update(kept.id, {
            url,
            enabled_events: wanted as Stripe.WebhookEndpointUpdateParams.EnabledEvent[],
            disabled: false,
          }),
        );
      }
      await updateWebhookEndpoint(this.options.db, connection.id, { url, enabled_events: JSON.stringify(wanted), updated_at: this.now() });
      return;
    }

    // Ours were all deleted above; the others count against Stripe's limit.
    if (all.length - own.length >= STRIPE_MAX_WEBHOOK_ENDPOINTS) throw limitReached();
    let created: Stripe.WebhookEndpoint;
    try {
      created = await stripe.webhookEndpoints.create({
        url,
        enabled_events: wanted as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
        // Events arrive rendered in this version; the triggers' mappings expect today's shapes.
        api_version: (connection.api_version ?? this.options.defaultApiVersion ?? Stripe.API_VERSION) as Stripe.WebhookEndpointCreateParams.ApiVersion,
        description: 'stripe-connector: triggers in webhook and hybrid mode',
        metadata: { [ENDPOINT_METADATA_KEY]: connection.id },
      });
    } catch (error) {
      // Another client may have taken the last slot between our count and our create.
      if (error instanceof Stripe.errors.StripeError && /maximum of \d+ .*webhook endpoints/i.test(error.message)) throw limitReached();
      throw toConnectorError(error);
    }
    if (!created.secret) throw new ConnectorError(502, 'stripe_error', 'Stripe created the webhook endpoint without returning its signing secret');
    const now = this.now();
    const row: WebhookEndpointRow = {
      connection_id: connection.id,
      stripe_endpoint_id: created.id,
      url,
      enabled_events: JSON.stringify(wanted),
      secret_ciphertext: this.options.cipher.seal(created.secret, connection.id),
      created_at: now,
      updated_at: now,
    };
    // A crash before this write leaves an endpoint of ours without a local record: the next sync
    // finds it by its metadata and replaces it (above).
    await saveWebhookEndpoint(this.options.db, row);
    this.options.logger?.info({ connectionId: connection.id, endpoint: created.id, events: wanted }, 'Stripe webhook endpoint created');
  }

  // At most 16 per account: one page of 100 holds them all; paging is for safety only.
  private listAll(stripe: Stripe): Promise<Stripe.WebhookEndpoint[]> {
    return this.call(() => stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }));
  }

  private async deleteAtStripe(stripe: Stripe, endpointId: string): Promise<void> {
    try {
      await stripe.webhookEndpoints.del(endpointId);
    } catch (error) {
      // Already gone is what we wanted.
      if (error instanceof Stripe.errors.StripeError && (error.statusCode === 404 || error.code === 'resource_missing')) return;
      throw toConnectorError(error);
    }
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toConnectorError(error);
    }
  }
}
