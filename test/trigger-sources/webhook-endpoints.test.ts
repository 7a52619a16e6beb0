// Endpoint management against the emulator's /v1/webhook_endpoints, through the
// subscription service and the real store.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { ConnectorError } from '../../src/errors.js';
import { ENDPOINT_METADATA_KEY } from '../../src/trigger-sources/webhook-endpoints.js';
import { startWebhookWorld, type WebhookWorld } from './webhook-harness.js';

async function endpointsAt(stripe: Stripe): Promise<Stripe.WebhookEndpoint[]> {
  return (await stripe.webhookEndpoints.list({ limit: 100 })).data;
}

describe('Stripe webhook endpoint per connection', () => {
  let world: WebhookWorld;
  const hook = 'http://127.0.0.1:9/hook';

  before(async () => {
    world = await startWebhookWorld();
  });
  after(() => world?.close());

  test('a webhook subscription registers one endpoint at PUBLIC_URL/webhooks/stripe/{connection}; a second one reuses it with the union of event types', async () => {
    const { connectionId, stripe } = await world.connect();
    await world.subscriptions.create(world.userId, connectionId, { trigger: 'customerAdded', url: hook, mode: 'webhook' });
    let endpoints = await endpointsAt(stripe);
    assert.equal(endpoints.length, 1);
    const [endpoint] = endpoints as [Stripe.WebhookEndpoint];
    assert.equal(endpoint.url, `${world.url}/webhooks/stripe/${connectionId}`);
    assert.equal(endpoint.metadata[ENDPOINT_METADATA_KEY], connectionId);
    assert.deepEqual(endpoint.enabled_events, ['customer.created']);

    await world.subscriptions.create(world.userId, connectionId, { trigger: 'chargeAdded', url: hook, mode: 'hybrid' });
    await world.subscriptions.create(world.userId, connectionId, { trigger: 'customerAdded', url: hook, mode: 'webhook' });
    await world.subscriptions.create(world.userId, connectionId, { trigger: 'invoiceItemAdded', url: hook, mode: 'poll' });
    endpoints = await endpointsAt(stripe);
    assert.equal(endpoints.length, 1, 'still one endpoint');
    assert.equal(endpoints[0]!.id, endpoint.id, 'the same endpoint, updated');
    assert.deepEqual([...endpoints[0]!.enabled_events].sort(), ['charge.failed', 'charge.pending', 'charge.succeeded', 'customer.created']);
    assert.equal(await world.count('webhook_endpoints', connectionId), 1);
    const row = await world.db.selectFrom('webhook_endpoints').selectAll().where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    assert.doesNotMatch(row.secret_ciphertext, /whsec_/, 'the signing secret is stored sealed');
    assert.match((await world.services.webhookEndpoints.secretFor(connectionId)) ?? '', /^whsec_/);
  });

  test('a lost local record does not make a second endpoint: ours is found by its metadata and replaced, since its secret is gone', async () => {
    const { connectionId, stripe } = await world.connect();
    // Someone else's endpoint on the same account is left alone.
    const foreign = await stripe.webhookEndpoints.create({ url: 'https://example.com/theirs', enabled_events: ['customer.created'] });
    await world.subscriptions.create(world.userId, connectionId, { trigger: 'customerAdded', url: hook, mode: 'webhook' });
    const first = (await endpointsAt(stripe)).find((e) => e.id !== foreign.id)!;
    await world.db.deleteFrom('webhook_endpoints').where('connection_id', '=', connectionId).execute();

    await world.subscriptions.create(world.userId, connectionId, { trigger: 'customerAdded', url: hook, mode: 'webhook' });
    const endpoints = await endpointsAt(stripe);
    assert.equal(endpoints.length, 2, 'ours and the foreign one');
    const ours = endpoints.filter((e) => e.metadata[ENDPOINT_METADATA_KEY] === connectionId);
    assert.equal(ours.length, 1);
    assert.notEqual(ours[0]!.id, first.id, 'recreated, so that its new secret is known');
    const row = await world.db.selectFrom('webhook_endpoints').selectAll().where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    assert.equal(row.stripe_endpoint_id, ours[0]!.id);
    assert.ok(endpoints.some((e) => e.id === foreign.id), 'the foreign endpoint is untouched');
  });

  test('enabled_events follow deletions, pausing changes nothing, and deleting the last webhook subscription deletes the endpoint', async () => {
    const { connectionId, stripe } = await world.connect();
    const customers = await world.subscriptions.create(world.userId, connectionId, { trigger: 'customerAdded', url: hook, mode: 'webhook' });
    const charges = await world.subscriptions.create(world.userId, connectionId, { trigger: 'chargeAdded', url: hook, mode: 'hybrid' });
    await world.subscriptions.create(world.userId, connectionId, { trigger: 'invoiceItemAdded', url: hook, mode: 'poll' });

    await world.subscriptions.pause(world.userId, charges.id);
    assert.equal((await endpointsAt(stripe))[0]!.enabled_events.length, 4, 'a paused subscription still collects its events');

    await world.subscriptions.remove(world.userId, charges.id);
    assert.deepEqual((await endpointsAt(stripe))[0]!.enabled_events, ['customer.created']);

    await world.subscriptions.remove(world.userId, customers.id);
    assert.deepEqual(await endpointsAt(stripe), [], 'a poll subscription needs no endpoint');
    assert.equal(await world.count('webhook_endpoints', connectionId), 0);
  });

  test('when the account already has 16 endpoints, the subscription is refused with what to do, and nothing is kept', async () => {
    const { connectionId, stripe } = await world.connect();
    for (let i = 0; i < 16; i++) await stripe.webhookEndpoints.create({ url: `https://example.com/${i}`, enabled_events: ['*'] });
    const before = (await world.subscriptions.list(world.userId)).subscriptions.length;
    await assert.rejects(
      world.subscriptions.create(world.userId, connectionId, { trigger: 'customerAdded', url: hook, mode: 'webhook' }),
      (error: unknown) => {
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.status, 409);
        assert.match(error.message, /at most 16 webhook endpoints/);
        assert.match(error.message, /Delete one you no longer use .* or subscribe in poll mode/);
        return true;
      },
    );
    assert.equal((await world.subscriptions.list(world.userId)).subscriptions.length, before);
    assert.equal(await world.count('webhook_endpoints', connectionId), 0);
    assert.equal((await endpointsAt(stripe)).length, 16);
  });

  test('deleting a connection deletes its Stripe webhook endpoint', async () => {
    const { connectionId, stripe } = await world.connect();
    await world.subscriptions.create(world.userId, connectionId, { trigger: 'customerAdded', url: hook, mode: 'webhook' });
    assert.equal((await endpointsAt(stripe)).length, 1);
    await world.services.connections.remove(world.userId, connectionId);
    assert.deepEqual(await endpointsAt(stripe), []);
  });
});
