// The whole server as `serve` runs it (startServer on 127.0.0.1 port 0, its own poll scheduler and
// delivery worker), the emulator on port 0, a real SQLite file and a local subscriber on port 0
// that verifies each delivery with the standardwebhooks package.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';
import { createUserWithToken } from '../../src/users/tokens.js';

interface Received {
  webhookId: string;
  body: { id: string; type: string; subscription: string; data: { id: string } };
}

/** The fields these tests read from the API's answers. */
interface ApiJson {
  id: string;
  secret?: string;
  data: { id: string; status: string }[];
}

describe('serve delivers poll-mode subscriptions', () => {
  let emulator: RunningEmulator;
  let server: RunningServer;
  let subscriberServer: http.Server;
  let dataDir: string;
  const received: Received[] = [];
  const rejected: string[] = [];
  let secret = '';
  let onReceived: (() => void) | undefined;

  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    dataDir = mkdtempSync(join(tmpdir(), 'sc-serve-subs-'));
    const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', stripeApiBase: emulator.url, callbackAllowPrivate: true, adminToken: 'sc_admin_serve_subscriptions_test_0001' });
    server = await startServer(config, { logger: createLogger({ level: 'silent' }), stripeRequestsPerSecond: false });
    subscriberServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          const body = new Webhook(secret).verify(raw, req.headers as Record<string, string>) as Received['body'];
          received.push({ webhookId: String(req.headers['webhook-id']), body });
          res.writeHead(204).end();
          onReceived?.();
        } catch {
          rejected.push(raw);
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => subscriberServer.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await new Promise<void>((resolve) => subscriberServer.close(() => resolve()));
    await server.stop();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: ApiJson }> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as ApiJson };
  }

  test('a customer created after subscribing reaches the subscriber once, signed, and shows in its deliveries; another user gets 404', async () => {
    const alice = await createUserWithToken(server.services.db, { name: 'alice' });
    const bob = await createUserWithToken(server.services.db, { name: 'bob' });
    const apiKey = `sk_test_serve${process.pid}`;
    const connection = await api(alice.token, 'POST', '/api/connections', { name: 'emulated', apiKey, apiBase: emulator.url });
    assert.equal(connection.status, 201, JSON.stringify(connection.json));

    const subscriberUrl = `http://127.0.0.1:${(subscriberServer.address() as AddressInfo).port}/hook`;
    const created = await api(alice.token, 'POST', `/api/connections/${connection.json.id}/subscriptions`, {
      trigger: 'customerAdded',
      url: subscriberUrl,
      pollIntervalSeconds: 1,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.match(created.json.secret ?? '', /^whsec_/);
    secret = created.json.secret ?? '';
    const fetched = await api(alice.token, 'GET', `/api/subscriptions/${created.json.id}`);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.json.secret, undefined, 'the secret is shown only in the 201');

    const arrived = new Promise<void>((resolve) => {
      onReceived = resolve;
    });
    const row = await server.services.connections.owned(alice.userId, connection.json.id);
    const customer = await server.services.connections.stripeFor(row).customers.create({ email: 'new@example.com' });
    // Bounded so a broken wiring fails instead of hanging: the poll runs every 1 s.
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no delivery within 15 s')), 15_000).unref());
    await Promise.race([arrived, timeout]);

    assert.equal(received.length, 1);
    assert.equal(rejected.length, 0);
    assert.equal(received[0]!.body.type, 'customerAdded');
    assert.equal(received[0]!.body.subscription, created.json.id);
    assert.equal(received[0]!.body.data.id, customer.id);

    const deliveries = await api(alice.token, 'GET', `/api/subscriptions/${created.json.id}/deliveries`);
    assert.equal(deliveries.status, 200);
    assert.equal(deliveries.json.data.length, 1);
    assert.equal(deliveries.json.data[0]!.id, received[0]!.webhookId);
    assert.equal(deliveries.json.data[0]!.status, 'delivered');

    assert.equal((await api(bob.token, 'GET', `/api/subscriptions/${created.json.id}`)).status, 404);
    assert.equal((await api(bob.token, 'GET', `/api/subscriptions/${created.json.id}/deliveries`)).status, 404);
    assert.equal((await api(bob.token, 'POST', `/api/deliveries/${received[0]!.webhookId}/retry`)).status, 404);
    assert.equal((await api(bob.token, 'GET', '/api/subscriptions')).json.data.length, 0);
  });
});
