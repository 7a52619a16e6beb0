// Where the connector's services are composed from the configuration: the store (migrated), the
// master key, connections, actions. http/ and cli/ receive this object and call into it.
import type Stripe from 'stripe';
import type { Config } from '../config.js';
import { actions as registeredActions } from '../connector/actions/index.js';
import type { ActionDefinition } from '../connector/define.js';
import { createLogger, type Logger } from '../log.js';
import { openStore, type Store } from '../store/database.js';
import type { ConnectionRow } from '../store/schema.js';
import type { ModeWarnings } from '../store/private-files.js';
import { migrateToLatest } from '../store/migrate.js';
import { authenticate } from '../users/tokens.js';
import type { KeyCipher } from '../connections/key-cipher.js';
import { masterKeyFromEnvironment, unlockStore } from '../connections/master-key.js';
import { ConnectionService } from '../connections/service.js';
import { ActionService } from '../action-calls/service.js';
import { createThrottle } from '../action-calls/throttle.js';
import { WebhookEndpoints } from '../trigger-sources/webhook-endpoints.js';
import { InboundWebhooks } from '../trigger-sources/inbound-webhook.js';
import { EventReconciler } from '../trigger-sources/reconcile.js';
import { RelatedObjectReader } from '../trigger-sources/related-objects.js';
import { SubscriptionService } from '../trigger-sources/subscriptions.js';
import { PollScheduler } from '../trigger-sources/poll-scheduler.js';
import { DeliveryWorker } from '../delivery/worker.js';
import { DEFAULT_BACKOFF } from '../delivery/backoff.js';
import { DeliveryHistory } from '../delivery/history.js';
import { UserDeliveries } from '../delivery/user-deliveries.js';
import { Overview } from '../overview/service.js';
import { BulkRetries } from '../delivery/bulk-retry.js';
import { findConnection } from '../store/connections.js';

export interface Services {
  config: Config;
  db: Store;
  logger: Logger;
  authenticate(token: string): Promise<string | undefined>;
  connections: ConnectionService;
  actions: ActionService;
  /** Stripe webhook endpoints per connection (webhook and hybrid mode). */
  webhookEndpoints: WebhookEndpoints;
  /** POST /webhooks/stripe/{connectionId}: verify, ingest. */
  inboundWebhooks: InboundWebhooks;
  /** Hybrid mode's reconciling poll of /v1/events; startServer starts it. */
  reconciler: EventReconciler;
  /** Outbound subscriptions (POST /api/connections/{id}/subscriptions and /api/subscriptions…). */
  subscriptions: SubscriptionService;
  /** Poll mode's per-(connection, trigger) polls; startServer starts it. */
  pollScheduler: PollScheduler;
  /** Sends the outbox's due deliveries; startServer starts it, every enqueue wakes it. */
  deliveryWorker: DeliveryWorker;
  /** A subscription's deliveries and their replay (GET /api/subscriptions/{id}/deliveries, POST /api/deliveries/{id}/retry). */
  deliveries: DeliveryHistory;
  /** The caller's deliveries across subscriptions (GET /api/deliveries, GET /api/deliveries/{id}). */
  userDeliveries: UserDeliveries;
  /** POST /api/deliveries/retry and its progress. */
  bulkRetries: BulkRetries;
  /** GET /api/overview. */
  overview: Overview;
  /** The address Stripe can reach, once known: a server started on port 0 learns it when it listens. */
  setPublicUrl(url: string): void;
  /** PUBLIC_URL, or the listening address once known: what Location headers point at. */
  publicUrl(): string;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  logger?: Logger;
  /** Default: every action in src/connector/actions/index.ts. */
  actions?: ActionDefinition[];
  /** Milliseconds clock for the throttle. Default Date.now. */
  nowMs?: () => number;
  /** Outgoing Stripe requests per second per key. Default: Stripe's rate for the key's mode; false: off (benchmarks only). */
  stripeRequestsPerSecond?: number | false;
  /** Deliveries per bulk-retry transaction. Default DEFAULT_CHUNK_SIZE (500). */
  bulkRetryChunkSize?: number;
  /** Hybrid mode's reconciliation interval. Default DEFAULT_RECONCILE_INTERVAL_SECONDS (300). */
  reconcileIntervalSeconds?: number;
}

/** Where the configured store lives, for messages (never a password): re-exported for the CLI, which does not reach into src/store. */
export { describeStore } from '../store/database.js';

export async function openStoreAt(config: Config, warnings?: ModeWarnings): Promise<Store> {
  const db = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, warnings });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

export async function composeServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const logger = overrides.logger ?? createLogger();
  const keyOptions = { masterKey: config.masterKey, dataDir: config.dataDir };
  // A STRIPE_CONNECTOR_MASTER_KEY of the wrong length stops the start before anything is opened.
  masterKeyFromEnvironment(keyOptions);
  const db = await openStoreAt(config, logger);
  // Before anything uses the key: a key that did not seal this store's secrets is refused, never
  // used beside them (master-key.ts).
  let cipher: KeyCipher;
  try {
    cipher = await unlockStore(db, { ...keyOptions, warnings: logger });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let publicUrl = config.publicUrl;
  // Deleting a connection deletes its Stripe webhook endpoint first. If Stripe
  // cannot be asked (key revoked, Stripe down), the connection is still deleted: an endpoint left
  // behind only has its events refused here (no secret any more), and its id is logged for removal.
  const beforeRemove = async (row: ConnectionRow): Promise<void> => {
    try {
      await webhookEndpoints.remove(row);
    } catch (error) {
      logger.warn({ err: error, connectionId: row.id }, 'the Stripe webhook endpoint of a deleted connection could not be deleted');
    }
  };
  const connections: ConnectionService = new ConnectionService({
    beforeRemove,
    db,
    cipher,
    logger,
    defaultApiBase: config.stripeApiBase,
    apiBaseAllowlist: config.stripeApiBaseAllowlist,
    defaultApiVersion: config.stripeApiVersion,
    stripeRequestsPerSecond: overrides.stripeRequestsPerSecond,
  });
  const webhookEndpoints: WebhookEndpoints = new WebhookEndpoints({
    db,
    cipher,
    stripeFor: (row): Stripe => connections.stripeFor(row),
    publicUrl: () => publicUrl,
    defaultApiVersion: config.stripeApiVersion,
    logger,
  });
  const stripeForConnection = async (connectionId: string): Promise<Stripe | undefined> => {
    const row = await findConnection(db, connectionId);
    return row ? connections.stripeFor(row) : undefined;
  };
  // One coupon cache for the process, keyed by connection: webhook events and reconciliations
  // of one connection share its coupons.
  const relatedObjects = new RelatedObjectReader({ stripeFor: stripeForConnection, logger });
  const inboundWebhooks = new InboundWebhooks({
    db,
    secretFor: (connectionId) => webhookEndpoints.secretFor(connectionId),
    relatedFor: (connectionId, event) => relatedObjects.forEvent(connectionId, event),
    // Deliveries created by an inbound webhook go to this process's worker already claimed.
    handoff: { reserve: (nowMs) => deliveryWorker.reserve(nowMs), accept: (ready) => deliveryWorker.accept(ready) },
    ...(overrides.nowMs ? { nowMs: overrides.nowMs } : {}),
    logger,
  });
  const reconciler = new EventReconciler({
    db,
    stripeFor: stripeForConnection,
    relatedFor: (connectionId, events, stripe) => relatedObjects.forEvents(connectionId, events, stripe),
    ...(overrides.reconcileIntervalSeconds === undefined ? {} : { intervalSeconds: overrides.reconcileIntervalSeconds }),
    logger,
  });
  const subscriptions = new SubscriptionService({
    db,
    cipher,
    connections,
    allowPrivate: config.callbackAllowPrivate,
    maxPerConnection: config.subscriptionsPerConnection,
    ...(overrides.nowMs ? { nowMs: overrides.nowMs } : {}),
    endpoints: webhookEndpoints,
    logger,
  });
  const deliveryWorker = new DeliveryWorker({
    db,
    openSecret: (row) => subscriptions.openSecret(row),
    send: { allowPrivate: config.callbackAllowPrivate },
    backoff: { ...DEFAULT_BACKOFF, firstDelayMs: config.deliveryFirstRetrySeconds * 1000 },
    leaseMs: config.deliveryLeaseSeconds * 1000,
    ...(overrides.nowMs ? { nowMs: overrides.nowMs } : {}),
    logger,
  });
  const pollScheduler = new PollScheduler({
    db,
    stripeFor: stripeForConnection,
    ...(overrides.nowMs ? { nowMs: overrides.nowMs } : {}),
    logger,
  });
  // Wake-ups are wired one way: a producer announces new work to its listeners, the loop that
  // does that work is woken (src/background/loop.ts) and runs its next round now.
  // Whichever path enqueues (poll, inbound webhook, reconciliation), the worker sends at once
  // rather than on its next idle round.
  pollScheduler.onEnqueued(() => deliveryWorker.wake());
  inboundWebhooks.onEnqueued(() => deliveryWorker.wake());
  reconciler.onEnqueued(() => deliveryWorker.wake());
  // A new or resumed poll subscription is polled at once, not at the scheduler's next tick.
  subscriptions.onActivated(() => pollScheduler.wake());
  // A replayed delivery is due at once.
  const deliveries = new DeliveryHistory({ db });
  deliveries.onReplayed(() => deliveryWorker.wake());
  const bulkRetries = new BulkRetries({ db, logger, nowMs: overrides.nowMs, chunkSize: overrides.bulkRetryChunkSize });
  bulkRetries.onChunkRetried(() => deliveryWorker.wake());
  const actions = new ActionService({
    db,
    connections,
    throttle: createThrottle(overrides.nowMs),
    logger,
    actions: overrides.actions ?? registeredActions,
    rateLimit: config.actionRateLimit,
    rateWindowSeconds: config.actionRateWindowSeconds,
  });
  return {
    config,
    db,
    logger,
    authenticate: (token) => authenticate(db, token),
    connections,
    actions,
    webhookEndpoints,
    inboundWebhooks,
    reconciler,
    subscriptions,
    pollScheduler,
    deliveryWorker,
    deliveries,
    userDeliveries: new UserDeliveries(db),
    bulkRetries,
    overview: new Overview({ db, nowMs: overrides.nowMs }),
    setPublicUrl(url) {
      publicUrl = url;
    },
    publicUrl: () => publicUrl,
    close: async () => {
      // Producers first, then the worker, so nothing is enqueued after it has stopped.
      await pollScheduler.stop();
      await reconciler.stop();
      await bulkRetries.settle();
      await deliveryWorker.stop();
      await db.destroy();
    },
  };
}
