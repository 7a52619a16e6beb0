// Webhook and hybrid mode end to end: the emulator on port 0 (real clock, so its signatures are
// current), the connector's real services and fastify app listening on 127.0.0.1 port 0 with
// PUBLIC_URL set to that address (so the emulator's webhooks reach it), a real SQLite file, the
// subscription service with endpoint sync, a delivery worker, and a local subscriber that verifies
// every delivery with the standardwebhooks package.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config.js';
import { composeServices, type Services } from '../../src/app/services.js';
import { buildApp } from '../../src/http/app.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { createLogger } from '../../src/log.js';
import { SubscriptionService } from '../../src/triggers/subscriptions.js';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import { webhookTablesOf, type WebhookDatabase } from '../../src/triggers/webhook-tables.js';
import { asOutbox } from '../../src/triggers/webhook-tables.js';

export interface Delivered {
  webhookId: string;
  body: { id: string; type: string; subscription: string; data: { id: string } & Record<string, unknown> };
}

export interface Subscriber {
  url: string;
  /** Verified deliveries, in arrival order. */
  received: Delivered[];
  /** Resolves once `count` deliveries arrived; rejects after timeoutMs (default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<Delivered[]>;
  /** A subscription's secret; a delivery must verify with one of them. */
  addSecret(secret: string): void;
}

export interface WebhookWorld {
  emulator: RunningEmulator;
  services: Services;
  app: FastifyInstance;
  /** The connector's address, also its PUBLIC_URL. */
  url: string;
  db: Kysely<WebhookDatabase>;
  userId: string;
  subscriptions: SubscriptionService;
  worker: DeliveryWorker;
  subscriber: Subscriber;
  /** A connection to a fresh emulator account; its key and a Stripe client for that account. */
  connect(): Promise<{ connectionId: string; apiKey: string; stripe: Stripe }>;
  count(table: 'trigger_events' | 'deliveries' | 'stripe_events_seen' | 'webhook_endpoints', connectionId?: string): Promise<number>;
  close(): Promise<void>;
}

let accountCounter = 0;

async function startSubscriber(): Promise<{ subscriber: Subscriber; server: http.Server }> {
  const received: Delivered[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const secrets: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      for (const secret of secrets) {
        try {
          const body = new Webhook(secret).verify(raw, req.headers as Record<string, string>) as Delivered['body'];
          received.push({ webhookId: String(req.headers['webhook-id']), body });
          for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
          res.writeHead(204).end();
          return;
        } catch {
          // try the next subscription's secret
        }
      }
      res.writeHead(401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const subscriber: Subscriber = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    addSecret(value) {
      secrets.push(value);
    },
    waitFor(count, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} deliveries arrived`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(received)) });
      });
    },
  };
  return { subscriber, server };
}

export async function startWebhookWorld(): Promise<WebhookWorld> {
  // Compressed Stripe retry schedule, so a failed webhook delivery is retried within the test.
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, webhooks: { retryDelaysMs: [20, 40, 60] } });
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-webhooks-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', stripeApiBase: emulator.url, callbackAllowPrivate: true });
  const logger = createLogger({ level: 'silent' });
  const services = await composeServices(config, { logger, stripeRequestsPerSecond: false });
  const app = await buildApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  services.setPublicUrl(url);
  const db = webhookTablesOf(services.db);
  const { userId } = await createUserWithToken(services.db, { name: 'alice' });
  const subscriptions = new SubscriptionService({
    db: asOutbox(db),
    cipher: createKeyCipher(randomBytes(32)),
    connections: services.connections,
    allowPrivate: true,
    endpoints: services.webhookEndpoints,
    logger,
  });
  const worker = new DeliveryWorker({ db: asOutbox(db), openSecret: (row) => subscriptions.openSecret(row), send: { allowPrivate: true }, idleIntervalMs: 20 });
  services.inboundWebhooks.onEnqueued(() => worker.wake());
  worker.start();
  const { subscriber, server } = await startSubscriber();

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
    async connect() {
      const apiKey = `sk_test_wh${process.pid}x${++accountCounter}`;
      const view = await services.connections.create(userId, { name: `account ${accountCounter}`, apiKey, apiBase: emulator.url });
      const row = await services.connections.owned(userId, view.id);
      return { connectionId: view.id, apiKey, stripe: services.connections.stripeFor(row) };
    },
    async count(table, connectionId) {
      let query = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
      if (connectionId !== undefined && table !== 'deliveries') query = query.where('connection_id', '=', connectionId);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },
    async close() {
      await worker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await emulator.stop();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
