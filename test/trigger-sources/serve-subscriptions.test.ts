// The whole server as `serve` runs it (serve-world.ts: startServer on 127.0.0.1 port 0 with its own
// poll scheduler and delivery worker, the emulator on port 0, a real SQLite file, a recording
// subscriber that verifies each delivery with the standardwebhooks package).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../src/users/tokens.js';
import { startServeWorld, type ServeWorld } from './serve-world.js';

describe('serve delivers poll-mode subscriptions', () => {
  let world: ServeWorld;

  before(async () => {
    world = await startServeWorld();
  });
  after(() => world?.close());

  test('a customer created after subscribing reaches the subscriber once, signed, and shows in its deliveries; another user gets 404', async () => {
    const bob = await createUserWithToken(world.server.services.db, { name: 'bob' });
    const { connectionId, stripe } = await world.connect();
    const created = await world.api('POST', `/api/connections/${connectionId}/subscriptions`, {
      trigger: 'customerAdded',
      url: world.subscriber.url,
      pollIntervalSeconds: 1,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.match(created.json.secret ?? '', /^whsec_/);
    world.subscriber.addSecret(created.json.secret as string);
    const fetched = await world.api('GET', `/api/subscriptions/${created.json.id}`);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.json.secret, undefined, 'the secret is shown only in the 201');

    const customer = await stripe.customers.create({ email: 'new@example.com' });
    // Bounded so a broken wiring fails instead of hanging: the poll runs every 1 s.
    const received = await world.subscriber.waitFor(1, 15_000);

    assert.equal(received.length, 1);
    assert.deepEqual(world.subscriber.unverified, []);
    assert.equal(received[0]!.body.type, 'customerAdded');
    assert.equal(received[0]!.body.subscription, created.json.id);
    assert.equal(received[0]!.body.data.id, customer.id);

    // The delivery is recorded just after the subscriber's answer.
    const deadline = Date.now() + 5_000;
    let deliveries = await world.api('GET', `/api/subscriptions/${created.json.id}/deliveries`);
    while (deliveries.json.data[0]?.status !== 'delivered' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      deliveries = await world.api('GET', `/api/subscriptions/${created.json.id}/deliveries`);
    }
    assert.equal(deliveries.status, 200);
    assert.equal(deliveries.json.data.length, 1);
    assert.equal(deliveries.json.data[0]!.id, received[0]!.webhookId);
    assert.equal(deliveries.json.data[0]!.status, 'delivered');

    assert.equal((await world.api('GET', `/api/subscriptions/${created.json.id}`, undefined, bob.token)).status, 404);
    assert.equal((await world.api('GET', `/api/subscriptions/${created.json.id}/deliveries`, undefined, bob.token)).status, 404);
    assert.equal((await world.api('POST', `/api/deliveries/${received[0]!.webhookId}/retry`, undefined, bob.token)).status, 404);
    assert.equal((await world.api('GET', '/api/subscriptions', undefined, bob.token)).json.data.length, 0);
  });
});
