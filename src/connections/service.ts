// Connections: a Stripe key checked by form and by one cheap Stripe call, sealed at rest, usable
// only by the user who added it. The key leaves this module only inside a Stripe client.
import type Stripe from 'stripe';
import { ConnectorError, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/database.js';
import { newId } from '../ids.js';
import type { ConnectionRow } from '../store/schema.js';
import {
  deleteOwnedConnection,
  findOwnedConnection,
  insertConnection,
  listOwnedConnections,
} from '../store/connections.js';
import { clearKeyRefused, markKeyRefused } from '../store/key-refusals.js';
import { createStripeClient } from '../stripe/client.js';
import { asConnectorError, stripeStatusOf } from '../stripe/errors.js';
import { allowedApiOrigins, checkApiBase } from './api-base.js';
import type { KeyCipher } from './key-cipher.js';
import { checkKeyForm, keyHint } from './key-form.js';

export interface NewConnection {
  name: string;
  apiKey: string;
  apiBase?: string | undefined;
  apiVersion?: string | undefined;
  /** Action calls per throttling window for this connection; default: the global actionRateLimit. */
  rateLimit?: number | undefined;
}

/** A connection as the API shows it: never the key, only its hint. */
export interface ConnectionView {
  id: string;
  name: string;
  mode: 'test' | 'live';
  keyHint: string;
  apiBase: string;
  apiVersion: string | null;
  rateLimit: number | null;
  /** 'restricted': a restricted key that may not read the balance; accepted, actions may still be refused by Stripe. */
  keyCheck: 'verified' | 'restricted';
  createdAt: string;
  /** Set when Stripe last answered 401 to a call made with the key (action, poll, reconcile, endpoint sync); null once a later call succeeded. */
  keyRefused: { at: string; message: string } | null;
}

export function toView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    keyHint: row.key_hint,
    apiBase: row.api_base,
    apiVersion: row.api_version,
    rateLimit: row.rate_limit,
    keyCheck: row.key_check,
    createdAt: row.created_at,
    keyRefused: row.key_refused_at === null ? null : { at: row.key_refused_at, message: row.key_refused_message ?? KEY_REFUSED_MESSAGE },
  };
}

/** What keyRefused says: the SDK's response event carries the status, not Stripe's text. */
export const KEY_REFUSED_MESSAGE = 'Stripe refused the API key (401): check that it is current and complete, or add the connection again with a new key';

export interface ConnectionServiceOptions {
  db: Store;
  cipher: KeyCipher;
  logger: Logger;
  /** Base URL for connections that name none (STRIPE_API_BASE); always allowed. */
  defaultApiBase: string;
  /** Further origins a connection's apiBase may use (STRIPE_API_BASE_ALLOWLIST). Default none: Stripe's and defaultApiBase only. */
  apiBaseAllowlist?: readonly string[] | undefined;
  /** Stripe-Version for connections that name none; undefined: the SDK's pinned version. */
  defaultApiVersion: string | undefined;
  /** Outgoing Stripe requests per second per key; default: Stripe's rate for the key's mode (src/stripe/client.ts). false: off (benchmarks). */
  stripeRequestsPerSecond?: number | false | undefined;
  clock?: () => Date;
  /** Runs before a connection is deleted, e.g. to delete its Stripe webhook endpoint. Default none. */
  beforeRemove?: ((row: ConnectionRow) => Promise<void>) | undefined;
}

export class ConnectionService {
  // One Stripe client per connection, built on first use: the SDK keeps an HTTP agent with
  // keep-alive sockets per client, which is most of what makes a repeated call cheap.
  private readonly clients = new Map<string, Stripe>();
  // Whether each connection's key is marked refused in the store, as last read with its row: a
  // success writes (clears it) only when it was, so the action path pays no write per call.
  private readonly refused = new Map<string, boolean>();
  private readonly clock: () => Date;
  private readonly allowedApiOrigins: ReadonlySet<string>;

  constructor(private readonly options: ConnectionServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.allowedApiOrigins = allowedApiOrigins(options.defaultApiBase, options.apiBaseAllowlist);
  }

  async create(userId: string, input: NewConnection): Promise<ConnectionView> {
    const form = checkKeyForm(input.apiKey);
    // Before the key check: that is the one network call a refused apiBase must never cause.
    const apiBase = checkApiBase(input.apiBase ?? this.options.defaultApiBase, this.allowedApiOrigins);
    const apiVersion = input.apiVersion ?? this.options.defaultApiVersion;
    const keyCheck = await this.checkWithStripe(input.apiKey, apiBase, apiVersion, form.kind);
    const id = newId('conn');
    const row: ConnectionRow = {
      id,
      user_id: userId,
      name: input.name,
      mode: form.mode,
      key_hint: keyHint(input.apiKey),
      key_ciphertext: this.options.cipher.seal(input.apiKey, id),
      api_base: apiBase,
      api_version: input.apiVersion ?? null,
      rate_limit: input.rateLimit ?? null,
      key_check: keyCheck,
      created_at: this.clock().toISOString(),
      key_refused_at: null,
      key_refused_message: null,
    };
    await insertConnection(this.options.db, row);
    this.options.logger.info({ connectionId: id, mode: form.mode, keyCheck }, 'connection added');
    return toView(row);
  }

  async list(userId: string): Promise<ConnectionView[]> {
    return (await listOwnedConnections(this.options.db, userId)).map(toView);
  }

  async get(userId: string, id: string): Promise<ConnectionView> {
    return toView(await this.owned(userId, id));
  }

  async remove(userId: string, id: string): Promise<void> {
    if (this.options.beforeRemove) {
      const row = await findOwnedConnection(this.options.db, userId, id);
      if (row) await this.options.beforeRemove(row);
    }
    if (!(await deleteOwnedConnection(this.options.db, userId, id))) throw notFound('connection', id);
    this.clients.delete(id);
    this.refused.delete(id);
    this.options.logger.info({ connectionId: id }, 'connection removed');
  }

  /** The caller's connection row; another user's is a 404 like an unknown id. */
  async owned(userId: string, id: string): Promise<ConnectionRow> {
    const row = await findOwnedConnection(this.options.db, userId, id);
    if (!row) throw notFound('connection', id);
    return row;
  }

  /** The Stripe client for a connection row already checked for ownership. */
  stripeFor(row: ConnectionRow): Stripe {
    // Every caller passes a row it has just read, so this follows other processes' marks too.
    this.refused.set(row.id, row.key_refused_at !== null);
    let client = this.clients.get(row.id);
    if (!client) {
      client = createStripeClient({
        apiKey: this.options.cipher.open(row.key_ciphertext, row.id),
        apiBase: row.api_base,
        apiVersion: row.api_version ?? this.options.defaultApiVersion,
        ...(this.options.stripeRequestsPerSecond === undefined ? {} : { requestsPerSecond: this.options.stripeRequestsPerSecond }),
      });
      this.watchKeyRefusals(row.id, client);
      this.clients.set(row.id, client);
    }
    return client;
  }

  /**
   * Every answer to a call with the key (actions, polls, reconciliation, endpoint sync all use this
   * client): a 401 marks the key refused, any 2xx clears the mark. Failures to write are logged,
   * never thrown into the call.
   */
  private watchKeyRefusals(connectionId: string, client: Stripe): void {
    client.on('response', (event: { status: number }) => {
      let write: Promise<void> | undefined;
      if (event.status === 401) {
        this.refused.set(connectionId, true);
        write = markKeyRefused(this.options.db, connectionId, this.clock().toISOString(), KEY_REFUSED_MESSAGE);
      } else if (event.status >= 200 && event.status < 300 && this.refused.get(connectionId) === true) {
        this.refused.set(connectionId, false);
        write = clearKeyRefused(this.options.db, connectionId);
      }
      write?.catch((error: unknown) => this.options.logger.warn({ err: error, connectionId }, 'the key refusal of a connection could not be recorded'));
    });
  }

  // One cheap read (GET /v1/balance) proves the key works before it is stored.
  private async checkWithStripe(
    apiKey: string,
    apiBase: string,
    apiVersion: string | undefined,
    kind: 'secret' | 'restricted',
  ): Promise<'verified' | 'restricted'> {
    // No retries for the check: a key refused or an unreachable base should be answered at once.
    const stripe = createStripeClient({ apiKey, apiBase, apiVersion, retryPolicy: { maxRetries: 0 } });
    try {
      await stripe.balance.retrieve();
      return 'verified';
    } catch (error) {
      const status = stripeStatusOf(error);
      if (status === 401) {
        throw new ConnectorError(400, 'invalid_api_key', 'Stripe refused the API key (401): check that it is current and complete', [
          { field: 'apiKey', message: 'was refused by Stripe' },
        ]);
      }
      // A restricted key may lack balance access yet serve customers and products: accept, note it.
      if (status === 403 && kind === 'restricted') return 'restricted';
      if (status === 403) {
        throw new ConnectorError(400, 'invalid_api_key', 'Stripe refused the API key (403) although it is a secret key', [
          { field: 'apiKey', message: 'was refused by Stripe' },
        ]);
      }
      throw asConnectorError(error);
    }
  }
}
