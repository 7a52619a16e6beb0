// The whole server as `serve` composes it, in this process: startServer on 127.0.0.1 port 0 (its
// own poll scheduler, delivery worker, inbound Stripe webhook route; PUBLIC_URL is its own address,
// so the emulator's webhooks reach it), the emulator on port 0 in real time (its webhook retries
// compressed), a real SQLite file in a temp dir (or PostgreSQL with TEST_DATABASE_URL), a user with
// a token, and a recording subscriber. Everything goes through the HTTP API as a user would.
import Stripe from 'stripe';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { startSubscriber, type Subscriber } from '../support/recording-subscriber.js';
import { newStorePlace } from '../support/store-fixture.js';

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape under test
  json: any;
}

export interface ServeWorld {
  emulator: RunningEmulator;
  server: RunningServer;
  subscriber: Subscriber;
  /** The test user (alice) and her token. */
  userId: string;
  /** A call to the connector's API as the test user, or as the owner of `token`. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<ApiAnswer>;
  /** A connection (POST /api/connections) to a fresh emulator account, and an SDK client for that account. */
  connect(): Promise<{ connectionId: string; apiKey: string; stripe: Stripe }>;
  /** POST /api/connections/{id}/subscriptions to the subscriber; its secret goes to the subscriber. */
  subscribe(connectionId: string, input: Record<string, unknown>): Promise<string>;
  /** `count` charges in the account of `apiKey`, one second apart from `createdFrom` (unix seconds), through the emulator's bulk route. */
  bulkCharges(apiKey: string, count: number, createdFrom: number): Promise<void>;
  close(): Promise<void>;
}

let accountCounter = 0;

/** `env`: configuration variables as `serve` reads them, e.g. DELIVERY_FIRST_RETRY_SECONDS. */
export async function startServeWorld(env: Record<string, string> = {}): Promise<ServeWorld> {
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, webhooks: { retryDelaysMs: [20, 40, 60] } });
  // The server opens and migrates the store itself: the SQLite file in its DATA_DIR, or a fresh
  // PostgreSQL database when TEST_DATABASE_URL is set.
  const place = await newStorePlace('sc-serve-world-');
  const config = loadConfig(env, {
    dataDir: place.dataDir,
    databaseUrl: place.databaseUrl,
    port: 0,
    host: '127.0.0.1',
    stripeApiBase: emulator.url,
    callbackAllowPrivate: true,
    adminToken: 'sc_admin_serve_world_test_token_000001',
  });
  const server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
  const subscriber = await startSubscriber();
  const alice = await createUserWithToken(server.services.db, { name: 'alice' });

  const api = async (method: string, path: string, body?: unknown, token = alice.token): Promise<ApiAnswer> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };

  return {
    emulator,
    server,
    subscriber,
    userId: alice.userId,
    api,
    async connect() {
      const apiKey = `sk_test_serve${process.pid}x${++accountCounter}`;
      const created = await api('POST', '/api/connections', { name: `account ${accountCounter}`, apiKey, apiBase: emulator.url });
      if (created.status !== 201) throw new Error(`connection not created: ${JSON.stringify(created.json)}`);
      const stripe = new Stripe(apiKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
      return { connectionId: created.json.id as string, apiKey, stripe };
    },
    async subscribe(connectionId, input) {
      const created = await api('POST', `/api/connections/${connectionId}/subscriptions`, { url: subscriber.url, ...input });
      if (created.status !== 201) throw new Error(`subscription not created: ${JSON.stringify(created.json)}`);
      subscriber.addSecret(created.json.secret as string);
      return created.json.id as string;
    },
    async bulkCharges(apiKey, count, createdFrom) {
      const bulk = await fetch(`${emulator.url}/_emulator/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: `type=charges&count=${count}&created_from=${createdFrom}&created_to=${createdFrom + count - 1}`,
      });
      if (bulk.status !== 200) throw new Error(`bulk create failed: ${bulk.status} ${await bulk.text()}`);
    },
    async close() {
      await server.stop();
      await subscriber.close();
      await emulator.stop();
      await place.remove();
    },
  };
}
