// Webhook endpoint upkeep across processes sharing one store: two complete service sets (as two
// `serve` processes have) on one store (SQLite, and PostgreSQL in the runner's second pass) and one
// emulator account, syncing the same connection's endpoint at once.
import { test, describe, before, after } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { composeServices, type Services } from '../../src/app/services.js';
import { createLogger } from '../../src/log.js';
import { ConnectorError } from '../../src/errors.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { acquireLease } from '../../src/store/leases.js';
import { ENDPOINT_METADATA_KEY, WebhookEndpoints, webhookEndpointLeaseName } from '../../src/trigger-sources/webhook-endpoints.js';
import { insertSubscription } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';
import { startWebhookWorld, type WebhookWorld } from './webhook-harness.js';

describe('one Stripe webhook endpoint per connection across processes', () => {
  let world: WebhookWorld;
  let other: Services;

  before(async () => {
    world = await startWebhookWorld();
    other = await composeServices(world.services.config, { logger: createLogger({ level: 'silent' }), stripeRequestsPerSecond: false });
    other.setPublicUrl(world.url);
  });
  after(() => closeAll(() => other?.close(), () => world?.close()));

  test('two processes syncing a connection at once leave exactly one endpoint at Stripe, the one whose secret the store holds', async () => {
    const { connectionId, apiKey, stripe } = await world.connect();
    // Written straight to the store, so that no sync has run yet when both processes start theirs.
    await insertSubscription(world.db, 'sub_wh1', 'customerAdded', Math.floor(Date.now() / 1000), { user_id: world.userId, connection_id: connectionId, mode: 'webhook' });
    await insertSubscription(world.db, 'sub_wh2', 'chargeAdded', Math.floor(Date.now() / 1000), { user_id: world.userId, connection_id: connectionId, mode: 'hybrid' });
    const row = await world.services.connections.owned(world.userId, connectionId);
    // 50 ms per Stripe call: without the lease both processes' lists would see no endpoint.
    const stopDelay = world.emulator.state.addInterceptor((request) => (request.path.startsWith('/v1/webhook_endpoints') ? { delayMs: 50 } : undefined));
    try {
      await Promise.all([world.services.webhookEndpoints.sync(row), other.webhookEndpoints.sync(row)]);
    } finally {
      stopDelay();
    }
    const endpoints = (await stripe.webhookEndpoints.list({ limit: 100 })).data;
    const { data: requests } = (await world.control(apiKey, 'GET', 'requests')) as { data: { method: string; path: string }[] };
    assert.equal(requests.filter((r) => r.method === 'POST' && r.path === '/v1/webhook_endpoints').length, 1, 'created once, never replaced');
    assert.equal(endpoints.length, 1, `endpoints at Stripe: ${endpoints.map((e) => e.id).join(', ')}`);
    assert.equal(endpoints[0]!.metadata[ENDPOINT_METADATA_KEY], connectionId);
    const local = await world.db.selectFrom('webhook_endpoints').selectAll().where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    assert.equal(local.stripe_endpoint_id, endpoints[0]!.id);
    assert.match((await other.webhookEndpoints.secretFor(connectionId)) ?? '', /^whsec_/);
  });

  test('while another process keeps the endpoint lease past the wait, a sync gives up with a 409 that says to try again, and creates nothing', async () => {
    const { connectionId, stripe } = await world.connect();
    await insertSubscription(world.db, 'sub_wh3', 'customerAdded', Math.floor(Date.now() / 1000), { user_id: world.userId, connection_id: connectionId, mode: 'webhook' });
    const row = await world.services.connections.owned(world.userId, connectionId);
    assert.ok(await acquireLease(world.db, webhookEndpointLeaseName(connectionId), 'proc_elsewhere', 60_000));
    const endpoints = new WebhookEndpoints({
      db: world.db,
      cipher: createKeyCipher(randomBytes(32)),
      stripeFor: () => stripe,
      publicUrl: () => world.url,
      leaseWaitMs: 300,
    });
    await assert.rejects(endpoints.sync(row), (error: unknown) => {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 'conflict');
      assert.match(error.message, /Another server process .* Try again in a few seconds/);
      return true;
    });
    assert.deepEqual((await stripe.webhookEndpoints.list({ limit: 100 })).data, []);
  });
});
