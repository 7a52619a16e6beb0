import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess } from '../support/processes.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { newStorePlace, type StorePlace } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';

let stripe: StripeStandIn;
let place: StorePlace;
before(async () => {
  stripe = await startStripeStandIn();
  place = await newStorePlace('sc-stop-');
});
after(() => closeAll(() => stripe?.stop(), () => place?.remove()));

test('SIGTERM lets an in-flight request finish, refuses new ones, and exits 0', async () => {
  const adminToken = 'drain-test-admin-token-000000000001';
  const server = await startServerProcess(['serve', '--port', '0'], { ...place.env, STRIPE_API_BASE: stripe.url, STRIPE_CONNECTOR_ADMIN_TOKEN: adminToken });
  try {
    // The balance check of this key is held open by the stand-in until released.
    const inFlight = fetch(`${server.url}/api/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow', apiKey: 'sk_test_slow000000000000000001' }),
    });
    await stripe.held();
    server.child.kill('SIGTERM');
    await server.waitFor(/SIGTERM received: draining/);
    await assert.rejects(fetch(`${server.url}/healthz`), 'no new connections once draining');
    stripe.release();
    const res = await inFlight;
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { keyHint: string }).keyHint, 'sk_test_…0001');
    assert.equal(await server.exited, 0);
    assert.match(server.output(), /stopped cleanly/);
  } finally {
    stripe.release();
    await server.stop();
  }
});
