// Webhook and hybrid mode end to end: the emulator on port 0 (real clock, so its signatures are
// current), the connector's real services and fastify app listening on 127.0.0.1 port 0 with
// PUBLIC_URL set to that address (so the emulator's webhooks reach it), a store from store-fixture.ts, the
// subscription service with endpoint sync, the delivery worker, and a recording subscriber that
// verifies every delivery with the standardwebhooks package (test/support/recording-subscriber.ts).
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/store/database.js';
import type Stripe from 'stripe';
import { loadConfig } from '../../src/config.js';
import { composeServices, type Services } from '../../src/app/services.js';
import { buildApp } from '../../src/http/app.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';
import type { SubscriptionService } from '../../src/trigger-sources/subscriptions.js';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { newStorePlace } from '../support/store-fixture.js';
import { startSubscriber, type Subscriber } from '../support/recording-subscriber.js';

/** One entry of the emulator's webhook delivery log (docs/emulator.md, GET /_emulator/webhooks/deliveries). */
export interface EmulatorDelivery {
  event: string;
  outcome: 'succeeded' | 'failed' | 'dropped' | 'skipped';
  http_status: number | null;
  duplicate: boolean;
}

export interface WebhookWorld {
  emulator: RunningEmulator;
  services: Services;
  app: FastifyInstance;
  /** The connector's address, also its PUBLIC_URL. */
  url: string;
  db: Store;
  userId: string;
  subscriptions: SubscriptionService;
  worker: DeliveryWorker;
  subscriber: Subscriber;
  /** A connection to a fresh emulator account; its key and a Stripe client for that account. */
  connect(): Promise<{ connectionId: string; apiKey: string; stripe: Stripe }>;
  /** connect(), then a webhook- or hybrid-mode subscription on it to the subscriber, whose secret it is given. */
  subscribe(trigger: string, mode: 'webhook' | 'hybrid'): Promise<{ connectionId: string; apiKey: string; stripe: Stripe; subscriptionId: string }>;
  /** A call to the emulator's control API (/_emulator/…) as the account of `apiKey`; must answer 200. */
  control(apiKey: string, method: string, path: string, body?: object): Promise<unknown>;
  /** Until the account's webhook delivery log satisfies `holds` (checked every 10 ms, for at most 10 s). */
  webhookLogUntil(apiKey: string, what: string, holds: (log: EmulatorDelivery[]) => boolean): Promise<EmulatorDelivery[]>;
  count(table: 'trigger_events' | 'deliveries' | 'stripe_events_seen' | 'webhook_endpoints', connectionId?: string): Promise<number>;
  close(): Promise<void>;
}

let accountCounter = 0;

export async function startWebhookWorld(): Promise<WebhookWorld> {
  // Compressed Stripe retry schedule, so a failed webhook delivery is retried within the test.
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, webhooks: { retryDelaysMs: [20, 40, 60] } });
  const place = await newStorePlace('sc-webhooks-');
  const config = loadConfig({}, { dataDir: place.dataDir, databaseUrl: place.databaseUrl, port: 0, host: '127.0.0.1', stripeApiBase: emulator.url, callbackAllowPrivate: true });
  const logger = createLogger({ level: 'silent' });
  const services = await composeServices(config, { logger, stripeRequestsPerSecond: false });
  const app = await buildApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  services.setPublicUrl(url);
  const db = services.db;
  const { userId } = await createUserWithToken(services.db, { name: 'alice' });
  // The services' own subscription service and delivery worker, as `serve` runs them (the inbound
  // route wakes the worker); the poll scheduler and the reconciler are not started, so the hybrid
  // tests run reconciliations themselves.
  const subscriptions = services.subscriptions;
  const worker = services.deliveryWorker;
  worker.start();
  const subscriber = await startSubscriber();

  const connect = async () => {
    // Padded: the key-form check wants at least 8 characters after the prefix, whatever the pid.
    const apiKey = `sk_test_wh${String(process.pid).padStart(7, '0')}x${++accountCounter}`;
    const view = await services.connections.create(userId, { name: `account ${accountCounter}`, apiKey, apiBase: emulator.url });
    const row = await services.connections.owned(userId, view.id);
    return { connectionId: view.id, apiKey, stripe: services.connections.stripeFor(row) };
  };
  const control = async (apiKey: string, method: string, path: string, body?: object) => {
    const answer = await fetch(`${emulator.url}/_emulator/${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (answer.status !== 200) throw new Error(`${method} /_emulator/${path} answered ${answer.status}`);
    return answer.json();
  };

  return {
    emulator,
    services,
    app,
    url,
    db,
    userId,
    subscriptions,
    worker,
    subscriber,
    connect,
    control,
    async subscribe(trigger, mode) {
      const connection = await connect();
      const created = await subscriptions.create(userId, connection.connectionId, { trigger, url: subscriber.url, mode });
      subscriber.addSecret(created.secret);
      return { ...connection, subscriptionId: created.id };
    },
    async webhookLogUntil(apiKey, what, holds) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { data } = (await control(apiKey, 'GET', 'webhooks/deliveries')) as { data: EmulatorDelivery[] };
        if (holds(data)) return data;
        if (Date.now() > deadline) throw new Error(`the emulator's webhook log never showed ${what}: ${JSON.stringify(data)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async count(table, connectionId) {
      let query = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
      if (connectionId !== undefined && table !== 'deliveries') query = query.where('connection_id', '=', connectionId);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },
    async close() {
      await worker.stop();
      await subscriber.close();
      await app.close();
      await emulator.stop();
      await services.close();
      await place.remove();
    },
  };
}
